// instance_norm: normalization of each channel of each sample over its spatial axes.
//   forward : use_input_stats: y = (x − μ)/√(σ² + eps) ⊙ w_c + b_c, μ, σ² (biased) per
//             (n, c) over the axes after 1; the running statistics, when given, move
//             towards the batch average of the per-instance mean and unbiased variance
//             (in place, unrecorded); otherwise batch_norm in evaluation mode
//   backward: composed of nabla ops (mean, sub, rsqrt, mul, add) or batch_norm's rule: no
//             rule of its own, so every order of derivative works
//   saves   : what its ops save
//   shapes  : x [N,C,*] (rank ≥ 3); w, b, running_mean, running_var [C] or absent
//   dtypes  : float32, float64, one of them throughout

#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
void check_norm_param(const char* op, const Tensor& v, const char* what, const Shape& shape,
                      const Tensor& x);
Tensor channel_view(const Tensor& v, std::size_t rank);
}  // namespace detail

Tensor instance_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                     const Tensor& weight, const Tensor& bias, bool use_input_stats,
                     double momentum, double eps, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("instance_norm", x, "x");
  detail::check_floating("instance_norm", x, "x");
  if (x.dim() < 3) {
    throw std::invalid_argument(fmt::format(
        "nabla::instance_norm: x must have rank ≥ 3 ([N,C,L] or [N,C,H,W]), got shape {}",
        shape_str(x.shape())));
  }
  const std::int64_t c = x.shape()[1];
  detail::check_norm_param("instance_norm", running_mean, "running_mean", {c}, x);
  detail::check_norm_param("instance_norm", running_var, "running_var", {c}, x);
  detail::check_norm_param("instance_norm", weight, "weight", {c}, x);
  detail::check_norm_param("instance_norm", bias, "bias", {c}, x);
  if (running_mean.defined() != running_var.defined()) {
    throw std::invalid_argument(
        "nabla::instance_norm: running_mean and running_var must be given together");
  }
  if (!use_input_stats) {
    if (!running_mean.defined()) {
      throw std::invalid_argument(
          "nabla::instance_norm: use_input_stats false needs running_mean and running_var");
    }
    return batch_norm(x, running_mean, running_var, weight, bias, false, momentum, eps);
  }
  std::int64_t m = 1;
  for (std::int64_t i = 2; i < x.dim(); ++i) m *= x.shape()[i];
  if (m <= 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::instance_norm: expected more than 1 spatial element when training, got input "
        "size {}",
        shape_str(x.shape())));
  }
  std::vector<std::int64_t> axes;
  for (std::int64_t i = 2; i < x.dim(); ++i) axes.push_back(static_cast<std::int64_t>(i));
  const Tensor mu = mean(x, axes, true);
  const Tensor xc = sub(x, mu);
  const Tensor var = mean(mul(xc, xc), axes, true);  // [N,C,1..] biased
  Tensor y = mul(xc, rsqrt(add(var, eps)));
  if (running_mean.defined()) {
    NoGradGuard no_grad;
    const auto md = static_cast<double>(m);
    const Tensor batch_mu = mean(reshape(mu, {x.shape()[0], c}), {0});
    const Tensor batch_var = mul(mean(reshape(var, {x.shape()[0], c}), {0}), md / (md - 1.0));
    const_cast<Tensor&>(running_mean)
        .copy_(add(mul(running_mean, 1.0 - momentum), mul(batch_mu, momentum)));
    const_cast<Tensor&>(running_var)
        .copy_(add(mul(running_var, 1.0 - momentum), mul(batch_var, momentum)));
  }
  if (weight.defined()) y = mul(y, detail::channel_view(weight, x.dim()));
  if (bias.defined()) y = add(y, detail::channel_view(bias, x.dim()));
  return y;
}

namespace detail {
void register_instance_norm(OpRegistry& r) {
  r.add({.name = "instance_norm",
         .formula = "(x - mean) / sqrt(var + 0.1) * w + b per sample and channel",
         .arity = 3,
         .fn =
             [](const std::vector<Tensor>& in) {
               // eps 0.1: the sweep's expanded layout repeats x along the normalized axes, so the
               // variance is 0 there and eps 1e-5 would make the curvature (~eps^(-5/2)) defeat
               // finite differences; the formulas checked are the same for any eps
               return instance_norm(in[0], {}, {}, in[1], in[2], true, 0.1, 0.1);
             },
         .samples =
             [](Generator& g, Dtype d) {
               auto s = [&](const char* label, const Shape& x) {
                 const Shape w{x[1]};
                 return OpSample{label,
                                 {sample_tensor(x, g, d), sample_tensor(w, g, d, Domain::positive),
                                  sample_tensor(w, g, d)}};
               };
               return std::vector<OpSample>{s("[N,C,L] [2,3,4]", {2, 3, 4}),
                                            s("[N,C,H,W] [2,2,2,3]", {2, 2, 2, 3})};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"rank 2 [3,4]",
                                             {sample_tensor({3, 4}, g, d), sample_tensor({4}, g, d),
                                              sample_tensor({4}, g, d)}},
                                            {"weight [2] for 3 channels",
                                             {sample_tensor({2, 3, 4}, g, d),
                                              sample_tensor({2}, g, d), sample_tensor({3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
