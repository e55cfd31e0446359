// avg_pool2d: the mean of each window of each H×W plane (F.avg_pool2d; avg_pool1d is it
// over planes of height 1).
//   forward : result[.., i, j] = Σ x over the window's elements inside the plane / divisor;
//             divisor = divisor_override, else the window's area with the padding
//             (count_include_pad; clipped at the padding when ceil_mode runs past it), else
//             the count of elements inside; an empty window gives 0
//   backward: grad_x = avg_pool2d_backward(grad_out): each window's grad_out / divisor added
//             to its elements
//   saves   : nothing (the geometry)
//   shapes  : x [N, C, H, W] or [C, H, W] → [.., oH, oW] as max_pool2d with dilation 1;
//             divisor_override ≠ 0
//   dtypes  : float32, float64; any strides (read in place)

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct AvgPool2dNode final : Node {
  explicit AvgPool2dNode(const AvgPoolParams& p) : Node("avg_pool2d"), p_(p) {}
  AvgPoolParams p_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {avg_pool2d_backward(grad_out, p_)};
  }
};

AvgPoolParams avg_params(const char* op, const Tensor& x, const Planes& pl, Int2 kernel,
                         Int2 stride, Int2 padding, bool ceil_mode, bool count_include_pad,
                         std::optional<std::int64_t> divisor_override) {
  AvgPoolParams p;
  p.g = pool_geometry(op, x, pl, kernel, stride, padding, 1, ceil_mode);
  p.count_include_pad = count_include_pad;
  if (divisor_override) {
    if (*divisor_override == 0) {
      throw std::invalid_argument(fmt::format(
          "nabla::{}: divisor_override must not be zero (input {})", op, shape_str(x.shape())));
    }
    p.divisor = *divisor_override;
  }
  return p;
}
}  // namespace

Tensor avg_pool2d_checked(const Tensor& x, const AvgPoolParams& p) {
  const char* op = "avg_pool2d";
  const Planes pl = planes_of(op, x);
  if (pl.h != p.g.h || pl.w != p.g.w) {
    throw std::invalid_argument(fmt::format("nabla::{}: input {} does not have {}x{} planes", op,
                                            shape_str(x.shape()), p.g.h, p.g.w));
  }
  Tensor result = make_tensor(pl.with_plane(p.g.oh, p.g.ow), x.dtype(), op);
  dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = base_ptr<T>(x);
    T* o = data_ptr<T>(result);
    const std::int64_t per = p.g.oh * p.g.ow, sh = pl.sh, sw = pl.sw;
    parallel_for(
        pl.planes,
        [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t q = lo; q < hi; ++q) {
            const T* src = base + pl.offset(q);
            T* dst = o + q * per;
            for_each_avg_window(p, [&](std::int64_t i, std::int64_t j, std::int64_t a0,
                                       std::int64_t a1, std::int64_t b0, std::int64_t b1,
                                       std::int64_t divisor) {
              T sum = 0;
              for (std::int64_t a = a0; a < a1; ++a)
                for (std::int64_t b = b0; b < b1; ++b) sum += src[a * sh + b * sw];
              dst[i * p.g.ow + j] =
                  a0 < a1 && b0 < b1 ? sum / static_cast<T>(divisor) : T(0);
            });
          }
        },
        plane_grain(p.g.h * p.g.w));
  });
  record<AvgPool2dNode>(result, {x}, p);
  return result;
}
}  // namespace detail

Tensor avg_pool2d(const Tensor& x, Int2 kernel_size, Int2 stride, Int2 padding,
                  bool ceil_mode, bool count_include_pad,
                  std::optional<std::int64_t> divisor_override, CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "avg_pool2d";
  const detail::Planes pl = detail::planes_of(op, x);
  return detail::avg_pool2d_checked(
      x, detail::avg_params(op, x, pl, kernel_size, stride, padding, ceil_mode,
                            count_include_pad, divisor_override));
}

Tensor avg_pool1d(const Tensor& x, std::int64_t kernel_size, std::optional<std::int64_t> stride,
                  std::int64_t padding, bool ceil_mode, bool count_include_pad, CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "avg_pool1d";
  detail::check_defined(op, x);
  if (x.dim() != 2 && x.dim() != 3) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: expects a 3-d batch [N, C, L] or a 2-d [C, L], got {}", op,
        shape_str(x.shape())));
  }
  const Tensor x2 = unsqueeze(x, -2);
  const detail::Planes pl = detail::planes_of(op, x2);
  const detail::AvgPoolParams p =
      detail::avg_params(op, x, pl, {1, kernel_size}, {1, stride.value_or(kernel_size)},
                         {0, padding}, ceil_mode, count_include_pad, std::nullopt);
  return squeeze(detail::avg_pool2d_checked(x2, p), -2);
}

namespace detail {
std::vector<OpSample> pool_samples(Generator& g, Dtype d);      // ops/max_pool2d.cpp
std::vector<OpSample> pool_bad_samples(Generator& g, Dtype d);  // ops/max_pool2d.cpp
std::vector<OpSample> padded_pool_bad_samples(Generator& g, Dtype d);

void register_avg_pool2d(OpRegistry& r) {
  // linear in x: no kinks, any values
  r.add({.name = "avg_pool2d",
         .formula = "avg_pool2d(x, 2)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return avg_pool2d(in[0], 2); },
         .samples = pool_samples,
         .bad_samples = pool_bad_samples});
  r.add({.name = "avg_pool2d_padded",
         .formula = "avg_pool2d(x, {3, 2}, {2, 1}, 1, ceil_mode = true, count_include_pad = "
                    "false)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return avg_pool2d(in[0], {3, 2}, {2, 1}, 1, true, false);
             },
         .samples = pool_samples,
         .bad_samples = padded_pool_bad_samples});
  r.add({.name = "avg_pool1d",
         .formula = "avg_pool1d(x, 3, 2, 1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return avg_pool1d(in[0], 3, 2, 1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"batch [2,3,7]", {sample_tensor({2, 3, 7}, g, d)}},
                                            {"unbatched [3,6]", {sample_tensor({3, 6}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"1-d [5]", {sample_tensor({5}, g, d)}},
                                            {"empty L [2,0]", {sample_tensor({2, 0}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
