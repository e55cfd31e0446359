// Tests of ops/view.cpp: another shape over the same strides, never a copy.

#include "ops/op_test_util.hpp"

namespace test_view {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

TEST(View, ForwardByHandSharesStorage) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::arange(6, d);
    const Tensor v = x.view({2, -1});
    expect_tensor(v, {2, 3}, {0, 1, 2, 3, 4, 5}, d);
    EXPECT_TRUE(v.is_same_storage(x));
    expect_tensor(x.view({3, 1, 2}), {3, 1, 2}, {0, 1, 2, 3, 4, 5}, d);
  }
}

TEST(View, SplitsAndMergesWithinContiguousRuns) {
  const Tensor x = nabla::arange(24, nabla::f64).reshape({2, 3, 4});
  // [2,3,4] → [4,3,2]: axis 0 and 2 swapped; merging the last two axes of that is not
  // viewable, splitting its first axis is
  const Tensor p = x.transpose(0, 2);  // strides [1,4,12]
  const Tensor split = p.view({2, 2, 3, 2});
  EXPECT_EQ(split.strides(), (Shape{2, 1, 4, 12}));
  EXPECT_EQ(split.to_vector(), p.contiguous().reshape({2, 2, 3, 2}).to_vector());
  // a narrowed matrix keeps rows contiguous: the last axis can be split
  const Tensor n = nabla::arange(12, nabla::f64).reshape({3, 4}).narrow(1, 0, 2);
  expect_tensor(n.view({3, 2, 1}), {3, 2, 1}, {0, 1, 4, 5, 8, 9}, nabla::f64);
  // unit axes go anywhere
  EXPECT_EQ(p.view({4, 1, 3, 2}).shape(), (Shape{4, 1, 3, 2}));
}

TEST(View, GradientsMatchFiniteDifferencesOverShapes) {
  for (const Shape& s : {Shape{3, 4}, Shape{12}, Shape{2, 3, 2}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    const nabla::Function fn = [](const std::vector<Tensor>& in) {
      const Tensor v = in[0].view({-1, 6});
      return v * v.sum();
    };
    expect_gradients_match(fn, {normal(s, 41)});
    expect_nonzero_gradient(fn, {normal(s, 41)});
  }
}

TEST(View, NonViewableStridesThrowNamingShapeAndStrides) {
  const Tensor t = nabla::ones({3, 4}).t();  // [4,3], strides [1,4]
  EXPECT_THROW(t.view({12}), std::invalid_argument);
  EXPECT_THAT(message_of([&] { t.view({12}); }),
              AllOf(HasSubstr("nabla::view"), HasSubstr("[4, 3]"), HasSubstr("[1, 4]"),
                    HasSubstr("[12]"), HasSubstr("reshape")));
  const Tensor n = nabla::ones({3, 4}).narrow(1, 0, 2);
  EXPECT_THROW(n.view({6}), std::invalid_argument);
  EXPECT_THROW(nabla::ones({6}).view({4, -1}), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::ones({6}).view({-1, -1}); }), HasSubstr("nabla::view"));
}

}  // namespace
}  // namespace test_view
