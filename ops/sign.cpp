// sign: elementwise sign.
//   forward : result = −1 where x < 0, 0 where x = 0 (either zero) or x is NaN, +1 where
//             x > 0, in x's dtype (NaN → 0 as PyTorch's CPU kernel; bool x → a copy)
//   backward: grad_x = 0 (piecewise constant; PyTorch's rule is zero at 0 too)
//   saves   : nothing
//   shapes  : any; result has x's shape
//   dtypes  : any

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct SignNode final : Node {
  SignNode() : Node("sign") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {zeros_like(grad_out)}; }
};

// (0 < v) − (v < 0): both comparisons are false for NaN, so NaN gives 0.
template <class T>
Tensor integer_sign(const Tensor& x) {
  const Tensor values = detail::dense(x);
  Tensor result = detail::make_tensor(x.shape(), x.dtype(), "sign");
  const T* p = detail::data_ptr<T>(values);
  T* o = detail::data_ptr<T>(result);
  for (std::int64_t i = 0; i < x.numel(); ++i) {
    o[i] = static_cast<T>(static_cast<int>(T(0) < p[i]) - static_cast<int>(p[i] < T(0)));
  }
  return result;
}
}  // namespace

Tensor sign(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sign", x);
  if (!is_floating_point(x.dtype())) {
    return detail::dispatch(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_same_v<T, bool>) {
        return clone(x);  // sign(true) = true, sign(false) = false
      } else {
        return integer_sign<T>(x);
      }
    });
  }
  Tensor result = detail::dispatch_floating("sign", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return detail::unary_kernel("sign", x, [](auto&& v) {
      return xt::where(v > T(0), T(1), xt::where(v < T(0), T(-1), T(0)));
    });
  });
  record<SignNode>(result, {x});
  return result;
}

namespace detail {
void register_sign(OpRegistry& r) {
  // x + sign(x): sign's own Jacobian is zero, which gradcheck refuses as vacuous; the sum
  // checks that sign contributes exactly nothing. Away from zero: the step of sign.
  r.add({.name = "sign",
         .formula = "x + sign(x)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return add(in[0], sign(in[0])); },
         .samples = [](Generator& g,
                       Dtype d) { return unary_samples(g, d, Domain::away_from_zero); }});
}
}  // namespace detail
}  // namespace nabla
