// tile: torch.tile: repeat, with reps padded with leading 1s when shorter than x's rank.
//   forward : result = repeat(x, [1, …, 1] ++ reps) (as many 1s as x's rank exceeds len(reps))
//   backward: composed (repeat's: the copies summed)
//   saves   : nothing
//   shapes  : as repeat; each rep ≥ 0
//   dtypes  : any (result the same)

#include "ops/index_common.hpp"

namespace nabla {

Tensor tile(const Tensor& x, const std::vector<std::int64_t>& reps, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("tile", x);
  for (const std::int64_t r : reps) {
    if (r < 0) {
      throw std::invalid_argument(
          fmt::format("nabla::tile: reps [{}] has a negative entry {}", fmt::join(reps, ", "), r));
    }
  }
  std::vector<std::int64_t> full_reps;
  for (std::size_t i = reps.size(); i < x.shape().size(); ++i) full_reps.push_back(1);
  full_reps.insert(full_reps.end(), reps.begin(), reps.end());
  return repeat(x, full_reps);
}

namespace detail {
void register_tile(OpRegistry& r) {
  r.add({.name = "tile",
         .formula = "tile(x, {2}): the last axis twice",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return tile(in[0], {2}); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [2,3]", {sample_tensor({2, 3}, g, d)}},
                   {"rank 3 [2,1,2]", {sample_tensor({2, 1, 2}, g, d)}},
                   {"scalar []", {sample_tensor({}, g, d)}},
                   {"stepped [2,3] of [2,5]", {slice(sample_tensor({2, 5}, g, d), 1, 0, std::nullopt, 2)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
