// Tests of ops/minimum.cpp: the elementwise minimum.

#include "ops/op_test_util.hpp"

namespace test_minimum {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   a = torch.tensor([1.0, nan, 2.0, -inf, 0.0, 3.0, inf], dtype=torch.float64)
//   b = torch.tensor([1.0, 1.0, nan, -1.0, -0.0, -2.0, inf], dtype=torch.float64)
//   torch.minimum(a, b).tolist()
TEST(Minimum, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a =
        nabla::tensor(std::vector<double>{1.0, kNaN, 2.0, -kInf, 0.0, 3.0, kInf}, {7}, d);
    const Tensor b =
        nabla::tensor(std::vector<double>{1.0, 1.0, kNaN, -1.0, -0.0, -2.0, kInf}, {7}, d);
    expect_tensor(nabla::minimum(a, b), {7}, {1.0, kNaN, kNaN, -kInf, 0.0, -2.0, kInf}, d);
  }
}

// Recorded from PyTorch: a = torch.tensor([1.0, nan, 1.0, 2.0, -3.0], dtype=torch.float64,
// requires_grad=True),
//   b = torch.tensor([1.0, 1.0, nan, 3.0, -4.0], ...likewise); torch.minimum(a,
//   b).sum().backward(); a.grad.tolist(), b.grad.tolist()
TEST(Minimum, GradientsMatchPyTorch) {
  Tensor a = nabla::tensor(std::vector<double>{1.0, kNaN, 1.0, 2.0, -3.0}, {5}, nabla::f64)
                 .requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{1.0, 1.0, kNaN, 3.0, -4.0}, {5}, nabla::f64)
                 .requires_grad_();
  nabla::sum(nabla::minimum(a, b)).backward();
  expect_tensor(a.grad(), {5}, {0.5, 1.0, 1.0, 1.0, 0.0}, nabla::f64);
  expect_tensor(b.grad(), {5}, {0.5, 1.0, 1.0, 0.0, 1.0}, nabla::f64);
}

TEST(Minimum, BroadcastsAndSumsGradientsToEachShape) {
  // a [2,1] with b [3]: the result is [2,3]; each gradient comes back in its input's shape
  Tensor a = nabla::tensor(std::vector<double>{0.5, 1.5}, {2, 1}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{0.75, 1.25, 2.0}, {3}, nabla::f64).requires_grad_();
  const Tensor r = nabla::minimum(a, b);
  EXPECT_EQ(r.shape(), (nabla::Shape{2, 3}));
  nabla::sum(r).backward();
  EXPECT_EQ(a.grad().shape(), (nabla::Shape{2, 1}));
  EXPECT_EQ(b.grad().shape(), (nabla::Shape{3}));
}

TEST(Minimum, RejectsBadOperands) {
  const Tensor f = nabla::zeros({2});
  const Tensor i = nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64);
  EXPECT_THAT(message_of([&] { nabla::minimum(i, f); }),
              AllOf(HasSubstr("nabla::minimum"), HasSubstr("first operand is int64")));
  EXPECT_THAT(message_of([&] {
                nabla::minimum(f, nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::minimum"), HasSubstr("second operand is bool")));
  EXPECT_THAT(message_of([] {
                nabla::minimum(nabla::zeros({2, 3}), nabla::zeros({4}));
              }),
              AllOf(HasSubstr("nabla::minimum"), HasSubstr("[2, 3]"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([&] { nabla::minimum(f, nabla::zeros({2}, nabla::f64)); }),
              AllOf(HasSubstr("nabla::minimum"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(message_of([&] { nabla::minimum(f, Tensor()); }),
              HasSubstr("second operand is an undefined tensor"));
}

}  // namespace
}  // namespace test_minimum
