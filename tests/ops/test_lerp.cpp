// Tests of ops/lerp.cpp: linear interpolation.

#include "ops/op_test_util.hpp"

namespace test_lerp {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   input = torch.tensor([1.0, 1.0, -2.0, 0.0, inf, 1.0, nan], dtype=torch.float64)
//   end = torch.tensor([3.0, 3.0, 4.0, 1e+30, 1.0, 2.0, 1.0], dtype=torch.float64)
//   weight = torch.tensor([0.25, 1.0, 0.5, -1.5, 0.5, nan, 0.0], dtype=torch.float64)
//   torch.lerp(input, end, weight).tolist()
TEST(Lerp, ForwardMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a =
        nabla::tensor(std::vector<double>{1.0, 1.0, -2.0, 0.0, kInf, 1.0, kNaN}, {7}, d);
    const Tensor b =
        nabla::tensor(std::vector<double>{3.0, 3.0, 4.0, 1e+30, 1.0, 2.0, 1.0}, {7}, d);
    const Tensor c =
        nabla::tensor(std::vector<double>{0.25, 1.0, 0.5, -1.5, 0.5, kNaN, 0.0}, {7}, d);
    expect_tensor(nabla::lerp(a, b, c), {7},
                  {1.5, 3.0, 1.0, -1.5000000000000002e+30, kInf, kNaN, kNaN}, d);
  }
}

// Recorded from PyTorch: the three inputs [0.5, -1.0, 2.0], [1.5, 3.0, -0.5] and
// [0.25, -0.75, 2.0] (float64, requires_grad=True), the same call, .sum().backward()
TEST(Lerp, GradientsMatchPyTorch) {
  Tensor a = nabla::tensor(std::vector<double>{0.5, -1.0, 2.0}, {3}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{1.5, 3.0, -0.5}, {3}, nabla::f64).requires_grad_();
  Tensor c = nabla::tensor(std::vector<double>{0.25, -0.75, 2.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::lerp(a, b, c)).backward();
  expect_tensor(a.grad(), {3}, {0.75, 1.75, -1.0}, nabla::f64);
  expect_tensor(b.grad(), {3}, {0.25, -0.75, 2.0}, nabla::f64);
  expect_tensor(c.grad(), {3}, {1.0, 4.0, -2.5}, nabla::f64);
}

TEST(Lerp, BroadcastsAndSumsGradientsToEachShape) {
  Tensor a = nabla::tensor(std::vector<double>{0.5, 1.5}, {2, 1}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{0.75, 1.25, 2.0}, {3}, nabla::f64).requires_grad_();
  Tensor c = nabla::scalar_tensor(0.75, nabla::f64).requires_grad_();
  const Tensor r = nabla::lerp(a, b, c);
  EXPECT_EQ(r.shape(), (nabla::Shape{2, 3}));
  nabla::sum(r).backward();
  EXPECT_EQ(a.grad().shape(), (nabla::Shape{2, 1}));
  EXPECT_EQ(b.grad().shape(), (nabla::Shape{3}));
  EXPECT_EQ(c.grad().shape(), (nabla::Shape{}));
}

TEST(Lerp, RejectsBadArguments) {
  const Tensor f = nabla::zeros({2});
  const Tensor i = nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64);
  {
    const Tensor a = i, b = f, c = f;
    EXPECT_THAT(message_of([&] { nabla::lerp(a, b, c); }),
                AllOf(HasSubstr("nabla::lerp"), HasSubstr("input is int64")));
  }
  {
    const Tensor a = f, b = i, c = f;
    EXPECT_THAT(message_of([&] { nabla::lerp(a, b, c); }),
                AllOf(HasSubstr("nabla::lerp"), HasSubstr("end is int64")));
  }
  {
    const Tensor a = f, b = f, c = nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_);
    EXPECT_THAT(message_of([&] { nabla::lerp(a, b, c); }),
                AllOf(HasSubstr("nabla::lerp"), HasSubstr("weight is bool")));
  }
  {
    const Tensor a = f, b = nabla::zeros({2, 3}), c = f;
    EXPECT_THAT(message_of([&] { nabla::lerp(a, b, c); }),
                AllOf(HasSubstr("nabla::lerp"), HasSubstr("[2]"), HasSubstr("[2, 3]")));
  }
  {
    const Tensor a = f, b = f, c = nabla::zeros({2}, nabla::f64);
    EXPECT_THAT(message_of([&] { nabla::lerp(a, b, c); }),
                AllOf(HasSubstr("nabla::lerp"), HasSubstr("float64")));
  }
}

// Recorded from PyTorch: torch.lerp(torch.tensor([1., -2.]), torch.tensor([3., 4.]), 0.75) is
// [2.5, 2.5]; with weight 1 the result is end exactly (from end's side, |weight| >= 0.5)
TEST(Lerp, ScalarWeight) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor s = nabla::tensor(std::vector<double>{1.0, -2.0}, {2}, d);
    const Tensor e = nabla::tensor(std::vector<double>{3.0, 4.0}, {2}, d);
    expect_tensor(nabla::lerp(s, e, 0.75), {2}, {2.5, 2.5}, d);
    const Tensor e2 = nabla::tensor(std::vector<double>{0.1, 1e-3}, {2}, d);
    EXPECT_EQ(nabla::lerp(s, e2, 1.0).to_vector(), e2.to_vector());
  }
  Tensor a = nabla::tensor(std::vector<double>{1.0, -2.0}, {2}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{3.0, 4.0}, {2}, nabla::f64).requires_grad_();
  nabla::sum(nabla::lerp(a, b, 0.75)).backward();
  expect_tensor(a.grad(), {2}, {0.25, 0.25}, nabla::f64);
  expect_tensor(b.grad(), {2}, {0.75, 0.75}, nabla::f64);
  EXPECT_THAT(message_of([] {
                nabla::lerp(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64),
                            nabla::zeros({2}), 0.5);
              }),
              AllOf(HasSubstr("nabla::lerp"), HasSubstr("input is int64")));
}

}  // namespace
}  // namespace test_lerp
