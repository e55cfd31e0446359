// slice_backward: the gradient of select, narrow and slice, scattered into zeros.
//   forward : result = zeros(input_shape); result[subscript] = grad
//   backward: grad_grad = subscript(grad_out) (the same positions, viewed)
//   saves   : nothing (the subscript and the input shape are attributes)
//   shapes  : grad has the subscripted shape of input_shape
// This file also holds the subscript view itself, the forward that select, narrow and
// slice share once they have checked and normalized their arguments.

#include "ops/view_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct SubscriptNode final : Node {
  explicit SubscriptNode(Subscript s) : Node(s.op), s_(s) {}
  Subscript s_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {slice_backward(grad_out, input_shape(0), s_)};
  }
};

struct SliceBackwardNode final : Node {
  explicit SliceBackwardNode(Subscript s) : Node("slice_backward"), s_(s) {}
  Subscript s_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {subscript(grad_out, s_)};
  }
};
}  // namespace

Tensor subscript_view(const Tensor& x, const Subscript& s) {
  Shape shape = x.shape();
  Strides strides = x.impl()->strides;
  const std::int64_t offset = x.storage_offset() + s.start * strides[s.dim];
  if (s.drop) {
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(s.dim));
    strides.erase(strides.begin() + static_cast<std::ptrdiff_t>(s.dim));
  } else {
    shape[s.dim] = s.length;
    strides[s.dim] *= s.step;
  }
  // An empty slice addresses nothing; keep its offset inside the storage anyway.
  return make_view(x, std::move(shape), std::move(strides),
                   s.length == 0 ? x.storage_offset() : offset);
}

Tensor subscript(const Tensor& x, const Subscript& s) {
  Tensor result = subscript_view(x, s);
  record<SubscriptNode>(result, {x}, s);
  return result;
}

Tensor slice_backward(const Tensor& grad, const Shape& input_shape, const Subscript& s) {
  check_defined("slice_backward", grad);
  Tensor result = zeros(input_shape, grad.dtype());
  const Tensor target = subscript_view(result, s);
  if (target.shape() != grad.shape()) {
    throw std::invalid_argument(fmt::format(
        "nabla::slice_backward: grad has shape {} but the {} of {} along axis {} has shape {}",
        shape_str(grad.shape()), s.op, shape_str(input_shape), s.dim, shape_str(target.shape())));
  }
  copy_values(target, grad);
  record<SliceBackwardNode>(result, {grad}, s);
  return result;
}

void register_slice_backward(OpRegistry& r) {
  // grad [2,2] written at rows 0 and 2, columns 1..2 of a [3,4] zero matrix
  r.add({.name = "slice_backward",
         .formula = "zeros [3,4] with grad at rows 0:3:2 (and narrow/select variants)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               const Shape& s = in[0].shape();
               if (s.empty() || s.size() > 2) {
                 throw std::invalid_argument(fmt::format(
                     "nabla::slice_backward: the registry's sample takes a gradient of rank 1 "
                     "or 2, got {}",
                     shape_str(s)));
               }
               if (s.size() == 1) {  // the gradient of select(x, 0, 1) of a [3,k] x
                 return slice_backward(in[0], {3, s[0]}, {"select", 0, 1, 1, 1, true});
               }
               return slice_backward(in[0], {3, s[1]}, {"slice", 0, 0, 2, 2, false});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"rows of [2,4]", {sample_tensor({2, 4}, g, d)}},
                                            {"one column [2,1]", {sample_tensor({2, 1}, g, d)}},
                                            {"selected row [4]", {sample_tensor({4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"[3,4] for two rows", {sample_tensor({3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
