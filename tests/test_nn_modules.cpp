// The module machinery: buffers in state dicts, nesting and containers, named_modules,
// apply, freezing, module hooks, activation checkpointing, and the newer initializers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <nabla/nabla.hpp>

using nabla::Tensor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace nn = nabla::nn;
namespace init = nabla::nn::init;

namespace {

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

// A module with running statistics of its own, as BatchNorm keeps them.
struct Running : nn::Module {
  Running() : Module("Running") {}
  Tensor weight = register_parameter("weight", nabla::ones({2}));
  Tensor mean = register_buffer("running_mean", nabla::zeros({2}));
  Tensor count = register_buffer("num_batches_tracked", nabla::zeros({}, nabla::i64));
  Tensor scratch = register_buffer("scratch", nabla::zeros({3}), /*persistent=*/false);
  Tensor forward(const Tensor& x) override { return x * weight; }
};

struct Outer : nn::Module {
  Outer() : Module("Outer") {}
  std::shared_ptr<nn::Linear> fc = register_module("fc", nn::Linear(2, 2));
  std::shared_ptr<Running> norm = register_module("norm", Running());
  Tensor forward(const Tensor& x) override { return (*norm)((*fc)(x)); }
};

}  // namespace

// ---- buffers ------------------------------------------------------------------------

TEST(ModuleBuffers, StateDictHasParametersThenPersistentBuffersPerModule) {
  Outer m;
  // PyTorch's order: each module's parameters, then its persistent buffers, then children.
  EXPECT_THAT(names_of(m.state_dict()),
              ElementsAre("fc.weight", "fc.bias", "norm.weight", "norm.running_mean",
                          "norm.num_batches_tracked"));
  EXPECT_THAT(names_of(m.named_buffers()),
              ElementsAre("norm.running_mean", "norm.num_batches_tracked", "norm.scratch"));
  EXPECT_EQ(m.parameters().size(), 3u);  // buffers are not parameters
  EXPECT_EQ(m.buffers().size(), 3u);
}

TEST(ModuleBuffers, LoadStateDictRestoresBuffers) {
  Outer a, b;
  {
    nabla::NoGradGuard ng;
    a.norm->mean.fill_(0.25);
    a.norm->count.fill_(7);
  }
  b.load_state_dict(a.state_dict());
  EXPECT_THAT(b.norm->mean.to_vector(), ElementsAre(0.25, 0.25));
  EXPECT_EQ(b.norm->count.item<std::int64_t>(), 7);
  EXPECT_EQ(b.norm->count.dtype(), nabla::i64);
}

TEST(ModuleBuffers, SavedAndLoadedThroughSafetensors) {
  Outer a, b;
  {
    nabla::NoGradGuard ng;
    a.norm->mean.fill_(-1.5);
    a.norm->count.fill_(3);
  }
  const std::string path = ::testing::TempDir() + "nabla_buffers.safetensors";
  nabla::save(a, path);
  nabla::load(b, path);
  EXPECT_THAT(b.norm->mean.to_vector(), ElementsAre(-1.5, -1.5));
  EXPECT_EQ(b.norm->count.item<std::int64_t>(), 3);
}

TEST(ModuleBuffers, ToConvertsFloatingBuffersAndKeepsIntegerOnes) {
  Outer m;
  Tensor handle = m.norm->mean;
  m.to(nabla::f64);
  EXPECT_EQ(m.norm->buffer("running_mean").dtype(), nabla::f64);
  EXPECT_EQ(handle.dtype(), nabla::f64);  // the same tensor, converted in place
  EXPECT_EQ(m.norm->buffer("num_batches_tracked").dtype(), nabla::i64);
  EXPECT_THROW(m.to(nabla::i64), std::invalid_argument);
}

TEST(ModuleBuffers, StrictAndNonStrictLoading) {
  Outer m;
  nn::NamedTensors state = m.state_dict();
  state.erase(state.begin() + 3);  // norm.running_mean
  state.emplace_back("extra", nabla::zeros({1}));
  const std::string msg = message_of([&] { m.load_state_dict(state); });
  EXPECT_THAT(msg, HasSubstr("missing: norm.running_mean"));
  EXPECT_THAT(msg, HasSubstr("unexpected: extra"));
  nn::LoadResult r = m.load_state_dict(state, /*strict=*/false);
  EXPECT_THAT(r.missing_keys, ElementsAre("norm.running_mean"));
  EXPECT_THAT(r.unexpected_keys, ElementsAre("extra"));
  // A shape mismatch is an error even when not strict, and nothing is loaded.
  nn::NamedTensors bad = m.state_dict();
  bad[3].second = nabla::full({5}, 9.0);
  bad[0].second = nabla::full({2, 2}, 9.0);
  EXPECT_THAT(message_of([&] { m.load_state_dict(bad, false); }),
              HasSubstr("norm.running_mean (model [2], given [5])"));
  EXPECT_NE(m.fc->weight().to_vector()[0], 9.0);
}

TEST(ModuleBuffers, BadBuffersAreRefused) {
  struct Bad : nn::Module {
    Bad() : Module("Bad") {}
    void add(const std::string& name, Tensor t) { register_buffer(name, std::move(t)); }
  } m;
  Tensor p = nabla::ones({1});
  p.requires_grad_();
  EXPECT_THAT(message_of([&] { m.add("p", p); }), HasSubstr("requires grad"));
  m.add("a", nabla::ones({1}));
  EXPECT_THAT(message_of([&] { m.add("a", nabla::ones({1})); }), HasSubstr("already registered"));
  m.add("none", Tensor());  // an undefined buffer is allowed, and left out of state_dict
  EXPECT_THAT(names_of(m.state_dict()), ElementsAre("a"));
  EXPECT_THROW(m.buffer("nothing"), std::out_of_range);
}

// ---- nesting and containers -------------------------------------------------------------

TEST(ModuleNesting, SequentialOfSequentialsNests) {
  // One Sequential inside another, given by handle (a single prvalue argument would be the
  // object itself, by C++'s guaranteed copy elision).
  nn::Sequential outer(std::make_shared<nn::Sequential>(nn::Linear(2, 3), nn::ReLU()));
  EXPECT_EQ(outer.size(), 1u);
  EXPECT_THAT(names_of(outer.named_parameters()), ElementsAre("0.0.weight", "0.0.bias"));
  nn::Sequential two(nn::Sequential(nn::Linear(2, 3)), nn::Linear(3, 1));
  EXPECT_THAT(names_of(two.named_parameters()),
              ElementsAre("0.0.weight", "0.0.bias", "1.weight", "1.bias"));
  EXPECT_EQ(two(nabla::ones({4, 2})).shape(), (nabla::Shape{4, 1}));
}

TEST(ModuleNesting, RegisteringOrAppendingASequentialTakesItOver) {
  struct Net : nn::Module {
    Net() : Module("Net") {}
    std::shared_ptr<nn::Sequential> features =
        register_module("features", nn::Sequential(nn::Linear(2, 2), nn::ReLU()));
  } net;
  EXPECT_THAT(names_of(net.named_parameters()), ElementsAre("features.0.weight", "features.0.bias"));
  nn::Sequential s;
  s.push_back(nn::Sequential(nn::Linear(1, 1)));
  EXPECT_THAT(names_of(s.named_parameters()), ElementsAre("0.0.weight", "0.0.bias"));
}

TEST(ModuleNesting, ModuleListNamesIndexesAndIterates) {
  nn::ModuleList list(nn::Linear(2, 2), nn::Linear(2, 3));
  list.push_back(nn::Linear(3, 1));
  EXPECT_EQ(list.size(), 3u);
  EXPECT_THAT(names_of(list.named_parameters()),
              ElementsAre("0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"));
  EXPECT_EQ(list.at<nn::Linear>(-1).out_features(), 1);
  EXPECT_EQ(list.at<nn::Linear>(1).out_features(), 3);
  Tensor x = nabla::ones({1, 2});
  for (const auto& m : list) x = (*m)(x);
  EXPECT_EQ(x.shape(), (nabla::Shape{1, 1}));
  EXPECT_THAT(message_of([&] { list[3]; }), HasSubstr("index 3 out of range (size 3)"));
  EXPECT_THAT(message_of([&] { list.at<nn::ReLU>(0); }), HasSubstr("is a Linear"));
  EXPECT_THROW(list(x), std::logic_error);  // no forward of its own
  EXPECT_EQ(nn::to_string(list).substr(0, 11), "ModuleList(");
}

TEST(ModuleNesting, ModuleDictKeepsInsertionOrderAndReplacesInPlace) {
  nn::ModuleDict d;
  d.insert("encoder", nn::Linear(4, 2));
  d.insert("act", nn::ReLU());
  d.insert("decoder", nn::Linear(2, 4));
  d.insert("encoder", nn::Linear(4, 3));  // replaced, keeps its place
  EXPECT_THAT(d.keys(), ElementsAre("encoder", "act", "decoder"));
  EXPECT_EQ(d.at<nn::Linear>("encoder").out_features(), 3);
  EXPECT_TRUE(d.contains("act"));
  EXPECT_FALSE(d.contains("nothing"));
  EXPECT_THAT(message_of([&] { d["nothing"]; }),
              HasSubstr("no key 'nothing' (keys: encoder, act, decoder)"));
  EXPECT_THROW(d.insert("a.b", nn::ReLU()), std::invalid_argument);
}

TEST(ModuleNesting, NamedModulesApplyAndSubmodule) {
  nn::Sequential model(nn::Sequential(nn::Linear(2, 2), nn::ReLU()), nn::Linear(2, 1));
  std::vector<std::string> names;
  for (const auto& [name, m] : model.named_modules()) names.push_back(name + ":" + m->type_name());
  EXPECT_THAT(names, ElementsAre(":Sequential", "0:Sequential", "0.0:Linear", "0.1:ReLU",
                                 "1:Linear"));
  std::vector<std::string> order;
  model.apply([&](nn::Module& m) { order.push_back(m.type_name()); });
  EXPECT_THAT(order, ElementsAre("Linear", "ReLU", "Sequential", "Linear", "Sequential"));
  EXPECT_EQ(model.submodule("0.0").type_name(), "Linear");
  EXPECT_THAT(message_of([&] { model.submodule("0.5"); }),
              HasSubstr("no submodule '5' (looking up '0.5'); Sequential has submodules 0, 1"));
  // A module registered twice is listed once (PyTorch's memo).
  auto shared = std::make_shared<nn::Linear>(1, 1);
  nn::Sequential twice;
  twice.push_back(shared);
  twice.push_back(shared);
  EXPECT_EQ(twice.modules().size(), 2u);
}

TEST(ModuleNesting, ACycleIsRefused) {
  auto inner = std::make_shared<nn::Sequential>();
  nn::Sequential* raw = inner.get();
  auto outer = std::make_shared<nn::Sequential>();
  outer->push_back(inner);
  EXPECT_THAT(message_of([&] { raw->push_back(outer); }), HasSubstr("cycle"));
}

TEST(ModuleNesting, RequiresGradFalseFreezesAndTrainReachesEverySubmodule) {
  nn::Sequential model(nn::Sequential(nn::Linear(2, 2), nn::Dropout(0.5)), nn::Linear(2, 1));
  model.at<nn::Sequential>(0).requires_grad_(false);
  Tensor loss = nabla::sum(model(nabla::ones({3, 2})));
  loss.backward();
  auto params = model.named_parameters();
  EXPECT_FALSE(params[0].second.requires_grad());
  EXPECT_FALSE(params[0].second.grad().defined());
  EXPECT_TRUE(params[2].second.grad().defined());
  model.eval();
  for (nn::Module* m : model.modules()) EXPECT_FALSE(m->is_training()) << m->type_name();
  model.train();
  for (nn::Module* m : model.modules()) EXPECT_TRUE(m->is_training()) << m->type_name();
}

TEST(ModulePrinting, AsPyTorchPrintsIt) {
  nn::Sequential model(nn::Linear(784, 10), nn::ReLU());
  EXPECT_EQ(nn::to_string(model),
            "Sequential(\n"
            "  (0): Linear(in_features=784, out_features=10, bias=True)\n"
            "  (1): ReLU()\n"
            ")");
}

// ---- module hooks -------------------------------------------------------------------------

TEST(ModuleHooks, ForwardPreHookAndForwardHookReplaceInputAndOutput) {
  nn::Linear fc(2, 1, /*bias=*/false);
  {
    nabla::NoGradGuard ng;
    Tensor w = fc.weight();
    w.copy_(nabla::tensor({1.0, 1.0}, {1, 2}));
  }
  auto pre = fc.register_forward_pre_hook([](nn::Module&, const Tensor& x) { return x * 2.0; });
  std::string seen;
  auto post = fc.register_forward_hook([&](nn::Module& m, const Tensor& in, const Tensor& out) {
    seen = m.type_name() + " " + nabla::shape_str(in.shape());
    return out + 100.0;
  });
  Tensor x = nabla::tensor({1.0, 2.0}, {1, 2});
  EXPECT_DOUBLE_EQ(fc(x).item<double>(), 106.0);  // (2 + 4) + 100
  EXPECT_EQ(seen, "Linear [1, 2]");
  EXPECT_DOUBLE_EQ(fc.forward(x).item<double>(), 3.0);  // forward() skips the hooks
  pre.remove();
  post.remove();
  EXPECT_DOUBLE_EQ(fc(x).item<double>(), 3.0);
}

TEST(ModuleHooks, HooksRunInsideSequential) {
  nn::Sequential model(nn::Linear(2, 2), nn::ReLU());
  int calls = 0;
  model[1].register_forward_hook([&](nn::Module&, const Tensor&, const Tensor&) {
    ++calls;
    return Tensor();
  });
  model(nabla::ones({1, 2}));
  EXPECT_EQ(calls, 1);
}

// Linear y = x·Wᵀ with L = Σ y·c: grad_output = c, grad_input = c·W.
TEST(ModuleHooks, FullBackwardHookSeesGradInputAndGradOutput) {
  nn::Linear fc(2, 2, /*bias=*/false, {.dtype = nabla::f64});
  {
    nabla::NoGradGuard ng;
    Tensor w = fc.weight();
    w.copy_(nabla::tensor({1.0, 2.0, 3.0, 4.0}, {2, 2}, nabla::f64));
  }
  std::vector<double> gin, gout;
  fc.register_full_backward_hook(
      [&](nn::Module& m, const Tensor& grad_input, const Tensor& grad_output) {
        EXPECT_EQ(m.type_name(), "Linear");
        gin = grad_input.to_vector();
        gout = grad_output.to_vector();
        return grad_input * 10.0;
      });
  Tensor x = nabla::tensor({1.0, 1.0}, {1, 2}, nabla::f64);
  x.requires_grad_();
  Tensor c = nabla::tensor({1.0, -1.0}, {1, 2}, nabla::f64);
  nabla::sum(fc(x) * c).backward();
  EXPECT_THAT(gout, ElementsAre(1.0, -1.0));
  EXPECT_THAT(gin, ElementsAre(-2.0, -2.0));  // c·W = [1 − 3, 2 − 4]
  EXPECT_THAT(x.grad().to_vector(), ElementsAre(-20.0, -20.0));  // replaced by the hook
  // The weight's gradient is untouched by the hook: cᵀ·x.
  EXPECT_THAT(fc.weight().grad().to_vector(), ElementsAre(1.0, 1.0, -1.0, -1.0));
}

TEST(ModuleHooks, BackwardHookWithAnInputThatNeedsNoGradient) {
  nn::Linear fc(2, 1);
  int calls = 0;
  fc.register_full_backward_hook([&](nn::Module&, const Tensor& gin, const Tensor& gout) {
    ++calls;
    EXPECT_FALSE(gin.defined());
    EXPECT_EQ(gout.shape(), (nabla::Shape{3, 1}));
    return Tensor();
  });
  nabla::sum(fc(nabla::ones({3, 2}))).backward();
  EXPECT_EQ(calls, 1);
}

TEST(ModuleHooks, BackwardAfterTheModuleIsGoneThrows) {
  Tensor loss;
  {
    nn::Linear fc(2, 1);
    fc.register_full_backward_hook([](nn::Module&, const Tensor&, const Tensor&) { return Tensor(); });
    loss = nabla::sum(fc(nabla::ones({1, 2})));
  }
  EXPECT_THAT(message_of([&] { loss.backward(); }), HasSubstr("after its module was destroyed"));
}

TEST(ModuleHooks, AMovedModuleKeepsItsHooks) {
  nn::Linear a(2, 1);
  int calls = 0;
  a.register_full_backward_hook([&](nn::Module&, const Tensor&, const Tensor&) {
    ++calls;
    return Tensor();
  });
  nn::Linear b = std::move(a);
  nabla::sum(b(nabla::ones({1, 2}))).backward();
  EXPECT_EQ(calls, 1);
}

// ---- checkpointing -------------------------------------------------------------------------

namespace {

struct Grads {
  double loss;
  std::vector<std::vector<double>> params;
  std::vector<double> input;
};

Grads run_block(bool checkpointed, std::uint64_t seed) {
  nabla::Generator g(42);
  nn::LayerOptions opt{.dtype = nabla::f64, .generator = &g};
  auto block = std::make_shared<nn::Sequential>(nn::Linear(4, 8, true, opt), nn::Tanh(),
                                                nn::Dropout(0.3), nn::Linear(8, 4, true, opt));
  nn::Sequential model;
  model.push_back(nn::Linear(3, 4, true, opt));
  if (checkpointed) {
    model.push_back(nn::Checkpoint(block));
  } else {
    model.push_back(block);
  }
  model.push_back(nn::Linear(4, 1, true, opt));
  Tensor x = nabla::randn({5, 3}, g, nabla::f64);
  x.requires_grad_();
  nabla::default_generator().manual_seed(seed);
  Tensor loss = nabla::sum(nabla::square(model(x)));
  loss.backward();
  Grads out{loss.item<double>(), {}, x.grad().to_vector()};
  for (const Tensor& p : model.parameters()) out.params.push_back(p.grad().to_vector());
  return out;
}

}  // namespace

TEST(Checkpoint, SameGradientsAsWithoutIncludingDropout) {
  const Grads plain = run_block(false, 7), ckpt = run_block(true, 7);
  EXPECT_EQ(plain.loss, ckpt.loss);
  ASSERT_EQ(plain.params.size(), ckpt.params.size());
  for (std::size_t i = 0; i < plain.params.size(); ++i) EXPECT_EQ(plain.params[i], ckpt.params[i]) << i;
  EXPECT_EQ(plain.input, ckpt.input);
  // Not a test that cannot fail: another dropout seed gives other gradients.
  EXPECT_NE(run_block(false, 8).params[0], plain.params[0]);
}

TEST(Checkpoint, FunctionOfSeveralTensorsKeepsOnlyItsInputs) {
  Tensor a = nabla::tensor({1.0, 2.0}, {2}, nabla::f64);
  Tensor b = nabla::tensor({3.0, 4.0}, {2}, nabla::f64);
  a.requires_grad_();
  b.requires_grad_();
  int runs = 0;
  auto outs = nn::checkpoint(
      [&](const std::vector<Tensor>& in) {
        ++runs;
        return std::vector<Tensor>{nabla::exp(in[0]) * in[1], in[0] + in[1]};
      },
      {a, b});
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(outs[0].grad_fn()->name(), "checkpoint");
  nabla::sum(outs[0] + outs[1] * 2.0).backward();
  EXPECT_EQ(runs, 2);  // recomputed once in backward
  EXPECT_NEAR(a.grad().to_vector()[0], std::exp(1.0) * 3.0 + 2.0, 1e-12);
  EXPECT_NEAR(b.grad().to_vector()[1], std::exp(2.0) + 2.0, 1e-12);
}

TEST(Checkpoint, RefusesGradAndCreateGraph) {
  Tensor x = nabla::ones({2}, nabla::f64);
  x.requires_grad_();
  Tensor y = nn::checkpoint([](const Tensor& t) { return t * t; }, x);
  EXPECT_THAT(message_of([&] { nabla::grad({nabla::sum(y)}, {x}); }), HasSubstr("nabla::grad"));
  Tensor z = nn::checkpoint([](const Tensor& t) { return t * t; }, x);
  EXPECT_THAT(message_of([&] { nabla::sum(z).backward({}, false, true); }),
              HasSubstr("create_graph"));
}

TEST(Checkpoint, AnOuterTensorWithHistory) {
  Tensor x = nabla::full({2}, 2.0, nabla::f64);
  x.requires_grad_();
  // Used only inside: the recomputation differentiates through it too (y = 3x², 6x).
  Tensor outer = x * 3.0;
  Tensor y = nn::checkpoint([&](const Tensor& t) { return t * outer; }, x);
  nabla::sum(y).backward();
  EXPECT_THAT(x.grad().to_vector(), ElementsAre(12.0, 12.0));
  // Used outside as well, its node belongs to the outer backward too: named, not run twice.
  Tensor x2 = nabla::full({2}, 2.0, nabla::f64);
  x2.requires_grad_();
  Tensor shared = x2 * 3.0;
  Tensor y2 = nn::checkpoint([&](const Tensor& t) { return t * shared; }, x2);
  EXPECT_THAT(message_of([&] { nabla::sum(y2 + shared).backward(); }),
              HasSubstr("not one of its inputs"));
}

// ---- initializers ---------------------------------------------------------------------------

TEST(NewInit, TruncNormalStaysInsideAndHasTheTruncatedMoments) {
  nabla::Generator g(3);
  Tensor t = nabla::empty({200000}, nabla::f64);
  init::trunc_normal_(t, 1.0, 2.0, -1.0, 3.0, &g);  // ±1 std around the mean
  const auto v = t.to_vector();
  double lo = 1e9, hi = -1e9, sum = 0, sq = 0;
  for (double x : v) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    sum += x;
  }
  const double mean = sum / static_cast<double>(v.size());
  for (double x : v) sq += (x - mean) * (x - mean);
  const double sd = std::sqrt(sq / static_cast<double>(v.size()));
  EXPECT_GE(lo, -1.0);
  EXPECT_LE(hi, 3.0);
  EXPECT_NEAR(mean, 1.0, 0.01);
  // The standard deviation of N(0, 1) cut at ±1 is 0.5396; times 2 here.
  EXPECT_NEAR(sd, 2.0 * 0.5396, 0.01);
  // A narrow interval far in the tail goes through the inverse CDF.
  Tensor tail = nabla::empty({1000}, nabla::f64);
  init::trunc_normal_(tail, 0.0, 1.0, 6.0, 6.5, &g);
  for (double x : tail.to_vector()) ASSERT_TRUE(x >= 6.0 && x <= 6.5) << x;
  EXPECT_THROW(init::trunc_normal_(t, 0.0, 1.0, 2.0, 1.0), std::invalid_argument);
}

TEST(NewInit, OrthogonalRowsOrColumnsAreOrthonormal) {
  nabla::Generator g(5);
  for (nabla::Shape s : {nabla::Shape{3, 5}, nabla::Shape{5, 3}, nabla::Shape{4, 2, 3}}) {
    Tensor t = nabla::empty(s, nabla::f64);
    init::orthogonal_(t, 2.0, &g);
    const std::int64_t rows = s[0], cols = t.numel() / rows;
    Tensor m = nabla::reshape(t, {rows, cols}) * 0.5;
    Tensor gram = rows <= cols ? nabla::matmul(m, m.t()) : nabla::matmul(m.t(), m);
    const std::int64_t n = std::min(rows, cols);
    const auto v = gram.to_vector();
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        EXPECT_NEAR(v[static_cast<std::size_t>(i * n + j)], i == j ? 1.0 : 0.0, 1e-12)
            << nabla::shape_str(s);
      }
    }
  }
  Tensor v1 = nabla::empty({3});
  EXPECT_THROW(init::orthogonal_(v1), std::invalid_argument);
}

TEST(NewInit, SparseZeroesTheFractionOfEachColumn) {
  nabla::Generator g(9);
  Tensor t = nabla::empty({10, 6}, nabla::f64);
  init::sparse_(t, 0.25, 0.01, &g);  // ⌈2.5⌉ = 3 zeros per column
  const auto v = t.to_vector();
  for (int c = 0; c < 6; ++c) {
    int zeros = 0;
    for (int r = 0; r < 10; ++r) zeros += v[static_cast<std::size_t>(r * 6 + c)] == 0.0;
    EXPECT_EQ(zeros, 3) << c;
  }
  Tensor t3 = nabla::empty({2, 2, 2});
  EXPECT_THROW(init::sparse_(t3, 0.1), std::invalid_argument);
  EXPECT_THROW(init::sparse_(t, 1.5), std::invalid_argument);
}

TEST(NewInit, DiracAndEye) {
  Tensor w = nabla::empty({4, 2, 3, 3}, nabla::f64);
  init::dirac_(w, 2);  // groups of 2 outputs, each passing input channels 0 and 1 through
  const auto v = w.to_vector();
  auto at = [&](int o, int i, int h, int x) { return v[static_cast<std::size_t>(((o * 2 + i) * 3 + h) * 3 + x)]; };
  EXPECT_EQ(at(0, 0, 1, 1), 1.0);
  EXPECT_EQ(at(1, 1, 1, 1), 1.0);
  EXPECT_EQ(at(2, 0, 1, 1), 1.0);
  EXPECT_EQ(at(3, 1, 1, 1), 1.0);
  EXPECT_EQ(at(0, 1, 1, 1), 0.0);
  double total = 0;
  for (double x : v) total += x;
  EXPECT_EQ(total, 4.0);
  EXPECT_THROW(init::dirac_(w, 3), std::invalid_argument);
  Tensor e = nabla::empty({2, 3});
  init::eye_(e);
  EXPECT_THAT(e.to_vector(), ElementsAre(1, 0, 0, 0, 1, 0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::selu), 0.75);
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::conv2d), 1.0);
}

// ---- activation modules ---------------------------------------------------------------------

// Each module's repr is the one PyTorch 1.13 (python3-torch) prints for the same module:
//   python3 -c "import torch.nn as nn; print(repr(nn.Softplus()))"   and so on.
TEST(ActivationModules, PrintAsPyTorch) {
  EXPECT_EQ(nn::to_string(nn::GELU()), "GELU(approximate='none')");
  EXPECT_EQ(nn::to_string(nn::GELU("tanh")), "GELU(approximate='tanh')");
  EXPECT_EQ(nn::to_string(nn::SiLU()), "SiLU()");
  EXPECT_EQ(nn::to_string(nn::Softplus()), "Softplus(beta=1, threshold=20)");
  EXPECT_EQ(nn::to_string(nn::Softplus(2.0, 10.0)), "Softplus(beta=2.0, threshold=10.0)");
  EXPECT_EQ(nn::to_string(nn::LeakyReLU()), "LeakyReLU(negative_slope=0.01)");
  EXPECT_EQ(nn::to_string(nn::ELU()), "ELU(alpha=1.0)");
  EXPECT_EQ(nn::to_string(nn::CELU()), "CELU(alpha=1.0)");
  EXPECT_EQ(nn::to_string(nn::Hardtanh()), "Hardtanh(min_val=-1.0, max_val=1.0)");
  EXPECT_EQ(nn::to_string(nn::PReLU(3, 0.1)), "PReLU(num_parameters=3)");
  EXPECT_EQ(nn::to_string(nn::GLU()), "GLU(dim=-1)");
  EXPECT_EQ(nn::to_string(nn::Unflatten(1, {1, 28, 28})), "Unflatten(dim=1, unflattened_size=(1, 28, 28))");
  EXPECT_EQ(nn::to_string(nn::Dropout()), "Dropout(p=0.5, inplace=False)");
  EXPECT_EQ(nn::py_float(1e-5), "1e-05");
  EXPECT_EQ(nn::py_float(0.0001), "0.0001");
}

TEST(ActivationModules, ForwardIsTheOp) {
  Tensor x = nabla::tensor({-2.0, -0.5, 0.5, 3.0}, {1, 4}, nabla::f64);
  auto same = [&](nn::Module&& m, const Tensor& expected) {
    EXPECT_EQ(m(x).to_vector(), expected.to_vector()) << m.type_name();
  };
  same(nn::GELU("tanh"), nabla::gelu(x, "tanh"));
  same(nn::SiLU(), nabla::silu(x));
  same(nn::Mish(), nabla::mish(x));
  same(nn::Softplus(2.0, 1.0), nabla::softplus(x, 2.0, 1.0));
  same(nn::LeakyReLU(0.2), nabla::leaky_relu(x, 0.2));
  same(nn::ELU(0.5), nabla::elu(x, 0.5));
  same(nn::SELU(), nabla::selu(x));
  same(nn::CELU(2.0), nabla::celu(x, 2.0));
  same(nn::Hardtanh(-1.0, 2.0), nabla::hardtanh(x, -1.0, 2.0));
  same(nn::ReLU6(), nabla::relu6(x));
  same(nn::Hardsigmoid(), nabla::hardsigmoid(x));
  same(nn::Hardswish(), nabla::hardswish(x));
  same(nn::LogSigmoid(), nabla::logsigmoid(x));
  same(nn::Softsign(), nabla::softsign(x));
  same(nn::GLU(), nabla::glu(x, -1));
  // PReLU's slope is a parameter initialized to 0.25 and trained.
  nn::PReLU p(1, 0.25, {.dtype = nabla::f64});
  EXPECT_EQ(p(x).to_vector()[0], -0.5);
  nabla::sum(p(x)).backward();
  EXPECT_DOUBLE_EQ(p.weight().grad().item<double>(), -2.5);  // Σ x where x ≤ 0
  EXPECT_THROW(nn::GELU("fast"), std::invalid_argument);
  EXPECT_THROW(nn::PReLU(0), std::invalid_argument);
}

TEST(ActivationModules, UnflattenSplitsADimension) {
  nn::Unflatten u(1, {2, -1});
  EXPECT_EQ(u(nabla::zeros({3, 8})).shape(), (nabla::Shape{3, 2, 4}));
  EXPECT_EQ(nn::Unflatten(-1, {4, 2})(nabla::zeros({3, 8})).shape(), (nabla::Shape{3, 4, 2}));
  EXPECT_THAT(message_of([&] { nn::Unflatten(1, {3, 3})(nabla::zeros({3, 8})); }),
              HasSubstr("does not fill dim 1 of extent 8"));
  EXPECT_THAT(message_of([&] { u(nabla::zeros({3})); }), HasSubstr("out of range"));
  EXPECT_THROW(nn::Unflatten(1, {-1, -1}), std::invalid_argument);
  EXPECT_THROW(nn::Unflatten(1, {}), std::invalid_argument);
}
