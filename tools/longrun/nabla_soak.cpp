// nabla-soak: trains for a long time and watches memory. Two phases:
//   tiny     10⁵ steps of a 2-8-1 network on XOR (forward, loss, backward, SGD), every
//            tenth step also a gradient penalty through nabla::grad(create_graph), every
//            hundredth a backward(create_graph)
//   fashion  10³ Fashion-MNIST mini-batches of 64 (784-256-128-10, Adam, cross-entropy),
//            from Debian's dataset-fashion-mnist, or synthetic data of the same shape
// It prints resident memory (VmRSS) and live nodes and storages at intervals. A phase
// passes when its resident memory at the end is within the tolerance of what it was
// after warm-up, and the live counts are back where they were before the phase.
// Uses only the public headers, as a user program would.
//
// Usage: nabla-soak [--tiny-steps N] [--batches N] [--data DIR] [--tolerance-kib K]

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nabla/nabla.hpp>

namespace {

std::int64_t rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

struct Watch {
  std::string phase;
  std::int64_t every;
  std::int64_t warmup;
  std::int64_t tolerance_kib;
  nabla::debug::LiveCounts start = nabla::debug::live_counts();
  std::int64_t warm_rss = -1;
  std::int64_t last_rss = -1;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();

  void at(std::int64_t step, std::int64_t total, double loss) {
    if (step == warmup) warm_rss = rss_kib();
    if (step == total) last_rss = rss_kib();
    if (step % every != 0 && step != total) return;
    const auto live = nabla::debug::live_counts();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print(
        "{:<8} step {:>7}/{:<7} rss {:>8} KiB  live nodes {:>4}  storages {:>5}  "
        "loss {:.4f}  {:6.1f} s\n",
        phase, step, total, rss_kib(), live.nodes, live.storages, loss, s);
    std::fflush(stdout);
  }

  // Compares the last step with the warm-up, and the live counts once the phase's objects
  // are gone with those before it; true when the phase held steady.
  bool verdict() const {
    const std::int64_t end_rss = last_rss;
    const auto live = nabla::debug::live_counts();
    const bool rss_ok = end_rss - warm_rss <= tolerance_kib;
    const bool live_ok = live.nodes == start.nodes && live.storages == start.storages;
    fmt::print(
        "{:<8} after warm-up {} KiB, at the last step {} KiB ({:+} KiB, tolerance {} KiB): {}\n",
        phase, warm_rss, end_rss, end_rss - warm_rss, tolerance_kib, rss_ok ? "steady" : "GREW");
    fmt::print("{:<8} live nodes {} → {}, storages {} → {}: {}\n", phase, start.nodes, live.nodes,
               start.storages, live.storages, live_ok ? "all freed" : "LEFT BEHIND");
    return rss_ok && live_ok;
  }
};

bool tiny(std::int64_t steps, std::int64_t tolerance_kib) {
  Watch w{"tiny", steps / 10, std::min<std::int64_t>(1000, steps), tolerance_kib};
  {
    nabla::Generator gen(1);
    nabla::nn::Sequential model(nabla::nn::Linear(2, 8, true, {.generator = &gen}),
                                nabla::nn::Tanh(),
                                nabla::nn::Linear(8, 1, true, {.generator = &gen}));
    nabla::optim::SGD opt(model.parameters(), {.lr = 0.1, .momentum = 0.9});
    const nabla::Tensor x = nabla::tensor({{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}, {1.0, 1.0}});
    const nabla::Tensor y = nabla::tensor({{0.0}, {1.0}, {1.0}, {0.0}});
    const nabla::Tensor xg = x.detach().clone().requires_grad_();
    double last = 0;
    for (std::int64_t step = 1; step <= steps; ++step) {
      opt.zero_grad();
      nabla::Tensor loss = nabla::mse_loss(model.forward(x), y);
      if (step % 10 == 0) {
        // A gradient penalty: ∂out/∂x with a graph, differentiated again.
        nabla::Tensor out = nabla::sum(model.forward(xg));
        std::vector<nabla::Tensor> gx = nabla::grad({out}, {xg}, {}, std::nullopt, true);
        loss = nabla::add(loss, nabla::mul(nabla::sum(nabla::pow(gx[0], 2.0)), 1e-4));
      }
      // Every hundredth step keeps the backward's graph in the grads (create_graph), the
      // case that once made a cycle between a leaf and its grad and leaked every graph.
      loss.backward({}, false, step % 100 == 0);
      opt.step();
      last = loss.item<double>();
      w.at(step, steps, last);
    }
  }
  return w.verdict();
}

bool fashion(std::int64_t batches, const std::string& dir, std::int64_t tolerance_kib) {
  Watch w{"fashion", std::max<std::int64_t>(batches / 10, 1), std::min<std::int64_t>(100, batches),
          tolerance_kib};
  {
    nabla::Tensor images, labels;
    const std::string file = dir + "/train-images-idx3-ubyte.gz";
    if (std::filesystem::exists(file)) {
      const std::int64_t n = std::min<std::int64_t>(batches * 64, 60000);
      images = nabla::data::read_idx(file).to(nabla::f32);
      labels = nabla::data::read_idx(dir + "/train-labels-idx1-ubyte.gz").to(nabla::i64);
      images = nabla::reshape(nabla::data::scale_to_unit(images, 0, 255), {-1, 784});
      nabla::data::TensorDataset all(images, labels);
      const nabla::data::TensorDataset part = all.head(n);
      images = part.inputs();
      labels = part.targets();
      fmt::print("fashion  {} Fashion-MNIST training images from {}\n", n, dir);
    } else {
      nabla::Generator g(2);
      images = nabla::rand({4096, 784}, g);
      std::vector<double> l;
      for (int i = 0; i < 4096; ++i) l.push_back(static_cast<double>(g.integer(10)));
      labels = nabla::tensor(l, {4096});
      fmt::print(
          "fashion  {} not found (apt-get install dataset-fashion-mnist): synthetic "
          "[4096, 784] images instead\n",
          file);
    }
    nabla::Generator gen(3);
    nabla::nn::Sequential model(
        nabla::nn::Linear(784, 256, true, {.generator = &gen}), nabla::nn::ReLU(),
        nabla::nn::Linear(256, 128, true, {.generator = &gen}), nabla::nn::ReLU(),
        nabla::nn::Linear(128, 10, true, {.generator = &gen}));
    nabla::optim::Adam opt(model.parameters(), {.lr = 1e-3});
    nabla::data::DataLoader loader(
        nabla::data::TensorDataset(images, labels),
        {.batch_size = 64, .shuffle = true, .seed = 4, .drop_last = true});
    std::int64_t step = 0;
    while (step < batches) {
      for (const nabla::data::Batch& b : loader) {
        if (++step > batches) break;
        opt.zero_grad();
        nabla::Tensor loss = nabla::cross_entropy(model.forward(b.inputs), b.targets);
        loss.backward();
        opt.step();
        w.at(step, batches, loss.item<double>());
      }
    }
  }
  return w.verdict();
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t tiny_steps = 100000, batches = 1000, tolerance = 1024;
  std::string data = "/usr/share/datasets/fashion-mnist";
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      const auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
        return argv[++i];
      };
      if (a == "--tiny-steps") {
        tiny_steps = std::stoll(value());
      } else if (a == "--batches") {
        batches = std::stoll(value());
      } else if (a == "--data") {
        data = value();
      } else if (a == "--tolerance-kib") {
        tolerance = std::stoll(value());
      } else if (a == "--help" || a == "-h") {
        fmt::print(
            "usage: nabla-soak [--tiny-steps N] [--batches N] [--data DIR] "
            "[--tolerance-kib K]\n");
        return 0;
      } else {
        throw std::invalid_argument("unknown option " + a);
      }
    }
    if (tiny_steps < 1 || batches < 1) throw std::invalid_argument("counts must be ≥ 1");
    const bool a = tiny(tiny_steps, tolerance);
    const bool b = fashion(batches, data, tolerance);
    fmt::print("soak: {}\n", a && b ? "memory steady" : "memory GREW or objects were left behind");
    return a && b ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "nabla-soak: {}\n", e.what());
    return 2;
  }
}
