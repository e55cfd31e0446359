// Tests of ops/slice.cpp: Python's x[start:end:step] along one axis (a view).

#include "ops/op_test_util.hpp"

namespace test_slice {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

TEST(Slice, ForwardByHandSharesStorage) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::arange(10, d);  // 0..9
    const Tensor s = x.slice(0, 1, 8, 3);   // 1, 4, 7
    expect_tensor(s, {3}, {1, 4, 7}, d);
    EXPECT_TRUE(s.is_same_storage(x));
    EXPECT_EQ(s.strides(), (Shape{3}));
    EXPECT_EQ(s.storage_offset(), 1);
    expect_tensor(x.slice(0, std::nullopt, std::nullopt, 4), {3}, {0, 4, 8}, d);
    expect_tensor(x.slice(0, -3), {3}, {7, 8, 9}, d);      // from the end
    expect_tensor(x.slice(0, 7, 100), {3}, {7, 8, 9}, d);  // clamped, as Python
    expect_tensor(x.slice(0, -100, 2), {2}, {0, 1}, d);    // clamped
    expect_tensor(x.slice(0, 6, 3), {0}, {}, d);           // empty
    expect_tensor(x.slice(0, 9, std::nullopt, 5), {1}, {9}, d);
  }
}

TEST(Slice, OfAMatrixAlongColumns) {
  const Tensor x = nabla::arange(12, nabla::f64).reshape({3, 4});
  expect_tensor(x.slice(1, 0, std::nullopt, 2), {3, 2}, {0, 2, 4, 6, 8, 10}, nabla::f64);
  expect_tensor(x.slice(0, 1).slice(1, 1, 3), {2, 2}, {5, 6, 9, 10}, nabla::f64);
}

TEST(Slice, GradientIsZerosWithTheGradAtThePositions) {
  Tensor x = nabla::zeros({5}, nabla::f64).requires_grad_();
  x.slice(0, 0, std::nullopt, 2).backward(nabla::tensor({1.0, 2.0, 3.0}, nabla::f64));
  expect_tensor(x.grad(), {5}, {1, 0, 2, 0, 3}, nabla::f64);
}

TEST(Slice, GradientsMatchFiniteDifferencesOverShapes) {
  for (const Shape& s : {Shape{5, 3}, Shape{4}, Shape{4, 2, 3}, Shape{2, 5}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    const nabla::Function fn = [](const std::vector<Tensor>& in) {
      const Tensor a = in[0].slice(0, 1, std::nullopt, 2);
      return a.slice(-1, 1) * a.slice(-1, 0, -1);
    };
    expect_gradients_match(fn, {normal(s, 13)});
    expect_nonzero_gradient(fn, {normal(s, 13)});
  }
}

TEST(Slice, NonPositiveStepThrowsNamingTheOp) {
  const Tensor x = nabla::ones({4});
  for (std::int64_t step : {0, -1}) {
    EXPECT_THROW(x.slice(0, 0, 4, step), std::invalid_argument);
    EXPECT_THAT(message_of([&] { x.slice(0, 0, 4, step); }),
                AllOf(HasSubstr("nabla::slice"), HasSubstr("step"), HasSubstr("positive")));
  }
  EXPECT_THROW(x.slice(1), std::out_of_range);
}

}  // namespace
}  // namespace test_slice
