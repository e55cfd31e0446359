// cosine_similarity: PyTorch 1.13's cosine similarity along an axis.
//   forward : Σ x1·x2 / (max(‖x1‖, ε)·max(‖x2‖, ε)) along `dim` of the broadcast shape,
//             each norm computed as sqrt(max(Σ x², ε²)) (the same value)
//   backward: by composition (mul, sum, sqrt, div); where a squared norm is clamped its
//             gradient passes through unchanged (PyTorch 1.13 clamps in place under
//             no_grad), and a zero vector gives no NaN since sqrt never sees 0
//   saves   : what the composed ops save
//   shapes  : x1 and x2 floating of one dtype, broadcasting; result the broadcast shape
//             without `dim` (std::out_of_range for a dim outside its rank)

#include "ops/loss_common.hpp"

namespace nabla {

Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, std::int64_t dim, double eps,
                         CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "cosine_similarity";
  detail::check_loss_operand(op, x1, "x1");
  detail::check_loss_operand(op, x2, "x2");
  detail::check_same_dtype(op, x1, x2);
  const Shape shape = broadcast_shapes(x1.shape(), x2.shape(), op);
  const std::int64_t axis = normalize_axis(dim, static_cast<std::int64_t>(shape.size()), op);
  const Tensor a = broadcast_to(x1, shape);
  const Tensor b = broadcast_to(x2, shape);
  const auto norm = [&](const Tensor& x) {
    return sqrt(detail::clamp_min_straight_through(sum(mul(x, x), {axis}), eps * eps));
  };
  return div(sum(mul(a, b), {axis}), mul(norm(a), norm(b)));
}

namespace detail {
namespace {
// standard normal rows: their norms stay far above ε, where the clamp would cut the gradient
std::vector<OpSample> cosine_samples(Generator& g, Dtype d) {
  return {{"batch [4,3]", {sample_tensor({4, 3}, g, d), sample_tensor({4, 3}, g, d)}},
          {"broadcast [2,3,2] with [3,1]", {sample_tensor({2, 3, 2}, g, d), sample_tensor({3, 1}, g, d)}}};
}

std::vector<OpSample> cosine_bad_samples(Generator& g, Dtype d) {
  return {{"[4,3] with [2]", {sample_tensor({4, 3}, g, d), sample_tensor({2}, g, d)}},
          {"no axis 1 in [5]", {sample_tensor({5}, g, d), sample_tensor({5}, g, d)}}};
}
}  // namespace

void register_cosine_similarity(OpRegistry& r) {
  r.add({.name = "cosine_similarity",
         .formula = "sum(a*b, 1) / (max(|a|, eps) * max(|b|, eps))",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return cosine_similarity(in[0], in[1]); },
         .samples = cosine_samples,
         .bad_samples = cosine_bad_samples});
}
}  // namespace detail
}  // namespace nabla
