// gradcheck must catch wrong rules, name the element, and refuse vacuous passes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nabla/nabla.hpp>

using nabla::Tensor;
using ::testing::HasSubstr;

namespace {

// Forward of a test op: computed by nabla ops with recording off, then recorded as one
// node of type N whose rule is what the test wants to check.
template <class N, class F>
Tensor custom_op(std::initializer_list<Tensor> inputs, F forward) {
  Tensor out;
  {
    nabla::NoGradGuard no_grad;
    out = forward();
  }
  if (auto node = nabla::record<N>(out, inputs)) {
    for (const Tensor& t : inputs) node->save(t);
  }
  return out;
}

// square: x², with its rule missing the factor 2.
struct SquareMissingFactor : nabla::Node {
  SquareMissingFactor() : Node("square_missing_factor") {}
  std::vector<Tensor> backward(const Tensor& g) override { return {g * saved(0)}; }
};
Tensor square_missing_factor(const Tensor& x) {
  return custom_op<SquareMissingFactor>({x}, [&] { return x * x; });
}

// a·b whose rule forgets a transpose: grad_a = g·b instead of g·bᵀ.
struct MatmulWrongTranspose : nabla::Node {
  MatmulWrongTranspose() : Node("matmul_wrong_transpose") {}
  std::vector<Tensor> backward(const Tensor& g) override {
    return {nabla::matmul(g, saved(1)), nabla::mm(saved(0), g, true, false)};
  }
};
Tensor matmul_wrong_transpose(const Tensor& a, const Tensor& b) {
  return custom_op<MatmulWrongTranspose>({a, b}, [&] { return nabla::matmul(a, b); });
}

// Σx² whose rule ignores grad_out: right only when grad_out is 1.
struct SumSquaresIgnoresGrad : nabla::Node {
  SumSquaresIgnoresGrad() : Node("sum_squares_ignores_grad") {}
  std::vector<Tensor> backward(const Tensor&) override { return {saved(0) * 2.0}; }
};
Tensor sum_squares_ignores_grad(const Tensor& x) {
  return custom_op<SumSquaresIgnoresGrad>({x}, [&] { return nabla::sum(x * x); });
}

// Σx² whose rule is quadratic in grad_out: right for grad_out 0 and 1, wrong otherwise.
struct SumSquaresNonlinear : nabla::Node {
  SumSquaresNonlinear() : Node("sum_squares_nonlinear") {}
  std::vector<Tensor> backward(const Tensor& g) override { return {g * g * saved(0) * 2.0}; }
};
Tensor sum_squares_nonlinear(const Tensor& x) {
  return custom_op<SumSquaresNonlinear>({x}, [&] { return nabla::sum(x * x); });
}

// x² whose rule drifts a little on every call: not reentrant.
struct SquareDrifts : nabla::Node {
  SquareDrifts() : Node("square_drifts") {}
  static inline int calls = 0;
  std::vector<Tensor> backward(const Tensor& g) override {
    ++calls;
    return {g * saved(0) * (2.0 + 1e-9 * calls)};
  }
};
Tensor square_drifts(const Tensor& x) {
  return custom_op<SquareDrifts>({x}, [&] { return x * x; });
}

// a + b whose rule forgets to sum b's broadcast gradient: it takes the first row only.
struct AddFirstRowOnly : nabla::Node {
  AddFirstRowOnly() : Node("add_first_row_only") {}
  std::vector<Tensor> backward(const Tensor& g) override {
    // g is [3,4]; b is [4]: the right gradient sums over the 3 rows.
    return {g, first_row(g)};
  }
  static Tensor first_row(const Tensor& g) {
    std::vector<double> v = g.to_vector();
    v.resize(static_cast<std::size_t>(g.size(1)));
    return nabla::tensor(v, {g.size(1)}, g.dtype());
  }
};
Tensor add_first_row_only(const Tensor& a, const Tensor& b) {
  return custom_op<AddFirstRowOnly>({a, b}, [&] { return a + b; });
}

// A rule that returns a gradient of a shape that cannot sum to its input's.
struct TransposedGrad : nabla::Node {
  TransposedGrad() : Node("transposed_grad") {}
  std::vector<Tensor> backward(const Tensor& g) override { return {nabla::transpose(g)}; }
};

Tensor leaf(std::vector<double> v, nabla::Shape shape) {
  return nabla::tensor(v, shape, nabla::f64).requires_grad_();
}

}  // namespace

TEST(Gradcheck, PassesACorrectCompositeFunction) {
  nabla::Generator gen(1);
  Tensor a = nabla::randn({3, 4}, gen, nabla::f64).requires_grad_();
  Tensor b = nabla::randn({4}, gen, nabla::f64).requires_grad_();
  auto r = nabla::gradcheck(
      [](const std::vector<Tensor>& in) { return nabla::tanh(in[0] * in[1] + 1.0) / 2.0; }, {a, b});
  EXPECT_TRUE(r.passed) << r.message;
  EXPECT_EQ(r.elements_checked, 12u * 16u);
  EXPECT_LT(r.max_abs_error, 1e-7);
}

TEST(Gradcheck, CatchesAMissingFactorAndNamesTheElement) {
  Tensor x = leaf({0.5, -1.5, 2.0}, {3});
  auto r = nabla::gradcheck(
      [](const std::vector<Tensor>& in) { return square_missing_factor(in[0]); }, {x});
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure, "jacobian");
  // The worst element is the largest x: analytical x = 2, numerical 2x = 4.
  EXPECT_EQ(r.input, 0u);
  EXPECT_EQ(r.input_index, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(r.output_index, (std::vector<std::int64_t>{2}));
  EXPECT_NEAR(r.analytical, 2.0, 1e-12);
  EXPECT_NEAR(r.numerical, 4.0, 1e-6);
  EXPECT_THAT(r.message, HasSubstr("input 0 index [2]"));
  EXPECT_THAT(r.message, HasSubstr("analytical 2"));
}

TEST(Gradcheck, CatchesAWrongTranspose) {
  nabla::Generator gen(2);
  Tensor a = nabla::randn({3, 3}, gen, nabla::f64).requires_grad_();
  Tensor b = nabla::randn({3, 3}, gen, nabla::f64).requires_grad_();
  auto r = nabla::gradcheck(
      [](const std::vector<Tensor>& in) { return matmul_wrong_transpose(in[0], in[1]); }, {a, b});
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure, "jacobian");
  EXPECT_EQ(r.input, 0u);  // b's rule is right; a's is wrong
  EXPECT_EQ(r.input_index.size(), 2u);
}

TEST(Gradcheck, CatchesABroadcastGradientNotSummed) {
  nabla::Generator gen(3);
  Tensor a = nabla::randn({3, 4}, gen, nabla::f64).requires_grad_();
  Tensor b = nabla::randn({4}, gen, nabla::f64).requires_grad_();
  auto r = nabla::gradcheck(
      [](const std::vector<Tensor>& in) { return add_first_row_only(in[0], in[1]); }, {a, b});
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure, "jacobian");
  EXPECT_EQ(r.input, 1u);           // b
  EXPECT_NE(r.output_index[0], 0);  // rows after the first carry no gradient to b
  EXPECT_NEAR(r.analytical, 0.0, 1e-12);
  EXPECT_NEAR(r.numerical, 1.0, 1e-6);
}

TEST(Gradcheck, ReportsARuleOfTheWrongShapeNamingTheOp) {
  Tensor x = nabla::tensor({1.0, 2.0, 3.0, 4.0, 5.0, 6.0}, {2, 3}, nabla::f64).requires_grad_();
  auto r = nabla::gradcheck(
      [](const std::vector<Tensor>& in) {
        return custom_op<TransposedGrad>({in[0]}, [&] { return in[0] * 1.0; });
      },
      {x});
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure, "exception");
  EXPECT_THAT(r.message, HasSubstr("'transposed_grad'"));
  EXPECT_THAT(r.message, HasSubstr("shape [3, 2] for input 0 of shape [2, 3]"));
}

TEST(Gradcheck, WholeThreeLayerNetworkInFloat64) {
  // A 4-5-3-2 network (tanh, relu, sigmoid) with a squared loss, checked over every
  // parameter at once; float32 parameters are converted to float64 by gradcheck.
  nabla::Generator gen(8);
  const Tensor X = nabla::randn({6, 4}, gen, nabla::f64);
  const Tensor y = nabla::rand({6, 2}, gen, nabla::f64);
  std::vector<Tensor> params;
  for (auto [in, out] : {std::pair{4, 5}, std::pair{5, 3}, std::pair{3, 2}}) {
    params.push_back(nabla::randn({in, out}, gen) * (1.0 / std::sqrt(in)));
    params.push_back(nabla::randn({out}, gen) * 0.1);
  }
  for (Tensor& p : params) p = p.detach().requires_grad_();
  auto model = [X, y](const std::vector<Tensor>& p) {
    Tensor h1 = nabla::tanh(nabla::matmul(X, p[0]) + p[1]);
    Tensor h2 = nabla::relu(nabla::matmul(h1, p[2]) + p[3]);
    Tensor o = nabla::sigmoid(nabla::matmul(h2, p[4]) + p[5]);
    return nabla::squared_loss(o, y);
  };
  auto r = nabla::gradcheck(model, params);
  EXPECT_TRUE(r.passed) << r.message;
  EXPECT_EQ(r.elements_checked, 4u * 5 + 5 + 5 * 3 + 3 + 3 * 2 + 2);
  nabla::GradcheckOptions fast;
  fast.fast_mode = true;
  EXPECT_TRUE(nabla::gradcheck(model, params, fast).passed);
}

TEST(Gradcheck, CatchesARuleThatIgnoresTheOutputGradient) {
  Tensor x = leaf({0.5, -1.5, 2.0}, {3});
  auto r = nabla::gradcheck(
      [](const std::vector<Tensor>& in) { return sum_squares_ignores_grad(in[0]); }, {x});
  ASSERT_FALSE(r.passed);  // the Jacobian (grad_out = 1) is right; zero grad_out is not
  EXPECT_EQ(r.failure, "zero_grad_output");
  EXPECT_THAT(r.message, HasSubstr("ignores grad_out"));
}

TEST(Gradcheck, CatchesARuleNotLinearInTheOutputGradient) {
  Tensor x = leaf({0.5, -1.5, 2.0}, {3});
  auto r = nabla::gradcheck(
      [](const std::vector<Tensor>& in) { return sum_squares_nonlinear(in[0]); }, {x});
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure, "linearity");
}

TEST(Gradcheck, CatchesANonReentrantBackward) {
  Tensor x = leaf({0.5, -1.5}, {2});
  auto r =
      nabla::gradcheck([](const std::vector<Tensor>& in) { return square_drifts(in[0]); }, {x});
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure, "reentrant");
}

TEST(Gradcheck, AllZeroGradientsFailInsteadOfPassingVacuously) {
  Tensor x = leaf({-1.0, -2.0}, {2});  // relu is flat here
  auto fn = [](const std::vector<Tensor>& in) { return nabla::relu(in[0]); };
  auto r = nabla::gradcheck(fn, {x});
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure, "all_zero");
  nabla::GradcheckOptions allow;
  allow.allow_all_zero = true;
  EXPECT_TRUE(nabla::gradcheck(fn, {x}, allow).passed);
}

TEST(Gradcheck, FastModePassesCorrectRulesAndExplainsWrongOnes) {
  nabla::Generator gen(4);
  Tensor x = nabla::randn({4, 5}, gen, nabla::f64).requires_grad_();
  nabla::GradcheckOptions fast;
  fast.fast_mode = true;
  auto good = nabla::gradcheck(
      [](const std::vector<Tensor>& in) { return nabla::sigmoid(in[0]) * in[0]; }, {x}, fast);
  EXPECT_TRUE(good.passed) << good.message;
  EXPECT_EQ(good.elements_checked, 1u);  // one projection, not the whole Jacobian
  auto bad = nabla::gradcheck(
      [](const std::vector<Tensor>& in) { return square_missing_factor(in[0]); }, {x}, fast);
  ASSERT_FALSE(bad.passed);
  EXPECT_THAT(bad.message, HasSubstr("fast mode"));
  EXPECT_THAT(bad.message, HasSubstr("full check explains"));
  EXPECT_EQ(bad.failure, "jacobian");
}

TEST(Gradcheck, ChecksOnlyInputsThatRequireGrad) {
  Tensor x = leaf({1.0, 2.0}, {2});
  Tensor c = nabla::tensor({3.0, 4.0}, {2}, nabla::f64);
  auto r = nabla::gradcheck([](const std::vector<Tensor>& in) { return in[0] * in[1]; }, {x, c});
  EXPECT_TRUE(r.passed) << r.message;
  EXPECT_EQ(r.elements_checked, 4u);
  EXPECT_THROW((void)nabla::gradcheck([](const std::vector<Tensor>& in) { return in[0]; }, {c}),
               std::invalid_argument);
}

TEST(Gradcheck, Float32InputsAreCheckedInFloat64WithoutTouchingThem) {
  Tensor x = nabla::tensor({0.3, -0.7}).requires_grad_();
  const auto before = x.to_vector();
  auto r = nabla::gradcheck([](const std::vector<Tensor>& in) { return nabla::exp(in[0]); }, {x});
  EXPECT_TRUE(r.passed) << r.message;
  EXPECT_EQ(x.to_vector(), before);
  EXPECT_EQ(x.dtype(), nabla::f32);
}

TEST(Gradcheck, AFunctionThatDropsToFloat32IsReported) {
  Tensor x = leaf({0.3, -0.7}, {2});
  auto r =
      nabla::gradcheck([](const std::vector<Tensor>& in) { return in[0].to(nabla::f32); }, {x});
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure, "dtype");
}

TEST(Gradcheck, SeveralOutputs) {
  Tensor x = leaf({0.3, -0.7, 1.1}, {3});
  nabla::MultiFunction fn = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{nabla::exp(in[0]), nabla::sum(in[0] * in[0])};
  };
  auto r = nabla::gradcheck(fn, {x});
  EXPECT_TRUE(r.passed) << r.message;
  EXPECT_EQ(r.elements_checked, 4u * 3u);
}

TEST(Gradgradcheck, PassesSecondDerivativesOfACompositeFunction) {
  nabla::Generator gen(5);
  Tensor a = nabla::randn({2, 3}, gen, nabla::f64).requires_grad_();
  Tensor w = nabla::randn({3, 2}, gen, nabla::f64).requires_grad_();
  auto r = nabla::gradgradcheck(
      [](const std::vector<Tensor>& in) {
        return nabla::sigmoid(nabla::matmul(in[0], in[1])) * nabla::tanh(nabla::sum(in[0]));
      },
      {a, w});
  EXPECT_TRUE(r.passed) << r.message;
}

TEST(Gradgradcheck, CatchesAFirstDerivativeRuleThatIsNotDifferentiable) {
  // The rule's value is right but it is computed on detached tensors, so its own
  // derivative (the second derivative of x³) is lost.
  struct CubeDetachedRule : nabla::Node {
    CubeDetachedRule() : Node("cube_detached_rule") {}
    std::vector<Tensor> backward(const Tensor& g) override {
      Tensor x = saved(0).detach();
      return {g * (x * x * 3.0)};
    }
  };
  Tensor x = leaf({0.5, -1.5}, {2});
  auto fn = [](const std::vector<Tensor>& in) {
    return custom_op<CubeDetachedRule>({in[0]}, [&] { return in[0] * in[0] * in[0]; });
  };
  EXPECT_TRUE(nabla::gradcheck(fn, {x}).passed);
  auto r = nabla::gradgradcheck(fn, {x});
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure, "jacobian");
}
