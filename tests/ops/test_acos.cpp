// Tests of ops/acos.cpp: the arccosine.

#include "ops/op_test_util.hpp"

namespace test_acos {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -0.75, 1.0, -1.0, 1.5}, dtype=torch.float64)
//   torch.acos(x).tolist()
TEST(Acos, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -0.75, 1.0, -1.0, 1.5}, {10}, d);
    expect_tensor(nabla::acos(x), {10},
                  {1.5707963267948966, 1.5707963267948966, kNaN, kNaN, kNaN, 1.0471975511965976,
                   2.4188584057763776, 0.0, 3.141592653589793, kNaN},
                  d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -0.75, -1.0}, dtype=torch.float64,
//   requires_grad=True); torch.acos(x).sum().backward(); x.grad.tolist()
TEST(Acos, GradientMatchesPyTorch) {
  Tensor x =
      nabla::tensor(std::vector<double>{0.0, 0.5, -0.75, -1.0}, {4}, nabla::f64).requires_grad_();
  nabla::sum(nabla::acos(x)).backward();
  expect_tensor(x.grad(), {4}, {-1.0, -1.1547005383792517, -1.5118578920369088, -kInf}, nabla::f64);
}

TEST(Acos, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::acos(x.t()), {4, 3}, nabla::acos(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Acos, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::acos(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::acos"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::acos(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::acos"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::acos(Tensor()); }),
              HasSubstr("nabla::acos: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_acos
