// abs: elementwise absolute value.
//   forward : result = |x|
//   backward: grad_x = grad_out ⊙ sign(x)   (sign(0) = 0: the subgradient 0 at the kink)
//   saves   : sign(x), a constant without history (so ∂²/∂x² = 0, as it is off the kink)
//   shapes  : any; result has x's shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct AbsNode final : Node {
  AbsNode() : Node("abs") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {mul(grad_out, saved(0))};  // [..] = [..] ⊙ [..]
  }
};
}  // namespace

Tensor abs(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("abs", x);
  Tensor result = detail::unary_kernel("abs", x, [](auto&& v) { return xt::abs(v); });
  if (auto node = record<AbsNode>(result, {x})) {
    Tensor sign = detail::make_tensor(x.shape(), x.dtype());
    detail::dispatch_floating("abs", x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const Tensor values = detail::dense(x);  // the node keeps x itself
      const T* p = detail::data_ptr<T>(values);
      T* s = detail::data_ptr<T>(sign);
      for (std::int64_t i = 0; i < x.numel(); ++i)
        s[i] = p[i] > 0 ? T(1) : (p[i] < 0 ? T(-1) : T(0));
    });
    node->save(sign);
  }
  return result;
}

namespace detail {
void register_abs(OpRegistry& r) {
  // away from 0: the kink of |x| is at 0, where finite differences straddle it
  r.add({.name = "abs",
         .formula = "|x|",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return abs(in[0]); },
         .samples = [](Generator& g,
                       Dtype d) { return unary_samples(g, d, Domain::away_from_zero); }});
}
}  // namespace detail
}  // namespace nabla
