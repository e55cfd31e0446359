// Tests of ops/log10.cpp: the base-10 logarithm.

#include "ops/op_test_util.hpp"

namespace test_log10 {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   x = torch.tensor({0.0, -0.0, inf, -inf, nan, -1.0, 0.5, 1000.0, 3.0}, dtype=torch.float64)
//   torch.log10(x).tolist()
TEST(Log10, ForwardMatchesPyTorchAtEdges) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        std::vector<double>{0.0, -0.0, kInf, -kInf, kNaN, -1.0, 0.5, 1000.0, 3.0}, {9}, d);
    expect_tensor(
        nabla::log10(x), {9},
        {-kInf, -kInf, kInf, kNaN, kNaN, kNaN, -0.3010299956639812, 3.0, 0.47712125471966244}, d);
  }
}

// Recorded from PyTorch: x = torch.tensor({0.5, 1000.0, 0.0}, dtype=torch.float64,
//   requires_grad=True); torch.log10(x).sum().backward(); x.grad.tolist()
TEST(Log10, GradientMatchesPyTorch) {
  Tensor x = nabla::tensor(std::vector<double>{0.5, 1000.0, 0.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::log10(x)).backward();
  expect_tensor(x.grad(), {3}, {0.8685889638065037, 0.00043429448190325184, kInf}, nabla::f64);
}

TEST(Log10, ViewInputMatchesContiguous) {
  const Tensor x = nabla::mul(normal({3, 4}, 5), 0.5);
  expect_tensor(nabla::log10(x.t()), {4, 3}, nabla::log10(x.t().contiguous()).to_vector(),
                nabla::f64);
}

TEST(Log10, RejectsIntegerAndBoolInput) {
  EXPECT_THAT(message_of([] {
                nabla::log10(nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::log10"), HasSubstr("int64")));
  EXPECT_THAT(message_of([] {
                nabla::log10(nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_));
              }),
              AllOf(HasSubstr("nabla::log10"), HasSubstr("bool")));
  EXPECT_THAT(message_of([] { nabla::log10(Tensor()); }),
              HasSubstr("nabla::log10: input is an undefined tensor"));
}

}  // namespace
}  // namespace test_log10
