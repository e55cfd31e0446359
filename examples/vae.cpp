// A variational autoencoder on Fashion-MNIST: it learns to draw new clothes.
//
// The encoder maps each 28×28 picture to a Gaussian over a 20-number code: one head of 40
// outputs split into its mean μ and its log-variance log σ². A code is drawn as
// z = μ + σ·ε with ε ~ N(0, 1) from a seeded generator (the reparameterization, so the
// gradient flows through μ and σ), and the decoder maps it back to 784 pixel logits:
//
//     encoder: Linear(784, 400) → ReLU → Linear(400, 40) → split into μ [20], log σ² [20]
//     decoder: Linear(20, 400) → ReLU → Linear(400, 784) → (sigmoid: the pixels)
//
// The loss is the negative evidence lower bound (−ELBO) per picture: the reconstruction
// term, binary cross-entropy of the pixels summed over the picture, plus the KL divergence
// of N(μ, σ²) from the prior N(0, 1), −½·Σ(1 + log σ² − μ² − σ²). Adam, lr 1e-3, batch 128.
//
// It prints the −ELBO per picture on the test set after each epoch (it falls: the bound
// rises), draws test pictures above their reconstructions and a grid of pictures decoded
// from codes drawn from the prior, and ends with `test -ELBO per image: <x>`.
//
// The data comes from the Debian package dataset-fashion-mnist.

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nabla/data.hpp>
#include <nabla/nabla.hpp>
#include <nabla/nn.hpp>
#include <nabla/optim.hpp>

#include "cli.hpp"
#include "fashion_mnist_data.hpp"
#include "plot.hpp"
#include "progress.hpp"

namespace {

namespace nn = nabla::nn;
using nabla::Tensor;
using namespace examples::fashion;  // load_split, data_present

constexpr std::int64_t kPixels = 28 * 28;
constexpr std::int64_t kLatent = 20;

struct Options {
  std::int64_t epochs = 10;
  std::int64_t batch_size = 128;
  double lr = 1e-3;
  std::int64_t seed = 0;
  std::int64_t limit = 0;  // 0: the whole training set
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string out = "vae.png";
};

Options parse_options(int argc, char** argv) {
  Options o;
  examples::Cli cli("vae",
                    "Trains a variational autoencoder (784-400-20-400-784) on Fashion-MNIST, "
                    "reports its test -ELBO and draws samples from the prior.");
  cli.option("epochs", o.epochs, "passes over the training set")
      .option("batch-size", o.batch_size, "samples per mini-batch")
      .option("lr", o.lr, "Adam's learning rate")
      .option("seed", o.seed, "seed of the weights, the shuffling and the codes drawn")
      .option("limit", o.limit, "train on the first N pictures only; 0: all")
      .option("data", o.data, "where the Fashion-MNIST .gz files are", "DIR")
      .option("out", o.out, "PNG of reconstructions and samples; '': none", "PATH");
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

struct Vae : nn::Module {
  Vae() : Module("Vae") {}
  std::shared_ptr<nn::Sequential> encoder = register_module(
      "encoder",
      nn::Sequential(nn::Linear(kPixels, 400), nn::ReLU(), nn::Linear(400, 2 * kLatent)));
  std::shared_ptr<nn::Sequential> decoder = register_module(
      "decoder", nn::Sequential(nn::Linear(kLatent, 400), nn::ReLU(), nn::Linear(400, kPixels)));

  /// μ and log σ², each [N, 20], from pictures [N, 784].
  std::pair<Tensor, Tensor> encode(const Tensor& x) {
    const std::vector<Tensor> halves = nabla::chunk((*encoder)(x), 2, 1);  // views, one node
    return {halves[0], halves[1]};
  }
  /// Pixel logits [N, 784] of codes [N, 20].
  Tensor decode(const Tensor& z) { return (*decoder)(z); }
  /// The reconstruction's pixels, through the mean code (no sampling).
  Tensor forward(const Tensor& x) override { return nabla::sigmoid(decode(encode(x).first)); }
};

// −ELBO summed over the batch: Σ BCE(pixels) + KL(N(μ, σ²) ‖ N(0, 1)), with one code drawn
// per picture from `gen`.
Tensor negative_elbo(Vae& model, const Tensor& x, nabla::Generator& gen) {
  auto [mu, logvar] = model.encode(x);
  const Tensor eps = nabla::randn(mu.shape(), gen);
  const Tensor z = mu + nabla::exp(logvar * 0.5) * eps;  // reparameterization
  const Tensor reconstruction = nabla::binary_cross_entropy_with_logits(
      model.decode(z), x, Tensor(), nabla::Reduction::sum);
  const Tensor kl = nabla::sum(1.0 + logvar - mu * mu - nabla::exp(logvar)) * -0.5;
  return reconstruction + kl;
}

// The −ELBO per picture on `images`, with a fixed generator so epochs compare fairly.
double test_negative_elbo(Vae& model, const Tensor& images) {
  nabla::NoGradGuard no_grad;
  nabla::Generator gen(12345);
  nabla::data::DataLoader loader(nabla::data::TensorDataset(images, images), {.batch_size = 1000});
  double sum = 0;
  for (const nabla::data::Batch& b : loader) sum += negative_elbo(model, b.inputs, gen).item<double>();
  return sum / static_cast<double>(images.size(0));
}

plot::Image as_image(const Tensor& pixels, std::int64_t i) {
  const std::vector<double> v = nabla::select(pixels, 0, i).to_vector();
  return {28, 28, v};
}

// Ten test pictures above their reconstructions, then three rows of ten pictures decoded
// from codes drawn from the prior.
void draw(Vae& model, const Tensor& test_images, std::uint64_t seed, const std::string& path) {
  nabla::NoGradGuard no_grad;
  const Tensor originals = nabla::narrow(test_images, 0, 0, 10);
  const Tensor rebuilt = model(originals);
  nabla::Generator gen(seed + 1);
  const Tensor samples = nabla::sigmoid(model.decode(nabla::randn({30, kLatent}, gen)));
  plot::ImageGrid grid{.title = "VAE: test pictures, their reconstructions, and samples of the prior",
                       .rows = std::vector<std::vector<plot::Image>>(5),
                       .row_labels = {"original", "reconstructed", "sampled", "", ""},
                       .zoom = 3};
  for (std::int64_t i = 0; i < 10; ++i) {
    grid.rows[0].push_back(as_image(originals, i));
    grid.rows[1].push_back(as_image(rebuilt, i));
    for (std::int64_t r = 0; r < 3; ++r) grid.rows[2 + r].push_back(as_image(samples, r * 10 + i));
  }
  plot::try_save_png(grid, path);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options opt = parse_options(argc, argv);
    examples::check_writable("--out", opt.out);
    if (!data_present(opt.data, "vae")) return 1;
    nabla::manual_seed(static_cast<std::uint64_t>(opt.seed));  // the initial weights

    fmt::print("reading Fashion-MNIST from {}\n", opt.data);
    const auto flat = [](const nabla::data::TensorDataset& d) {
      return nabla::reshape(d.inputs(), {d.size(), kPixels});
    };
    const Tensor train_images = flat(load_split(opt.data, "train", opt.limit));
    const Tensor test_images = flat(load_split(opt.data, "t10k"));
    fmt::print("{} training and {} test images\n", train_images.size(0), test_images.size(0));

    Vae model;
    fmt::print("{}\n{} parameters\n\n", nn::to_string(model), model.num_parameters());
    nabla::data::DataLoader loader(nabla::data::TensorDataset(train_images, train_images),
                                   {.batch_size = opt.batch_size,
                                    .shuffle = true,
                                    .seed = static_cast<std::uint64_t>(opt.seed)});
    nabla::optim::Adam optimizer(model.parameters(), {.lr = opt.lr});
    nabla::Generator codes(static_cast<std::uint64_t>(opt.seed) + 7);  // the ε of training

    double test_loss = 0;
    for (std::int64_t epoch = 1; epoch <= opt.epochs; ++epoch) {
      examples::Progress progress(fmt::format("epoch {}/{}", epoch, opt.epochs), loader.size());
      double sum = 0;
      std::int64_t seen = 0, done = 0;
      for (const nabla::data::Batch& batch : loader) {
        optimizer.zero_grad();
        const Tensor loss = negative_elbo(model, batch.inputs, codes);
        const std::int64_t n = batch.inputs.size(0);
        (loss * (1.0 / static_cast<double>(n))).backward();  // the mean over the batch
        optimizer.step();
        sum += loss.item<double>();
        seen += n;
        progress.update(++done, seen, fmt::format("-ELBO {:.2f}", sum / static_cast<double>(seen)));
      }
      progress.finish();
      const double seconds = progress.elapsed();
      test_loss = test_negative_elbo(model, test_images);
      fmt::print("epoch {}/{}: train -ELBO {:.2f}, test -ELBO {:.2f} per image ({:.1f} s, {:.0f} "
                 "samples/s)\n",
                 epoch, opt.epochs, sum / static_cast<double>(seen), test_loss, seconds,
                 static_cast<double>(seen) / seconds);
    }

    if (!opt.out.empty()) draw(model, test_images, static_cast<std::uint64_t>(opt.seed), opt.out);
    fmt::print("\ntest -ELBO per image: {:.2f}\n", test_loss);
  } catch (const std::exception& e) {
    fmt::print(stderr, "vae: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
