// clamp: elementwise clamp into [lo, hi].
//   forward : result = min(max(x, lo), hi)
//   backward: grad_x = grad_out ⊙ mask, mask = 1 where lo < x < hi, else 0
//   saves   : the mask, a constant without history (so ∂²/∂x² = 0)
//   shapes  : any; result has x's shape. lo ≤ hi, else std::invalid_argument

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct ClampNode final : Node {
  ClampNode() : Node("clamp") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {mul(grad_out, saved(0))};  // [..] = [..] ⊙ [..]
  }
};
}  // namespace

Tensor clamp(const Tensor& x, double lo, double hi, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("clamp", x);
  if (!(lo <= hi)) {
    throw std::invalid_argument(
        fmt::format("nabla::clamp: the lower bound {} must not exceed the upper bound {} (x {})",
                    lo, hi, shape_str(x.shape())));
  }
  const Tensor values = detail::dense(x);  // the node records x itself
  Tensor result = detail::make_tensor(x.shape(), x.dtype());
  detail::dispatch_floating("clamp", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = detail::data_ptr<T>(values);
    T* o = detail::data_ptr<T>(result);
    const T l = static_cast<T>(lo);
    const T h = static_cast<T>(hi);
    // NaN stays NaN: neither comparison holds
    for (std::int64_t i = 0; i < x.numel(); ++i) o[i] = p[i] < l ? l : (p[i] > h ? h : p[i]);
  });
  if (auto node = record<ClampNode>(result, {x})) {
    Tensor mask = detail::make_tensor(x.shape(), x.dtype());
    detail::dispatch_floating("clamp", x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* p = detail::data_ptr<T>(values);
      T* m = detail::data_ptr<T>(mask);
      for (std::int64_t i = 0; i < x.numel(); ++i) {
        m[i] = static_cast<double>(p[i]) > lo && static_cast<double>(p[i]) < hi ? T(1) : T(0);
      }
    });
    node->save(mask);
  }
  return result;
}

namespace detail {
namespace {
// Values in three bands, none within 0.2 of the bounds ±0.5 (finite differences must not
// cross a bound): below (−1.5, −0.7], inside [−0.3, 0.3), above [0.7, 1.5).
Tensor clamp_sample(const Shape& shape, Generator& g, Dtype d) {
  std::vector<double> v(static_cast<std::size_t>(shape_numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double u = g.uniform();
    const int band = i == 0 ? 1 : static_cast<int>(i % 3);  // the first (a scalar) inside
    v[i] = band == 0 ? -0.7 - 0.8 * u : (band == 1 ? -0.3 + 0.6 * u : 0.7 + 0.8 * u);
  }
  return tensor(v, shape, d);
}
}  // namespace

void register_clamp(OpRegistry& r) {
  r.add({
      .name = "clamp",
      .formula = "min(max(x, -0.5), 0.5)",
      .arity = 1,
      .fn = [](const std::vector<Tensor>& in) { return clamp(in[0], -0.5, 0.5); },
      .samples =
          [](Generator& g, Dtype d) {
            return std::vector<OpSample>{{"matrix [3,4]", {clamp_sample({3, 4}, g, d)}},
                                         {"vector [5]", {clamp_sample({5}, g, d)}},
                                         {"scalar []", {clamp_sample({}, g, d)}},
                                         {"rank 3 [2,3,4]", {clamp_sample({2, 3, 4}, g, d)}}};
          },
  });
}
}  // namespace detail
}  // namespace nabla
