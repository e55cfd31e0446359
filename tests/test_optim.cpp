// Optimizers, learning-rate schedules, gradient clipping and optimizer state.
//
// Expected values are worked out by hand in the comments from the published algorithms
// (torch.optim's documentation), with gradients set directly through set_grad so each step's
// gradient is known. Parameters are float64 so the hand values hold to 1e-12.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include <nabla/nabla.hpp>

using nabla::Tensor;
using nabla::optim::Adam;
using nabla::optim::AdamOptions;
using nabla::optim::AdamW;
using nabla::optim::AdamWOptions;
using nabla::optim::SGD;
using nabla::optim::SGDOptions;
using ::testing::HasSubstr;

namespace {

constexpr double kTol = 1e-12;

Tensor param(std::vector<double> values) {
  const auto n = static_cast<std::int64_t>(values.size());
  return nabla::tensor(values, {n}, nabla::f64).requires_grad_();
}

// Sets p's gradient to `g` (one value per element) and takes one optimizer step.
void step_with(nabla::optim::Optimizer& opt, Tensor& p, std::vector<double> g) {
  const auto n = static_cast<std::int64_t>(g.size());
  p.set_grad(nabla::tensor(g, {n}, nabla::f64));
  opt.step();
}

double first(const Tensor& t) {
  return t.to_vector().at(0);
}

// Takes `steps` steps of `opt` on f(p) = Σ (p − target)², target = [1, −2, 3], through the
// real backward, and returns the final loss.
double minimize_quadratic(nabla::optim::Optimizer& opt, Tensor& p, int steps) {
  const Tensor target = nabla::tensor({1.0, -2.0, 3.0}, nabla::f64);
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    Tensor loss = nabla::sum((p - target) * (p - target));
    loss.backward();
    opt.step();
  }
  return nabla::sum((p - target) * (p - target)).item<double>();
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument thrown)";
}

}  // namespace

// ---- SGD ------------------------------------------------------------------------------

TEST(SGD, PlainStepsSubtractLrTimesGradient) {
  Tensor p = param({1.0, -2.0});
  SGD opt({p}, {.lr = 0.1});
  step_with(opt, p, {0.5, 1.0});  // p = [1 − 0.05, −2 − 0.1] = [0.95, −2.1]
  EXPECT_NEAR(p.to_vector()[0], 0.95, kTol);
  EXPECT_NEAR(p.to_vector()[1], -2.1, kTol);
  step_with(opt, p, {-1.0, 2.0});  // p = [0.95 + 0.1, −2.1 − 0.2] = [1.05, −2.3]
  EXPECT_NEAR(p.to_vector()[0], 1.05, kTol);
  EXPECT_NEAR(p.to_vector()[1], -2.3, kTol);
}

TEST(SGD, StepThroughBackwardAndZeroGrad) {
  Tensor p = param({3.0});
  SGD opt({p}, {.lr = 0.1});
  nabla::sum(p * p).backward();  // grad = 2p = 6
  opt.step();                    // p = 3 − 0.6 = 2.4
  EXPECT_NEAR(first(p), 2.4, kTol);
  opt.zero_grad();
  EXPECT_FALSE(p.grad().defined());
  nabla::sum(p * p).backward();  // grad = 4.8 (6 + 4.8 without zero_grad)
  opt.step();                    // p = 2.4 − 0.48 = 1.92
  EXPECT_NEAR(first(p), 1.92, kTol);
}

TEST(SGD, MomentumStartsWithTheGradientThenAccumulates) {
  Tensor p = param({1.0});
  SGD opt({p}, {.lr = 0.1, .momentum = 0.9});
  step_with(opt, p, {1.0});  // b = 1;                  p = 1 − 0.1 = 0.9
  EXPECT_NEAR(first(p), 0.9, kTol);
  step_with(opt, p, {2.0});  // b = 0.9·1 + 2 = 2.9;    p = 0.9 − 0.29 = 0.61
  EXPECT_NEAR(first(p), 0.61, kTol);
  step_with(opt, p, {-1.0});  // b = 0.9·2.9 − 1 = 1.61; p = 0.61 − 0.161 = 0.449
  EXPECT_NEAR(first(p), 0.449, kTol);
}

TEST(SGD, DampeningScalesNewGradientsButNotTheFirst) {
  Tensor p = param({1.0});
  SGD opt({p}, {.lr = 0.1, .momentum = 0.9, .dampening = 0.5});
  step_with(opt, p, {1.0});  // b = g = 1 (no dampening on the first step); p = 0.9
  EXPECT_NEAR(first(p), 0.9, kTol);
  step_with(opt, p, {2.0});  // b = 0.9·1 + 0.5·2 = 1.9; p = 0.9 − 0.19 = 0.71
  EXPECT_NEAR(first(p), 0.71, kTol);
  step_with(opt, p, {-1.0});  // b = 0.9·1.9 − 0.5 = 1.21; p = 0.71 − 0.121 = 0.589
  EXPECT_NEAR(first(p), 0.589, kTol);
}

TEST(SGD, NesterovStepsAlongGradientPlusMomentumTimesBuffer) {
  Tensor p = param({1.0});
  SGD opt({p}, {.lr = 0.1, .momentum = 0.9, .nesterov = true});
  step_with(opt, p, {1.0});  // b = 1;   g = 1 + 0.9·1 = 1.9;     p = 1 − 0.19 = 0.81
  EXPECT_NEAR(first(p), 0.81, kTol);
  step_with(opt, p, {2.0});  // b = 2.9; g = 2 + 0.9·2.9 = 4.61;  p = 0.81 − 0.461 = 0.349
  EXPECT_NEAR(first(p), 0.349, kTol);
  step_with(opt, p, {-1.0});  // b = 1.61; g = −1 + 1.449 = 0.449; p = 0.349 − 0.0449 = 0.3041
  EXPECT_NEAR(first(p), 0.3041, kTol);
}

TEST(SGD, WeightDecayAddsDecayTimesParameterToTheGradient) {
  Tensor p = param({1.0});
  SGD opt({p}, {.lr = 0.1, .weight_decay = 0.1});
  step_with(opt, p, {1.0});  // g = 1 + 0.1·1 = 1.1;     p = 1 − 0.11 = 0.89
  EXPECT_NEAR(first(p), 0.89, kTol);
  step_with(opt, p, {2.0});  // g = 2 + 0.1·0.89 = 2.089; p = 0.89 − 0.2089 = 0.6811
  EXPECT_NEAR(first(p), 0.6811, kTol);
  EXPECT_DOUBLE_EQ(first(p.grad()), 2.0);  // the stored gradient is not modified
}

TEST(SGD, WeightDecayWithMomentumDecaysBeforeTheBuffer) {
  Tensor p = param({1.0});
  SGD opt({p}, {.lr = 0.1, .momentum = 0.9, .weight_decay = 0.1});
  step_with(opt, p, {1.0});  // g = 1.1;   b = 1.1;                  p = 1 − 0.11 = 0.89
  EXPECT_NEAR(first(p), 0.89, kTol);
  step_with(opt, p, {2.0});  // g = 2.089; b = 0.99 + 2.089 = 3.079; p = 0.89 − 0.3079 = 0.5821
  EXPECT_NEAR(first(p), 0.5821, kTol);
}

TEST(SGD, ParametersWithoutGradientAreSkipped) {
  Tensor a = param({1.0});
  Tensor b = param({5.0});
  SGD opt({a, b}, {.lr = 0.1, .momentum = 0.9});
  step_with(opt, a, {1.0});  // only a has a gradient: a = 0.9, b stays 5
  EXPECT_NEAR(first(a), 0.9, kTol);
  EXPECT_EQ(first(b), 5.0);
  const auto state = opt.state();
  ASSERT_EQ(state.size(), 4u + 5u);  // the parameters' entries, then the group's 5 options
  EXPECT_EQ(state[2].first, "param.1.step");
  EXPECT_EQ(state[2].second.item<double>(), 0.0);  // b's momentum never started
}

TEST(SGD, StepBumpsTheVersionSoAStaleGraphThrows) {
  Tensor p = param({0.5});
  SGD opt({p}, {.lr = 0.1});
  Tensor y = nabla::sum(p * p);  // mul saves p
  p.set_grad(nabla::tensor({1.0}, nabla::f64));
  const auto before = p.version();
  opt.step();
  EXPECT_GT(p.version(), before);
  EXPECT_THROW(y.backward(), std::runtime_error);
}

TEST(SGD, MinimizesAQuadratic) {
  Tensor p = param({0.0, 0.0, 0.0});
  SGD opt({p}, {.lr = 0.1});
  const double initial = minimize_quadratic(opt, p, 0);  // 1 + 4 + 9 = 14
  EXPECT_NEAR(initial, 14.0, kTol);
  EXPECT_LT(minimize_quadratic(opt, p, 100), 1e-12);  // error shrinks ×0.8 per step
  Tensor q = param({0.0, 0.0, 0.0});
  SGD nesterov({q}, {.lr = 0.05, .momentum = 0.9, .weight_decay = 0.0, .nesterov = true});
  EXPECT_LT(minimize_quadratic(nesterov, q, 300), 1e-10);
}

TEST(SGD, BadOptionsThrowNamingTheOptionAndValue) {
  Tensor p = param({1.0});
  EXPECT_THAT(error_of([&] { SGD({p}, {.lr = -0.1}); }), HasSubstr("lr -0.1"));
  EXPECT_THAT(error_of([&] { SGD({p}, {.lr = 0.1, .momentum = -0.5}); }),
              HasSubstr("momentum -0.5"));
  EXPECT_THAT(error_of([&] { SGD({p}, {.lr = 0.1, .weight_decay = -1.0}); }),
              HasSubstr("weight_decay -1"));
  EXPECT_THAT(error_of([&] { SGD({p}, {.lr = 0.1, .nesterov = true}); }), HasSubstr("nesterov"));
  EXPECT_THAT(
      error_of([&] { SGD({p}, {.lr = 0.1, .momentum = 0.9, .dampening = 0.5, .nesterov = true}); }),
      HasSubstr("dampening 0.5"));
  EXPECT_THAT(error_of([&] { SGD({}, {.lr = 0.1}); }), HasSubstr("empty"));
  Tensor non_leaf = p * 2.0;
  EXPECT_THAT(error_of([&] { SGD({non_leaf}, {.lr = 0.1}); }), HasSubstr("not a leaf"));
  EXPECT_THAT(error_of([&] {
                SGD({p, p}, {.lr = 0.1});
              }),
              HasSubstr("parameter 1 is the same tensor as parameter 0"));
  SGD opt({p}, {.lr = 0.1});
  EXPECT_THAT(error_of([&] { opt.set_lr(-1.0); }), HasSubstr("lr -1"));
  EXPECT_EQ(opt.lr(), 0.1);
}

// ---- Adam -----------------------------------------------------------------------------

TEST(Adam, FirstTwoStepsWithDefaults) {
  Tensor p = param({1.0});
  Adam opt({p}, {.lr = 0.1});  // β₁ 0.9, β₂ 0.999, eps 1e-8
  // t = 1, g = 1: m = 0.1, v = 0.001; m̂ = 0.1/0.1 = 1, v̂ = 0.001/0.001 = 1
  // p = 1 − 0.1·1/(√1 + 1e-8) = 0.900000001 (to 1e-17)
  step_with(opt, p, {1.0});
  const double p1 = 1.0 - 0.1 / (1.0 + 1e-8);
  EXPECT_NEAR(first(p), p1, kTol);
  // t = 2, g = 2: m = 0.9·0.1 + 0.1·2 = 0.29, v = 0.999·0.001 + 0.001·4 = 0.004999
  // 1 − β₁² = 0.19, 1 − β₂² = 0.001999; m̂ = 1.5263157894736842, v̂ = 2.5007503751875937,
  // √v̂ = 1.581376101750...; p = p1 − 0.1·m̂/(√v̂ + 1e-8) ≈ 0.80348179903
  step_with(opt, p, {2.0});
  EXPECT_NEAR(first(p), p1 - 0.1 * (0.29 / 0.19) / (std::sqrt(0.004999 / 0.001999) + 1e-8), kTol);
  EXPECT_NEAR(first(p), 0.80348179903, 1e-10);
}

TEST(Adam, EpsIsAddedAfterTheBiasCorrectedSquareRoot) {
  Tensor p = param({1.0});
  Adam opt({p}, {.lr = 0.1, .eps = 0.5});
  // m̂ = 1, √v̂ = 1: p = 1 − 0.1·1/(1 + 0.5) = 1 − 1/15. (eps before the bias correction
  // would give denominator (√0.001 + 0.5)/√0.001 ≈ 16.8 instead.)
  step_with(opt, p, {1.0});
  EXPECT_NEAR(first(p), 1.0 - 1.0 / 15.0, kTol);
}

TEST(Adam, WeightDecayIsAnL2TermInTheGradient) {
  Tensor p = param({1.0});
  Adam opt({p}, {.lr = 0.1, .eps = 0.0, .weight_decay = 0.1});
  // t = 1: g = 1 + 0.1·1 = 1.1; m = 0.11, v = 0.00121; m̂ = 1.1, √v̂ = 1.1; p = 1 − 0.1 = 0.9
  step_with(opt, p, {1.0});
  EXPECT_NEAR(first(p), 0.9, kTol);
  // t = 2: g = 2 + 0.1·0.9 = 2.09; m = 0.099 + 0.209 = 0.308;
  // v = 0.999·0.00121 + 0.001·2.09² = 0.00120879 + 0.0043681 = 0.00557689
  // p = 0.9 − 0.1·(0.308/0.19)/√(0.00557689/0.001999) ≈ 0.80294733320
  step_with(opt, p, {2.0});
  EXPECT_NEAR(first(p), 0.9 - 0.1 * (0.308 / 0.19) / std::sqrt(0.00557689 / 0.001999), kTol);
  EXPECT_NEAR(first(p), 0.80294733320, 1e-10);
}

TEST(Adam, AmsgradDividesByTheLargestSecondMoment) {
  Tensor p = param({1.0});
  Adam opt({p}, {.lr = 0.1, .beta2 = 0.5, .eps = 0.0, .amsgrad = true});
  // t = 1, g = 2: m = 0.2, v = 0.5·4 = 2, v_max = 2; m̂ = 2, v̂ = 2/0.5 = 4;
  // p = 1 − 0.1·2/2 = 0.9
  step_with(opt, p, {2.0});
  EXPECT_NEAR(first(p), 0.9, kTol);
  // t = 2, g = 0.1: m = 0.18 + 0.01 = 0.19, v = 1 + 0.005 = 1.005, v_max = max(2, 1.005) = 2
  // m̂ = 0.19/0.19 = 1; denominator √2/√0.75 = √(8/3); p = 0.9 − 0.1·√(3/8) ≈ 0.83876275643
  // (without amsgrad: 0.9 − 0.1/√1.34 ≈ 0.81361315744)
  step_with(opt, p, {0.1});
  EXPECT_NEAR(first(p), 0.9 - 0.1 * std::sqrt(3.0 / 8.0), kTol);
  EXPECT_NEAR(first(p), 0.83876275643, 1e-10);
  const auto state = opt.state();
  ASSERT_EQ(state.size(), 4u + 6u);  // the parameter's entries, then the group's 6 options
  EXPECT_EQ(state[2].first, "param.0.exp_avg_sq");
  EXPECT_NEAR(first(state[2].second), 1.005, kTol);
  EXPECT_EQ(state[3].first, "param.0.max_exp_avg_sq");
  EXPECT_NEAR(first(state[3].second), 2.0, kTol);
}

TEST(Adam, MinimizesAQuadratic) {
  Tensor p = param({0.0, 0.0, 0.0});
  Adam opt({p}, {.lr = 0.05});
  nabla::optim::CosineAnnealingLR schedule(opt, 1000);  // anneal so the last steps settle
  for (int i = 0; i < 1000; ++i) {
    minimize_quadratic(opt, p, 1);
    schedule.step();
  }
  EXPECT_LT(minimize_quadratic(opt, p, 0), 1e-6);
  Tensor q = param({0.0, 0.0, 0.0});
  Adam ams({q}, {.lr = 0.05, .amsgrad = true});
  EXPECT_LT(minimize_quadratic(ams, q, 1000), 1e-2);
}

TEST(Adam, BadOptionsThrowNamingTheOptionAndValue) {
  Tensor p = param({1.0});
  EXPECT_THAT(error_of([&] { Adam({p}, {.lr = -1.0}); }), HasSubstr("lr -1"));
  EXPECT_THAT(error_of([&] { Adam({p}, {.beta1 = 1.0}); }), HasSubstr("beta1 1"));
  EXPECT_THAT(error_of([&] { Adam({p}, {.beta2 = -0.1}); }), HasSubstr("beta2 -0.1"));
  EXPECT_THAT(error_of([&] { Adam({p}, {.eps = -1e-8}); }), HasSubstr("eps -1e-08"));
  EXPECT_THAT(error_of([&] { Adam({p}, {.weight_decay = -0.5}); }), HasSubstr("weight_decay"));
  EXPECT_THAT(error_of([&] { Adam({p}, {.beta1 = std::nan("")}); }), HasSubstr("beta1 nan"));
  EXPECT_NO_THROW(Adam({p}, {.beta1 = 0.0, .beta2 = 0.0}));  // 0 is inside [0, 1)
}

// ---- AdamW ----------------------------------------------------------------------------

TEST(AdamW, WeightDecayIsDecoupledFromTheMoments) {
  Tensor p = param({1.0});
  AdamW opt({p}, {.lr = 0.1, .eps = 0.0, .weight_decay = 0.1});
  // t = 1: p ← 1·(1 − 0.1·0.1) = 0.99; g = 1 untouched: m̂ = 1, √v̂ = 1; p = 0.99 − 0.1 = 0.89
  step_with(opt, p, {1.0});
  EXPECT_NEAR(first(p), 0.89, kTol);
  // t = 2: p ← 0.89·0.99 = 0.8811; m = 0.29, v = 0.004999 (as without decay)
  // p = 0.8811 − 0.1·(0.29/0.19)/√(0.004999/0.001999) ≈ 0.78458179742
  step_with(opt, p, {2.0});
  EXPECT_NEAR(first(p), 0.8811 - 0.1 * (0.29 / 0.19) / std::sqrt(0.004999 / 0.001999), kTol);
  EXPECT_NEAR(first(p), 0.78458179742, 1e-10);
}

TEST(AdamW, DefaultsMatchPyTorch) {
  Tensor p = param({1.0});
  AdamW opt({p});
  EXPECT_EQ(opt.options().weight_decay, 1e-2);
  EXPECT_EQ(opt.lr(), 1e-3);
  // p ← 1·(1 − 1e-3·1e-2) = 0.99999; m̂ = 1, √v̂ = 1; p = 0.99999 − 1e-3/(1 + 1e-8)
  step_with(opt, p, {1.0});
  EXPECT_NEAR(first(p), 0.99999 - 1e-3 / (1.0 + 1e-8), kTol);
}

TEST(AdamW, AmsgradWithDecoupledDecay) {
  Tensor p = param({1.0});
  AdamW opt({p}, {.lr = 0.1, .beta2 = 0.5, .eps = 0.0, .weight_decay = 0.1, .amsgrad = true});
  // t = 1: p ← 0.99; g = 2: m̂ = 2, v̂ = 4; p = 0.99 − 0.1 = 0.89
  step_with(opt, p, {2.0});
  EXPECT_NEAR(first(p), 0.89, kTol);
  // t = 2: p ← 0.89·0.99 = 0.8811; g = 0.1: m̂ = 1, v_max = 2 as in Adam's amsgrad test
  // p = 0.8811 − 0.1·√(3/8)
  step_with(opt, p, {0.1});
  EXPECT_NEAR(first(p), 0.8811 - 0.1 * std::sqrt(3.0 / 8.0), kTol);
}

TEST(AdamW, MinimizesAQuadraticNearTheDecayedOptimum) {
  // Decoupled decay pulls toward 0, so AdamW settles near (not at) the target.
  Tensor p = param({0.0, 0.0, 0.0});
  AdamW opt({p}, {.lr = 0.05, .weight_decay = 1e-3});
  nabla::optim::CosineAnnealingLR schedule(opt, 1000);
  for (int i = 0; i < 1000; ++i) {
    minimize_quadratic(opt, p, 1);
    schedule.step();
  }
  EXPECT_LT(minimize_quadratic(opt, p, 0), 1e-3);
}

TEST(AdamW, BadOptionsThrow) {
  Tensor p = param({1.0});
  EXPECT_THAT(error_of([&] { AdamW({p}, {.beta1 = 1.5}); }), HasSubstr("AdamW: invalid beta1 1.5"));
  EXPECT_THAT(error_of([&] { AdamW({p}, {.weight_decay = -0.01}); }),
              HasSubstr("weight_decay -0.01"));
}

// ---- learning-rate schedules ----------------------------------------------------------

TEST(LRSchedule, StepLRDecaysEveryStepSizeEpochs) {
  Tensor p = param({1.0});
  SGD opt({p}, {.lr = 0.1});
  nabla::optim::StepLR schedule(opt, 2, 0.5);
  // lr = 0.1·0.5^⌊epoch/2⌋: epochs 0..5 → 0.1, 0.1, 0.05, 0.05, 0.025, 0.025
  const double expected[] = {0.1, 0.1, 0.05, 0.05, 0.025, 0.025};
  for (int epoch = 0; epoch < 6; ++epoch) {
    EXPECT_EQ(schedule.last_epoch(), epoch);
    EXPECT_NEAR(schedule.get_lr(), expected[epoch], kTol) << "epoch " << epoch;
    EXPECT_NEAR(opt.lr(), expected[epoch], kTol) << "epoch " << epoch;
    schedule.step();
  }
}

TEST(LRSchedule, StepLRDefaultGammaIsATenth) {
  Tensor p = param({1.0});
  SGD opt({p}, {.lr = 1.0});
  nabla::optim::StepLR schedule(opt, 1);
  schedule.step();  // 1·0.1
  schedule.step();  // 1·0.1²
  EXPECT_NEAR(opt.lr(), 0.01, kTol);
}

TEST(LRSchedule, CosineAnnealingFollowsTheClosedForm) {
  Tensor p = param({1.0});
  Adam opt({p}, {.lr = 0.1});
  nabla::optim::CosineAnnealingLR schedule(opt, 4, 0.01);
  // lr = 0.01 + 0.09·(1 + cos(π·e/4))/2: e = 0 → 0.1; 1 → 0.01 + 0.045·(1 + √2/2)
  // ≈ 0.0868198; 2 → 0.055; 3 → 0.01 + 0.045·(1 − √2/2) ≈ 0.0231802; 4 → 0.01;
  // 5 → as 3 (no restart, the closed form rises again)
  const double h = std::sqrt(2.0) / 2.0;
  const double expected[] = {0.1,  0.01 + 0.045 * (1 + h), 0.055, 0.01 + 0.045 * (1 - h),
                             0.01, 0.01 + 0.045 * (1 - h)};
  for (int epoch = 0; epoch < 6; ++epoch) {
    EXPECT_NEAR(schedule.get_lr(), expected[epoch], kTol) << "epoch " << epoch;
    EXPECT_NEAR(opt.lr(), expected[epoch], kTol) << "epoch " << epoch;
    schedule.step();
  }
  EXPECT_NEAR(expected[1], 0.0868198, 1e-7);
}

TEST(LRSchedule, ScheduledRateIsUsedByTheNextStep) {
  Tensor p = param({1.0});
  SGD opt({p}, {.lr = 0.1});
  nabla::optim::StepLR schedule(opt, 1, 0.5);
  schedule.step();           // lr = 0.05
  step_with(opt, p, {1.0});  // p = 1 − 0.05
  EXPECT_NEAR(first(p), 0.95, kTol);
}

TEST(LRSchedule, BadArgumentsThrow) {
  Tensor p = param({1.0});
  SGD opt({p}, {.lr = 0.1});
  EXPECT_THAT(error_of([&] { nabla::optim::StepLR(opt, 0); }), HasSubstr("step_size 0"));
  EXPECT_THAT(error_of([&] { nabla::optim::StepLR(opt, 1, -0.5); }), HasSubstr("gamma -0.5"));
  EXPECT_THAT(error_of([&] { nabla::optim::CosineAnnealingLR(opt, 0); }), HasSubstr("T_max 0"));
  EXPECT_THAT(error_of([&] { nabla::optim::CosineAnnealingLR(opt, 5, -1.0); }),
              HasSubstr("eta_min -1"));
}

// ---- clip_grad_norm_ ------------------------------------------------------------------

TEST(ClipGradNorm, ScalesAllGradientsByTheGlobalNorm) {
  Tensor a = param({0.0, 0.0});
  Tensor b = param({0.0});
  Tensor c = param({0.0});  // no gradient: skipped
  a.set_grad(nabla::tensor({3.0, 0.0}, nabla::f64));
  b.set_grad(nabla::tensor({4.0}, nabla::f64));
  std::vector<Tensor> params{a, b, c};
  // ‖g‖ = √(9 + 0 + 16) = 5 > 1: g ← g·1/(5 + 1e-6)
  EXPECT_NEAR(nabla::optim::clip_grad_norm_(params, 1.0), 5.0, kTol);
  EXPECT_NEAR(a.grad().to_vector()[0], 3.0 / (5.0 + 1e-6), kTol);
  EXPECT_EQ(a.grad().to_vector()[1], 0.0);
  EXPECT_NEAR(first(b.grad()), 4.0 / (5.0 + 1e-6), kTol);
  EXPECT_FALSE(c.grad().defined());
}

TEST(ClipGradNorm, NormBelowTheLimitLeavesGradientsAlone) {
  Tensor a = param({0.0, 0.0});
  a.set_grad(nabla::tensor({3.0, 4.0}, nabla::f64));
  std::vector<Tensor> params{a};
  EXPECT_NEAR(nabla::optim::clip_grad_norm_(params, 10.0), 5.0, kTol);
  EXPECT_EQ(a.grad().to_vector(), (std::vector<double>{3.0, 4.0}));
}

TEST(ClipGradNorm, Float32GradientsAreSummedInDouble) {
  Tensor a = nabla::tensor({0.0, 0.0}).requires_grad_();  // float32 by default
  a.set_grad(nabla::tensor({6.0, 8.0}));
  std::vector<Tensor> params{a};
  // ‖g‖ = 10; g ← g·5/(10 + 1e-6)
  EXPECT_NEAR(nabla::optim::clip_grad_norm_(params, 5.0), 10.0, 1e-12);
  EXPECT_NEAR(a.grad().to_vector()[0], 3.0, 1e-6);
  EXPECT_NEAR(a.grad().to_vector()[1], 4.0, 1e-6);
}

TEST(ClipGradNorm, NonFiniteNormIsReturnedAndGradientsAreLeft) {
  Tensor a = param({0.0, 0.0});
  a.set_grad(nabla::tensor({std::nan(""), 1.0}, nabla::f64));
  std::vector<Tensor> params{a};
  EXPECT_TRUE(std::isnan(nabla::optim::clip_grad_norm_(params, 1.0)));
  EXPECT_EQ(a.grad().to_vector()[1], 1.0);
  a.set_grad(nabla::tensor({std::numeric_limits<double>::infinity(), 1.0}, nabla::f64));
  EXPECT_TRUE(std::isinf(nabla::optim::clip_grad_norm_(params, 1.0)));
  EXPECT_EQ(a.grad().to_vector()[1], 1.0);
}

TEST(ClipGradNorm, NegativeMaxNormThrows) {
  std::vector<Tensor> params{param({1.0})};
  EXPECT_THAT(error_of([&] { nabla::optim::clip_grad_norm_(params, -1.0); }),
              HasSubstr("max_norm -1"));
}

// ---- optimizer state ------------------------------------------------------------------

TEST(Adam, StateListsStepAndMomentsPerParameter) {
  Tensor a = param({1.0, 2.0});
  Tensor b = nabla::zeros({2, 3}, nabla::f64).requires_grad_();
  Adam opt({a, b}, {.amsgrad = true});
  std::vector<std::string> names;
  for (const auto& [name, t] : opt.state()) names.push_back(name);
  // The parameters' entries, then the group's options.
  EXPECT_EQ(names,
            (std::vector<std::string>{"param.0.step", "param.0.exp_avg", "param.0.exp_avg_sq",
                                      "param.0.max_exp_avg_sq", "param.1.step", "param.1.exp_avg",
                                      "param.1.exp_avg_sq", "param.1.max_exp_avg_sq", "group.0.lr",
                                      "group.0.beta1", "group.0.beta2", "group.0.eps",
                                      "group.0.weight_decay", "group.0.amsgrad"}));
  EXPECT_EQ(opt.state()[5].second.shape(), (nabla::Shape{2, 3}));
}

TEST(Adam, SaveLoadGivesAnIdenticalNextStep) {
  Tensor a = param({1.0, -2.0});
  Adam first_opt({a}, {.lr = 0.1, .amsgrad = true});
  step_with(first_opt, a, {1.0, 2.0});
  step_with(first_opt, a, {3.0, -1.0});
  step_with(first_opt, a, {0.5, 0.5});

  Tensor b = param(a.to_vector());  // same values, separate storage
  Adam restored({b}, {.lr = 0.1, .amsgrad = true});
  restored.load_state(first_opt.state());
  Tensor c = param(a.to_vector());
  Adam fresh({c}, {.lr = 0.1, .amsgrad = true});

  step_with(first_opt, a, {-2.0, 1.0});
  step_with(restored, b, {-2.0, 1.0});
  step_with(fresh, c, {-2.0, 1.0});
  EXPECT_EQ(a.to_vector(), b.to_vector());
  EXPECT_NE(a.to_vector(), c.to_vector());  // the state matters, so the test can fail
  const auto sa = first_opt.state();
  const auto sb = restored.state();
  ASSERT_EQ(sa.size(), sb.size());
  for (std::size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].first, sb[i].first);
    EXPECT_EQ(sa[i].second.to_vector(), sb[i].second.to_vector()) << sa[i].first;
  }
  EXPECT_EQ(sb[0].second.item<double>(), 4.0);  // param.0.step
}

TEST(Adam, StateIsACopy) {
  Tensor a = param({1.0});
  Adam opt({a}, {.lr = 0.1});
  step_with(opt, a, {1.0});
  auto state = opt.state();
  {
    nabla::NoGradGuard no_grad;
    state[1].second.fill_(123.0);
  }
  EXPECT_NEAR(first(opt.state()[1].second), 0.1, kTol);  // m = 0.1·1
}

TEST(SGD, SaveLoadGivesAnIdenticalNextStep) {
  Tensor a = param({1.0});
  SGD first_opt({a}, {.lr = 0.1, .momentum = 0.9, .dampening = 0.5});
  step_with(first_opt, a, {1.0});  // b = 1 (first step)
  Tensor b = param(a.to_vector());
  SGD restored({b}, {.lr = 0.1, .momentum = 0.9, .dampening = 0.5});
  restored.load_state(first_opt.state());
  // Both: b = 0.9·1 + 0.5·2 = 1.9, p = 0.9 − 0.19 = 0.71. Without the state the restored
  // optimizer would take its first step instead: b = 2, p = 0.9 − 0.2 = 0.7.
  step_with(first_opt, a, {2.0});
  step_with(restored, b, {2.0});
  EXPECT_NEAR(first(a), 0.71, kTol);
  EXPECT_EQ(a.to_vector(), b.to_vector());
}

TEST(Adam, LoadStateListsMissingExtraAndMismatchedEntries) {
  Tensor a = param({1.0, 2.0});
  Adam opt({a});
  auto state = opt.state();
  state.erase(state.begin() + 2);  // drop param.0.exp_avg_sq
  state.emplace_back("param.0.momentum_buffer", nabla::zeros({2}, nabla::f64));
  state[1].second = nabla::zeros({3}, nabla::f64);  // param.0.exp_avg: wrong shape
  const std::string msg = error_of([&] { opt.load_state(state); });
  EXPECT_THAT(msg, HasSubstr("missing: param.0.exp_avg_sq"));
  EXPECT_THAT(msg, HasSubstr("extra: param.0.momentum_buffer"));
  EXPECT_THAT(msg, HasSubstr("param.0.exp_avg (expected shape [2], got [3])"));
  auto bad_step = opt.state();
  bad_step[0].second = nabla::scalar_tensor(-1.5, nabla::f64);
  EXPECT_THAT(error_of([&] { opt.load_state(bad_step); }), HasSubstr("param.0.step"));
  // A failed load leaves the state as it was.
  EXPECT_EQ(opt.state()[0].second.item<double>(), 0.0);
}

TEST(SGD, LoadStateFromAnotherConfigurationThrows) {
  Tensor a = param({1.0});
  SGD with_momentum({a}, {.lr = 0.1, .momentum = 0.9});
  SGD plain({a}, {.lr = 0.1});
  EXPECT_THAT(error_of([&] { plain.load_state(with_momentum.state()); }),
              HasSubstr("extra: param.0.momentum_buffer"));
}

// ---- the README's Training example --------------------------------------------------

TEST(SGD, ReadmeTrainingLoopFitsTheLine) {
  nabla::Generator gen(0);
  nabla::Tensor X = nabla::randn({64, 3}, gen);
  nabla::Tensor y = nabla::matmul(X, nabla::tensor({{1.0}, {-2.0}, {0.5}})) + 0.3;  // [64,1]
  nabla::Tensor W = nabla::zeros({3, 1}).requires_grad_();
  nabla::Tensor b = nabla::zeros({1}).requires_grad_();
  std::vector<nabla::Tensor> params{W, b};

  nabla::optim::SGD optimizer(params, {.lr = 0.1, .momentum = 0.9});
  nabla::optim::StepLR schedule(optimizer, /*step_size=*/50, /*gamma=*/0.1);
  double first_loss = 0.0, last_loss = 0.0;
  for (int epoch = 0; epoch < 100; ++epoch) {
    nabla::Tensor loss = nabla::mse_loss(nabla::matmul(X, W) + b, y);
    optimizer.zero_grad();
    loss.backward();
    nabla::optim::clip_grad_norm_(params, /*max_norm=*/10.0);
    optimizer.step();
    schedule.step();  // once per epoch
    (epoch == 0 ? first_loss : last_loss) = loss.item<double>();
  }
  EXPECT_GT(first_loss, 1.0);
  EXPECT_LT(last_loss, 1e-4);
  EXPECT_NEAR(W.to_vector()[1], -2.0, 1e-2);
  EXPECT_NEAR(first(b), 0.3, 1e-2);
}

// A moment that would be subnormal is flushed to zero (FTZ/DAZ while the optimizer's loop
// runs): Adam's exp_avg = (1 − β₁)·g = 1e-38 for g = 1e-37 is below float32's smallest
// normal 1.18e-38, so it is 0 here (PyTorch, without set_flush_denormal, keeps the
// subnormal); a normal moment is untouched, and the thread's floating-point mode is back
// as it was after the step.
TEST(Adam, SubnormalMomentsAreFlushedToZeroAndTheModeRestored) {
  nabla::Tensor p = nabla::tensor({1.0, 1.0}).requires_grad_();
  nabla::optim::Adam opt({p}, {.lr = 1e-3});
  p.set_grad(nabla::tensor({1e-37, 1e-3}));
#if defined(__x86_64__) || defined(__i386__)
  const unsigned before = _mm_getcsr();
#endif
  opt.step();
#if defined(__x86_64__) || defined(__i386__)
  EXPECT_EQ(_mm_getcsr(), before);
#endif
  const std::vector<double> m = opt.state()[1].second.to_vector();  // param.0.exp_avg
  EXPECT_EQ(opt.state()[1].first, "param.0.exp_avg");
  EXPECT_EQ(m[0], 0.0);
  EXPECT_FLOAT_EQ(static_cast<float>(m[1]), 1e-4f);  // (1 − 0.9)·1e-3
}
