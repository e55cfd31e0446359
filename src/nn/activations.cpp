// The activation modules of nn.hpp and Unflatten: construction checks and PyTorch's
// printing. Only the public Tensor and op API is used here.
#include <fmt/format.h>

#include <stdexcept>

#include "nabla/nn.hpp"
#include "nabla/shape.hpp"

namespace nabla::nn {

std::string py_float(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eni") == std::string::npos) s += ".0";  // "1" → "1.0"; not inf, nan
  return s;
}

GELU::GELU(std::string approximate) : Module("GELU"), approximate_(std::move(approximate)) {
  if (approximate_ != "none" && approximate_ != "tanh") {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::GELU: approximate must be \"none\" or \"tanh\", got \"{}\"", approximate_));
  }
}

std::string Softplus::extra_repr() const {
  // torch.nn.Softplus's defaults are the ints 1 and 20, printed without ".0".
  auto show = [](double v, double int_default) {
    return v == int_default ? fmt::format("{}", static_cast<int>(v)) : py_float(v);
  };
  return "beta=" + show(beta_, 1.0) + ", threshold=" + show(threshold_, 20.0);
}

PReLU::PReLU(std::int64_t num_parameters, double init, LayerOptions options)
    : Module("PReLU"), n_(num_parameters) {
  if (num_parameters < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::PReLU: num_parameters must be ≥ 1, got {}", num_parameters));
  }
  register_parameter("weight", full({num_parameters}, init, options.dtype));
}

std::string PReLU::extra_repr() const { return fmt::format("num_parameters={}", n_); }

std::string GLU::extra_repr() const { return fmt::format("dim={}", dim_); }

Unflatten::Unflatten(std::int64_t dim, Shape sizes)
    : Module("Unflatten"), dim_(dim), sizes_(std::move(sizes)) {
  int inferred = 0;
  for (std::int64_t s : sizes_) {
    if (s == -1) {
      ++inferred;
    } else if (s < 1) {
      inferred = 2;
    }
  }
  if (sizes_.empty() || inferred > 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::Unflatten: unflattened_size must be extents ≥ 1 (one may be −1), got {}",
        shape_str(sizes_)));
  }
}

Tensor Unflatten::forward(const Tensor& x) {
  const Shape& s = x.shape();
  const auto rank = static_cast<std::int64_t>(s.size());
  const std::int64_t d = dim_ < 0 ? dim_ + rank : dim_;
  if (d < 0 || d >= rank) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::Unflatten: dim {} is out of range for an input of shape {}", dim_,
        shape_str(s)));
  }
  std::int64_t known = 1;
  bool infer = false;
  for (std::int64_t e : sizes_) {
    if (e == -1) {
      infer = true;
    } else {
      known *= e;
    }
  }
  const std::int64_t extent = s[static_cast<std::size_t>(d)];
  if (infer ? (known == 0 || extent % known != 0) : known != extent) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::Unflatten: unflattened_size {} does not fill dim {} of extent {} (input "
        "shape {})",
        shape_str(sizes_), dim_, extent, shape_str(s)));
  }
  Shape out(s.begin(), s.begin() + d);
  for (std::int64_t e : sizes_) out.push_back(e == -1 ? extent / known : e);
  out.insert(out.end(), s.begin() + d + 1, s.end());
  return reshape(x, out);
}

std::string Unflatten::extra_repr() const {
  std::string sizes;
  for (std::size_t i = 0; i < sizes_.size(); ++i) sizes += (i ? ", " : "") + std::to_string(sizes_[i]);
  if (sizes_.size() == 1) sizes += ",";
  return fmt::format("dim={}, unflattened_size=({})", dim_, sizes);
}

}  // namespace nabla::nn
