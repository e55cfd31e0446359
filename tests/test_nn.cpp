// nn modules and nn::init: hand-worked forward values and gradients, PyTorch's naming and
// initialization, modes, state dicts, printing, and the errors of bad input.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <stdexcept>

#include <nabla/nabla.hpp>

using nabla::Tensor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace nn = nabla::nn;
namespace init = nabla::nn::init;

namespace {

// Sets a parameter's values (as an optimizer would: in place, outside the graph).
void set_values(const Tensor& p, std::vector<double> values) {
  nabla::NoGradGuard no_grad;
  Tensor target = p;
  target.copy_(nabla::tensor(values, p.shape(), p.dtype()));
}

std::vector<std::string> names_of(const nn::NamedTensors& named) {
  std::vector<std::string> out;
  for (const auto& [name, t] : named) out.push_back(name);
  return out;
}

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double variance_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size());
}

// A model of the user's own: parameters and submodules registered by name.
struct TwoLayer : nn::Module {
  TwoLayer() : Module("TwoLayer") {}
  Tensor scale = register_parameter("scale", nabla::ones({1}));
  std::shared_ptr<nn::Linear> fc1 = register_module("fc1", nn::Linear(3, 4));
  std::shared_ptr<nn::Sequential> head =
      register_module("head", nn::Sequential(nn::ReLU(), nn::Linear(4, 2)));
  Tensor forward(const Tensor& x) override { return (*head)((*fc1)(x)*scale); }
};

}  // namespace

// ---- Linear ---------------------------------------------------------------------------

TEST(NnLinear, ForwardIsXTimesWeightTransposedPlusBias) {
  nn::Linear lin(3, 2, true, {.dtype = nabla::f64});
  set_values(lin.weight(), {1, 2, 3, -1, 0, 1});  // [[1,2,3],[-1,0,1]]
  set_values(lin.bias(), {0.5, -0.5});
  const Tensor x = nabla::tensor({{1.0, 1.0, 1.0}, {2.0, 0.0, -1.0}}, nabla::f64);
  // row 0: [1+2+3+0.5, -1+0+1-0.5] = [6.5, -0.5]; row 1: [2+0-3+0.5, -2+0-1-0.5] = [-0.5, -3.5]
  EXPECT_THAT(lin(x).to_vector(), ElementsAre(6.5, -0.5, -0.5, -3.5));
  EXPECT_EQ(lin(x).shape(), (nabla::Shape{2, 2}));
}

TEST(NnLinear, AcceptsOneDimensionalAndBatchedInputs) {
  nn::Linear lin(3, 2, true, {.dtype = nabla::f64});
  set_values(lin.weight(), {1, 2, 3, -1, 0, 1});
  set_values(lin.bias(), {0.5, -0.5});
  const Tensor v = nabla::tensor({1.0, 1.0, 1.0}, nabla::f64);
  EXPECT_EQ(lin(v).shape(), (nabla::Shape{2}));
  EXPECT_THAT(lin(v).to_vector(), ElementsAre(6.5, -0.5));
  const Tensor x3 = nabla::ones({2, 5, 3}, nabla::f64);
  const Tensor y3 = lin(x3);
  EXPECT_EQ(y3.shape(), (nabla::Shape{2, 5, 2}));
  for (std::size_t i = 0; i < 20; i += 2) {
    EXPECT_EQ(y3.to_vector()[i], 6.5);
    EXPECT_EQ(y3.to_vector()[i + 1], -0.5);
  }
}

TEST(NnLinear, WithoutBiasHasOnlyAWeight) {
  nn::Linear lin(3, 2, false);
  EXPECT_FALSE(lin.bias().defined());
  EXPECT_THAT(names_of(lin.named_parameters()), ElementsAre("weight"));
  EXPECT_EQ(nn::to_string(lin), "Linear(in_features=3, out_features=2, bias=False)");
}

TEST(NnLinear, GradientsMatchTheHandWorkedChainRule) {
  // One step of the tutorial's network at its smallest: o = x·Wᵀ + b, l = ½(o − y)².
  // x = [1, 2], W = [[0.5, -1]], b = [0.25], y = [1]: o = 0.5 − 2 + 0.25 = −1.25,
  // ∂l/∂o = o − y = −2.25, ∂l/∂W = −2.25·x = [−2.25, −4.5], ∂l/∂b = −2.25.
  nn::Linear lin(2, 1, true, {.dtype = nabla::f64});
  set_values(lin.weight(), {0.5, -1.0});
  set_values(lin.bias(), {0.25});
  const Tensor x = nabla::tensor({{1.0, 2.0}}, nabla::f64);
  const Tensor y = nabla::tensor({{1.0}}, nabla::f64);
  Tensor loss = nabla::squared_loss(lin(x), y);
  EXPECT_DOUBLE_EQ(loss.item<double>(), 0.5 * 2.25 * 2.25);
  loss.backward();
  EXPECT_THAT(lin.weight().grad().to_vector(), ElementsAre(-2.25, -4.5));
  EXPECT_THAT(lin.bias().grad().to_vector(), ElementsAre(-2.25));
  // SGD with lr 0.1 then moves W to [0.725, −0.55] and b to 0.475.
  nabla::optim::SGD opt(lin.parameters(), {.lr = 0.1});
  opt.step();
  EXPECT_THAT(lin.weight().to_vector(), ElementsAre(::testing::DoubleNear(0.725, 1e-15),
                                                    ::testing::DoubleNear(-0.55, 1e-15)));
  EXPECT_THAT(lin.bias().to_vector(), ElementsAre(::testing::DoubleNear(0.475, 1e-15)));
}

TEST(NnLinear, WeightGradientsAgreeWithFiniteDifferences) {
  nabla::Generator gen(7);
  nn::Sequential model(nn::Linear(3, 4, true, {.dtype = nabla::f64, .generator = &gen}), nn::Tanh(),
                       nn::Linear(4, 2, true, {.dtype = nabla::f64, .generator = &gen}));
  const Tensor x = nabla::randn({5, 3}, gen, nabla::f64);
  const Tensor y = nabla::randn({5, 2}, gen, nabla::f64);
  auto loss_value = [&] {
    nabla::NoGradGuard no_grad;
    return nabla::mse_loss(model(x), y).item<double>();
  };
  nabla::mse_loss(model(x), y).backward();
  const double eps = 1e-6;
  double largest = 0.0;
  for (auto& [name, p] : model.named_parameters()) {
    const std::vector<double> g = p.grad().to_vector();
    double* data = p.mutable_data<double>();
    for (std::int64_t i = 0; i < p.numel(); ++i) {
      const double keep = data[i];
      data[i] = keep + eps;
      const double up = loss_value();
      data[i] = keep - eps;
      const double down = loss_value();
      data[i] = keep;
      const double numeric = (up - down) / (2 * eps);
      EXPECT_NEAR(g[static_cast<std::size_t>(i)], numeric, 1e-7) << name << "[" << i << "]";
      largest = std::max(largest, std::abs(numeric));
    }
  }
  EXPECT_GT(largest, 1e-3);  // the check is not vacuous
}

TEST(NnLinear, InputGradientPassesGradcheckThroughAStack) {
  nabla::Generator gen(3);
  nn::Sequential model(
      nn::Linear(4, 3, true, {.dtype = nabla::f64, .generator = &gen}), nn::Sigmoid(),
      nn::Linear(3, 2, true, {.dtype = nabla::f64, .generator = &gen}), nn::LogSoftmax(-1));
  const Tensor x = nabla::randn({2, 3, 4}, gen, nabla::f64).requires_grad_();
  const auto result =
      nabla::gradcheck([&](const std::vector<Tensor>& in) { return model(in[0]); }, {x});
  EXPECT_TRUE(result.passed) << result.message;
}

TEST(NnLinear, InitializesLikePyTorch) {
  // torch.nn.Linear: weight and bias both U(−1/√in, 1/√in); variance bound²/3.
  nabla::Generator gen(11);
  nn::Linear lin(400, 300, true, {.generator = &gen});
  const double bound = 1.0 / std::sqrt(400.0);
  const std::vector<double> w = lin.weight().to_vector();
  const std::vector<double> b = lin.bias().to_vector();
  for (double v : w) ASSERT_LE(std::abs(v), bound);
  for (double v : b) ASSERT_LE(std::abs(v), bound);
  EXPECT_NEAR(mean_of(w), 0.0, 0.02 * bound);
  EXPECT_NEAR(variance_of(w), bound * bound / 3.0, 0.02 * bound * bound / 3.0);
  EXPECT_GT(*std::max_element(w.begin(), w.end()), 0.99 * bound);  // fills the interval
  EXPECT_TRUE(lin.weight().requires_grad());
  EXPECT_TRUE(lin.weight().is_leaf());
  EXPECT_EQ(lin.weight().dtype(), nabla::f32);
  // The same generator state gives the same layer.
  nabla::Generator again(11);
  nn::Linear twin(400, 300, true, {.generator = &again});
  EXPECT_EQ(twin.weight().to_vector(), w);
  EXPECT_EQ(twin.bias().to_vector(), b);
}

TEST(NnLinear, RejectsInputsOfTheWrongWidthOrDtype) {
  nn::Linear lin(784, 256);
  EXPECT_THAT(message_of([&] {
                lin(nabla::zeros({64, 100}));
              }),
              HasSubstr("Linear(784→256): the input's last dimension must be in_features = 784, "
                        "got shape [64, 100]"));
  EXPECT_THAT(message_of([&] { lin(nabla::scalar_tensor(1.0)); }), HasSubstr("got shape []"));
  EXPECT_THAT(message_of([&] {
                lin(nabla::zeros({2, 784}, nabla::f64));
              }),
              HasSubstr("the input is float64 but the layer's parameters are float32"));
  EXPECT_THROW(nn::Linear(0, 3), std::invalid_argument);
}

// ---- Module bookkeeping ---------------------------------------------------------------

TEST(NnModule, NamesParametersAsPyTorchDoes) {
  TwoLayer net;
  EXPECT_THAT(names_of(net.named_parameters()),
              ElementsAre("scale", "fc1.weight", "fc1.bias", "head.1.weight", "head.1.bias"));
  EXPECT_EQ(net.parameters().size(), 5u);
  EXPECT_EQ(net.num_parameters(), 1 + 12 + 4 + 8 + 2);
  // The handles are the parameters themselves, and they carry their qualified names.
  EXPECT_EQ(net.parameters()[1].data<float>(), net.fc1->weight().data<float>());
  EXPECT_EQ(net.fc1->weight().name(), "fc1.weight");
  const Tensor y = net(nabla::ones({2, 3}));
  EXPECT_EQ(y.shape(), (nabla::Shape{2, 2}));
}

TEST(NnModule, PrintsTheModuleTree) {
  TwoLayer net;
  EXPECT_EQ(nn::to_string(net),
            "TwoLayer(\n"
            "  (fc1): Linear(in_features=3, out_features=4, bias=True)\n"
            "  (head): Sequential(\n"
            "    (0): ReLU()\n"
            "    (1): Linear(in_features=4, out_features=2, bias=True)\n"
            "  )\n"
            ")");
  EXPECT_EQ(nn::to_string(nn::Dropout(0.25)), "Dropout(p=0.25, inplace=False)");
  EXPECT_EQ(nn::to_string(nn::Flatten()), "Flatten(start_dim=1, end_dim=-1)");
}

TEST(NnModule, TrainAndEvalReachEverySubmodule) {
  TwoLayer net;
  EXPECT_TRUE(net.is_training());
  net.eval();
  EXPECT_FALSE(net.is_training());
  EXPECT_FALSE(net.fc1->is_training());
  EXPECT_FALSE((*net.head)[0].is_training());
  net.train();
  EXPECT_TRUE((*net.head)[1].is_training());
}

TEST(NnModule, ZeroGradClearsEveryGradient) {
  TwoLayer net;
  nabla::sum(net(nabla::ones({2, 3}))).backward();
  for (const Tensor& p : net.parameters()) ASSERT_TRUE(p.grad().defined());
  net.zero_grad();
  for (const Tensor& p : net.parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(NnModule, ToConvertsEveryParameterKeepingNamesAndValues) {
  TwoLayer net;
  const std::vector<double> before = net.fc1->weight().to_vector();
  net.to(nabla::f64);
  for (const auto& [name, p] : net.named_parameters()) {
    EXPECT_EQ(p.dtype(), nabla::f64) << name;
    EXPECT_TRUE(p.requires_grad()) << name;
    EXPECT_TRUE(p.is_leaf()) << name;
  }
  EXPECT_EQ(net.fc1->weight().to_vector(), before);  // float → double is exact
  // Handles the model kept from register_parameter follow (set_data keeps the tensor).
  EXPECT_EQ(net.scale.dtype(), nabla::f64);
  EXPECT_EQ(net.scale.name(), "scale");
  EXPECT_EQ(net(nabla::ones({1, 3}, nabla::f64)).dtype(), nabla::f64);
  EXPECT_THAT(names_of(net.named_parameters()),
              ElementsAre("scale", "fc1.weight", "fc1.bias", "head.1.weight", "head.1.bias"));
}

TEST(NnModule, SetDataRejectsNonLeavesAndInvalidatesSavedGraphs) {
  Tensor w = nabla::ones({2}).requires_grad_();
  Tensor y = nabla::mul(w, w);
  EXPECT_THROW(y.set_data(nabla::zeros({2})), std::logic_error);
  EXPECT_THROW(w.set_data(Tensor()), std::invalid_argument);
  w.set_data(nabla::full({3}, 2.0, nabla::f64));
  EXPECT_EQ(w.shape(), (nabla::Shape{3}));
  EXPECT_TRUE(w.requires_grad());
  EXPECT_THROW(nabla::sum(y).backward(), std::runtime_error);  // y saved the old w
}

TEST(NnModule, StateDictRoundTripsIntoAFreshModel) {
  nabla::manual_seed(1);
  TwoLayer a;
  nabla::manual_seed(2);
  TwoLayer b;
  const Tensor x = nabla::randn({3, 3});
  ASSERT_NE(a(x).to_vector(), b(x).to_vector());
  const nn::NamedTensors state = a.state_dict();
  for (const auto& [name, t] : state) EXPECT_FALSE(t.requires_grad()) << name;
  b.load_state_dict(state);
  EXPECT_EQ(a(x).to_vector(), b(x).to_vector());
  // Loaded by value: changing a afterwards leaves b alone.
  set_values(a.scale, {5.0});
  EXPECT_EQ(b.scale.item<float>(), 1.0f);
}

TEST(NnModule, LoadStateDictListsEveryMismatchAndChangesNothing) {
  TwoLayer net;
  const std::vector<double> before = net.fc1->weight().to_vector();
  nn::NamedTensors state = net.state_dict();
  state.erase(state.begin());                                 // drop "scale"
  state[0].second = nabla::zeros({5, 3});                     // fc1.weight [4,3] → [5,3]
  state.emplace_back("head.2.weight", nabla::zeros({2, 2}));  // not in the model
  const std::string msg = message_of([&] { net.load_state_dict(state); });
  EXPECT_THAT(msg, HasSubstr("TwoLayer::load_state_dict"));
  EXPECT_THAT(msg, HasSubstr("missing: scale"));
  EXPECT_THAT(msg, HasSubstr("unexpected: head.2.weight"));
  EXPECT_THAT(msg, HasSubstr("wrong shape: fc1.weight (model [4, 3], given [5, 3])"));
  EXPECT_THAT(msg, HasSubstr("nothing was loaded"));
  EXPECT_EQ(net.fc1->weight().to_vector(), before);
}

TEST(NnModule, RegistrationRejectsBadNames) {
  struct Bad : nn::Module {
    Bad() : Module("Bad") {}
    void add(const std::string& name, Tensor t) { register_parameter(name, std::move(t)); }
    void add_module(const std::string& name) { register_module(name, nn::ReLU()); }
  };
  Bad m;
  m.add("w", nabla::zeros({2}));
  EXPECT_THAT(message_of([&] { m.add("w", nabla::zeros({2})); }),
              HasSubstr("Bad: the name 'w' is already registered"));
  EXPECT_THAT(message_of([&] { m.add("a.b", nabla::zeros({2})); }), HasSubstr("contains '.'"));
  EXPECT_THAT(message_of([&] { m.add("", nabla::zeros({2})); }), HasSubstr("non-empty name"));
  EXPECT_THAT(message_of([&] { m.add("u", Tensor()); }), HasSubstr("undefined"));
  const Tensor leaf = nabla::ones({2}).requires_grad_();
  EXPECT_THAT(message_of([&] { m.add("v", nabla::mul(leaf, 2.0)); }), HasSubstr("not a leaf"));
  EXPECT_THAT(message_of([&] { m.add_module("w"); }), HasSubstr("already registered"));
}

TEST(NnModule, DefaultForwardNamesTheModule) {
  struct NoForward : nn::Module {
    NoForward() : Module("NoForward") {}
  };
  NoForward m;
  EXPECT_THAT(message_of([&] { m(nabla::ones({1})); }),
              HasSubstr("nn::NoForward: this module has no forward"));
}

// ---- Sequential, Flatten, activations, Dropout ----------------------------------------

TEST(NnSequential, RunsModulesInOrderAndIndexesThem) {
  nn::Sequential seq(nn::Flatten(), nn::Linear(6, 3), nn::ReLU());
  seq.push_back(nn::Linear(3, 1));
  EXPECT_EQ(seq.size(), 4u);
  EXPECT_EQ(seq.at<nn::Linear>(3).in_features(), 3);
  EXPECT_EQ(seq(nabla::ones({5, 2, 3})).shape(), (nabla::Shape{5, 1}));
  EXPECT_THAT(names_of(seq.named_parameters()),
              ElementsAre("1.weight", "1.bias", "3.weight", "3.bias"));
  EXPECT_THROW(seq[4], std::out_of_range);
  EXPECT_THAT(message_of([&] { seq.at<nn::Linear>(2); }), HasSubstr("module 2 is a ReLU"));
  nn::Sequential empty;
  EXPECT_THROW(empty(nabla::ones({1})), std::logic_error);
}

TEST(NnSequential, ActivationModulesMatchTheirOps) {
  const Tensor x = nabla::tensor({{-1.0, 0.5, 2.0}, {3.0, -2.0, 0.0}});
  EXPECT_EQ(nn::Sigmoid()(x).to_vector(), nabla::sigmoid(x).to_vector());
  EXPECT_EQ(nn::Tanh()(x).to_vector(), nabla::tanh(x).to_vector());
  EXPECT_EQ(nn::ReLU()(x).to_vector(), nabla::relu(x).to_vector());
  EXPECT_EQ(nn::Softmax()(x).to_vector(), nabla::softmax(x, -1).to_vector());
  EXPECT_EQ(nn::Softmax(0)(x).to_vector(), nabla::softmax(x, 0).to_vector());
  EXPECT_EQ(nn::LogSoftmax()(x).to_vector(), nabla::log_softmax(x, -1).to_vector());
  EXPECT_EQ(nn::Identity()(x).to_vector(), x.to_vector());
}

TEST(NnFlatten, MergesTheRequestedDimensions) {
  const Tensor x = nabla::arange(24.0).reshape({2, 3, 4});
  EXPECT_EQ(nn::Flatten()(x).shape(), (nabla::Shape{2, 12}));
  EXPECT_EQ(nn::Flatten(0)(x).shape(), (nabla::Shape{24}));
  EXPECT_EQ(nn::Flatten(0, 1)(x).shape(), (nabla::Shape{6, 4}));
  EXPECT_EQ(nn::Flatten()(x).to_vector(), x.to_vector());
  EXPECT_THAT(message_of([&] { nn::Flatten(3)(x); }),
              HasSubstr("start_dim 3 is out of range for an input of shape [2, 3, 4]"));
  EXPECT_THAT(message_of([&] { nn::Flatten(2, 1)(x); }), HasSubstr("comes after end_dim"));
}

TEST(NnDropout, ZeroesAboutPAndScalesSurvivorsInTrainingOnly) {
  nabla::Generator gen(5);
  nn::Dropout drop(0.25, &gen);
  const Tensor x = nabla::ones({100, 100}).requires_grad_();
  const Tensor y = drop(x);
  const std::vector<double> v = y.to_vector();
  const auto zeros = std::count(v.begin(), v.end(), 0.0);
  EXPECT_NEAR(static_cast<double>(zeros) / 10000.0, 0.25, 0.02);
  for (double e : v) ASSERT_TRUE(e == 0.0 || std::abs(e - 1.0 / 0.75) < 1e-6) << e;
  // The gradient is the mask itself.
  nabla::sum(y).backward();
  EXPECT_EQ(x.grad().to_vector(), v);
  drop.eval();
  EXPECT_EQ(drop(x).to_vector(), x.to_vector());
  nn::Dropout all(1.0, &gen);
  EXPECT_EQ(nabla::sum(all(x)).item<float>(), 0.0f);
  EXPECT_THROW(nn::Dropout(1.5), std::invalid_argument);
  EXPECT_THROW(nn::Dropout(-0.1), std::invalid_argument);
}

// ---- init -----------------------------------------------------------------------------

TEST(NnInit, GainsAndFansFollowPyTorch) {
  EXPECT_EQ(init::calculate_gain(init::Nonlinearity::linear), 1.0);
  EXPECT_EQ(init::calculate_gain(init::Nonlinearity::sigmoid), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::tanh), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::relu), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::leaky_relu),
                   std::sqrt(2.0 / (1.0 + 0.01 * 0.01)));
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::leaky_relu, std::sqrt(5.0)),
                   std::sqrt(1.0 / 3.0));
  EXPECT_EQ(init::fans(nabla::zeros({3, 5})), (std::pair<std::int64_t, std::int64_t>{5, 3}));
  EXPECT_EQ(init::fans(nabla::zeros({3, 5, 2, 2})),
            (std::pair<std::int64_t, std::int64_t>{20, 12}));
  EXPECT_THAT(message_of([] { init::fans(nabla::zeros({7})); }),
              HasSubstr("rank ≥ 2, got shape [7]"));
}

TEST(NnInit, FanBasedInitializersHaveTheirStatedSpread) {
  nabla::Generator gen(21);
  Tensor w = nabla::zeros({200, 300}, nabla::f64);
  // xavier_uniform: bound = √(6/(300+200)), variance bound²/3 = 2/500.
  init::xavier_uniform_(w, 1.0, &gen);
  std::vector<double> v = w.to_vector();
  const double xb = std::sqrt(6.0 / 500.0);
  for (double e : v) ASSERT_LE(std::abs(e), xb);
  EXPECT_NEAR(variance_of(v), 2.0 / 500.0, 0.03 * 2.0 / 500.0);
  // xavier_normal with gain 2: σ² = 4·2/500.
  init::xavier_normal_(w, 2.0, &gen);
  EXPECT_NEAR(variance_of(w.to_vector()), 8.0 / 500.0, 0.03 * 8.0 / 500.0);
  // kaiming_uniform (relu, fan_in = 300): bound = √2·√(3/300), variance 2/300.
  init::kaiming_uniform_(w, 0.0, init::FanMode::fan_in, init::Nonlinearity::relu, &gen);
  v = w.to_vector();
  for (double e : v) ASSERT_LE(std::abs(e), std::sqrt(2.0) * std::sqrt(3.0 / 300.0));
  EXPECT_NEAR(variance_of(v), 2.0 / 300.0, 0.03 * 2.0 / 300.0);
  // kaiming_normal with fan_out = 200: σ² = 2/200; he_normal_ is the fan_in relu form.
  init::kaiming_normal_(w, 0.0, init::FanMode::fan_out, init::Nonlinearity::relu, &gen);
  EXPECT_NEAR(variance_of(w.to_vector()), 2.0 / 200.0, 0.03 * 2.0 / 200.0);
  init::he_normal_(w, &gen);
  EXPECT_NEAR(variance_of(w.to_vector()), 2.0 / 300.0, 0.03 * 2.0 / 300.0);
  init::glorot_uniform_(w, 1.0, &gen);
  EXPECT_NEAR(variance_of(w.to_vector()), 2.0 / 500.0, 0.03 * 2.0 / 500.0);
}

TEST(NnInit, SimpleFillsAndDistributions) {
  nabla::Generator gen(2);
  Tensor t = nabla::zeros({50, 40}, nabla::f64).requires_grad_();
  // Works on parameters with grad mode on (the fill is not recorded).
  init::uniform_(t, 2.0, 3.0, &gen);
  std::vector<double> v = t.to_vector();
  for (double e : v) ASSERT_TRUE(e >= 2.0 && e < 3.0) << e;
  EXPECT_NEAR(mean_of(v), 2.5, 0.02);
  init::normal_(t, -1.0, 0.5, &gen);
  v = t.to_vector();
  EXPECT_NEAR(mean_of(v), -1.0, 0.03);
  EXPECT_NEAR(variance_of(v), 0.25, 0.02);
  EXPECT_TRUE(t.is_leaf());
  init::constant_(t, 0.75);
  EXPECT_EQ(nabla::sum(t).item<double>(), 0.75 * 2000);
  init::ones_(t);
  EXPECT_EQ(nabla::sum(t).item<double>(), 2000.0);
  init::zeros_(t);
  EXPECT_EQ(nabla::sum(t).item<double>(), 0.0);
  EXPECT_THAT(message_of([&] { init::uniform_(t, 1.0, 0.0); }), HasSubstr("need finite a ≤ b"));
  EXPECT_THAT(message_of([&] { init::normal_(t, 0.0, -1.0); }), HasSubstr("std ≥ 0"));
  Tensor vec = nabla::zeros({4});
  EXPECT_THAT(message_of([&] { init::xavier_uniform_(vec); }),
              HasSubstr("xavier_uniform_: fan in and fan out need a tensor of rank ≥ 2"));
}

TEST(NnLosses, FunctorsForwardToTheirOps) {
  const Tensor logits = nabla::tensor({{2.0, -1.0, 0.5}, {0.0, 1.0, -0.5}});
  const Tensor labels = nabla::tensor({0.0, 2.0});
  EXPECT_EQ(nn::CrossEntropyLoss{}(logits, labels).item<float>(),
            nabla::cross_entropy(logits, labels).item<float>());
  EXPECT_EQ(nn::CrossEntropyLoss{nabla::Reduction::none}(logits, labels).shape(),
            (nabla::Shape{2}));
  EXPECT_EQ(nn::MSELoss{nabla::Reduction::sum}(logits, nabla::zeros({2, 3})).item<float>(),
            nabla::sum(nabla::mul(logits, logits)).item<float>());
  const Tensor targets = nabla::tensor({{1.0, 0.0, 1.0}, {0.0, 1.0, 0.0}});
  EXPECT_EQ(nn::BCEWithLogitsLoss{}(logits, targets).item<float>(),
            nabla::binary_cross_entropy_with_logits(logits, targets).item<float>());
}
