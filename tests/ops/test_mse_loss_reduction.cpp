// Tests of ops/mse_loss_reduction.cpp: mse_loss(o, y, Reduction): (o − y)², reduced.

#include "ops/op_test_util.hpp"

namespace test_mse_loss_reduction {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(MseLossReduction, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor o = nabla::tensor({1.0, 2.0, 3.0}, d);
    const Tensor y = nabla::tensor({0.0, 2.0, 5.0}, d);
    // (o − y)² = 1, 0, 4
    expect_tensor(nabla::mse_loss(o, y, Reduction::none), {3}, {1, 0, 4}, d);
    expect_tensor(nabla::mse_loss(o, y, Reduction::sum), {}, {5}, d);
    expect_tensor(nabla::mse_loss(o, y, Reduction::mean), {}, {1.6666666666666667}, d);
    // the two-argument form is the mean
    expect_tensor(nabla::mse_loss(o, y), {}, {1.6666666666666667}, d);
  }
}

TEST(MseLossReduction, GradientsByHand) {
  Tensor o = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  Tensor y = nabla::tensor({0.0, 2.0, 5.0}, nabla::f64).requires_grad_();
  nabla::mse_loss(o, y, Reduction::sum).backward();
  // 2(o − y) and its negative
  expect_tensor(o.grad(), {3}, {2, 0, -4}, nabla::f64);
  expect_tensor(y.grad(), {3}, {-2, 0, 4}, nabla::f64);
  Tensor o2 = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  nabla::mse_loss(o2, nabla::tensor({0.0, 4.0}, nabla::f64), Reduction::none)
      .backward(nabla::tensor({3.0, 0.5}, nabla::f64));
  // g ⊙ 2(o − y) = [3·2, 0.5·(−4)]
  expect_tensor(o2.grad(), {2}, {6, -2}, nabla::f64);
}

struct LossCase {
  std::string name;
  Shape shape;
  Reduction reduction;
};

class MseLossReductionGrad : public testing::TestWithParam<LossCase> {};

TEST_P(MseLossReductionGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // a quadratic is smooth everywhere: any values will do
  const std::vector<Tensor> inputs = {normal(p.shape, 1), normal(p.shape, 2)};
  const Reduction reduction = p.reduction;
  const nabla::Function fn = [reduction](const std::vector<Tensor>& in) {
    return nabla::mse_loss(in[0], in[1], reduction);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Cases, MseLossReductionGrad,
                         testing::Values(LossCase{"Sum_4x3", {4, 3}, Reduction::sum},
                                         LossCase{"None_4x3", {4, 3}, Reduction::none},
                                         LossCase{"Mean_4x3", {4, 3}, Reduction::mean},
                                         LossCase{"Sum_Scalar", {}, Reduction::sum},
                                         LossCase{"None_Vector_5", {5}, Reduction::none},
                                         LossCase{"None_Rank3_2x3x4", {2, 3, 4}, Reduction::none},
                                         LossCase{"Sum_Rank3_2x3x4", {2, 3, 4}, Reduction::sum}),
                         [](const testing::TestParamInfo<LossCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(MseLossReduction, RejectsDifferentShapes) {
  const Tensor o = nabla::ones({4, 3});
  const Tensor y = nabla::ones({3});
  for (Reduction r : {Reduction::mean, Reduction::sum, Reduction::none}) {
    EXPECT_THROW(nabla::mse_loss(o, y, r), std::invalid_argument);
    EXPECT_THAT(message_of([&] { nabla::mse_loss(o, y, r); }),
                AllOf(HasSubstr("nabla::mse_loss"), HasSubstr("[4, 3]"), HasSubstr("[3]")));
  }
}

TEST(MseLossReduction, RejectsMixedDtypes) {
  const Tensor o = nabla::ones({3}, nabla::f64);
  const Tensor y = nabla::ones({3}, nabla::f32);
  EXPECT_THROW(nabla::mse_loss(o, y, Reduction::none), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::mse_loss(o, y, Reduction::sum); }),
              AllOf(HasSubstr("nabla::mse_loss"), HasSubstr("float32"), HasSubstr("float64")));
}

}  // namespace
}  // namespace test_mse_loss_reduction
