// Tests of ops/frac.cpp: the fractional part.

#include "ops/op_test_util.hpp"

namespace test_frac {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 2.5, -0.5, 0.5, 1.5, -2.5, -2.7, 2.7, 3.5},
//   dtype=torch.float64) torch.frac(x).tolist()
TEST(Frac, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 2.5, -0.5, 0.5,
                                                       1.5, -2.5, -2.7, 2.7, 3.5},
                                   {13}, d);
    expect_tensor(nabla::frac(x), {13},
                  {0.0, 0.0, kNaN, kNaN, kNaN, 0.5, -0.5, 0.5, 0.5, -0.5, -0.7000000000000002,
                   0.7000000000000002, 0.5},
                  d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.25, -1.75, 2.5}, dtype=torch.float64,
//   requires_grad=True); torch.frac(x).sum().backward(); x.grad.tolist()
TEST(Frac, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.25, -1.75, 2.5}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::frac(x)).backward();
  expect_tensor(x.grad(), {3}, {1.0, 1.0, 1.0}, nabla::f64);
}

TEST(Frac, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::frac(x.t()), {4, 3}, nabla::frac(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Frac, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::frac(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::frac"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::frac(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::frac"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::frac(Tensor()); }),
              HasSubstr("nabla::frac: input is an undefined tensor"));
}

TEST(Frac, RejectsIntegerInputAsPyTorch) {
  // PyTorch: "frac_cpu" not implemented for 'Long'
  EXPECT_THAT(message_of([] {
                nabla::frac(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i32));
              }),
              AllOf(HasSubstr("nabla::frac"), HasSubstr("int32")));
}

}  // namespace
}  // namespace test_frac
