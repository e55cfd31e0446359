// Tests of ops/pad.cpp: torch.nn.functional.pad, constant (with crops), reflect, replicate.

#include "ops/op_test_util.hpp"

namespace test_pad {
namespace {

using namespace nabla_test;
using nabla::PadMode;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), F = torch.nn.functional:
//   v = torch.tensor([[1., 2.], [3., 4.]]); F.pad(v, (1, 0, 0, 1), value=9.)
//   x = torch.arange(12.).reshape(3, 4); F.pad(x, (-1, 1))
//   y = torch.arange(1., 7.).reshape(2, 3)
//   F.pad(y.unsqueeze(0), (2, 1, 1, 0), mode='reflect'); F.pad(y.unsqueeze(0), (1, 2), mode='replicate')
TEST(Pad, ForwardMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    const Tensor v = nabla::tensor({{1, 2}, {3, 4}}, d);
    expect_tensor(nabla::pad(v, {1, 0, 0, 1}, PadMode::constant, 9.0), {3, 3}, {9, 1, 2, 9, 3, 4, 9, 9, 9}, d);
    const Tensor x = nabla::arange(12, d).reshape({3, 4});
    expect_tensor(nabla::pad(x, {-1, 1}), {3, 4}, {1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0}, d);
    const Tensor y = nabla::arange(1, 7, 1, d).reshape({2, 3});
    expect_tensor(nabla::pad(y, {2, 1, 1, 0}, PadMode::reflect), {3, 6},
                  {6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5}, d);
    expect_tensor(nabla::pad(y, {1, 2}, PadMode::replicate), {2, 6}, {1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 6}, d);
  }
  // an integer tensor takes the value converted (as PyTorch: 2.5 → 2)
  expect_tensor(nabla::pad(nabla::tensor({1}, nabla::i64), {1, 0}, PadMode::constant, 2.5), {2}, {2, 1}, nabla::i64);
}

// Recorded from PyTorch 1.13 (python3-torch): yr = y.clone().requires_grad_() in float64;
//   r = F.pad(yr.unsqueeze(0), (2, 1, 1, 0), mode='reflect')   # likewise (1, 2) replicate
//   (r * torch.arange(1., 1 + r.numel()).reshape(r.shape)).sum().backward(); yr.grad
TEST(Pad, GradientsMatchPyTorch) {
  const auto grad_of = [](PadMode mode, const std::vector<std::int64_t>& pads) {
    Tensor y = nabla::arange(1, 7, 1, nabla::f64).reshape({2, 3}).requires_grad_();
    const Tensor r = nabla::pad(y, pads, mode);
    nabla::sum(r * nabla::arange(1, static_cast<double>(r.numel()) + 1, 1, nabla::f64).reshape(r.shape()))
        .backward();
    return y.grad();
  };
  expect_tensor(grad_of(PadMode::reflect, {2, 1, 1, 0}), {2, 3}, {9, 30, 18, 18, 60, 36}, nabla::f64);
  expect_tensor(grad_of(PadMode::replicate, {1, 2}), {2, 3}, {3, 3, 15, 15, 9, 33}, nabla::f64);
  // constant: grad_out's band, zeros where x was cropped
  Tensor x = nabla::zeros({3}, nabla::f64).requires_grad_();
  nabla::pad(x, {1, -1}).backward(nabla::tensor({1.0, 2.0, 3.0}, nabla::f64));
  expect_tensor(x.grad(), {3}, {2, 3, 0}, nabla::f64);
}

TEST(Pad, ViewsAndSecondOrder) {
  const Tensor base = nabla::tensor({{1, 2, 3}, {4, 5, 6}}, nabla::f64);
  expect_tensor(nabla::pad(base.t(), {1, 0}, PadMode::reflect), {3, 3}, {4, 1, 4, 5, 2, 5, 6, 3, 6}, nabla::f64);
  expect_tensor(nabla::pad(base.slice(1, 0, std::nullopt, 2), {0, 0, 1, 0}), {3, 2}, {0, 0, 1, 3, 4, 6},
                nabla::f64);
  for (PadMode mode : {PadMode::constant, PadMode::reflect, PadMode::replicate}) {
    const nabla::Function fn = [mode](const std::vector<Tensor>& in) {
      const Tensor r = nabla::pad(in[0], {1, 2, 2, 1}, mode);
      return r * r;
    };
    expect_gradients_match(fn, {normal({2, 3, 4}, 15)});
    expect_nonzero_gradient(fn, {normal({2, 3, 4}, 15)});
  }
}

TEST(Pad, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3, 4});
  EXPECT_THAT(message_of([&] { nabla::pad(Tensor(), {1, 1}); }), HasSubstr("nabla::pad"));
  EXPECT_THAT(message_of([&] { nabla::pad(x, {1}); }), AllOf(HasSubstr("nabla::pad"), HasSubstr("even")));
  EXPECT_THAT(message_of([&] { nabla::pad(x, {1, 1, 1, 1, 1, 1}); }), HasSubstr("has only 2"));
  EXPECT_THAT(message_of([&] { nabla::pad(x, {-3, -2}); }), HasSubstr("with extent -1"));
  EXPECT_THAT(message_of([&] { nabla::pad(x, {4, 0}, PadMode::reflect); }),
              AllOf(HasSubstr("reflect pads (4, 0)"), HasSubstr("extent 4")));
  EXPECT_THAT(message_of([&] { nabla::pad(x, {1, 1, 1, 1, 1, 1}, PadMode::replicate); }),
              HasSubstr("has only 2"));
  EXPECT_THAT(message_of([&] { nabla::pad(nabla::zeros({2, 3, 4}), {1, 1, 1, 1, 1, 1}, PadMode::replicate); }),
              HasSubstr("last 1 or 2 dims"));
  EXPECT_THAT(message_of([&] { nabla::pad(nabla::zeros({2, 0}), {1, 1}, PadMode::replicate); }),
              HasSubstr("extent 0"));
  EXPECT_THAT(message_of([&] { nabla::pad(x, {1, 1}, PadMode::reflect, 1.0); }),
              AllOf(HasSubstr("reflect takes no value")));
  EXPECT_THAT(message_of([&] { nabla::pad(nabla::zeros({2}, nabla::i32), {1, 1}, PadMode::constant, 1e12); }),
              HasSubstr("pad"));
}

}  // namespace
}  // namespace test_pad
