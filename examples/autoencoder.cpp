// An autoencoder on Fashion-MNIST: learning without labels.
//
// The network squeezes each 28×28 picture (784 pixels) through a code of 64 numbers and
// rebuilds the picture from the code alone:
//
//     encoder: Linear(784, 256) → ReLU → Linear(256, 64) → ReLU
//     decoder: Linear(64, 256) → ReLU → Linear(256, 784) → Sigmoid   (pixels in (0, 1))
//
// The loss is the mean squared error between the picture and its reconstruction, so the
// labels are never used for training: the target of every picture is itself. Adam
// minimizes it over shuffled mini-batches.
//
// It prints the reconstruction error on the test set after each epoch (beside the error
// of always answering the average picture, for scale), draws ten test pictures, one per
// class, above their reconstructions, and ends with `test reconstruction mse: <x>`.
//
// The data comes from the Debian package dataset-fashion-mnist.

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nabla/data.hpp>
#include <nabla/nabla.hpp>
#include <nabla/nn.hpp>
#include <nabla/optim.hpp>

#include "cli.hpp"
#include "plot.hpp"
#include "progress.hpp"

namespace {

namespace nn = nabla::nn;
using nabla::Tensor;

constexpr std::int64_t kPixels = 28 * 28;

struct Options {
  std::int64_t epochs = 3;
  std::int64_t batch_size = 64;
  double lr = 1e-3;
  std::int64_t seed = 0;
  std::int64_t limit = 0;  // 0: the whole training set
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string out = "autoencoder.png";
};

Options parse_options(int argc, char** argv) {
  Options o;
  examples::Cli cli("autoencoder",
                    "Trains a 784-256-64-256-784 autoencoder on Fashion-MNIST and reports its "
                    "reconstruction error on the test set.");
  cli.option("epochs", o.epochs, "passes over the training set")
      .option("batch-size", o.batch_size, "samples per mini-batch")
      .option("lr", o.lr, "Adam's learning rate")
      .option("seed", o.seed, "seed of the initial weights and the shuffling")
      .option("limit", o.limit, "train on the first N pictures only; 0: all")
      .option("data", o.data, "where the Fashion-MNIST .gz files are", "DIR")
      .option("out", o.out, "PNG of test pictures and reconstructions; '': none", "PATH");
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

// The path of one Fashion-MNIST file, after checking that it exists: when it does not,
// says which file is missing and how to get it, and exits with status 1.
std::string data_file(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  if (!std::filesystem::exists(path)) {
    fmt::print(stderr,
               "autoencoder: cannot find the Fashion-MNIST file {}\n"
               "Install the data set with:  apt-get install dataset-fashion-mnist\n"
               "(or point --data at a directory holding the .gz files)\n",
               path);
    std::exit(1);
  }
  return path;
}

// Flattened pictures [N, 784] with pixels in [0, 1]; only the first `limit` unless it is 0.
Tensor load_images(const std::string& path, std::int64_t limit = 0) {
  Tensor images = nabla::data::read_idx(path).to(nabla::f32);  // [N, 28, 28], values 0..255
  if (limit > 0) images = nabla::data::TensorDataset(images, images).head(limit).inputs();
  return nabla::data::scale_to_unit(images, 0, 255).reshape({images.size(0), kPixels});
}

// The pixels of picture `i` of `images` [N, 784].
std::vector<double> picture(const Tensor& images, std::size_t i) {
  const float* p = images.data<float>() + i * kPixels;
  return {p, p + kPixels};
}

// The encoder and decoder as two submodules, so each can be used on its own.
struct Autoencoder : nn::Module {
  Autoencoder() : Module("Autoencoder") {}

  std::shared_ptr<nn::Sequential> encoder =
      register_module("encoder", nn::Sequential(nn::Linear(kPixels, 256), nn::ReLU(),  //
                                                nn::Linear(256, 64), nn::ReLU()));
  std::shared_ptr<nn::Sequential> decoder =
      register_module("decoder", nn::Sequential(nn::Linear(64, 256), nn::ReLU(),  //
                                                nn::Linear(256, kPixels), nn::Sigmoid()));

  Tensor forward(const Tensor& x) override { return (*decoder)((*encoder)(x)); }
};

// Mean squared error per pixel between `images` [N, 784] and the model's reconstructions.
double reconstruction_mse(nn::Module& model, const Tensor& images) {
  nabla::NoGradGuard no_grad;
  model.eval();
  const nabla::data::TensorDataset set(images, images);
  nabla::data::DataLoader loader(set, {.batch_size = 1000});
  double sum = 0;
  for (const nabla::data::Batch& batch : loader) {
    sum +=
        nabla::mse_loss(model(batch.inputs), batch.targets, nabla::Reduction::sum).item<double>();
  }
  model.train();
  return sum / static_cast<double>(images.numel());
}

// Draws the first test picture of each class, in class order, above its reconstruction.
void draw_reconstructions(nn::Module& model, const Tensor& images, const Tensor& labels,
                          const std::string& path) {
  nabla::NoGradGuard no_grad;
  model.eval();
  const std::vector<double> classes = labels.to_vector();
  plot::ImageGrid grid{.title = "Fashion-MNIST test pictures and their reconstructions",
                       .rows = {{}, {}},
                       .row_labels = {"original", "reconstructed"}};
  for (double c = 0; c < 10; ++c) {
    const auto i = static_cast<std::size_t>(std::ranges::find(classes, c) - classes.begin());
    if (i == classes.size()) continue;
    std::vector<double> pixels = picture(images, i);
    const Tensor reconstruction = model(nabla::tensor(pixels, {1, kPixels}));
    grid.rows[0].push_back({28, 28, std::move(pixels)});
    grid.rows[1].push_back({28, 28, reconstruction.to_vector()});
  }
  model.train();
  plot::try_save_png(grid, path);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options opt = parse_options(argc, argv);
    examples::check_writable("--out", opt.out);  // written after training: check it now
    const std::string train_path = data_file(opt.data, "train-images-idx3-ubyte.gz");
    const std::string test_path = data_file(opt.data, "t10k-images-idx3-ubyte.gz");
    const std::string test_labels_path = data_file(opt.data, "t10k-labels-idx1-ubyte.gz");

    nabla::manual_seed(static_cast<std::uint64_t>(opt.seed));  // the initial weights

    fmt::print("reading Fashion-MNIST from {}\n", opt.data);
    const Tensor train_images = load_images(train_path, opt.limit);
    const Tensor test_images = load_images(test_path);
    // The labels are not used for training, only to pick one test picture per class.
    const Tensor test_labels = nabla::data::read_idx(test_labels_path).to(nabla::i64);
    const nabla::data::TensorDataset train(train_images, train_images);  // its own target
    fmt::print("{} training and {} test images\n", train.size(), test_images.size(0));

    // For scale: the error of a "model" that always answers the average training picture.
    const Tensor mean_image = nabla::mean(train.inputs(), {0}, true);  // [1, 784]
    const double baseline =
        nabla::mse_loss(nabla::broadcast_to(mean_image, test_images.shape()), test_images)
            .item<double>();
    fmt::print("test mse of the average picture: {:.5f}\n", baseline);

    Autoencoder model;
    nabla::data::DataLoader loader(train, {.batch_size = opt.batch_size,
                                           .shuffle = true,
                                           .seed = static_cast<std::uint64_t>(opt.seed)});
    nabla::optim::Adam optimizer(model.parameters(), {.lr = opt.lr});

    for (std::int64_t epoch = 1; epoch <= opt.epochs; ++epoch) {
      examples::Progress progress(fmt::format("epoch {}/{}", epoch, opt.epochs), loader.size());
      double loss_sum = 0;
      std::int64_t seen = 0, done = 0;
      for (const nabla::data::Batch& batch : loader) {
        optimizer.zero_grad();
        const Tensor loss = nabla::mse_loss(model(batch.inputs), batch.targets);
        loss.backward();
        optimizer.step();

        const std::int64_t n = batch.inputs.size(0);
        loss_sum += loss.item<double>() * static_cast<double>(n);
        seen += n;
        progress.update(++done, seen,
                        fmt::format("mse {:.5f}", loss_sum / static_cast<double>(seen)));
      }
      progress.finish();
      const double seconds = progress.elapsed();
      fmt::print("epoch {}/{}: train mse {:.5f}, test mse {:.5f} ({:.1f} s, {:.0f} samples/s)\n",
                 epoch, opt.epochs, loss_sum / static_cast<double>(seen),
                 reconstruction_mse(model, test_images), seconds,
                 static_cast<double>(seen) / seconds);
    }

    fmt::print("\n{}\n{} parameters\n", nn::to_string(model), model.num_parameters());

    if (!opt.out.empty()) draw_reconstructions(model, test_images, test_labels, opt.out);
    fmt::print("\ntest reconstruction mse: {:.5f}\n", reconstruction_mse(model, test_images));
  } catch (const std::exception& e) {
    fmt::print(stderr, "autoencoder: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
