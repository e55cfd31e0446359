// XOR: the smallest problem a single layer cannot solve.
//
//     x1 x2 | y
//      0  0 | 0
//      0  1 | 1
//      1  0 | 1
//      1  1 | 0
//
// No straight line separates the 1s from the 0s, so a network needs a hidden layer: here
// two sigmoid units, then one sigmoid output (a 2-2-1 network, 9 weights in all). It
// learns with the squared loss l = Σ ½(o − y)² and plain gradient descent on all four
// examples at once (full batch).
//
// The seed matters. With only two hidden units, some initial weights lead gradient
// descent to a plateau: the network gets two inputs right, answers 0.5 for the other two,
// and the loss stalls at 0.25 (a local minimum or a saddle it takes forever to leave).
// With the settings below, 47 of the seeds 0-49 solve XOR and 3 are stuck (15, 24 and 48:
// try --seed 15; 50000 steps do not help). Seed 1 solves it within 500 steps. With four
// hidden units instead of two, all 50 seeds solve it.
//
// Usage: xor [--seed N] [--lr X] [--steps N]   (xor --help explains them)

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <vector>

#include <nabla/nabla.hpp>
#include <nabla/nn.hpp>
#include <nabla/optim.hpp>

#include "cli.hpp"

namespace {

struct Options {
  std::int64_t seed = 1;
  double lr = 2.0;
  std::int64_t steps = 5000;
};

Options parse_options(int argc, char** argv) {
  Options o;
  examples::Cli cli("xor", "Trains a 2-2-1 sigmoid network on XOR by gradient descent.");
  cli.option("seed", o.seed, "seed of the initial weights (15, 24 and 48 get stuck)")
      .option("lr", o.lr, "learning rate of gradient descent")
      .option("steps", o.steps, "steps of full-batch gradient descent");
  cli.parse(argc, argv);
  if (o.seed < 0) cli.fail(fmt::format("--seed must be 0 or more, got {}", o.seed));
  if (!(o.lr > 0)) cli.fail(fmt::format("--lr must be positive, got {}", o.lr));
  if (o.steps < 1) cli.fail(fmt::format("--steps must be at least 1, got {}", o.steps));
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options opt = parse_options(argc, argv);

    // The four examples, one per row, and their targets.
    const nabla::Tensor X = nabla::tensor({{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}, {1.0, 1.0}});
    const nabla::Tensor y = nabla::tensor({{0.0}, {1.0}, {1.0}, {0.0}});

    // The initial weights come from the default generator: seeding it fixes them.
    nabla::manual_seed(static_cast<std::uint64_t>(opt.seed));
    nabla::nn::Sequential model(nabla::nn::Linear(2, 2), nabla::nn::Sigmoid(),
                                nabla::nn::Linear(2, 1), nabla::nn::Sigmoid());
    fmt::print("{}\nseed {}, learning rate {}, {} steps of full-batch gradient descent\n\n",
               nabla::nn::to_string(model), opt.seed, opt.lr, opt.steps);

    nabla::optim::SGD optimizer(model.parameters(), {.lr = opt.lr});
    for (std::int64_t step = 1; step <= opt.steps; ++step) {
      optimizer.zero_grad();
      const nabla::Tensor loss = nabla::squared_loss(model(X), y);  // ½·Σ(o − y)²
      loss.backward();   // ∂loss/∂w for all 9 weights
      optimizer.step();  // w ← w − lr·∂loss/∂w
      if (step == 1 || step % std::max<std::int64_t>(1, opt.steps / 10) == 0) {
        fmt::print("step {:>5}  loss {:.6f}\n", step, loss.item<double>());
      }
    }

    // The trained network on the four inputs. A prediction is the output rounded to 0 or 1.
    nabla::NoGradGuard no_grad;  // evaluation only: record no graph
    const std::vector<double> out = model(X).to_vector();
    const std::vector<double> inputs = X.to_vector();
    const std::vector<double> targets = y.to_vector();
    fmt::print("\n x1 x2 | target  output  prediction\n");
    bool solved = true;
    for (std::size_t i = 0; i < out.size(); ++i) {
      const double prediction = std::round(out[i]);
      solved = solved && prediction == targets[i];
      fmt::print("  {:.0f}  {:.0f} |   {:.0f}     {:.4f}     {:.0f}\n", inputs[2 * i],
                 inputs[2 * i + 1], targets[i], out[i], prediction);
    }
    fmt::print("xor solved: {}\n", solved ? "yes" : "no");
    return solved ? EXIT_SUCCESS : EXIT_FAILURE;
  } catch (const std::exception& e) {
    fmt::print(stderr, "xor: error: {}\n", e.what());
    return 1;
  }
}
