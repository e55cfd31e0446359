// Anomaly mode: the first NaN or infinity is reported at the op that made it, forward or
// backward, with the place in the caller's code.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nabla/nabla.hpp>

using nabla::Tensor;
using ::testing::HasSubstr;

TEST(Anomaly, OffByDefaultNanFlows) {
  EXPECT_FALSE(nabla::is_anomaly_enabled());
  Tensor x = nabla::tensor({-1.0, 1.0});
  EXPECT_TRUE(std::isnan(nabla::log(x).to_vector()[0]));
}

TEST(Anomaly, ForwardNanNamesTheOpAndTheCallersLine) {
  Tensor x = nabla::tensor({1.0, -1.0}).requires_grad_();
  nabla::DetectAnomalyGuard anomaly;
  EXPECT_TRUE(nabla::is_anomaly_enabled());
  const int line = __LINE__ + 2;
  try {
    Tensor y = nabla::log(x);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("forward of 'log'"));
    EXPECT_THAT(e.what(), HasSubstr("nan at index [1]"));
    EXPECT_THAT(e.what(), HasSubstr("test_anomaly.cpp:" + std::to_string(line)));
  }
}

TEST(Anomaly, ForwardCheckAlsoRunsWithoutGrad) {
  nabla::DetectAnomalyGuard anomaly;
  nabla::NoGradGuard no_grad;
  EXPECT_THROW((void)nabla::div(nabla::ones({2}), nabla::zeros({2})), std::runtime_error);
}

TEST(Anomaly, BackwardInfinityNamesTheRule) {
  // sqrt(0) = 0 is finite, but its gradient 1/(2·0) is infinite.
  Tensor x = nabla::tensor({4.0, 0.0}, nabla::f64).requires_grad_();
  nabla::DetectAnomalyGuard anomaly;
  const int line = __LINE__ + 1;
  Tensor y = nabla::sum(nabla::sqrt(x));
  try {
    y.backward();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("backward of 'sqrt'"));
    EXPECT_THAT(e.what(), HasSubstr("inf at index [1]"));
    EXPECT_THAT(e.what(), HasSubstr("test_anomaly.cpp:" + std::to_string(line)));
  }
}

TEST(Anomaly, GuardRestoresTheModeAndCleanGraphsPass) {
  {
    nabla::DetectAnomalyGuard anomaly;
    Tensor w = nabla::tensor({0.5, 1.5}).requires_grad_();
    nabla::sum(nabla::sigmoid(w) * w).backward();
    EXPECT_EQ(w.grad().numel(), 2);
  }
  EXPECT_FALSE(nabla::is_anomaly_enabled());
}
