// Tests of ops/cat.cpp and ops/stack.cpp: joining tensors along an axis.
// Values marked "PyTorch" were computed here with python3-torch 2.x:
//   torch.cat([torch.tensor([[1.,2.],[3.,4.]]), torch.tensor([[5.],[6.]])], 1)
//   → [[1,2,5],[3,4,6]];  torch.stack([a, b], 1) for a = [1,2], b = [3,4] → [[1,3],[2,4]]

#include "nabla/joining.hpp"
#include "ops/op_test_util.hpp"

namespace test_cat {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

TEST(Cat, ForwardAlongEachAxis) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, d);
    const Tensor b = nabla::tensor({{5.0}, {6.0}}, d);
    expect_tensor(nabla::cat({a, b}, 1), {2, 3}, {1, 2, 5, 3, 4, 6}, d);  // PyTorch
    expect_tensor(nabla::cat({a, b.t()}, 0), {3, 2}, {1, 2, 3, 4, 5, 6}, d);
    expect_tensor(nabla::cat({a, b}, -1), {2, 3}, {1, 2, 5, 3, 4, 6}, d);
    expect_tensor(nabla::cat({a}, 0), {2, 2}, {1, 2, 3, 4}, d);
  }
}

TEST(Cat, ReadsViewsAndSkipsEmptyVectorsAsPyTorch) {
  const Tensor x = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  expect_tensor(nabla::cat({x.t(), x.narrow(1, 0, 2).t()}, 0), {5, 2},
                {1, 4, 2, 5, 3, 6, 1, 4, 2, 5}, nabla::f32);
  // torch.cat([torch.zeros(0), x]) is x: a 1-d empty tensor joins anything.
  expect_tensor(nabla::cat({nabla::zeros({0}), x}, 0), {2, 3}, {1, 2, 3, 4, 5, 6}, nabla::f32);
  expect_tensor(nabla::cat({nabla::zeros({0, 3}), x}, 0), {2, 3}, {1, 2, 3, 4, 5, 6}, nabla::f32);
}

TEST(Cat, PromotesIntegersWithFloatsAndRefusesFloat32WithFloat64) {
  const Tensor i = nabla::tensor({1, 2}, nabla::i64);
  const Tensor f = nabla::tensor({0.5, 1.5});
  const Tensor c = nabla::cat({i, f}, 0);
  EXPECT_EQ(c.dtype(), nabla::f32);
  expect_tensor(c, {4}, {1, 2, 0.5, 1.5}, nabla::f32);
  EXPECT_EQ(nabla::cat({i, i}, 0).dtype(), nabla::i64);
  EXPECT_THAT(message_of([&] { nabla::cat({f, f.to(nabla::f64)}, 0); }),
              AllOf(HasSubstr("nabla::cat"), HasSubstr("float64"), HasSubstr("float32")));
}

TEST(Cat, GradientIsEachInputsBand) {
  Tensor a = nabla::zeros({2, 2}, nabla::f64).requires_grad_();
  Tensor b = nabla::zeros({2, 1}, nabla::f64).requires_grad_();
  nabla::cat({a, b}, 1).backward(nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, nabla::f64));
  expect_tensor(a.grad(), {2, 2}, {1, 2, 4, 5}, nabla::f64);
  expect_tensor(b.grad(), {2, 1}, {3, 6}, nabla::f64);
}

TEST(Cat, GradientsMatchFiniteDifferences) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor c = nabla::cat({in[0], in[1], in[0]}, 1);  // one input twice
    return c * c;
  };
  expect_gradients_match(fn, {normal({2, 3}, 1), normal({2, 1}, 2)});
  expect_nonzero_gradient(fn, {normal({2, 3}, 1), normal({2, 1}, 2)});
}

TEST(Cat, BadInputThrowsNamingTheTensorsAndShapes) {
  const Tensor a = nabla::ones({2, 3});
  EXPECT_THAT(message_of([&] { nabla::cat({}, 0); }), HasSubstr("nabla::cat: expects a non-empty"));
  EXPECT_THAT(message_of([&] { nabla::cat({a, nabla::ones({3, 3})}, 1); }),
              AllOf(HasSubstr("nabla::cat"), HasSubstr("tensor 1 has shape [3, 3]"),
                    HasSubstr("[2, 3]")));
  EXPECT_THAT(message_of([&] { nabla::cat({a, Tensor()}, 0); }), HasSubstr("tensor 1 is undefined"));
  EXPECT_THAT(message_of([&] { nabla::cat({nabla::scalar_tensor(1.0)}, 0); }),
              HasSubstr("0-d"));
  EXPECT_THROW(nabla::cat({a, a}, 2), std::out_of_range);
}

TEST(Stack, ForwardAndGradient) {
  const Tensor a = nabla::tensor({1.0, 2.0});
  const Tensor b = nabla::tensor({3.0, 4.0});
  expect_tensor(nabla::stack({a, b}, 0), {2, 2}, {1, 2, 3, 4}, nabla::f32);
  expect_tensor(nabla::stack({a, b}, 1), {2, 2}, {1, 3, 2, 4}, nabla::f32);  // PyTorch
  expect_tensor(nabla::stack({a, b}, -1), {2, 2}, {1, 3, 2, 4}, nabla::f32);
  Tensor x = nabla::zeros({2}, nabla::f64).requires_grad_();
  Tensor y = nabla::zeros({2}, nabla::f64).requires_grad_();
  nabla::stack({x, y}, 1).backward(nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, nabla::f64));
  expect_tensor(x.grad(), {2}, {1, 3}, nabla::f64);
  expect_tensor(y.grad(), {2}, {2, 4}, nabla::f64);
}

TEST(Stack, BadInputThrows) {
  EXPECT_THAT(message_of([&] { nabla::stack({nabla::ones({2}), nabla::ones({3})}, 0); }),
              AllOf(HasSubstr("nabla::stack"), HasSubstr("[2]"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([&] { nabla::stack({}, 0); }), HasSubstr("nabla::stack"));
  EXPECT_THROW(nabla::stack({nabla::ones({2})}, 2), std::out_of_range);
}

}  // namespace
}  // namespace test_cat
