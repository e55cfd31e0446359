// Tests of ops/cross_entropy.cpp: −log_softmax(logits)[n, target[n]], reduced.

#include "ops/op_test_util.hpp"

namespace test_cross_entropy {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

constexpr double kLn3 = 1.0986122886681098;
constexpr double kLn4 = 1.3862943611198906;
constexpr double kLn5Over3 = 0.5108256237659907;
constexpr double kLn6 = 1.791759469228055;

// row 0: e^x = 1, 3, 1 (Σ 5), target 1: −log(3/5); row 1: e^x = 4, 1, 1 (Σ 6), target 2:
// −log(1/6)
Tensor logits(Dtype d) {
  return nabla::tensor({{0.0, kLn3, 0.0}, {kLn4, 0.0, 0.0}}, d);
}
Tensor targets(Dtype d) {
  return nabla::tensor({1.0, 2.0}, d);
}

TEST(CrossEntropy, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::cross_entropy(logits(d), targets(d), Reduction::none), {2},
                  {kLn5Over3, kLn6}, d);
    // log(5/3) + log 6 = log 10
    expect_tensor(nabla::cross_entropy(logits(d), targets(d), Reduction::sum), {},
                  {2.302585092994046}, d);
    expect_tensor(nabla::cross_entropy(logits(d), targets(d)), {}, {1.151292546497023}, d);
  }
}

TEST(CrossEntropy, IntegerTargetsAsPyTorch) {
  for (Dtype d : kDtypes) {
    for (Dtype t : {nabla::i64, nabla::i32}) {
      SCOPED_TRACE(
          fmt::format("{} logits, {} targets", nabla::dtype_name(d), nabla::dtype_name(t)));
      const Tensor labels = nabla::tensor({1, 2}, t);
      expect_tensor(nabla::cross_entropy(logits(d), labels, Reduction::none), {2},
                    {kLn5Over3, kLn6}, d);
      expect_tensor(nabla::cross_entropy(logits(d), labels), {}, {1.151292546497023}, d);
    }
  }
}

TEST(CrossEntropy, IntegerTargetsGiveTheSameGradientAsFloatTargets) {
  Tensor a = normal({4, 3}, 11).requires_grad_();
  Tensor b = normal({4, 3}, 11).requires_grad_();
  nabla::cross_entropy(a, nabla::tensor({0, 2, 1, 2}, nabla::i64)).backward();
  nabla::cross_entropy(b, nabla::tensor({0.0, 2.0, 1.0, 2.0}, nabla::f64)).backward();
  EXPECT_EQ(a.grad().to_vector(), b.grad().to_vector());
  // and the integer targets' gradcheck
  const Tensor labels = nabla::tensor({0, 2, 1, 2}, nabla::i64);
  expect_gradients_match(
      [labels](const std::vector<Tensor>& in) { return nabla::cross_entropy(in[0], labels); },
      {normal({4, 3}, 12)});
}

TEST(CrossEntropy, RejectsIntegerTargetsOutOfRange) {
  EXPECT_THAT(
      message_of([] {
        (void)nabla::cross_entropy(nabla::zeros({2, 3}), nabla::tensor({0, 3}, nabla::i64));
      }),
      HasSubstr("nabla::cross_entropy: target 3 at position 1 is not a class index in [0, 3)"));
  EXPECT_THAT(
      message_of([] {
        (void)nabla::cross_entropy(nabla::zeros({2, 3}), nabla::tensor({-1, 0}, nabla::i32));
      }),
      HasSubstr("target -1 at position 0"));
}

TEST(CrossEntropy, RejectsUint8AndBoolTargetsAndIntegerLogits) {
  EXPECT_THAT(message_of([] {
                (void)nabla::cross_entropy(nabla::zeros({2, 3}), nabla::tensor({0, 1}, nabla::u8));
              }),
              HasSubstr("nabla::cross_entropy: targets are uint8 [2]; class indices must be int64 "
                        "or int32"));
  EXPECT_THAT(
      message_of([] {
        (void)nabla::cross_entropy(nabla::zeros({2, 3}), nabla::tensor({0, 1}, nabla::bool_));
      }),
      HasSubstr("targets are bool [2]"));
  EXPECT_THAT(message_of([] {
                (void)nabla::cross_entropy(nabla::zeros({2, 3}, nabla::i64),
                                           nabla::tensor({0, 1}, nabla::i64));
              }),
              HasSubstr("nabla::cross_entropy: logits is int64"));
}

TEST(CrossEntropy, IsMinusLogSoftmaxAtTheTarget) {
  const Tensor x = normal({5, 4}, 3);
  const Tensor t = nabla::tensor({3.0, 0.0, 1.0, 2.0, 3.0}, nabla::f64);
  const auto ls = nabla::log_softmax(x, 1).to_vector();
  const auto ce = nabla::cross_entropy(x, t, Reduction::none).to_vector();
  const auto tv = t.to_vector();
  for (std::size_t n = 0; n < 5; ++n) {
    EXPECT_NEAR(ce[n], -ls[n * 4 + static_cast<std::size_t>(tv[n])], 1e-12) << "row " << n;
  }
}

TEST(CrossEntropy, StableForLargeLogits) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // right and confident: 0; wrong and confident: 2000 (not inf, not NaN)
    const Tensor x = nabla::tensor({{1000.0, -1000.0}, {-1000.0, 1000.0}}, d);
    const Tensor t = nabla::tensor({0.0, 0.0}, d);
    expect_tensor(nabla::cross_entropy(x, t, Reduction::none), {2}, {0, 2000}, d);
    expect_tensor(nabla::cross_entropy(x, t), {}, {1000}, d);
  }
}

TEST(CrossEntropy, GradientIsSoftmaxMinusOnehotOverN) {
  Tensor x = logits(nabla::f64).requires_grad_();
  nabla::cross_entropy(x, targets(nabla::f64)).backward();
  // row 0: ([1/5, 3/5, 1/5] − [0, 1, 0])/2; row 1: ([2/3, 1/6, 1/6] − [0, 0, 1])/2
  expect_tensor(x.grad(), {2, 3}, {0.1, -0.2, 0.1, 1.0 / 3, 1.0 / 12, -5.0 / 12}, nabla::f64);
  Tensor y = logits(nabla::f64).requires_grad_();
  nabla::cross_entropy(y, targets(nabla::f64), Reduction::none)
      .backward(nabla::tensor({2.0, 0.0}, nabla::f64));
  expect_tensor(y.grad(), {2, 3}, {0.4, -0.8, 0.4, 0, 0, 0}, nabla::f64);
  EXPECT_EQ(nabla::cross_entropy(x, targets(nabla::f64)).grad_fn()->name(), "cross_entropy");
}

struct CeCase {
  std::string name;
  std::int64_t n;
  std::int64_t c;
  Reduction reduction;
};

class CrossEntropyGrad : public testing::TestWithParam<CeCase> {};

TEST_P(CrossEntropyGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // smooth in the logits: standard normal; the targets are fixed class indices and take
  // no gradient, so only the logits are inputs
  std::vector<double> t(static_cast<std::size_t>(p.n));
  for (std::int64_t r = 0; r < p.n; ++r) t[static_cast<std::size_t>(r)] = double((r * 2 + 1) % p.c);
  const Tensor targets = nabla::tensor(t, {p.n}, nabla::f64);
  const Reduction reduction = p.reduction;
  const nabla::Function fn = [targets, reduction](const std::vector<Tensor>& in) {
    return nabla::cross_entropy(in[0], targets, reduction);
  };
  const std::vector<Tensor> inputs = {normal({p.n, p.c}, 1)};
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Cases, CrossEntropyGrad,
                         testing::Values(CeCase{"Mean_4x3", 4, 3, Reduction::mean},
                                         CeCase{"Sum_4x3", 4, 3, Reduction::sum},
                                         CeCase{"None_4x3", 4, 3, Reduction::none},
                                         CeCase{"Mean_OneRow_1x5", 1, 5, Reduction::mean},
                                         CeCase{"None_TwoClasses_6x2", 6, 2, Reduction::none}),
                         [](const testing::TestParamInfo<CeCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(CrossEntropy, RejectsBadShapes) {
  const Tensor t = nabla::tensor({0.0, 1.0}, nabla::f32);
  // (unbatched logits [2] with float targets [2] are probabilities, as PyTorch: valid)
  EXPECT_THROW(nabla::cross_entropy(nabla::ones({3}), t), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::cross_entropy(nabla::ones({2, 3, 4}), t);
              }),
              AllOf(HasSubstr("nabla::cross_entropy"), HasSubstr("[2, 3, 4]"), HasSubstr("[2]")));
  EXPECT_THAT(message_of([&] {
                nabla::cross_entropy(nabla::ones({3, 4}), t);
              }),
              AllOf(HasSubstr("nabla::cross_entropy"), HasSubstr("[3, 4]"), HasSubstr("[2]")));
  EXPECT_THROW(nabla::cross_entropy(nabla::ones({2, 3}), nabla::ones({2, 1})),
               std::invalid_argument);
}

// Found by the graph fuzzer: the registry entries' fixed targets divided by the number of
// classes, so logits with none ([N,0]) crashed the process (SIGFPE) instead of throwing.
TEST(CrossEntropy, RegistryEntriesRejectLogitsWithoutClasses) {
  for (const char* name : {"cross_entropy", "cross_entropy_sum", "cross_entropy_none"}) {
    const nabla::OpInfo* op = nabla::op_registry().find(name);
    ASSERT_NE(op, nullptr) << name;
    EXPECT_THAT(message_of([&] {
                  op->fn({nabla::ones({2, 0})});
                }),
                HasSubstr("nabla::cross_entropy"))
        << name;
  }
}

TEST(CrossEntropy, RejectsTargetsThatAreNotClassIndices) {
  const Tensor x = nabla::ones({3, 4});
  // out of range, naming value, position and the number of classes
  const Tensor too_big = nabla::tensor({0.0, 1.0, 4.0}, nabla::f32);
  EXPECT_THROW(nabla::cross_entropy(x, too_big), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::cross_entropy(x, too_big); }),
              AllOf(HasSubstr("nabla::cross_entropy"), HasSubstr("target 4"),
                    HasSubstr("position 2"), HasSubstr("4 classes")));
  const Tensor negative = nabla::tensor({-1.0, 1.0, 2.0}, nabla::f32);
  EXPECT_THAT(message_of([&] { nabla::cross_entropy(x, negative); }),
              AllOf(HasSubstr("target -1"), HasSubstr("position 0")));
  // not an integer
  const Tensor fraction = nabla::tensor({0.0, 1.5, 2.0}, nabla::f32);
  EXPECT_THROW(nabla::cross_entropy(x, fraction), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::cross_entropy(x, fraction); }),
              AllOf(HasSubstr("target 1.5"), HasSubstr("position 1"), HasSubstr("4 classes")));
  const Tensor nan = nabla::tensor({0.0, 1.0, kNaN}, nabla::f32);
  EXPECT_THAT(message_of([&] { nabla::cross_entropy(x, nan); }),
              AllOf(HasSubstr("nan"), HasSubstr("position 2")));
}

TEST(CrossEntropy, TargetsGetNoGradient) {
  Tensor x = logits(nabla::f64).requires_grad_();
  Tensor t = targets(nabla::f64).requires_grad_();
  nabla::cross_entropy(x, t).backward();
  EXPECT_TRUE(x.grad().defined());
  EXPECT_FALSE(t.grad().defined());
}

TEST(CrossEntropy, Float32AgreesWithFloat64) {
  const Tensor t = nabla::tensor({0.0, 4.0, 2.0, 1.0, 3.0, 0.0}, nabla::f64);
  expect_f32_matches_f64(
      [t](const std::vector<Tensor>& in) {
        return nabla::cross_entropy(in[0], t.to(in[0].dtype()), Reduction::none);
      },
      {normal({6, 5}, 11)});
}

}  // namespace
}  // namespace test_cross_entropy
