// Tests of ops/cos.cpp: the cosine.

#include "ops/op_test_util.hpp"

namespace test_cos {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 0.5, -1.5, 3.0}, dtype=torch.float64)
//   torch.cos(x).tolist()
TEST(Cos, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x =
        nabla::tensor(std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 0.5, -1.5, 3.0}, {8}, d);
    expect_tensor(
        nabla::cos(x), {8},
        {1.0, 1.0, kNaN, kNaN, kNaN, 0.8775825618903728, 0.0707372016677029, -0.9899924966004454},
        d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 0.5, -2.0}, dtype=torch.float64,
//   requires_grad=True); torch.cos(x).sum().backward(); x.grad.tolist()
TEST(Cos, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, 0.5, -2.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::cos(x)).backward();
  expect_tensor(x.grad(), {3}, {-0.0, -0.479425538604203, 0.9092974268256817}, nabla::f64);
}

TEST(Cos, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::cos(x.t()), {4, 3}, nabla::cos(x.t().contiguous()).to_vector(), nabla::f64);
}

TEST(Cos, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::cos(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::cos"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::cos(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::cos"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::cos(Tensor()); }),
              HasSubstr("nabla::cos: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_cos
