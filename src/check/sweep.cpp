// The registry sweep behind nabla-gradcheck.

#include "nabla/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>

#include "nabla/ops.hpp"

namespace nabla {
namespace {

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string json_number(double v) {
  if (std::isnan(v) || std::isinf(v)) return "null";
  return fmt::format("{:.6g}", v);
}

// A sample input rebuilt as a view in some layout: `base` is the storage (contiguous,
// float64), `view` maps it (or gradcheck's perturbed copy of it) to a tensor holding the
// input's values in its shape, through differentiable view ops.
struct Relayout {
  Tensor base;
  std::function<Tensor(const Tensor&)> view;
};

std::optional<Relayout> relayout(const Tensor& x, SweepLayout layout) {
  NoGradGuard no_grad;
  switch (layout) {
    case SweepLayout::transposed: {
      if (x.dim() < 2) return std::nullopt;
      std::vector<std::int64_t> reversed(static_cast<std::size_t>(x.dim()));
      for (std::size_t i = 0; i < reversed.size(); ++i) {
        reversed[i] = x.dim() - 1 - static_cast<std::int64_t>(i);
      }
      // reversing the axes is its own inverse
      return Relayout{clone(permute(x, reversed)),
                      [reversed](const Tensor& b) { return permute(b, reversed); }};
    }
    case SweepLayout::stepped: {
      if (x.dim() < 1) return std::nullopt;
      Shape s = x.shape();
      s.back() *= 2;
      // The skipped elements hold a value no sample has: an op that reads them shows.
      Tensor base = full(s, 1000.5, x.dtype());
      base.slice(-1, 0, std::nullopt, 2).copy_(x);
      return Relayout{base, [](const Tensor& b) { return slice(b, -1, 0, std::nullopt, 2); }};
    }
    case SweepLayout::expanded: {
      // Stride 0 along axes of extent > 1: the storage keeps index 0 of the outermost such
      // axis (and, from three of them on, of the innermost too) and expand repeats it. The
      // view's values are the sample's at index 0 there, so a sample's domain still holds.
      std::vector<std::size_t> wide;
      for (std::size_t i = 0; i < x.shape().size(); ++i) {
        if (x.shape()[i] > 1) wide.push_back(i);
      }
      if (wide.empty()) return std::nullopt;
      Tensor base = narrow(x, static_cast<std::int64_t>(wide.front()), 0, 1);
      if (wide.size() >= 3) base = narrow(base, static_cast<std::int64_t>(wide.back()), 0, 1);
      return Relayout{clone(base),
                      [shape = x.shape()](const Tensor& b) { return expand(b, shape); }};
    }
  }
  return std::nullopt;
}

// "" when got and want hold the same shape, dtype and values (within 1e-12 relative),
// else what differs.
std::string compare_values(const Tensor& got, const Tensor& want) {
  if (got.shape() != want.shape() || got.dtype() != want.dtype()) {
    return fmt::format("the result is {} {} but on the same values contiguous it is {} {}",
                       dtype_name(got.dtype()), shape_str(got.shape()), dtype_name(want.dtype()),
                       shape_str(want.shape()));
  }
  const std::vector<double> g = got.to_vector();
  const std::vector<double> w = want.to_vector();
  for (std::size_t i = 0; i < g.size(); ++i) {
    const bool both_nan = std::isnan(g[i]) && std::isnan(w[i]);
    if (!both_nan && !(g[i] == w[i]) &&
        !(std::fabs(g[i] - w[i]) <= 1e-12 * (1 + std::fabs(w[i])))) {
      return fmt::format(
          "forward value {} of {} is {} through the views but {} on the same values "
          "contiguous",
          i, g.size(), g[i], w[i]);
    }
  }
  return "";
}

OpSweepResult sweep_op(const OpInfo& op, const SweepOptions& options) {
  OpSweepResult r;
  r.op = op.name;
  Generator gen(options.seed);
  std::vector<OpSample> samples;
  try {
    samples = op.samples(gen, f64);
  } catch (const std::exception& e) {
    r.passed = false;
    r.failures.push_back(fmt::format("making sample inputs threw: {}", e.what()));
    return r;
  }
  if (options.layouts && !op.expanded_opt_out.empty()) {
    r.notes.push_back(fmt::format("not fed the expanded layout: {}", op.expanded_opt_out));
  }
  const Function fn = op.fn;
  for (OpSample& s : samples) {
    ++r.cases;
    for (Tensor& t : s.inputs) t.requires_grad_();
    try {
      GradcheckResult g = gradcheck(fn, s.inputs, options.check);
      r.worst_abs_error = std::max(r.worst_abs_error, g.max_abs_error);
      r.worst_rel_error = std::max(r.worst_rel_error, g.max_rel_error);
      if (!g.passed) {
        r.passed = false;
        r.failures.push_back(fmt::format("{}: {}", s.label, g.message));
      }
      if (options.gradgrad && op.check_gradgrad) {
        r.gradgrad_checked = true;
        GradcheckResult gg = gradgradcheck(fn, s.inputs, options.check);
        if (!gg.passed) {
          r.passed = false;
          r.gradgrad_passed = false;
          r.failures.push_back(fmt::format("{}: gradgrad: {}", s.label, gg.message));
        }
      }
    } catch (const std::exception& e) {
      r.passed = false;
      r.failures.push_back(fmt::format("{}: threw: {}", s.label, e.what()));
    }
    if (!options.layouts) continue;
    for (SweepLayout layout : kSweepLayouts) {
      const LayoutCheck c = check_layout(op, s, layout, options.check);
      if (!c.applied) continue;
      ++r.layout_cases;
      if (!c.passed) {
        r.passed = false;
        r.failures.push_back(fmt::format("{} as {}: {}", s.label, layout_name(layout), c.message));
      }
    }
  }
  if (op.bad_samples) {
    Generator bad_gen(options.seed);
    for (const OpSample& s : op.bad_samples(bad_gen, f64)) {
      try {
        (void)op.fn(s.inputs);
        r.passed = false;
        r.bad_inputs_rejected = false;
        r.failures.push_back(fmt::format("bad input '{}' was accepted: it must throw", s.label));
      } catch (const std::exception&) {
        // expected
      }
    }
  }
  return r;
}

}  // namespace

const char* layout_name(SweepLayout layout) {
  switch (layout) {
    case SweepLayout::transposed:
      return "transposed";
    case SweepLayout::stepped:
      return "stepped";
    case SweepLayout::expanded:
      return "expanded";
  }
  return "?";
}

LayoutCheck check_layout(const OpInfo& op, const OpSample& sample, SweepLayout layout,
                         const GradcheckOptions& options) {
  LayoutCheck c;
  if (layout == SweepLayout::expanded && !op.expanded_opt_out.empty()) {
    c.message = fmt::format("skipped: {}", op.expanded_opt_out);
    return c;
  }
  std::vector<Tensor> bases;
  std::vector<std::function<Tensor(const Tensor&)>> views;
  try {
    for (const Tensor& x : sample.inputs) {
      std::optional<Relayout> r = relayout(x.detach(), layout);
      c.applied = c.applied || r.has_value();
      if (r) {
        bases.push_back(r->base);
        views.push_back(r->view);
      } else {
        NoGradGuard no_grad;
        bases.push_back(clone(x));
        views.push_back(nullptr);
      }
    }
    if (!c.applied) return c;
    const Function fn = [&op, &views](const std::vector<Tensor>& in) {
      std::vector<Tensor> viewed;
      for (std::size_t i = 0; i < in.size(); ++i)
        viewed.push_back(views[i] ? views[i](in[i]) : in[i]);
      return op.fn(viewed);
    };
    {
      // The views' values made dense: the sample itself, but for the expanded layout, whose
      // values are the sample's repeated along the stride-0 axes.
      NoGradGuard no_grad;
      std::vector<Tensor> viewed, dense;
      for (std::size_t i = 0; i < bases.size(); ++i) {
        viewed.push_back(views[i] ? views[i](bases[i]) : bases[i]);
        dense.push_back(clone(viewed.back()));
      }
      const Tensor got = op.fn(viewed);
      c.message = compare_values(got, op.fn(dense));
    }
    if (!c.message.empty()) {
      c.passed = false;
      return c;
    }
    for (Tensor& b : bases) b.requires_grad_();
    GradcheckOptions through = options;
    // A broadcast may leave nothing to differentiate: softmax of a line repeated along its
    // axis is constant in the storage (shift invariance). The Jacobian is still compared
    // element by element; the other samples and layouts keep the check from being vacuous.
    if (layout == SweepLayout::expanded) through.allow_all_zero = true;
    const GradcheckResult g = gradcheck(fn, bases, through);
    if (!g.passed) {
      c.passed = false;
      c.message = fmt::format("gradcheck through the views: {}", g.message);
    }
  } catch (const std::exception& e) {
    c.passed = false;
    c.message = fmt::format("threw: {}", e.what());
  }
  return c;
}

SweepReport sweep(const OpRegistry& registry, const SweepOptions& options) {
  std::vector<const OpInfo*> chosen;
  if (options.ops.empty()) {
    for (const OpInfo& op : registry.all()) chosen.push_back(&op);
  } else {
    for (const std::string& name : options.ops) {
      const OpInfo* op = registry.find(name);
      if (op == nullptr) {
        throw std::invalid_argument(fmt::format("nabla::sweep: no op named '{}'; registered: {}",
                                                name, fmt::join(registry.names(), ", ")));
      }
      chosen.push_back(op);
    }
  }
  const auto start = std::chrono::steady_clock::now();
  SweepReport report;
  for (const OpInfo* op : chosen) {
    report.ops.push_back(sweep_op(*op, options));
    ++(report.ops.back().passed ? report.passed : report.failed);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

SweepReport sweep(const SweepOptions& options) {
  return sweep(op_registry(), options);
}

std::string format_sweep_table(const SweepReport& report) {
  std::string out = fmt::format("{:<20} {:>5} {:>12} {:>12} {:>9}  {}\n", "op", "cases",
                                "worst abs", "worst rel", "gradgrad", "verdict");
  out += std::string(70, '-') + "\n";
  for (const OpSweepResult& r : report.ops) {
    const char* gg = !r.gradgrad_checked ? "-" : (r.gradgrad_passed ? "ok" : "FAIL");
    out += fmt::format("{:<20} {:>5} {:>12.3e} {:>12.3e} {:>9}  {}\n", r.op, r.cases,
                       r.worst_abs_error, r.worst_rel_error, gg, r.passed ? "pass" : "FAIL");
  }
  for (const OpSweepResult& r : report.ops) {
    for (const std::string& n : r.notes) out += fmt::format("\n{} note: {}\n", r.op, n);
  }
  for (const OpSweepResult& r : report.ops) {
    for (const std::string& f : r.failures) out += fmt::format("\n{} FAILED: {}\n", r.op, f);
  }
  out += fmt::format("\n{} passed, {} failed\n", report.passed, report.failed);
  return out;
}

std::string format_sweep_json(const SweepReport& report) {
  std::string out = "{\n  \"ops\": [\n";
  for (std::size_t i = 0; i < report.ops.size(); ++i) {
    const OpSweepResult& r = report.ops[i];
    const auto strings = [](const std::vector<std::string>& v) {
      std::string list;
      for (std::size_t j = 0; j < v.size(); ++j) {
        list += fmt::format("{}\"{}\"", j ? ", " : "", json_escape(v[j]));
      }
      return list;
    };
    out += fmt::format(
        "    {{\"op\": \"{}\", \"cases\": {}, \"worst_abs_error\": {}, \"worst_rel_error\": {}, "
        "\"gradgrad\": {}, \"bad_inputs_rejected\": {}, \"passed\": {}, \"failures\": [{}], "
        "\"notes\": [{}]}}{}\n",
        json_escape(r.op), r.cases, json_number(r.worst_abs_error), json_number(r.worst_rel_error),
        !r.gradgrad_checked ? "null" : (r.gradgrad_passed ? "true" : "false"),
        r.bad_inputs_rejected ? "true" : "false", r.passed ? "true" : "false", strings(r.failures),
        strings(r.notes), i + 1 < report.ops.size() ? "," : "");
  }
  out += fmt::format("  ],\n  \"passed\": {},\n  \"failed\": {},\n  \"seconds\": {}\n}}\n",
                     report.passed, report.failed, json_number(report.seconds));
  return out;
}

}  // namespace nabla
