// Tests of ops/contiguous.cpp: x itself when dense, else a dense copy (gradient passes).

#include "ops/op_test_util.hpp"

namespace test_contiguous {
namespace {

using namespace nabla_test;

TEST(Contiguous, SameTensorWhenDenseElseACopy) {
  const Tensor x = nabla::arange(6, nabla::f64).reshape({2, 3});
  EXPECT_TRUE(x.contiguous().is_same(x));
  const Tensor c = x.t().contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_FALSE(c.is_same_storage(x));
  expect_tensor(c, {3, 2}, {0, 3, 1, 4, 2, 5}, nabla::f64);
  EXPECT_EQ(c.data<double>()[1], 3.0);
}

TEST(Contiguous, GradientsMatchFiniteDifferencesOverShapes) {
  for (const Shape& s : {Shape{3, 4}, Shape{2, 3, 4}, Shape{4, 1}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    const nabla::Function fn = [](const std::vector<Tensor>& in) {
      const Tensor c = in[0].transpose(0, -1).contiguous();
      return c * c;
    };
    expect_gradients_match(fn, {normal(s, 71)});
    expect_nonzero_gradient(fn, {normal(s, 71)});
  }
}

}  // namespace
}  // namespace test_contiguous
