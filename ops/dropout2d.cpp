// dropout2d: whole channels zeroed with probability p, the others scaled by 1/(1 − p).
//   forward : x [N,C,H,W]: result = x ⊙ m, m [N,C,1,1] = 0 with probability p, else
//             1/(1 − p), one draw per (n, c) in row-major order; x [C,H,W]: m [C,1,1]
//             (one sample without a batch axis); p = 1 gives zeros; p = 0 or training
//             false returns x
//   backward: grad_x = grad_out ⊙ m (m broadcast over H, W)
//   saves   : the mask m
//   shapes  : x [N,C,H,W] or [C,H,W]; result has x's shape
//   dtypes  : float32, float64

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

Tensor dropout2d(const Tensor& x, double p, bool training, Generator* generator, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("dropout2d", x, "x");
  detail::check_floating("dropout2d", x, "x");
  detail::check_dropout_p("dropout2d", p);
  if (x.dim() != 3 && x.dim() != 4) {
    throw std::invalid_argument(fmt::format(
        "nabla::dropout2d: x must be [N,C,H,W] or [C,H,W], got shape {}", shape_str(x.shape())));
  }
  if (!training || p == 0.0) return x;
  Shape ms = x.shape();
  for (std::int64_t i = x.dim() - 2; i < x.dim(); ++i) ms[static_cast<std::size_t>(i)] = 1;
  const double keep = p == 1.0 ? 0.0 : 1.0 / (1.0 - p);
  return detail::apply_mask("dropout2d", x,
                            detail::draw_mask(ms, x.dtype(), p, keep, 0.0, generator), {});
}

namespace detail {
void register_dropout2d(OpRegistry& r) {
  r.add({.name = "dropout2d",
         .formula = "x * channel mask / (1 - p), p = 0.4, a fixed generator",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               Generator gen(99);
               return dropout2d(in[0], 0.4, true, &gen);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"[N,C,H,W] [2,3,2,2]", {sample_tensor({2, 3, 2, 2}, g, d)}},
                   {"[C,H,W] [4,2,3]", {sample_tensor({4, 2, 3}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"rank 2 [3,4]", {sample_tensor({3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
