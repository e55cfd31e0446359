// pairwise_distance: PyTorch's p-norm distance along the last axis.
//   forward : ‖x1 − x2 + ε‖_p along the last axis of the broadcast shape: p = 2 as
//             sqrt(Σ d²), p = 1 as Σ |d|, p = ∞ as max |d|, p = 0 as the count of
//             nonzero d (no gradient), else (Σ |d|^p)^(1/p); that axis kept as 1 with keepdim
//   backward: by composition. Where the distance is exactly 0 (d = 0 for every element)
//             the composed rule gives NaN for p = 2 where PyTorch gives 0
//   saves   : what the composed ops save
//   shapes  : x1 and x2 floating of one dtype, broadcasting, rank ≥ 1; p ≥ 0, else
//             std::invalid_argument naming it

#include <cmath>

#include "ops/loss_common.hpp"

namespace nabla {

Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p, double eps, bool keepdim,
                         CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "pairwise_distance";
  detail::check_loss_operand(op, x1, "x1");
  detail::check_loss_operand(op, x2, "x2");
  detail::check_same_dtype(op, x1, x2);
  if (!(p >= 0.0)) {
    throw std::invalid_argument(
        fmt::format("nabla::pairwise_distance: p must be non-negative, got {}", p));
  }
  const Shape shape = broadcast_shapes(x1.shape(), x2.shape(), op);
  if (shape.empty()) {
    throw std::invalid_argument(fmt::format(
        "nabla::pairwise_distance: x1 and x2 need at least one axis, got x1 {} and x2 {}",
        shape_str(x1.shape()), shape_str(x2.shape())));
  }
  const Tensor d = add(sub(x1, x2), eps);
  const std::vector<std::int64_t> last = {-1};
  if (p == 2.0) return sqrt(sum(mul(d, d), last, keepdim));
  if (p == 1.0) return sum(abs(d), last, keepdim);
  if (std::isinf(p)) return max(abs(d), -1, keepdim).values;
  if (p == 0.0) return sum(cast(ne(d, 0.0), x1.dtype()), last, keepdim);
  return pow(sum(pow(abs(d), p), last, keepdim), 1.0 / p);
}

namespace detail {
namespace {
// |x1 − x2| ≥ 0.2 elementwise: away from |·|'s kink at 0 and from a zero distance
std::vector<OpSample> distance_samples(Generator& g, Dtype d) {
  return {kink_free_pair("batch [4,3]", {4, 3}, g, d, 1.0),
          kink_free_pair("vector [5]", {5}, g, d, 1.0)};
}

std::vector<OpSample> distance_bad_samples(Generator& g, Dtype d) {
  return {{"[4,3] with [2]", {sample_tensor({4, 3}, g, d), sample_tensor({2}, g, d)}},
          {"0-d", {sample_tensor({}, g, d), sample_tensor({}, g, d)}}};
}
}  // namespace

void register_pairwise_distance(OpRegistry& r) {
  r.add({.name = "pairwise_distance",
         .formula = "sqrt(sum((a - b + eps)^2, -1))",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return pairwise_distance(in[0], in[1]); },
         .samples = distance_samples,
         .bad_samples = distance_bad_samples});
  r.add({.name = "pairwise_distance_p3",
         .formula = "sum(|a - b + eps|^3, -1)^(1/3)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return pairwise_distance(in[0], in[1], 3.0); },
         .samples = distance_samples,
         .bad_samples = distance_bad_samples});
}
}  // namespace detail
}  // namespace nabla
