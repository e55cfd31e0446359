// Tests of ops/pow_tensor.cpp: pow with a tensor exponent.

#include "ops/op_test_util.hpp"

namespace test_pow_tensor {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   a = torch.tensor([0.0, 0.0, 0.0, -1.0, -8.0, 2.0, inf, nan, 1.0, 0.5], dtype=torch.float64)
//   b = torch.tensor([2.0, 0.0, -1.0, 0.5, 3.0, -0.5, -1.0, 0.0, nan, inf], dtype=torch.float64)
//   torch.pow(a, b).tolist()
TEST(PowTensor, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor(
        std::vector<double>{0.0, 0.0, 0.0, -1.0, -8.0, 2.0, kInf, kNaN, 1.0, 0.5}, {10}, d);
    const Tensor b = nabla::tensor(
        std::vector<double>{2.0, 0.0, -1.0, 0.5, 3.0, -0.5, -1.0, 0.0, kNaN, kInf}, {10}, d);
    expect_tensor(nabla::pow(a, b), {10},
                  {0.0, 1.0, kInf, kNaN, -512.0, 0.7071067811865475, 0.0, 1.0, 1.0, 0.0}, d);
  }
}

// Recorded from PyTorch: a = torch.tensor([0.0, 0.0, 0.0, 2.0, -2.0, 1.5], dtype=torch.float64,
// requires_grad=True),
//   b = torch.tensor([2.0, 0.0, -1.0, 0.5, 3.0, -1.0], ...likewise); torch.pow(a,
//   b).sum().backward(); a.grad.tolist(), b.grad.tolist()
TEST(PowTensor, GradientsMatchPyTorch) {
  Tensor a = nabla::tensor(std::vector<double>{0.0, 0.0, 0.0, 2.0, -2.0, 1.5}, {6}, nabla::f64)
                 .requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{2.0, 0.0, -1.0, 0.5, 3.0, -1.0}, {6}, nabla::f64)
                 .requires_grad_();
  nabla::sum(nabla::pow(a, b)).backward();
  expect_tensor(a.grad(), {6}, {0.0, 0.0, -kInf, 0.3535533905932738, 12.0, -0.4444444444444444},
                nabla::f64);
  expect_tensor(b.grad(), {6}, {0.0, 0.0, -kInf, 0.9802581434685472, kNaN, 0.27031007207210955},
                nabla::f64);
}

TEST(PowTensor, BroadcastsAndSumsGradientsToEachShape) {
  // a [2,1] with b [3]: the result is [2,3]; each gradient comes back in its input's shape
  Tensor a = nabla::tensor(std::vector<double>{0.5, 1.5}, {2, 1}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{0.75, 1.25, 2.0}, {3}, nabla::f64).requires_grad_();
  const Tensor r = nabla::pow(a, b);
  EXPECT_EQ(r.shape(), (nabla::Shape{2, 3}));
  nabla::sum(r).backward();
  EXPECT_EQ(a.grad().shape(), (nabla::Shape{2, 1}));
  EXPECT_EQ(b.grad().shape(), (nabla::Shape{3}));
}

TEST(PowTensor, RejectsBadOperands) {
  const Tensor f = nabla::zeros({2});
  const Tensor i = nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64);
  EXPECT_THAT(message_of([&] { nabla::pow(i, f); }),
              AllOf(HasSubstr("nabla::pow"), HasSubstr("first operand is int64")));
  EXPECT_THAT(message_of([&] {
                nabla::pow(f, nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::pow"), HasSubstr("second operand is bool")));
  EXPECT_THAT(message_of([] {
                nabla::pow(nabla::zeros({2, 3}), nabla::zeros({4}));
              }),
              AllOf(HasSubstr("nabla::pow"), HasSubstr("[2, 3]"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([&] { nabla::pow(f, nabla::zeros({2}, nabla::f64)); }),
              AllOf(HasSubstr("nabla::pow"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(message_of([&] { nabla::pow(f, Tensor()); }),
              HasSubstr("second operand is an undefined tensor"));
}

}  // namespace
}  // namespace test_pow_tensor
