// Tests of ops/flatten.cpp and ops/unflatten.cpp: axes merged (a view when the strides
// allow) and one axis split (always a view).

#include "ops/op_test_util.hpp"

namespace test_flatten {
namespace {

using namespace nabla_test;
using testing::HasSubstr;

TEST(Flatten, ForwardByHand) {
  const Tensor x = nabla::arange(24, nabla::f64).reshape({2, 3, 4});
  const Tensor f = x.flatten();
  EXPECT_EQ(f.shape(), (Shape{24}));
  EXPECT_TRUE(f.is_same_storage(x));
  EXPECT_EQ(x.flatten(1).shape(), (Shape{2, 12}));
  EXPECT_EQ(x.flatten(0, 1).shape(), (Shape{6, 4}));
  EXPECT_TRUE(x.flatten(1, 1).is_same(x));
  expect_tensor(nabla::scalar_tensor(2.0, nabla::f64).flatten(), {1}, {2}, nabla::f64);
  // a transposed matrix flattens through a copy, in its own row-major order
  const Tensor t = nabla::arange(6, nabla::f64).reshape({2, 3}).t();
  expect_tensor(t.flatten(), {6}, {0, 3, 1, 4, 2, 5}, nabla::f64);
  EXPECT_THROW(x.flatten(2, 1), std::invalid_argument);
  EXPECT_THAT(message_of([&] { x.flatten(2, 1); }), HasSubstr("nabla::flatten"));
}

TEST(Unflatten, ForwardByHandSharesStorage) {
  const Tensor x = nabla::arange(12, nabla::f64).reshape({6, 2});
  const Tensor u = x.unflatten(0, {2, -1});
  EXPECT_EQ(u.shape(), (Shape{2, 3, 2}));
  EXPECT_TRUE(u.is_same_storage(x));
  EXPECT_EQ(u.to_vector(), x.to_vector());
  // splitting a transposed axis stays a view with scaled strides
  const Tensor t = x.t();  // [2,6], strides [1,2]
  const Tensor ut = t.unflatten(1, {3, 2});
  EXPECT_EQ(ut.strides(), (Shape{1, 4, 2}));
  EXPECT_EQ(ut.to_vector(), t.contiguous().reshape({2, 3, 2}).to_vector());
  EXPECT_THROW(x.unflatten(0, {4, -1}), std::invalid_argument);
  EXPECT_THROW(x.unflatten(0, {}), std::invalid_argument);
  EXPECT_THAT(message_of([&] { x.unflatten(0, {5}); }), HasSubstr("nabla::unflatten"));
}

TEST(Flatten, GradientsMatchFiniteDifferencesOverShapes) {
  for (const Shape& s : {Shape{2, 3, 4}, Shape{3, 4}, Shape{2, 1, 3, 2}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    const nabla::Function fn = [](const std::vector<Tensor>& in) {
      const Tensor f = in[0].transpose(0, -1).flatten(1).unflatten(1, {-1, 1});
      return f * f;
    };
    expect_gradients_match(fn, {normal(s, 61)});
    expect_nonzero_gradient(fn, {normal(s, 61)});
  }
}

}  // namespace
}  // namespace test_flatten
