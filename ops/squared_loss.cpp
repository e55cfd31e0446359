// squared_loss: the tutorial's loss, half the summed squared error.
//   forward : result = ½ · Σ (o − y)²   (a 0-d tensor; accumulated in double)
//   backward: grad_o =  grad_out · (o − y)
//             grad_y = −grad_out · (o − y)
//   saves   : o and y
//   shapes  : o and y must have the same shape (no broadcasting: a silent broadcast of
//             targets is a classic bug)

#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
// Σ (o − y)², accumulated in double.
double sum_squared_diff(const char* op, const Tensor& o, const Tensor& y) {
  check_defined(op, o, "o");
  check_defined(op, y, "y");
  check_same_dtype(op, o, y);
  if (o.shape() != y.shape()) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: the output o and the target y must have the same shape, got o {} and y {}", op,
        shape_str(o.shape()), shape_str(y.shape())));
  }
  return detail::dispatch_floating("squared_loss", o.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const Tensor ov = dense(o);
    const Tensor yv = dense(y);
    const T* po = data_ptr<T>(ov);
    const T* py = data_ptr<T>(yv);
    double acc = 0.0;
    const std::int64_t n = o.numel();
    for (std::int64_t i = 0; i < n; ++i) {
      const double d = static_cast<double>(po[i]) - static_cast<double>(py[i]);
      acc += d * d;
    }
    return acc;
  });
}
}  // namespace detail

namespace {
struct SquaredLossNode final : Node {
  SquaredLossNode() : Node("squared_loss") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    Tensor grad_o = mul(grad_out, sub(saved(0), saved(1)));  // [..] = [] · [..]
    return {grad_o, needs_input_grad(1) ? neg(grad_o) : Tensor()};
  }
};
}  // namespace

Tensor squared_loss(const Tensor& o, const Tensor& y, CallSite where) {
  detail::CallSiteScope site(where);
  const double s = detail::sum_squared_diff("squared_loss", o, y);
  Tensor result = scalar_tensor(0.5 * s, o.dtype());
  if (auto node = record<SquaredLossNode>(result, {o, y})) {
    node->save(o);
    node->save(y);
  }
  return result;
}

namespace detail {
std::vector<OpSample> loss_samples(Generator& g, Dtype d) {
  auto pair = [&](const char* label, const Shape& s) {
    return OpSample{label, {sample_tensor(s, g, d), sample_tensor(s, g, d)}};
  };
  return {pair("batch [4,3]", {4, 3}), pair("vector [5]", {5}), pair("scalar []", {}),
          pair("rank 3 [2,3,4]", {2, 3, 4})};
}

std::vector<OpSample> loss_bad_samples(Generator& g, Dtype d) {
  return {{"[4,3] vs [3]", {sample_tensor({4, 3}, g, d), sample_tensor({3}, g, d)}},
          {"[4,1] vs [4]", {sample_tensor({4, 1}, g, d), sample_tensor({4}, g, d)}}};
}

void register_squared_loss(OpRegistry& r) {
  r.add({.name = "squared_loss",
         .formula = "0.5 * sum((o - y)^2)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return squared_loss(in[0], in[1]); },
         .samples = loss_samples,
         .bad_samples = loss_bad_samples});
}
}  // namespace detail
}  // namespace nabla
