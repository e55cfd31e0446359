// outer: the outer product of two vectors (torch.outer).
//   forward : result[i][j] = a[i]·b[j]: mul of the views a [N,1] and b [1,M], broadcasting
//   backward: through mul: grad_a[i] = Σ_j grad_out[i][j]·b[j], grad_b[j] = Σ_i grad_out[i][j]·a[i]
//             (the engine sums mul's [N,M] gradients down to [N,1] and [1,M])
//   saves   : what mul saves (the two views)
//   shapes  : a [N], b [M] → [N,M]; other ranks throw std::invalid_argument
//   dtypes  : as mul: promoted as PyTorch (an integer vector with a float one is float);
//             float32 with float64 is refused

#include "ops/linalg_common.hpp"

namespace nabla {

Tensor outer(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("outer", a, "a");
  detail::check_defined("outer", b, "b");
  if (a.dim() != 1 || b.dim() != 1) {
    throw std::invalid_argument(
        fmt::format("nabla::outer: expects two vectors (1-d), got {} and {}", shape_str(a.shape()),
                    shape_str(b.shape())));
  }
  detail::binary_result_dtype("outer", a, b);  // throws, naming outer, for float32 with float64
  return mul(reshape(a, {a.size(0), 1}), reshape(b, {1, b.size(0)}));
}

namespace detail {
void register_outer(OpRegistry& r) {
  r.add({.name = "outer",
         .formula = "a[i]·b[j]",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return outer(in[0], in[1]); },
         .samples =
             [](Generator& g, Dtype d) {
               auto pair = [&](const char* label, const Shape& a, const Shape& b) {
                 return OpSample{label, {sample_tensor(a, g, d), sample_tensor(b, g, d)}};
               };
               return std::vector<OpSample>{pair("[3]·[4]", {3}, {4}), pair("[1]·[5]", {1}, {5}),
                                            pair("[4]·[1]", {4}, {1})};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix a [3,1]·[4]", {sample_tensor({3, 1}, g, d), sample_tensor({4}, g, d)}},
                   {"scalar b [3]·[]", {sample_tensor({3}, g, d), sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
