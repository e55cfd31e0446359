// reshape: the same values with another shape (no copy: the result shares x's storage).
//   forward : result = x viewed as `shape` (one extent may be -1, inferred)
//   backward: grad_x = reshape(grad_out, x.shape)
//   saves   : nothing
//   shapes  : numel(shape) = numel(x)

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct ReshapeNode final : Node {
  ReshapeNode() : Node("reshape") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {reshape(grad_out, input_shape(0))};
  }
};

Shape infer_shape(const Tensor& x, const Shape& shape) {
  Shape out = shape;
  Shape known_extents;  // every extent but the -1
  int infer = -1;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer >= 0) {
        throw std::invalid_argument(
            fmt::format("nabla::reshape: only one extent may be -1, got {}", shape_str(shape)));
      }
      infer = static_cast<int>(i);
    } else if (out[i] < 0) {
      throw std::invalid_argument(
          fmt::format("nabla::reshape: negative extent {} in shape {}", out[i], shape_str(shape)));
    } else {
      known_extents.push_back(out[i]);
    }
  }
  const std::int64_t known = shape_numel(known_extents, "reshape");  // throws on overflow
  if (infer >= 0) {
    if (known == 0 || x.numel() % known != 0) {
      throw std::invalid_argument(fmt::format(
          "nabla::reshape: cannot infer the -1 in {} for a tensor of {} elements (shape {})",
          shape_str(shape), x.numel(), shape_str(x.shape())));
    }
    out[static_cast<std::size_t>(infer)] = x.numel() / known;
  } else if (known != x.numel()) {
    throw std::invalid_argument(
        fmt::format("nabla::reshape: shape {} has {} elements but the tensor (shape {}) has {}",
                    shape_str(shape), known, shape_str(x.shape()), x.numel()));
  }
  return out;
}
}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("reshape", x);
  Shape target = infer_shape(x, shape);
  if (target == x.shape()) return x;
  const Tensor values = detail::dense(x);
  Tensor result = detail::make_view(values, target, detail::contiguous_strides(target),
                                    values.storage_offset());
  record<ReshapeNode>(result, {x});
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
