// bilinear: y_k = x1ᵀ·W_k·x2 + b_k for each output k.
//   forward : x1, x2 folded to [B, in1], [B, in2]; t = x1 · W' [B, out·in2] with W' =
//             W permuted to [in1, out, in2] and flattened (one gemm); y = Σ_j t[b,k,j]·x2[b,j]
//             + b_k; unfolded to [*, out]
//   backward: composed of matmul, permute, reshape, mul, sum and add: every order works
//   saves   : what its ops save
//   shapes  : x1 [*, in1], x2 [*, in2] (the same leading axes), W [out, in1, in2],
//             b [out] or absent → [*, out]
//   dtypes  : float32, float64, one of them throughout

#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {

Tensor bilinear(const Tensor& x1, const Tensor& x2, const Tensor& weight, const Tensor& bias,
                CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("bilinear", x1, "x1");
  detail::check_defined("bilinear", x2, "x2");
  detail::check_defined("bilinear", weight, "weight");
  detail::check_floating("bilinear", x1, "x1");
  const Shape& s1 = x1.shape();
  const Shape& s2 = x2.shape();
  const bool lead_match =
      s1.size() == s2.size() && s1.size() >= 1 && std::equal(s1.begin(), s1.end() - 1, s2.begin());
  if (!lead_match || weight.dim() != 3 || weight.shape()[1] != s1.back() ||
      weight.shape()[2] != s2.back()) {
    throw std::invalid_argument(fmt::format(
        "nabla::bilinear: x1 {}, x2 {} and weight {} do not fit: expected x1 [*, in1], x2 "
        "[*, in2] with the same leading axes and weight [out, in1, in2]",
        shape_str(s1), shape_str(s2), shape_str(weight.shape())));
  }
  for (const Tensor* t : {&x2, &weight, &bias}) {
    if (t->defined() && t->dtype() != x1.dtype()) {
      throw std::invalid_argument(fmt::format("nabla::bilinear: x1 is {}, but {} is {}",
                                              dtype_name(x1.dtype()),
                                              t == &x2       ? "x2"
                                              : t == &weight ? "weight"
                                                             : "bias",
                                              dtype_name(t->dtype())));
    }
  }
  const std::int64_t out = weight.shape()[0], in1 = s1.back(), in2 = s2.back();
  if (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != out)) {
    throw std::invalid_argument(fmt::format("nabla::bilinear: bias has shape {}, expected [{}]",
                                            shape_str(bias.shape()), out));
  }
  const Tensor a = reshape(x1, {-1, in1});                                 // [B, in1]
  const Tensor c = reshape(x2, {-1, in2});                                 // [B, in2]
  const Tensor w = reshape(permute(weight, {1, 0, 2}), {in1, out * in2});  // [in1, out·in2]
  const Tensor t = reshape(matmul(a, w), {-1, out, in2});                  // [B, out, in2]
  Tensor y = sum(mul(t, unsqueeze(c, 1)), {2});                            // [B, out]
  if (bias.defined()) y = add(y, bias);
  Shape result(s1.begin(), s1.end() - 1);
  result.push_back(out);
  return reshape(y, result);
}

namespace detail {
void register_bilinear(OpRegistry& r) {
  r.add({.name = "bilinear",
         .formula = "x1ᵀ · W_k · x2 + b_k",
         .arity = 4,
         .fn = [](const std::vector<Tensor>& in) { return bilinear(in[0], in[1], in[2], in[3]); },
         .samples =
             [](Generator& g, Dtype d) {
               auto s = [&](const char* label, const Shape& lead, std::int64_t i1, std::int64_t i2,
                            std::int64_t out) {
                 Shape a = lead, b = lead;
                 a.push_back(i1);
                 b.push_back(i2);
                 return OpSample{label,
                                 {sample_tensor(a, g, d), sample_tensor(b, g, d),
                                  sample_tensor({out, i1, i2}, g, d), sample_tensor({out}, g, d)}};
               };
               return std::vector<OpSample>{s("[3,2]x[3,4]→[3,2]", {3}, 2, 4, 2),
                                            s("[2,2,3]x[2,2,2]→[2,2,3]", {2, 2}, 3, 2, 3)};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"in2 3 vs weight in2 4",
                    {sample_tensor({2, 2}, g, d), sample_tensor({2, 3}, g, d),
                     sample_tensor({5, 2, 4}, g, d), sample_tensor({5}, g, d)}},
                   {"batch 2 vs 3",
                    {sample_tensor({2, 2}, g, d), sample_tensor({3, 4}, g, d),
                     sample_tensor({5, 2, 4}, g, d), sample_tensor({5}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
