// neg: elementwise negation.
//   forward : result = -x
//   backward: grad_x = -grad_out
//   saves   : nothing
//   shapes  : any; result has x's shape
//   dtypes  : every dtype but bool, as PyTorch (an integer result is not differentiable;
//             uint8 wraps modulo 256); bool throws, pointing at logical_not

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct NegNode final : Node {
  NegNode() : Node("neg") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {neg(grad_out)}; }
};
}  // namespace

Tensor neg(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("neg", x);
  if (x.dtype() == Dtype::bool_) {
    throw std::invalid_argument(fmt::format(
        "nabla::neg: input is bool {}; negating a bool tensor is not supported (as PyTorch), "
        "use logical_not",
        shape_str(x.shape())));
  }
  Tensor result;
  if (is_floating_point(x.dtype())) {
    result = detail::unary_kernel("neg", x, [](auto&& v) { return -v; });
  } else {
    const Tensor xd = detail::dense(x);
    result = detail::make_tensor(x.shape(), x.dtype(), "neg");
    detail::dispatch(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        const T* p = detail::data_ptr<T>(xd);
        T* o = detail::data_ptr<T>(result);
        // Through unsigned arithmetic: wraps as PyTorch for uint8 and for INT64_MIN, with
        // no signed overflow.
        using U = std::make_unsigned_t<T>;
        for (std::int64_t i = 0; i < x.numel(); ++i) {
          o[i] = static_cast<T>(static_cast<U>(U{0} - static_cast<U>(p[i])));
        }
      }
    });
  }
  record<NegNode>(result, {x});
  return result;
}

namespace detail {
void register_neg(OpRegistry& r) {
  r.add({.name = "neg",
         .formula = "-x",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return neg(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
