// Tests of ops/reciprocal.cpp: the reciprocal.

#include "ops/op_test_util.hpp"

namespace test_reciprocal {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.5, 4.0}, dtype=torch.float64)
//   torch.reciprocal(x).tolist()
TEST(Reciprocal, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x =
        nabla::tensor(std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.5, 4.0}, {8}, d);
    expect_tensor(nabla::reciprocal(x), {8},
                  {kInf, -kInf, 0.0, -0.0, kNaN, 2.0, -0.6666666666666666, 0.25}, d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.5, -1.5, 4.0, 0.0}, dtype=torch.float64,
//   requires_grad=True); torch.reciprocal(x).sum().backward(); x.grad.tolist()
TEST(Reciprocal, GradientMatchesPyTorch) {
  Tensor x =
      nabla::tensor(std::vector<double>{0.5, -1.5, 4.0, 0.0}, {4}, nabla::f64).requires_grad_();
  nabla::sum(nabla::reciprocal(x)).backward();
  expect_tensor(x.grad(), {4}, {-4.0, -0.4444444444444444, -0.0625, -kInf}, nabla::f64);
}

TEST(Reciprocal, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::reciprocal(x.t()), {4, 3}, nabla::reciprocal(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Reciprocal, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::reciprocal(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::reciprocal"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::reciprocal(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::reciprocal"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::reciprocal(Tensor()); }),
              HasSubstr("nabla::reciprocal: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_reciprocal
