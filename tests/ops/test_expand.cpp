// Tests of ops/expand.cpp: extent-1 axes and new leading axes repeated by stride 0 (a view).

#include "ops/op_test_util.hpp"

namespace test_expand {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

TEST(Expand, ForwardByHandIsAStrideZeroView) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0}, {2.0}}, d);  // [2,1]
    const Tensor e = x.expand({3, -1, 2});
    expect_tensor(e, {3, 2, 2}, {1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2}, d);
    EXPECT_TRUE(e.is_same_storage(x));
    EXPECT_EQ(e.strides(), (Shape{0, 1, 0}));
    EXPECT_TRUE(x.expand({2, 1}).is_same(x));
  }
}

TEST(Expand, GradientSumsOverTheRepeats) {
  Tensor x = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  x.unsqueeze(0).expand({4, 3}).backward(nabla::ones({4, 3}, nabla::f64));
  expect_tensor(x.grad(), {3}, {4, 4, 4}, nabla::f64);
}

TEST(Expand, GradientsMatchFiniteDifferencesOverShapes) {
  struct Case {
    Shape from, to;
  };
  for (const Case& c : {Case{{4}, {3, 4}}, Case{{3, 1}, {3, 5}}, Case{{2, 1, 4}, {2, 3, 4}},
                        Case{{}, {2, 2}}, Case{{1, 1}, {2, 1, 3}}}) {
    SCOPED_TRACE(nabla::shape_str(c.from) + " to " + nabla::shape_str(c.to));
    const nabla::Function fn = [to = c.to](const std::vector<Tensor>& in) {
      const Tensor e = in[0].expand(to);
      return e * e;
    };
    expect_gradients_match(fn, {normal(c.from, 31)});
    expect_nonzero_gradient(fn, {normal(c.from, 31)});
  }
}

TEST(Expand, NonUnitAxisThatChangesThrowsNamingTheOp) {
  const Tensor x = nabla::ones({2, 3});
  EXPECT_THROW(x.expand({2, 4}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                x.expand({2, 4});
              }),
              AllOf(HasSubstr("nabla::expand"), HasSubstr("[2, 3]"), HasSubstr("[2, 4]")));
  EXPECT_THROW(x.expand({3}), std::invalid_argument);         // fewer axes
  EXPECT_THROW(x.expand({-1, 2, 3}), std::invalid_argument);  // -1 on a new axis
  EXPECT_THROW(nabla::ones({1}).expand({-2}), std::invalid_argument);
}

TEST(Expand, WritingInPlaceIntoTheExpansionThrows) {
  Tensor e = nabla::ones({3}).unsqueeze(0).expand({2, 3});
  EXPECT_THROW(e.mul_(2.0), std::invalid_argument);
  EXPECT_THROW(e.fill_(1.0), std::invalid_argument);
}

}  // namespace
}  // namespace test_expand
