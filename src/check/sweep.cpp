// The registry sweep behind nabla-gradcheck.

#include "nabla/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

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
    for (const std::string& f : r.failures) out += fmt::format("\n{} FAILED: {}\n", r.op, f);
  }
  out += fmt::format("\n{} passed, {} failed\n", report.passed, report.failed);
  return out;
}

std::string format_sweep_json(const SweepReport& report) {
  std::string out = "{\n  \"ops\": [\n";
  for (std::size_t i = 0; i < report.ops.size(); ++i) {
    const OpSweepResult& r = report.ops[i];
    std::string failures;
    for (std::size_t j = 0; j < r.failures.size(); ++j) {
      failures += fmt::format("{}\"{}\"", j ? ", " : "", json_escape(r.failures[j]));
    }
    out += fmt::format(
        "    {{\"op\": \"{}\", \"cases\": {}, \"worst_abs_error\": {}, \"worst_rel_error\": {}, "
        "\"gradgrad\": {}, \"bad_inputs_rejected\": {}, \"passed\": {}, \"failures\": [{}]}}{}\n",
        json_escape(r.op), r.cases, json_number(r.worst_abs_error), json_number(r.worst_rel_error),
        !r.gradgrad_checked ? "null" : (r.gradgrad_passed ? "true" : "false"),
        r.bad_inputs_rejected ? "true" : "false", r.passed ? "true" : "false", failures,
        i + 1 < report.ops.size() ? "," : "");
  }
  out += fmt::format("  ],\n  \"passed\": {},\n  \"failed\": {},\n  \"seconds\": {}\n}}\n",
                     report.passed, report.failed, json_number(report.seconds));
  return out;
}

}  // namespace nabla
