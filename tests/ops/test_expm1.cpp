// Tests of ops/expm1.cpp: eˣ − 1.

#include "ops/op_test_util.hpp"

namespace test_expm1 {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 1e-10, -0.5, 2.0, 1000.0}, dtype=torch.float64)
//   torch.expm1(x).tolist()
TEST(Expm1, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 1e-10, -0.5, 2.0, 1000.0}, {9}, d);
    expect_tensor(nabla::expm1(x), {9},
                  {0.0, -0.0, kInf, -1.0, kNaN, 1.00000000005e-10, -0.3934693402873666,
                   6.38905609893065, kInf},
                  d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, -0.5, 2.0}, dtype=torch.float64,
//   requires_grad=True); torch.expm1(x).sum().backward(); x.grad.tolist()
TEST(Expm1, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, -0.5, 2.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::expm1(x)).backward();
  expect_tensor(x.grad(), {3}, {1.0, 0.6065306597126334, 7.38905609893065}, nabla::f64);
}

TEST(Expm1, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::expm1(x.t()), {4, 3}, nabla::expm1(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Expm1, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::expm1(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::expm1"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::expm1(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::expm1"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::expm1(Tensor()); }),
              HasSubstr("nabla::expm1: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_expm1
