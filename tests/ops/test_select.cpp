// Tests of ops/select.cpp: one position along an axis, the axis removed (a view).

#include "ops/op_test_util.hpp"

namespace test_select {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

TEST(Select, ForwardByHandSharesStorage) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);  // [2,3]
    expect_tensor(x.select(0, 1), {3}, {4, 5, 6}, d);
    expect_tensor(x.select(1, -1), {2}, {3, 6}, d);  // the last column
    expect_tensor(x.select(0, 0).select(0, 2), {}, {3}, d);
    EXPECT_TRUE(x.select(1, 0).is_same_storage(x));
    EXPECT_EQ(x.select(1, 0).strides(), (Shape{3}));
  }
}

TEST(Select, GradientIsZerosWithTheGradAtThePosition) {
  Tensor x = nabla::zeros({3, 2}, nabla::f64).requires_grad_();
  x.select(0, 1).backward(nabla::tensor({5.0, 7.0}, nabla::f64));
  expect_tensor(x.grad(), {3, 2}, {0, 0, 5, 7, 0, 0}, nabla::f64);
}

TEST(Select, GradientsMatchFiniteDifferencesOverShapes) {
  for (const Shape& s : {Shape{3, 4}, Shape{5}, Shape{2, 3, 4}, Shape{1, 3}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    const nabla::Function fn = [](const std::vector<Tensor>& in) {
      return in[0].select(0, -1) * in[0].select(0, 0);
    };
    expect_gradients_match(fn, {normal(s, 11)});
    expect_nonzero_gradient(fn, {normal(s, 11)});
  }
}

TEST(Select, OutOfRangeThrowsNamingDimIndexAndExtent) {
  const Tensor x = nabla::ones({2, 3});
  EXPECT_THROW(x.select(1, 3), std::out_of_range);
  EXPECT_THROW(x.select(1, -4), std::out_of_range);
  EXPECT_THAT(message_of([&] { x.select(1, 3); }),
              AllOf(HasSubstr("nabla::select"), HasSubstr("index 3"), HasSubstr("dim 1"),
                    HasSubstr("extent 3")));
  EXPECT_THROW(x.select(2, 0), std::out_of_range);
  EXPECT_THROW(nabla::scalar_tensor(1.0).select(0, 0), std::out_of_range);
}

}  // namespace
}  // namespace test_select
