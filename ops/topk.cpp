// topk: the k largest (or smallest) values along one dim and their indices (torch.topk).
//   forward : values sorted largest first (smallest first when !largest), NaN as the
//             largest, the lower index first among equal values; indices into x
//   backward: grad_x = index_along_backward(grad_values, dim, indices, n); the indices get
//             none and never require grad
//   saves   : the indices
//   shapes  : x [.., n, ..] → both outputs [.., k, ..]; 0 ≤ k ≤ n, else std::out_of_range;
//             dim outside the rank → std::out_of_range
//   dtypes  : any but bool (as PyTorch); values keep x's dtype, indices are int64

#include "ops/reduce_common.hpp"

namespace nabla {

ValuesIndices topk(const Tensor& x, std::int64_t k, std::int64_t dim, bool largest,
                   bool /*sorted*/, CallSite where) {
  detail::CallSiteScope site(where);
  const detail::AlongDim a = detail::along_dim("topk", x, dim);
  detail::check_not_bool("topk", x);
  if (k < 0 || k > a.n) {
    throw std::out_of_range(fmt::format(
        "nabla::topk: k = {} is out of range for dim {} of x {} (extent {}; k must be in [0, {}])",
        k, dim, shape_str(x.shape()), a.n, a.n));
  }
  Shape shape = x.shape();
  shape[a.dim] = k;
  Tensor values = detail::make_tensor(shape, x.dtype(), "topk");
  Tensor indices = detail::make_tensor(shape, Dtype::i64, "topk");
  std::int64_t* ip = detail::data_ptr<std::int64_t>(indices);
  std::vector<std::int64_t> order(static_cast<std::size_t>(a.n));
  detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = detail::data_ptr<T>(a.values);
    T* o = detail::data_ptr<T>(values);
    for (std::int64_t i = 0; i < a.outer; ++i)
      for (std::int64_t j = 0; j < a.inner; ++j) {
        const T* line = p + i * a.n * a.inner + j;
        const auto before = [&](std::int64_t u, std::int64_t v) {
          const T lu = line[u * a.inner], lv = line[v * a.inner];
          const bool ab = largest ? detail::descending_before(lu, lv)
                                  : detail::ascending_before(lu, lv);
          const bool ba = largest ? detail::descending_before(lv, lu)
                                  : detail::ascending_before(lv, lu);
          return ab || (!ba && u < v);  // equal values: the lower index first
        };
        for (std::int64_t t = 0; t < a.n; ++t) order[static_cast<std::size_t>(t)] = t;
        std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
        const std::int64_t out_base = i * k * a.inner + j;
        for (std::int64_t t = 0; t < k; ++t) {
          const std::int64_t from = order[static_cast<std::size_t>(t)];
          o[out_base + t * a.inner] = line[from * a.inner];
          ip[out_base + t * a.inner] = from;
        }
      }
  });
  return detail::record_selection("topk", x, values, indices, indices, a.dim, true);
}

namespace detail {
void register_topk(OpRegistry& r) {
  // standard normal samples: no ties among the values (where the selection jumps)
  const auto samples = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                 {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
  };
  r.add({.name = "topk",
         .formula = "topk(x, 2).values",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return topk(in[0], 2).values; },
         .samples = samples,
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"k 2 > extent 1 [3,1]", {sample_tensor({3, 1}, g, d)}},
                                            {"scalar []", {sample_tensor({}, g, d)}}};
             }});
  r.add({.name = "topk_smallest_dim0",
         .formula = "topk(x, 2, 0, largest = false).values",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return topk(in[0], 2, 0, false).values; },
         .samples = samples});
}
}  // namespace detail
}  // namespace nabla
