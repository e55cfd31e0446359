// Tests of ops/tan.cpp: the tangent.

#include "ops/op_test_util.hpp"

namespace test_tan {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.25, 3.0}, dtype=torch.float64)
//   torch.tan(x).tolist()
TEST(Tan, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x =
        nabla::tensor(std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.25, 3.0}, {8}, d);
    expect_tensor(
        nabla::tan(x), {8},
        {0.0, -0.0, kNaN, kNaN, kNaN, 0.5463024898437905, -3.0095696738628313, -0.1425465430742778},
        d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -1.25}, dtype=torch.float64,
//   requires_grad=True); torch.tan(x).sum().backward(); x.grad.tolist()
TEST(Tan, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, 0.5, -1.25}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::tan(x)).backward();
  expect_tensor(x.grad(), {3}, {1.0, 1.2984464104095248, 10.057509621834829}, nabla::f64);
}

TEST(Tan, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::tan(x.t()), {4, 3}, nabla::tan(x.t().contiguous()).to_vector(), nabla::f64);
}

TEST(Tan, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::tan(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::tan"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::tan(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::tan"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::tan(Tensor()); }),
              HasSubstr("nabla::tan: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_tan
