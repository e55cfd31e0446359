// interpolate: x resampled along its spatial axes, nearest or (bi)linear (F.interpolate).
//   forward : separable: result[.., i, j] = Σ wh_i(a)·ww_j(b)·x[.., a, b] over each axis's
//             one (nearest: a = min(⌊i·scale⌋, in − 1)) or two (linear: a = ⌊s⌋, a + 1
//             clipped to the axis, weights 1 − (s − a) and s − a, s = (i + 0.5)·scale −
//             0.5 clamped at 0, or i·(in − 1)/(out − 1) with align_corners) sources;
//             scale = 1/scale_factor when given (and not recomputed), else in/out
//   backward: grad_x = interpolate_backward(grad_out): the same weights, transposed (each
//             grad_out element added back to its sources)
//   saves   : nothing (the index and weight tables)
//   shapes  : x [N, C, W] (nearest, linear) or [N, C, H, W] (nearest, bilinear) → the same
//             with the output extents (size, or ⌊in·scale_factor⌋), each ≥ 1
//   dtypes  : float32, float64; any strides (read in place)

#include <cmath>

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct InterpolateNode final : Node {
  InterpolateNode(ResampleAxis ah, ResampleAxis aw)
      : Node("interpolate"), ah_(std::move(ah)), aw_(std::move(aw)) {}
  ResampleAxis ah_, aw_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {resample2d_backward(grad_out, ah_, aw_)};
  }
};

// The sources of one axis, computed in T as PyTorch's CPU kernels do (float for float32).
template <class T>
ResampleAxis resample_axis(std::int64_t in, std::int64_t out, bool linear, bool align_corners,
                           std::optional<double> scale_factor) {
  ResampleAxis ax;
  ax.in = in;
  ax.nearest = !linear;
  ax.i0.resize(static_cast<std::size_t>(out));
  ax.i1.resize(ax.i0.size());
  ax.w0.resize(ax.i0.size());
  ax.w1.resize(ax.i0.size());
  // compute_scales_value: 1/scale_factor when given, else in/out
  const T scale = scale_factor && *scale_factor > 0 ? static_cast<T>(1.0 / *scale_factor)
                                                    : static_cast<T>(in) / static_cast<T>(out);
  for (std::int64_t i = 0; i < out; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (!linear) {
      std::int64_t a = i;
      if (out == 2 * in) {
        a = i >> 1;
      } else if (out != in) {
        a = std::min(static_cast<std::int64_t>(std::floor(static_cast<float>(i) *
                                                          static_cast<float>(scale))),
                     in - 1);
      }
      ax.i0[k] = ax.i1[k] = a;
      ax.w0[k] = 1.0;
      ax.w1[k] = 0.0;
      continue;
    }
    T src;
    if (align_corners) {
      const T s = out > 1 ? static_cast<T>(in - 1) / static_cast<T>(out - 1) : T(0);
      src = s * static_cast<T>(i);
    } else {
      src = scale * (static_cast<T>(i) + T(0.5)) - T(0.5);
      if (src < 0) src = 0;
    }
    const auto a = static_cast<std::int64_t>(src);
    const T lambda1 = src - static_cast<T>(a);
    ax.i0[k] = a;
    ax.i1[k] = a + (a < in - 1 ? 1 : 0);
    ax.w0[k] = static_cast<double>(T(1) - lambda1);
    ax.w1[k] = static_cast<double>(lambda1);
  }
  return ax;
}
}  // namespace

ResampleAxis resample_axis_for(Dtype dtype, std::int64_t in, std::int64_t out, bool linear,
                               bool align_corners, std::optional<double> scale_factor) {
  return dispatch_floating("interpolate", dtype, [&](auto tag) {
    return resample_axis<decltype(tag)>(in, out, linear, align_corners, scale_factor);
  });
}

Tensor resample2d(const Tensor& x, const ResampleAxis& ah, const ResampleAxis& aw) {
  const char* op = "interpolate";
  const Planes pl = planes_of(op, x);
  if (pl.h != ah.in || pl.w != aw.in) {
    throw std::invalid_argument(fmt::format("nabla::{}: input {} does not have {}x{} planes", op,
                                            shape_str(x.shape()), ah.in, aw.in));
  }
  const std::int64_t oh = ah.out(), ow = aw.out();
  Tensor result = make_tensor(pl.with_plane(oh, ow), x.dtype(), op);
  dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = base_ptr<T>(x);
    T* o = data_ptr<T>(result);
    const std::int64_t sh = pl.sh, sw = pl.sw;
    // one value of a row a at output column j
    auto row_value = [&](const T* row, std::int64_t j) {
      const auto k = static_cast<std::size_t>(j);
      if (aw.nearest) return row[aw.i0[k] * sw];
      return static_cast<T>(aw.w0[k]) * row[aw.i0[k] * sw] +
             static_cast<T>(aw.w1[k]) * row[aw.i1[k] * sw];
    };
    parallel_for(
        pl.planes,
        [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t q = lo; q < hi; ++q) {
            const T* src = base + pl.offset(q);
            T* dst = o + q * oh * ow;
            for (std::int64_t i = 0; i < oh; ++i) {
              const auto k = static_cast<std::size_t>(i);
              const T* r0 = src + ah.i0[k] * sh;
              const T* r1 = src + ah.i1[k] * sh;
              for (std::int64_t j = 0; j < ow; ++j) {
                dst[i * ow + j] = ah.nearest ? row_value(r0, j)
                                             : static_cast<T>(ah.w0[k]) * row_value(r0, j) +
                                                   static_cast<T>(ah.w1[k]) * row_value(r1, j);
              }
            }
          }
        },
        plane_grain(oh * ow * (ah.nearest ? 1 : 2) * (aw.nearest ? 1 : 2)));
  });
  record<InterpolateNode>(result, {x}, ah, aw);
  return result;
}
}  // namespace detail

Tensor interpolate(const Tensor& x, std::optional<std::vector<std::int64_t>> size,
                   std::optional<std::vector<double>> scale_factor, const std::string& mode,
                   std::optional<bool> align_corners, std::optional<bool> recompute_scale_factor,
                   CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "interpolate";
  detail::check_defined(op, x);
  detail::check_floating(op, x);
  const bool linear = mode == "linear" || mode == "bilinear";
  if (!linear && mode != "nearest") {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: mode '{}' is not one of nearest, linear, bilinear (input {})", op, mode,
        shape_str(x.shape())));
  }
  const std::int64_t rank = x.dim();
  const std::int64_t wanted = mode == "linear" ? 3 : mode == "bilinear" ? 4 : -1;
  if ((wanted > 0 && rank != wanted) || (wanted < 0 && rank != 3 && rank != 4)) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: mode '{}' expects a {} input, got {}", op, mode,
        mode == "linear" ? "3-d [N, C, W]"
        : mode == "bilinear"
            ? "4-d [N, C, H, W]"
            : "3-d [N, C, W] or 4-d [N, C, H, W]",
        shape_str(x.shape())));
  }
  if (align_corners && !linear) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: align_corners can only be given with the linear modes (linear, bilinear), "
        "not '{}'",
        op, mode));
  }
  if (size.has_value() == scale_factor.has_value()) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: give exactly one of size and scale_factor (input {})", op,
                    shape_str(x.shape())));
  }
  const auto spatial = static_cast<std::size_t>(rank - 2);
  const std::size_t given = size ? size->size() : scale_factor->size();
  if (given != 1 && given != spatial) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: {} has {} values, but input {} has {} spatial axes", op,
        size ? "size" : "scale_factor", given, shape_str(x.shape()), spatial));
  }
  std::vector<std::int64_t> out(spatial);
  std::vector<std::optional<double>> scales(spatial);
  for (std::size_t a = 0; a < spatial; ++a) {
    const std::int64_t in = x.shape()[2 + a];
    if (size) {
      out[a] = (*size)[given == 1 ? 0 : a];
    } else {
      const double f = (*scale_factor)[given == 1 ? 0 : a];
      out[a] = static_cast<std::int64_t>(std::floor(static_cast<double>(in) * f));
      if (!recompute_scale_factor.value_or(false)) scales[a] = f;
    }
    if (in < 1 || out[a] < 1) {
      throw std::invalid_argument(fmt::format(
          "nabla::{}: input and output extents must be positive, but spatial axis {} of input "
          "{} would go from {} to {}",
          op, a, shape_str(x.shape()), in, out[a]));
    }
  }
  const bool corners = align_corners.value_or(false);
  return detail::dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (spatial == 1) {
      const detail::ResampleAxis ah = detail::resample_axis<T>(1, 1, false, false, std::nullopt);
      const detail::ResampleAxis aw =
          detail::resample_axis<T>(x.shape()[2], out[0], linear, corners, scales[0]);
      return squeeze(detail::resample2d(unsqueeze(x, -2), ah, aw), -2);
    }
    return detail::resample2d(
        x, detail::resample_axis<T>(x.shape()[2], out[0], linear, corners, scales[0]),
        detail::resample_axis<T>(x.shape()[3], out[1], linear, corners, scales[1]));
  });
}

namespace detail {
void register_interpolate(OpRegistry& r) {
  // linear in x for a fixed mode and size: any values
  auto samples4 = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"batch [2,3,3,4]", {sample_tensor({2, 3, 3, 4}, g, d)}},
                                 {"one image [1,2,4,3]", {sample_tensor({1, 2, 4, 3}, g, d)}}};
  };
  auto bad4 = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"3-d [2,3,4] for bilinear", {sample_tensor({2, 3, 4}, g, d)}},
                                 {"empty plane [1,2,0,3]", {sample_tensor({1, 2, 0, 3}, g, d)}}};
  };
  r.add({.name = "interpolate",
         .formula = "interpolate(x, size {5, 7}, mode bilinear)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return interpolate(in[0], std::vector<std::int64_t>{5, 7}, std::nullopt,
                                  "bilinear");
             },
         .samples = samples4,
         .bad_samples = bad4});
  r.add({.name = "interpolate_bilinear_align_corners",
         .formula = "interpolate(x, size {2, 6}, mode bilinear, align_corners)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return interpolate(in[0], std::vector<std::int64_t>{2, 6}, std::nullopt,
                                  "bilinear", true);
             },
         .samples = samples4,
         .bad_samples = bad4});
  r.add({.name = "interpolate_nearest",
         .formula = "interpolate(x, scale_factor {1.5, 0.5}, mode nearest)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return interpolate(in[0], std::nullopt, std::vector<double>{1.5, 0.5});
             },
         .samples = samples4,
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"5-d [1,1,1,2,2]", {sample_tensor({1, 1, 1, 2, 2}, g, d)}}};
             }});
  r.add({.name = "interpolate_linear",
         .formula = "interpolate(x, scale_factor 1.7, mode linear)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return interpolate(in[0], std::nullopt, std::vector<double>{1.7}, "linear");
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"batch [2,3,5]", {sample_tensor({2, 3, 5}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"4-d [1,2,3,4] for linear", {sample_tensor({1, 2, 3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
