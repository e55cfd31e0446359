// cumprod: running product along one dim.
//   forward : y[.., i, ..] = Π_{j ≤ i} x[.., j, ..] (accumulated in double for floating x)
//   backward: grad_x[k] = Σ_{i ≥ k} grad_out[i] · Π_{j ≤ i, j ≠ k} x[j], exact with zeros,
//             as PyTorch: without zeros, cumsum_along(grad_out ⊙ y, reversed) / x; with
//             zeros and grad mode off, one O(n) pass per line (grad_x[k] = L_k·S_k, L_k =
//             Π_{j<k} x_j, S_k = grad_out[k] + x_{k+1}·S_{k+1}); with zeros under
//             create_graph, the O(n²) form Σ_i [i ≥ k]·grad_out[i]·cumprod(x with x_k → 1)[i]
//             in differentiable ops
//   saves   : x and the result y
//   shapes  : any rank ≥ 1; result has x's shape. dim may be negative; outside the rank →
//             std::out_of_range
//   dtypes  : floating x keeps its dtype; integer and bool x give int64 (wrapping, as PyTorch)

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
std::vector<OpSample> along_dim_samples(Generator& g, Dtype d);      // ops/cumsum.cpp
std::vector<OpSample> along_dim_bad_samples(Generator& g, Dtype d);  // ops/cumsum.cpp
}  // namespace detail

namespace {
// The O(n) gradient with zeros (no graph: grad mode is off).
Tensor gradient_pass(const Tensor& g, const Tensor& x, std::size_t dim, bool reverse) {
  const Tensor gd = detail::dense(g), xd = detail::dense(x);
  const auto s = detail::split_at_axis(x.shape(), dim);
  Tensor out = detail::make_tensor(x.shape(), x.dtype(), "cumprod");
  detail::dispatch_floating("cumprod", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* gp = detail::data_ptr<T>(gd);
    const T* xp = detail::data_ptr<T>(xd);
    T* o = detail::data_ptr<T>(out);
    std::vector<double> scan(static_cast<std::size_t>(s.n));
    for (std::int64_t i = 0; i < s.outer; ++i)
      for (std::int64_t j = 0; j < s.inner; ++j) {
        const std::int64_t base = i * s.n * s.inner + j;
        // position t of the line in the direction of the product
        const auto at = [&](std::int64_t t) { return base + (reverse ? s.n - 1 - t : t) * s.inner; };
        double acc = 0.0;  // S_t, from the far end
        for (std::int64_t t = s.n - 1; t >= 0; --t) {
          acc = static_cast<double>(gp[at(t)]) +
                (t + 1 < s.n ? static_cast<double>(xp[at(t + 1)]) * acc : 0.0);
          scan[static_cast<std::size_t>(t)] = acc;
        }
        double left = 1.0;  // L_t
        for (std::int64_t t = 0; t < s.n; ++t) {
          o[at(t)] = static_cast<T>(left * scan[static_cast<std::size_t>(t)]);
          left *= static_cast<double>(xp[at(t)]);
        }
      }
  });
  return out;
}

// The O(n²) gradient in differentiable ops, for create_graph with zeros in x.
Tensor gradient_quadratic(const Tensor& g, const Tensor& x, std::size_t dim, bool reverse) {
  const std::int64_t n = x.shape()[dim];
  const auto d = static_cast<std::int64_t>(dim);
  Shape grid(x.shape().size() + 1, 1);  // [1.., n(k), n(i), 1..]
  grid[dim] = n;
  grid[dim + 1] = n;
  const Tensor k = reshape(arange(0.0, static_cast<double>(n), 1.0, Dtype::i64), {n, 1});
  const Tensor i = reshape(arange(0.0, static_cast<double>(n), 1.0, Dtype::i64), {1, n});
  const Tensor eye = reshape(eq(k, i), grid);
  const Tensor reached = reshape(reverse ? le(i, k) : ge(i, k), grid);  // y_i depends on x_k
  // row k: x with x_k replaced by 1, so its running product omits x_k
  const Tensor omitted = detail::cumprod_along(where(eye, 1.0, unsqueeze(x, d)), dim + 1, reverse);
  return sum(mul(where(reached, omitted, 0.0), unsqueeze(g, d)), {d + 1});
}

struct CumprodNode final : Node {
  CumprodNode(std::size_t dim, bool reverse) : Node("cumprod"), dim_(dim), reverse_(reverse) {}
  std::size_t dim_;
  bool reverse_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(0);
    if (x.shape()[dim_] <= 1) return {grad_out};  // y = x
    if (!detail::holds_zero("cumprod", x)) {
      // Σ_{i ≥ k} g_i·y_i / x_k   [..] = cumsum([..] ⊙ [..]) / [..]
      return {div(detail::cumsum_along(mul(grad_out, saved(1)), dim_, !reverse_), x)};
    }
    if (!is_grad_enabled()) return {gradient_pass(grad_out, x, dim_, reverse_)};
    return {gradient_quadratic(grad_out, x, dim_, reverse_)};
  }
};

// One running product of line (i, ·, j), of n values `inner` apart.
template <class Acc, class T, class O>
void running_product(const T* p, O* o, std::int64_t n, std::int64_t inner, bool reverse) {
  Acc acc = 1;
  for (std::int64_t s = 0; s < n; ++s) {
    const std::int64_t k = (reverse ? n - 1 - s : s) * inner;
    if constexpr (std::is_same_v<Acc, std::uint64_t>) {
      acc *= static_cast<std::uint64_t>(static_cast<std::int64_t>(p[k]));  // wraps as int64
    } else {
      acc *= static_cast<Acc>(p[k]);
    }
    o[k] = static_cast<O>(acc);
  }
}
}  // namespace

namespace detail {
Tensor cumprod_along(const Tensor& x, std::size_t dim, bool reverse) {
  const Tensor xd = dense(x);
  const auto s = split_at_axis(x.shape(), dim);
  Tensor result = make_tensor(x.shape(), sum_dtype(x.dtype()), "cumprod");
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(xd);
    for (std::int64_t i = 0; i < s.outer; ++i)
      for (std::int64_t j = 0; j < s.inner; ++j) {
        const std::int64_t base = i * s.n * s.inner + j;
        if constexpr (std::is_floating_point_v<T>) {
          running_product<double>(p + base, data_ptr<T>(result) + base, s.n, s.inner, reverse);
        } else {
          running_product<std::uint64_t>(p + base, data_ptr<std::int64_t>(result) + base, s.n,
                                         s.inner, reverse);
        }
      }
  });
  if (auto node = record<CumprodNode>(result, {x}, dim, reverse)) {
    node->save(x);
    node->save_result(result);
  }
  return result;
}
}  // namespace detail

Tensor cumprod(const Tensor& x, std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("cumprod", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "cumprod"));
  return detail::cumprod_along(x, d, false);
}

namespace detail {
void register_cumprod(OpRegistry& r) {
  // Standard normal samples hold no zeros (probability 0): the sweep checks the smooth
  // formula here, and tests/ops/test_cumprod.cpp the exact gradients with zeros, to first
  // and second order.
  r.add({.name = "cumprod",
         .formula = "cumprod(x, -1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return cumprod(in[0], -1); },
         .samples = along_dim_samples,
         .bad_samples = along_dim_bad_samples});
  r.add({.name = "cumprod_dim0",
         .formula = "cumprod(x, 0)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return cumprod(in[0], 0); },
         .samples = along_dim_samples,
         .bad_samples = along_dim_bad_samples});
}
}  // namespace detail
}  // namespace nabla
