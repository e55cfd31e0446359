// cast: converts the values to another dtype (Tensor::to calls it).
//   forward : result = x converted to `dtype` (always a copy; see detail::convert for
//             float → integer: truncation, saturation, NaN → 0)
//   backward: grad_x = cast(grad_out, x.dtype)
//   saves   : nothing
//   shapes  : any; result has x's shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct CastNode final : Node {
  CastNode() : Node("cast") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {cast(grad_out, input_dtype(0))};
  }
};
}  // namespace

Tensor cast(const Tensor& x, Dtype dtype, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("cast", x);
  Tensor result = detail::make_tensor(x.shape(), dtype, "cast");
  detail::copy_values(result, x);
  // Only a floating result has a gradient (as PyTorch: x.to(int64) is not differentiable).
  if (is_floating_point(dtype)) record<CastNode>(result, {x});
  return result;
}

Tensor Tensor::to(Dtype dtype) const {
  check_defined("to");
  if (dtype == impl_->dtype) return *this;
  return nabla::cast(*this, dtype);
}

namespace detail {
void register_cast(OpRegistry& r) {
  // Checked as a copy in the sample dtype: a float32 round trip would drown the finite
  // differences in rounding. tests/ops/test_cast.cpp checks the dtype round trip.
  r.add({.name = "cast",
         .formula = "x converted to its own dtype (a copy)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return cast(in[0], in[0].dtype()); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
