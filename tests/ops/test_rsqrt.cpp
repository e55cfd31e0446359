// Tests of ops/rsqrt.cpp: the reciprocal square root.

#include "ops/op_test_util.hpp"

namespace test_rsqrt {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, -1.0, 0.25, 4.0, 2.0}, dtype=torch.float64)
//   torch.rsqrt(x).tolist()
TEST(Rsqrt, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, -1.0, 0.25, 4.0, 2.0}, {9}, d);
    expect_tensor(nabla::rsqrt(x), {9},
                  {kInf, -kInf, 0.0, kNaN, kNaN, kNaN, 2.0, 0.5, 0.7071067811865475}, d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.25, 4.0, 0.0}, dtype=torch.float64,
//   requires_grad=True); torch.rsqrt(x).sum().backward(); x.grad.tolist()
TEST(Rsqrt, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.25, 4.0, 0.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::rsqrt(x)).backward();
  expect_tensor(x.grad(), {3}, {-4.0, -0.0625, -kInf}, nabla::f64);
}

TEST(Rsqrt, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::rsqrt(x.t()), {4, 3}, nabla::rsqrt(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Rsqrt, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::rsqrt(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::rsqrt"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::rsqrt(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::rsqrt"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::rsqrt(Tensor()); }),
              HasSubstr("nabla::rsqrt: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_rsqrt
