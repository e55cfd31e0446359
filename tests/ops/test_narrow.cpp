// Tests of ops/narrow.cpp: a band of consecutive positions along an axis (a view).

#include "ops/op_test_util.hpp"

namespace test_narrow {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

TEST(Narrow, ForwardByHandSharesStorage) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, 2.0, 3.0, 4.0}, {5.0, 6.0, 7.0, 8.0}}, d);  // [2,4]
    const Tensor mid = x.narrow(1, 1, 2);
    expect_tensor(mid, {2, 2}, {2, 3, 6, 7}, d);
    EXPECT_TRUE(mid.is_same_storage(x));
    EXPECT_EQ(mid.storage_offset(), 1);
    EXPECT_FALSE(mid.is_contiguous());
    expect_tensor(x.narrow(0, -1, 1), {1, 4}, {5, 6, 7, 8}, d);
    expect_tensor(x.narrow(1, 4, 0), {2, 0}, {}, d);
  }
}

TEST(Narrow, GradientIsZerosWithTheGradInTheBand) {
  Tensor x = nabla::zeros({2, 3}, nabla::f64).requires_grad_();
  x.narrow(1, 1, 2).backward(nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {0, 1, 2, 0, 3, 4}, nabla::f64);
}

TEST(Narrow, GradientsMatchFiniteDifferencesOverShapes) {
  for (const Shape& s : {Shape{3, 4}, Shape{3}, Shape{2, 3, 4}, Shape{1, 3}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    const nabla::Function fn = [](const std::vector<Tensor>& in) {
      const Tensor b = in[0].narrow(-1, 1, 2);
      return b * b;
    };
    expect_gradients_match(fn, {normal(s, 12)});
    expect_nonzero_gradient(fn, {normal(s, 12)});
  }
}

TEST(Narrow, PastTheEndThrowsNamingTheOp) {
  const Tensor x = nabla::ones({2, 3});
  EXPECT_THROW(x.narrow(1, 2, 2), std::out_of_range);
  EXPECT_THAT(message_of([&] { x.narrow(1, 2, 2); }),
              AllOf(HasSubstr("nabla::narrow"), HasSubstr("past the end"), HasSubstr("extent 3")));
  EXPECT_THROW(x.narrow(1, 4, 0), std::out_of_range);
  EXPECT_THROW(x.narrow(1, 0, -1), std::invalid_argument);
  EXPECT_THAT(message_of([&] { x.narrow(1, 0, -1); }), HasSubstr("nabla::narrow"));
}

}  // namespace
}  // namespace test_narrow
