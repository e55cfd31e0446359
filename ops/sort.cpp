// sort: x sorted along one dim, with the indices of the sorted values (torch.sort).
//   forward : values[.., i, ..] = x[.., indices[.., i, ..], ..], ascending (or descending);
//             NaN sorts as the largest; always stable (equal values keep their order)
//   backward: grad_x = index_along_backward(grad_values, dim, indices, n): each value's
//             gradient back to its place; the indices get none and never require grad
//   saves   : the indices
//   shapes  : any rank ≥ 1; both outputs have x's shape. dim may be negative; outside the
//             rank → std::out_of_range
//   dtypes  : any; values keep x's dtype, indices are int64

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
std::vector<OpSample> along_dim_samples(Generator& g, Dtype d);      // ops/cumsum.cpp
std::vector<OpSample> along_dim_bad_samples(Generator& g, Dtype d);  // ops/cumsum.cpp

// The values and indices of x sorted along the dim, no history.
std::pair<Tensor, Tensor> sort_values(const char* op, const Tensor& x, std::int64_t dim,
                                      bool descending, std::size_t* dim_out) {
  const AlongDim a = along_dim(op, x, dim);
  *dim_out = a.dim;
  Tensor values = make_tensor(x.shape(), x.dtype(), op);
  Tensor indices = make_tensor(x.shape(), Dtype::i64, op);
  std::int64_t* ip = data_ptr<std::int64_t>(indices);
  std::vector<std::int64_t> order(static_cast<std::size_t>(a.n));
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(a.values);
    T* o = data_ptr<T>(values);
    for (std::int64_t i = 0; i < a.outer; ++i)
      for (std::int64_t j = 0; j < a.inner; ++j) {
        const std::int64_t base = i * a.n * a.inner + j;
        const T* line = p + base;
        for (std::int64_t k = 0; k < a.n; ++k) order[static_cast<std::size_t>(k)] = k;
        std::stable_sort(order.begin(), order.end(), [&](std::int64_t u, std::int64_t v) {
          return descending ? descending_before(line[u * a.inner], line[v * a.inner])
                            : ascending_before(line[u * a.inner], line[v * a.inner]);
        });
        for (std::int64_t k = 0; k < a.n; ++k) {
          const std::int64_t from = order[static_cast<std::size_t>(k)];
          o[base + k * a.inner] = line[from * a.inner];
          ip[base + k * a.inner] = from;
        }
      }
  });
  return {values, indices};
}
}  // namespace detail

ValuesIndices sort(const Tensor& x, std::int64_t dim, bool descending, bool /*stable*/,
                   CallSite where) {
  detail::CallSiteScope site(where);
  std::size_t d = 0;
  auto [values, indices] = detail::sort_values("sort", x, dim, descending, &d);
  return detail::record_selection("sort", x, values, indices, indices, d, true);
}

namespace detail {
void register_sort(OpRegistry& r) {
  // standard normal samples: no ties (the order would jump there); the expanded layout's
  // ties are copies of one stored value, which move together
  r.add({.name = "sort",
         .formula = "sort(x, -1).values",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sort(in[0]).values; },
         .samples = along_dim_samples,
         .bad_samples = along_dim_bad_samples});
  r.add({.name = "sort_descending_dim0",
         .formula = "sort(x, 0, descending).values",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sort(in[0], 0, true).values; },
         .samples = along_dim_samples,
         .bad_samples = along_dim_bad_samples});
}
}  // namespace detail
}  // namespace nabla
