// Tests of ops/maximum.cpp: the elementwise maximum.

#include "ops/op_test_util.hpp"

namespace test_maximum {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   a = torch.tensor([1.0, nan, 2.0, -inf, 0.0, 3.0, inf], dtype=torch.float64)
//   b = torch.tensor([1.0, 1.0, nan, -1.0, -0.0, -2.0, inf], dtype=torch.float64)
//   torch.maximum(a, b).tolist()
TEST(Maximum, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a =
        nabla::tensor(std::vector<double>{1.0, kNaN, 2.0, -kInf, 0.0, 3.0, kInf}, {7}, d);
    const Tensor b =
        nabla::tensor(std::vector<double>{1.0, 1.0, kNaN, -1.0, -0.0, -2.0, kInf}, {7}, d);
    expect_tensor(nabla::maximum(a, b), {7}, {1.0, kNaN, kNaN, -1.0, 0.0, 3.0, kInf}, d);
  }
}

// Recorded from PyTorch: a = torch.tensor([1.0, nan, 1.0, 2.0, -3.0], dtype=torch.float64,
// requires_grad=True),
//   b = torch.tensor([1.0, 1.0, nan, 3.0, -4.0], ...likewise); torch.maximum(a,
//   b).sum().backward(); a.grad.tolist(), b.grad.tolist()
TEST(Maximum, GradientsMatchPyTorch) {
  Tensor a = nabla::tensor(std::vector<double>{1.0, kNaN, 1.0, 2.0, -3.0}, {5}, nabla::f64)
                 .requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{1.0, 1.0, kNaN, 3.0, -4.0}, {5}, nabla::f64)
                 .requires_grad_();
  nabla::sum(nabla::maximum(a, b)).backward();
  expect_tensor(a.grad(), {5}, {0.5, 1.0, 1.0, 0.0, 1.0}, nabla::f64);
  expect_tensor(b.grad(), {5}, {0.5, 1.0, 1.0, 1.0, 0.0}, nabla::f64);
}

TEST(Maximum, BroadcastsAndSumsGradientsToEachShape) {
  // a [2,1] with b [3]: the result is [2,3]; each gradient comes back in its input's shape
  Tensor a = nabla::tensor(std::vector<double>{0.5, 1.5}, {2, 1}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{0.75, 1.25, 2.0}, {3}, nabla::f64).requires_grad_();
  const Tensor r = nabla::maximum(a, b);
  EXPECT_EQ(r.shape(), (nabla::Shape{2, 3}));
  nabla::sum(r).backward();
  EXPECT_EQ(a.grad().shape(), (nabla::Shape{2, 1}));
  EXPECT_EQ(b.grad().shape(), (nabla::Shape{3}));
}

TEST(Maximum, RejectsBadOperands) {
  const Tensor f = nabla::zeros({2});
  const Tensor i = nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64);
  EXPECT_THAT(message_of([&] { nabla::maximum(i, f); }),
              AllOf(HasSubstr("nabla::maximum"), HasSubstr("first operand is int64")));
  EXPECT_THAT(message_of([&] {
                nabla::maximum(f, nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::maximum"), HasSubstr("second operand is bool")));
  EXPECT_THAT(message_of([] {
                nabla::maximum(nabla::zeros({2, 3}), nabla::zeros({4}));
              }),
              AllOf(HasSubstr("nabla::maximum"), HasSubstr("[2, 3]"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([&] { nabla::maximum(f, nabla::zeros({2}, nabla::f64)); }),
              AllOf(HasSubstr("nabla::maximum"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(message_of([&] { nabla::maximum(f, Tensor()); }),
              HasSubstr("second operand is an undefined tensor"));
}

}  // namespace
}  // namespace test_maximum
