// atan2: the angle of the point (x, y), elementwise, broadcasting.
//   forward : result = atan(y/x) in the quadrant of (x, y), in [−π, π] (atan2(±0, −0) = ±π
//             and the other signed-zero and infinite cases as std::atan2 and PyTorch)
//   backward: grad_y =  grad_out ⊙ x / (x² + y²)
//             grad_x = −grad_out ⊙ y / (x² + y²)   (NaN at the origin, as PyTorch)
//   saves   : y and x
//   shapes  : y and x broadcast; result has the broadcast shape
//   dtypes  : float32, float64, one of them for both (else std::invalid_argument)

#include "ops/math_common.hpp"

namespace nabla {
namespace {
struct Atan2Node final : Node {
  Atan2Node() : Node("atan2") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor y = saved(0), x = saved(1);
    const Tensor scaled = div(grad_out, add(square(x), square(y)));  // grad_out / r²
    return {needs_input_grad(0) ? mul(scaled, x) : Tensor(),
            needs_input_grad(1) ? neg(mul(scaled, y)) : Tensor()};
  }
};

template <class T>
T atan2_value(T yv, T xv) {
  return std::atan2(yv, xv);
}
}  // namespace

Tensor atan2(const Tensor& y, const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::dispatch_floating(
      "atan2", y.defined() ? y.dtype() : Dtype::f32,
      [&](auto tag) {
        using T = decltype(tag);
        return detail::float_binary_kernel("atan2", y, x,
                                           detail::scalar_binary<T, &atan2_value<T>>());
      },
      "first operand");
  if (auto node = record<Atan2Node>(result, {y, x})) {
    node->save(y);
    node->save(x);
  }
  return result;
}

namespace detail {
void register_atan2(OpRegistry& r) {
  r.add(
      {.name = "atan2",
       .formula = "atan2(y, x)",
       .arity = 2,
       .fn = [](const std::vector<Tensor>& in) { return atan2(in[0], in[1]); },
       // y away from zero: off the origin (a singularity) and off the branch cut along
       // the negative x axis, where the angle jumps from π to −π
       .samples = [](Generator& g,
                     Dtype d) { return binary_samples(g, d, Domain::away_from_zero, Domain::any); },
       .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
