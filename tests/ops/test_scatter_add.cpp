// Tests of ops/scatter_add.cpp: src added at the positions an index names, and scatter_add_.

#include "ops/op_test_util.hpp"

namespace test_scatter_add {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.arange(12, dtype=torch.float64).reshape(3, 4)
//   src = torch.arange(1., 7., dtype=torch.float64).reshape(2, 3)
//   i = torch.tensor([[2, 0, 2], [2, 1, 0]])
//   torch.scatter_add(x, 0, i, src).flatten().tolist()
//   w = torch.arange(1., 13., dtype=torch.float64).reshape(3, 4), x and src requiring grad:
//   (torch.scatter_add(x, 0, i, src) * w).sum().backward(); x.grad, src.grad
TEST(ScatterAdd, ForwardAndGradientsMatchPyTorch) {
  for (Dtype d : kDtypes) {
    const Tensor x = nabla::arange(12, d).reshape({3, 4});
    const Tensor src = nabla::arange(1, 7, 1, d).reshape({2, 3});
    expect_tensor(nabla::scatter_add(x, 0, nabla::tensor({{2, 0, 2}, {2, 1, 0}}, nabla::i32), src), {3, 4},
                  {0, 3, 8, 3, 4, 10, 6, 7, 13, 9, 13, 11}, d);
  }
  Tensor x = nabla::arange(12, nabla::f64).reshape({3, 4}).requires_grad_();
  Tensor src = nabla::arange(1, 7, 1, nabla::f64).reshape({2, 3}).requires_grad_();
  const Tensor w = nabla::arange(1, 13, 1, nabla::f64).reshape({3, 4});
  nabla::sum(nabla::scatter_add(x, 0, nabla::tensor({{2, 0, 2}, {2, 1, 0}}, nabla::i64), src) * w).backward();
  expect_tensor(x.grad(), {3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, nabla::f64);
  expect_tensor(src.grad(), {2, 3}, {9, 2, 11, 9, 6, 3}, nabla::f64);
}

TEST(ScatterAdd, SrcLargerThanIndexGetsZeroGradientOutside) {
  // PyTorch 1.13 raises "ScatterAddBackward0 returned an invalid gradient" here; nabla pads.
  Tensor x = nabla::zeros({3, 4}, nabla::f64).requires_grad_();
  Tensor src = nabla::ones({2, 3}, nabla::f64).requires_grad_();
  const Tensor w = nabla::arange(1, 13, 1, nabla::f64).reshape({3, 4});
  nabla::sum(nabla::scatter_add(x, 1, nabla::tensor({{0, 1}}, nabla::i64), src) * w).backward();
  expect_tensor(src.grad(), {2, 3}, {1, 2, 0, 0, 0, 0}, nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor r = nabla::scatter_add(in[0], 1, nabla::tensor({{2, 2}, {0, 1}}, nabla::i64), in[1]);
    return r * r;
  };
  expect_gradients_match(fn, {normal({2, 3}, 8), normal({3, 3}, 9)});
  expect_nonzero_gradient(fn, {normal({2, 3}, 8), normal({3, 3}, 9)});
}

TEST(ScatterAdd, ViewsAndInPlace) {
  const Tensor x = nabla::zeros({4, 3}, nabla::f64).t();  // [3,4], a transpose
  const Tensor src = nabla::tensor({{1.0, 9.0, 2.0}}, nabla::f64).slice(1, 0, std::nullopt, 2);  // [[1, 2]]
  expect_tensor(nabla::scatter_add(x, 1, nabla::tensor({{3, 3}}, nabla::i64), src), {3, 4},
                {0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0}, nabla::f64);
  // in place, into a transposed view, bumping the version
  Tensor base = nabla::zeros({4, 3}, nabla::f64);
  Tensor view = base.t();
  const std::uint64_t v0 = base.version();
  view.scatter_add_(0, nabla::tensor({{2, 2}}, nabla::i32), src);
  EXPECT_GT(base.version(), v0);
  expect_tensor(base, {4, 3}, {0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0}, nabla::f64);
  // not on a tensor that requires grad while grad mode is on; fine under NoGradGuard
  Tensor leaf = nabla::zeros({1, 2}, nabla::f64).requires_grad_();
  EXPECT_THROW(leaf.scatter_add_(1, nabla::tensor({{0}}, nabla::i64), nabla::ones({1, 1}, nabla::f64)),
               std::logic_error);
  {
    nabla::NoGradGuard guard;
    leaf.scatter_add_(1, nabla::tensor({{1}}, nabla::i64), nabla::ones({1, 1}, nabla::f64));
  }
  expect_tensor(leaf, {1, 2}, {0, 1}, nabla::f64);
}

TEST(ScatterAdd, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3, 4});
  const Tensor i = nabla::tensor({{0, 1}}, nabla::i64);
  const Tensor s = nabla::ones({2, 3});
  EXPECT_THAT(message_of([&] { nabla::scatter_add(x, 0, i, Tensor()); }),
              AllOf(HasSubstr("nabla::scatter_add"), HasSubstr("src")));
  EXPECT_THROW(nabla::scatter_add(x, 2, i, s), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::scatter_add(x, 0, nabla::tensor({{0.0}}), s); }),
              HasSubstr("int64 or int32"));
  EXPECT_THAT(message_of([&] { nabla::scatter_add(x, 0, nabla::tensor({{0, 3}}, nabla::i64), s); }),
              AllOf(HasSubstr("value 3 at position [0, 1]"), HasSubstr("[0, 3)")));
  EXPECT_THAT(message_of([&] { nabla::scatter_add(x, 0, i, nabla::ones({1, 1})); }),
              AllOf(HasSubstr("larger than src"), HasSubstr("[1, 1]")));
  EXPECT_THAT(message_of([&] { nabla::scatter_add(x, 0, i, nabla::ones({3})); }), HasSubstr("rank 2"));
  EXPECT_THAT(message_of([&] { nabla::scatter_add(x, 0, i, nabla::ones({2, 3}, nabla::f64)); }),
              AllOf(HasSubstr("float32"), HasSubstr("float64")));
}

}  // namespace
}  // namespace test_scatter_add
