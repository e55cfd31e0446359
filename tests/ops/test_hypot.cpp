// Tests of ops/hypot.cpp: hypot.

#include "ops/op_test_util.hpp"

namespace test_hypot {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   a = torch.tensor([0.0, 3.0, inf, nan, 1e+30, -5.0], dtype=torch.float64)
//   b = torch.tensor([0.0, 4.0, nan, inf, 1e+30, 12.0], dtype=torch.float64)
//   torch.hypot(a, b).tolist()
TEST(Hypot, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor(std::vector<double>{0.0, 3.0, kInf, kNaN, 1e+30, -5.0}, {6}, d);
    const Tensor b = nabla::tensor(std::vector<double>{0.0, 4.0, kNaN, kInf, 1e+30, 12.0}, {6}, d);
    expect_tensor(nabla::hypot(a, b), {6}, {0.0, 5.0, kInf, kInf, 1.414213562373095e+30, 13.0}, d);
  }
}

// Recorded from PyTorch: a = torch.tensor([3.0, -5.0, 0.5, 0.0], dtype=torch.float64,
// requires_grad=True),
//   b = torch.tensor([4.0, 12.0, -1.5, 0.0], ...likewise); torch.hypot(a, b).sum().backward();
//   a.grad.tolist(), b.grad.tolist()
TEST(Hypot, GradientsMatchPyTorch) {
  Tensor a =
      nabla::tensor(std::vector<double>{3.0, -5.0, 0.5, 0.0}, {4}, nabla::f64).requires_grad_();
  Tensor b =
      nabla::tensor(std::vector<double>{4.0, 12.0, -1.5, 0.0}, {4}, nabla::f64).requires_grad_();
  nabla::sum(nabla::hypot(a, b)).backward();
  expect_tensor(a.grad(), {4}, {0.6, -0.38461538461538464, 0.31622776601683794, kNaN}, nabla::f64);
  expect_tensor(b.grad(), {4}, {0.8, 0.9230769230769231, -0.9486832980505138, kNaN}, nabla::f64);
}

TEST(Hypot, BroadcastsAndSumsGradientsToEachShape) {
  // a [2,1] with b [3]: the result is [2,3]; each gradient comes back in its input's shape
  Tensor a = nabla::tensor(std::vector<double>{0.5, 1.5}, {2, 1}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{0.75, 1.25, 2.0}, {3}, nabla::f64).requires_grad_();
  const Tensor r = nabla::hypot(a, b);
  EXPECT_EQ(r.shape(), (nabla::Shape{2, 3}));
  nabla::sum(r).backward();
  EXPECT_EQ(a.grad().shape(), (nabla::Shape{2, 1}));
  EXPECT_EQ(b.grad().shape(), (nabla::Shape{3}));
}

TEST(Hypot, RejectsBadOperands) {
  const Tensor f = nabla::zeros({2});
  const Tensor i = nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64);
  EXPECT_THAT(message_of([&] { nabla::hypot(i, f); }),
              AllOf(HasSubstr("nabla::hypot"), HasSubstr("first operand is int64")));
  EXPECT_THAT(message_of([&] {
                nabla::hypot(f, nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::hypot"), HasSubstr("second operand is bool")));
  EXPECT_THAT(message_of([] {
                nabla::hypot(nabla::zeros({2, 3}), nabla::zeros({4}));
              }),
              AllOf(HasSubstr("nabla::hypot"), HasSubstr("[2, 3]"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([&] { nabla::hypot(f, nabla::zeros({2}, nabla::f64)); }),
              AllOf(HasSubstr("nabla::hypot"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(message_of([&] { nabla::hypot(f, Tensor()); }),
              HasSubstr("second operand is an undefined tensor"));
}

}  // namespace
}  // namespace test_hypot
