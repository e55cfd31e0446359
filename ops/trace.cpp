// trace: the sum of a matrix's main diagonal (torch.trace).
//   forward : result = Σ_k x[k][k], a 0-d tensor (sum of the diagonal view)
//   backward: through sum and diagonal: grad_x = zeros of x's shape with grad_out on the
//             main diagonal
//   saves   : nothing
//   shapes  : x 2-d (any R, C), else std::invalid_argument
//   dtypes  : as sum: floating x keeps its dtype, integer and bool x give int64

#include "ops/linalg_common.hpp"

namespace nabla {

Tensor trace(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("trace", x);
  if (x.dim() != 2) {
    throw std::invalid_argument(
        fmt::format("nabla::trace: expects a matrix (2-d), got shape {}", shape_str(x.shape())));
  }
  return sum(diagonal(x, 0, 0, 1));
}

namespace detail {
void register_trace(OpRegistry& r) {
  r.add({.name = "trace",
         .formula = "Σ_k x[k][k]",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return trace(in[0]); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"square [3,3]", {sample_tensor({3, 3}, g, d)}},
                                            {"wide [2,4]", {sample_tensor({2, 4}, g, d)}},
                                            {"tall [4,2]", {sample_tensor({4, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [3]", {sample_tensor({3}, g, d)}},
                                            {"rank 3 [2,3,3]", {sample_tensor({2, 3, 3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
