// lerp: linear interpolation from start to end, elementwise, broadcasting all three.
//   forward : result = start + weight·(end − start) where |weight| < ½, else
//             end − (end − start)·(1 − weight) (PyTorch's two forms: weight 1 gives end
//             exactly)
//   backward: grad_start  = grad_out ⊙ (1 − weight)
//             grad_end    = grad_out ⊙ weight
//             grad_weight = grad_out ⊙ (end − start)
//   saves   : weight, and start and end when weight needs a gradient
//   shapes  : start, end and weight broadcast; result has the broadcast shape. A number
//             weight is a 0-d tensor of start's dtype.
//   dtypes  : float32, float64, one of them for all three (else std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct LerpNode final : Node {
  LerpNode() : Node("lerp") {}
  std::size_t start_ = 0, end_ = 0, weight_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor w = saved(weight_);
    return {needs_input_grad(0) ? mul(grad_out, sub(1.0, w)) : Tensor(),
            needs_input_grad(1) ? mul(grad_out, w) : Tensor(),
            needs_input_grad(2) ? mul(grad_out, sub(saved(end_), saved(start_))) : Tensor()};
  }
};
}  // namespace

Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_ternary("lerp", start, end, weight, "input", "end", "weight");
  Tensor result;
  {
    NoGradGuard no_grad;  // the node below records the op as one
    const Tensor diff = sub(end, start);
    const Tensor small = lt(abs(weight), 0.5);
    result =
        nabla::where(small, add(start, mul(weight, diff)), sub(end, mul(diff, sub(1.0, weight))));
  }
  if (auto node = record<LerpNode>(result, {start, end, weight})) {
    node->weight_ = node->save(weight);
    if (node->needs_input_grad(2)) {
      node->start_ = node->save(start);
      node->end_ = node->save(end);
    }
  }
  return result;
}

Tensor lerp(const Tensor& start, const Tensor& end, double weight, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_floating_operand("lerp", start, "input");
  return nabla::lerp(start, end, detail::scalar_operand("lerp", weight, start), where);
}

namespace detail {
void register_lerp(OpRegistry& r) {
  // weights of any sign: lerp extrapolates too, and the two forms agree to rounding
  r.add({.name = "lerp",
         .formula = "start + weight * (end - start)",
         .arity = 3,
         .fn = [](const std::vector<Tensor>& in) { return lerp(in[0], in[1], in[2]); },
         .samples =
             [](Generator& g, Dtype d) {
               return ternary_samples(g, d, {Domain::any, Domain::any, Domain::any});
             },
         .bad_samples = ternary_bad_samples});
  r.add({.name = "lerp_scalar",
         .formula = "start + 0.3 * (end - start)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return lerp(in[0], in[1], 0.3); },
         .samples = [](Generator& g, Dtype d) { return binary_samples(g, d); },
         .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
