// Tests of ops/log1p.cpp: log(1 + x).

#include "ops/op_test_util.hpp"

namespace test_log1p {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, -1.0, -1.5, 1e-10, 0.5, 3.0}, dtype=torch.float64)
//   torch.log1p(x).tolist()
TEST(Log1p, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, -1.0, -1.5, 1e-10, 0.5, 3.0}, {10}, d);
    expect_tensor(nabla::log1p(x), {10},
                  {0.0, -0.0, kInf, kNaN, kNaN, -kInf, kNaN, 9.999999999500001e-11,
                   0.4054651081081644, 1.3862943611198906},
                  d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.0, 1e-10, -0.5, 3.0, -1.0}, dtype=torch.float64,
//   requires_grad=True); torch.log1p(x).sum().backward(); x.grad.tolist()
TEST(Log1p, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.0, 1e-10, -0.5, 3.0, -1.0}, {5}, nabla::f64)
                 .requires_grad_();
  nabla::sum(nabla::log1p(x)).backward();
  expect_tensor(x.grad(), {5}, {1.0, 0.9999999999, 2.0, 0.25, kInf}, nabla::f64);
}

TEST(Log1p, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::log1p(x.t()), {4, 3}, nabla::log1p(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Log1p, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::log1p(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::log1p"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::log1p(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::log1p"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::log1p(Tensor()); }),
              HasSubstr("nabla::log1p: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_log1p
