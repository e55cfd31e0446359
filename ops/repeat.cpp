// repeat: PyTorch's x.repeat(repeats): x tiled repeats[i] times along axis i (a copy).
//   forward : result[.., a·n + i, ..] = x[.., i, ..] for a in [0, repeats[d]) along each axis;
//             composed: x seen as [1, n₀, 1, n₁, …], expanded to [r₀, n₀, r₁, n₁, …], reshaped
//   backward: composed (expand's rule sums the copies: sum_to, then reshape)
//   saves   : nothing
//   shapes  : repeats has at least x's rank entries (extra ones are new leading axes), each
//             ≥ 0; result extent i is repeats[i] · (x's extent, 1 for a new axis)
//   dtypes  : any (result the same)

#include "ops/index_common.hpp"

namespace nabla {

Tensor repeat(const Tensor& x, const std::vector<std::int64_t>& repeats, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("repeat", x);
  if (repeats.size() < x.shape().size()) {
    throw std::invalid_argument(fmt::format(
        "nabla::repeat: repeats [{}] has {} entries, fewer than x's rank {} (shape {})",
        fmt::join(repeats, ", "), repeats.size(), x.dim(), shape_str(x.shape())));
  }
  for (const std::int64_t r : repeats) {
    if (r < 0) {
      throw std::invalid_argument(fmt::format(
          "nabla::repeat: repeats [{}] has a negative entry {}", fmt::join(repeats, ", "), r));
    }
  }
  const std::size_t lead = repeats.size() - x.shape().size();
  Shape split, expanded, result_shape;
  for (std::size_t i = 0; i < repeats.size(); ++i) {
    const std::int64_t n = i < lead ? 1 : x.shape()[i - lead];
    split.push_back(1);
    split.push_back(n);
    expanded.push_back(repeats[i]);
    expanded.push_back(n);
    result_shape.push_back(checked_mul(repeats[i], n, "repeat", "result extent"));
  }
  return reshape(expand(reshape(x, split), expanded), result_shape);
}

namespace detail {
void register_repeat(OpRegistry& r) {
  r.add({.name = "repeat",
         .formula = "repeat(x, {2, 1, 3}): a new leading axis of 2, the last axis thrice",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return repeat(in[0], {2, 1, 3}); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [2,3]", {sample_tensor({2, 3}, g, d)}},
                   {"vector [3]", {sample_tensor({3}, g, d)}},
                   {"transposed [3,2]", {transpose(sample_tensor({2, 3}, g, d), 0, 1)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"rank 4 [1,2,1,2]", {sample_tensor({1, 2, 1, 2}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
