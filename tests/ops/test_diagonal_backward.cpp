// Tests of ops/diagonal_backward.cpp: a diagonal written into zeros, diagonal's gradient.
// It is internal (detail::diagonal_scatter); the tests reach it through its registry entry,
// through diagonal's backward and through diag of a vector.

#include "ops/linalg_test_util.hpp"

namespace test_diagonal_backward {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

const nabla::OpInfo& diagonal_backward_op() {
  const nabla::OpInfo* op = nabla::op_registry().find("diagonal_backward");
  if (op == nullptr) throw std::logic_error("diagonal_backward is not registered");
  return *op;
}

// Recorded from PyTorch 1.13 (python3-torch):
//   torch.ops.aten.diagonal_backward(torch.tensor([1., 2., 3.]), [3, 4], 1, 0, 1)
//   → [[0,1,0,0],[0,0,2,0],[0,0,0,3]]
TEST(DiagonalBackward, WritesTheVectorOnTheDiagonal) {
  const Tensor g = nabla::tensor(std::vector<double>{1, 2, 3}, {3}, nabla::f64);
  expect_tensor(diagonal_backward_op().fn({g}), {3, 4}, {0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3},
                nabla::f64);
}

//   torch.ops.aten.diagonal_backward(torch.tensor([[1., 2., 3.], [4., 5., 6.]]), [2, 3, 4], 0, 1,
//   2)
TEST(DiagonalBackward, WritesAStackOfDiagonals) {
  const Tensor g = nabla::tensor(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3}, nabla::f64);
  expect_tensor(diagonal_backward_op().fn({g}), {2, 3, 4},
                {1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 5, 0, 0, 0, 0, 6, 0},
                nabla::f64);
}

TEST(DiagonalBackward, IsDiagonalsGradientAndDifferentiableAgain) {
  Tensor x = normal({3, 4}, 1).requires_grad_();
  const Tensor y = nabla::diagonal(x, 1);
  ASSERT_NE(y.grad_fn(), nullptr);
  // an output gradient that requires grad, so the gradient is recorded (create_graph)
  const Tensor v = nabla::ones({3}, nabla::f64).requires_grad_();
  const auto g = nabla::grad({y}, {x}, {v}, std::nullopt, true);
  ASSERT_NE(g[0].grad_fn(), nullptr);
  EXPECT_EQ(g[0].grad_fn()->name(), "diagonal_backward");
  // the gradient of the gradient: diagonal of its own output gradient
  expect_gradients_match(diagonal_backward_op().fn, {normal({3}, 2)});
  expect_gradients_match(diagonal_backward_op().fn, {normal({2, 3}, 3)});
  expect_nonzero_gradient(diagonal_backward_op().fn, {normal({2, 3}, 3)});
}

TEST(DiagonalBackward, TakesAStridedGradient) {
  const Tensor wide = normal({8}, 4);
  const Tensor g = nabla::slice(wide, 0, 1, 7, 2);  // [3], stride 2
  expect_same_values(diagonal_backward_op().fn({g}),
                     diagonal_backward_op().fn({nabla::contiguous(g)}));
}

TEST(DiagonalBackward, RejectsAGradientOfTheWrongShape) {
  EXPECT_THAT(message_of([] { diagonal_backward_op().fn({nabla::zeros({4})}); }),
              AllOf(HasSubstr("nabla::diagonal_backward"), HasSubstr("grad has shape [4]"),
                    HasSubstr("[3, 4]"), HasSubstr("has shape [3]")));
}

}  // namespace
}  // namespace test_diagonal_backward
