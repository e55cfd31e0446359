// Tests of ops/asin.cpp: the arcsine.

#include "ops/op_test_util.hpp"

namespace test_asin {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -0.75, 1.0, -1.0, 1.5}, dtype=torch.float64)
//   torch.asin(x).tolist()
TEST(Asin, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -0.75, 1.0, -1.0, 1.5}, {10}, d);
    expect_tensor(nabla::asin(x), {10},
                  {0.0, -0.0, kNaN, kNaN, kNaN, 0.5235987755982989, -0.848062078981481,
                   1.5707963267948966, -1.5707963267948966, kNaN},
                  d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -0.75, 1.0}, dtype=torch.float64,
//   requires_grad=True); torch.asin(x).sum().backward(); x.grad.tolist()
TEST(Asin, GradientMatchesPyTorch) {
  Tensor x =
      nabla::tensor(std::vector<double>{0.0, 0.5, -0.75, 1.0}, {4}, nabla::f64).requires_grad_();
  nabla::sum(nabla::asin(x)).backward();
  expect_tensor(x.grad(), {4}, {1.0, 1.1547005383792517, 1.5118578920369088, kInf}, nabla::f64);
}

TEST(Asin, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::asin(x.t()), {4, 3}, nabla::asin(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Asin, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::asin(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::asin"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::asin(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::asin"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::asin(Tensor()); }),
              HasSubstr("nabla::asin: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_asin
