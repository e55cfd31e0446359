// Tests of ops/index_select.cpp: entries along an axis at the positions of a 1-d index.

#include "ops/op_test_util.hpp"

namespace test_index_select {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.arange(12, dtype=torch.float64).reshape(3, 4)
//   torch.index_select(x, 1, torch.tensor([3, 0, 3])).flatten().tolist()
//   xr = x.clone().requires_grad_(); w = torch.arange(1., 10., dtype=torch.float64).reshape(3, 3)
//   (torch.index_select(xr, 1, torch.tensor([3, 0, 3])) * w).sum().backward(); xr.grad
TEST(IndexSelect, ForwardAndGradientMatchPyTorch) {
  for (Dtype d : kDtypes) {
    const Tensor x = nabla::arange(12, d).reshape({3, 4});
    for (Dtype id : {nabla::i64, nabla::i32}) {
      expect_tensor(nabla::index_select(x, 1, nabla::tensor({3, 0, 3}, id)), {3, 3},
                    {3, 0, 3, 7, 4, 7, 11, 8, 11}, d);
    }
  }
  Tensor x = nabla::arange(12, nabla::f64).reshape({3, 4}).requires_grad_();
  const Tensor w = nabla::arange(1, 10, 1, nabla::f64).reshape({3, 3});
  nabla::sum(nabla::index_select(x, 1, nabla::tensor({3, 0, 3}, nabla::i64)) * w).backward();
  expect_tensor(x.grad(), {3, 4}, {2, 0, 0, 4, 5, 0, 0, 10, 8, 0, 0, 16}, nabla::f64);
}

TEST(IndexSelect, ViewsZeroDAndIntegerInputs) {
  const Tensor base = nabla::arange(12, nabla::f64).reshape({3, 4});
  // a transpose [4,3] and a stepped slice [3,2] as inputs
  expect_tensor(nabla::index_select(base.t(), 0, nabla::tensor({1}, nabla::i64)), {1, 3}, {1, 5, 9},
                nabla::f64);
  expect_tensor(nabla::index_select(base.slice(1, 0, std::nullopt, 2), 1, nabla::tensor({1, 0}, nabla::i64)),
                {3, 2}, {2, 0, 6, 4, 10, 8}, nabla::f64);
  // a 0-d index keeps the axis with extent 1; a 0-d x gives a 0-d result (as PyTorch)
  expect_tensor(nabla::index_select(base, 0, nabla::tensor(2, nabla::i64)), {1, 4}, {8, 9, 10, 11}, nabla::f64);
  expect_tensor(nabla::index_select(nabla::scalar_tensor(5, nabla::f64), 0, nabla::tensor({0}, nabla::i64)),
                {}, {5}, nabla::f64);
  // an index given as a view (stepped)
  const Tensor idx = nabla::tensor({2, 9, 0, 9}, nabla::i64).slice(0, 0, std::nullopt, 2);
  expect_tensor(nabla::index_select(nabla::tensor({1, 2, 3}, nabla::i64), 0, idx), {2}, {3, 1}, nabla::i64);
}

TEST(IndexSelect, GradientsAndSecondOrderMatchFiniteDifferences) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor r = nabla::index_select(in[0], 0, nabla::tensor({1, 1, 0}, nabla::i32));
    return r * r;
  };
  expect_gradients_match(fn, {normal({2, 3}, 3)});
  expect_nonzero_gradient(fn, {normal({2, 3}, 3)});
}

TEST(IndexSelect, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3, 4});
  // x
  EXPECT_THAT(message_of([&] { nabla::index_select(Tensor(), 0, nabla::tensor({0}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::index_select"), HasSubstr("undefined")));
  // dim
  EXPECT_THROW(nabla::index_select(x, 2, nabla::tensor({0}, nabla::i64)), std::out_of_range);
  // index: dtype, rank, values (too large, negative)
  EXPECT_THAT(message_of([&] { nabla::index_select(x, 0, nabla::tensor({0.0})); }),
              AllOf(HasSubstr("nabla::index_select"), HasSubstr("int64 or int32"), HasSubstr("float32")));
  EXPECT_THAT(message_of([&] { nabla::index_select(x, 0, nabla::tensor({{0}}, nabla::i64)); }),
              AllOf(HasSubstr("1-d or 0-d"), HasSubstr("[1, 1]")));
  EXPECT_THROW(nabla::index_select(x, 1, nabla::tensor({0, 4}, nabla::i64)), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::index_select(x, 1, nabla::tensor({0, 4}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::index_select"), HasSubstr("value 4 at position 1"),
                    HasSubstr("[0, 4)"), HasSubstr("dim 1")));
  EXPECT_THAT(message_of([&] { nabla::index_select(x, 0, nabla::tensor({-1}, nabla::i32)); }),
              AllOf(HasSubstr("value -1 at position 0"), HasSubstr("[0, 3)")));
}

}  // namespace
}  // namespace test_index_select
