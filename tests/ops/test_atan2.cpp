// Tests of ops/atan2.cpp: atan2.

#include "ops/op_test_util.hpp"

namespace test_atan2 {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   a = torch.tensor([0.0, 0.0, -0.0, -0.0, 1.0, -1.0, inf, inf, 1.0, nan, 0.5],
//   dtype=torch.float64) b = torch.tensor([0.0, -0.0, 0.0, -0.0, -inf, 0.0, inf, -inf, inf, 1.0,
//   -2.0], dtype=torch.float64) torch.atan2(a, b).tolist()
TEST(Atan2, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor(
        std::vector<double>{0.0, 0.0, -0.0, -0.0, 1.0, -1.0, kInf, kInf, 1.0, kNaN, 0.5}, {11}, d);
    const Tensor b = nabla::tensor(
        std::vector<double>{0.0, -0.0, 0.0, -0.0, -kInf, 0.0, kInf, -kInf, kInf, 1.0, -2.0}, {11},
        d);
    expect_tensor(
        nabla::atan2(a, b), {11},
        {0.0, 3.141592653589793, -0.0, -3.141592653589793, 3.141592653589793, -1.5707963267948966,
         0.7853981633974483, 2.356194490192345, 0.0, kNaN, 2.896613990462929},
        d);
  }
}

// Recorded from PyTorch: a = torch.tensor([0.5, -1.0, 2.0, 0.0], dtype=torch.float64,
// requires_grad=True),
//   b = torch.tensor([1.0, -1.0, -0.5, 0.0], ...likewise); torch.atan2(a, b).sum().backward();
//   a.grad.tolist(), b.grad.tolist()
TEST(Atan2, GradientsMatchPyTorch) {
  Tensor a =
      nabla::tensor(std::vector<double>{0.5, -1.0, 2.0, 0.0}, {4}, nabla::f64).requires_grad_();
  Tensor b =
      nabla::tensor(std::vector<double>{1.0, -1.0, -0.5, 0.0}, {4}, nabla::f64).requires_grad_();
  nabla::sum(nabla::atan2(a, b)).backward();
  expect_tensor(a.grad(), {4}, {0.8, -0.5, -0.11764705882352941, kNaN}, nabla::f64);
  expect_tensor(b.grad(), {4}, {-0.4, 0.5, -0.47058823529411764, kNaN}, nabla::f64);
}

TEST(Atan2, BroadcastsAndSumsGradientsToEachShape) {
  // a [2,1] with b [3]: the result is [2,3]; each gradient comes back in its input's shape
  Tensor a = nabla::tensor(std::vector<double>{0.5, 1.5}, {2, 1}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{0.75, 1.25, 2.0}, {3}, nabla::f64).requires_grad_();
  const Tensor r = nabla::atan2(a, b);
  EXPECT_EQ(r.shape(), (nabla::Shape{2, 3}));
  nabla::sum(r).backward();
  EXPECT_EQ(a.grad().shape(), (nabla::Shape{2, 1}));
  EXPECT_EQ(b.grad().shape(), (nabla::Shape{3}));
}

TEST(Atan2, RejectsBadOperands) {
  const Tensor f = nabla::zeros({2});
  const Tensor i = nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64);
  EXPECT_THAT(message_of([&] { nabla::atan2(i, f); }),
              AllOf(HasSubstr("nabla::atan2"), HasSubstr("first operand is int64")));
  EXPECT_THAT(message_of([&] {
                nabla::atan2(f, nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::atan2"), HasSubstr("second operand is bool")));
  EXPECT_THAT(message_of([] {
                nabla::atan2(nabla::zeros({2, 3}), nabla::zeros({4}));
              }),
              AllOf(HasSubstr("nabla::atan2"), HasSubstr("[2, 3]"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([&] { nabla::atan2(f, nabla::zeros({2}, nabla::f64)); }),
              AllOf(HasSubstr("nabla::atan2"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(message_of([&] { nabla::atan2(f, Tensor()); }),
              HasSubstr("second operand is an undefined tensor"));
}

}  // namespace
}  // namespace test_atan2
