// The seeded generator and the random factories.

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <utility>

#include "core/strided.hpp"
#include "core/tensor_impl.hpp"

namespace nabla {

using detail::data_ptr;
using detail::make_tensor;

// ---- generator ---------------------------------------------------------------------

Generator::Generator(const Generator& other) {
  std::lock_guard<std::mutex> lock(other.mutex_);
  engine_ = other.engine_;
  has_spare_ = other.has_spare_;
  spare_ = other.spare_;
}

Generator& Generator::operator=(const Generator& other) {
  if (this == &other) return *this;
  std::scoped_lock lock(mutex_, other.mutex_);
  engine_ = other.engine_;
  has_spare_ = other.has_spare_;
  spare_ = other.spare_;
  return *this;
}

void Generator::manual_seed(std::uint64_t seed) {
  std::lock_guard<std::mutex> lock(mutex_);
  engine_.seed(seed);
  has_spare_ = false;
}

double Generator::uniform() {
  return locked([](Unlocked& g) { return g.uniform(); });
}
double Generator::normal() {
  return locked([](Unlocked& g) { return g.normal(); });
}
std::uint64_t Generator::integer(std::uint64_t n) {
  return locked([n](Unlocked& g) { return g.integer(n); });
}

double Generator::uniform_unlocked() {
  // 53 random bits give every double in [0, 1) on a grid of 2^-53.
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double Generator::normal_unlocked() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform_unlocked();
  while (u1 <= 0.0) u1 = uniform_unlocked();
  const double u2 = uniform_unlocked();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

std::uint64_t Generator::integer_unlocked(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("nabla::Generator::integer: n must be positive");
  // Rejection sampling removes the modulo bias.
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t r = engine_();
  while (r >= limit) r = engine_();
  return r % n;
}

Generator& default_generator() {
  static Generator gen(0);
  return gen;
}

void manual_seed(std::uint64_t seed) {
  default_generator().manual_seed(seed);
}

namespace {
// Fills t (floating: uniform or normal draws) from gen, under one lock.
template <class Draw>
Tensor fill_random(const char* op, const Shape& shape, Dtype dtype, Generator& gen, Draw draw) {
  Tensor t = make_tensor(shape, dtype, op);
  detail::dispatch_floating(
      op, dtype,
      [&](auto tag) {
        using T = decltype(tag);
        T* p = data_ptr<T>(t);
        gen.locked([&](Generator::Unlocked& g) {
          for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(draw(g));
        });
      },
      "dtype");
  return t;
}
}  // namespace

Tensor rand(const Shape& shape, Generator& gen, Dtype dtype) {
  return fill_random("rand", shape, dtype, gen, [](Generator::Unlocked& g) { return g.uniform(); });
}

Tensor randn(const Shape& shape, Generator& gen, Dtype dtype) {
  return fill_random("randn", shape, dtype, gen, [](Generator::Unlocked& g) { return g.normal(); });
}

Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& gen,
               Dtype dtype) {
  if (low >= high) {
    throw std::invalid_argument(
        fmt::format("nabla::randint: low {} must be below high {}", low, high));
  }
  if (dtype == Dtype::bool_) {
    throw std::invalid_argument("nabla::randint: use an integer or floating dtype, not bool");
  }
  Tensor t = make_tensor(shape, dtype, "randint");
  const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  detail::dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    detail::checked_value<T>(static_cast<double>(low), "randint");
    detail::checked_value<T>(static_cast<double>(high - 1), "randint");
    T* p = data_ptr<T>(t);
    gen.locked([&](Generator::Unlocked& g) {
      for (std::int64_t i = 0; i < t.numel(); ++i)
        p[i] = static_cast<T>(low + static_cast<std::int64_t>(g.integer(span)));
    });
  });
  return t;
}

Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Dtype dtype) {
  return randint(low, high, shape, default_generator(), dtype);
}

Tensor rand(const Shape& shape, Dtype dtype) {
  return rand(shape, default_generator(), dtype);
}
Tensor randn(const Shape& shape, Dtype dtype) {
  return randn(shape, default_generator(), dtype);
}

}  // namespace nabla
