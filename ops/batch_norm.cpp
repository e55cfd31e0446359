// batch_norm: normalization of each channel (axis 1) by the batch's or the running statistics.
//   forward : y = (x − μ_c)·invstd_c·w_c + b_c, invstd_c = 1/√(σ²_c + eps); training: μ, σ²
//             the batch's mean and biased variance over every axis but 1 (one fused pass
//             for the sums, shifted by the channel's first value, in double; one for y),
//             and the running statistics updated in place (unbiased variance), unrecorded;
//             evaluation: μ, σ² the running statistics
//   backward: training: grad_x = w·invstd·(g − mean(g) − x̂·mean(g·x̂)), x̂ = (x − μ)·invstd
//             evaluation: grad_x = g·w·invstd
//             grad_w = Σ g·x̂, grad_b = Σ g (sums over every axis but 1)
//             one fused pass; under create_graph composed of nabla ops (μ and invstd
//             recomputed from x in training), so higher derivatives work
//   saves   : x, w, μ and invstd (per channel)
//   shapes  : x [N,C,*] (rank ≥ 2); w, b, running_mean, running_var [C] or absent
//   dtypes  : float32, float64, one of them throughout

#include <cmath>

#include "kernels/parallel.hpp"
#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace {

// x seen as [N, C, S]: N batches, C channels, S values per channel and batch.
struct NCS {
  std::int64_t n = 1, c = 1, s = 1;
  std::int64_t per_channel() const { return n * s; }
};

NCS ncs_of(const Shape& shape) {
  NCS d;
  d.n = shape[0];
  d.c = shape[1];
  for (std::size_t i = 2; i < shape.size(); ++i) d.s *= shape[i];
  return d;
}

// Channels per parallel piece, so that each piece has about kParallelGrain values.
std::int64_t channel_grain(const NCS& d) {
  return std::max<std::int64_t>(
      1, detail::kParallelGrain / std::max<std::int64_t>(1, d.per_channel()));
}

// Σ (p[i] − shift) and Σ (p[i] − shift)², eight lanes (so the compiler vectorizes).
template <class T>
void shifted_sums(const T* p, std::int64_t n, T shift, double& s1, double& s2) {
  T a[8] = {}, q[8] = {};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) {
      const T v = p[i + j] - shift;
      a[j] += v;
      q[j] += v * v;
    }
  }
  T ta = 0, tq = 0;
  for (; i < n; ++i) {
    const T v = p[i] - shift;
    ta += v;
    tq += v * v;
  }
  for (int j = 0; j < 8; ++j) {
    ta += a[j];
    tq += q[j];
  }
  s1 += static_cast<double>(ta);
  s2 += static_cast<double>(tq);
}

// Σ g[i] and Σ g[i]·(x[i] − m), eight lanes.
template <class T>
void grad_sums(const T* g, const T* x, std::int64_t n, T m, double& sg, double& sgx) {
  T a[8] = {}, q[8] = {};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) {
      a[j] += g[i + j];
      q[j] += g[i + j] * (x[i + j] - m);
    }
  }
  T ta = 0, tq = 0;
  for (; i < n; ++i) {
    ta += g[i];
    tq += g[i] * (x[i] - m);
  }
  for (int j = 0; j < 8; ++j) {
    ta += a[j];
    tq += q[j];
  }
  sg += static_cast<double>(ta);
  sgx += static_cast<double>(tq);
}

// Per-channel batch mean and biased variance of dense x, in double.
template <class T>
void channel_stats(const T* x, const NCS& d, std::vector<double>& mean, std::vector<double>& var) {
  mean.assign(static_cast<std::size_t>(d.c), 0.0);
  var.assign(static_cast<std::size_t>(d.c), 0.0);
  const double m = static_cast<double>(d.per_channel());
  detail::parallel_for(
      d.c,
      [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t c = lo; c < hi; ++c) {
          const T shift = x[c * d.s];  // shifting by a sample keeps Σv² − (Σv)²/M accurate
          double s1 = 0, s2 = 0;
          for (std::int64_t b = 0; b < d.n; ++b)
            shifted_sums(x + (b * d.c + c) * d.s, d.s, shift, s1, s2);
          const double mu = s1 / m;
          mean[static_cast<std::size_t>(c)] = static_cast<double>(shift) + mu;
          var[static_cast<std::size_t>(c)] = std::max(0.0, s2 / m - mu * mu);
        }
      },
      channel_grain(d));
}

// out[b, c, :] = x[b, c, :]·scale_c + shift_c (+ g[b, c, :]·gscale_c when g is given).
template <class T>
void channel_affine(T* out, const T* x, const T* g, const NCS& d, const std::vector<T>& scale,
                    const std::vector<T>& shift, const std::vector<T>& gscale) {
  const std::int64_t rows = d.n * d.c;
  detail::parallel_for(
      rows,
      [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t r = lo; r < hi; ++r) {
          const auto c = static_cast<std::size_t>(r % d.c);
          const T a = scale[c], k = shift[c];
          const T* xr = x + r * d.s;
          T* o = out + r * d.s;
          if (g != nullptr) {
            const T gs = gscale[c];
            const T* gr = g + r * d.s;
            for (std::int64_t i = 0; i < d.s; ++i) o[i] = gr[i] * gs + xr[i] * a + k;
          } else {
            for (std::int64_t i = 0; i < d.s; ++i) o[i] = xr[i] * a + k;
          }
        }
      },
      std::max<std::int64_t>(1, detail::kParallelGrain / std::max<std::int64_t>(1, d.s)));
}

// A per-channel vector [C] as [1, C, 1, ...] of rank r, to broadcast against x.
Tensor per_channel(const Tensor& v, std::size_t rank) {
  Shape s(rank, 1);
  s[1] = v.shape()[0];
  return reshape(v, s);
}

std::vector<std::int64_t> stat_axes(std::size_t rank) {
  std::vector<std::int64_t> axes{0};
  for (std::size_t i = 2; i < rank; ++i) axes.push_back(static_cast<std::int64_t>(i));
  return axes;
}

struct BatchNormNode final : Node {
  BatchNormNode(bool training, double eps, bool has_w, bool has_b)
      : Node("batch_norm"), training_(training), eps_(eps), has_w_(has_w), has_b_(has_b) {}
  bool training_;
  double eps_;
  bool has_w_, has_b_;
  std::size_t x_ = 0, w_ = 0, mean_ = 0, invstd_ = 0;

  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(x_);
    const Tensor w = has_w_ ? saved(w_) : Tensor();
    std::vector<Tensor> grads(1 + (has_w_ ? 1 : 0) + (has_b_ ? 1 : 0));
    const bool need_x = needs_input_grad(0);
    const bool need_w = has_w_ && needs_input_grad(1);
    const bool need_b = has_b_ && needs_input_grad(has_w_ ? 2 : 1);
    if (is_grad_enabled()) {
      composed(grad_out, x, w, need_x, need_w, need_b, grads);
    } else {
      fused(grad_out, x, w, need_x, need_w, need_b, grads);
    }
    return grads;
  }

  // The rule in nabla ops (create_graph): μ and invstd recomputed from x in training.
  void composed(const Tensor& g, const Tensor& x, const Tensor& w, bool need_x, bool need_w,
                bool need_b, std::vector<Tensor>& grads) {
    const std::size_t r = x.dim();
    const auto axes = stat_axes(r);
    Tensor mu, invstd;
    if (training_) {
      mu = mean(x, axes, true);
      const Tensor xc = sub(x, mu);
      invstd = rsqrt(add(mean(mul(xc, xc), axes, true), eps_));
    } else {
      mu = per_channel(saved(mean_), r);
      invstd = per_channel(saved(invstd_), r);
    }
    const Tensor xhat = mul(sub(x, mu), invstd);  // [N,C,*]
    if (need_x) {
      Tensor scale = w.defined() ? mul(per_channel(w, r), invstd) : invstd;  // [1,C,1..]
      if (training_) {
        const Tensor inner =
            sub(sub(g, mean(g, axes, true)), mul(xhat, mean(mul(g, xhat), axes, true)));
        grads[0] = mul(scale, inner);
      } else {
        grads[0] = mul(g, scale);
      }
    }
    if (need_w) grads[1] = sum(mul(g, xhat), axes);
    if (need_b) grads[has_w_ ? 2 : 1] = sum(g, axes);
  }

  // One pass for the per-channel sums of g and g·(x − μ), one for grad_x.
  void fused(const Tensor& g_in, const Tensor& x, const Tensor& w, bool need_x, bool need_w,
             bool need_b, std::vector<Tensor>& grads) {
    const Tensor g = detail::dense(g_in);
    const NCS d = ncs_of(x.shape());
    const Tensor mean_t = saved(mean_), invstd_t = saved(invstd_);
    const Tensor w_d = w.defined() ? detail::dense(w) : Tensor();
    detail::dispatch_floating("batch_norm", x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* gp = detail::data_ptr<T>(g);
      const T* xp = detail::data_ptr<T>(x);
      const T* mp = detail::data_ptr<T>(mean_t);
      const T* ip = detail::data_ptr<T>(invstd_t);
      const auto C = static_cast<std::size_t>(d.c);
      std::vector<double> sg(C, 0.0), sgx(C, 0.0);
      detail::parallel_for(
          d.c,
          [&](std::int64_t lo, std::int64_t hi) {
            for (std::int64_t c = lo; c < hi; ++c) {
              double a = 0, q = 0;
              for (std::int64_t b = 0; b < d.n; ++b) {
                const std::int64_t off = (b * d.c + c) * d.s;
                grad_sums(gp + off, xp + off, d.s, mp[c], a, q);
              }
              sg[static_cast<std::size_t>(c)] = a;
              sgx[static_cast<std::size_t>(c)] = q;
            }
          },
          channel_grain(d));
      if (need_w) {
        Tensor gw = detail::make_tensor({d.c}, x.dtype(), "batch_norm");
        T* p = detail::data_ptr<T>(gw);
        for (std::size_t c = 0; c < C; ++c)
          p[c] = static_cast<T>(sgx[c] * static_cast<double>(ip[c]));
        grads[1] = gw;
      }
      if (need_b) {
        Tensor gb = detail::make_tensor({d.c}, x.dtype(), "batch_norm");
        T* p = detail::data_ptr<T>(gb);
        for (std::size_t c = 0; c < C; ++c) p[c] = static_cast<T>(sg[c]);
        grads[has_w_ ? 2 : 1] = gb;
      }
      if (!need_x) return;
      // grad_x = a·g + b·x + k with a = w·invstd, and in training b = −w·invstd³·Σg(x−μ)/M,
      // k = −a·Σg/M − b·μ (the expansion of w·invstd·(g − mean g − x̂·mean(g·x̂))).
      const T* wp = w_d.defined() ? detail::data_ptr<T>(w_d) : nullptr;
      const double m = static_cast<double>(d.per_channel());
      std::vector<T> ga(C), xb(C), k(C);
      for (std::size_t c = 0; c < C; ++c) {
        const double is = static_cast<double>(ip[c]);
        const double a = (wp != nullptr ? static_cast<double>(wp[c]) : 1.0) * is;
        const double b = training_ ? -a * is * is * sgx[c] / m : 0.0;
        ga[c] = static_cast<T>(a);
        xb[c] = static_cast<T>(b);
        k[c] = static_cast<T>(training_ ? -a * sg[c] / m - b * static_cast<double>(mp[c]) : 0.0);
      }
      Tensor gx = detail::make_tensor(x.shape(), x.dtype(), "batch_norm");
      channel_affine<T>(detail::data_ptr<T>(gx), xp, gp, d, xb, k, ga);
      grads[0] = gx;
    });
  }
};

void check_channel_vector(const Tensor& v, const char* what, const Tensor& x) {
  if (!v.defined()) return;
  const std::int64_t c = x.shape()[1];
  if (v.dim() != 1 || v.shape()[0] != c) {
    throw std::invalid_argument(fmt::format(
        "nabla::batch_norm: {} has shape {}, but x {} has {} channels (axis 1): expected [{}]",
        what, shape_str(v.shape()), shape_str(x.shape()), c, c));
  }
  if (v.dtype() != x.dtype()) {
    throw std::invalid_argument(fmt::format("nabla::batch_norm: {} is {}, but x is {}", what,
                                            dtype_name(v.dtype()), dtype_name(x.dtype())));
  }
}
}  // namespace

Tensor batch_norm(const Tensor& x_in, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training,
                  std::optional<double> momentum, double eps, const Tensor& num_batches_tracked,
                  CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("batch_norm", x_in, "x");
  detail::check_floating("batch_norm", x_in, "x");
  if (x_in.dim() < 2) {
    throw std::invalid_argument(
        fmt::format("nabla::batch_norm: x must have rank ≥ 2 ([N,C,*]), got shape {}",
                    shape_str(x_in.shape())));
  }
  check_channel_vector(running_mean, "running_mean", x_in);
  check_channel_vector(running_var, "running_var", x_in);
  check_channel_vector(weight, "weight", x_in);
  check_channel_vector(bias, "bias", x_in);
  if (running_mean.defined() != running_var.defined()) {
    throw std::invalid_argument(
        "nabla::batch_norm: running_mean and running_var must be given together");
  }
  if (!training && !running_mean.defined()) {
    throw std::invalid_argument(
        "nabla::batch_norm: running_mean and running_var must be given in evaluation mode "
        "(training false)");
  }
  if (!(eps >= 0.0)) {
    throw std::invalid_argument(fmt::format("nabla::batch_norm: eps must be ≥ 0, got {}", eps));
  }
  const bool update = training && running_mean.defined();
  if (update && !momentum && !num_batches_tracked.defined()) {
    throw std::invalid_argument(
        "nabla::batch_norm: momentum nullopt (a cumulative average) needs num_batches_tracked");
  }
  if (num_batches_tracked.defined() &&
      (num_batches_tracked.dtype() != i64 || num_batches_tracked.numel() != 1)) {
    throw std::invalid_argument(fmt::format(
        "nabla::batch_norm: num_batches_tracked must be one int64 value, got {} of shape {}",
        dtype_name(num_batches_tracked.dtype()), shape_str(num_batches_tracked.shape())));
  }
  const NCS d = ncs_of(x_in.shape());
  if (training && d.per_channel() <= 1 && x_in.numel() > 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::batch_norm: expected more than 1 value per channel when training, got input "
        "size {}",
        shape_str(x_in.shape())));
  }
  const Tensor x = detail::dense(x_in);
  const auto C = static_cast<std::size_t>(d.c);
  Tensor mean_t = detail::make_tensor({d.c}, x.dtype(), "batch_norm");
  Tensor invstd_t = detail::make_tensor({d.c}, x.dtype(), "batch_norm");
  Tensor result = detail::make_tensor(x.shape(), x.dtype(), "batch_norm");
  if (x.numel() > 0) {
    detail::dispatch_floating("batch_norm", x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* xp = detail::data_ptr<T>(x);
      std::vector<double> mu, var;
      if (training) {
        channel_stats(xp, d, mu, var);
      } else {
        mu = detail::dense(running_mean).to_vector();
        var = detail::dense(running_var).to_vector();
      }
      const std::vector<double> wv = weight.defined() ? weight.to_vector() : std::vector<double>();
      const std::vector<double> bv = bias.defined() ? bias.to_vector() : std::vector<double>();
      std::vector<T> scale(C), shift(C);
      T* mp = detail::data_ptr<T>(mean_t);
      T* ip = detail::data_ptr<T>(invstd_t);
      for (std::size_t c = 0; c < C; ++c) {
        const double is = 1.0 / std::sqrt(var[c] + eps);
        const double a = (weight.defined() ? wv[c] : 1.0) * is;
        scale[c] = static_cast<T>(a);
        shift[c] = static_cast<T>((bias.defined() ? bv[c] : 0.0) - mu[c] * a);
        mp[c] = static_cast<T>(mu[c]);
        ip[c] = static_cast<T>(is);
      }
      channel_affine<T>(detail::data_ptr<T>(result), xp, nullptr, d, scale, shift, {});
      if (update) {
        double factor = momentum.value_or(0.0);
        NoGradGuard no_grad;
        if (num_batches_tracked.defined()) {
          const auto count = num_batches_tracked.item<std::int64_t>() + 1;
          const_cast<Tensor&>(num_batches_tracked).fill_(static_cast<double>(count));
          if (!momentum) factor = 1.0 / static_cast<double>(count);
        }
        const double m = static_cast<double>(d.per_channel());
        const std::vector<double> rm = detail::dense(running_mean).to_vector();
        const std::vector<double> rv = detail::dense(running_var).to_vector();
        std::vector<double> nm(C), nv(C);
        for (std::size_t c = 0; c < C; ++c) {
          nm[c] = (1.0 - factor) * rm[c] + factor * mu[c];
          nv[c] = (1.0 - factor) * rv[c] + factor * var[c] * m / (m - 1.0);
        }
        const_cast<Tensor&>(running_mean).copy_(tensor(nm, {d.c}, x.dtype()));
        const_cast<Tensor&>(running_var).copy_(tensor(nv, {d.c}, x.dtype()));
      }
    });
  } else if (update && num_batches_tracked.defined()) {
    NoGradGuard no_grad;
    const_cast<Tensor&>(num_batches_tracked)
        .fill_(static_cast<double>(num_batches_tracked.item<std::int64_t>() + 1));
  }
  std::vector<Tensor> inputs{x_in};
  if (weight.defined()) inputs.push_back(weight);
  if (bias.defined()) inputs.push_back(bias);
  if (auto node =
          record<BatchNormNode>(result, inputs, training, eps, weight.defined(), bias.defined())) {
    node->x_ = node->save(x);
    if (weight.defined()) node->w_ = node->save(weight);
    node->mean_ = node->save(mean_t);
    node->invstd_ = node->save(invstd_t);
  }
  return result;
}

namespace detail {
namespace {
// x [N,C,*] with weight and bias [C]; channels well spread so that var + eps is far from 0.
std::vector<OpSample> batch_norm_samples(Generator& g, Dtype d) {
  auto s = [&](const char* label, const Shape& x) {
    const Shape c{x[1]};
    return OpSample{
        label,
        {sample_tensor(x, g, d), sample_tensor(c, g, d, Domain::positive), sample_tensor(c, g, d)}};
  };
  return {s("[N,C] [4,3]", {4, 3}), s("[N,C,L] [3,2,4]", {3, 2, 4}),
          s("[N,C,H,W] [2,3,2,2]", {2, 3, 2, 2})};
}
std::vector<OpSample> batch_norm_bad_samples(Generator& g, Dtype d) {
  return {{"weight of 2 channels for x of 3",
           {sample_tensor({4, 3}, g, d), sample_tensor({2}, g, d), sample_tensor({3}, g, d)}},
          {"one value per channel [1,3]",
           {sample_tensor({1, 3}, g, d), sample_tensor({3}, g, d), sample_tensor({3}, g, d)}},
          {"rank 1 [3]",
           {sample_tensor({3}, g, d), sample_tensor({3}, g, d), sample_tensor({3}, g, d)}}};
}
}  // namespace

void register_batch_norm(OpRegistry& r) {
  r.add({.name = "batch_norm",
         .formula = "(x - mean) / sqrt(var + 0.1) * w + b, batch statistics (training)",
         .arity = 3,
         .fn =
             [](const std::vector<Tensor>& in) {
               // eps 0.1: the sweep's expanded layout repeats x along the normalized axes, so the
               // variance is 0 there and eps 1e-5 would make the curvature (~eps^(-5/2)) defeat
               // finite differences; the formulas checked are the same for any eps
               return batch_norm(in[0], {}, {}, in[1], in[2], /*training=*/true, 0.1, 0.1);
             },
         .samples = batch_norm_samples,
         .bad_samples = batch_norm_bad_samples});
  r.add({.name = "batch_norm_eval",
         .formula = "(x - running_mean) / sqrt(running_var + eps) * w + b",
         .arity = 3,
         .fn =
             [](const std::vector<Tensor>& in) {
               // any x (the fuzzer's too): statistics of 1 channel when x has no axis 1
               const bool shaped = in[0].defined() && in[0].dim() >= 2;
               const std::int64_t c = shaped ? in[0].shape()[1] : 1;
               const Dtype dt = shaped && is_floating_point(in[0].dtype()) ? in[0].dtype() : f64;
               std::vector<double> m(static_cast<std::size_t>(c)), v(m.size());
               for (std::size_t i = 0; i < m.size(); ++i) {
                 m[i] = 0.1 * static_cast<double>(i) - 0.2;
                 v[i] = 0.5 + 0.25 * static_cast<double>(i);
               }
               return batch_norm(in[0], tensor(m, {c}, dt), tensor(v, {c}, dt), in[1], in[2],
                                 /*training=*/false);
             },
         .samples = batch_norm_samples,
         .bad_samples =
             [](Generator& g, Dtype d) {
               auto all = batch_norm_bad_samples(g, d);
               all.erase(all.begin() + 1);  // one value per channel is fine in evaluation
               return all;
             }});
}
}  // namespace detail
}  // namespace nabla
