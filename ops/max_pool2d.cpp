// max_pool2d: the maximum of each window of each H×W plane, with its flat index
// (F.max_pool2d, max_pool2d_with_indices; max_pool1d is it over planes of height 1).
//   forward : result[.., i, j] = max of x[.., i·sh − ph + a·dh, j·sw − pw + b·dw] over the
//             taps a < kh, b < kw inside the plane (padding is −∞); indices = the first
//             argmax as h·W + w (the last NaN when the window has one, as PyTorch)
//   backward: grad_x = max_pool2d_backward(grad_out, indices, x's shape): each grad_out
//             added at its window's argmax (the indices get no gradient)
//   saves   : indices (int64, no history)
//   shapes  : x [N, C, H, W] or [C, H, W] → [.., oH, oW], oH = ⌊(H + 2·ph − dh·(kh − 1) −
//             1) / sh⌋ + 1 (⌈⌉ with ceil_mode, less one when the last window would
//             start past H + ph), likewise oW; kernel, stride, dilation ≥ 1, 0 ≤ padding
//             ≤ kernel / 2, oH, oW ≥ 1, else std::invalid_argument
//   dtypes  : float32, float64; any strides (read in place)

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {

Int2 given(const char* op, const char* arg, Int2 v) {
  if (!v.set) throw std::invalid_argument(fmt::format("nabla::{}: {} must be given", op, arg));
  return v;
}

Planes planes_of(const char* op, const Tensor& x) {
  check_defined(op, x);
  check_floating(op, x);
  const Shape& s = x.shape();
  if (s.size() != 3 && s.size() != 4) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: expects a 4-d batch [N, C, H, W] or a 3-d image [C, H, W], got {}", op,
        shape_str(s)));
  }
  const std::size_t r = s.size();
  if (s[r - 1] == 0 || s[r - 2] == 0 || s[r - 3] == 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: input {} has an empty plane or no channels (only the batch may be empty)",
        op, shape_str(s)));
  }
  const auto& st = x.impl()->strides;
  Planes p;
  p.lead.assign(s.begin(), s.end() - 2);
  p.h = s[r - 2];
  p.w = s[r - 1];
  p.sh = st[r - 2];
  p.sw = st[r - 1];
  p.channels = s[r - 3];
  p.sc = st[r - 3];
  p.sn = r == 4 ? st[0] : 0;
  p.planes = shape_numel(p.lead);
  return p;
}

std::int64_t pool_output_extent(std::int64_t in, std::int64_t k, std::int64_t pad,
                                std::int64_t stride, std::int64_t dil, bool ceil_mode) {
  const std::int64_t span = in + 2 * pad - dil * (k - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  // floor division (span may be negative when the kernel outgrows the padded input)
  const std::int64_t q = span >= 0 ? span / stride : -((-span + stride - 1) / stride);
  std::int64_t out = q + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

PoolGeometry pool_geometry(const char* op, const Tensor& x, const Planes& pl, Int2 kernel,
                           Int2 stride, Int2 padding, Int2 dilation, bool ceil_mode) {
  kernel = given(op, "kernel_size", kernel);
  if (!stride.set) stride = kernel;
  padding = given(op, "padding", padding);
  dilation = given(op, "dilation", dilation);
  auto positive = [&](const char* arg, Int2 v, std::int64_t least) {
    if (v.h < least || v.w < least) {
      throw std::invalid_argument(fmt::format(
          "nabla::{}: {} must be {}, got ({}, {}) for input {}", op, arg,
          least == 0 ? "non-negative" : "positive", v.h, v.w, shape_str(x.shape())));
    }
  };
  positive("kernel_size", kernel, 1);
  positive("stride", stride, 1);
  positive("padding", padding, 0);
  positive("dilation", dilation, 1);
  if (padding.h > kernel.h / 2 || padding.w > kernel.w / 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: padding ({}, {}) must be at most half of kernel_size ({}, {}) (input {})",
        op, padding.h, padding.w, kernel.h, kernel.w, shape_str(x.shape())));
  }
  PoolGeometry g;
  g.kh = kernel.h;
  g.kw = kernel.w;
  g.sh = stride.h;
  g.sw = stride.w;
  g.ph = padding.h;
  g.pw = padding.w;
  g.dh = dilation.h;
  g.dw = dilation.w;
  g.ceil_mode = ceil_mode;
  g.h = pl.h;
  g.w = pl.w;
  g.oh = pool_output_extent(g.h, g.kh, g.ph, g.sh, g.dh, ceil_mode);
  g.ow = pool_output_extent(g.w, g.kw, g.pw, g.sw, g.dw, ceil_mode);
  if (g.oh < 1 || g.ow < 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: input {} is too small for kernel_size ({}, {}) with padding ({}, {}) and "
        "dilation ({}, {}): the output would be {}x{}",
        op, shape_str(x.shape()), g.kh, g.kw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow));
  }
  return g;
}

namespace {
struct MaxPool2dNode final : Node {
  explicit MaxPool2dNode(Shape in_shape) : Node("max_pool2d"), in_shape_(std::move(in_shape)) {}
  Shape in_shape_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {max_pool2d_backward(grad_out, saved(0), in_shape_)};
  }
};

// One plane's windows: out and idx hold oh·ow values, x is read by the plane's strides.
template <class T>
void max_pool_plane(const T* x, std::int64_t xs_h, std::int64_t xs_w, const PoolGeometry& g,
                    T* out, std::int64_t* idx) {
  const bool two_by_two = g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ph == 0 &&
                          g.pw == 0 && g.dh == 1 && g.dw == 1 && 2 * g.oh <= g.h &&
                          2 * g.ow <= g.w;
  if (two_by_two) {
    // The CNN's pool: every window whole, its four taps in the generic loop's order.
    for (std::int64_t i = 0; i < g.oh; ++i) {
      const T* r0 = x + 2 * i * xs_h;
      const T* r1 = r0 + xs_h;
      const std::int64_t at0 = 2 * i * g.w, at1 = at0 + g.w;
      for (std::int64_t j = 0; j < g.ow; ++j) {
        const std::int64_t b = 2 * j;
        const T v0 = r0[b * xs_w], v1 = r0[(b + 1) * xs_w];
        const T v2 = r1[b * xs_w], v3 = r1[(b + 1) * xs_w];
        T best;
        std::int64_t best_at;
        if ((v0 != v0) | (v1 != v1) | (v2 != v2) | (v3 != v3)) [[unlikely]] {
          // a NaN: the last NaN tap, as the generic loop
          best_at = v3 != v3 ? at1 + b + 1 : v2 != v2 ? at1 + b : v1 != v1 ? at0 + b + 1 : at0 + b;
          best = std::numeric_limits<T>::quiet_NaN();
        } else {
          // the first maximum, as a tree without branches (comparisons of random data
          // are unpredictable): the first of each row's pair, then the first pair on a tie
          const int e01 = v1 > v0, e23 = v3 > v2;
          const T m01 = std::max(v0, v1), m23 = std::max(v2, v3);
          const int lower = -static_cast<int>(m23 > m01);  // all ones: the second row
          const int k = (e01 & ~lower) | ((2 + e23) & lower);
          const T m = std::max(m01, m23);
          best = m;
          best_at = at0 + b + (k & 1) + (k >> 1) * g.w;
        }
        out[i * g.ow + j] = best;
        idx[i * g.ow + j] = best_at;
      }
    }
    return;
  }
  for (std::int64_t i = 0; i < g.oh; ++i) {
    std::int64_t h0 = i * g.sh - g.ph;
    const std::int64_t h1 = std::min(h0 + (g.kh - 1) * g.dh + 1, g.h);
    while (h0 < 0) h0 += g.dh;
    for (std::int64_t j = 0; j < g.ow; ++j) {
      std::int64_t w0 = j * g.sw - g.pw;
      const std::int64_t w1 = std::min(w0 + (g.kw - 1) * g.dw + 1, g.w);
      while (w0 < 0) w0 += g.dw;
      std::int64_t best_at = h0 * g.w + w0;
      T best = -std::numeric_limits<T>::infinity();
      for (std::int64_t a = h0; a < h1; a += g.dh) {
        const T* row = x + a * xs_h;
        for (std::int64_t b = w0; b < w1; b += g.dw) {
          const T v = row[b * xs_w];
          if (v > best || v != v) {
            best = v;
            best_at = a * g.w + b;
          }
        }
      }
      out[i * g.ow + j] = best;
      idx[i * g.ow + j] = best_at;
    }
  }
}
}  // namespace

// max_pool2d over checked geometry: values and indices [.., oH, oW], values recorded.
ValuesIndices max_pool2d_checked(const Tensor& x, const Planes& pl, const PoolGeometry& g) {
  const Shape shape = pl.with_plane(g.oh, g.ow);
  Tensor values = make_tensor(shape, x.dtype(), "max_pool2d");
  Tensor indices = make_tensor(shape, Dtype::i64, "max_pool2d");
  dispatch_floating("max_pool2d", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = base_ptr<T>(x);
    T* o = data_ptr<T>(values);
    std::int64_t* ip = data_ptr<std::int64_t>(indices);
    const std::int64_t per = g.oh * g.ow;
    parallel_for(
        pl.planes,
        [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t p = lo; p < hi; ++p)
            max_pool_plane(base + pl.offset(p), pl.sh, pl.sw, g, o + p * per, ip + p * per);
        },
        plane_grain(g.h * g.w));
  });
  if (auto node = record<MaxPool2dNode>(values, {x}, x.shape())) node->save(indices);
  return {values, indices};
}
}  // namespace detail

ValuesIndices max_pool2d_with_indices(const Tensor& x, Int2 kernel_size, Int2 stride,
                                      Int2 padding, Int2 dilation, bool ceil_mode,
                                      CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "max_pool2d";
  const detail::Planes pl = detail::planes_of(op, x);
  const detail::PoolGeometry g =
      detail::pool_geometry(op, x, pl, kernel_size, stride, padding, dilation, ceil_mode);
  return detail::max_pool2d_checked(x, pl, g);
}

Tensor max_pool2d(const Tensor& x, Int2 kernel_size, Int2 stride, Int2 padding,
                  Int2 dilation, bool ceil_mode, CallSite where) {
  return max_pool2d_with_indices(x, kernel_size, stride, padding, dilation, ceil_mode, where)
      .values;
}

namespace {
// x [N, C, L] or [C, L] checked for a 1-d op, then seen with a plane height of 1.
Tensor as_planes_of_height_one(const char* op, const Tensor& x) {
  detail::check_defined(op, x);
  if (x.dim() != 2 && x.dim() != 3) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: expects a 3-d batch [N, C, L] or a 2-d [C, L], got {}", op,
        shape_str(x.shape())));
  }
  return unsqueeze(x, -2);
}
}  // namespace

ValuesIndices max_pool1d_with_indices(const Tensor& x, std::int64_t kernel_size,
                                      std::optional<std::int64_t> stride, std::int64_t padding,
                                      std::int64_t dilation, bool ceil_mode, CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "max_pool1d";
  const Tensor x2 = as_planes_of_height_one(op, x);
  const detail::Planes pl = detail::planes_of(op, x2);
  const detail::PoolGeometry g = detail::pool_geometry(
      op, x, pl, {1, kernel_size}, {1, stride.value_or(kernel_size)}, {0, padding},
      {1, dilation}, ceil_mode);
  const ValuesIndices r = detail::max_pool2d_checked(x2, pl, g);
  return {squeeze(r.values, -2), squeeze(r.indices, -2)};
}

Tensor max_pool1d(const Tensor& x, std::int64_t kernel_size, std::optional<std::int64_t> stride,
                  std::int64_t padding, std::int64_t dilation, bool ceil_mode, CallSite where) {
  return max_pool1d_with_indices(x, kernel_size, stride, padding, dilation, ceil_mode, where)
      .values;
}

namespace detail {
// Independent normal samples: ties in a window (where the max has a kink) have probability
// zero, and the gap between a window's two largest values is far wider than gradcheck's
// step, so no perturbation moves an argmax.
std::vector<OpSample> pool_samples(Generator& g, Dtype d) {
  return {{"batch [2,3,4,4]", {sample_tensor({2, 3, 4, 4}, g, d)}},
          {"unbatched [2,5,6]", {sample_tensor({2, 5, 6}, g, d)}}};
}
// Inputs every 2-d pool refuses, whatever its kernel and padding.
std::vector<OpSample> padded_pool_bad_samples(Generator& g, Dtype d) {
  return {{"2-d [4,4]", {sample_tensor({4, 4}, g, d)}},
          {"5-d [1,1,1,4,4]", {sample_tensor({1, 1, 1, 4, 4}, g, d)}},
          {"empty plane [1,1,0,3]", {sample_tensor({1, 1, 0, 3}, g, d)}}};
}
// ... and, for a kernel of 2 without padding, a plane smaller than the kernel.
std::vector<OpSample> pool_bad_samples(Generator& g, Dtype d) {
  std::vector<OpSample> bad = padded_pool_bad_samples(g, d);
  bad.push_back({"plane smaller than the kernel [1,1,1,1]", {sample_tensor({1, 1, 1, 1}, g, d)}});
  return bad;
}

void register_max_pool2d(OpRegistry& r) {
  r.add({.name = "max_pool2d",
         .formula = "max_pool2d(x, 2)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return max_pool2d(in[0], 2); },
         .samples = pool_samples,
         .bad_samples = pool_bad_samples});
  r.add({.name = "max_pool2d_padded",
         .formula = "max_pool2d(x, {3, 2}, {2, 1}, {1, 1}, {1, 2}, ceil_mode = true)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return max_pool2d(in[0], {3, 2}, {2, 1}, {1, 1}, {1, 2}, true);
             },
         .samples = pool_samples,
         .bad_samples = padded_pool_bad_samples});
  r.add({.name = "max_pool1d",
         .formula = "max_pool1d(x, 3, 2, 1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return max_pool1d(in[0], 3, 2, 1); },
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
