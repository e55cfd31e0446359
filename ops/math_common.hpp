#pragma once
// Internal: what the elementwise math op files (include/nabla/math.hpp) share: the
// float-only checks of binary and ternary ops, the integer path of the rounding ops, and
// sample inputs kept inside a domain or away from steps.

#include <cmath>
#include <numbers>

#include <xtensor/xvectorize.hpp>

#include "ops/op_common.hpp"

namespace nabla::detail {

/// Throws std::invalid_argument naming `op` and `arg` unless `t` is defined and floating.
inline void check_floating_operand(const char* op, const Tensor& t, const char* arg) {
  check_defined(op, t, arg);
  check_floating(op, t, arg);
}

/// f(a, b) elementwise with broadcasting, for two floating tensors of one dtype (an
/// integer or bool operand throws naming `op` and the operand, float32 with float64 too).
template <class F>
Tensor float_binary_kernel(const char* op, const Tensor& a, const Tensor& b, F&& f) {
  check_floating_operand(op, a, "first operand");
  check_floating_operand(op, b, "second operand");
  return binary_kernel_floating(op, a, b, std::forward<F>(f));
}

/// A binary function for binary_kernel that applies the standard library's scalar `F`
/// value by value: xsimd's vector atan2, hypot and pow miss IEEE's special cases (signed
/// zeros, infinities, NaN: pow(NaN, 0) = 1, hypot(inf, NaN) = inf) that PyTorch keeps.
template <class T, T (*F)(T, T)>
auto scalar_binary() {
  return [](auto&& x, auto&& y) { return xt::vectorize(F)(x, y); };
}

/// The broadcast shape of three floating tensors of one dtype, else std::invalid_argument
/// naming `op` (the argument names are those of PyTorch's signature).
inline Shape check_ternary(const char* op, const Tensor& a, const Tensor& b, const Tensor& c,
                           const char* an, const char* bn, const char* cn) {
  check_floating_operand(op, a, an);
  check_floating_operand(op, b, bn);
  check_floating_operand(op, c, cn);
  check_same_dtype(op, a, b);
  check_same_dtype(op, a, c);
  return broadcast_shapes(broadcast_shapes(a.shape(), b.shape(), op), c.shape(), op);
}

/// The integer path of floor, ceil, round and trunc: an integer tensor is returned as a
/// copy of itself in its dtype (PyTorch clones it); bool throws, as in PyTorch.
inline Tensor rounding_integer_copy(const char* op, const Tensor& x) {
  if (x.dtype() == Dtype::bool_) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: input is bool, but {} works on floating-point and integer tensors only "
        "(as PyTorch)",
        op, op));
  }
  return clone(x);
}

/// A tensor of `shape` with values uniform in [lo, hi).
inline Tensor uniform_sample(const Shape& shape, Generator& g, Dtype d, double lo, double hi) {
  std::vector<double> v(static_cast<std::size_t>(shape_numel(shape)));
  for (double& x : v) x = lo + (hi - lo) * g.uniform();
  return tensor(v, shape, d);
}

/// unary_samples' shapes (matrix, vector, scalar, rank 3) with values uniform in [lo, hi).
inline std::vector<OpSample> ranged_unary_samples(Generator& g, Dtype d, double lo, double hi) {
  return {{"matrix [3,4]", {uniform_sample({3, 4}, g, d, lo, hi)}},
          {"vector [5]", {uniform_sample({5}, g, d, lo, hi)}},
          {"scalar []", {uniform_sample({}, g, d, lo, hi)}},
          {"rank 3 [2,3,4]", {uniform_sample({2, 3, 4}, g, d, lo, hi)}}};
}

/// A tensor of `shape` whose values k + f have an integer k in [−3, 2] and a fraction f in
/// [0.15, 0.35]: at least 0.15 from every integer and every half-integer, so that finite
/// differences of floor, ceil, round, trunc and frac never cross a step.
inline Tensor off_step_sample(const Shape& shape, Generator& g, Dtype d) {
  std::vector<double> v(static_cast<std::size_t>(shape_numel(shape)));
  for (double& x : v) {
    const double k = std::floor(6.0 * g.uniform()) - 3.0;
    x = k + 0.15 + 0.2 * g.uniform();
  }
  return tensor(v, shape, d);
}

inline std::vector<OpSample> off_step_samples(Generator& g, Dtype d) {
  return {{"matrix [3,4]", {off_step_sample({3, 4}, g, d)}},
          {"vector [5]", {off_step_sample({5}, g, d)}},
          {"scalar []", {off_step_sample({}, g, d)}}};
}

/// Sample inputs for a three-input broadcasting op: all the same shape, the second and
/// third broadcast, the first broadcast, scalars, rank 3. Values of each input lie in
/// `domains[i]`.
inline std::vector<OpSample> ternary_samples(Generator& g, Dtype d, std::array<Domain, 3> domains) {
  auto triple = [&](const char* label, const Shape& a, const Shape& b, const Shape& c) {
    return OpSample{label,
                    {sample_tensor(a, g, d, domains[0]), sample_tensor(b, g, d, domains[1]),
                     sample_tensor(c, g, d, domains[2])}};
  };
  return {triple("same [3,4]x3", {3, 4}, {3, 4}, {3, 4}),
          triple("broadcast [3,4],[4],[3,1]", {3, 4}, {4}, {3, 1}),
          triple("broadcast first [1,4],[3,4],[]", {1, 4}, {3, 4}, {}),
          triple("rank 3 [2,3,4],[3,1],[4]", {2, 3, 4}, {3, 1}, {4})};
}

/// Inputs a three-input broadcasting op must reject: shapes that do not broadcast, mixed
/// floating dtypes, an integer operand.
inline std::vector<OpSample> ternary_bad_samples(Generator& g, Dtype d) {
  const Dtype other = d == Dtype::f32 ? Dtype::f64 : Dtype::f32;
  auto s = [&](const Shape& shape, Dtype dt) { return sample_tensor(shape, g, dt); };
  return {{"shapes [3,4],[3],[4]", {s({3, 4}, d), s({3}, d), s({4}, d)}},
          {"shapes [2],[2],[3]", {s({2}, d), s({2}, d), s({3}, d)}},
          {"mixed dtypes", {s({2}, d), s({2}, d), s({2}, other)}},
          {"integer operand", {s({2}, d), tensor({1.0, 2.0}, {2}, Dtype::i64), s({2}, d)}}};
}

}  // namespace nabla::detail
