// Tensor: construction, factories, dtypes, values, printing, in-place updates.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include <nabla/nabla.hpp>

using nabla::Shape;
using nabla::Tensor;
using ::testing::HasSubstr;

TEST(Tensor, NestedListsGiveShapeAndFloat32ByDefault) {
  Tensor x = nabla::tensor({{0.5, -1.0, 2.0}});
  EXPECT_EQ(x.shape(), (Shape{1, 3}));
  EXPECT_EQ(x.dim(), 2);
  EXPECT_EQ(x.numel(), 3);
  EXPECT_EQ(x.dtype(), nabla::f32);
  EXPECT_EQ(x.to_vector(), (std::vector<double>{0.5, -1.0, 2.0}));
  Tensor cube = nabla::tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, nabla::f64);
  EXPECT_EQ(cube.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(cube.dtype(), nabla::f64);
  EXPECT_EQ(cube.to_vector()[5], 6.0);
  EXPECT_EQ(nabla::tensor({1.0, 2.0}).shape(), (Shape{2}));
  EXPECT_EQ(nabla::tensor(3.5).shape(), Shape{});
  EXPECT_EQ(nabla::tensor({{1.0}, {2.0}}).shape(), (Shape{2, 1}));  // a column
  EXPECT_EQ(nabla::tensor({{{1.0}}}).shape(), (Shape{1, 1, 1}));
  EXPECT_EQ(nabla::tensor({1, 2.5}).to_vector(), (std::vector<double>{1.0, 2.5}));
  EXPECT_THROW((void)nabla::tensor({{1.0}, 2.0}), std::invalid_argument);
}

TEST(Tensor, RaggedNestedListThrowsNamingTheRow) {
  try {
    (void)nabla::tensor({{1.0, 2.0}, {3.0}});
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("ragged"));
    EXPECT_THAT(e.what(), HasSubstr("the list at index [1] has 1 entries"));
  }
}

TEST(Tensor, FromVectorAndShapeChecksTheCount) {
  Tensor t = nabla::tensor(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_FLOAT_EQ(t.data<float>()[4], 5.0f);
  EXPECT_THROW((void)nabla::tensor(std::vector<double>{1, 2, 3}, {2, 2}), std::invalid_argument);
  Tensor f = nabla::tensor(std::vector<float>{1.5f, 2.5f}, {2}, nabla::f64);
  EXPECT_EQ(f.dtype(), nabla::f64);
  EXPECT_DOUBLE_EQ(f.data<double>()[1], 2.5);
}

TEST(Tensor, FromXtensorAndBackAsAView) {
  xt::xarray<double> a = {{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}};
  Tensor t = nabla::from_xtensor(a);
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(t.dtype(), nabla::f64);
  auto v = nabla::values<double>(t);
  EXPECT_EQ(v.shape()[0], 3u);
  EXPECT_DOUBLE_EQ(v(2, 1), 6.0);
  Tensor f = nabla::from_xtensor(a, nabla::f32);
  EXPECT_EQ(f.dtype(), nabla::f32);
  EXPECT_THROW((void)nabla::values<double>(f), std::invalid_argument);
}

TEST(Tensor, FactoriesFillAsNamed) {
  EXPECT_EQ(nabla::zeros({2, 2}).to_vector(), (std::vector<double>(4, 0.0)));
  EXPECT_EQ(nabla::ones({3}).to_vector(), (std::vector<double>(3, 1.0)));
  EXPECT_EQ(nabla::full({2}, 7.5, nabla::f64).to_vector(), (std::vector<double>{7.5, 7.5}));
  EXPECT_EQ(nabla::arange(5).to_vector(), (std::vector<double>{0, 1, 2, 3, 4}));
  EXPECT_EQ(nabla::arange(1, 2, 0.25, nabla::f64).to_vector(),
            (std::vector<double>{1.0, 1.25, 1.5, 1.75}));
  EXPECT_EQ(nabla::arange(3, 0, -1).to_vector(), (std::vector<double>{3, 2, 1}));
  EXPECT_THROW((void)nabla::arange(0, 1, 0), std::invalid_argument);
  EXPECT_THROW((void)nabla::arange(0, 1, -1), std::invalid_argument);
  EXPECT_THROW((void)nabla::zeros({2, -1}), std::invalid_argument);
}

TEST(Tensor, SameSeedSameNumbersAndPlausibleMoments) {
  nabla::Generator g1(123), g2(123), g3(124);
  Tensor a = nabla::randn({1000}, g1, nabla::f64);
  Tensor b = nabla::randn({1000}, g2, nabla::f64);
  Tensor c = nabla::randn({1000}, g3, nabla::f64);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  EXPECT_NE(a.to_vector(), c.to_vector());
  // Mean 0 and variance 1 within a few standard errors for 1000 samples.
  EXPECT_NEAR(nabla::mean(a).item<double>(), 0.0, 0.15);
  EXPECT_NEAR(nabla::mean(a * a).item<double>(), 1.0, 0.15);
  Tensor u = nabla::rand({1000}, g1);
  for (double v : u.to_vector()) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
  nabla::manual_seed(5);
  Tensor d1 = nabla::randn({4});
  nabla::manual_seed(5);
  EXPECT_EQ(nabla::randn({4}).to_vector(), d1.to_vector());
}

TEST(Tensor, ItemNeedsExactlyOneElement) {
  EXPECT_FLOAT_EQ(nabla::tensor({{2.5}}).item<float>(), 2.5f);
  EXPECT_EQ(nabla::scalar_tensor(3.0).item<int>(), 3);
  try {
    (void)nabla::zeros({2, 3}).item<float>();
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("item"));
    EXPECT_THAT(e.what(), HasSubstr("6 elements"));
    EXPECT_THAT(e.what(), HasSubstr("[2, 3]"));
  }
}

TEST(Tensor, ToConvertsDtypeAndKeepsValues) {
  Tensor x = nabla::tensor({1.5, -2.25});
  Tensor y = x.to(nabla::f64);
  EXPECT_EQ(y.dtype(), nabla::f64);
  EXPECT_EQ(y.to_vector(), x.to_vector());
  EXPECT_TRUE(x.to(nabla::f32).is_same(x));
  EXPECT_THROW((void)x.data<double>(), std::invalid_argument);
}

TEST(Tensor, UndefinedTensorAccessThrows) {
  Tensor t;
  EXPECT_FALSE(t.defined());
  EXPECT_THROW((void)t.shape(), std::logic_error);
  EXPECT_THROW((void)nabla::exp(t), std::invalid_argument);
  EXPECT_EQ(nabla::to_string(t), "tensor(undefined)");
}

TEST(Tensor, PrintsValuesShapeDtypeAndGradFn) {
  Tensor x = nabla::tensor({{1.0, -2.5}, {0.25, 4.0}});
  EXPECT_EQ(nabla::to_string(x),
            "tensor([[ 1.0000, -2.5000],\n"
            "        [ 0.2500,  4.0000]], shape=[2, 2])");
  Tensor w = nabla::ones({2}, nabla::f64).requires_grad_();
  EXPECT_THAT(nabla::to_string(w), HasSubstr("requires_grad=true"));
  EXPECT_THAT(nabla::to_string(nabla::exp(w)), HasSubstr("grad_fn=<exp>"));
  EXPECT_EQ(fmt::format("{}", x), nabla::to_string(x));
  std::ostringstream os;
  os << nabla::scalar_tensor(2.0);
  EXPECT_EQ(os.str(), "tensor(2.0000, shape=[])");
}

TEST(Tensor, LargeTensorsAreSummarized) {
  const std::string s = nabla::to_string(nabla::arange(2000));
  EXPECT_THAT(s, HasSubstr("2.0000, ..., 1997.0000, 1998.0000, 1999.0000]"));
  EXPECT_LT(s.size(), 200u);
  EXPECT_THAT(nabla::to_string(nabla::tensor({1e-6, 1.0})), HasSubstr("e-06"));
}

TEST(Tensor, NanAndInfinityPrintAndFlow) {
  Tensor x = nabla::tensor({0.0, -1.0, 1.0});
  Tensor l = nabla::log(x);
  auto v = l.to_vector();
  EXPECT_TRUE(std::isinf(v[0]) && v[0] < 0);
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_THAT(nabla::to_string(l), HasSubstr("-inf"));
  EXPECT_THAT(nabla::to_string(l), HasSubstr("nan"));
}

TEST(Tensor, InPlaceUpdatesBumpTheVersion) {
  Tensor x = nabla::zeros({3});
  const auto v0 = x.version();
  x.add_(nabla::ones({3}), 2.0);
  EXPECT_EQ(x.to_vector(), (std::vector<double>{2, 2, 2}));
  x.mul_(0.5);
  x.add_(nabla::scalar_tensor(1.0));  // broadcasts
  EXPECT_EQ(x.to_vector(), (std::vector<double>{2, 2, 2}));
  x.copy_(nabla::tensor({1.0, 2.0, 3.0}, nabla::f64));  // converts dtype
  EXPECT_EQ(x.to_vector(), (std::vector<double>{1, 2, 3}));
  x.fill_(4.0);
  EXPECT_EQ(x.version(), v0 + 5);
  Tensor alias = x.detach();
  alias.zero_();
  EXPECT_EQ(x.to_vector(), (std::vector<double>{0, 0, 0}));  // detach shares values
  EXPECT_EQ(x.version(), alias.version());
  EXPECT_THROW(x.add_(nabla::ones({4})), std::invalid_argument);
}

TEST(Tensor, InPlaceOnALeafThatRequiresGradNeedsNoGrad) {
  Tensor w = nabla::ones({2}).requires_grad_();
  try {
    w.add_(nabla::ones({2}));
    FAIL() << "expected an exception";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("NoGradGuard"));
  }
  nabla::NoGradGuard no_grad;
  w.add_(nabla::ones({2}));
  EXPECT_EQ(w.to_vector(), (std::vector<double>{2, 2}));
}

TEST(Tensor, SizeAcceptsNegativeAxesAndChecksRange) {
  Tensor x = nabla::zeros({2, 3, 4});
  EXPECT_EQ(x.size(-1), 4);
  EXPECT_EQ(x.size(0), 2);
  try {
    (void)x.size(3);
    FAIL() << "expected an exception";
  } catch (const std::out_of_range& e) {
    EXPECT_THAT(e.what(), HasSubstr("axis 3 is out of range for a tensor of rank 3"));
  }
}
