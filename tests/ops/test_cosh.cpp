// Tests of ops/cosh.cpp: the hyperbolic cosine.

#include "ops/op_test_util.hpp"

namespace test_cosh {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.5, 1000.0}, dtype=torch.float64)
//   torch.cosh(x).tolist()
TEST(Cosh, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x =
        nabla::tensor(std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.5, 1000.0}, {8}, d);
    expect_tensor(nabla::cosh(x), {8},
                  {1.0, 1.0, kInf, kInf, kNaN, 1.1276259652063807, 2.352409615243247, kInf}, d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -2.0}, dtype=torch.float64,
//   requires_grad=True); torch.cosh(x).sum().backward(); x.grad.tolist()
TEST(Cosh, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, 0.5, -2.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::cosh(x)).backward();
  expect_tensor(x.grad(), {3}, {0.0, 0.5210953054937474, -3.626860407847019}, nabla::f64);
}

TEST(Cosh, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::cosh(x.t()), {4, 3}, nabla::cosh(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Cosh, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::cosh(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::cosh"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::cosh(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::cosh"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::cosh(Tensor()); }),
              HasSubstr("nabla::cosh: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_cosh
