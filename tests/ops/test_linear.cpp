// Tests of ops/linear.cpp and ops/bilinear.cpp.

#include <nabla/normalization.hpp>

#include "ops/op_test_util.hpp"

namespace test_linear {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// (arange(n)·step + start) reshaped, float64, as in the PyTorch lines below.
Tensor lin_ramp(std::int64_t n, double start, double step, const Shape& s) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = start + step * static_cast<double>(i);
  return nabla::tensor(v, s, nabla::f64);
}
void lin_expect_near(const Tensor& t, const std::vector<double>& e) {
  const auto v = t.to_vector();
  ASSERT_EQ(v.size(), e.size());
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], e[i], 1e-10) << "element " << i;
}

// Recorded from PyTorch 1.13 (python3-torch), float64, ar(n, a, s, shape) =
// (torch.arange(n)*s + a).reshape(shape):
//   x = ar(6, -0.5, 0.3, (2,3)); w = ar(12, 0.2, -0.07, (4,3)).sin(); b = ar(4, 0.1, 0.1, (4,))
//   y = F.linear(x, w, b); (y * ar(8, 1.0, -0.2, (2,4))).sum().backward(); y, x.grad, w.grad,
//   b.grad
TEST(Linear, MatchesPyTorch) {
  Tensor x = lin_ramp(6, -0.5, 0.3, {2, 3}).requires_grad_();
  Tensor w = nabla::sin(lin_ramp(12, 0.2, -0.07, {4, 3})).detach().requires_grad_();
  Tensor b = lin_ramp(4, 0.1, 0.1, {4}).requires_grad_();
  const Tensor y = nabla::linear(x, w, b);
  lin_expect_near(y, {-0.019265093274, 0.206039042214, 0.431077833234, 0.650357304062,
                      0.330175638631, -0.009378351586, -0.339732640081, -0.641978246729});
  nabla::sum(nabla::mul(y, lin_ramp(8, 1.0, -0.2, {2, 4}))).backward();
  lin_expect_near(x.grad(), {-0.107016630692, -0.29763916306, -0.486803858958, 0.250128111747,
                             0.274887488987, 0.298300467444});
  lin_expect_near(w.grad(),
                  {-0.42, -0.06, 0.3, -0.4, -0.16, 0.08, -0.38, -0.26, -0.14, -0.36, -0.36, -0.36});
  lin_expect_near(b.grad(), {1.2, 0.8, 0.4, 0.0});
}

TEST(Linear, ShapesViewsAndGradients) {
  EXPECT_EQ(nabla::linear(nabla::zeros({2, 5, 3}), nabla::zeros({4, 3})).shape(), (Shape{2, 5, 4}));
  EXPECT_EQ(nabla::linear(nabla::zeros({3}), nabla::zeros({4, 3})).shape(), (Shape{4}));
  auto fn = [](const std::vector<Tensor>& in) { return nabla::linear(in[0], in[1], in[2]); };
  // a transposed x and a transposed weight
  expect_gradients_match(fn, {normal({4, 3}, 1).t(), normal({4, 2}, 2).t(), normal({2}, 3)});
  expect_nonzero_gradient(fn, {normal({3, 4}, 1), normal({2, 4}, 2), normal({2}, 3)});
}

TEST(Linear, RejectsBadArguments) {
  EXPECT_THAT(message_of([] {
                nabla::linear(nabla::zeros({2, 3}), nabla::zeros({4, 5}));
              }),
              AllOf(HasSubstr("nabla::linear"), HasSubstr("[2, 3]"), HasSubstr("[4, 5]")));
  EXPECT_THAT(message_of([] {
                nabla::linear(nabla::zeros({2, 3}), nabla::zeros({3}));
              }),
              AllOf(HasSubstr("nabla::linear"), HasSubstr("[out, in]")));
  EXPECT_THAT(message_of([] {
                nabla::linear(nabla::zeros({2, 3}), nabla::zeros({4, 3}), nabla::zeros({3}));
              }),
              AllOf(HasSubstr("nabla::linear"), HasSubstr("bias has shape [3], expected [4]")));
  EXPECT_THAT(message_of([] {
                nabla::linear(nabla::zeros({2, 3}), nabla::zeros({4, 3}, nabla::f64));
              }),
              AllOf(HasSubstr("nabla::linear"), HasSubstr("weight is float64")));
}

// Recorded from PyTorch 1.13: x1 = ar(6, 0.3, 0.2, (3,2)).cos(); x2 = ar(9, -0.4, 0.15, (3,3))
//   W = ar(12, 0.0, 0.11, (2,2,3)).sin(); b = [0.5, -0.25]
//   y = F.bilinear(x1, x2, W, b); (y * ar(6, 0.5, 0.1, (3,2))).sum().backward()
TEST(Bilinear, MatchesPyTorch) {
  Tensor x1 = nabla::cos(lin_ramp(6, 0.3, 0.2, {3, 2})).detach().requires_grad_();
  Tensor x2 = lin_ramp(9, -0.4, 0.15, {3, 3}).requires_grad_();
  Tensor w = nabla::sin(lin_ramp(12, 0.0, 0.11, {2, 2, 3})).detach().requires_grad_();
  const Tensor b = nabla::tensor(std::vector<double>{0.5, -0.25}, {2}, nabla::f64);
  const Tensor y = nabla::bilinear(x1, x2, w, b);
  lin_expect_near(y, {0.199863737788, -1.295293272838, 0.751954262362, 0.426593026332,
                      0.840812288569, 0.840980738372});
  nabla::sum(nabla::mul(y, lin_ramp(6, 0.5, 0.1, {3, 2}))).backward();
  lin_expect_near(x1.grad(), {-0.32244643176, -0.534649699225, 0.420548418123, 0.63703809938,
                              1.596983068822, 2.517119329254});
  lin_expect_near(x2.grad(),
                  {0.933836088048, 1.10762699156, 1.268029116998, 0.931895636544, 1.11324548706,
                   1.281138644228, 0.579756413479, 0.701521156609, 0.814806049435});
  lin_expect_near(w.grad(), {0.039820433371, 0.253014576113, 0.466208718855, -0.033385690608,
                             0.133814390067, 0.301014470741, 0.028110990814, 0.273911755523,
                             0.519712520233, -0.052006001811, 0.141694449246, 0.335394900302});
}

TEST(Bilinear, GradientsOnViewsAndErrors) {
  auto fn = [](const std::vector<Tensor>& in) {
    return nabla::bilinear(in[0], in[1], in[2], in[3]);
  };
  expect_gradients_match(
      fn, {normal({2, 3}, 1).t(), normal({3, 4}, 2), normal({2, 2, 4}, 3), normal({2}, 4)});
  EXPECT_THAT(
      message_of([] {
        nabla::bilinear(nabla::zeros({3, 2}), nabla::zeros({3, 4}), nabla::zeros({5, 2, 3}));
      }),
      AllOf(HasSubstr("nabla::bilinear"), HasSubstr("[3, 2]"), HasSubstr("[3, 4]"),
            HasSubstr("[5, 2, 3]")));
  EXPECT_THAT(
      message_of([] {
        nabla::bilinear(nabla::zeros({3, 2}), nabla::zeros({2, 4}), nabla::zeros({5, 2, 4}));
      }),
      HasSubstr("same leading axes"));
  EXPECT_THAT(message_of([] {
                nabla::bilinear(nabla::zeros({3, 2}), nabla::zeros({3, 4}), nabla::zeros({5, 2, 4}),
                                nabla::zeros({4}));
              }),
              AllOf(HasSubstr("nabla::bilinear"), HasSubstr("bias has shape [4], expected [5]")));
  EXPECT_THAT(message_of([] {
                nabla::bilinear(nabla::zeros({3, 2}), nabla::zeros({3, 4}, nabla::f64),
                                nabla::zeros({5, 2, 4}));
              }),
              AllOf(HasSubstr("nabla::bilinear"), HasSubstr("x2 is float64")));
}

}  // namespace
}  // namespace test_linear
