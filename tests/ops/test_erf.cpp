// Tests of ops/erf.cpp: the error function.

#include "ops/op_test_util.hpp"

namespace test_erf {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.5, 3.0, 10.0}, dtype=torch.float64)
//   torch.erf(x).tolist()
TEST(Erf, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.5, 3.0, 10.0}, {9}, d);
    expect_tensor(nabla::erf(x), {9},
                  {0.0, -0.0, 1.0, -1.0, kNaN, 0.5204998778130465, -0.9661051464753108,
                   0.9999779095030014, 1.0},
                  d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -1.5, inf}, dtype=torch.float64,
//   requires_grad=True); torch.erf(x).sum().backward(); x.grad.tolist()
TEST(Erf, GradientMatchesPyTorch) {
  Tensor x =
      nabla::tensor(std::vector<double>{0.0, 0.5, -1.5, kInf}, {4}, nabla::f64).requires_grad_();
  nabla::sum(nabla::erf(x)).backward();
  expect_tensor(x.grad(), {4}, {1.1283791670955126, 0.8787825789354448, 0.11893028922362936, 0.0},
                nabla::f64);
}

TEST(Erf, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::erf(x.t()), {4, 3}, nabla::erf(x.t().contiguous()).to_vector(), nabla::f64);
}

TEST(Erf, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::erf(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::erf"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::erf(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::erf"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::erf(Tensor()); }),
              HasSubstr("nabla::erf: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_erf
