// Tests of ops/sinh.cpp: the hyperbolic sine.

#include "ops/op_test_util.hpp"

namespace test_sinh {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.5, 1000.0}, dtype=torch.float64)
//   torch.sinh(x).tolist()
TEST(Sinh, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x =
        nabla::tensor(std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.5, 1000.0}, {8}, d);
    expect_tensor(nabla::sinh(x), {8},
                  {0.0, -0.0, kInf, -kInf, kNaN, 0.5210953054937474, -2.1292794550948173, kInf}, d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -2.0}, dtype=torch.float64,
//   requires_grad=True); torch.sinh(x).sum().backward(); x.grad.tolist()
TEST(Sinh, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, 0.5, -2.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::sinh(x)).backward();
  expect_tensor(x.grad(), {3}, {1.0, 1.1276259652063807, 3.7621956910836314}, nabla::f64);
}

TEST(Sinh, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::sinh(x.t()), {4, 3}, nabla::sinh(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Sinh, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::sinh(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::sinh"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::sinh(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::sinh"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::sinh(Tensor()); }),
              HasSubstr("nabla::sinh: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_sinh
