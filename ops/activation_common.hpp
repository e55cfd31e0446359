#pragma once
// Internal: what the activation op files (include/nabla/activations.hpp) share: a node
// whose rule is a function of grad_out and one saved tensor, the sample inputs that keep
// away from kinks, and the cores that several activations are made of.

#include <functional>
#include <string_view>
#include <utility>

#include "ops/op_common.hpp"

namespace nabla::detail {

/// A unary activation's node: grad_x = rule(grad_out, the one tensor it saved), written in
/// nabla ops (so gradients of gradients work).
struct ActivationNode final : Node {
  using Rule = std::function<Tensor(const Tensor& grad_out, const Tensor& saved)>;
  ActivationNode(const char* name, Rule rule) : Node(name), rule_(std::move(rule)) {}
  Rule rule_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {rule_(grad_out, saved(0))};
  }
};

/// result = f(v, T{}) elementwise for a floating x (else std::invalid_argument naming `op`
/// and the dtype); f builds an xtensor expression with element type T.
template <class F>
Tensor activation_kernel(const char* op, const Tensor& x, F&& f) {
  check_defined(op, x);
  return dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return unary_kernel(op, x, [&](auto&& v) { return f(v, T{}); });
  });
}

/// Samples of a piecewise op whose kinks are the sorted values `kinks`: values in bands
/// that stay 0.3 away from every kink (finite differences of step 1e-6 never straddle
/// one), one band below the first kink, one between each pair, one above the last, taken
/// in turn; the first value (a scalar) lies in the band above the first kink.
inline std::vector<OpSample> kinked_samples(Generator& g, Dtype d, std::vector<double> kinks) {
  std::vector<std::pair<double, double>> bands;
  bands.push_back({kinks.front() - 1.3, kinks.front() - 0.3});
  for (std::size_t i = 0; i + 1 < kinks.size(); ++i)
    bands.push_back({kinks[i] + 0.3, kinks[i + 1] - 0.3});
  bands.push_back({kinks.back() + 0.3, kinks.back() + 1.3});
  const auto make = [&](const Shape& shape) {
    std::vector<double> v(static_cast<std::size_t>(shape_numel(shape)));
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto& [lo, hi] = bands[(i + 1) % bands.size()];
      v[i] = lo + (hi - lo) * g.uniform();
    }
    return tensor(v, shape, d);
  };
  return {{"matrix [3,4]", {make({3, 4})}},
          {"scalar []", {make({})}},
          {"rank 3 [2,3,4]", {make({2, 3, 4})}}};
}

/// Three shapes (matrix, scalar, rank 3) with values in `domain`, for the smooth ones.
inline std::vector<OpSample> activation_samples(Generator& g, Dtype d,
                                                Domain domain = Domain::any) {
  return {{"matrix [3,4]", {sample_tensor({3, 4}, g, d, domain)}},
          {"scalar []", {sample_tensor({}, g, d, domain)}},
          {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d, domain)}}};
}

/// Whether gelu's `approximate` asks for the tanh form: "tanh" → true, "none" → false;
/// anything else throws std::invalid_argument naming `op` and the string.
inline bool gelu_uses_tanh(const char* op, std::string_view approximate) {
  if (approximate == "tanh") return true;
  if (approximate == "none") return false;
  throw std::invalid_argument(fmt::format(
      "nabla::{}: approximate must be \"none\" or \"tanh\", got \"{}\"", op, approximate));
}

/// PyTorch's elu core, shared by elu, selu and celu, as a node named `op`:
/// x > 0 ? scale·x : scale·α·(e^(x·input_scale) − 1); backward grad·scale where x > 0,
/// else grad·scale·α·input_scale·e^(x·input_scale) (so at 0 and at NaN the second).
Tensor elu_core(const char* op, const Tensor& x, double alpha, double scale, double input_scale);

/// hardtanh's core, shared with relu6, as a node named `op` (bounds already checked).
Tensor hardtanh_core(const char* op, const Tensor& x, double min_val, double max_val);

/// GELU's constants, shared by gelu and gelu_backward.
inline constexpr double kGeluK = 0.7978845608028654;  // √(2/π)
inline constexpr double kGeluC = 0.044715;
inline constexpr double kGeluR = 0.7071067811865476;  // 1/√2
inline constexpr double kGeluP = 0.3989422804014327;  // 1/√(2π)

}  // namespace nabla::detail
