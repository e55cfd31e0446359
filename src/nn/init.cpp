// nn::init: PyTorch's initializers, drawn from a seeded generator.
#include "nabla/nn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "nabla/shape.hpp"

// ---- init -----------------------------------------------------------------------------

namespace nabla::nn::init {

namespace {

Generator& pick(Generator* gen) {
  return gen != nullptr ? *gen : default_generator();
}

void check_tensor(const Tensor& t, const char* fn) {
  if (!t.defined()) {
    throw std::invalid_argument(fmt::format("nabla::nn::init::{}: the tensor is undefined", fn));
  }
}

// Fills t with values drawn by `draw`, in row-major order, without recording on the graph.
template <class Draw>
Tensor& fill_with(Tensor& t, Generator& gen, Draw draw) {
  std::vector<double> values(static_cast<std::size_t>(t.numel()));
  gen.locked([&](Generator::Unlocked& g) {
    for (double& v : values) v = draw(g);
  });
  NoGradGuard no_grad;
  t.copy_(tensor(values, t.shape(), t.dtype()));
  return t;
}

double fan_of(const Tensor& t, FanMode mode, const char* fn) {
  if (t.dim() < 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::{}: fan in and fan out need a tensor of rank ≥ 2, got shape {}", fn,
        shape_str(t.shape())));
  }
  const auto [in, out] = fans(t);
  if ((mode == FanMode::fan_in ? in : out) == 0) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::init::{}: the tensor of shape {} has no elements to initialize", fn,
                    shape_str(t.shape())));
  }
  return static_cast<double>(mode == FanMode::fan_in ? in : out);
}

}  // namespace

double calculate_gain(Nonlinearity nonlinearity, std::optional<double> param) {
  switch (nonlinearity) {
    case Nonlinearity::linear:
    case Nonlinearity::sigmoid:
      return 1.0;
    case Nonlinearity::tanh:
      return 5.0 / 3.0;
    case Nonlinearity::relu:
      return std::sqrt(2.0);
    case Nonlinearity::leaky_relu: {
      const double a = param.value_or(0.01);
      return std::sqrt(2.0 / (1.0 + a * a));
    }
  }
  throw std::invalid_argument(fmt::format(
      "nabla::nn::init::calculate_gain: unknown nonlinearity {}", static_cast<int>(nonlinearity)));
}

std::pair<std::int64_t, std::int64_t> fans(const Tensor& t) {
  check_tensor(t, "fans");
  if (t.dim() < 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::fans: fan in and fan out need a tensor of rank ≥ 2, got shape {}",
        shape_str(t.shape())));
  }
  std::int64_t receptive = 1;
  for (std::int64_t d = 2; d < t.dim(); ++d) receptive *= t.size(d);
  return {t.size(1) * receptive, t.size(0) * receptive};
}

Tensor& uniform_(Tensor& t, double a, double b, Generator* gen) {
  check_tensor(t, "uniform_");
  if (!(a <= b) || !std::isfinite(a) || !std::isfinite(b)) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::init::uniform_: need finite a ≤ b, got a = {}, b = {}", a, b));
  }
  return fill_with(t, pick(gen), [&](Generator::Unlocked& g) { return a + (b - a) * g.uniform(); });
}

Tensor& normal_(Tensor& t, double mean, double std, Generator* gen) {
  check_tensor(t, "normal_");
  if (!(std >= 0.0) || !std::isfinite(std) || !std::isfinite(mean)) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::normal_: need a finite mean and std ≥ 0, got mean = {}, std = {}", mean,
        std));
  }
  return fill_with(t, pick(gen), [&](Generator::Unlocked& g) { return mean + std * g.normal(); });
}

Tensor& constant_(Tensor& t, double value) {
  check_tensor(t, "constant_");
  NoGradGuard no_grad;
  t.fill_(value);
  return t;
}

Tensor& zeros_(Tensor& t) {
  return constant_(t, 0.0);
}

Tensor& ones_(Tensor& t) {
  return constant_(t, 1.0);
}

Tensor& xavier_uniform_(Tensor& t, double gain, Generator* gen) {
  check_tensor(t, "xavier_uniform_");
  const double fan_sum = fan_of(t, FanMode::fan_in, "xavier_uniform_") +
                         fan_of(t, FanMode::fan_out, "xavier_uniform_");
  const double bound = gain * std::sqrt(6.0 / fan_sum);
  return uniform_(t, -bound, bound, gen);
}

Tensor& xavier_normal_(Tensor& t, double gain, Generator* gen) {
  check_tensor(t, "xavier_normal_");
  const double fan_sum =
      fan_of(t, FanMode::fan_in, "xavier_normal_") + fan_of(t, FanMode::fan_out, "xavier_normal_");
  return normal_(t, 0.0, gain * std::sqrt(2.0 / fan_sum), gen);
}

Tensor& kaiming_uniform_(Tensor& t, double a, FanMode mode, Nonlinearity nonlinearity,
                         Generator* gen) {
  check_tensor(t, "kaiming_uniform_");
  const double fan = fan_of(t, mode, "kaiming_uniform_");
  const double bound = calculate_gain(nonlinearity, a) * std::sqrt(3.0 / fan);
  return uniform_(t, -bound, bound, gen);
}

Tensor& kaiming_normal_(Tensor& t, double a, FanMode mode, Nonlinearity nonlinearity,
                        Generator* gen) {
  check_tensor(t, "kaiming_normal_");
  const double fan = fan_of(t, mode, "kaiming_normal_");
  return normal_(t, 0.0, calculate_gain(nonlinearity, a) / std::sqrt(fan), gen);
}

}  // namespace nabla::nn::init
