// Tests of ops/tile.cpp: torch.tile, repeat with reps padded by leading 1s.

#include "ops/op_test_util.hpp"

namespace test_tile {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   v = torch.tensor([[1., 2.], [3., 4.]]); torch.tile(v, (3,)).flatten().tolist()
//   torch.tile(v, (2, 1, 1)).shape  # [2, 2, 2]
TEST(Tile, ForwardMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    const Tensor v = nabla::tensor({{1, 2}, {3, 4}}, d);
    expect_tensor(nabla::tile(v, {3}), {2, 6}, {1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}, d);
    expect_tensor(nabla::tile(v, {2, 1, 1}), {2, 2, 2}, {1, 2, 3, 4, 1, 2, 3, 4}, d);
    expect_tensor(nabla::tile(v, {}), {2, 2}, {1, 2, 3, 4}, d);
  }
}

TEST(Tile, ViewsAndGradients) {
  const Tensor base = nabla::tensor({{1, 2, 3}, {4, 5, 6}}, nabla::f64);
  expect_tensor(nabla::tile(base.slice(1, 0, std::nullopt, 2), {2}), {2, 4}, {1, 3, 1, 3, 4, 6, 4, 6}, nabla::f64);
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  nabla::tile(x, {2}).backward(nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64));
  expect_tensor(x.grad(), {2}, {4, 6}, nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor r = nabla::tile(in[0], {2, 1});
    return r * r;
  };
  expect_gradients_match(fn, {normal({3}, 14)});
  expect_nonzero_gradient(fn, {normal({3}, 14)});
}

TEST(Tile, RejectsBadArguments) {
  EXPECT_THAT(message_of([&] { nabla::tile(Tensor(), {1}); }), HasSubstr("nabla::tile"));
  EXPECT_THAT(message_of([&] { nabla::tile(nabla::zeros({2}), {-1}); }),
              AllOf(HasSubstr("nabla::tile"), HasSubstr("negative entry -1")));
}

}  // namespace
}  // namespace test_tile
