// Tests of ops/dropout.cpp, ops/dropout2d.cpp and ops/alpha_dropout.cpp.

#include <nabla/normalization.hpp>

#include <set>

#include "ops/op_test_util.hpp"

namespace test_dropout {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

std::set<double> distinct_values(const Tensor& t) {
  const auto v = t.to_vector();
  return {v.begin(), v.end()};
}

TEST(Dropout, ZeroesAboutPAndScalesTheRest) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    nabla::Generator gen(5);
    const Tensor x = nabla::ones({100, 100}, d);
    const Tensor y = nabla::dropout(x, 0.25, true, &gen);
    const auto v = y.to_vector();
    std::int64_t zeros = 0;
    for (double e : v) {
      if (e == 0.0) {
        ++zeros;
      } else {
        EXPECT_NEAR(e, 1.0 / 0.75, 1e-6);
      }
    }
    // 10 000 draws at p = 0.25: 2500 expected, standard deviation about 43
    EXPECT_GT(zeros, 2300);
    EXPECT_LT(zeros, 2700);
  }
}

TEST(Dropout, FixedGeneratorGivesFixedMaskAndGradientIsTheMask) {
  const Tensor x0 = normal({4, 5}, 1);
  nabla::Generator g1(42), g2(42);
  Tensor x = x0.detach().requires_grad_();
  const Tensor a = nabla::dropout(x, 0.5, true, &g1);
  const Tensor b = nabla::dropout(x0, 0.5, true, &g2);
  expect_tensor(a, {4, 5}, b.to_vector(), nabla::f64);
  nabla::sum(a).backward();
  // grad = mask: 2 where kept, 0 where dropped, and the value is x·mask
  const auto g = x.grad().to_vector(), av = a.to_vector(), xv = x0.to_vector();
  bool some_kept = false, some_dropped = false;
  for (std::size_t i = 0; i < g.size(); ++i) {
    EXPECT_TRUE(g[i] == 0.0 || g[i] == 2.0) << g[i];
    EXPECT_DOUBLE_EQ(av[i], xv[i] * g[i]);
    some_kept = some_kept || g[i] == 2.0;
    some_dropped = some_dropped || g[i] == 0.0;
  }
  EXPECT_TRUE(some_kept && some_dropped);
  EXPECT_EQ(a.grad_fn()->name(), "dropout");
}

TEST(Dropout, EdgeProbabilitiesAndEvaluation) {
  const Tensor x = normal({3, 4}, 2);
  Tensor xg = x.detach().requires_grad_();
  const Tensor z = nabla::dropout(xg, 1.0);
  expect_tensor(z, {3, 4}, std::vector<double>(12, 0.0), nabla::f64);
  nabla::sum(z).backward();
  expect_tensor(xg.grad(), {3, 4}, std::vector<double>(12, 0.0), nabla::f64);
  // p = 0 and evaluation return x itself
  EXPECT_EQ(nabla::dropout(x, 0.0).data<double>(), x.data<double>());
  EXPECT_EQ(nabla::dropout(x, 0.5, false).data<double>(), x.data<double>());
}

TEST(Dropout, GradientsOnViewsMatchFiniteDifferences) {
  auto fn = [](const std::vector<Tensor>& in) {
    nabla::Generator gen(3);
    return nabla::dropout(in[0], 0.3, true, &gen);
  };
  expect_gradients_match(fn, {normal({4, 3}, 3).t()});
  expect_nonzero_gradient(fn, {normal({3, 4}, 3)});
}

TEST(Dropout, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3});
  EXPECT_THAT(message_of([&] { nabla::dropout(x, 1.5); }),
              AllOf(HasSubstr("nabla::dropout"), HasSubstr("between 0 and 1"), HasSubstr("1.5")));
  EXPECT_THAT(message_of([&] { nabla::dropout(x, -0.1); }), HasSubstr("-0.1"));
  EXPECT_THAT(message_of([&] { nabla::dropout(x, std::nan("")); }), HasSubstr("nan"));
  EXPECT_THAT(message_of([] { nabla::dropout(nabla::zeros({3}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::dropout"), HasSubstr("int64")));
}

TEST(Dropout2d, ZeroesWholeChannels) {
  for (const Shape& s : {Shape{6, 8, 3, 3}, Shape{40, 3, 2}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    nabla::Generator gen(11);
    const Tensor y = nabla::dropout2d(nabla::ones(s), 0.5, true, &gen);
    const std::int64_t plane = s[s.size() - 1] * s[s.size() - 2];
    const auto v = y.to_vector();
    std::int64_t dropped = 0;
    for (std::size_t c = 0; c < v.size(); c += static_cast<std::size_t>(plane)) {
      for (std::int64_t i = 1; i < plane; ++i) EXPECT_EQ(v[c + static_cast<std::size_t>(i)], v[c]);
      EXPECT_TRUE(v[c] == 0.0 || v[c] == 2.0) << v[c];
      dropped += v[c] == 0.0 ? 1 : 0;
    }
    const auto channels = static_cast<std::int64_t>(v.size()) / plane;
    EXPECT_GT(dropped, 0);
    EXPECT_LT(dropped, channels);
  }
}

TEST(Dropout2d, GradientsAndErrors) {
  auto fn = [](const std::vector<Tensor>& in) {
    nabla::Generator gen(8);
    return nabla::dropout2d(in[0], 0.5, true, &gen);
  };
  expect_gradients_match(fn, {normal({2, 3, 2, 4}, 4).slice(3, 0, std::nullopt, 2)});
  expect_nonzero_gradient(fn, {normal({2, 3, 2, 2}, 4)});
  EXPECT_THAT(
      message_of([] {
        nabla::dropout2d(nabla::zeros({3, 4}), 0.5);
      }),
      AllOf(HasSubstr("nabla::dropout2d"), HasSubstr("[N,C,H,W] or [C,H,W]"), HasSubstr("[3, 4]")));
  EXPECT_THAT(message_of([] {
                nabla::dropout2d(nabla::zeros({1, 3, 4}), 2.0);
              }),
              AllOf(HasSubstr("nabla::dropout2d"), HasSubstr("between 0 and 1")));
}

// Recorded from PyTorch 1.13 (python3-torch):
//   sorted(set(F.alpha_dropout(torch.ones(20, dtype=torch.float64), 0.5, True).tolist()))
//   sorted(set(F.alpha_dropout(torch.full((20,), -2.0, dtype=torch.float64), 0.2, True).tolist()))
TEST(AlphaDropout, ValuesMatchPyTorchConstants) {
  nabla::Generator gen(2);
  const auto a =
      distinct_values(nabla::alpha_dropout(nabla::ones({40}, nabla::f64), 0.5, true, &gen));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_NEAR(*a.begin(), -0.7791939305180315, 1e-14);
  EXPECT_NEAR(*a.rbegin(), 1.6655988251839635, 1e-14);
  const auto b =
      distinct_values(nabla::alpha_dropout(nabla::full({40}, -2.0, nabla::f64), 0.2, true, &gen));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_NEAR(*b.begin(), -1.4487672047429712, 1e-14);
  EXPECT_NEAR(*b.rbegin(), -1.2361598485763778, 1e-14);
}

TEST(AlphaDropout, KeepsMeanAndVarianceOfAStandardNormal) {
  nabla::Generator gen(9);
  const Tensor y = nabla::alpha_dropout(normal({200000}, 10), 0.3, true, &gen);
  EXPECT_NEAR(nabla::mean(y).item<double>(), 0.0, 0.01);
  EXPECT_NEAR(nabla::var(y).item<double>(), 1.0, 0.02);
}

TEST(AlphaDropout, GradientsEdgesAndErrors) {
  auto fn = [](const std::vector<Tensor>& in) {
    nabla::Generator gen(12);
    return nabla::alpha_dropout(in[0], 0.4, true, &gen);
  };
  expect_gradients_match(fn, {normal({3, 4}, 5).t()});
  expect_nonzero_gradient(fn, {normal({3, 4}, 5)});
  const Tensor x = normal({5}, 6);
  expect_tensor(nabla::alpha_dropout(x, 1.0, true), {5}, std::vector<double>(5, 0.0), nabla::f64);
  EXPECT_EQ(nabla::alpha_dropout(x, 0.5).data<double>(), x.data<double>());  // training false
  EXPECT_THAT(message_of([&] { nabla::alpha_dropout(x, 2.0, true); }),
              AllOf(HasSubstr("nabla::alpha_dropout"), HasSubstr("between 0 and 1")));
}

}  // namespace
}  // namespace test_dropout
