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
    case Nonlinearity::conv1d:
    case Nonlinearity::conv2d:
    case Nonlinearity::conv3d:
    case Nonlinearity::conv_transpose1d:
    case Nonlinearity::conv_transpose2d:
    case Nonlinearity::conv_transpose3d:
      return 1.0;
    case Nonlinearity::tanh:
      return 5.0 / 3.0;
    case Nonlinearity::selu:
      return 0.75;
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

namespace {

// Φ, the standard normal CDF, and its inverse by bisection (for the rare narrow intervals).
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double normal_ppf(double p, double lo, double hi) {
  for (int k = 0; k < 100 && hi - lo > 1e-15 * std::max(1.0, std::abs(lo)); ++k) {
    const double mid = 0.5 * (lo + hi);
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Writes `values` (row-major) into t without recording.
Tensor& assign(Tensor& t, const std::vector<double>& values) {
  NoGradGuard no_grad;
  t.copy_(tensor(values, t.shape(), t.dtype()));
  return t;
}

}  // namespace

Tensor& trunc_normal_(Tensor& t, double mean, double std, double a, double b, Generator* gen) {
  check_tensor(t, "trunc_normal_");
  if (!(std > 0) || !(a < b) || !std::isfinite(mean)) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::trunc_normal_: needs std > 0 and a < b, got mean {}, std {}, a {}, b {}",
        mean, std, a, b));
  }
  const double alpha = (a - mean) / std, beta = (b - mean) / std;
  const double lo = normal_cdf(alpha), hi = normal_cdf(beta);
  if (hi - lo >= 0.05) {
    return fill_with(t, pick(gen), [&](Generator::Unlocked& g) {
      while (true) {
        const double z = g.normal();
        if (z >= alpha && z <= beta) return mean + std * z;
      }
    });
  }
  const double zlo = std::max(alpha, -40.0), zhi = std::min(beta, 40.0);
  return fill_with(t, pick(gen), [&](Generator::Unlocked& g) {
    const double p = lo + (hi - lo) * g.uniform();
    return std::clamp(mean + std * normal_ppf(p, zlo, zhi), a, b);
  });
}

Tensor& orthogonal_(Tensor& t, double gain, Generator* gen) {
  check_tensor(t, "orthogonal_");
  if (t.dim() < 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::orthogonal_: needs a tensor of rank ≥ 2, got shape {}",
        shape_str(t.shape())));
  }
  if (t.numel() == 0) return t;
  const std::int64_t rows = t.size(0), cols = t.numel() / rows;
  // Work on an m×n matrix with m ≥ n (the transpose when rows < cols), column by column.
  const bool flip = rows < cols;
  const std::int64_t m = flip ? cols : rows, n = flip ? rows : cols;
  std::vector<double> a(static_cast<std::size_t>(rows * cols));
  pick(gen).locked([&](Generator::Unlocked& g) {
    for (double& v : a) v = g.normal();
  });
  // q(i, j): column j of the working matrix (element (i, j) of the flat draw, transposed
  // when flipped, as PyTorch's flattened.t()).
  auto at = [&](std::int64_t i, std::int64_t j) -> double& {
    return flip ? a[static_cast<std::size_t>(j * cols + i)] : a[static_cast<std::size_t>(i * cols + j)];
  };
  // Modified Gram-Schmidt: Q's columns orthonormal, R's diagonal the norms (> 0), which is
  // the QR with R's diagonal made positive.
  for (std::int64_t j = 0; j < n; ++j) {
    for (std::int64_t k = 0; k < j; ++k) {
      double dot = 0;
      for (std::int64_t i = 0; i < m; ++i) dot += at(i, k) * at(i, j);
      for (std::int64_t i = 0; i < m; ++i) at(i, j) -= dot * at(i, k);
    }
    double norm = 0;
    for (std::int64_t i = 0; i < m; ++i) norm += at(i, j) * at(i, j);
    norm = std::sqrt(norm);
    for (std::int64_t i = 0; i < m; ++i) at(i, j) /= norm;
  }
  for (double& v : a) v *= gain;
  return assign(t, a);
}

Tensor& sparse_(Tensor& t, double sparsity, double std, Generator* gen) {
  check_tensor(t, "sparse_");
  if (t.dim() != 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::sparse_: only 2-d tensors are supported, got shape {}",
        shape_str(t.shape())));
  }
  if (!(sparsity >= 0 && sparsity <= 1) || !(std >= 0)) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::sparse_: needs 0 ≤ sparsity ≤ 1 and std ≥ 0, got {} and {}", sparsity,
        std));
  }
  const std::int64_t rows = t.size(0), cols = t.size(1);
  const auto zeros_per_col = static_cast<std::int64_t>(std::ceil(sparsity * static_cast<double>(rows)));
  std::vector<double> v(static_cast<std::size_t>(rows * cols));
  pick(gen).locked([&](Generator::Unlocked& g) {
    for (double& x : v) x = std * g.normal();
    std::vector<std::int64_t> perm(static_cast<std::size_t>(rows));
    for (std::int64_t c = 0; c < cols; ++c) {
      for (std::int64_t i = 0; i < rows; ++i) perm[static_cast<std::size_t>(i)] = i;
      for (std::int64_t i = rows - 1; i > 0; --i) {  // Fisher-Yates
        const auto j = static_cast<std::int64_t>(g.integer(static_cast<std::uint64_t>(i + 1)));
        std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(j)]);
      }
      for (std::int64_t z = 0; z < zeros_per_col; ++z) {
        v[static_cast<std::size_t>(perm[static_cast<std::size_t>(z)] * cols + c)] = 0;
      }
    }
  });
  return assign(t, v);
}

Tensor& dirac_(Tensor& t, std::int64_t groups) {
  check_tensor(t, "dirac_");
  if (t.dim() < 3 || t.dim() > 5) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::dirac_: only 3-, 4- and 5-d tensors are supported, got shape {}",
        shape_str(t.shape())));
  }
  if (groups < 1 || t.size(0) % groups != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::dirac_: dim 0 ({}) must be divisible by groups ({})", t.size(0), groups));
  }
  const Shape& s = t.shape();
  const std::int64_t per_group = s[0] / groups, min_dim = std::min(per_group, s[1]);
  std::vector<double> v(static_cast<std::size_t>(t.numel()), 0.0);
  std::int64_t kernel = 1, centre = 0;  // the centre's offset within one [k...] kernel
  for (std::size_t d = 2; d < s.size(); ++d) {
    centre = centre * s[d] + s[d] / 2;
    kernel *= s[d];
  }
  for (std::int64_t g = 0; g < groups; ++g) {
    for (std::int64_t d = 0; d < min_dim; ++d) {
      const std::int64_t o = g * per_group + d;
      v[static_cast<std::size_t>((o * s[1] + d) * kernel + centre)] = 1.0;
    }
  }
  return assign(t, v);
}

Tensor& eye_(Tensor& t) {
  check_tensor(t, "eye_");
  if (t.dim() != 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::eye_: only 2-d tensors are supported, got shape {}", shape_str(t.shape())));
  }
  const std::int64_t rows = t.size(0), cols = t.size(1);
  std::vector<double> v(static_cast<std::size_t>(rows * cols), 0.0);
  for (std::int64_t i = 0; i < std::min(rows, cols); ++i) v[static_cast<std::size_t>(i * cols + i)] = 1.0;
  return assign(t, v);
}

}  // namespace nabla::nn::init
