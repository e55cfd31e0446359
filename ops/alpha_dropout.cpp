// alpha_dropout: dropout that keeps a SELU network's mean 0 and variance 1.
//   forward : result = a·x + a·α'·p where kept (probability 1 − p), a·α'·(p − 1) where
//             dropped: x ⊙ m + c with m = a·keep, c = a·α'·(p + keep − 1), keep ∈ {0, 1},
//             α' = 1.7580993408473766 (SELU's scale·alpha) and a = 1/√((α'²p + 1)(1 − p)),
//             PyTorch's constants; one draw per element, row-major; p = 1 gives zeros;
//             p = 0 or training false returns x
//   backward: grad_x = grad_out ⊙ m
//   saves   : the mask m
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64

#include <cmath>

#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
void check_dropout_p(const char* op, double p);
Tensor draw_mask(const Shape& shape, Dtype dtype, double p, double kept, double dropped,
                 Generator* generator);
Tensor apply_mask(const char* name, const Tensor& x, const Tensor& mask, const Tensor& shift);
std::vector<OpSample> dropout_samples(Generator& g, Dtype d);
}  // namespace detail

Tensor alpha_dropout(const Tensor& x, double p, bool training, Generator* generator,
                     CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("alpha_dropout", x, "x");
  detail::check_floating("alpha_dropout", x, "x");
  detail::check_dropout_p("alpha_dropout", p);
  if (!training || p == 0.0) return x;
  if (p == 1.0) {
    const Tensor zeros_mask = zeros(x.shape(), x.dtype());
    return detail::apply_mask("alpha_dropout", x, zeros_mask, {});
  }
  constexpr double kAlpha = 1.7580993408473766;
  const double a = 1.0 / std::sqrt((kAlpha * kAlpha * p + 1.0) * (1.0 - p));
  // m = a·keep and c = a·α'·(p + keep − 1) = a·α'·(p − 1) + α'·m
  const Tensor m = detail::draw_mask(x.shape(), x.dtype(), p, a, 0.0, generator);
  Tensor c;
  {
    NoGradGuard no_grad;
    c = add(mul(m, kAlpha), a * kAlpha * (p - 1.0));
  }
  return detail::apply_mask("alpha_dropout", x, m, c);
}

namespace detail {
void register_alpha_dropout(OpRegistry& r) {
  r.add({.name = "alpha_dropout",
         .formula = "a * (x * keep + alpha' * (p + keep - 1)), p = 0.4, a fixed generator",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               Generator gen(7);
               return alpha_dropout(in[0], 0.4, true, &gen);
             },
         .samples = dropout_samples,
         .bad_samples =
             [](Generator& g, Dtype) {
               return std::vector<OpSample>{{"int64 x", {sample_tensor({3}, g, i64)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
