#pragma once
// What the Fashion-MNIST examples (fashion_mnist, fashion_mnist_cnn) share: reading the
// data set, checking that it is installed, evaluating a classifier on the test set with
// its confusion matrix, and the running means and history of the learning curves. Uses
// only nabla's public headers.

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nabla/data.hpp>
#include <nabla/nabla.hpp>
#include <nabla/nn.hpp>

namespace examples::fashion {

namespace nn = nabla::nn;
using nabla::Tensor;

inline constexpr std::int64_t kClasses = 10;
inline constexpr std::array<const char*, kClasses> kClassNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// Images [N, 28, 28] scaled to [0, 1] (float32) and labels [N] (int64 class indices, the
// form cross_entropy takes; the files hold bytes), from the files
// `<dir>/<split>-{images-idx3,labels-idx1}-ubyte.gz`; only the first `limit` samples unless `limit`
// is 0.
inline nabla::data::TensorDataset load_split(const std::string& dir, const std::string& split,
                                      std::int64_t limit = 0) {
  nabla::data::TensorDataset raw(
      nabla::data::read_idx(dir + "/" + split + "-images-idx3-ubyte.gz"),  // pixels 0..255
      nabla::data::read_idx(dir + "/" + split + "-labels-idx1-ubyte.gz"));
  if (limit > 0) raw = raw.head(limit);
  return {nabla::data::scale_to_unit(raw.inputs().to(nabla::f32), 0, 255),
          raw.targets().to(nabla::i64)};
}

// Says which data file is missing and how to get it; true when all four are there.
inline bool data_present(const std::string& dir, const char* program) {
  for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                           "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
    const std::string path = dir + "/" + name;
    if (!std::filesystem::exists(path)) {
      fmt::print(stderr,
                 "{}: cannot find the Fashion-MNIST file {}\n"
                 "Install the data set with:  apt-get install dataset-fashion-mnist\n"
                 "(or point --data at a directory holding the four .gz files)\n",
                 program, path);
      return false;
    }
  }
  return true;
}

// How many rows of `logits` [N, C] have their largest value at the row's label.
inline std::int64_t count_correct(const Tensor& logits, const Tensor& labels) {
  const Tensor predicted = nabla::argmax(logits, 1);
  const std::int64_t* p = predicted.data<std::int64_t>();  // argmax gives int64, as the labels
  const std::int64_t* y = labels.data<std::int64_t>();
  std::int64_t correct = 0;
  for (std::int64_t i = 0; i < labels.numel(); ++i) correct += p[i] == y[i] ? 1 : 0;
  return correct;
}

struct Evaluation {
  double loss = 0;
  double accuracy = 0;
  std::array<std::array<std::int64_t, kClasses>, kClasses> confusion{};  // [true][predicted]
};

// The model's mean loss, accuracy and confusion matrix on `set`, in eval mode and without
// recording a graph.
inline Evaluation evaluate(nn::Module& model, const nabla::data::TensorDataset& set) {
  nabla::NoGradGuard no_grad;
  model.eval();
  Evaluation result;
  nabla::data::DataLoader loader(set, {.batch_size = 1000});
  double loss_sum = 0;
  std::int64_t correct = 0;
  for (const nabla::data::Batch& batch : loader) {
    const Tensor logits = model(batch.inputs);
    loss_sum += nabla::cross_entropy(logits, batch.targets, nabla::Reduction::sum).item<double>();
    const Tensor predicted = nabla::argmax(logits, 1);
    const std::int64_t* p = predicted.data<std::int64_t>();
    const std::int64_t* y = batch.targets.data<std::int64_t>();
    for (std::int64_t i = 0; i < batch.targets.numel(); ++i) {
      ++result.confusion[static_cast<std::size_t>(y[i])][static_cast<std::size_t>(p[i])];
      correct += p[i] == y[i] ? 1 : 0;
    }
  }
  model.train();
  const auto n = static_cast<double>(set.size());
  result.loss = loss_sum / n;
  result.accuracy = static_cast<double>(correct) / n;
  return result;
}

inline void print_confusion(const Evaluation& e) {
  fmt::print("\nconfusion matrix on the test set (rows: true class, columns: predicted class)\n");
  fmt::print("{:>15}", "");
  for (std::int64_t c = 0; c < kClasses; ++c) fmt::print("{:>6}", c);
  fmt::print("   recall\n");
  for (std::size_t t = 0; t < kClasses; ++t) {
    std::int64_t total = 0;
    for (std::int64_t n : e.confusion[t]) total += n;
    fmt::print("{:>2} {:<12}", t, kClassNames[t]);
    for (std::int64_t n : e.confusion[t]) fmt::print("{:>6}", n);
    const double recall =
        total > 0 ? static_cast<double>(e.confusion[t][t]) / static_cast<double>(total) : 0.0;
    fmt::print("   {:.3f}\n", recall);
  }
}

// The mean of the values added since the last take(), each weighted by its sample count.
struct RunningMean {
  double sum = 0;
  std::int64_t count = 0;
  void add(double value, std::int64_t n) {
    sum += value * static_cast<double>(n);
    count += n;
  }
  double mean() const { return sum / static_cast<double>(count); }
  double take() {
    const double m = mean();
    *this = {};
    return m;
  }
};

// The learning curves: the training loss over each tenth of an epoch, and the test loss
// and accuracy after each epoch, with x counted in epochs.
struct History {
  std::vector<double> train_x, train_loss;
  std::vector<double> test_x, test_loss, test_accuracy;
};

}  // namespace examples::fashion
