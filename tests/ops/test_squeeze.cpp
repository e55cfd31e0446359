// Tests of ops/squeeze.cpp and ops/unsqueeze.cpp: unit axes removed and inserted (views).

#include "ops/op_test_util.hpp"

namespace test_squeeze {
namespace {

using namespace nabla_test;
using testing::HasSubstr;

TEST(Squeeze, ForwardByHandSharesStorage) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{{1.0}, {2.0}, {3.0}}}, d);  // [1,3,1]
    expect_tensor(x.squeeze(), {3}, {1, 2, 3}, d);
    expect_tensor(x.squeeze(0), {3, 1}, {1, 2, 3}, d);
    expect_tensor(x.squeeze(-1), {1, 3}, {1, 2, 3}, d);
    expect_tensor(x.squeeze(1), {1, 3, 1}, {1, 2, 3}, d);  // extent 3: unchanged
    EXPECT_TRUE(x.squeeze().is_same_storage(x));
    expect_tensor(nabla::scalar_tensor(4.0, d).squeeze(0), {}, {4}, d);
  }
  EXPECT_THROW(nabla::ones({1, 3}).squeeze(2), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::ones({1, 3}).squeeze(2); }), HasSubstr("nabla::squeeze"));
}

TEST(Unsqueeze, ForwardByHandSharesStorage) {
  const Tensor x = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64);
  expect_tensor(x.unsqueeze(0), {1, 3}, {1, 2, 3}, nabla::f64);
  expect_tensor(x.unsqueeze(1), {3, 1}, {1, 2, 3}, nabla::f64);
  expect_tensor(x.unsqueeze(-1), {3, 1}, {1, 2, 3}, nabla::f64);
  EXPECT_TRUE(x.unsqueeze(0).is_same_storage(x));
  EXPECT_TRUE(x.unsqueeze(0).is_contiguous());
  // inserting into a transposed matrix keeps its layout
  const Tensor t = nabla::arange(6, nabla::f64).reshape({2, 3}).t();
  EXPECT_EQ(t.unsqueeze(1).to_vector(), t.to_vector());
  EXPECT_THROW(x.unsqueeze(2), std::out_of_range);
  EXPECT_THAT(message_of([&] { x.unsqueeze(-3); }), HasSubstr("nabla::unsqueeze"));
}

TEST(Squeeze, GradientsMatchFiniteDifferencesOverShapes) {
  for (const Shape& s : {Shape{1, 3, 1}, Shape{3, 4}, Shape{2, 1, 3}, Shape{}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    const nabla::Function fn = [](const std::vector<Tensor>& in) {
      const Tensor q = in[0].squeeze().unsqueeze(0);
      return q * q;
    };
    expect_gradients_match(fn, {normal(s, 51)});
    expect_nonzero_gradient(fn, {normal(s, 51)});
  }
}

}  // namespace
}  // namespace test_squeeze
