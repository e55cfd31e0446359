// Tests of ops/binary_cross_entropy.cpp: −w·(t·log p + (1 − t)·log(1 − p)), logs clamped
// at −100.

#include "ops/op_test_util.hpp"

namespace test_binary_cross_entropy {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// p = 0 and p = 1 against the wrong target: PyTorch's clamp gives 100, not ∞
Tensor p(Dtype d) { return nabla::tensor({{0.2, 0.9, 0.5}, {0.0, 1.0, 0.7}}, d); }
Tensor y(Dtype d) { return nabla::tensor({{0.0, 1.0, 0.3}, {1.0, 0.0, 0.7}}, d); }
Tensor w(Dtype d) { return nabla::tensor({0.5, 2.0, 1.0}, d); }

// Recorded from PyTorch 1.13 (python3-torch):
//   F.binary_cross_entropy(p, y, reduction=r) and with weight=w (broadcast over rows)
TEST(BinaryCrossEntropy, MatchesPyTorchForEachReductionAndWeight) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::binary_cross_entropy(p(d), y(d)), {}, {33.605419258264476}, d);
    expect_tensor(nabla::binary_cross_entropy(p(d), y(d), {}, Reduction::sum), {},
                  {201.63251554958686}, d);
    expect_tensor(nabla::binary_cross_entropy(p(d), y(d), {}, Reduction::none), {2, 3},
                  {0.2231435513142097, 0.10536051565782628, 0.6931471805599453, 100.0, 100.0,
                   0.6108643020548935},
                  d);
    expect_tensor(nabla::binary_cross_entropy(p(d), y(d), w(d)), {}, {41.93771738159793}, d);
    expect_tensor(nabla::binary_cross_entropy(p(d), y(d), w(d), Reduction::sum), {},
                  {251.62630428958758}, d);
    expect_tensor(nabla::binary_cross_entropy(p(d), y(d), w(d), Reduction::none), {2, 3},
                  {0.11157177565710485, 0.21072103131565256, 0.6931471805599453, 50.0, 200.0,
                   0.6108643020548935},
                  d);
  }
}

TEST(BinaryCrossEntropy, GradientsMatchPyTorch) {
  // PyTorch 1.13: the gradients of F.binary_cross_entropy(p, y, reduction='sum') for
  // p = [0.2, 0.9, 0.5], y = [0, 1, 0.3] (both require grad)
  Tensor a = nabla::tensor({0.2, 0.9, 0.5}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor({0.0, 1.0, 0.3}, nabla::f64).requires_grad_();
  nabla::binary_cross_entropy(a, b, {}, Reduction::sum).backward();
  expect_tensor(a.grad(), {3}, {1.25, -1.1111111111111112, 0.8}, nabla::f64);
  expect_tensor(b.grad(), {3}, {1.3862943611198906, -2.1972245773362196, 0.0}, nabla::f64);
  // at p = 0 and 1 the clamped terms give finite (zero) gradients, never NaN
  Tensor c = nabla::tensor({0.0, 1.0}, nabla::f64).requires_grad_();
  nabla::binary_cross_entropy(c, nabla::tensor({1.0, 0.0}, nabla::f64)).backward();
  for (double g : c.grad().to_vector()) EXPECT_FALSE(std::isnan(g));
  // p in (0.1, 0.9), away from the clamps
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::binary_cross_entropy(in[0], in[1], in[2]); },
      {uniform({2, 3}, 0.1, 0.9, 3), uniform({2, 3}, 0.1, 0.9, 4), uniform({3}, 0.5, 2.0, 5)});
}

TEST(BinaryCrossEntropy, RejectsBadInput) {
  EXPECT_THAT(message_of([] {
                nabla::binary_cross_entropy(nabla::tensor({0.5, 1.5}), nabla::zeros({2}));
              }),
              AllOf(HasSubstr("nabla::binary_cross_entropy"), HasSubstr("[0, 1]"),
                    HasSubstr("1.5")));
  EXPECT_THAT(message_of([] {
                nabla::binary_cross_entropy(nabla::zeros({2, 3}), nabla::zeros({3}));
              }),
              AllOf(HasSubstr("nabla::binary_cross_entropy"), HasSubstr("[2, 3]"),
                    HasSubstr("[3]")));
  EXPECT_THAT(message_of([] {
                nabla::binary_cross_entropy(nabla::zeros({2, 3}), nabla::zeros({2, 3}),
                                            nabla::ones({2}));
              }),
              AllOf(HasSubstr("weight [2]"), HasSubstr("[2, 3]")));
  EXPECT_THAT(message_of([] {
                nabla::binary_cross_entropy(nabla::zeros({2}, nabla::i64), nabla::zeros({2}));
              }),
              AllOf(HasSubstr("nabla::binary_cross_entropy"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_binary_cross_entropy
