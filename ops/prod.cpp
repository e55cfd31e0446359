// prod: product of all elements, or along one dim.
//   forward : result = Π x over the dim (every element by default); 1 for none
//   backward: grad_x = grad_out ⊙ Π of the other elements along the dim, as PyTorch:
//             without zeros grad_out ⊙ result / x; with zeros grad_out ⊙ L ⊙ R, L and R
//             the products before and after each element (exclusive cumprods from each
//             end), exact and differentiable
//   saves   : x and the result
//   shapes  : x → the shape without the dim (kept as 1 with keepdim); a 0-d result for all.
//             dim may be negative; outside the rank → std::out_of_range
//   dtypes  : floating x keeps its dtype; integer and bool x give int64 (wrapping, as PyTorch)

#include "ops/reduce_common.hpp"

namespace nabla {
namespace {
// Π_{j ≠ k} x_j along dim for every k, as (Π_{j<k} x_j)·(Π_{j>k} x_j), in differentiable ops.
Tensor products_of_others(const Tensor& x, std::size_t dim) {
  const std::int64_t n = x.shape()[dim];
  const auto d = static_cast<std::int64_t>(dim);
  Shape unit = x.shape();
  unit[dim] = 1;
  const Tensor one = ones(unit, x.dtype());
  if (n == 1) return broadcast_to(one, x.shape());
  const Tensor before = cat({one, narrow(detail::cumprod_along(x, dim, false), d, 0, n - 1)}, d);
  const Tensor after = cat({narrow(detail::cumprod_along(x, dim, true), d, 1, n - 1), one}, d);
  return mul(before, after);
}

struct ProdNode final : Node {
  ProdNode(bool all, std::size_t dim, Shape kept)
      : Node("prod"), all_(all), dim_(dim), kept_(std::move(kept)) {}
  bool all_;         // over every element (x seen flattened)
  std::size_t dim_;  // else along this dim
  Shape kept_;       // the result's shape with the dim kept as 1
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(0);
    const Tensor g = reshape(grad_out, kept_);
    if (!detail::holds_zero("prod", x)) {
      return {div(mul(g, reshape(saved(1), kept_)), x)};  // [..] = [.., 1, ..] ⊙ [.., 1, ..] / [..]
    }
    if (all_) return {mul(g, reshape(products_of_others(reshape(x, {x.numel()}), 0), x.shape()))};
    return {mul(g, products_of_others(x, dim_))};
  }
};

Tensor prod_kernel(const Tensor& x, const std::vector<std::size_t>& axes, Shape out_shape) {
  const auto lines = detail::reduction_lines(x, axes);
  Tensor result = detail::make_tensor(std::move(out_shape), detail::sum_dtype(x.dtype()), "prod");
  detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = detail::data_ptr<T>(lines.values);
    for (std::int64_t r = 0; r < lines.lines; ++r) {
      const T* line = p + r * lines.n;
      if constexpr (std::is_floating_point_v<T>) {
        double acc = 1.0;
        for (std::int64_t k = 0; k < lines.n; ++k) acc *= static_cast<double>(line[k]);
        detail::data_ptr<T>(result)[r] = static_cast<T>(acc);
      } else {
        std::uint64_t acc = 1;  // wraps as int64 would, without signed overflow
        for (std::int64_t k = 0; k < lines.n; ++k)
          acc *= static_cast<std::uint64_t>(static_cast<std::int64_t>(line[k]));
        detail::data_ptr<std::int64_t>(result)[r] = static_cast<std::int64_t>(acc);
      }
    }
  });
  return result;
}
}  // namespace

Tensor prod(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("prod", x);
  const auto axes = detail::reduction_axes("prod", x, {});
  Tensor result = prod_kernel(x, axes, {});
  if (auto node = record<ProdNode>(result, {x}, true, 0, detail::reduced_shape(x.shape(), axes, true))) {
    node->save(x);
    node->save_result(result);
  }
  return result;
}

Tensor prod(const Tensor& x, std::int64_t dim, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("prod", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "prod"));
  Tensor result = prod_kernel(x, {d}, detail::reduced_shape(x.shape(), {d}, keepdim));
  if (auto node = record<ProdNode>(result, {x}, false, d, detail::reduced_shape(x.shape(), {d}, true))) {
    node->save(x);
    node->save_result(result);
  }
  return result;
}

namespace detail {
void register_prod(OpRegistry& r) {
  // Values away from zero (|x| in [0.2, ...)): the sweep checks the smooth formula; the
  // exact gradients at zeros are checked against PyTorch in tests/ops/test_prod.cpp.
  const auto samples = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{
        {"matrix [3,4]", {sample_tensor({3, 4}, g, d, Domain::away_from_zero)}},
        {"vector [5]", {sample_tensor({5}, g, d, Domain::away_from_zero)}},
        {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d, Domain::away_from_zero)}}};
  };
  r.add({.name = "prod",
         .formula = "prod of all elements",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return prod(in[0]); },
         .samples = samples});
  r.add({.name = "prod_dim",
         .formula = "prod along dim -1",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return prod(in[0], -1); },
         .samples = samples,
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar [] has no dim", {sample_tensor({}, g, d)}}};
             }});
  r.add({.name = "prod_dim_keepdim",
         .formula = "prod along dim 0, keepdim",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return prod(in[0], 0, true); },
         .samples = samples});
}
}  // namespace detail
}  // namespace nabla
