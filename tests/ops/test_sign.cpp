// Tests of ops/sign.cpp: the sign.

#include "ops/op_test_util.hpp"

namespace test_sign {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 2.5, -0.5, 0.5, 1.5, -2.5, -2.7, 2.7, 3.5, 1e-30},
//   dtype=torch.float64) torch.sign(x).tolist()
TEST(Sign, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 2.5, -0.5, 0.5,
                                                       1.5, -2.5, -2.7, 2.7, 3.5, 1e-30},
                                   {14}, d);
    expect_tensor(nabla::sign(x), {14},
                  {0.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0, 1.0, 1.0}, d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.25, -1.75, 2.5}, dtype=torch.float64,
//   requires_grad=True); torch.sign(x).sum().backward(); x.grad.tolist()
TEST(Sign, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.25, -1.75, 2.5}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::sign(x)).backward();
  expect_tensor(x.grad(), {3}, {0.0, 0.0, 0.0}, nabla::f64);
}

TEST(Sign, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::sign(x.t()), {4, 3}, nabla::sign(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Sign, IntegerAndBoolInputKeepTheirDtype) {
  // PyTorch: torch.sign(torch.tensor([-3, 0, 5], dtype=torch.int32)) is tensor([-1, 0, 1],
  // dtype=torch.int32); uint8 [0, 7] gives [0, 1]; bool [True, False] gives itself
  expect_tensor(nabla::sign(nabla::tensor(std::vector<double>{-3, 0, 5}, {3}, nabla::i32)), {3},
                {-1, 0, 1}, nabla::i32);
  expect_tensor(nabla::sign(nabla::tensor(std::vector<double>{-3, 0, 5}, {3}, nabla::i64)), {3},
                {-1, 0, 1}, nabla::i64);
  expect_tensor(nabla::sign(nabla::tensor(std::vector<double>{0, 7}, {2}, nabla::u8)), {2}, {0, 1},
                nabla::u8);
  expect_tensor(nabla::sign(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_)), {2},
                {1, 0}, nabla::bool_);
}

TEST(Sign, GradientIsZeroWithAGraph) {
  Tensor x = nabla::tensor(std::vector<double>{0.25, -1.75, 0.0}, {3}, nabla::f64).requires_grad_();
  const Tensor y = nabla::sign(x);
  EXPECT_TRUE(y.requires_grad());
  nabla::sum(y).backward();
  expect_tensor(x.grad(), {3}, {0, 0, 0}, nabla::f64);
}

}  // namespace
}  // namespace test_sign
