// reshape: the same values with another shape: a view when x's strides allow it (see
// view), else a contiguous copy (as PyTorch).
//   forward : result = x seen as `shape` (one extent may be -1, inferred)
//   backward: grad_x = reshape(grad_out, x.shape)
//   saves   : nothing
//   shapes  : numel(shape) = numel(x)

#include "ops/view_common.hpp"

namespace nabla {
namespace detail {
Shape infer_shape(const char* op, const Tensor& x, const Shape& shape) {
  Shape out = shape;
  Shape known_extents;  // every extent but the -1
  int infer = -1;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer >= 0) {
        throw std::invalid_argument(
            fmt::format("nabla::{}: only one extent may be -1, got {}", op, shape_str(shape)));
      }
      infer = static_cast<int>(i);
    } else if (out[i] < 0) {
      throw std::invalid_argument(
          fmt::format("nabla::{}: negative extent {} in shape {}", op, out[i], shape_str(shape)));
    } else {
      known_extents.push_back(out[i]);
    }
  }
  const std::int64_t known = shape_numel(known_extents, op);  // throws on overflow
  if (infer >= 0) {
    if (known == 0 || x.numel() % known != 0) {
      throw std::invalid_argument(
          fmt::format("nabla::{}: cannot infer the -1 in {} for a tensor of {} elements (shape {})",
                      op, shape_str(shape), x.numel(), shape_str(x.shape())));
    }
    out[static_cast<std::size_t>(infer)] = x.numel() / known;
  } else if (known != x.numel()) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: shape {} has {} elements but the tensor (shape {}) has {}", op,
                    shape_str(shape), known, shape_str(x.shape()), x.numel()));
  }
  return out;
}
}  // namespace detail

Tensor reshape(const Tensor& x, const Shape& shape, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("reshape", x);
  Shape target = detail::infer_shape("reshape", x, shape);
  if (target == x.shape()) return x;
  if (auto strides = detail::view_strides(x.shape(), x.impl()->strides, target)) {
    return detail::shape_view("reshape", x, target, *strides);
  }
  const Tensor values = detail::copy_of(x);
  Tensor result = detail::make_view(values, target, detail::contiguous_strides(target),
                                    values.storage_offset());
  record<detail::ShapeViewNode>(result, {x}, "reshape");
  return result;
}

Tensor Tensor::reshape(const Shape& s) const {
  return nabla::reshape(*this, s);
}

namespace detail {
void register_reshape(OpRegistry& r) {
  r.add({.name = "reshape",
         .formula = "x viewed as [-1, 2] (or [-1] for odd sizes)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return reshape(in[0], in[0].numel() % 2 == 0 ? Shape{-1, 2} : Shape{-1});
             },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
