// layer_norm: normalization over the trailing axes named by normalized_shape.
//   forward : y = (x − μ)/√(σ² + eps) ⊙ w + b, μ and σ² (biased) over the last
//             len(normalized_shape) axes of x, kept as 1 to broadcast
//   backward: composed of nabla ops (mean, var, sub, rsqrt, mul, add): no rule of its own,
//             so every order of derivative works
//   saves   : what its ops save
//   shapes  : x [*, normalized_shape]; w, b of shape normalized_shape or absent
//   dtypes  : float32, float64, one of them throughout

#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
// Throws unless v (when given) has `shape` and x's dtype.
void check_norm_param(const char* op, const Tensor& v, const char* what, const Shape& shape,
                      const Tensor& x) {
  if (!v.defined()) return;
  if (v.shape() != shape) {
    throw std::invalid_argument(fmt::format("nabla::{}: {} has shape {}, expected {} (x is {})", op,
                                            what, shape_str(v.shape()), shape_str(shape),
                                            shape_str(x.shape())));
  }
  if (v.dtype() != x.dtype()) {
    throw std::invalid_argument(fmt::format("nabla::{}: {} is {}, but x is {}", op, what,
                                            dtype_name(v.dtype()), dtype_name(x.dtype())));
  }
}
}  // namespace detail

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("layer_norm", x, "x");
  detail::check_floating("layer_norm", x, "x");
  const std::size_t k = normalized_shape.size();
  const Shape& s = x.shape();
  bool suffix = k >= 1 && k <= s.size();
  for (std::size_t i = 0; suffix && i < k; ++i) suffix = s[s.size() - k + i] == normalized_shape[i];
  if (!suffix) {
    throw std::invalid_argument(fmt::format(
        "nabla::layer_norm: normalized_shape {} is not a (nonempty) suffix of x's shape {}",
        shape_str(normalized_shape), shape_str(s)));
  }
  detail::check_norm_param("layer_norm", weight, "weight", normalized_shape, x);
  detail::check_norm_param("layer_norm", bias, "bias", normalized_shape, x);
  std::vector<std::int64_t> axes;
  for (std::size_t i = s.size() - k; i < s.size(); ++i)
    axes.push_back(static_cast<std::int64_t>(i));
  const Tensor mu = mean(x, axes, true);
  const Tensor xc = sub(x, mu);
  Tensor y = mul(xc, rsqrt(add(mean(mul(xc, xc), axes, true), eps)));
  if (weight.defined()) y = mul(y, weight);
  if (bias.defined()) y = add(y, bias);
  return y;
}

namespace detail {
void register_layer_norm(OpRegistry& r) {
  r.add({.name = "layer_norm",
         .formula = "(x - mean) / sqrt(var + 0.1) * w + b over the last axis",
         .arity = 3,
         .fn =
             [](const std::vector<Tensor>& in) {
               // eps 0.1: the sweep's expanded layout repeats x along the normalized axes, so the
               // variance is 0 there and eps 1e-5 would make the curvature (~eps^(-5/2)) defeat
               // finite differences; the formulas checked are the same for any eps
               // a 0-d x (the fuzzer's) gets an empty normalized_shape, which throws
               const Shape last =
                   in[0].defined() && in[0].dim() > 0 ? Shape{in[0].shape().back()} : Shape{};
               return layer_norm(in[0], last, in[1], in[2], 0.1);
             },
         .samples =
             [](Generator& g, Dtype d) {
               auto s = [&](const char* label, const Shape& x) {
                 const Shape w{x.back()};
                 return OpSample{label,
                                 {sample_tensor(x, g, d), sample_tensor(w, g, d, Domain::positive),
                                  sample_tensor(w, g, d)}};
               };
               return std::vector<OpSample>{s("[3,4]", {3, 4}), s("[2,3,5]", {2, 3, 5})};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"weight [3] for last axis 4",
                                             {sample_tensor({2, 4}, g, d), sample_tensor({3}, g, d),
                                              sample_tensor({4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
