// Fashion-MNIST: a multilayer perceptron learns to tell ten kinds of clothing apart.
//
// The data set holds 70,000 grayscale pictures of 28×28 pixels (60,000 to train on,
// 10,000 to test with), each labelled with one of ten classes. The model is
//
//     Flatten → Linear(784, 256) → ReLU → Linear(256, 128) → ReLU → Linear(128, 10)
//
// trained with the cross-entropy loss by Adam (learning rate 2e-3, annealed along a cosine
// to 0 over all the steps) on shuffled mini-batches of 64. Five passes over the training
// set take it to about 88.5% accuracy on the test set.
//
// It prints a progress bar per epoch, the train loss and test accuracy after each, then
// the confusion matrix and the model; saves the trained parameters (a safetensors file)
// and plots the learning curves. The last line is `test accuracy: <fraction>`.
//
// With --distributed, under `mpirun -n N`, it trains data-parallel over MPI
// (DistributedSampler, DistributedDataParallel; only rank 0 prints and saves), where
// CMake found MPI.
//
// The data comes from the Debian package dataset-fashion-mnist.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nabla/data.hpp>
#include <nabla/io.hpp>
#include <nabla/nabla.hpp>
#include <nabla/nn.hpp>
#include <nabla/optim.hpp>

#include "cli.hpp"
#include "fashion_mnist_data.hpp"
#include "data_parallel.hpp"
#include "plot.hpp"
#include "progress.hpp"

namespace {

namespace nn = nabla::nn;
using nabla::Tensor;
using namespace examples::fashion;  // load_split, evaluate, kClasses, ...

struct Options {
  std::int64_t epochs = 5;
  std::int64_t batch_size = 64;
  double lr = 2e-3;
  std::int64_t seed = 0;
  std::int64_t limit = 0;  // 0: the whole training set
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string save = "fashion_mnist.safetensors";
  std::string plot = "fashion_mnist.png";
  bool distributed = false;
};

Options parse_options(int argc, char** argv) {
  Options o;
  examples::Cli cli("fashion_mnist",
                    "Trains a 784-256-128-10 perceptron on Fashion-MNIST and reports its test "
                    "accuracy.");
  cli.option("epochs", o.epochs, "passes over the training set")
      .option("batch-size", o.batch_size, "samples per mini-batch")
      .option("lr", o.lr, "Adam's learning rate, annealed to 0 along a cosine")
      .option("seed", o.seed, "seed of the initial weights and the shuffling")
      .option("limit", o.limit, "train on the first N samples only; 0: all")
      .option("data", o.data, "where the Fashion-MNIST .gz files are", "DIR")
      .option("save", o.save, "file for the trained parameters; '': none", "PATH")
      .option("plot", o.plot, "PNG of the learning curves; '': none", "PATH")
      .flag("distributed", o.distributed,
            "train data-parallel over MPI (run under mpirun -n N); --batch-size is the global "
            "batch, split evenly over the ranks");
  cli.parse(argc, argv);
  if (o.epochs < 1) cli.fail(fmt::format("--epochs must be at least 1, got {}", o.epochs));
  if (o.batch_size < 1) {
    cli.fail(fmt::format("--batch-size must be at least 1, got {}", o.batch_size));
  }
  if (!(o.lr > 0)) cli.fail(fmt::format("--lr must be positive, got {}", o.lr));
  if (o.seed < 0) cli.fail(fmt::format("--seed must be 0 or more, got {}", o.seed));
  if (o.limit < 0) cli.fail(fmt::format("--limit must be 0 or more, got {}", o.limit));
  return o;
}

// Losses on the left axis (from 0), accuracy on the right, against the epoch.
void plot_learning_curves(const History& h, const std::string& path) {
  // Explicit ranges: gnuplot cannot scale an axis to a single point (a one-epoch run).
  const double top_loss = std::max(std::ranges::max(h.train_loss), std::ranges::max(h.test_loss));
  const double low_acc = std::ranges::min(h.test_accuracy);
  const double high_acc = std::ranges::max(h.test_accuracy);
  plot::Figure figure{
      .title = "Fashion-MNIST: 784-256-128-10 perceptron, Adam with a cosine schedule",
      .xlabel = "epoch",
      .ylabel = "cross-entropy loss",
      .y2label = "test accuracy",
      .xrange = std::pair{0.0, h.test_x.back()},
      .yrange = std::pair{0.0, 1.1 * top_loss},
      .y2range = std::pair{std::floor(low_acc * 20 - 1) / 20,  // steps of 0.05
                           std::min(1.0, std::ceil(high_acc * 20) / 20)},
      .legend = "bottom left"};
  figure.line("train loss (each tenth of an epoch)", h.train_x, h.train_loss);
  figure.linespoints("test loss", h.test_x, h.test_loss).dashed = true;
  figure.linespoints("test accuracy (right axis)", h.test_x, h.test_accuracy, plot::Axis::y2);
  plot::try_save_png(figure, path);
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse_options(argc, argv);
  examples::World world;
#ifdef NABLA_EXAMPLES_DISTRIBUTED
  namespace dist = nabla::distributed;
  std::optional<dist::InitGuard> mpi;
  if (opt.distributed) {
    mpi.emplace(argc, argv);
    world = {dist::rank(), dist::world_size()};
    nabla::set_num_threads(examples::threads_per_rank());
    if (world.rank != 0 && std::freopen("/dev/null", "w", stdout) == nullptr) return 1;
  }
#endif
  try {
#ifndef NABLA_EXAMPLES_DISTRIBUTED
    if (opt.distributed) {
      throw std::runtime_error(
          "--distributed: this build has no nabla::distributed (CMake did not find MPI: "
          "install libopenmpi-dev and openmpi-bin, and build again)");
    }
#endif
    if (opt.batch_size % world.size != 0) {
      throw std::invalid_argument(fmt::format(
          "--batch-size {} does not split evenly over {} ranks: each rank takes batch_size / "
          "ranks samples of every global batch",
          opt.batch_size, world.size));
    }
    const bool lead = world.rank == 0;  // saves and plots
    // Both outputs are written after training: check now that they can be.
    examples::check_writable("--save", opt.save);
    examples::check_writable("--plot", opt.plot);
    if (!data_present(opt.data, "fashion_mnist")) return 1;

    nabla::manual_seed(static_cast<std::uint64_t>(opt.seed));  // the initial weights

    fmt::print("reading Fashion-MNIST from {}\n", opt.data);
    const nabla::data::TensorDataset train = load_split(opt.data, "train", opt.limit);
    const nabla::data::TensorDataset test = load_split(opt.data, "t10k");
    fmt::print("{} training and {} test images of 28×28 pixels\n", train.size(), test.size());

    auto model = std::make_shared<nn::Sequential>(nn::Flatten(),  // [N, 28, 28] → [N, 784]
                                                  nn::Linear(784, 256), nn::ReLU(),  //
                                                  nn::Linear(256, 128), nn::ReLU(),  //
                                                  nn::Linear(128, kClasses));  // a logit per class
    std::function<Tensor(const Tensor&)> forward = [&](const Tensor& x) { return (*model)(x); };

    nabla::data::DataLoaderOptions loading{.batch_size = opt.batch_size / world.size,
                                           .shuffle = true,
                                           .seed = static_cast<std::uint64_t>(opt.seed)};
#ifdef NABLA_EXAMPLES_DISTRIBUTED
    // Three lines make the loop data-parallel: each rank's share of every epoch, the
    // model wrapped so that backward averages the gradients, and the epoch set below.
    std::shared_ptr<dist::DistributedSampler> sampler;
    std::optional<dist::DistributedDataParallel> ddp;
    if (opt.distributed) {
      sampler = std::make_shared<dist::DistributedSampler>(
          train.size(), dist::DistributedSamplerOptions{.seed = static_cast<std::uint64_t>(opt.seed)});
      loading.shuffle = false;
      loading.sampler = sampler;
      ddp.emplace(model);
      forward = [&](const Tensor& x) { return (*ddp)(x); };
      fmt::print("data-parallel on {} ranks, {} samples each per batch of {}\n", world.size,
                 opt.batch_size / world.size, opt.batch_size);
    }
#endif
    nabla::data::DataLoader loader(train, loading);
    nabla::optim::Adam optimizer(model->parameters(), {.lr = opt.lr});
    // Stepped after every batch, so the rate falls from lr to 0 over the whole run.
    nabla::optim::CosineAnnealingLR schedule(optimizer, opt.epochs * loader.size());

    History history;
    Evaluation test_eval;
    const std::int64_t batches = loader.size();
    for (std::int64_t epoch = 1; epoch <= opt.epochs; ++epoch) {
#ifdef NABLA_EXAMPLES_DISTRIBUTED
      if (sampler) sampler->set_epoch(epoch);
#endif
      examples::Progress progress(fmt::format("epoch {}/{}", epoch, opt.epochs), batches);
      RunningMean epoch_loss, tenth_loss;
      std::int64_t correct = 0, done = 0;
      for (const nabla::data::Batch& batch : loader) {
        optimizer.zero_grad();
        const Tensor logits = forward(batch.inputs);
        const Tensor loss = nabla::cross_entropy(logits, batch.targets);
        loss.backward();
        optimizer.step();
        schedule.step();

        const std::int64_t n = batch.targets.numel();
        epoch_loss.add(loss.item<double>(), n);
        tenth_loss.add(loss.item<double>(), n);
        correct += count_correct(logits, batch.targets);
        ++done;
        if (done * 10 / batches > (done - 1) * 10 / batches) {  // a tenth of the epoch is over
          history.train_x.push_back(static_cast<double>(epoch - 1) +
                                    static_cast<double>(done) / static_cast<double>(batches));
          history.train_loss.push_back(tenth_loss.take());
        }
        const double accuracy =
            static_cast<double>(correct) / static_cast<double>(epoch_loss.count);
        progress.update(done, epoch_loss.count,
                        fmt::format("loss {:.4f} acc {:4.1f}%", epoch_loss.mean(), 100 * accuracy));
      }
      progress.finish();
      const double seconds = progress.elapsed();
#ifdef NABLA_EXAMPLES_DISTRIBUTED
      if (opt.distributed) {  // the epoch's figures over every rank's share
        auto count = static_cast<double>(epoch_loss.count), right = static_cast<double>(correct);
        examples::sum_over_ranks({&epoch_loss.sum, &count, &right});
        epoch_loss.count = static_cast<std::int64_t>(count);
        correct = static_cast<std::int64_t>(right);
      }
#endif
      const auto samples = static_cast<double>(epoch_loss.count);
      test_eval = evaluate(*model, test);
      history.test_x.push_back(static_cast<double>(epoch));
      history.test_loss.push_back(test_eval.loss);
      history.test_accuracy.push_back(test_eval.accuracy);
      fmt::print(
          "epoch {}/{}: train loss {:.4f}, train accuracy {:.4f}, test loss {:.4f}, "
          "test accuracy {:.4f} ({:.1f} s, {:.0f} samples/s)\n",
          epoch, opt.epochs, epoch_loss.mean(), static_cast<double>(correct) / samples,
          test_eval.loss, test_eval.accuracy, seconds, samples / seconds);
    }

    print_confusion(test_eval);
    fmt::print("\n{}\n{} parameters\n", nn::to_string(*model), model->num_parameters());

    if (lead && !opt.save.empty()) {
      nabla::save(*model, opt.save);  // load back with nabla::load(model, path)
      fmt::print("saved the parameters to {}\n", opt.save);
    }

    if (lead && !opt.plot.empty()) plot_learning_curves(history, opt.plot);
    fmt::print("\ntest accuracy: {:.4f}\n", test_eval.accuracy);
  } catch (const std::exception& e) {
    fmt::print(stderr, "fashion_mnist: error{}: {}\n",
               world.size > 1 ? fmt::format(" on rank {}", world.rank) : "", e.what());
#ifdef NABLA_EXAMPLES_DISTRIBUTED
    if (mpi) dist::abort(1);  // the other ranks may be waiting in a collective
#endif
    return 1;
  }
  return 0;
}
