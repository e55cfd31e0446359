// group_norm: normalization over groups of channels.
//   forward : x [N,C,*] seen as [N,G,C/G·S]; y = (x − μ)/√(σ² + eps) with μ, σ² (biased)
//             per batch and group, then y ⊙ w_c + b_c per channel
//   backward: composed of nabla ops (reshape, mean, sub, rsqrt, mul, add): no rule of its
//             own, so every order of derivative works
//   saves   : what its ops save
//   shapes  : x [N,C,*] (rank ≥ 2), C divisible by num_groups; w, b [C] or absent
//   dtypes  : float32, float64, one of them throughout

#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
void check_norm_param(const char* op, const Tensor& v, const char* what, const Shape& shape,
                      const Tensor& x);
// v [C] as [1, C, 1, ...] of x's rank.
Tensor channel_view(const Tensor& v, std::size_t rank) {
  Shape s(rank, 1);
  s[1] = v.shape()[0];
  return reshape(v, s);
}
}  // namespace detail

Tensor group_norm(const Tensor& x, std::int64_t num_groups, const Tensor& weight,
                  const Tensor& bias, double eps, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("group_norm", x, "x");
  detail::check_floating("group_norm", x, "x");
  if (x.dim() < 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::group_norm: x must have rank ≥ 2 ([N,C,*]), got shape {}", shape_str(x.shape())));
  }
  const std::int64_t n = x.shape()[0], c = x.shape()[1];
  if (num_groups < 1 || c % num_groups != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::group_norm: expected the {} channels of x {} to be divisible by num_groups {}", c,
        shape_str(x.shape()), num_groups));
  }
  detail::check_norm_param("group_norm", weight, "weight", {c}, x);
  detail::check_norm_param("group_norm", bias, "bias", {c}, x);
  const Tensor g = reshape(x, {n, num_groups, -1});
  const Tensor mu = mean(g, {2}, true);
  const Tensor gc = sub(g, mu);
  Tensor y = reshape(mul(gc, rsqrt(add(mean(mul(gc, gc), {2}, true), eps))), x.shape());
  if (weight.defined()) y = mul(y, detail::channel_view(weight, x.dim()));
  if (bias.defined()) y = add(y, detail::channel_view(bias, x.dim()));
  return y;
}

namespace detail {
void register_group_norm(OpRegistry& r) {
  r.add({.name = "group_norm",
         .formula = "group_norm(x, 2, w, b): per batch and group of channels",
         .arity = 3,
         .fn = [](const std::vector<Tensor>& in) { return group_norm(in[0], 2, in[1], in[2]); },
         .samples =
             [](Generator& g, Dtype d) {
               auto s = [&](const char* label, const Shape& x) {
                 const Shape w{x[1]};
                 return OpSample{label,
                                 {sample_tensor(x, g, d), sample_tensor(w, g, d, Domain::positive),
                                  sample_tensor(w, g, d)}};
               };
               return std::vector<OpSample>{s("[N,C] [3,4]", {3, 4}),
                                            s("[N,C,L] [2,4,3]", {2, 4, 3}),
                                            s("[N,C,H,W] [2,2,2,3]", {2, 2, 2, 3})};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"3 channels in 2 groups",
                                             {sample_tensor({2, 3, 2}, g, d),
                                              sample_tensor({3}, g, d), sample_tensor({3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
