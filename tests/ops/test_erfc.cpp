// Tests of ops/erfc.cpp: the complementary error function.

#include "ops/op_test_util.hpp"

namespace test_erfc {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.5, 3.0, 10.0, 30.0}, dtype=torch.float64)
//   torch.erfc(x).tolist()
TEST(Erfc, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.5, 3.0, 10.0, 30.0}, {10}, d);
    expect_tensor(nabla::erfc(x), {10},
                  {1.0, 1.0, 0.0, 2.0, kNaN, 0.4795001221869535, 1.9661051464753108,
                   2.209049699858544e-05, 2.088487583762545e-45, 0.0},
                  d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -1.5, inf}, dtype=torch.float64,
//   requires_grad=True); torch.erfc(x).sum().backward(); x.grad.tolist()
TEST(Erfc, GradientMatchesPyTorch) {
  Tensor x =
      nabla::tensor(std::vector<double>{0.0, 0.5, -1.5, kInf}, {4}, nabla::f64).requires_grad_();
  nabla::sum(nabla::erfc(x)).backward();
  expect_tensor(x.grad(), {4},
                {-1.1283791670955126, -0.8787825789354448, -0.11893028922362936, -0.0}, nabla::f64);
}

TEST(Erfc, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::erfc(x.t()), {4, 3}, nabla::erfc(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Erfc, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::erfc(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::erfc"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::erfc(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::erfc"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::erfc(Tensor()); }),
              HasSubstr("nabla::erfc: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_erfc
