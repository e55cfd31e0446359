// Tests of ops/bmm.cpp: the batched matrix product without broadcasting.

#include "ops/linalg_test_util.hpp"

namespace test_bmm {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

const nabla::Function kBmm = [](const std::vector<Tensor>& in) { return nabla::bmm(in[0], in[1]); };

// Recorded from PyTorch 1.13 (python3-torch), with pat and run of linalg_test_util.hpp:
//   run(torch.bmm, pat((2,2,3)), pat((2,3,2), 5, 13))
TEST(Bmm, ValuesAndGradientsMatchPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::bmm(pattern({2, 2, 3}, 7, 11, d), pattern_b({2, 3, 2}, d)), {2, 2, 2},
                  {2.25, -0.9375, -1.8125, -1.6875, -1.75, 1.5, -1.625, 1.5}, d);
  }
  const auto g = pattern_grads(kBmm, {pattern({2, 2, 3}), pattern_b({2, 3, 2})});
  expect_tensor(
      g[0], {2, 2, 3},
      {-2.375, -0.75, 3.3125, -4.5625, 1.0, 3.3125, -0.125, -3.125, 2.0, -0.1875, -2.8125, 1.875},
      nabla::f64);
  expect_tensor(g[1], {2, 3, 2},
                {1.875, -0.3125, 1.3125, 1.4375, -2.6875, -2.3125, 4.1875, 2.4375, -0.5625, -0.3125,
                 -5.3125, -3.0625},
                nabla::f64);
}

TEST(Bmm, EqualsMatmulOfEachMatrix) {
  const Tensor a = normal({3, 2, 4}, 1), b = normal({3, 4, 5}, 2);
  const Tensor c = nabla::bmm(a, b);
  for (std::int64_t i = 0; i < 3; ++i) {
    expect_same_values(nabla::select(c, 0, i),
                       nabla::matmul(nabla::select(a, 0, i), nabla::select(b, 0, i)));
  }
}

TEST(Bmm, GradientsOfFirstAndSecondOrderMatchFiniteDifferences) {
  expect_gradients_match(kBmm, {normal({2, 3, 4}, 3), normal({2, 4, 2}, 4)});
  expect_nonzero_gradient(kBmm, {normal({2, 3, 4}, 3), normal({2, 4, 2}, 4)});
}

TEST(Bmm, ReadsViewsInPlace) {
  // a transposed stack, a stack with its batch axis inside, and a stride-0 batch
  const Tensor base_a = normal({2, 4, 3}, 5);  // → [2,3,4] by swapping the last two axes
  const Tensor base_b = normal({4, 2, 5}, 6);  // → [2,4,5] by permuting the batch inside
  const Tensor one_b = normal({1, 4, 5}, 7);   // → [2,4,5] by expand
  const Tensor a = nabla::transpose(base_a, 1, 2);
  const Tensor b = nabla::permute(base_b, {1, 0, 2});
  const Tensor e = nabla::expand(one_b, {2, 4, 5});
  expect_same_values(nabla::bmm(a, b), nabla::bmm(nabla::contiguous(a), nabla::contiguous(b)));
  expect_same_values(nabla::bmm(a, e), nabla::bmm(nabla::contiguous(a), nabla::contiguous(e)));
  const nabla::Function through_views = [](const std::vector<Tensor>& in) {
    return nabla::bmm(nabla::transpose(in[0], 1, 2), nabla::expand(in[1], {2, 4, 5}));
  };
  expect_gradients_match(through_views, {base_a, one_b});
}

TEST(Bmm, RecordsANodeNamedBmm) {
  Tensor a = normal({2, 2, 2}, 8).requires_grad_();
  const Tensor c = nabla::bmm(a, normal({2, 2, 2}, 9));
  ASSERT_NE(c.grad_fn(), nullptr);
  EXPECT_EQ(c.grad_fn()->name(), "bmm");
}

TEST(Bmm, RejectsOperandsThatAreNot3d) {
  const Tensor s = nabla::ones({2, 3, 4});
  EXPECT_THAT(message_of([&] {
                nabla::bmm(nabla::ones({3, 4}), s);
              }),
              AllOf(HasSubstr("nabla::bmm"), HasSubstr("3-d"), HasSubstr("[3, 4]"),
                    HasSubstr("[2, 3, 4]")));
  EXPECT_THAT(message_of([&] {
                nabla::bmm(s, nabla::ones({1, 2, 4, 5}));
              }),
              AllOf(HasSubstr("nabla::bmm"), HasSubstr("3-d"), HasSubstr("[1, 2, 4, 5]")));
  EXPECT_THROW(nabla::bmm(s, Tensor()), std::invalid_argument);
}

TEST(Bmm, RejectsDifferentBatchExtentsWithoutBroadcasting) {
  EXPECT_THAT(message_of([] {
                nabla::bmm(nabla::ones({2, 3, 4}), nabla::ones({1, 4, 5}));
              }),
              AllOf(HasSubstr("nabla::bmm"), HasSubstr("batch extents differ: 2 and 1"),
                    HasSubstr("[2, 3, 4]"), HasSubstr("[1, 4, 5]")));
}

TEST(Bmm, RejectsInnerExtentMismatch) {
  EXPECT_THAT(message_of([] {
                nabla::bmm(nabla::ones({2, 3, 4}), nabla::ones({2, 5, 2}));
              }),
              AllOf(HasSubstr("nabla::bmm"), HasSubstr("inner extents 4 and 5"),
                    HasSubstr("[2, 3, 4]"), HasSubstr("[2, 5, 2]")));
}

TEST(Bmm, RejectsMixedAndIntegerDtypes) {
  EXPECT_THAT(message_of([] {
                nabla::bmm(nabla::ones({1, 2, 2}, nabla::f32), nabla::ones({1, 2, 2}, nabla::f64));
              }),
              AllOf(HasSubstr("nabla::bmm"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(message_of([] {
                nabla::bmm(nabla::ones({1, 2, 2}, nabla::i32), nabla::ones({1, 2, 2}, nabla::i32));
              }),
              AllOf(HasSubstr("nabla::bmm"), HasSubstr("int32")));
}

}  // namespace
}  // namespace test_bmm
