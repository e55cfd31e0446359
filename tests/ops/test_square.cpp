// Tests of ops/square.cpp: the square.

#include "ops/op_test_util.hpp"

namespace test_square {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.5, 3.0, 1e+200}, dtype=torch.float64)
//   torch.square(x).tolist()
TEST(Square, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.5, 3.0, 1e+200}, {9}, d);
    expect_tensor(nabla::square(x), {9}, {0.0, 0.0, kInf, kInf, kNaN, 0.25, 2.25, 9.0, kInf}, d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -1.5}, dtype=torch.float64,
//   requires_grad=True); torch.square(x).sum().backward(); x.grad.tolist()
TEST(Square, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, 0.5, -1.5}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::square(x)).backward();
  expect_tensor(x.grad(), {3}, {0.0, 1.0, -3.0}, nabla::f64);
}

TEST(Square, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::square(x.t()), {4, 3}, nabla::square(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Square, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::square(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::square"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::square(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::square"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::square(Tensor()); }),
              HasSubstr("nabla::square: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_square
