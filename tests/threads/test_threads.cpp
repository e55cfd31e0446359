// Threading: what nabla promises when several threads use it at once, and the one thing it
// refuses (two backward passes through one model at the same time). These tests also run
// under ThreadSanitizer (tools/test --tsan), which turns any data race into a failure.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "nabla/extension.hpp"
#include "nabla/nn.hpp"
#include "nabla/optim.hpp"

namespace {

constexpr int kThreads = 4;

// Trains a small classifier from `seed` on data made from `seed`; returns every parameter
// value after training, and the losses along the way.
std::vector<double> train_small_model(std::uint64_t seed) {
  nabla::Generator gen(seed);
  nabla::nn::Sequential model(nabla::nn::Linear(6, 16, true, {.generator = &gen}),
                              nabla::nn::Tanh(),
                              nabla::nn::Linear(16, 3, true, {.generator = &gen}));
  nabla::optim::Adam opt(model.parameters(), {.lr = 0.01});
  const nabla::Tensor x = nabla::randn({32, 6}, gen);
  std::vector<double> labels;
  for (int i = 0; i < 32; ++i) labels.push_back(static_cast<double>(gen.integer(3)));
  const nabla::Tensor y = nabla::tensor(labels, {32});
  std::vector<double> out;
  for (int step = 0; step < 40; ++step) {
    opt.zero_grad();
    nabla::Tensor loss = nabla::cross_entropy(model.forward(x), y);
    loss.backward();
    opt.step();
    out.push_back(loss.item<double>());
  }
  for (const nabla::Tensor& p : model.parameters()) {
    const auto v = p.to_vector();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

TEST(Threads, IndependentGraphsOnFourThreadsMatchOneThreadBitForBit) {
  std::vector<std::vector<double>> serial(kThreads), parallel(kThreads);
  for (int t = 0; t < kThreads; ++t) serial[t] = train_small_model(100 + t);
  {
    std::latch start(kThreads);  // declared first: it must outlive the threads' joins
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();  // all four train at the same time
        parallel[t] = train_small_model(100 + t);
      });
    }
  }
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(serial[t].size(), parallel[t].size());
    for (std::size_t i = 0; i < serial[t].size(); ++i) {
      // Bit-identical: the same operations in the same order, whatever runs beside them.
      ASSERT_EQ(serial[t][i], parallel[t][i]) << "thread " << t << ", value " << i;
    }
  }
  // Different seeds really trained different models (the comparison is not vacuous).
  EXPECT_NE(serial[0].back(), serial[1].back());
  EXPECT_LT(serial[0][39], serial[0][0]);  // and the loss went down
}

TEST(Threads, GraphBuiltOnOneThreadIsDifferentiatedOnAnother) {
  nabla::Generator gen(3);
  nabla::Tensor w = nabla::randn({4, 3}, gen, nabla::f64).requires_grad_();
  const nabla::Tensor x = nabla::randn({5, 4}, gen, nabla::f64);
  nabla::Tensor loss;
  std::thread([&] { loss = nabla::sum(nabla::sigmoid(nabla::matmul(x, w))); }).join();
  std::thread([&] { loss.backward(); }).join();
  ASSERT_TRUE(w.grad().defined());
  // The same gradient computed on this thread alone.
  nabla::Tensor w2 = w.detach().clone().requires_grad_();
  nabla::sum(nabla::sigmoid(nabla::matmul(x, w2))).backward();
  EXPECT_EQ(w.grad().to_vector(), w2.grad().to_vector());
  double norm = 0;
  for (double g : w.grad().to_vector()) norm += g * g;
  EXPECT_GT(norm, 0.0);
}

TEST(Threads, NoGradGuardOnOneThreadNeverAffectsAnother) {
  nabla::Tensor w = nabla::ones({3}).requires_grad_();
  std::barrier sync(2);
  bool other_records = false, guarded_records = true;
  std::jthread guarded([&] {
    nabla::NoGradGuard no_grad;
    sync.arrive_and_wait();  // the guard is on while the other thread computes
    guarded_records = nabla::mul(w, 2.0).requires_grad();
    sync.arrive_and_wait();
  });
  std::jthread other([&] {
    sync.arrive_and_wait();
    other_records = nabla::is_grad_enabled() && nabla::mul(w, 2.0).requires_grad();
    sync.arrive_and_wait();
  });
  guarded.join();
  other.join();
  EXPECT_TRUE(other_records);
  EXPECT_FALSE(guarded_records);
  EXPECT_TRUE(nabla::is_grad_enabled());  // and this thread was never touched
}

TEST(Threads, DefaultGeneratorFromFourThreadsDealsOutOneStream) {
  // Each draw takes the generator's lock, so four threads share out one stream: together
  // they get exactly the numbers one thread would have drawn, none twice, none lost.
  constexpr int kDraws = 500;
  nabla::manual_seed(42);
  std::vector<std::vector<double>> got(kThreads);
  {
    std::latch start(kThreads);  // declared first: it must outlive the threads' joins
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        for (int i = 0; i < kDraws / 10; ++i) {
          const auto v = nabla::randn({10}, nabla::f64).to_vector();  // the default generator
          got[t].insert(got[t].end(), v.begin(), v.end());
        }
      });
    }
  }
  nabla::manual_seed(42);
  std::vector<double> expected = nabla::randn({kThreads * kDraws}, nabla::f64).to_vector();
  std::vector<double> all;
  for (const auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::sort(all.begin(), all.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(all, expected);
  // Single draws from several threads are just as safe.
  nabla::Generator shared(7);
  std::vector<std::uint64_t> ints(kThreads * 1000);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 1000; ++i) ints[t * 1000 + i] = shared.integer(1ull << 62);
      });
    }
  }
  std::sort(ints.begin(), ints.end());
  EXPECT_EQ(std::adjacent_find(ints.begin(), ints.end()), ints.end()) << "a number drawn twice";
}

TEST(Threads, ModulesBuiltAndInspectedFromFourThreads) {
  // Layers without an explicit generator draw from the default one; const methods of a
  // shared model (named_parameters, printing) write nothing, so they may run at once.
  nabla::nn::Sequential shared(nabla::nn::Linear(5, 4), nabla::nn::ReLU(), nabla::nn::Linear(4, 2));
  std::vector<std::vector<std::string>> names(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        nabla::nn::Linear own(8, 8);  // default generator, concurrently
        EXPECT_EQ(own.weight().numel(), 64);
        for (int i = 0; i < 50; ++i) {
          names[t].clear();
          for (const auto& [n, p] : shared.named_parameters())
            names[t].push_back(n + "=" + p.name());
        }
      });
    }
  }
  const std::vector<std::string> expected{"0.weight=0.weight", "0.bias=0.bias", "2.weight=2.weight",
                                          "2.bias=2.bias"};
  for (const auto& n : names) EXPECT_EQ(n, expected);
}

// A node whose backward waits until the test lets it go: it keeps one backward pass in
// flight while another thread tries a second one through the same parameters.
std::latch* in_backward = nullptr;
std::latch* let_go = nullptr;
struct HoldNode : nabla::Node {
  HoldNode() : Node("hold") {}
  std::vector<nabla::Tensor> backward(const nabla::Tensor& grad_out) override {
    in_backward->count_down();
    let_go->wait();
    return {grad_out};
  }
};
nabla::Tensor hold(const nabla::Tensor& x) {
  nabla::Tensor result = x.detach().clone();
  nabla::record<HoldNode>(result, {x});
  return result;
}

TEST(Threads, TwoBackwardPassesThroughOneModelAtOnceAreRefused) {
  nabla::Tensor w = nabla::ones({3}).requires_grad_();
  w.set_name("shared.weight");
  std::latch entered(1), release(1);
  in_backward = &entered;
  let_go = &release;
  std::string error;
  std::jthread first([&] { nabla::sum(hold(nabla::mul(w, 2.0))).backward(); });
  entered.wait();  // the first pass is inside its backward, holding w
  try {
    nabla::sum(nabla::mul(w, 3.0)).backward();
  } catch (const std::logic_error& e) {
    error = e.what();
  }
  release.count_down();
  first.join();
  EXPECT_NE(error.find("nabla::backward: another backward pass, on another thread"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("'shared.weight'"), std::string::npos) << error;
  // The refused pass wrote nothing; the first one finished normally, and w is free again.
  ASSERT_TRUE(w.grad().defined());
  EXPECT_EQ(w.grad().to_vector(), (std::vector<double>{2, 2, 2}));
  nabla::sum(nabla::mul(w, 3.0)).backward();
  EXPECT_EQ(w.grad().to_vector(), (std::vector<double>{5, 5, 5}));
}

TEST(Threads, OneGraphDifferentiatedByTwoThreadsAtOnceIsRefused) {
  nabla::Tensor w = nabla::ones({3}).requires_grad_();
  std::latch entered(1), release(1);
  in_backward = &entered;
  let_go = &release;
  const nabla::Tensor shared = hold(nabla::mul(w, 2.0));
  std::string error;
  std::jthread first([&] {
    std::vector<nabla::Tensor> g = nabla::grad({nabla::sum(shared)}, {w}, {}, true);
    EXPECT_EQ(g[0].to_vector(), (std::vector<double>{2, 2, 2}));
  });
  entered.wait();
  try {
    nabla::grad({nabla::sum(shared)}, {w}, {}, true);
  } catch (const std::logic_error& e) {
    error = e.what();
  }
  release.count_down();
  first.join();
  EXPECT_NE(error.find("is running through node 'hold'"), std::string::npos) << error;
}

}  // namespace
