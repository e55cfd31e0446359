// Tests of ops/sin.cpp: the sine.

#include "ops/op_test_util.hpp"

namespace test_sin {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.5, 3.0}, dtype=torch.float64)
//   torch.sin(x).tolist()
TEST(Sin, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x =
        nabla::tensor(std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.5, 3.0}, {8}, d);
    expect_tensor(
        nabla::sin(x), {8},
        {0.0, -0.0, kNaN, kNaN, kNaN, 0.479425538604203, -0.9974949866040544, 0.1411200080598672},
        d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -2.0}, dtype=torch.float64,
//   requires_grad=True); torch.sin(x).sum().backward(); x.grad.tolist()
TEST(Sin, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, 0.5, -2.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::sin(x)).backward();
  expect_tensor(x.grad(), {3}, {1.0, 0.8775825618903728, -0.4161468365471424}, nabla::f64);
}

TEST(Sin, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::sin(x.t()), {4, 3}, nabla::sin(x.t().contiguous()).to_vector(), nabla::f64);
}

TEST(Sin, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::sin(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::sin"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::sin(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::sin"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::sin(Tensor()); }),
              HasSubstr("nabla::sin: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_sin
