// Tests of ops/exp2.cpp: 2ˣ.

#include "ops/op_test_util.hpp"

namespace test_exp2 {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -3.0, 10.0, 2000.0}, dtype=torch.float64)
//   torch.exp2(x).tolist()
TEST(Exp2, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -3.0, 10.0, 2000.0}, {9}, d);
    expect_tensor(nabla::exp2(x), {9},
                  {1.0, 1.0, kInf, 0.0, kNaN, 1.4142135623730951, 0.125, 1024.0, kInf}, d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, -3.0, 0.5}, dtype=torch.float64,
//   requires_grad=True); torch.exp2(x).sum().backward(); x.grad.tolist()
TEST(Exp2, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, -3.0, 0.5}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::exp2(x)).backward();
  expect_tensor(x.grad(), {3}, {0.6931471805599453, 0.08664339756999316, 0.9802581434685472},
                nabla::f64);
}

TEST(Exp2, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::exp2(x.t()), {4, 3}, nabla::exp2(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Exp2, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::exp2(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::exp2"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::exp2(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::exp2"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::exp2(Tensor()); }),
              HasSubstr("nabla::exp2: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_exp2
