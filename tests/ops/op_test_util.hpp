#pragma once
// Helpers shared by the per-op tests (tests/ops/test_<op>.cpp): value comparison, input
// generation with a fixed seed, the gradient checks, and exception-message capture.
// Everything here uses the public API only.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nabla/nabla.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nabla_test {

using nabla::Dtype;
using nabla::Shape;
using nabla::Tensor;

inline constexpr double kInf = INFINITY;
inline constexpr double kNaN = NAN;

/// Both dtypes, for forward tests that run in each.
inline const std::vector<Dtype> kDtypes = {nabla::f32, nabla::f64};

/// Tolerance for comparing a computed value with a hand-computed one: float32 keeps about
/// seven significant digits, float64 about sixteen (the slack covers a few roundings).
inline double tolerance(Dtype d) {
  return d == nabla::f32 ? 1e-6 : 1e-12;
}

/// Expects `t` to have `shape`, `dtype` and `expected` values (row-major), each within
/// tolerance(dtype) relative to the expected magnitude (at least 1). NaN matches NaN and
/// an infinity matches the same infinity.
inline void expect_tensor(const Tensor& t, const Shape& shape, const std::vector<double>& expected,
                          Dtype dtype) {
  ASSERT_TRUE(t.defined());
  ASSERT_EQ(t.shape(), shape) << "shape " << nabla::shape_str(t.shape()) << ", expected "
                              << nabla::shape_str(shape);
  EXPECT_EQ(t.dtype(), dtype) << nabla::dtype_name(t.dtype());
  const std::vector<double> got = t.to_vector();
  ASSERT_EQ(got.size(), expected.size());
  const double tol = tolerance(dtype);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double e = expected[i];
    if (std::isnan(e)) {
      EXPECT_TRUE(std::isnan(got[i])) << "element " << i << " is " << got[i] << ", expected NaN";
    } else if (std::isinf(e)) {
      EXPECT_EQ(got[i], e) << "element " << i;
    } else {
      EXPECT_NEAR(got[i], e, tol * std::max(1.0, std::abs(e))) << "element " << i;
    }
  }
}

/// Values in [lo, hi), row-major, from a generator with a fixed seed.
inline Tensor uniform(const Shape& shape, double lo, double hi, std::uint64_t seed,
                      Dtype dtype = nabla::f64) {
  nabla::Generator gen(seed);
  std::vector<double> v(static_cast<std::size_t>(nabla::shape_numel(shape)));
  for (double& x : v) x = lo + (hi - lo) * gen.uniform();
  return nabla::tensor(v, shape, dtype);
}

/// Standard normal values from a generator with a fixed seed.
inline Tensor normal(const Shape& shape, std::uint64_t seed, Dtype dtype = nabla::f64) {
  nabla::Generator gen(seed);
  return nabla::randn(shape, gen, dtype);
}

/// Values with 0.25 ≤ |x| < 1.5, signs alternating +, −, +, ... (so the first element,
/// and hence a scalar, is positive): for kinks and poles at 0.
inline Tensor away_from_zero(const Shape& shape, std::uint64_t seed, Dtype dtype = nabla::f64) {
  nabla::Generator gen(seed);
  std::vector<double> v(static_cast<std::size_t>(nabla::shape_numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double m = 0.25 + 1.25 * gen.uniform();
    v[i] = i % 2 == 0 ? m : -m;
  }
  return nabla::tensor(v, shape, dtype);
}

/// Marks every input as requiring grad (inputs are leaves).
inline std::vector<Tensor> requiring_grad(std::vector<Tensor> inputs) {
  for (auto& t : inputs) t.requires_grad_();
  return inputs;
}

/// Runs gradcheck then gradgradcheck on `fn` at `inputs` (every input requires grad).
inline void expect_gradients_match(const nabla::Function& fn, std::vector<Tensor> inputs,
                                   const nabla::GradcheckOptions& options = {},
                                   bool second_order = true) {
  inputs = requiring_grad(std::move(inputs));
  const nabla::GradcheckResult first = nabla::gradcheck(fn, inputs, options);
  EXPECT_TRUE(first.passed) << first.failure << ": " << first.message;
  EXPECT_GT(first.elements_checked, 0u);
  if (second_order) {
    const nabla::GradcheckResult second = nabla::gradgradcheck(fn, inputs, options);
    EXPECT_TRUE(second.passed) << "gradgradcheck " << second.failure << ": " << second.message;
  }
}

/// The gradients of Σ w ⊙ fn(inputs) for fixed weights w (so that a rule that loses
/// grad_out or mixes up elements shows), one per input; undefined where none flows.
inline std::vector<Tensor> weighted_grads(const nabla::Function& fn, std::vector<Tensor> inputs,
                                          std::uint64_t seed = 7) {
  inputs = requiring_grad(std::move(inputs));
  const Tensor out = fn(inputs);
  const Tensor w = uniform(out.shape(), 0.5, 1.5, seed, out.dtype());
  return nabla::grad({out}, inputs, {w}, std::nullopt, false, /*allow_unused=*/true);
}

/// Expects some entry of some gradient of Σ w ⊙ fn(inputs) to be nonzero.
inline void expect_nonzero_gradient(const nabla::Function& fn, std::vector<Tensor> inputs) {
  const auto grads = weighted_grads(fn, std::move(inputs));
  bool any = false;
  for (const auto& g : grads) {
    if (!g.defined()) continue;
    for (double v : g.to_vector()) any = any || (v != 0.0 && !std::isnan(v));
  }
  EXPECT_TRUE(any) << "every analytical gradient entry is zero";
}

/// Expects `fn` computed in float32 to agree with `fn` computed in float64 within float32
/// precision (relative 1e-5: a few roundings of a 2^-24 unit). Inputs are float64.
inline void expect_f32_matches_f64(const nabla::Function& fn, const std::vector<Tensor>& inputs,
                                   double rel = 1e-5) {
  std::vector<Tensor> in32;
  for (const auto& t : inputs) in32.push_back(t.to(nabla::f32));
  const Tensor r32 = fn(in32);
  const Tensor r64 = fn(inputs);
  EXPECT_EQ(r32.dtype(), nabla::f32);
  EXPECT_EQ(r64.dtype(), nabla::f64);
  ASSERT_EQ(r32.shape(), r64.shape());
  const auto v32 = r32.to_vector();
  const auto v64 = r64.to_vector();
  for (std::size_t i = 0; i < v64.size(); ++i) {
    EXPECT_NEAR(v32[i], v64[i], rel * std::max(1.0, std::abs(v64[i]))) << "element " << i;
  }
}

/// The message of the exception `f` throws, or "<no exception>".
template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no exception>";
}

/// A gtest parameter name from free text: every character outside [A-Za-z0-9] becomes '_'.
inline std::string sanitize(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += ok ? c : '_';
  }
  return out.empty() ? std::string("_") : out;
}

/// One case of a binary op's gradient check: a readable name and the two shapes.
struct BinaryShapes {
  std::string name;
  Shape a;
  Shape b;
};

/// same, broadcast one side, the other side, both sides, scalars, rank 3.
inline std::vector<BinaryShapes> binary_shape_cases() {
  return {
      {"Same_3x4_3x4", {3, 4}, {3, 4}},
      {"BroadcastRhs_3x4_4", {3, 4}, {4}},
      {"BroadcastLhs_3x1_3x4", {3, 1}, {3, 4}},
      {"BothSides_3x1_1x4", {3, 1}, {1, 4}},
      {"ScalarRhs_2x3_scalar", {2, 3}, {}},
      {"ScalarLhs_scalar_2x3", {}, {2, 3}},
      {"BothScalar", {}, {}},
      {"Rank3_2x3x4_3x1", {2, 3, 4}, {3, 1}},
  };
}

inline std::string binary_case_name(const testing::TestParamInfo<BinaryShapes>& info) {
  return info.param.name;
}

/// One case of a unary op's gradient check.
struct UnaryShape {
  std::string name;
  Shape shape;
};

/// matrix, vector, scalar, rank 3.
inline std::vector<UnaryShape> unary_shape_cases() {
  return {{"Matrix_3x4", {3, 4}}, {"Vector_5", {5}}, {"Scalar", {}}, {"Rank3_2x3x4", {2, 3, 4}}};
}

inline std::string unary_case_name(const testing::TestParamInfo<UnaryShape>& info) {
  return info.param.name;
}

}  // namespace nabla_test
