#pragma once
// Internal: what the view op files share. A view is a new TensorImpl over its base's
// storage (detail::make_view): no values are copied, and the base's version counter is
// the view's.

#include <optional>

#include "ops/op_common.hpp"

namespace nabla::detail {

/// One axis taken apart: positions start, start + step, ... (`length` of them) along
/// `dim`; with `drop` (select) the axis disappears (length is then 1). Expressed in the
/// input's logical indices, so the same subscript applies to any layout of that shape.
struct Subscript {
  const char* op = "slice";  // the user-facing op, named by the nodes
  std::size_t dim = 0;
  std::int64_t start = 0;
  std::int64_t step = 1;
  std::int64_t length = 0;
  bool drop = false;
};

/// The subscripted view of `x` (no history): offset += start·stride[dim],
/// stride[dim] ·= step, extent = length, the axis dropped for a select.
Tensor subscript_view(const Tensor& x, const Subscript& s);
/// The subscripted view of `x` as a differentiable op named s.op. Backward:
/// slice_backward(grad_out, x.shape, s).
Tensor subscript(const Tensor& x, const Subscript& s);
/// zeros(input_shape) with `grad` written at the subscripted positions: the backward of
/// select, narrow and slice. Backward: subscript(grad_out, s) (the same view of it).
Tensor slice_backward(const Tensor& grad, const Shape& input_shape, const Subscript& s);

/// The strides that let a tensor of `shape` and `strides` be seen as `new_shape` (the
/// same numel) without copying, or nullopt when none do. Axes may merge or split only
/// within runs of axes that are contiguous relative to each other (PyTorch's rule).
std::optional<Strides> view_strides(const Shape& shape, const Strides& strides,
                                    const Shape& new_shape);

/// `shape` with its one -1 (if any) inferred for a tensor of x's numel; throws
/// std::invalid_argument naming `op` for two -1s, another negative extent or a numel
/// that does not match.
Shape infer_shape(const char* op, const Tensor& x, const Shape& shape);

/// The node of a view that only changes the shape (view, squeeze, unsqueeze, flatten,
/// unflatten): the gradient is grad_out reshaped back to the input's shape.
struct ShapeViewNode final : Node {
  explicit ShapeViewNode(const char* name) : Node(name) {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {reshape(grad_out, input_shape(0))};
  }
};

/// x seen as `shape` (strides from view_strides, which must have succeeded) with a
/// ShapeViewNode named `op`.
Tensor shape_view(const char* op, const Tensor& x, const Shape& shape, const Strides& strides);

}  // namespace nabla::detail
