// Tests of ops/atan.cpp: the arctangent.

#include "ops/op_test_util.hpp"

namespace test_atan {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.5, 10000000000.0}, dtype=torch.float64)
//   torch.atan(x).tolist()
TEST(Atan, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.5, 10000000000.0}, {8}, d);
    expect_tensor(nabla::atan(x), {8},
                  {0.0, -0.0, 1.5707963267948966, -1.5707963267948966, kNaN, 0.4636476090008061,
                   -0.982793723247329, 1.5707963266948965},
                  d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -2.0}, dtype=torch.float64,
//   requires_grad=True); torch.atan(x).sum().backward(); x.grad.tolist()
TEST(Atan, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, 0.5, -2.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::atan(x)).backward();
  expect_tensor(x.grad(), {3}, {1.0, 0.8, 0.2}, nabla::f64);
}

TEST(Atan, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::atan(x.t()), {4, 3}, nabla::atan(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Atan, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::atan(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::atan"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::atan(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::atan"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::atan(Tensor()); }),
              HasSubstr("nabla::atan: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_atan
