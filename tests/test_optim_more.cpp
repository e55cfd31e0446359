// The optimizers, parameter groups, schedules and clipping added for the "models" issue,
// checked against values recorded from PyTorch 1.13.1 here (torch.optim, float64): the
// script that printed them is tests/test_optim_reference.py, which names each case as the
// comments below do. Every optimizer sees the gradient g = p³ − c, c = [0.5, −1, 2], set
// directly from p = [1, −2, 0.5], so the tests check the update rules, not autograd.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>

#include <nabla/nabla.hpp>

namespace optim = nabla::optim;
using nabla::Tensor;
using ::testing::HasSubstr;
using Traj = std::vector<std::vector<double>>;

namespace {

const std::vector<double> kC = {0.5, -1.0, 2.0};

Tensor param(std::vector<double> values) {
  const auto n = static_cast<std::int64_t>(values.size());
  return nabla::tensor(values, {n}, nabla::f64).requires_grad_();
}

// Sets each parameter's gradient to p³ − c (c taken in order across the parameters).
void set_cubic_grads(std::vector<Tensor>& ps) {
  std::size_t k = 0;
  for (Tensor& p : ps) {
    std::vector<double> g = p.to_vector();
    for (double& v : g) v = v * v * v - kC[k++];
    p.set_grad(nabla::tensor(g, p.shape(), nabla::f64));
  }
}

// `steps` steps of `opt`; returns the parameters (concatenated) after each.
Traj run(optim::Optimizer& opt, std::vector<Tensor> ps, int steps) {
  Traj out;
  for (int s = 0; s < steps; ++s) {
    set_cubic_grads(ps);
    opt.step();
    std::vector<double> all;
    for (const Tensor& p : ps) {
      const auto v = p.to_vector();
      all.insert(all.end(), v.begin(), v.end());
    }
    out.push_back(all);
  }
  return out;
}

void expect_close(const Traj& got, const Traj& want, double rtol = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t s = 0; s < want.size(); ++s) {
    ASSERT_EQ(got[s].size(), want[s].size()) << "step " << s;
    for (std::size_t j = 0; j < want[s].size(); ++j)
      EXPECT_NEAR(got[s][j], want[s][j], rtol * std::max(1.0, std::abs(want[s][j])))
          << "step " << s << ", element " << j;
  }
}

// A trajectory of an optimizer of type O with `options` from p = [1, −2, 0.5].
template <class O, class Opts>
Traj trajectory(const Opts& options, int steps = 5) {
  Tensor p = param({1.0, -2.0, 0.5});
  O opt({p}, options);
  return run(opt, {p}, steps);
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception thrown)";
}

// Three steps of O, then its state loaded into a second O over a copy of the parameter:
// both continue identically, and a third O without the state does not (so the check can
// fail).
template <class O, class Opts>
void expect_state_round_trip(const Opts& options) {
  Tensor a = param({1.0, -2.0, 0.5});
  O first({a}, options);
  run(first, {a}, 3);
  Tensor b = param(a.to_vector());
  O restored({b}, options);
  restored.load_state(first.state());
  Tensor c = param(a.to_vector());
  O fresh({c}, options);
  const Traj ta = run(first, {a}, 2), tb = run(restored, {b}, 2), tc = run(fresh, {c}, 2);
  EXPECT_EQ(ta, tb);
  EXPECT_NE(ta, tc);
}

}  // namespace

// ---- each optimizer against torch.optim ---------------------------------------------

TEST(OptimTorch, RMSprop) {
  expect_close(trajectory<optim::RMSprop>(optim::RMSpropOptions{}),
               {{0.900000019999996, -1.9000000014285714, 0.5999999946666669},
                {0.8581864198832466, -1.835626222627409, 0.669112376714323},
                {0.8346368919717738, -1.7859373603218214, 0.7243166323645862},
                {0.8201947633476359, -1.7447256393177724, 0.771047946528993},
                {0.811006694840222, -1.709186634664677, 0.8118518347745238}});
  expect_close(trajectory<optim::RMSprop>(optim::RMSpropOptions{.lr = 0.05,
                                                                .alpha = 0.9,
                                                                .eps = 1e-6,
                                                                .weight_decay = 0.1,
                                                                .momentum = 0.8,
                                                                .centered = true}),
               {{0.8333342592541152, -1.8333334104937915, 0.6666663622532196},
                {0.6533007880811114, -1.5920030151769942, 0.9206581311880093},
                {0.5530476398494735, -1.3330565544672506, 1.2059383222092683},
                {0.5435981728570933, -1.0932424643828678, 1.4437222334382835},
                {0.6053756388099575, -0.8919449742158839, 1.559494528163273}});
}

TEST(OptimTorch, Adagrad) {
  expect_close(trajectory<optim::Adagrad>(optim::AdagradOptions{}),
               {{0.990000000002, -1.9900000000001428, 0.5099999999994667},
                {0.9831485877239645, -1.9829900169035328, 0.5170565967049794},
                {0.9776635083914517, -1.977296606764758, 0.5228106897911784},
                {0.9729858078197895, -1.9723858453387955, 0.5277886666741545},
                {0.9688564414420492, -1.9680082977125124, 0.5322370932676196}});
  expect_close(trajectory<optim::Adagrad>(optim::AdagradOptions{.lr = 0.1,
                                                                .lr_decay = 0.05,
                                                                .weight_decay = 0.1,
                                                                .initial_accumulator_value = 0.3,
                                                                .eps = 1e-8}),
               {{0.9261451063214913, -1.9002881021484794, 0.595779412676692},
                {0.8851859689275164, -1.839110722535902, 0.6597775614006081},
                {0.8579911677639435, -1.7938775449320619, 0.7087856468538722},
                {0.8384570231349346, -1.7578044118603857, 0.7485949852684077},
                {0.8237693006329969, -1.7277992359416388, 0.7820406489561749}});
}

TEST(OptimTorch, Adadelta) {
  expect_close(trajectory<optim::Adadelta>(optim::AdadeltaOptions{}),
               {{0.9968377855834876, -1.996837722662513, 0.5031622731627164},
                {0.9936229290220084, -1.993601648313855, 0.5064047386051346},
                {0.9903927364888069, -1.990320825483337, 0.5097008138094813},
                {0.9871659073999175, -1.9870096739838776, 0.5130373958721297},
                {0.9839535144250241, -1.983676794335212, 0.5164066945851824}});
  expect_close(trajectory<optim::Adadelta>(
                   optim::AdadeltaOptions{.lr = 0.5, .rho = 0.8, .eps = 1e-4, .weight_decay = 0.1}),
               {{0.9888274161591422, -1.9888197140296453, 0.5111795007746271},
                {0.9773648138483381, -1.9771340714994583, 0.522935741128118},
                {0.9659302231308395, -1.9651655150163374, 0.5350764438241055},
                {0.9546821320304039, -1.9530248346843515, 0.5475062804597415},
                {0.9437090777797472, -1.9407778965164741, 0.5601675389331774}});
}

TEST(OptimTorch, Adamax) {
  expect_close(trajectory<optim::Adamax>(optim::AdamaxOptions{}),
               {{0.99800000004, -1.998000000002857, 0.5019999999893333},
                {0.996010617029117, -1.9960016070274653, 0.5040007615206816},
                {0.994032211570363, -1.9940049391771923, 0.5060022662190582},
                {0.9920651362198725, -1.9920101136155286, 0.508004495506422},
                {0.9901097344754425, -1.990017246290812, 0.5100074306573177}});
  expect_close(trajectory<optim::Adamax>(optim::AdamaxOptions{
                   .lr = 0.05, .beta1 = 0.8, .beta2 = 0.9, .eps = 1e-6, .weight_decay = 0.1}),
               {{0.9500000833331944, -1.9500000069444434, 0.5499999726027547},
                {0.9020384742796024, -1.898016030701244, 0.60057935518581},
                {0.856919951897224, -1.843880055612979, 0.6518793037893987},
                {0.8154473810859597, -1.787377600868711, 0.7040795024937506},
                {0.7783978512465494, -1.7284570115400344, 0.7574172407454809}});
}

TEST(OptimTorch, NAdam) {
  expect_close(trajectory<optim::NAdam>(optim::NAdamOptions{}),
               {{0.9979009377027628, -1.9979009376637802, 0.5020990623280234},
                {0.9963522217111703, -1.9963459162581811, 0.503655999491567},
                {0.994906549349762, -1.9948909994143498, 0.5051137170425639},
                {0.9934647356382558, -1.9934369641369103, 0.5065714430698537},
                {0.9919961370355382, -1.99195280960879, 0.5080602796461476}});
  expect_close(trajectory<optim::NAdam>(optim::NAdamOptions{.lr = 0.05,
                                                            .beta1 = 0.8,
                                                            .beta2 = 0.9,
                                                            .eps = 1e-6,
                                                            .weight_decay = 0.1,
                                                            .momentum_decay = 0.01}),
               {{0.9457226208768877, -1.9457225379531256, 0.5542774398443477},
                {0.908360620493434, -1.9042605874693754, 0.5968921715414897},
                {0.8754320528758681, -1.86486627073193, 0.6379632421323641},
                {0.8453736670020975, -1.8256521713128155, 0.6793372504288026},
                {0.8183206032075687, -1.7863097526447727, 0.7213005627151108}});
}

TEST(OptimTorch, RAdamIncludingTheRectifiedSteps) {
  expect_close(trajectory<optim::RAdam>(optim::RAdamOptions{}, 7),
               {{0.9995, -1.993, 0.501875},
                {0.9990007890790132, -1.98604405597, 0.5037492570894583},
                {0.9985023920176131, -1.9791332224441676, 0.5056227428983366},
                {0.9980048333278958, -1.9722685161087774, 0.5074954289204534},
                {0.9975081371947963, -1.9654509127152884, 0.5093672865654626},
                {0.9974823398834183, -1.965425190553988, 0.5093931016809926},
                {0.9974496377567326, -1.9653926030164655, 0.509425831279732}});
  expect_close(trajectory<optim::RAdam>(
                   optim::RAdamOptions{
                       .lr = 0.05, .beta1 = 0.8, .beta2 = 0.9, .eps = 1e-6, .weight_decay = 0.1},
                   7),
               {{0.97, -1.64, 0.59125},
                {0.9425090833333333, -1.380696, 0.679977440483941},
                {0.9174426457198714, -1.191391180470914, 0.7654887485866373},
                {0.8947029711118717, -1.0524908529562236, 0.8470141015077155},
                {0.8741812785047512, -0.9508774484795766, 0.9237369163260559},
                {0.8626259472532319, -0.9446075485951568, 0.935913736704745},
                {0.8481321382006249, -0.9379668465505532, 0.9514388874848845}});
}

TEST(OptimTorch, ExistingOptimizersStillMatch) {
  expect_close(trajectory<optim::Adam>(optim::AdamOptions{
                   .lr = 0.05, .beta1 = 0.8, .beta2 = 0.9, .weight_decay = 0.1, .amsgrad = true}),
               {{0.9500000008333334, -1.9500000000694444, 0.5499999997260274},
                {0.9008997612624813, -1.9001707822660898, 0.5999582145568886},
                {0.8535886553257181, -1.8506331885340348, 0.649833952088503},
                {0.8097898904742045, -1.8015113488109793, 0.6995742324703029},
                {0.7717825834356483, -1.752930999666979, 0.7491110657090856}});
  expect_close(trajectory<optim::AdamW>(optim::AdamWOptions{.lr = 0.05, .weight_decay = 0.1}),
               {{0.9450000009999999, -1.9400000000714286, 0.5474999997333333},
                {0.8915832103313512, -1.8805055429020612, 0.5947322473109994},
                {0.8411393080269364, -1.8216617090641125, 0.6416686039227892},
                {0.7954074068951866, -1.7636185789063674, 0.6882724175870519},
                {0.7561955552589127, -1.7065289991219208, 0.7344969804935484}});
  expect_close(trajectory<optim::SGD>(optim::SGDOptions{
                   .lr = 0.05, .momentum = 0.9, .weight_decay = 0.1, .nesterov = true}),
               {{0.943, -1.316, 0.673375},
                {0.8775781283349999, -0.89038136288, 0.9018839881205372},
                {0.813133439987822, -0.5902902948509963, 1.1460534343994797},
                {0.7556962166451431, -0.3808318760118913, 1.3489876379413166},
                {0.7086779090261253, -0.2453662562201885, 1.4584972736640274}});
}

// ---- parameter groups -----------------------------------------------------------------

namespace {
Traj run_groups(optim::Optimizer& opt, Tensor& w, Tensor& b) {
  return run(opt, {w, b}, 4);
}
}  // namespace

TEST(OptimGroups, SGDPerGroupLrAndWeightDecayMatchTorch) {
  Tensor w = param({1.0, -2.0}), b = param({0.5});
  // torch: SGD([{params: [w], weight_decay: 0.1}, {params: [b], lr: 0.01}], lr=0.05, momentum=0.9)
  optim::SGD opt({{{w}, {.lr = 0.05, .momentum = 0.9, .weight_decay = 0.1}},
                  {{b}, {.lr = 0.01, .momentum = 0.9}}});
  expect_close(run_groups(opt, w, b),
               {{0.97, -1.64, 0.51875},
                {0.91751635, -1.1372528, 0.5542290356445313},
                {0.8520735569646314, -0.6555511056492301, 0.6044577433715322},
                {0.7829831550622504, -0.2546557608915098, 0.6674550781250337}});
}

TEST(OptimGroups, AdamWWithoutDecayOnTheBiasMatchesTorch) {
  Tensor w = param({1.0, -2.0}), b = param({0.5});
  optim::AdamW opt(
      {{{w}, {.lr = 0.05, .weight_decay = 0.5}}, {{b}, {.lr = 0.2, .weight_decay = 0.0}}});
  expect_close(run_groups(opt, w, b),
               {{0.9250000009999999, -1.9000000000714286, 0.6999999989333333},
                {0.8541899855651932, -1.8029260850773048, 0.898977785092213},
                {0.7901258543802594, -1.7090131553342809, 1.09402013510741},
                {0.7357207127344169, -1.6184974894633484, 1.2769423625540381}});
}

TEST(OptimGroups, RMSpropPerGroupCenteredAndMomentumMatchTorch) {
  Tensor w = param({1.0, -2.0}), b = param({0.5});
  optim::RMSprop opt({{{w}, {.lr = 0.01, .centered = true}}, {{b}, {.lr = 0.02, .momentum = 0.5}}});
  expect_close(run_groups(opt, w, b),
               {{0.899496238676095, -1.8994962199170802, 0.6999999893333338},
                {0.857499214440483, -1.834512882008769, 0.9328139740124608},
                {0.8339140660587696, -1.7841490199378285, 1.1355673914039335},
                {0.8195205242520389, -1.7422186699233257, 1.2753359310589987}});
  // Each group has the buffers of its own options.
  std::vector<std::string> names;
  for (const auto& [name, t] : opt.state()) names.push_back(name);
  EXPECT_THAT(names, ::testing::Contains("param.0.grad_avg"));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("param.1.grad_avg")));
  EXPECT_THAT(names, ::testing::Contains("param.1.momentum_buffer"));
}

TEST(OptimGroups, AccessAndLearningRateSetters) {
  Tensor w = param({1.0, -2.0}), b = param({0.5});
  optim::Adam opt({{{w}, {.lr = 0.1, .weight_decay = 0.01}}, {{b}, {.lr = 0.2}}});
  ASSERT_EQ(opt.param_groups().size(), 2u);
  EXPECT_TRUE(opt.param_groups()[1].params[0].is_same(b));
  EXPECT_EQ(opt.params().size(), 2u);
  EXPECT_EQ(opt.options(0).weight_decay, 0.01);
  EXPECT_EQ(opt.options(1).weight_decay, 0.0);
  EXPECT_EQ(opt.option(1, "lr"), 0.2);
  opt.set_lr(1, 0.5);
  EXPECT_EQ(opt.lr(0), 0.1);
  EXPECT_EQ(opt.lr(1), 0.5);
  opt.set_lr(0.3);
  EXPECT_EQ(opt.lr(0), 0.3);
  EXPECT_EQ(opt.lr(1), 0.3);
  opt.set_option(1, "beta1", 0.5);
  EXPECT_EQ(opt.options(1).beta1, 0.5);
  EXPECT_THAT(error_of([&] { opt.set_option(1, "beta1", 1.5); }),
              HasSubstr("nabla::optim::Adam param group 1: invalid beta1 1.5"));
  EXPECT_EQ(opt.options(1).beta1, 0.5);  // a refused value changes nothing
  EXPECT_THAT(error_of([&] { opt.set_option(0, "momentum", 0.9); }),
              HasSubstr("no option 'momentum'"));
  EXPECT_THROW(opt.lr(2), std::out_of_range);
  EXPECT_THAT(error_of([&] {
                optim::SGD({{{w}, {.lr = 0.1}}, {{w}, {.lr = 0.1}}});
              }),
              HasSubstr("parameter 1 is the same tensor as parameter 0"));
  EXPECT_THAT(error_of([&] {
                optim::SGD({{{w}, {.lr = 0.1}}, {{}, {.lr = 0.1}}});
              }),
              HasSubstr("param group 1 has no parameters"));
}

// ---- state save and load ----------------------------------------------------------------

TEST(OptimState, EveryNewOptimizerResumesIdentically) {
  expect_state_round_trip<optim::RMSprop>(
      optim::RMSpropOptions{.weight_decay = 0.1, .momentum = 0.5, .centered = true});
  expect_state_round_trip<optim::Adagrad>(optim::AdagradOptions{.lr_decay = 0.1});
  expect_state_round_trip<optim::Adadelta>(optim::AdadeltaOptions{});
  expect_state_round_trip<optim::Adamax>(optim::AdamaxOptions{});
  expect_state_round_trip<optim::NAdam>(optim::NAdamOptions{});
  expect_state_round_trip<optim::RAdam>(optim::RAdamOptions{});
}

TEST(OptimState, GroupOptionsAreSavedAndLoaded) {
  Tensor w = param({1.0, -2.0}), b = param({0.5});
  optim::SGD opt({{{w}, {.lr = 0.05, .momentum = 0.9, .weight_decay = 0.1}},
                  {{b}, {.lr = 0.01, .momentum = 0.9}}});
  run(opt, {w, b}, 2);
  opt.set_lr(1, 0.007);
  const optim::StateList state = opt.state();
  std::vector<std::string> names;
  for (const auto& [name, t] : state) names.push_back(name);
  EXPECT_THAT(names, ::testing::Contains("group.1.lr"));
  EXPECT_THAT(names, ::testing::Contains("group.0.weight_decay"));

  Tensor w2 = param(w.to_vector()), b2 = param(b.to_vector());
  optim::SGD restored({{{w2}, {.lr = 0.05, .momentum = 0.9, .weight_decay = 0.1}},
                       {{b2}, {.lr = 0.01, .momentum = 0.9}}});
  restored.load_state(state);
  EXPECT_EQ(restored.lr(1), 0.007);
  EXPECT_EQ(run(opt, {w, b}, 2), run(restored, {w2, b2}, 2));

  // Through a file, as nabla::save / nabla::load.
  const auto path = (std::filesystem::temp_directory_path() /
                     ("nabla-optim-groups-" + std::to_string(::getpid()) + ".safetensors"))
                        .string();
  nabla::save(opt, path);
  Tensor w3 = param(w.to_vector()), b3 = param(b.to_vector());
  optim::SGD from_file({{{w3}, {.lr = 0.05, .momentum = 0.9, .weight_decay = 0.1}},
                        {{b3}, {.lr = 0.01, .momentum = 0.9}}});
  nabla::load(from_file, path);
  std::filesystem::remove(path);
  EXPECT_EQ(from_file.lr(0), 0.05);
  EXPECT_EQ(from_file.lr(1), 0.007);
  EXPECT_EQ(run(opt, {w, b}, 2), run(from_file, {w3, b3}, 2));
}

TEST(OptimState, StateWithoutGroupEntriesStillLoads) {
  Tensor a = param({1.0, -2.0, 0.5});
  optim::Adam opt({a}, {.lr = 0.1});
  run(opt, {a}, 2);
  optim::StateList old;  // as written before parameter groups
  for (const auto& e : opt.state())
    if (e.first.rfind("group.", 0) != 0) old.push_back(e);
  Tensor b = param(a.to_vector());
  optim::Adam restored({b}, {.lr = 0.1});
  restored.load_state(old);
  EXPECT_EQ(run(opt, {a}, 1), run(restored, {b}, 1));
  // Group entries are all or nothing, and checked as the constructor checks options.
  optim::StateList partial = old;
  partial.emplace_back("group.0.lr", nabla::scalar_tensor(0.2, nabla::f64));
  EXPECT_THAT(error_of([&] { restored.load_state(partial); }),
              HasSubstr("missing: group.0.amsgrad"));
  optim::StateList bad = opt.state();
  for (auto& [name, t] : bad)
    if (name == "group.0.beta1") t = nabla::scalar_tensor(2.0, nabla::f64);
  EXPECT_THAT(error_of([&] { restored.load_state(bad); }), HasSubstr("invalid beta1 2"));
}

// ---- LBFGS ------------------------------------------------------------------------------

namespace {
// LBFGS steps on the Rosenbrock function (1 − x₀)² + 100·(x₁ − x₀²)² from (−1.5, 2).
std::pair<Traj, std::vector<double>> rosenbrock(const optim::LBFGSOptions& options, int steps,
                                                optim::LBFGS** keep = nullptr) {
  Tensor x = param({-1.5, 2.0});
  auto opt = std::make_unique<optim::LBFGS>(std::vector<Tensor>{x}, options);
  auto closure = [&] {
    opt->zero_grad();
    Tensor x0 = x.select(0, 0), x1 = x.select(0, 1);
    Tensor loss = (1.0 - x0).pow(2.0) + 100.0 * (x1 - x0.pow(2.0)).pow(2.0);  // as torch's
    loss.backward();
    return loss.item<double>();
  };
  Traj xs;
  std::vector<double> losses;
  for (int s = 0; s < steps; ++s) {
    losses.push_back(opt->step(closure));
    xs.push_back(x.to_vector());
  }
  (void)keep;
  return {xs, losses};
}
}  // namespace

TEST(OptimLBFGS, RosenbrockMatchesTorch) {
  auto [xs, losses] = rosenbrock({}, 3);
  // Fixed-step L-BFGS on Rosenbrock amplifies rounding about 10⁴-fold per step: in torch
  // itself, writing the loss with products instead of ** moves the third step by 3e-8. So
  // the first two steps are compared at 1e-9 and the third at 1e-5.
  const Traj want = {{-0.7811227298316471, 0.6131352916809734},
                     {0.08303252318923013, 0.00505294469741081},
                     {1.0549690659925142, 0.8137054071914908}};
  expect_close({xs[0], xs[1]}, {want[0], want[1]}, 1e-9);
  expect_close({xs[2]}, {want[2]}, 1e-5);
  expect_close({losses}, {{12.5, 3.1732877526670884, 0.8411684492576647}}, 1e-9);
}

TEST(OptimLBFGS, RosenbrockWithStrongWolfeMatchesTorch) {
  auto [xs, losses] = rosenbrock({.line_search_fn = "strong_wolfe"}, 3);
  expect_close(xs,
               {{-0.08511855589862088, -0.028757058413776328},
                {0.9995835472530445, 0.9991550319579069},
                {0.9999979943196414, 0.9999973438921667}},
               1e-9);
  expect_close({losses}, {{12.5, 1.3070983150501583, 1.8840481372787713e-07}}, 1e-9);
  EXPECT_NEAR(xs.back()[0], 1.0, 1e-5);  // near the minimum (torch's third step: 0.999998)
}

TEST(OptimLBFGS, ShortHistoryMatchesTorch) {
  auto [xs, losses] = rosenbrock({.lr = 0.5, .max_iter = 7, .history_size = 3}, 3);
  expect_close(xs,
               {{-1.4206165498638803, 2.0325928176157646},
                {-1.4044115150168057, 1.96007330267403},
                {-0.8311483092348055, 0.6655092601340036}},
               1e-9);
  expect_close({losses}, {{12.5, 5.880239988469634, 5.796319799862056}}, 1e-9);
}

TEST(OptimLBFGS, StateRoundTripContinuesIdentically) {
  auto make_closure = [](Tensor& x, optim::LBFGS& opt) {
    return [&x, &opt] {
      opt.zero_grad();
      Tensor x0 = x.select(0, 0), x1 = x.select(0, 1);
      Tensor loss = (1.0 - x0).pow(2.0) + 100.0 * (x1 - x0.pow(2.0)).pow(2.0);  // as torch's
      loss.backward();
      return loss.item<double>();
    };
  };
  const optim::LBFGSOptions o{.max_iter = 4, .history_size = 5};
  Tensor a = param({-1.5, 2.0});
  optim::LBFGS first({a}, o);
  first.step(make_closure(a, first));
  Tensor b = param(a.to_vector()), c = param(a.to_vector());
  optim::LBFGS restored({b}, o), fresh({c}, o);
  restored.load_state(first.state());
  first.step(make_closure(a, first));
  restored.step(make_closure(b, restored));
  fresh.step(make_closure(c, fresh));
  EXPECT_EQ(a.to_vector(), b.to_vector());
  EXPECT_NE(a.to_vector(), c.to_vector());
  EXPECT_THROW(first.step(), std::logic_error);
}

// ---- schedules ----------------------------------------------------------------------------

namespace {
// Two groups (lr 0.1 and 0.02) of an SGD with momentum 0.9 (or an Adam): each group's lr
// after construction of the schedule and after each of `steps` steps.
struct Fixture {
  Tensor a = param({0.0}), b = param({0.0});
  std::unique_ptr<optim::Optimizer> opt;
  explicit Fixture(bool adam = false) {
    if (adam) {
      opt = std::make_unique<optim::Adam>(std::vector<optim::ParamGroup<optim::AdamOptions>>{
          {{a}, {.lr = 0.1}}, {{b}, {.lr = 0.02}}});
    } else {
      opt = std::make_unique<optim::SGD>(std::vector<optim::ParamGroup<optim::SGDOptions>>{
          {{a}, {.lr = 0.1, .momentum = 0.9}}, {{b}, {.lr = 0.02, .momentum = 0.9}}});
    }
  }
  std::vector<double> lrs() const { return {opt->lr(0), opt->lr(1)}; }
};

template <class Step>
Traj lr_sequence(Fixture& f, int steps, Step&& step, Traj* momenta = nullptr,
                 const char* momentum = "momentum") {
  Traj out{f.lrs()};
  if (momenta) momenta->push_back({f.opt->option(0, momentum), f.opt->option(1, momentum)});
  for (int k = 0; k < steps; ++k) {
    step(k);
    out.push_back(f.lrs());
    if (momenta) momenta->push_back({f.opt->option(0, momentum), f.opt->option(1, momentum)});
  }
  return out;
}
}  // namespace

TEST(OptimSchedule, LinearLRMatchesTorch) {
  Fixture f;
  optim::LinearLR s(*f.opt, 0.25, 0.9, 6);
  expect_close(lr_sequence(f, 12, [&](int) { s.step(); }),
               {{0.025, 0.005},
                {0.035833333333333335, 0.007166666666666667},
                {0.046666666666666676, 0.009333333333333334},
                {0.057500000000000016, 0.011500000000000002},
                {0.06833333333333334, 0.013666666666666667},
                {0.07916666666666669, 0.015833333333333335},
                {0.09000000000000002, 0.018000000000000002},
                {0.09000000000000002, 0.018000000000000002},
                {0.09000000000000002, 0.018000000000000002},
                {0.09000000000000002, 0.018000000000000002},
                {0.09000000000000002, 0.018000000000000002},
                {0.09000000000000002, 0.018000000000000002},
                {0.09000000000000002, 0.018000000000000002}});
}

TEST(OptimSchedule, ExponentialLRMatchesTorch) {
  Fixture f;
  optim::ExponentialLR s(*f.opt, 0.8);
  expect_close(lr_sequence(f, 12, [&](int) { s.step(); }),
               {{0.1, 0.02},
                {0.08000000000000002, 0.016},
                {0.06400000000000002, 0.0128},
                {0.051200000000000016, 0.01024},
                {0.04096000000000002, 0.008192000000000001},
                {0.03276800000000001, 0.0065536000000000014},
                {0.026214400000000013, 0.005242880000000002},
                {0.02097152000000001, 0.004194304000000002},
                {0.016777216000000008, 0.003355443200000002},
                {0.013421772800000007, 0.0026843545600000016},
                {0.010737418240000006, 0.0021474836480000013},
                {0.008589934592000005, 0.0017179869184000011},
                {0.0068719476736000045, 0.001374389534720001}});
}

TEST(OptimSchedule, MultiStepLRMatchesTorch) {
  Fixture f;
  optim::MultiStepLR s(*f.opt, {7, 3, 3, 10}, 0.5);  // unsorted, 3 twice: as torch's Counter
  expect_close(lr_sequence(f, 12, [&](int) { s.step(); }), {{0.1, 0.02},
                                                            {0.1, 0.02},
                                                            {0.1, 0.02},
                                                            {0.025, 0.005},
                                                            {0.025, 0.005},
                                                            {0.025, 0.005},
                                                            {0.025, 0.005},
                                                            {0.0125, 0.0025},
                                                            {0.0125, 0.0025},
                                                            {0.0125, 0.0025},
                                                            {0.00625, 0.00125},
                                                            {0.00625, 0.00125},
                                                            {0.00625, 0.00125}});
}

TEST(OptimSchedule, LambdaLRPerGroupMatchesTorch) {
  Fixture f;
  optim::LambdaLR s(*f.opt, {[](std::int64_t e) { return 1.0 / (1.0 + static_cast<double>(e)); },
                             [](std::int64_t e) { return std::pow(0.9, static_cast<double>(e)); }});
  expect_close(lr_sequence(f, 12, [&](int) { s.step(); }),
               {{0.1, 0.02},
                {0.05, 0.018000000000000002},
                {0.03333333333333333, 0.016200000000000003},
                {0.025, 0.014580000000000003},
                {0.020000000000000004, 0.013122},
                {0.016666666666666666, 0.011809800000000002},
                {0.014285714285714285, 0.01062882},
                {0.0125, 0.009565938000000001},
                {0.011111111111111112, 0.008609344200000002},
                {0.010000000000000002, 0.007748409780000002},
                {0.009090909090909092, 0.006973568802000002},
                {0.008333333333333333, 0.006276211921800001},
                {0.007692307692307693, 0.005648590729620003}});
}

TEST(OptimSchedule, StepAndCosineUseEachGroupsBaseLr) {
  Fixture f;
  optim::StepLR s(*f.opt, 4, 0.3);
  expect_close(lr_sequence(f, 12, [&](int) { s.step(); }), {{0.1, 0.02},
                                                            {0.1, 0.02},
                                                            {0.1, 0.02},
                                                            {0.1, 0.02},
                                                            {0.03, 0.006},
                                                            {0.03, 0.006},
                                                            {0.03, 0.006},
                                                            {0.03, 0.006},
                                                            {0.009, 0.0018},
                                                            {0.009, 0.0018},
                                                            {0.009, 0.0018},
                                                            {0.009, 0.0018},
                                                            {0.0026999999999999997, 0.00054}});
  Fixture g;
  optim::CosineAnnealingLR c(*g.opt, 8, 0.001);
  expect_close(lr_sequence(g, 12, [&](int) { c.step(); }),
               {{0.1, 0.02},
                {0.0962320368593087, 0.019276855558857223},
                {0.0855017856687341, 0.0172175144212722},
                {0.06944282990207196, 0.014135492607468353},
                {0.0505, 0.010499999999999999},
                {0.03155717009792806, 0.006864507392531647},
                {0.0154982143312659, 0.0037824855787277987},
                {0.004767963140691306, 0.001723144441142776},
                {0.001, 0.001},
                {0.004767963140691307, 0.001723144441142776},
                {0.01549821433126591, 0.003782485578727801},
                {0.03155717009792807, 0.00686450739253165},
                {0.05050000000000005, 0.01050000000000001}});
}

TEST(OptimSchedule, SequentialLRWarmupThenCosineMatchesTorch) {
  Fixture f;
  optim::LinearLR warmup(*f.opt, 0.1, 1.0, 4);
  optim::CosineAnnealingLR cosine(*f.opt, 6, 0.0);
  optim::SequentialLR s(*f.opt, {&warmup, &cosine}, {4});
  expect_close(lr_sequence(f, 12, [&](int) { s.step(); }),
               {{0.010000000000000002, 0.002},
                {0.03250000000000001, 0.006500000000000001},
                {0.055000000000000014, 0.011000000000000001},
                {0.07750000000000003, 0.015500000000000002},
                {0.1, 0.02},
                {0.09330127018922195, 0.01866025403784439},
                {0.07500000000000001, 0.015000000000000001},
                {0.05, 0.01},
                {0.025000000000000012, 0.005000000000000003},
                {0.006698729810778065, 0.001339745962155613},
                {0.0, 0.0},
                {0.006698729810778065, 0.001339745962155613},
                {0.025, 0.005}});
}

TEST(OptimSchedule, SequentialLROfThreeMatchesTorch) {
  Fixture f;
  optim::ExponentialLR a(*f.opt, 0.5);
  optim::StepLR b(*f.opt, 2, 0.1);
  optim::LinearLR c(*f.opt, 0.5, 1.0, 3);
  optim::SequentialLR s(*f.opt, {&a, &b, &c}, {3, 7});
  expect_close(lr_sequence(f, 12, [&](int) { s.step(); }),
               {{0.1, 0.02},
                {0.05, 0.01},
                {0.025, 0.005},
                {0.1, 0.02},
                {0.1, 0.02},
                {0.010000000000000002, 0.002},
                {0.010000000000000002, 0.002},
                {0.05, 0.01},
                {0.06666666666666667, 0.013333333333333332},
                {0.08333333333333333, 0.016666666666666666},
                {0.09999999999999999, 0.02},
                {0.09999999999999999, 0.02},
                {0.09999999999999999, 0.02}});
}

TEST(OptimSchedule, OneCycleLRCyclesLrAndMomentumAsTorch) {
  Fixture f;
  optim::OneCycleLR s(*f.opt, {.max_lrs = {0.5, 0.1}, .total_steps = 12});
  Traj momenta;
  expect_close(lr_sequence(
                   f, 11, [&](int) { s.step(); }, &momenta),
               {{0.020000000000000018, 0.0040000000000000036},
                {0.17489482710979154, 0.0349789654219583},
                {0.43964257956106434, 0.08792851591221287},
                {0.49720771772545586, 0.09944154354509119},
                {0.46650648492070584, 0.09330129698414118},
                {0.4058728269748815, 0.0811745653949763},
                {0.32368949884755166, 0.06473789976951033},
                {0.23131855133348753, 0.046263710266697504},
                {0.14153049910434962, 0.028306099820869922},
                {0.0667387650944153, 0.01334775301888306},
                {0.01728349371269761, 0.0034566987425395223},
                {2e-06, 4e-07}});
  expect_close(momenta, {{0.95, 0.95},
                         {0.9177302443521267, 0.9177302443521267},
                         {0.8625744625914449, 0.8625744625914449},
                         {0.8505584586887436, 0.8505584586887436},
                         {0.856698729810778, 0.856698729810778},
                         {0.8688255099070633, 0.8688255099070633},
                         {0.8852622412794547, 0.8852622412794547},
                         {0.9037365046793212, 0.9037365046793212},
                         {0.9216941869558779, 0.9216941869558779},
                         {0.9366525935914912, 0.9366525935914912},
                         {0.9465436874322102, 0.9465436874322102},
                         {0.95, 0.95}});
}

TEST(OptimSchedule, OneCycleLRThreePhaseLinearCyclesBeta1AsTorch) {
  Fixture f(true);
  optim::OneCycleLR s(*f.opt, {.max_lr = 0.3,
                               .total_steps = 13,
                               .pct_start = 0.25,
                               .anneal_strategy = "linear",
                               .base_momentum = 0.8,
                               .max_momentum = 0.9,
                               .div_factor = 10.0,
                               .final_div_factor = 100.0,
                               .three_phase = true});
  Traj momenta;
  expect_close(lr_sequence(
                   f, 12, [&](int) { s.step(); }, &momenta, "beta1"),
               {{0.03, 0.03},
                {0.15, 0.15},
                {0.27, 0.27},
                {0.21, 0.21},
                {0.08999999999999997, 0.08999999999999997},
                {0.02802, 0.02802},
                {0.024059999999999998, 0.024059999999999998},
                {0.0201, 0.0201},
                {0.01614, 0.01614},
                {0.01218, 0.01218},
                {0.008220000000000002, 0.008220000000000002},
                {0.00426, 0.00426},
                {0.00030000000000000165, 0.00030000000000000165}});
  expect_close(momenta, {{0.9, 0.9},
                         {0.8555555555555556, 0.8555555555555556},
                         {0.8111111111111111, 0.8111111111111111},
                         {0.8333333333333334, 0.8333333333333334},
                         {0.8777777777777778, 0.8777777777777778},
                         {0.9, 0.9},
                         {0.9, 0.9},
                         {0.9, 0.9},
                         {0.9, 0.9},
                         {0.9, 0.9},
                         {0.9, 0.9},
                         {0.9, 0.9},
                         {0.9, 0.9}});
}

namespace {
const std::vector<double> kMetrics = {1.0,  0.9,  0.95, 0.95, 0.95, 0.8, 0.85, 0.85,
                                      0.85, 0.85, 0.85, 0.7,  0.7,  0.7, 0.7,  0.7};
}

TEST(OptimSchedule, ReduceLROnPlateauMinRelMatchesTorch) {
  Fixture f;
  optim::ReduceLROnPlateau s(
      *f.opt, {.factor = 0.5, .patience = 1, .cooldown = 1, .min_lrs = {0.02, 0.006}});
  expect_close(lr_sequence(f, 16, [&](int k) { s.step(kMetrics[static_cast<std::size_t>(k)]); }),
               {{0.1, 0.02},
                {0.1, 0.02},
                {0.1, 0.02},
                {0.1, 0.02},
                {0.05, 0.01},
                {0.05, 0.01},
                {0.05, 0.01},
                {0.05, 0.01},
                {0.025, 0.006},
                {0.025, 0.006},
                {0.025, 0.006},
                {0.02, 0.006},
                {0.02, 0.006},
                {0.02, 0.006},
                {0.02, 0.006},
                {0.02, 0.006},
                {0.02, 0.006}});
}

TEST(OptimSchedule, ReduceLROnPlateauMaxAbsMatchesTorch) {
  Fixture f;
  optim::ReduceLROnPlateau s(
      *f.opt,
      {.mode = "max", .factor = 0.3, .patience = 2, .threshold = 0.06, .threshold_mode = "abs"});
  expect_close(lr_sequence(f, 16, [&](int k) { s.step(-kMetrics[static_cast<std::size_t>(k)]); }),
               {{0.1, 0.02},
                {0.1, 0.02},
                {0.1, 0.02},
                {0.1, 0.02},
                {0.1, 0.02},
                {0.03, 0.006},
                {0.03, 0.006},
                {0.03, 0.006},
                {0.03, 0.006},
                {0.009, 0.0018},
                {0.009, 0.0018},
                {0.009, 0.0018},
                {0.009, 0.0018},
                {0.009, 0.0018},
                {0.009, 0.0018},
                {0.0026999999999999997, 0.00054},
                {0.0026999999999999997, 0.00054}});
}

TEST(OptimSchedule, StateRoundTripContinuesTheSchedule) {
  Fixture f, g;
  optim::LinearLR fw(*f.opt, 0.1, 1.0, 4), gw(*g.opt, 0.1, 1.0, 4);
  optim::CosineAnnealingLR fc(*f.opt, 6), gc(*g.opt, 6);
  optim::SequentialLR fs(*f.opt, {&fw, &fc}, {4}), gs(*g.opt, {&gw, &gc}, {4});
  for (int k = 0; k < 3; ++k) fs.step();
  g.opt->load_state(f.opt->state());
  gs.load_state(fs.state());
  EXPECT_EQ(gs.last_epoch(), 3);
  for (int k = 0; k < 5; ++k) {
    fs.step(), gs.step();
    EXPECT_EQ(f.lrs(), g.lrs()) << "step " << k;
  }
  EXPECT_THAT(error_of([&] { gw.load_state({}); }), HasSubstr("missing: last_epoch"));

  Fixture p, q;
  optim::ReduceLROnPlateau ps(*p.opt, {.patience = 1}), qs(*q.opt, {.patience = 1});
  ps.step(1.0), ps.step(2.0);  // best 1, one bad epoch
  qs.load_state(ps.state());
  EXPECT_EQ(qs.best(), 1.0);
  EXPECT_EQ(qs.num_bad_epochs(), 1);
  ps.step(3.0), qs.step(3.0);  // the second bad epoch reduces both
  EXPECT_EQ(p.lrs(), q.lrs());
  EXPECT_NEAR(q.opt->lr(0), 0.01, 1e-15);
}

// ---- clipping -------------------------------------------------------------------------------

namespace {
std::vector<double> clipped(double norm_type, double max_norm) {
  Tensor a = param({0.0, 0.0, 0.0});
  Tensor b = nabla::zeros({2, 2}, nabla::f64).requires_grad_();
  a.set_grad(nabla::tensor({3.0, -4.0, 1.0}, nabla::f64));
  b.set_grad(nabla::tensor({{2.0, -0.5}, {0.0, 6.0}}, nabla::f64));
  std::vector<Tensor> ps{a, b};
  std::vector<double> out{optim::clip_grad_norm_(ps, max_norm, norm_type)};
  for (const Tensor& p : ps)
    for (double v : p.grad().to_vector()) out.push_back(v);
  return out;
}
// torch's rows: the total, then the gradients.
std::vector<double> row(double total, std::vector<double> grads) {
  grads.insert(grads.begin(), total);
  return grads;
}
}  // namespace

TEST(OptimClip, GradNormOfAnyOrderMatchesTorch) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::pair<double, double>> cases = {{2.0, 5.0}, {1.0, 5.0},   {3.0, 2.0},
                                                        {inf, 3.0}, {0.5, 100.0}, {2.0, 100.0}};
  const std::vector<std::pair<double, std::vector<double>>> want = {
      {8.139410298049853,
       {1.8428851240867874, -2.4571801654490497, 0.6142950413622624, 1.2285900827245249,
        -0.3071475206811312, 0.0, 3.685770248173575}},
      {16.5,
       {0.9090908539944937, -1.212121138659325, 0.30303028466483123, 0.6060605693296625,
        -0.15151514233241561, 0.0, 1.8181817079889875}},
      {6.812182601714999,
       {0.8807748514719234, -1.1743664686292312, 0.2935916171573078, 0.5871832343146156,
        -0.1467958085786539, 0.0, 1.7615497029438467}},
      {6.0,
       {1.4999997500000415, -1.9999996666667221, 0.49999991666668053, 0.9999998333333611,
        -0.24999995833334027, 0.0, 2.999999500000083}},
      {86.54322081147154, {3.0, -4.0, 1.0, 2.0, -0.5, 0.0, 6.0}},
      {8.139410298049853, {3.0, -4.0, 1.0, 2.0, -0.5, 0.0, 6.0}}};
  for (std::size_t k = 0; k < cases.size(); ++k)
    expect_close({clipped(cases[k].first, cases[k].second)}, {row(want[k].first, want[k].second)},
                 1e-12);
}

TEST(OptimClip, NonFiniteNormThrowsOnlyWhenAsked) {
  Tensor a = param({0.0, 0.0});
  a.set_grad(nabla::tensor({std::numeric_limits<double>::infinity(), 1.0}, nabla::f64));
  std::vector<Tensor> ps{a};
  EXPECT_TRUE(std::isinf(optim::clip_grad_norm_(ps, 1.0, 1.0)));
  EXPECT_THROW(optim::clip_grad_norm_(ps, 1.0, 2.0, true), std::runtime_error);
  EXPECT_THAT(error_of([&] { optim::clip_grad_norm_(ps, 1.0, 0.0); }), HasSubstr("norm_type 0"));
}

TEST(OptimClip, GradValueMatchesTorch) {
  Tensor a = param({0.0, 0.0, 0.0});
  a.set_grad(nabla::tensor({3.0, -4.0, 1.0}, nabla::f64));
  std::vector<Tensor> ps{a, param({1.0})};  // the second has no gradient: skipped
  optim::clip_grad_value_(ps, 2.5);
  EXPECT_EQ(a.grad().to_vector(), (std::vector<double>{2.5, -2.5, 1.0}));
  EXPECT_THAT(error_of([&] { optim::clip_grad_value_(ps, -1.0); }), HasSubstr("clip_value -1"));
}

// ---- bad options ------------------------------------------------------------------------------

TEST(OptimOptions, EachOptimizerNamesItselfAndTheBadOption) {
  Tensor p = param({1.0});
  EXPECT_THAT(error_of([&] { optim::RMSprop({p}, {.alpha = -1.0}); }),
              HasSubstr("nabla::optim::RMSprop: invalid alpha -1"));
  EXPECT_THAT(error_of([&] { optim::Adagrad({p}, {.lr_decay = -0.5}); }),
              HasSubstr("nabla::optim::Adagrad: invalid lr_decay -0.5"));
  EXPECT_THAT(error_of([&] { optim::Adagrad({p}, {.initial_accumulator_value = -1.0}); }),
              HasSubstr("invalid initial_accumulator_value -1"));
  EXPECT_THAT(error_of([&] { optim::Adadelta({p}, {.rho = 1.5}); }),
              HasSubstr("nabla::optim::Adadelta: invalid rho 1.5 (must be in [0, 1])"));
  EXPECT_THAT(error_of([&] { optim::Adamax({p}, {.beta2 = 1.0}); }),
              HasSubstr("nabla::optim::Adamax: invalid beta2 1"));
  EXPECT_THAT(error_of([&] { optim::NAdam({p}, {.momentum_decay = -1.0}); }),
              HasSubstr("nabla::optim::NAdam: invalid momentum_decay -1"));
  EXPECT_THAT(error_of([&] { optim::RAdam({p}, {.eps = -1e-8}); }),
              HasSubstr("nabla::optim::RAdam: invalid eps -1e-08"));
  EXPECT_THAT(error_of([&] { optim::LBFGS({p}, {.history_size = 0}); }),
              HasSubstr("nabla::optim::LBFGS: invalid history_size 0"));
  EXPECT_THAT(error_of([&] { optim::LBFGS({p}, {.line_search_fn = "armijo"}); }),
              HasSubstr("invalid line_search_fn 'armijo'"));
  EXPECT_THAT(error_of([&] {
                optim::SGD({{{p}, {.lr = 0.1}}, {{param({2.0})}, {.lr = -1.0}}});
              }),
              HasSubstr("nabla::optim::SGD param group 1: invalid lr -1"));
}

TEST(OptimOptions, SchedulesRefuseBadArguments) {
  Fixture f;
  EXPECT_THAT(error_of([&] { optim::LinearLR(*f.opt, 0.0); }), HasSubstr("start_factor 0"));
  EXPECT_THAT(error_of([&] { optim::ExponentialLR(*f.opt, -0.5); }), HasSubstr("gamma -0.5"));
  EXPECT_THAT(error_of([&] { optim::MultiStepLR(*f.opt, {-1}); }), HasSubstr("milestone -1"));
  EXPECT_THAT(error_of([&] { optim::LambdaLR(*f.opt, optim::LambdaLR::Lambda{}); }),
              HasSubstr("lr_lambda is empty"));
  EXPECT_THAT(error_of([&] { optim::OneCycleLR(*f.opt, {.max_lr = 0.1}); }),
              HasSubstr("give total_steps"));
  EXPECT_THAT(error_of([&] {
                optim::OneCycleLR(*f.opt,
                                  {.max_lr = 0.1, .total_steps = 5, .anneal_strategy = "exp"});
              }),
              HasSubstr("anneal_strategy 'exp'"));
  Tensor q = param({1.0});
  optim::Adagrad adagrad({q});
  EXPECT_THAT(error_of([&] { optim::OneCycleLR(adagrad, {.max_lr = 0.1, .total_steps = 5}); }),
              HasSubstr("Adagrad has neither momentum nor beta1"));
  EXPECT_THAT(error_of([&] { optim::ReduceLROnPlateau(*f.opt, {.factor = 1.0}); }),
              HasSubstr("factor 1"));
  EXPECT_THAT(error_of([&] { optim::ReduceLROnPlateau(*f.opt, {.mode = "lowest"}); }),
              HasSubstr("mode 'lowest'"));
  optim::StepLR s(*f.opt, 2);
  EXPECT_THAT(error_of([&] { optim::SequentialLR(*f.opt, {&s}, {3}); }),
              HasSubstr("expected 0 milestones"));
}
