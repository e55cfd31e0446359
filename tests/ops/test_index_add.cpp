// Tests of ops/index_add.cpp: alpha·source added along an axis at an index's positions.

#include "ops/op_test_util.hpp"

namespace test_index_add {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.arange(12, dtype=torch.float64).reshape(3, 4)
//   s = torch.arange(1., 13., dtype=torch.float64).reshape(3, 4)
//   torch.index_add(x, 0, torch.tensor([2, 0, 2]), s, alpha=2).flatten().tolist()
//   with x, s requiring grad and w = s: (torch.index_add(...) * w).sum().backward()
TEST(IndexAdd, ForwardAndGradientsMatchPyTorch) {
  for (Dtype d : kDtypes) {
    const Tensor x = nabla::arange(12, d).reshape({3, 4});
    const Tensor s = nabla::arange(1, 13, 1, d).reshape({3, 4});
    expect_tensor(nabla::index_add(x, 0, nabla::tensor({2, 0, 2}, nabla::i32), s, 2.0), {3, 4},
                  {10, 13, 16, 19, 4, 5, 6, 7, 28, 33, 38, 43}, d);
  }
  Tensor x = nabla::arange(12, nabla::f64).reshape({3, 4}).requires_grad_();
  Tensor s = nabla::arange(1, 13, 1, nabla::f64).reshape({3, 4}).requires_grad_();
  const Tensor w = nabla::arange(1, 13, 1, nabla::f64).reshape({3, 4});
  nabla::sum(nabla::index_add(x, 0, nabla::tensor({2, 0, 2}, nabla::i64), s, 2.0) * w).backward();
  expect_tensor(x.grad(), {3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, nabla::f64);
  expect_tensor(s.grad(), {3, 4}, {18, 20, 22, 24, 2, 4, 6, 8, 18, 20, 22, 24}, nabla::f64);
}

TEST(IndexAdd, ViewsAndIntegers) {
  // x a transpose, source a stepped slice; x itself unchanged
  const Tensor x = nabla::zeros({2, 3}, nabla::f64).t();  // [3,2]
  const Tensor src = nabla::tensor({{1.0, 9.0, 2.0}, {3.0, 9.0, 4.0}, {5.0, 9.0, 6.0}}, nabla::f64)
                         .slice(1, 0, std::nullopt, 2);  // [[1, 2], [3, 4], [5, 6]]
  expect_tensor(nabla::index_add(x, 1, nabla::tensor({1, 1}, nabla::i64), src), {3, 2},
                {0, 3, 0, 7, 0, 11}, nabla::f64);
  EXPECT_EQ(nabla::sum(x).item<double>(), 0.0);
  expect_tensor(nabla::index_add(nabla::tensor({1, 2}, nabla::i64), 0, nabla::tensor({0}, nabla::i64),
                                 nabla::tensor({5}, nabla::i64), 3.0),
                {2}, {16, 2}, nabla::i64);
}

TEST(IndexAdd, GradientsAndSecondOrderMatchFiniteDifferences) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor r = nabla::index_add(in[0], 1, nabla::tensor({0, 0}, nabla::i64), in[1], -1.5);
    return r * r;
  };
  expect_gradients_match(fn, {normal({2, 3}, 4), normal({2, 2}, 5)});
  expect_nonzero_gradient(fn, {normal({2, 3}, 4), normal({2, 2}, 5)});
}

TEST(IndexAdd, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3, 4});
  const Tensor idx = nabla::tensor({0, 2}, nabla::i64);
  const Tensor s = nabla::ones({2, 4});
  EXPECT_THAT(message_of([&] { nabla::index_add(Tensor(), 0, idx, s); }), HasSubstr("nabla::index_add"));
  EXPECT_THROW(nabla::index_add(x, -3, idx, s), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::index_add(x, 0, nabla::tensor({0.0, 1.0}), s); }),
              HasSubstr("int64 or int32"));
  EXPECT_THAT(message_of([&] { nabla::index_add(x, 0, nabla::tensor({0, 3}, nabla::i64), s); }),
              AllOf(HasSubstr("nabla::index_add"), HasSubstr("value 3 at position 1"), HasSubstr("[0, 3)")));
  EXPECT_THAT(message_of([&] { nabla::index_add(x, 0, idx, nabla::ones({3, 4})); }),
              AllOf(HasSubstr("source has shape [3, 4]"), HasSubstr("expected [2, 4]")));
  EXPECT_THAT(message_of([&] { nabla::index_add(x, 0, idx, nabla::ones({2, 4}, nabla::f64)); }),
              AllOf(HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(message_of([&] {
                nabla::index_add(nabla::zeros({2}, nabla::i64), 0, nabla::tensor({0}, nabla::i64),
                                 nabla::ones({1}, nabla::i64), 0.5);
              }),
              HasSubstr("whole number"));
}

}  // namespace
}  // namespace test_index_add
