// Tests of ops/addcdiv.cpp: input plus a scaled quotient.

#include "ops/op_test_util.hpp"

namespace test_addcdiv {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), in float64 and float32 alike:
//   input = torch.tensor([1.0, 0.0, 1.0, 1.0, -1.0], dtype=torch.float64)
//   tensor1 = torch.tensor([2.0, 0.0, -1.0, inf, 3.0], dtype=torch.float64)
//   tensor2 = torch.tensor([4.0, 0.0, 0.0, 2.0, -0.5], dtype=torch.float64)
//   torch.addcdiv(input, tensor1, tensor2, value=0.5).tolist()
TEST(Addcdiv, ForwardMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor(std::vector<double>{1.0, 0.0, 1.0, 1.0, -1.0}, {5}, d);
    const Tensor b = nabla::tensor(std::vector<double>{2.0, 0.0, -1.0, kInf, 3.0}, {5}, d);
    const Tensor c = nabla::tensor(std::vector<double>{4.0, 0.0, 0.0, 2.0, -0.5}, {5}, d);
    expect_tensor(nabla::addcdiv(a, b, c, 0.5), {5}, {1.25, kNaN, -kInf, kInf, -4.0}, d);
  }
}

// Recorded from PyTorch: the three inputs [0.5, -1.0, 2.0], [1.5, 3.0, -0.5] and
// [0.25, -0.75, 2.0] (float64, requires_grad=True), the same call, .sum().backward()
TEST(Addcdiv, GradientsMatchPyTorch) {
  Tensor a = nabla::tensor(std::vector<double>{0.5, -1.0, 2.0}, {3}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{1.5, 3.0, -0.5}, {3}, nabla::f64).requires_grad_();
  Tensor c = nabla::tensor(std::vector<double>{0.25, -0.75, 2.0}, {3}, nabla::f64).requires_grad_();
  nabla::sum(nabla::addcdiv(a, b, c, 0.5)).backward();
  expect_tensor(a.grad(), {3}, {1.0, 1.0, 1.0}, nabla::f64);
  expect_tensor(b.grad(), {3}, {2.0, -0.6666666666666666, 0.25}, nabla::f64);
  expect_tensor(c.grad(), {3}, {-12.0, -2.6666666666666665, 0.0625}, nabla::f64);
}

TEST(Addcdiv, BroadcastsAndSumsGradientsToEachShape) {
  Tensor a = nabla::tensor(std::vector<double>{0.5, 1.5}, {2, 1}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor(std::vector<double>{0.75, 1.25, 2.0}, {3}, nabla::f64).requires_grad_();
  Tensor c = nabla::scalar_tensor(0.75, nabla::f64).requires_grad_();
  const Tensor r = nabla::addcdiv(a, b, c, 0.5);
  EXPECT_EQ(r.shape(), (nabla::Shape{2, 3}));
  nabla::sum(r).backward();
  EXPECT_EQ(a.grad().shape(), (nabla::Shape{2, 1}));
  EXPECT_EQ(b.grad().shape(), (nabla::Shape{3}));
  EXPECT_EQ(c.grad().shape(), (nabla::Shape{}));
}

TEST(Addcdiv, RejectsBadArguments) {
  const Tensor f = nabla::zeros({2});
  const Tensor i = nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64);
  {
    const Tensor a = i, b = f, c = f;
    EXPECT_THAT(message_of([&] { nabla::addcdiv(a, b, c, 0.5); }),
                AllOf(HasSubstr("nabla::addcdiv"), HasSubstr("input is int64")));
  }
  {
    const Tensor a = f, b = i, c = f;
    EXPECT_THAT(message_of([&] { nabla::addcdiv(a, b, c, 0.5); }),
                AllOf(HasSubstr("nabla::addcdiv"), HasSubstr("tensor1 is int64")));
  }
  {
    const Tensor a = f, b = f, c = nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_);
    EXPECT_THAT(message_of([&] { nabla::addcdiv(a, b, c, 0.5); }),
                AllOf(HasSubstr("nabla::addcdiv"), HasSubstr("tensor2 is bool")));
  }
  {
    const Tensor a = f, b = nabla::zeros({2, 3}), c = f;
    EXPECT_THAT(message_of([&] { nabla::addcdiv(a, b, c, 0.5); }),
                AllOf(HasSubstr("nabla::addcdiv"), HasSubstr("[2]"), HasSubstr("[2, 3]")));
  }
  {
    const Tensor a = f, b = f, c = nabla::zeros({2}, nabla::f64);
    EXPECT_THAT(message_of([&] { nabla::addcdiv(a, b, c, 0.5); }),
                AllOf(HasSubstr("nabla::addcdiv"), HasSubstr("float64")));
  }
}

TEST(Addcdiv, ValueDefaultsToOne) {
  const Tensor r = nabla::addcdiv(nabla::ones({2}), nabla::full({2}, 3.0), nabla::full({2}, 2.0));
  expect_tensor(r, {2}, {2.5, 2.5}, nabla::f32);
}

}  // namespace
}  // namespace test_addcdiv
