// Tests of ops/round.cpp: rounding halves to even.

#include "ops/op_test_util.hpp"

namespace test_round {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, 2.5, -0.5, 0.5, 1.5, -2.5, -2.7, 2.7, 3.5},
//   dtype=torch.float64) torch.round(x).tolist()
TEST(Round, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, 2.5, -0.5, 0.5,
                                                       1.5, -2.5, -2.7, 2.7, 3.5},
                                   {13}, d);
    expect_tensor(nabla::round(x), {13},
                  {0.0, -0.0, kInf, -kInf, kNaN, 2.0, -0.0, 0.0, 2.0, -2.0, -3.0, 3.0, 4.0}, d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.25, -1.75, 2.5}, dtype=torch.float64,
//   requires_grad=True); torch.round(x).sum().backward(); x.grad.tolist()
TEST(Round, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.25, -1.75, 2.5}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::round(x)).backward();
  expect_tensor(x.grad(), {3}, {0.0, 0.0, 0.0}, nabla::f64);
}

TEST(Round, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::round(x.t()), {4, 3}, nabla::round(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Round, IntegerInputIsReturnedUnchangedInItsDtype) {
  // PyTorch: torch.round(torch.tensor([-3, 0, 5])) is tensor([-3, 0, 5]), int64
  for (Dtype d : {nabla::i64, nabla::i32}) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(std::vector<double>{-3, 0, 5}, {3}, d);
    const Tensor r = nabla::round(x);
    expect_tensor(r, {3}, {-3, 0, 5}, d);
    EXPECT_FALSE(r.is_same_storage(x));  // a copy, as PyTorch's clone
  }
  expect_tensor(nabla::round(nabla::tensor(std::vector<double>{7, 200}, {2}, nabla::u8)), {2},
                {7, 200}, nabla::u8);
}

TEST(Round, RejectsBoolInput) {
  // PyTorch: "round_vml_cpu" not implemented for 'Bool'
  EXPECT_THAT(message_of([] {
                nabla::round(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              HasSubstr("nabla::round: input is bool"));
}

TEST(Round, GradientIsZeroWithAGraph) {
  Tensor x = nabla::tensor(std::vector<double>{0.25, -1.75, 2.5}, {3}, nabla::f64).requires_grad_();
  const Tensor y = nabla::round(x);
  EXPECT_TRUE(y.requires_grad());
  nabla::sum(y).backward();
  expect_tensor(x.grad(), {3}, {0, 0, 0}, nabla::f64);
}

}  // namespace
}  // namespace test_round
