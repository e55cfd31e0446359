// addcmul: input plus a scaled product, elementwise, broadcasting all three.
//   forward : result = input + value·t1 ⊙ t2
//   backward: grad_input = grad_out
//             grad_t1 = value·grad_out ⊙ t2
//             grad_t2 = value·grad_out ⊙ t1
//   saves   : t2 when t1 needs a gradient; t1 when t2 does
//   shapes  : input, t1 and t2 broadcast; result has the broadcast shape
//   dtypes  : float32, float64, one of them for all three (else std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct AddcmulNode final : Node {
  explicit AddcmulNode(double value) : Node("addcmul"), value_(value) {}
  double value_;
  std::size_t t1_ = 0, t2_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {needs_input_grad(0) ? grad_out : Tensor(),
            needs_input_grad(1) ? mul(grad_out, mul(saved(t2_), value_)) : Tensor(),
            needs_input_grad(2) ? mul(grad_out, mul(saved(t1_), value_)) : Tensor()};
  }
};
}  // namespace

Tensor addcmul(const Tensor& input, const Tensor& t1, const Tensor& t2, double value,
               CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_ternary("addcmul", input, t1, t2, "input", "tensor1", "tensor2");
  Tensor result;
  {
    NoGradGuard no_grad;                           // the node below records the op as one
    result = add(input, mul(mul(t1, value), t2));  // (value·t1)·t2, PyTorch's order
  }
  if (auto node = record<AddcmulNode>(result, {input, t1, t2}, value)) {
    if (node->needs_input_grad(2)) node->t1_ = node->save(t1);
    if (node->needs_input_grad(1)) node->t2_ = node->save(t2);
  }
  return result;
}

namespace detail {
void register_addcmul(OpRegistry& r) {
  r.add({.name = "addcmul",
         .formula = "input + 0.5 * t1 * t2",
         .arity = 3,
         .fn = [](const std::vector<Tensor>& in) { return addcmul(in[0], in[1], in[2], 0.5); },
         .samples =
             [](Generator& g, Dtype d) {
               return ternary_samples(g, d, {Domain::any, Domain::any, Domain::any});
             },
         .bad_samples = ternary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
