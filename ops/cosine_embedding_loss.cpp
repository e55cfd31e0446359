// cosine_embedding_loss: PyTorch's cosine embedding loss.
//   forward : cos = Σ x1·x2 / sqrt((Σ x1² + 1e-12)·(Σ x2² + 1e-12)) along the last axis
//             (PyTorch's EPSILON); l = 1 − cos where y = 1, max(0, cos − margin) where
//             y = −1, 0 for other y; then mean, sum or none
//   backward: by composition (mul, sum, sqrt, div, relu, where); y gets no gradient
//   saves   : what the composed ops save
//   shapes  : x1, x2 [N,D] with y [N], or [D] with y 0-d; x1 and x2 floating of one
//             dtype; y any numeric dtype

#include "ops/loss_common.hpp"

namespace nabla {

Tensor cosine_embedding_loss(const Tensor& x1, const Tensor& x2, const Tensor& y, double margin,
                             Reduction reduction, CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "cosine_embedding_loss";
  detail::check_loss_operand(op, x1, "x1");
  detail::check_loss_operand(op, x2, "x2");
  detail::check_defined(op, y, "y");
  detail::check_same_dtype(op, x1, x2);
  detail::check_same_shape(op, x1, "x1", x2, "x2");
  const bool fits = (x1.dim() == 2 && y.dim() == 1 && y.size(0) == x1.size(0)) ||
                    (x1.dim() == 1 && y.dim() == 0);
  if (!fits) {
    throw std::invalid_argument(fmt::format(
        "nabla::cosine_embedding_loss: expected x1, x2 [N,D] with y [N], or [D] with y [], got "
        "x1 {} and y {}",
        shape_str(x1.shape()), shape_str(y.shape())));
  }
  const std::vector<std::int64_t> last = {-1};
  constexpr double kEpsilon = 1e-12;
  const Tensor prod = sum(mul(x1, x2), last);
  const Tensor m1 = add(sum(mul(x1, x1), last), kEpsilon);
  const Tensor m2 = add(sum(mul(x2, x2), last), kEpsilon);
  const Tensor cos = div(prod, sqrt(mul(m1, m2)));
  const Tensor l = add(nabla::where(eq(y, 1.0), sub(1.0, cos), 0.0),
                       nabla::where(eq(y, -1.0), relu(sub(cos, margin)), 0.0));
  return detail::reduce_loss(l, reduction);
}

namespace detail {
namespace {
// Row i of x2 is ±(row i of x1) plus noise 0.3·N(0, 1), signs +, −, +, −, so that
// cos ≈ ±0.98 stays far from the kink of max(0, cos − 0) at cos = 0; with the labels
// +1, −1, −1, +1 the rows take the 1 − cos branch, the flat branch and the active hinge.
std::vector<OpSample> cosine_embedding_samples(Generator& g, Dtype d) {
  auto pair = [&](const char* label, const Shape& s) {
    const Tensor a = sample_tensor(s, g, d);
    const std::int64_t rows = s.size() == 2 ? s[0] : 1;
    const std::int64_t cols = s.back();
    std::vector<double> sign(static_cast<std::size_t>(rows * cols));
    for (std::size_t i = 0; i < sign.size(); ++i) {
      sign[i] = (i / static_cast<std::size_t>(cols)) % 2 == 0 ? 1.0 : -1.0;
    }
    const Tensor b = add(mul(a, tensor(sign, s, d)), mul(sample_tensor(s, g, d), 0.3));
    return OpSample{label, {a, b}};
  };
  return {pair("batch [4,5]", {4, 5}), pair("one pair [3]", {3})};
}

std::vector<OpSample> cosine_embedding_bad_samples(Generator& g, Dtype d) {
  return {{"[4,5] with [4,4]", {sample_tensor({4, 5}, g, d), sample_tensor({4, 4}, g, d)}},
          {"rank 3", {sample_tensor({2, 2, 2}, g, d), sample_tensor({2, 2, 2}, g, d)}}};
}

Tensor labels_for(const Tensor& x1) {
  return alternating_labels(x1.dim() == 2 ? Shape{x1.size(0)} : Shape{}, Dtype::i64);
}
}  // namespace

void register_cosine_embedding_loss(OpRegistry& r) {
  r.add({.name = "cosine_embedding_loss",
         .formula = "mean(y == 1 ? 1 - cos(a, b) : max(0, cos(a, b))), fixed y = +1, -1, -1, +1",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return cosine_embedding_loss(in[0], in[1], labels_for(in[0]));
             },
         .samples = cosine_embedding_samples,
         .bad_samples = cosine_embedding_bad_samples});
}
}  // namespace detail
}  // namespace nabla
