// min: the minimum of all elements, or along one dim with its index (torch.min).
//   forward : min(x): the smallest element (a NaN is the minimum); min(x, dim): values and
//             indices, the first index of the minimum along dim
//   backward: as max's: min(x) splits the gradient evenly among ties (among the NaNs for a
//             NaN result); min(x, dim) sends it to the index; indices never require grad
//   saves   : min(x): the weights (no history); min(x, dim): the indices
//   shapes  : as max
//   dtypes  : any; values keep x's dtype, indices are int64

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
ValuesIndices select_extreme(const char* op, const Tensor& x, std::int64_t dim, bool keepdim,
                             bool largest);                            // ops/max.cpp
Tensor extreme_of_all(const char* op, const Tensor& x, bool largest);  // ops/max.cpp
std::vector<OpSample> axis_samples(Generator& g, Dtype d);             // ops/softmax.cpp
std::vector<OpSample> extreme_samples(Generator& g, Dtype d);          // ops/amax.cpp
std::vector<OpSample> select_bad_samples(Generator& g, Dtype d);       // ops/max.cpp
}  // namespace detail

Tensor min(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::extreme_of_all("min", x, false);
}

ValuesIndices min(const Tensor& x, std::int64_t dim, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::select_extreme("min", x, dim, keepdim, false);
}

namespace detail {
void register_min(OpRegistry& r) {
  // standard normal samples: ties have probability 0 (see max)
  r.add({.name = "min",
         .formula = "min(x, 1).values",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return min(in[0], 1).values; },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             },
         .bad_samples = select_bad_samples});
  r.add({.name = "min_all",
         .formula = "min(x), every element",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return min(in[0]); },
         .samples = extreme_samples});
}
}  // namespace detail
}  // namespace nabla
