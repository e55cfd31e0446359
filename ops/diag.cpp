// diag: a vector to a diagonal matrix, or a matrix's diagonal to a vector (torch.diag).
//   forward : vector x [n]: result = zeros [m, m], m = n + |d|, with x on diagonal d
//             (result[k][k + d] = x[k] for d ≥ 0, result[k − d][k] below);
//             matrix x: result[k] = x[k][k + d] (or x[k − d][k]), a copy
//   backward: vector: grad_x = diagonal(grad_out, d) (diag's node); matrix: through
//             diagonal and clone, grad_x = diagonal_backward(grad_out)
//   saves   : nothing
//   shapes  : x 1-d or 2-d, else std::invalid_argument; a matrix's diagonal has length
//             min(R, C − d) (d ≥ 0) or min(R + d, C), empty when outside the matrix (PyTorch
//             1.13 throws an overflow error there)
//   dtypes  : any; result has x's dtype

#include <limits>

#include "ops/linalg_common.hpp"

namespace nabla {

Tensor diag(const Tensor& x, std::int64_t d, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("diag", x);
  if (x.dim() == 2) return clone(diagonal(x, d, 0, 1));
  if (x.dim() != 1) {
    throw std::invalid_argument(
        fmt::format("nabla::diag: expects a vector (1-d) or a matrix (2-d), got shape {}",
                    shape_str(x.shape())));
  }
  const std::int64_t n = x.size(0);
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const bool fits = d <= kMax - n && d >= n - kMax;
  const std::int64_t m = fits ? n + (d < 0 ? -d : d) : 0;
  std::int64_t elements = 0;
  if (!fits || __builtin_mul_overflow(m, m, &elements)) {
    throw std::invalid_argument(fmt::format(
        "nabla::diag: diagonal {} of a vector of length {} needs a matrix too large to index", d,
        n));
  }
  return detail::diagonal_scatter("diag", x, {m, m}, d, 0, 1);
}

namespace detail {
void register_diag(OpRegistry& r) {
  auto samples = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"vector [3]", {sample_tensor({3}, g, d)}},
                                 {"one value [1]", {sample_tensor({1}, g, d)}},
                                 {"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                 {"tall matrix [4,2]", {sample_tensor({4, 2}, g, d)}}};
  };
  auto bad = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}},
                                 {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
  };
  r.add({.name = "diag",
         .formula = "diag(x, 1): a vector on the diagonal above the main one, or that diagonal",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return diag(in[0], 1); },
         .samples = samples,
         .bad_samples = bad});
  r.add({.name = "diag_below",
         .formula = "diag(x, -1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return diag(in[0], -1); },
         .samples = samples,
         .bad_samples = bad});
}
}  // namespace detail
}  // namespace nabla
