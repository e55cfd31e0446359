// The batch transforms of data.hpp: normalize, random crop with padding, horizontal flip
// and Gaussian noise, each image of a batch drawing its own random choices. Plain loops
// over the batch's values (they run on the loader's prefetching thread, beside training).
// Uses the public Tensor and op API only (layer 6 of DESIGN.md).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nabla/data.hpp"
#include "nabla/ops.hpp"

namespace nabla::data::transforms {

namespace {

// A floating, contiguous copy-or-view of x (integer pixels become float32).
Tensor floating(const Tensor& x) {
  return (is_floating_point(x.dtype()) ? x : x.to(f32)).contiguous();
}

// A floating, contiguous copy of x that may be written (one copy, also for integer input).
Tensor floating_copy(const Tensor& x) {
  if (!is_floating_point(x.dtype())) return x.to(f32).contiguous();
  return x.is_contiguous() ? x.clone() : x.contiguous();  // contiguous() of a view copies
}

void check_images(const char* who, const Tensor& x) {
  if (!x.defined() || (x.dim() != 3 && x.dim() != 4)) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::transforms::{}: expects a batch of images [N, C, H, W] or [N, H, W], got "
        "{}",
        who, x.defined() ? "shape " + shape_str(x.shape()) : std::string("an undefined tensor")));
  }
}

// Calls f(T* data) with x's values typed.
template <class F>
void typed(Tensor& x, F&& f) {
  if (x.dtype() == f32) {
    f(x.mutable_data<float>());
  } else {
    f(x.mutable_data<double>());
  }
}

}  // namespace

Transform normalize(std::vector<double> mean, std::vector<double> std) {
  if (mean.empty() || mean.size() != std.size()) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::transforms::normalize: mean and std need the same, non-zero count, got "
        "{} and {}",
        mean.size(), std.size()));
  }
  for (const double s : std) {
    if (!(s > 0.0)) {
      throw std::invalid_argument(
          fmt::format("nabla::data::transforms::normalize: a std is not > 0: {}", s));
    }
  }
  return [mean, std](const Tensor& x_in, Generator& /*gen*/) {
    NoGradGuard no_grad;
    const Tensor x = floating(x_in);
    const auto c = static_cast<std::int64_t>(mean.size());
    if (c == 1) return (x - mean[0]) * (1.0 / std[0]);
    if (x.dim() < 2 || x.size(1) != c) {
      throw std::invalid_argument(fmt::format(
          "nabla::data::transforms::normalize: {} channel values, but the batch has shape {} "
          "(channels along dim 1)",
          c, shape_str(x.shape())));
    }
    Shape s(x.dim(), 1);
    s[1] = c;
    std::vector<double> inv(std.size());
    for (std::size_t k = 0; k < std.size(); ++k) inv[k] = 1.0 / std[k];
    return (x - tensor(mean, s, x.dtype())) * tensor(inv, s, x.dtype());
  };
}

Transform random_crop(Int2 size, Int2 padding, Fill fill, double value) {
  if (!size.set || size.h < 1 || size.w < 1 || !padding.set || padding.h < 0 || padding.w < 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::transforms::random_crop: size must be ≥ 1 and padding ≥ 0, got size ({}, "
        "{}) and padding ({}, {})",
        size.h, size.w, padding.h, padding.w));
  }
  return [size, padding, fill, value](const Tensor& x_in, Generator& gen) {
    check_images("random_crop", x_in);
    const Tensor x = floating(x_in);
    const std::int64_t h = x.size(-2), w = x.size(-1);
    const std::int64_t ph = padding.h, pw = padding.w;
    if (size.h > h + 2 * ph || size.w > w + 2 * pw) {
      throw std::invalid_argument(fmt::format(
          "nabla::data::transforms::random_crop: a ({}, {}) window does not fit an image of "
          "({}, {}) padded by ({}, {})",
          size.h, size.w, h, w, ph, pw));
    }
    if (fill == Fill::reflect && (ph >= h || pw >= w)) {
      throw std::invalid_argument(fmt::format(
          "nabla::data::transforms::random_crop: reflect padding ({}, {}) must be smaller than "
          "the image ({}, {})",
          ph, pw, h, w));
    }
    const std::int64_t n = x.size(0);
    const std::int64_t planes = x.dim() == 4 ? x.size(1) : 1;
    Shape out_shape = x.shape();
    out_shape[out_shape.size() - 2] = size.h;
    out_shape.back() = size.w;
    Tensor out = empty(out_shape, x.dtype());
    // Where a padded coordinate reads from: inside, or by the fill rule (−1: the value).
    auto source = [fill](std::int64_t i, std::int64_t extent) -> std::int64_t {
      if (i >= 0 && i < extent) return i;
      switch (fill) {
        case Fill::constant: return -1;
        case Fill::replicate: return std::clamp<std::int64_t>(i, 0, extent - 1);
        case Fill::reflect: return i < 0 ? -i : 2 * (extent - 1) - i;
      }
      return -1;
    };
    std::vector<std::int64_t> top(static_cast<std::size_t>(n)), left(static_cast<std::size_t>(n));
    gen.locked([&](Generator::Unlocked& g) {
      for (std::int64_t k = 0; k < n; ++k) {
        top[k] = static_cast<std::int64_t>(g.integer(std::uint64_t(h + 2 * ph - size.h + 1)));
        left[k] = static_cast<std::int64_t>(g.integer(std::uint64_t(w + 2 * pw - size.w + 1)));
      }
    });
    auto crop = [&](auto* dst) {
      using T = std::remove_pointer_t<decltype(dst)>;
      const T* src = x.data<T>();
      for (std::int64_t k = 0; k < n; ++k) {
        for (std::int64_t c = 0; c < planes; ++c) {
          const T* plane = src + (k * planes + c) * h * w;
          T* o = dst + (k * planes + c) * size.h * size.w;
          for (std::int64_t y = 0; y < size.h; ++y) {
            const std::int64_t sy = source(y + top[k] - ph, h);
            for (std::int64_t xx = 0; xx < size.w; ++xx) {
              const std::int64_t sx = source(xx + left[k] - pw, w);
              o[y * size.w + xx] = sy < 0 || sx < 0 ? static_cast<T>(value) : plane[sy * w + sx];
            }
          }
        }
      }
    };
    typed(out, crop);
    return out;
  };
}

Transform random_horizontal_flip(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::transforms::random_horizontal_flip: p must be in [0, 1], got {}", p));
  }
  return [p](const Tensor& x_in, Generator& gen) {
    if (!x_in.defined() || x_in.dim() < 2) {
      throw std::invalid_argument(fmt::format(
          "nabla::data::transforms::random_horizontal_flip: expects a batch [N, ..., W], got {}",
          x_in.defined() ? "shape " + shape_str(x_in.shape()) : std::string("an undefined tensor")));
    }
    Tensor out = floating_copy(x_in);
    const std::int64_t n = out.size(0), w = out.size(-1);
    const std::int64_t rows = out.numel() / std::max<std::int64_t>(n * w, 1);
    std::vector<char> flip(static_cast<std::size_t>(n));
    gen.locked([&](Generator::Unlocked& g) {
      for (auto& f : flip) f = g.uniform() < p;
    });
    typed(out, [&](auto* d) {
      for (std::int64_t k = 0; k < n; ++k) {
        if (!flip[static_cast<std::size_t>(k)]) continue;
        for (std::int64_t r = 0; r < rows; ++r) {
          auto* row = d + (k * rows + r) * w;
          std::reverse(row, row + w);
        }
      }
    });
    return out;
  };
}

Transform random_noise(double std) {
  if (!(std >= 0.0) || !std::isfinite(std)) {
    throw std::invalid_argument(fmt::format(
        "nabla::data::transforms::random_noise: std must be a finite value ≥ 0, got {}", std));
  }
  return [std](const Tensor& x_in, Generator& gen) {
    Tensor out = floating_copy(x_in);
    typed(out, [&](auto* d) {
      using T = std::remove_pointer_t<decltype(d)>;
      gen.locked([&](Generator::Unlocked& g) {
        for (std::int64_t i = 0; i < out.numel(); ++i) d[i] += static_cast<T>(std * g.normal());
      });
    });
    return out;
  };
}

Transform compose(std::vector<Transform> transforms) {
  for (std::size_t k = 0; k < transforms.size(); ++k) {
    if (!transforms[k]) {
      throw std::invalid_argument(fmt::format(
          "nabla::data::transforms::compose: transform {} is empty", k));
    }
  }
  return [transforms = std::move(transforms)](const Tensor& x, Generator& gen) {
    Tensor y = x;
    for (const Transform& t : transforms) y = t(y, gen);
    return y;
  };
}

}  // namespace nabla::data::transforms
