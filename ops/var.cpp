// var: variance of all elements or over given dims, with a correction (Bessel's by default).
//   forward : result = Σ (x − mean)² / max(0, N − correction) over the dims, N elements per
//             group (two passes in double); NaN for N = 0 and, with correction 1, N = 1
//   backward: grad_x = reshape(grad_out, kept shape) ⊙ 2(x − mean(x, dims, keepdim)) /
//             (N − correction), as PyTorch's var_backward
//   saves   : x
//   shapes  : x → the reduced shape (dims kept as 1 with keepdim); every dim when none are
//             given. dims outside the rank → std::out_of_range; repeated →
//             std::invalid_argument
//   dtypes  : float32, float64 only (integer and bool → std::invalid_argument, as PyTorch)

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
Moments moments(const char* op, const Tensor& x, const std::vector<std::size_t>& axes,
                std::int64_t correction, bool keepdim) {
  check_floating(op, x);
  const auto lines = reduction_lines(x, axes);
  const Shape shape = reduced_shape(x.shape(), axes, keepdim);
  Moments m{make_tensor(shape, x.dtype(), op), make_tensor(shape, x.dtype(), op),
            static_cast<double>(lines.n)};
  const double divisor = std::max(0.0, m.n - static_cast<double>(correction));
  dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(lines.values);
    T* v = data_ptr<T>(m.var);
    T* mu = data_ptr<T>(m.mean);
    for (std::int64_t r = 0; r < lines.lines; ++r) {
      const T* line = p + r * lines.n;
      double total = 0.0;
      for (std::int64_t k = 0; k < lines.n; ++k) total += static_cast<double>(line[k]);
      const double mean = total / m.n;
      double squares = 0.0;
      for (std::int64_t k = 0; k < lines.n; ++k) {
        const double dev = static_cast<double>(line[k]) - mean;
        squares += dev * dev;
      }
      mu[r] = static_cast<T>(mean);
      v[r] = static_cast<T>(squares / divisor);
    }
  });
  return m;
}

Tensor var_gradient(const Tensor& g, const Tensor& x, const std::vector<std::int64_t>& axes,
                    double n, std::int64_t correction) {
  // [..] = [.., 1, ..] ⊙ ([..] − [.., 1, ..]) · 2 / (N − c)
  return mul(mul(g, sub(x, mean(x, axes, true))), 2.0 / (n - static_cast<double>(correction)));
}

namespace {
struct VarNode final : Node {
  VarNode(std::vector<std::int64_t> axes, Shape kept, double n, std::int64_t correction)
      : Node("var"), axes_(std::move(axes)), kept_(std::move(kept)), n_(n), correction_(correction) {}
  std::vector<std::int64_t> axes_;
  Shape kept_;
  double n_;
  std::int64_t correction_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {var_gradient(reshape(grad_out, kept_), saved(0), axes_, n_, correction_)};
  }
};
}  // namespace
}  // namespace detail

Tensor var(const Tensor& x, const std::vector<std::int64_t>& dims, std::int64_t correction,
           bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("var", x);
  const auto axes = detail::reduction_axes("var", x, dims);
  auto m = detail::moments("var", x, axes, correction, keepdim);
  if (auto node = record<detail::VarNode>(m.var, {x}, detail::signed_axes(axes),
                                          detail::reduced_shape(x.shape(), axes, true), m.n,
                                          correction)) {
    node->save(x);
  }
  return m.var;
}

Tensor var(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return var(x, {}, 1, false);
}

namespace detail {
// Groups of 3 or more normal values: the variance is smooth everywhere.
std::vector<OpSample> moment_samples(Generator& g, Dtype d) {
  return {{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
          {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
}

std::vector<OpSample> moment_bad_samples(Generator& g, Dtype d) {
  return {{"vector [4] has no dim 1", {sample_tensor({4}, g, d)}}};
}

void register_var(OpRegistry& r) {
  r.add({.name = "var",
         .formula = "var over dim 1 (correction 1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return var(in[0], {1}); },
         .samples = moment_samples,
         .bad_samples = moment_bad_samples});
  r.add({.name = "var_all_correction0",
         .formula = "var of every element, correction 0, keepdim",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return var(in[0], {}, 0, true); },
         .samples = moment_samples});
}
}  // namespace detail
}  // namespace nabla
