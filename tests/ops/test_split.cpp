// Tests of ops/split.cpp, ops/chunk.cpp and ops/unbind.cpp: views of consecutive parts,
// recorded as one node with an output per part.
// Part sizes as PyTorch (python3-torch): torch.arange(5).split(2) → sizes 2, 2, 1;
// torch.arange(5).chunk(4) → sizes 2, 2, 1 (3 parts); torch.arange(6).chunk(4) → 2, 2, 2;
// torch.zeros(0).chunk(3) → 3 empty parts; torch.zeros(0).split(2) → 1 empty part.

#include "nabla/joining.hpp"
#include "ops/op_test_util.hpp"

namespace test_split {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

std::vector<std::int64_t> sizes_of(const std::vector<Tensor>& parts, std::int64_t dim) {
  std::vector<std::int64_t> s;
  for (const Tensor& p : parts) s.push_back(p.size(dim));
  return s;
}

using Sizes = std::vector<std::int64_t>;

TEST(Split, PartsAreViewsWithPyTorchsSizes) {
  const Tensor x = nabla::arange(0.0, 5.0, 1.0);
  const auto parts = nabla::split(x, 2);
  EXPECT_EQ(sizes_of(parts, 0), (Sizes{2, 2, 1}));
  expect_tensor(parts[2], {1}, {4}, nabla::f32);
  for (const Tensor& p : parts) EXPECT_TRUE(p.is_same_storage(x));
  EXPECT_EQ(sizes_of(nabla::split(x, {1, 4}), 0), (Sizes{1, 4}));
  EXPECT_EQ(sizes_of(nabla::chunk(x, 4), 0), (Sizes{2, 2, 1}));
  EXPECT_EQ(sizes_of(nabla::chunk(nabla::arange(0.0, 6.0, 1.0), 4), 0), (Sizes{2, 2, 2}));
  EXPECT_EQ(sizes_of(nabla::chunk(nabla::zeros({0}), 3), 0), (Sizes{0, 0, 0}));
  EXPECT_EQ(sizes_of(nabla::split(nabla::zeros({0}), 2), 0), (Sizes{0}));
  const Tensor m = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  const auto cols = nabla::split(m, 2, 1);
  expect_tensor(cols[0], {2, 2}, {1, 2, 4, 5}, nabla::f32);
  expect_tensor(cols[1], {2, 1}, {3, 6}, nabla::f32);
}

TEST(Split, OneNodeWithAnOutputPerPart) {
  Tensor x = nabla::zeros({4, 2}, nabla::f64).requires_grad_();
  const auto parts = nabla::split(x, 2);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].grad_fn(), parts[1].grad_fn());
  EXPECT_EQ(parts[0].grad_fn()->name(), "split");
  EXPECT_EQ(parts[0].grad_fn()->num_outputs(), 2u);
  EXPECT_EQ(parts[0].grad_fn()->output_shape(1), (Shape{2, 2}));
}

TEST(Split, GradientJoinsThePartsWithZerosForUnusedOnes) {
  Tensor x = nabla::zeros({5}, nabla::f64).requires_grad_();
  const auto parts = nabla::split(x, 2);  // [2], [2], [1]
  (nabla::sum(parts[0] * 3.0) + nabla::sum(parts[2] * 5.0)).backward();
  expect_tensor(x.grad(), {5}, {3, 3, 0, 0, 5}, nabla::f64);
  Tensor y = nabla::zeros({2, 3}, nabla::f64).requires_grad_();
  const auto halves = nabla::chunk(y, 2, 1);  // [2,2], [2,1]
  nabla::sum(halves[1] * 2.0).backward();
  expect_tensor(y.grad(), {2, 3}, {0, 0, 2, 0, 0, 2}, nabla::f64);
}

TEST(Split, GradientsAndSecondDerivativesMatchFiniteDifferences) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const auto p = nabla::split(in[0], {1, 2}, 1);
    return p[0] * p[0] + nabla::sum(p[1] * p[1], {1}, true) * p[0];
  };
  expect_gradients_match(fn, {normal({2, 3}, 3)});
  expect_nonzero_gradient(fn, {normal({2, 3}, 3)});
  nabla::GradcheckOptions o;
  const auto r = nabla::gradgradcheck(fn, requiring_grad({normal({2, 3}, 3)}), o);
  EXPECT_TRUE(r.passed) << r.message;
}

TEST(Split, BadInputThrowsNamingTheSizes) {
  const Tensor x = nabla::ones({2, 3});
  EXPECT_THAT(message_of([&] { nabla::split(x, 0, 1); }),
              AllOf(HasSubstr("nabla::split"), HasSubstr("split_size 0 must be positive")));
  EXPECT_THAT(message_of([&] { nabla::split(x, {1, 1}, 1); }),
              AllOf(HasSubstr("nabla::split"), HasSubstr("sum to 2"), HasSubstr("extent 3")));
  EXPECT_THAT(message_of([&] { nabla::split(x, {4, -1}, 1); }), HasSubstr("negative size -1"));
  EXPECT_THAT(message_of([&] { nabla::chunk(x, 0, 1); }),
              AllOf(HasSubstr("nabla::chunk"), HasSubstr("must be positive, got 0")));
  EXPECT_THROW(nabla::split(x, 1, 2), std::out_of_range);
  EXPECT_THROW(nabla::chunk(nabla::scalar_tensor(1.0), 1, 0), std::out_of_range);
}

TEST(Unbind, SlicesAreViewsAndTheGradientStacksThem) {
  Tensor x = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, nabla::f64).requires_grad_();
  const auto cols = nabla::unbind(x, 1);
  ASSERT_EQ(cols.size(), 3u);
  expect_tensor(cols[1], {2}, {2, 5}, nabla::f64);
  EXPECT_TRUE(cols[1].is_same_storage(x));
  EXPECT_EQ(cols[0].grad_fn()->name(), "unbind");
  nabla::sum(cols[2] * cols[0]).backward();  // slice 1 unused: zeros
  expect_tensor(x.grad(), {2, 3}, {3, 0, 1, 6, 0, 4}, nabla::f64);
  EXPECT_TRUE(nabla::unbind(nabla::zeros({0, 2}), 0).empty());
  EXPECT_THROW(nabla::unbind(nabla::scalar_tensor(1.0), 0), std::out_of_range);
}

TEST(Split, WritingIntoAPartBumpsTheSharedVersion) {
  Tensor x = nabla::ones({4}, nabla::f64).requires_grad_();
  Tensor h = x * 2.0;
  Tensor y = nabla::exp(h);  // saves its result, y
  auto parts = nabla::split(y, 2);
  {
    nabla::NoGradGuard g;
    parts[1].mul_(3.0);  // writes into y's storage
  }
  EXPECT_THAT(message_of([&] { nabla::sum(parts[0]).backward(); }),
              HasSubstr("modified in place"));
}

}  // namespace
}  // namespace test_split
