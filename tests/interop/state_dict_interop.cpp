// A state_dict moved between nabla and PyTorch, both ways, for the small CNN that
// tests/interop/torch_state_dict.py builds with PyTorch (the model is described there).
// CTest's Interop.*StateDict tests run it.
//
//   state_dict_interop load TORCH_MODEL TORCH_IO
//       loads PyTorch's state_dict (torch_cnn.safetensors, recorded from PyTorch) into the
//       nabla model with nabla::load, which is strict, and checks the model's output in
//       evaluation mode on PyTorch's input against PyTorch's output.
//   state_dict_interop save MODEL IO TORCH_MODEL
//       trains the nabla model three SGD steps, saves its state_dict to MODEL and an input
//       with its evaluation-mode output to IO (for the script's `check`), and checks that
//       the names, order, shapes and dtypes of what it saved are those of PyTorch's
//       state_dict in TORCH_MODEL, as load_state_dict(strict=True) needs them.
// Prints "ok: ..." and exits 0 when everything agrees; names the first difference else.

#include <cmath>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include <nabla/nabla.hpp>

namespace {

namespace nn = nabla::nn;
using nabla::Tensor;

nn::Sequential make_model() {
  return nn::Sequential(nn::Conv2d(1, 4, 3, {.padding = 1}), nn::BatchNorm2d(4), nn::ReLU(),
                        nn::MaxPool2d(2),  //
                        nn::Conv2d(4, 8, 3, {.padding = 1, .groups = 2}), nn::BatchNorm2d(8),
                        nn::ReLU(), nn::MaxPool2d(2),  //
                        nn::Flatten(), nn::Linear(32, 16), nn::BatchNorm1d(16),
                        nn::LayerNorm({16}), nn::ReLU(), nn::Dropout(0.3), nn::Linear(16, 10));
}

const Tensor& find(const nn::NamedTensors& tensors, const std::string& name,
                   const std::string& path) {
  for (const auto& [n, t] : tensors) {
    if (n == name) return t;
  }
  throw std::runtime_error(fmt::format("{} has no tensor \"{}\"", path, name));
}

// The largest |a − b|, after checking that the shapes agree.
double max_difference(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) {
    throw std::runtime_error(fmt::format("outputs of shapes {} and {}",
                                         nabla::shape_str(a.shape()), nabla::shape_str(b.shape())));
  }
  return nabla::amax(nabla::abs(a.to(nabla::f64) - b.to(nabla::f64))).item<double>();
}

int load(const std::string& model_path, const std::string& io_path) {
  nn::Sequential model = make_model();
  nabla::load(model, model_path);
  const nn::NamedTensors io = nabla::load(io_path);
  model.eval();
  nabla::NoGradGuard no_grad;
  const Tensor out = model(find(io, "input", io_path));
  const Tensor& expected = find(io, "output", io_path);
  const double diff = max_difference(out, expected);
  const double scale = nabla::amax(nabla::abs(expected)).item<double>();
  if (!(diff <= 1e-5 + 1e-4 * scale)) {
    std::printf("FAIL: nabla's output differs from PyTorch's by up to %g (outputs up to %g)\n",
                diff, scale);
    return 1;
  }
  const Tensor tracked = find(model.state_dict(), "1.num_batches_tracked", "the model");
  std::printf(
      "ok: nabla loaded PyTorch's %zu tensors (num_batches_tracked %lld); outputs agree to "
      "%.2g\n",
      model.state_dict().size(), static_cast<long long>(tracked.item<std::int64_t>()), diff);
  return 0;
}

int save(const std::string& model_path, const std::string& io_path,
         const std::string& torch_path) {
  nabla::manual_seed(0);
  nn::Sequential model = make_model();
  nabla::optim::SGD optimizer(model.parameters(), {.lr = 0.1, .momentum = 0.9});
  model.train();
  for (int step = 0; step < 3; ++step) {
    const Tensor x = nabla::randn({6, 1, 8, 8});
    const Tensor y = nabla::randint(0, 10, {6});
    optimizer.zero_grad();
    nabla::cross_entropy(model(x), y).backward();
    optimizer.step();
  }
  model.eval();
  const Tensor x = nabla::randn({5, 1, 8, 8});
  Tensor out;
  {
    nabla::NoGradGuard no_grad;
    out = model(x);
  }
  nabla::save(model, model_path);
  nabla::save(nn::NamedTensors{{"input", x}, {"output", out}}, io_path);

  // What PyTorch's load_state_dict(strict=True) asks: the same names; and, for the values
  // to mean the same, the same shapes and dtypes (PyTorch would convert a dtype silently).
  const nn::NamedTensors ours = nabla::load(model_path), theirs = nabla::load(torch_path);
  for (std::size_t i = 0; i < std::max(ours.size(), theirs.size()); ++i) {
    const std::string a = i < ours.size() ? ours[i].first : "(nothing)";
    const std::string b = i < theirs.size() ? theirs[i].first : "(nothing)";
    if (a != b) {
      std::printf("FAIL: tensor %zu is \"%s\" in nabla's file, \"%s\" in PyTorch's\n", i,
                  a.c_str(), b.c_str());
      return 1;
    }
    const Tensor &t = ours[i].second, &u = theirs[i].second;
    if (t.shape() != u.shape() || t.dtype() != u.dtype()) {
      std::printf("FAIL: \"%s\" is %s %s in nabla's file, %s %s in PyTorch's\n", a.c_str(),
                  nabla::dtype_name(t.dtype()), nabla::shape_str(t.shape()).c_str(),
                  nabla::dtype_name(u.dtype()), nabla::shape_str(u.shape()).c_str());
      return 1;
    }
  }
  std::printf("ok: nabla saved %zu tensors with PyTorch's names, order, shapes and dtypes\n",
              ours.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    if (command == "load" && argc == 4) return load(argv[2], argv[3]);
    if (command == "save" && argc == 5) return save(argv[2], argv[3], argv[4]);
  } catch (const std::exception& e) {
    std::printf("FAIL: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: %s load TORCH_MODEL TORCH_IO\n"
               "       %s save MODEL IO TORCH_MODEL\n",
               argv[0], argv[0]);
  return 2;
}
