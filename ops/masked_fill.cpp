// masked_fill: x with `value` written where a bool mask is true.
//   forward : result = mask ? value : x, in x's dtype (value converted as a fill is: for an
//             integer x truncated toward zero, and refused when out of range)
//   backward: grad_x = masked_fill(grad_out, mask, 0); the mask gets none
//   saves   : mask (bool, never requires grad)
//   shapes  : mask broadcasts to x's shape (not beyond it); result has x's shape.
//             mask must be bool, else std::invalid_argument naming its dtype

#include "kernels/compare.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct MaskedFillNode final : Node {
  MaskedFillNode() : Node("masked_fill") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {masked_fill(grad_out, saved(0), 0.0)};
  }
};
}  // namespace

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("masked_fill", x);
  detail::check_defined("masked_fill", mask, "mask");
  detail::check_bool("masked_fill", mask, "mask");
  if (broadcast_shapes(mask.shape(), x.shape(), "masked_fill") != x.shape()) {
    throw std::invalid_argument(
        fmt::format("nabla::masked_fill: mask {} does not broadcast to the input's shape {}",
                    shape_str(mask.shape()), shape_str(x.shape())));
  }
  const Tensor fill = detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor s = detail::make_tensor({}, x.dtype(), "masked_fill");
    *detail::data_ptr<T>(s) = detail::checked_value<T>(value, "masked_fill");
    return s;
  });
  Tensor result = detail::where_kernel("masked_fill", mask, fill, x);
  if (auto node = record<MaskedFillNode>(result, {x})) node->save(mask);
  return result;
}

namespace detail {
namespace {
// A fixed mask of `shape`, true at every other element from element 1 (so element 0,
// and with it a 0-d sample, keeps its gradient). Bound in fn and never perturbed.
Tensor fixed_mask(const Shape& shape) {
  std::vector<double> v(static_cast<std::size_t>(shape_numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = i % 2 == 1 ? 1.0 : 0.0;
  return tensor(v, shape, Dtype::bool_);
}
}  // namespace

void register_masked_fill(OpRegistry& r) {
  r.add({.name = "masked_fill",
         .formula = "mask ? 0.5 : x, fixed mask (every other element)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return masked_fill(in[0], fixed_mask(in[0].shape()), 0.5);
             },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
