// log_softmax: log of softmax along one axis, computed stably.
//   forward : result = (x − m) − log Σ exp(x − m) along the axis, m the maximum along it
//   backward: grad_x = grad_out − exp(result) ⊙ Σ grad_out   (Σ along the axis, kept as 1;
//             exp(result) is softmax(x))
//   saves   : result
//   shapes  : any rank ≥ 1; result has x's shape. axis may be negative; outside the rank
//             → std::out_of_range; x may have any strides (the kernel is softmax's)

#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
Tensor softmax_forward(const Tensor& x, std::size_t axis, bool log);  // ops/softmax.cpp
std::vector<OpSample> axis_samples(Generator& g, Dtype d);            // ops/softmax.cpp
std::vector<OpSample> axis_bad_samples(Generator& g, Dtype d);        // ops/softmax.cpp
std::vector<OpSample> softmax_samples(Generator& g, Dtype d);         // ops/softmax.cpp
}  // namespace detail

namespace {
struct LogSoftmaxNode final : Node {
  explicit LogSoftmaxNode(std::int64_t axis) : Node("log_softmax"), axis_(axis) {}
  std::int64_t axis_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    // [..] = [..] − [..] ⊙ [.., 1, ..]
    return {sub(grad_out, mul(exp(saved(0)), sum(grad_out, {axis_}, true)))};
  }
};
}  // namespace

Tensor log_softmax(const Tensor& x, std::int64_t axis, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("log_softmax", x);
  const auto a = normalize_axis(axis, x.dim(), "log_softmax");
  Tensor result = detail::softmax_forward(x, static_cast<std::size_t>(a), true);
  if (auto node = record<LogSoftmaxNode>(result, {x}, a)) node->save_result(result);
  return result;
}

namespace detail {
void register_log_softmax(OpRegistry& r) {
  r.add({.name = "log_softmax",
         .formula = "x - logsumexp(x) along axis -1",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return log_softmax(in[0], -1); },
         .samples = softmax_samples,
         .bad_samples = axis_bad_samples});
  r.add({.name = "log_softmax_axis1",
         .formula = "x - logsumexp(x) along axis 1",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return log_softmax(in[0], 1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [5]", {sample_tensor({5}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
