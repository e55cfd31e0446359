// Tests of ops/binary_cross_entropy_with_logits.cpp: max(x, 0) − x·t + log(1 + e^(−|x|)),
// reduced by mean, sum or none.

#include "ops/op_test_util.hpp"

namespace test_binary_cross_entropy_with_logits {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

constexpr double kLn2 = 0.6931471805599453;
constexpr double kLn3 = 1.0986122886681098;
constexpr double kLn4Over3 = 0.28768207245178085;  // −log σ(ln3) = log(1 + 1/3)

TEST(BceWithLogits, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // σ(0) = ½, σ(ln3) = ¾, σ(−ln3) = ¼
    const Tensor x = nabla::tensor({0.0, kLn3, -kLn3, kLn3}, d);
    const Tensor t = nabla::tensor({0.5, 1.0, 0.0, 0.0}, d);
    // −½log½ − ½log½ = ln2; −log¾; −log(1 − ¼) = −log¾; −log(1 − ¾) = ln4
    const std::vector<double> each = {kLn2, kLn4Over3, kLn4Over3, 2 * kLn2};
    expect_tensor(nabla::binary_cross_entropy_with_logits(x, t, Reduction::none), {4}, each, d);
    expect_tensor(nabla::binary_cross_entropy_with_logits(x, t, Reduction::sum), {},
                  {2.6548056865833978}, d);
    expect_tensor(nabla::binary_cross_entropy_with_logits(x, t), {}, {0.6637014216458494}, d);
    expect_tensor(nabla::binary_cross_entropy_with_logits(x, t, Reduction::mean), {},
                  {0.6637014216458494}, d);
  }
}

TEST(BceWithLogits, StableForLargeLogits) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // right and confident: 0; wrong and confident: |x| (not inf, not NaN)
    const Tensor x = nabla::tensor({{1000.0, -1000.0}, {1000.0, -1000.0}}, d);
    const Tensor t = nabla::tensor({{1.0, 0.0}, {0.0, 1.0}}, d);
    expect_tensor(nabla::binary_cross_entropy_with_logits(x, t, Reduction::none), {2, 2},
                  {0, 0, 1000, 1000}, d);
    expect_tensor(nabla::binary_cross_entropy_with_logits(x, t), {}, {500}, d);
  }
}

TEST(BceWithLogits, GradientsByHand) {
  Tensor x = nabla::tensor({0.0, kLn3, -kLn3, kLn3}, nabla::f64).requires_grad_();
  Tensor t = nabla::tensor({0.5, 1.0, 0.0, 0.0}, nabla::f64).requires_grad_();
  nabla::binary_cross_entropy_with_logits(x, t).backward();
  // (σ(x) − t)/4 = [0, −¼, ¼, ¾]/4 and −x/4
  expect_tensor(x.grad(), {4}, {0, -0.0625, 0.0625, 0.1875}, nabla::f64);
  expect_tensor(t.grad(), {4}, {0, -kLn3 / 4, kLn3 / 4, -kLn3 / 4}, nabla::f64);
  Tensor x2 = nabla::tensor({0.0, kLn3}, nabla::f64).requires_grad_();
  const Tensor t2 = nabla::tensor({1.0, 1.0}, nabla::f64);
  nabla::binary_cross_entropy_with_logits(x2, t2, Reduction::none)
      .backward(nabla::tensor({2.0, 4.0}, nabla::f64));
  // g·(σ(x) − t) = [2·(−½), 4·(−¼)]
  expect_tensor(x2.grad(), {2}, {-1, -1}, nabla::f64);
  EXPECT_EQ(nabla::binary_cross_entropy_with_logits(x2, t2).grad_fn()->name(),
            "binary_cross_entropy_with_logits");
}

struct LossCase {
  std::string name;
  Shape shape;
  Reduction reduction;
};

class BceWithLogitsGrad : public testing::TestWithParam<LossCase> {};

TEST_P(BceWithLogitsGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // smooth in x (the |x| kink cancels between max(x, 0) and the log term) and linear in t:
  // normal logits, targets in (0.1, 0.9) like probabilities
  const std::vector<Tensor> inputs = {normal(p.shape, 1), uniform(p.shape, 0.1, 0.9, 2)};
  const Reduction reduction = p.reduction;
  const nabla::Function fn = [reduction](const std::vector<Tensor>& in) {
    return nabla::binary_cross_entropy_with_logits(in[0], in[1], reduction);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Cases, BceWithLogitsGrad,
                         testing::Values(LossCase{"Mean_4x3", {4, 3}, Reduction::mean},
                                         LossCase{"Sum_4x3", {4, 3}, Reduction::sum},
                                         LossCase{"None_4x3", {4, 3}, Reduction::none},
                                         LossCase{"Mean_Vector_5", {5}, Reduction::mean},
                                         LossCase{"Mean_Scalar", {}, Reduction::mean},
                                         LossCase{"None_Rank3_2x3x4", {2, 3, 4}, Reduction::none},
                                         LossCase{"Mean_Rank3_2x3x4", {2, 3, 4}, Reduction::mean}),
                         [](const testing::TestParamInfo<LossCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(BceWithLogits, RejectsDifferentShapes) {
  const Tensor x = nabla::ones({4, 3});
  const Tensor t = nabla::ones({3});
  EXPECT_THROW(nabla::binary_cross_entropy_with_logits(x, t), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::binary_cross_entropy_with_logits(x, t); }),
              AllOf(HasSubstr("nabla::binary_cross_entropy_with_logits"), HasSubstr("[4, 3]"),
                    HasSubstr("[3]")));
}

TEST(BceWithLogits, RejectsMixedDtypes) {
  const Tensor x = nabla::ones({3}, nabla::f64);
  const Tensor t = nabla::ones({3}, nabla::f32);
  EXPECT_THROW(nabla::binary_cross_entropy_with_logits(x, t), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::binary_cross_entropy_with_logits(x, t); }),
              AllOf(HasSubstr("nabla::binary_cross_entropy_with_logits"), HasSubstr("float32"),
                    HasSubstr("float64")));
}

TEST(BceWithLogits, RejectsUndefinedOperands) {
  EXPECT_THROW(nabla::binary_cross_entropy_with_logits(Tensor(), nabla::ones({2})),
               std::invalid_argument);
  EXPECT_THAT(
      message_of([] { nabla::binary_cross_entropy_with_logits(nabla::ones({2}), Tensor()); }),
      HasSubstr("nabla::binary_cross_entropy_with_logits"));
}

TEST(BceWithLogits, Float32AgreesWithFloat64) {
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) {
        return nabla::binary_cross_entropy_with_logits(in[0], in[1], Reduction::none);
      },
      {normal({8, 5}, 11), uniform({8, 5}, 0.0, 1.0, 12)});
}

}  // namespace
}  // namespace test_binary_cross_entropy_with_logits
