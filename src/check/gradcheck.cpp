// gradcheck and gradgradcheck: analytical Jacobians (one backward per output element)
// against central finite differences (two forwards per input element), in float64.

#include "nabla/gradcheck.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "nabla/ops.hpp"

namespace nabla {
namespace {

std::vector<std::int64_t> unravel(std::int64_t flat, const Shape& shape) {
  std::vector<std::int64_t> idx(shape.size());
  for (std::size_t i = shape.size(); i-- > 0;) {
    idx[i] = shape[i] ? flat % shape[i] : 0;
    flat = shape[i] ? flat / shape[i] : 0;
  }
  return idx;
}

std::string index_str(const std::vector<std::int64_t>& idx) {
  return fmt::format("[{}]", fmt::join(idx, ", "));
}

struct Problem {
  MultiFunction fn;
  std::vector<Tensor> inputs;     // float64 copies
  std::vector<std::size_t> diff;  // indices of inputs that require grad
  std::vector<Tensor> outputs;
  std::vector<std::size_t> diff_out;  // outputs that require grad
};

Problem prepare(const MultiFunction& fn, const std::vector<Tensor>& inputs) {
  Problem p{fn, {}, {}, {}, {}};
  {
    NoGradGuard no_grad;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i].defined()) {
        throw std::invalid_argument(fmt::format("nabla::gradcheck: input {} is undefined", i));
      }
      // A float64 copy, dense whatever the caller's layout: perturbing it never touches the
      // caller's values. Integer and bool inputs (labels, masks) are passed as they are.
      Tensor x = is_floating_point(inputs[i].dtype()) ? cast(inputs[i], f64) : inputs[i];
      if (inputs[i].requires_grad()) {
        x.requires_grad_();
        p.diff.push_back(i);
      }
      p.inputs.push_back(x);
    }
  }
  if (p.diff.empty()) {
    throw std::invalid_argument(
        "nabla::gradcheck: no input requires grad; call requires_grad_() on the inputs to check");
  }
  p.outputs = fn(p.inputs);
  for (std::size_t k = 0; k < p.outputs.size(); ++k) {
    if (!p.outputs[k].defined()) {
      throw std::invalid_argument(fmt::format("nabla::gradcheck: output {} is undefined", k));
    }
    if (p.outputs[k].requires_grad()) p.diff_out.push_back(k);
  }
  return p;
}

std::vector<Tensor> diff_inputs(const Problem& p) {
  std::vector<Tensor> out;
  for (auto i : p.diff) out.push_back(p.inputs[i]);
  return out;
}

// vᵀJ for output gradients `v` (one per output): one flat vector per differentiable input.
std::vector<std::vector<double>> vjp(const Problem& p, const std::vector<Tensor>& v) {
  std::vector<std::vector<double>> out(p.diff.size());
  std::vector<Tensor> outs, gos;
  for (auto k : p.diff_out) {
    outs.push_back(p.outputs[k]);
    gos.push_back(v[k]);
  }
  std::vector<Tensor> grads;
  if (!outs.empty()) grads = grad(outs, diff_inputs(p), gos, true, false, true);
  for (std::size_t j = 0; j < p.diff.size(); ++j) {
    const Tensor& x = p.inputs[p.diff[j]];
    if (j < grads.size() && grads[j].defined()) {
      out[j] = grads[j].to_vector();
    } else {
      out[j].assign(static_cast<std::size_t>(x.numel()), 0.0);
    }
  }
  return out;
}

std::vector<Tensor> random_like(const std::vector<Tensor>& ts, Generator& gen) {
  std::vector<Tensor> out;
  for (const auto& t : ts) out.push_back(randn(t.shape(), gen, f64));
  return out;
}

// Evaluates fn without recording and returns every output's values, flattened.
std::vector<std::vector<double>> evaluate(const Problem& p) {
  NoGradGuard no_grad;
  std::vector<Tensor> outs = p.fn(p.inputs);
  if (outs.size() != p.outputs.size()) {
    throw std::runtime_error(
        fmt::format("nabla::gradcheck: the function returned {} outputs on a second call, {} on "
                    "the first",
                    outs.size(), p.outputs.size()));
  }
  std::vector<std::vector<double>> vals;
  for (const auto& o : outs) vals.push_back(o.to_vector());
  return vals;
}

GradcheckResult fail(GradcheckResult r, const char* kind, std::string message) {
  r.passed = false;
  r.failure = kind;
  r.message = std::move(message);
  return r;
}

bool close(double a, double n, const GradcheckOptions& o) {
  return std::abs(a - n) <= o.atol + o.rtol * std::abs(n) || (std::isnan(a) && std::isnan(n));
}

// A Jacobian block as rows of numbers, for a message.
std::string jacobian_text(const Tensor& j) {
  const auto v = j.to_vector();
  const std::int64_t rows = j.shape()[0], cols = j.shape()[1];
  std::string out;
  for (std::int64_t q = 0; q < rows; ++q) {
    out += "  [";
    for (std::int64_t e = 0; e < cols; ++e)
      out += fmt::format("{}{:.6g}", e ? ", " : "", v[static_cast<std::size_t>(q * cols + e)]);
    out += q + 1 < rows ? "]\n" : "]";
  }
  return out;
}

GradcheckResult full_check(const Problem& p, const GradcheckOptions& o, GradcheckResult r) {
  // Analytical Jacobian, one row per output element.
  std::vector<std::size_t> out_offset{0};
  for (const auto& out : p.outputs)
    out_offset.push_back(out_offset.back() + static_cast<std::size_t>(out.numel()));
  const std::size_t rows = out_offset.back();
  std::vector<std::vector<std::vector<double>>> analytical(rows);  // [row][input][element]
  std::vector<Tensor> v;
  for (const auto& out : p.outputs) v.push_back(zeros(out.shape(), f64));
  for (std::size_t k = 0; k < p.outputs.size(); ++k) {
    for (std::int64_t e = 0; e < p.outputs[k].numel(); ++e) {
      double* pv = v[k].mutable_data<double>();
      pv[e] = 1.0;
      analytical[out_offset[k] + static_cast<std::size_t>(e)] = vjp(p, v);
      pv[e] = 0.0;
    }
  }

  // The blocks of the result's Jacobians, when asked for: [input j][output k].
  std::vector<std::vector<std::pair<Tensor, Tensor>>> blocks;
  if (o.return_jacobians) {
    for (const std::size_t i : p.diff) {
      blocks.emplace_back();
      for (const auto& out : p.outputs) {
        const Shape shape{out.numel(), p.inputs[i].numel()};
        blocks.back().emplace_back(zeros(shape, f64), zeros(shape, f64));
      }
    }
  }

  // Numerical Jacobian, one column per input element, compared as it is built.
  double worst_ratio = -1.0;
  bool any_nonzero = false;
  for (std::size_t j = 0; j < p.diff.size(); ++j) {
    Tensor x = p.inputs[p.diff[j]];
    double* px = x.mutable_data<double>();
    for (std::int64_t e = 0; e < x.numel(); ++e) {
      const double orig = px[e];
      px[e] = orig + o.eps;
      auto plus = evaluate(p);
      px[e] = orig - o.eps;
      auto minus = evaluate(p);
      px[e] = orig;
      for (std::size_t k = 0; k < p.outputs.size(); ++k) {
        for (std::size_t q = 0; q < plus[k].size(); ++q) {
          const double n = (plus[k][q] - minus[k][q]) / (2.0 * o.eps);
          const double a = analytical[out_offset[k] + q][j][static_cast<std::size_t>(e)];
          if (o.return_jacobians) {
            const std::int64_t at = static_cast<std::int64_t>(q) * x.numel() + e;
            blocks[j][k].first.mutable_data<double>()[at] = a;
            blocks[j][k].second.mutable_data<double>()[at] = n;
          }
          if (a != 0.0 || n != 0.0) any_nonzero = true;
          const double err = std::abs(a - n);
          const double bound = o.atol + o.rtol * std::abs(n);
          const double ratio = std::isnan(err) ? INFINITY : err / bound;
          ++r.elements_checked;
          r.max_abs_error = std::max(r.max_abs_error, std::isnan(err) ? INFINITY : err);
          if (n != 0.0) r.max_rel_error = std::max(r.max_rel_error, err / std::abs(n));
          if (ratio > worst_ratio && !(std::isnan(a) && std::isnan(n))) {
            worst_ratio = ratio;
            r.input = p.diff[j];
            r.input_index = unravel(e, x.shape());
            r.output = k;
            r.output_index = unravel(static_cast<std::int64_t>(q), p.outputs[k].shape());
            r.analytical = a;
            r.numerical = n;
          }
        }
      }
    }
  }
  for (std::size_t j = 0; j < blocks.size(); ++j) {
    for (std::size_t k = 0; k < blocks[j].size(); ++k)
      r.jacobians.push_back({p.diff[j], k, blocks[j][k].first, blocks[j][k].second});
  }
  if (worst_ratio > 1.0) {
    std::string message =
        fmt::format("gradcheck: Jacobian mismatch at input {} index {}, output {} index "
                    "{}: analytical {:.10g}, numerical {:.10g}, |a - n| = {:.3g} > atol + "
                    "rtol*|n| = {:.3g}",
                    r.input, index_str(r.input_index), r.output, index_str(r.output_index),
                    r.analytical, r.numerical, std::abs(r.analytical - r.numerical),
                    o.atol + o.rtol * std::abs(r.numerical));
    if (o.return_jacobians) {
      for (const JacobianBlock& b : r.jacobians) {
        if (b.input != r.input || b.output != r.output) continue;
        message += fmt::format(
            "\nanalytical Jacobian of output {} by input {} (a row per output element):\n{}"
            "\nnumerical Jacobian:\n{}",
            b.output, b.input, jacobian_text(b.analytical), jacobian_text(b.numerical));
      }
    }
    return fail(r, "jacobian", std::move(message));
  }
  if (!any_nonzero && !o.allow_all_zero) {
    return fail(r, "all_zero",
                "gradcheck: every analytical and numerical derivative is zero, so the check "
                "proves nothing; choose inputs where the function varies (or set "
                "allow_all_zero)");
  }
  return r;
}

// The checks that silent bugs hide behind: reentrancy, zero and linear output gradients.
GradcheckResult backward_checks(const Problem& p, const GradcheckOptions& o, Generator& gen,
                                GradcheckResult r) {
  const auto u = random_like(p.outputs, gen);
  const auto w = random_like(p.outputs, gen);
  const auto gu = vjp(p, u);
  const auto gu2 = vjp(p, u);
  for (std::size_t j = 0; j < gu.size(); ++j) {
    for (std::size_t e = 0; e < gu[j].size(); ++e) {
      if (gu[j][e] != gu2[j][e] && !(std::isnan(gu[j][e]) && std::isnan(gu2[j][e]))) {
        return fail(r, "reentrant",
                    fmt::format("gradcheck: backward is not reentrant: two backward passes with "
                                "the same output gradient gave {:.17g} then {:.17g} for input {} "
                                "element {}",
                                gu[j][e], gu2[j][e], p.diff[j], e));
      }
    }
  }
  std::vector<Tensor> zero;
  for (const auto& out : p.outputs) zero.push_back(zeros(out.shape(), f64));
  const auto gz = vjp(p, zero);
  for (std::size_t j = 0; j < gz.size(); ++j) {
    for (std::size_t e = 0; e < gz[j].size(); ++e) {
      if (gz[j][e] != 0.0) {
        return fail(r, "zero_grad_output",
                    fmt::format("gradcheck: a zero output gradient gave a nonzero gradient {:.10g} "
                                "for input {} element {}: the rule ignores grad_out",
                                gz[j][e], p.diff[j], e));
      }
    }
  }
  std::vector<Tensor> mix;
  {
    NoGradGuard no_grad;
    for (std::size_t k = 0; k < u.size(); ++k) mix.push_back(add(u[k], mul(w[k], 2.0)));
  }
  const auto gw = vjp(p, w);
  const auto gm = vjp(p, mix);
  for (std::size_t j = 0; j < gm.size(); ++j) {
    for (std::size_t e = 0; e < gm[j].size(); ++e) {
      const double expect = gu[j][e] + 2.0 * gw[j][e];
      if (!close(gm[j][e], expect, o)) {
        return fail(r, "linearity",
                    fmt::format("gradcheck: backward is not linear in the output gradient: for "
                                "input {} element {}, vjp(u + 2w) = {:.10g} but vjp(u) + "
                                "2·vjp(w) = {:.10g}",
                                p.diff[j], e, gm[j][e], expect));
      }
    }
  }
  return r;
}

GradcheckResult fast_check(const Problem& p, const GradcheckOptions& o, Generator& gen,
                           GradcheckResult r) {
  std::vector<Tensor> v = random_like(p.outputs, gen);
  const auto g = vjp(p, v);
  // Direction u over the differentiable inputs.
  std::vector<std::vector<double>> u(p.diff.size());
  double analytical = 0.0;
  for (std::size_t j = 0; j < p.diff.size(); ++j) {
    for (std::size_t e = 0; e < g[j].size(); ++e) {
      u[j].push_back(gen.normal());
      analytical += g[j][e] * u[j].back();
    }
  }
  auto shift = [&](double s) {
    for (std::size_t j = 0; j < p.diff.size(); ++j) {
      Tensor x = p.inputs[p.diff[j]];
      double* px = x.mutable_data<double>();
      for (std::size_t e = 0; e < u[j].size(); ++e) px[e] += s * u[j][e];
    }
  };
  std::vector<std::vector<double>> saved;
  for (auto i : p.diff) saved.push_back(p.inputs[i].to_vector());
  shift(o.eps);
  auto plus = evaluate(p);
  shift(-2.0 * o.eps);
  auto minus = evaluate(p);
  for (std::size_t j = 0; j < p.diff.size(); ++j) {  // restore exactly
    Tensor x = p.inputs[p.diff[j]];
    std::copy(saved[j].begin(), saved[j].end(), x.mutable_data<double>());
  }
  double numerical = 0.0;
  std::vector<std::vector<double>> vv;
  for (const auto& t : v) vv.push_back(t.to_vector());
  for (std::size_t k = 0; k < plus.size(); ++k) {
    for (std::size_t q = 0; q < plus[k].size(); ++q) {
      numerical += vv[k][q] * (plus[k][q] - minus[k][q]) / (2.0 * o.eps);
    }
  }
  r.analytical = analytical;
  r.numerical = numerical;
  r.max_abs_error = std::abs(analytical - numerical);
  r.max_rel_error = numerical != 0.0 ? r.max_abs_error / std::abs(numerical) : 0.0;
  r.elements_checked = 1;
  if (!close(analytical, numerical, o)) {
    GradcheckResult full = full_check(p, o, GradcheckResult{});
    const std::string head =
        fmt::format("gradcheck (fast mode): vᵀJu differs: analytical {:.10g}, numerical {:.10g}",
                    analytical, numerical);
    if (!full.passed) {
      full.message = head + "; the full check explains: " + full.message;
      return full;
    }
    return fail(r, "fast_mode", head + " (the full check passed: the step eps may be too large)");
  }
  if (analytical == 0.0 && numerical == 0.0 && !o.allow_all_zero) {
    return full_check(p, o, r);  // tells a vacuous check from an unlucky projection
  }
  return r;
}

GradcheckResult run(const MultiFunction& fn, const std::vector<Tensor>& inputs,
                    const GradcheckOptions& o) {
  Problem p = prepare(fn, inputs);
  for (std::size_t k = 0; k < p.outputs.size(); ++k) {
    if (p.outputs[k].dtype() != f64) {
      return fail(GradcheckResult{}, "dtype",
                  fmt::format("gradcheck: output {} is {} for float64 inputs; the function must "
                              "compute in the inputs' dtype (convert models with to(nabla::f64))",
                              k, dtype_name(p.outputs[k].dtype())));
    }
  }
  Generator gen(o.seed);
  try {
    GradcheckResult r =
        o.fast_mode && !o.return_jacobians ? fast_check(p, o, gen, {}) : full_check(p, o, {});
    if (!r.passed) return r;
    return backward_checks(p, o, gen, r);
  } catch (const std::exception& e) {
    // A malformed rule (wrong count or shape) is reported, not thrown: it is what the
    // check is for.
    return fail(GradcheckResult{}, "exception",
                fmt::format("gradcheck: the function or its backward threw: {}", e.what()));
  }
}

MultiFunction wrap(const Function& fn) {
  return [fn](const std::vector<Tensor>& in) { return std::vector<Tensor>{fn(in)}; };
}

}  // namespace

GradcheckResult gradcheck(const MultiFunction& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  return run(fn, inputs, options);
}

GradcheckResult gradcheck(const Function& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  return run(wrap(fn), inputs, options);
}

GradcheckResult gradgradcheck(const MultiFunction& fn, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options) {
  // The output gradients v become inputs of the checked function, so the check covers
  // the rules' dependence on grad_out as well as on the inputs.
  std::vector<Tensor> shapes_probe;
  {
    NoGradGuard no_grad;
    std::vector<Tensor> in64;
    for (const auto& t : inputs) in64.push_back(is_floating_point(t.dtype()) ? cast(t, f64) : t);
    shapes_probe = fn(in64);
  }
  Generator gen(options.seed + 1);
  std::vector<Tensor> all = inputs;
  std::vector<std::size_t> diff;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].requires_grad()) diff.push_back(i);
  }
  const std::size_t n_in = inputs.size();
  for (const auto& out : shapes_probe) all.push_back(randn(out.shape(), gen, f64).requires_grad_());
  MultiFunction g = [fn, n_in, diff](const std::vector<Tensor>& in) {
    std::vector<Tensor> xs(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n_in));
    std::vector<Tensor> vs(in.begin() + static_cast<std::ptrdiff_t>(n_in), in.end());
    // gradcheck's finite differences evaluate this function with grad mode off; the first
    // derivatives still need a graph, so build one, and record the backward only when
    // grad mode was on (that is the graph gradcheck differentiates).
    const bool record_backward = is_grad_enabled();
    AutoGradMode on(true);
    std::vector<Tensor> wrt;
    for (auto i : diff) {
      if (!record_backward) xs[i] = xs[i].detach().requires_grad_();
      wrt.push_back(xs[i]);
    }
    std::vector<Tensor> outs = fn(xs);
    std::vector<Tensor> out_req, v_req;
    for (std::size_t k = 0; k < outs.size(); ++k) {
      if (outs[k].requires_grad()) {
        out_req.push_back(outs[k]);
        v_req.push_back(record_backward ? vs[k] : vs[k].detach());
      }
    }
    std::vector<Tensor> grads(wrt.size());
    if (!out_req.empty()) grads = grad(out_req, wrt, v_req, true, record_backward, true);
    for (std::size_t j = 0; j < wrt.size(); ++j) {
      if (!grads[j].defined()) grads[j] = zeros(wrt[j].shape(), wrt[j].dtype());
    }
    return grads;
  };
  return run(g, all, options);
}

GradcheckResult gradgradcheck(const Function& fn, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options) {
  return gradgradcheck(wrap(fn), inputs, options);
}

}  // namespace nabla
