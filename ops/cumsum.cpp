// cumsum: running sum along one dim.
//   forward : result[.., i, ..] = Σ_{j ≤ i} x[.., j, ..] (accumulated in double for floating x)
//   backward: grad_x = the running sum of grad_out from the end (cumsum_along reversed),
//             itself differentiable
//   saves   : nothing
//   shapes  : any rank ≥ 1; result has x's shape. dim may be negative; outside the rank →
//             std::out_of_range
//   dtypes  : floating x keeps its dtype; integer and bool x give int64 (wrapping, as PyTorch)

#include "ops/reduce_common.hpp"

namespace nabla {
namespace {
struct CumsumNode final : Node {
  CumsumNode(std::size_t dim, bool reverse) : Node("cumsum"), dim_(dim), reverse_(reverse) {}
  std::size_t dim_;
  bool reverse_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {detail::cumsum_along(grad_out, dim_, !reverse_)};
  }
};

// One running sum of line (i, ·, j), in the direction asked, of n values `inner` apart.
template <class Acc, class T, class O>
void running_sum(const T* p, O* o, std::int64_t n, std::int64_t inner, bool reverse) {
  Acc acc = 0;
  for (std::int64_t s = 0; s < n; ++s) {
    const std::int64_t k = (reverse ? n - 1 - s : s) * inner;
    if constexpr (std::is_same_v<Acc, std::uint64_t>) {
      acc += static_cast<std::uint64_t>(static_cast<std::int64_t>(p[k]));  // wraps as int64
      o[k] = static_cast<O>(acc);
    } else {
      acc += static_cast<Acc>(p[k]);
      o[k] = static_cast<O>(acc);
    }
  }
}
}  // namespace

namespace detail {
Tensor cumsum_along(const Tensor& x, std::size_t dim, bool reverse) {
  const Tensor xd = dense(x);
  const auto s = split_at_axis(x.shape(), dim);
  const Dtype out_dtype = sum_dtype(x.dtype());
  Tensor result = make_tensor(x.shape(), out_dtype, "cumsum");
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(xd);
    for (std::int64_t i = 0; i < s.outer; ++i)
      for (std::int64_t j = 0; j < s.inner; ++j) {
        const std::int64_t base = i * s.n * s.inner + j;
        if constexpr (std::is_floating_point_v<T>) {
          running_sum<double>(p + base, data_ptr<T>(result) + base, s.n, s.inner, reverse);
        } else {
          running_sum<std::uint64_t>(p + base, data_ptr<std::int64_t>(result) + base, s.n,
                                     s.inner, reverse);
        }
      }
  });
  record<CumsumNode>(result, {x}, dim, reverse);
  return result;
}
}  // namespace detail

Tensor cumsum(const Tensor& x, std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("cumsum", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "cumsum"));
  return detail::cumsum_along(x, d, false);
}

namespace detail {
std::vector<OpSample> along_dim_samples(Generator& g, Dtype d) {
  return {{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
          {"vector [5]", {sample_tensor({5}, g, d)}},
          {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
          {"unit dim [3,1]", {sample_tensor({3, 1}, g, d)}}};
}

std::vector<OpSample> along_dim_bad_samples(Generator& g, Dtype d) {
  return {{"scalar [] has no dim", {sample_tensor({}, g, d)}}};
}

void register_cumsum(OpRegistry& r) {
  r.add({.name = "cumsum",
         .formula = "cumsum(x, -1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return cumsum(in[0], -1); },
         .samples = along_dim_samples,
         .bad_samples = along_dim_bad_samples});
  r.add({.name = "cumsum_dim0",
         .formula = "cumsum(x, 0)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return cumsum(in[0], 0); },
         .samples = along_dim_samples,
         .bad_samples = along_dim_bad_samples});
}
}  // namespace detail
}  // namespace nabla
