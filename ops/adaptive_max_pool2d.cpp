// adaptive_max_pool2d: the maximum of each of oH×oW windows that tile each H×W plane, with
// its flat index (F.adaptive_max_pool2d, return_indices).
//   forward : result[.., i, j] = max of x[.., h, w] over adaptive_avg_pool2d's window (i, j);
//             indices = the first argmax as h·W + w (the last NaN when there is one)
//   backward: grad_x = max_pool2d_backward(grad_out, indices, x's shape) (the indices get
//             no gradient)
//   saves   : indices (int64, no history)
//   shapes  : x [N, C, H, W] or [C, H, W] → [.., oH, oW]; oH, oW ≥ 1
//   dtypes  : float32, float64; any strides (read in place)

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct AdaptiveMaxPool2dNode final : Node {
  explicit AdaptiveMaxPool2dNode(Shape in_shape)
      : Node("adaptive_max_pool2d"), in_shape_(std::move(in_shape)) {}
  Shape in_shape_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {max_pool2d_backward(grad_out, saved(0), in_shape_)};
  }
};
}  // namespace

Int2 adaptive_output_size(const char* op, const Tensor& x, Int2 size);  // adaptive_avg

}  // namespace detail

ValuesIndices adaptive_max_pool2d_with_indices(const Tensor& x, Int2 output_size,
                                               CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "adaptive_max_pool2d";
  const detail::Planes pl = detail::planes_of(op, x);
  const Int2 s = detail::adaptive_output_size(op, x, output_size);
  const std::int64_t oh = s.h, ow = s.w;
  const Shape shape = pl.with_plane(oh, ow);
  Tensor values = detail::make_tensor(shape, x.dtype(), op);
  Tensor indices = detail::make_tensor(shape, Dtype::i64, op);
  detail::dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = detail::base_ptr<T>(x);
    T* o = detail::data_ptr<T>(values);
    std::int64_t* ip = detail::data_ptr<std::int64_t>(indices);
    const std::int64_t h = pl.h, w = pl.w, sh = pl.sh, sw = pl.sw;
    detail::parallel_for(
        pl.planes,
        [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t q = lo; q < hi; ++q) {
            const T* src = base + pl.offset(q);
            for (std::int64_t i = 0; i < oh; ++i) {
              const std::int64_t a0 = detail::adaptive_start(i, h, oh);
              const std::int64_t a1 = detail::adaptive_end(i, h, oh);
              for (std::int64_t j = 0; j < ow; ++j) {
                const std::int64_t b0 = detail::adaptive_start(j, w, ow);
                const std::int64_t b1 = detail::adaptive_end(j, w, ow);
                T best = -std::numeric_limits<T>::infinity();
                std::int64_t best_at = a0 * w + b0;
                for (std::int64_t a = a0; a < a1; ++a)
                  for (std::int64_t b = b0; b < b1; ++b) {
                    const T v = src[a * sh + b * sw];
                    if (v > best || v != v) {
                      best = v;
                      best_at = a * w + b;
                    }
                  }
                o[(q * oh + i) * ow + j] = best;
                ip[(q * oh + i) * ow + j] = best_at;
              }
            }
          }
        },
        detail::plane_grain(h * w));
  });
  if (auto node = record<detail::AdaptiveMaxPool2dNode>(values, {x}, x.shape()))
    node->save(indices);
  return {values, indices};
}

Tensor adaptive_max_pool2d(const Tensor& x, Int2 output_size, CallSite where) {
  return adaptive_max_pool2d_with_indices(x, output_size, where).values;
}

namespace detail {
std::vector<OpSample> pool_samples(Generator& g, Dtype d);  // ops/max_pool2d.cpp

void register_adaptive_max_pool2d(OpRegistry& r) {
  // independent normal samples: no ties in a window (see max_pool2d)
  r.add({.name = "adaptive_max_pool2d",
         .formula = "adaptive_max_pool2d(x, {3, 2})",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return adaptive_max_pool2d(in[0], {3, 2}); },
         .samples = pool_samples,
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"2-d [4,4]", {sample_tensor({4, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
