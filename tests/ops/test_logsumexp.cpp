// Tests of ops/logsumexp.cpp: m + log Σ exp(x − m) along an axis, m the maximum.

#include "ops/op_test_util.hpp"

namespace test_logsumexp {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

constexpr double kLn2 = 0.6931471805599453;
constexpr double kLn3 = 1.0986122886681098;
constexpr double kLn5 = 1.6094379124341003;
constexpr double kLn7 = 1.9459101490553132;
constexpr double kLn8 = 2.0794415416798357;

TEST(Logsumexp, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // row 0: e^x = 1, 2, 5 (Σ 8); row 1: 3, 3, 1 (Σ 7)
    const Tensor x =
        nabla::tensor(std::vector<double>{0.0, kLn2, kLn5, kLn3, kLn3, 0.0}, {2, 3}, d);
    expect_tensor(nabla::logsumexp(x, 1), {2}, {kLn8, kLn7}, d);
    expect_tensor(nabla::logsumexp(x, -1, true), {2, 1}, {kLn8, kLn7}, d);
    // columns: log(1 + 3) = 2 ln2, log(2 + 3) = ln5, log(5 + 1) = ln2 + ln3
    expect_tensor(nabla::logsumexp(x, 0), {3}, {2 * kLn2, kLn5, kLn2 + kLn3}, d);
    expect_tensor(nabla::logsumexp(x, 0, true), {1, 3}, {2 * kLn2, kLn5, kLn2 + kLn3}, d);
    // a vector reduces to a 0-d tensor
    expect_tensor(nabla::logsumexp(nabla::tensor({0.0, kLn7}, d), 0), {}, {kLn8}, d);
  }
}

TEST(Logsumexp, StableForLargeValues) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // log(2e^1000) = 1000 + ln2, not inf; log(2e^-1000) = −1000 + ln2, not −inf
    expect_tensor(nabla::logsumexp(nabla::tensor({1000.0, 1000.0}, d), 0), {}, {1000 + kLn2}, d);
    expect_tensor(nabla::logsumexp(nabla::tensor({-1000.0, -1000.0}, d), 0), {}, {-1000 + kLn2}, d);
  }
}

TEST(Logsumexp, GradientIsSoftmax) {
  Tensor x =
      nabla::tensor(std::vector<double>{0.0, kLn3, kLn7, 0.0}, {2, 2}, nabla::f64).requires_grad_();
  // g[r]·softmax(x[r]): [1/4, 3/4]·2 and [7/8, 1/8]·(−1)
  nabla::logsumexp(x, 1).backward(nabla::tensor({2.0, -1.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 2}, {0.5, 1.5, -0.875, -0.125}, nabla::f64);
  EXPECT_EQ(nabla::logsumexp(x, 1).grad_fn()->name(), "logsumexp");
}

struct AxisCase {
  std::string name;
  Shape shape;
  std::int64_t axis;
  bool keepdim;
};

class LogsumexpGrad : public testing::TestWithParam<AxisCase> {};

TEST_P(LogsumexpGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // smooth everywhere: standard normal inputs
  const std::vector<Tensor> inputs = {normal(p.shape, 1)};
  const std::int64_t axis = p.axis;
  const bool keepdim = p.keepdim;
  const nabla::Function fn = [axis, keepdim](const std::vector<Tensor>& in) {
    return nabla::logsumexp(in[0], axis, keepdim);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Cases, LogsumexpGrad,
                         testing::Values(AxisCase{"Axis1_3x4", {3, 4}, 1, false},
                                         AxisCase{"Axis0Keepdim_3x4", {3, 4}, 0, true},
                                         AxisCase{"Vector_5", {5}, 0, false},
                                         AxisCase{"AxisMinus1_Rank3_2x3x4", {2, 3, 4}, -1, false},
                                         AxisCase{"Axis1Keepdim_Rank3_2x3x4", {2, 3, 4}, 1, true},
                                         AxisCase{"UnitAxis_3x1", {3, 1}, 1, false}),
                         [](const testing::TestParamInfo<AxisCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(Logsumexp, RejectsAxisOutOfRange) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::logsumexp(x, 2), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::logsumexp(x, 2); }),
              AllOf(HasSubstr("nabla::logsumexp"), HasSubstr("axis 2"), HasSubstr("rank 2")));
  EXPECT_THROW(nabla::logsumexp(x, -3), std::out_of_range);
  EXPECT_THROW(nabla::logsumexp(nabla::scalar_tensor(1.0), 0), std::out_of_range);
}

TEST(Logsumexp, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::logsumexp(Tensor(), 0), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::logsumexp(Tensor(), 0); }), HasSubstr("nabla::logsumexp"));
}

TEST(Logsumexp, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::logsumexp(in[0], 1); },
                         {normal({4, 7}, 11)});
}

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[1.,2.],[3.,4.]], dtype=torch.float64, requires_grad=True)
//   l = torch.logsumexp(x, (0, 1)) → 4.440189698561196; l.backward(); x.grad →
//   [0.032058603280084974, 0.08714431874203253, 0.23688281808991005, 0.643914259887972]
//   torch.logsumexp(torch.tensor([[1,2],[3,4]]), (0,)) → [3.1269280910491943, 4.126927852630615]
//   (float32); torch.logsumexp(torch.full((2,2), -inf), (0,1)) → -inf; with an inf → inf
TEST(Logsumexp, SeveralDimsMatchPyTorch) {
  Tensor x = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, nabla::f64).requires_grad_();
  const Tensor l = nabla::logsumexp(x, std::vector<std::int64_t>{0, 1});
  expect_tensor(l, {}, {4.440189698561196}, nabla::f64);
  l.backward();
  expect_tensor(x.grad(), {2, 2},
                {0.032058603280084974, 0.08714431874203253, 0.23688281808991005, 0.643914259887972},
                nabla::f64);
  expect_tensor(nabla::logsumexp(x.detach(), {0, -1}, true), {1, 1}, {4.440189698561196},
                nabla::f64);
  const Tensor ints = nabla::tensor({{1, 2}, {3, 4}}, nabla::i64);
  expect_tensor(nabla::logsumexp(ints, std::vector<std::int64_t>{0}), {2},
                {3.1269280910491943, 4.126927852630615}, nabla::f32);
  expect_tensor(nabla::logsumexp(ints, 0), {2}, {3.1269280910491943, 4.126927852630615}, nabla::f32);
  expect_tensor(nabla::logsumexp(nabla::full({2, 2}, -kInf), {0, 1}), {}, {-kInf}, nabla::f32);
  expect_tensor(nabla::logsumexp(nabla::tensor({{kInf, 1.0}, {0.0, 0.0}}), {0, 1}), {}, {kInf},
                nabla::f32);
}

TEST(Logsumexp, SeveralDimsViewsAndGradcheck) {
  const Tensor base = normal({4, 6}, 91);
  const Tensor s = base.slice(1, 0, 6, 2).t();
  expect_tensor(nabla::logsumexp(s, {0, 1}), {},
                nabla::logsumexp(s.contiguous(), {0, 1}).to_vector(), nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::logsumexp(in[0].transpose(0, 2), {0, 2});
  };
  expect_gradients_match(fn, {normal({4, 3, 2}, 92)});
  expect_nonzero_gradient(fn, {normal({4, 3, 2}, 92)});
}

TEST(Logsumexp, SeveralDimsRejectBadDims) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THAT(message_of([&] { nabla::logsumexp(x, std::vector<std::int64_t>{}); }),
              AllOf(HasSubstr("nabla::logsumexp"), HasSubstr("no dims")));
  EXPECT_THAT(message_of([&] { nabla::logsumexp(x, {0, 0}); }),
              AllOf(HasSubstr("nabla::logsumexp"), HasSubstr("twice")));
  EXPECT_THROW(nabla::logsumexp(x, {0, 2}), std::out_of_range);
}

}  // namespace
}  // namespace test_logsumexp
