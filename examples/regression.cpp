// Regression: fit a curve through noisy samples with a small network.
//
// The data are 300 points x drawn uniformly from [-1, 1] with targets
//
//     y = f(x) + ε,    f(x) = sin(2πx)·exp(−x²),    ε ~ N(0, 0.1²)
//
// A network with one input, two hidden layers of 32 tanh units and one linear output
// (1-32-32-1) learns to predict y from x by minimizing the mean squared error (MSE) over
// shuffled mini-batches of 32 points with Adam. It never sees f itself: the noise makes
// its targets wrong by about 0.1 (its standard deviation), and a good fit averages the
// noise away. So:
//
// - the train MSE, against the noisy targets, cannot drop much below the noise variance
//   0.01 (it would only by memorizing the noise: overfitting);
// - the test MSE, against f on an evenly spaced grid without noise, is the real measure
//   of how well the network learned the curve. It should end well below 0.01.
//
// Writes regression.png: the samples, the true curve and the network's curve.
//
// Usage: regression [--epochs N] [--seed N] [--out PATH]   (regression --help explains them)
//   --seed sets the initial weights and the order of the mini-batches, not the data.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <numbers>
#include <string>
#include <vector>

#include <nabla/data.hpp>
#include <nabla/nabla.hpp>
#include <nabla/nn.hpp>
#include <nabla/optim.hpp>

#include "cli.hpp"
#include "plot.hpp"

namespace {

// The curve to learn.
double f(double x) {
  return std::sin(2 * std::numbers::pi * x) * std::exp(-x * x);
}

// A column tensor [n, 1] from values.
nabla::Tensor column(const std::vector<double>& values) {
  return nabla::tensor(values, {static_cast<std::int64_t>(values.size()), 1});
}

struct Options {
  std::int64_t epochs = 300;
  std::int64_t seed = 7;
  std::string out = "regression.png";
};

Options parse_options(int argc, char** argv) {
  Options o;
  examples::Cli cli("regression",
                    "Fits a 1-32-32-1 tanh network to noisy samples of sin(2πx)·exp(−x²) and "
                    "plots the fit.");
  cli.option("epochs", o.epochs, "passes over the 300 training points")
      .option("seed", o.seed, "seed of the initial weights and the batch order; the data is fixed")
      .option("out", o.out, "PNG of the samples, the true curve and the fit", "PATH");
  cli.parse(argc, argv);
  if (o.epochs < 1) cli.fail(fmt::format("--epochs must be at least 1, got {}", o.epochs));
  if (o.seed < 0) cli.fail(fmt::format("--seed must be 0 or more, got {}", o.seed));
  if (o.out.empty()) cli.fail("--out needs a file name");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options opt = parse_options(argc, argv);
    examples::check_writable("--out", opt.out);  // now, not after training
    const auto seed = static_cast<std::uint64_t>(opt.seed);

    constexpr int kTrainPoints = 300;
    constexpr double kNoise = 0.1;
    // The test MSE must end below this for the run to count as a fit: under a third of the
    // noise variance. With seeds 1-20 it ends between 0.0006 and 0.0010, three times lower;
    // a network trained too briefly fails it (--epochs 60: 0.009, --epochs 20: 0.07).
    constexpr double kTestMseBound = 0.003;

    // Training data: noisy samples of f at random points.
    nabla::Generator gen(2024);
    std::vector<double> xs, ys;
    for (int i = 0; i < kTrainPoints; ++i) {
      const double x = 2 * gen.uniform() - 1;
      xs.push_back(x);
      ys.push_back(f(x) + kNoise * gen.normal());
    }
    // Test data: f itself on an even grid, no noise.
    std::vector<double> grid, truth;
    for (int i = 0; i <= 200; ++i) {
      grid.push_back(-1 + i / 100.0);
      truth.push_back(f(grid.back()));
    }
    const nabla::Tensor X_train = column(xs), y_train = column(ys);
    const nabla::Tensor X_test = column(grid), y_test = column(truth);

    // The model: 1-32-32-1 with tanh, its weights drawn from a seeded generator.
    nabla::manual_seed(seed);
    nabla::nn::Sequential model(nabla::nn::Linear(1, 32), nabla::nn::Tanh(),
                                nabla::nn::Linear(32, 32), nabla::nn::Tanh(),
                                nabla::nn::Linear(32, 1));
    fmt::print("{}\n{} parameters, {} training points, {} epochs\n\n", nabla::nn::to_string(model),
               model.num_parameters(), kTrainPoints, opt.epochs);

    // Each epoch visits every training point once, 32 at a time, in a new random order.
    const nabla::data::TensorDataset train(X_train, y_train);
    nabla::data::DataLoader loader(train, {.batch_size = 32, .shuffle = true, .seed = seed});
    nabla::optim::Adam optimizer(model.parameters(), {.lr = 1e-2});
    // Large steps early, small ones at the end: the learning rate falls from 1e-2 to 0 along
    // half a cosine, so the last epochs settle instead of jittering around the minimum.
    nabla::optim::CosineAnnealingLR schedule(optimizer, opt.epochs);

    // The MSE of the model on a whole dataset, without recording a graph.
    auto mse = [&model](const nabla::Tensor& X, const nabla::Tensor& y) {
      nabla::NoGradGuard no_grad;
      return nabla::mse_loss(model(X), y).item<double>();
    };

    for (std::int64_t epoch = 1; epoch <= opt.epochs; ++epoch) {
      for (const nabla::data::Batch& batch : loader) {
        optimizer.zero_grad();
        nabla::mse_loss(model(batch.inputs), batch.targets).backward();
        optimizer.step();
      }
      schedule.step();
      if (epoch == 1 || epoch % std::max<std::int64_t>(1, opt.epochs / 10) == 0) {
        fmt::print("epoch {:>4}  train MSE {:.5f}  test MSE {:.5f}\n", epoch, mse(X_train, y_train),
                   mse(X_test, y_test));
      }
    }
    const double train_mse = mse(X_train, y_train);
    const double test_mse = mse(X_test, y_test);
    fmt::print("\nfinal train MSE {:.5f} (against noisy targets; the noise alone gives {:.5f})\n",
               train_mse, kNoise * kNoise);
    fmt::print("final test MSE  {:.5f} (against the true curve)\n", test_mse);

    // The picture: samples, the true curve, and what the network learned.
    std::vector<double> fitted;
    {
      nabla::NoGradGuard no_grad;
      fitted = model(X_test).to_vector();
    }
    plot::Figure fig{.title = "1-32-32-1 tanh network fitted to noisy samples of sin(2πx)·exp(−x²)",
                     .xlabel = "x",
                     .ylabel = "y",
                     .legend = "bottom right"};
    fig.points("training samples (noise σ = 0.1)", xs, ys).color = "#9e9e9e";
    fig.line("true curve f(x)", grid, truth).color = "#1a1a1a";
    fig.line(fmt::format("network (test MSE {:.4f})", test_mse), grid, fitted).color = "#d62728";
    const bool plotted = plot::try_save_png(fig, opt.out);

    const bool fitted_well = test_mse < kTestMseBound;
    fmt::print("regression: test MSE {:.5f} {} bound {:.5f}: {}\n", test_mse,
               fitted_well ? "<" : ">=", kTestMseBound, fitted_well ? "fit" : "NOT fit");
    return fitted_well && plotted ? EXIT_SUCCESS : EXIT_FAILURE;
  } catch (const std::exception& e) {
    fmt::print(stderr, "regression: error: {}\n", e.what());
    return 1;
  }
}
