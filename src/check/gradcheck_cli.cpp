// The command line of nabla-gradcheck (a library function, so any program can offer it).

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "nabla/sweep.hpp"

namespace nabla {
namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr const char* kUsage =
    "usage: {0} [--op NAME]... [--fast] [--eps X] [--atol X] [--rtol X] [--seed N]\n"
    "       {0} [--no-gradgrad] [--jacobians] [--json FILE] | --list | --help\n"
    "\n"
    "Checks the gradients of registered ops against central finite differences in\n"
    "float64 (gradcheck and gradgradcheck over each op's sample inputs).\n"
    "\n"
    "  --op NAME      check only this op (repeatable; default: all)\n"
    "  --list         list the registered ops and exit\n"
    "  --fast         compare one random projection v^T J u instead of the Jacobian\n"
    "  --eps X        finite-difference step (default 1e-6)\n"
    "  --atol X       absolute tolerance (default 1e-5)\n"
    "  --rtol X       relative tolerance (default 1e-3)\n"
    "  --seed N       seed of sample inputs and projections (default 0)\n"
    "  --no-gradgrad  skip second derivatives\n"
    "  --jacobians    on a Jacobian mismatch, print the whole analytical and numerical\n"
    "                 Jacobians of the failing input and output (default: the worst element)\n"
    "  --json FILE    also write the report as JSON\n"
    "\n"
    "Exit status: 0 all pass, 1 some op fails, 2 bad usage.\n";

double parse_positive(std::string_view flag, std::string_view text) {
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !(v > 0.0)) {
    throw UsageError(fmt::format("{} expects a positive number, got '{}'", flag, text));
  }
  return v;
}

std::uint64_t parse_seed(std::string_view text) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw UsageError(fmt::format("--seed expects a non-negative integer, got '{}'", text));
  }
  return v;
}

}  // namespace

int gradcheck_main(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  const std::string prog = argc > 0 ? argv[0] : "nabla-gradcheck";
  SweepOptions options;
  std::string json_path;
  bool list = false;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      auto value = [&]() -> std::string_view {
        if (i + 1 >= argc) throw UsageError(fmt::format("{} needs a value", arg));
        return argv[++i];
      };
      if (arg == "--help" || arg == "-h") {
        fmt::print(out, kUsage, prog);
        return 0;
      } else if (arg == "--op") {
        options.ops.emplace_back(value());
      } else if (arg == "--list") {
        list = true;
      } else if (arg == "--fast") {
        options.check.fast_mode = true;
      } else if (arg == "--eps") {
        options.check.eps = parse_positive(arg, value());
      } else if (arg == "--atol") {
        options.check.atol = parse_positive(arg, value());
      } else if (arg == "--rtol") {
        options.check.rtol = parse_positive(arg, value());
      } else if (arg == "--seed") {
        options.seed = parse_seed(value());
        options.check.seed = options.seed;
      } else if (arg == "--no-gradgrad") {
        options.gradgrad = false;
      } else if (arg == "--jacobians") {
        options.check.return_jacobians = true;
      } else if (arg == "--json") {
        json_path = value();
      } else {
        throw UsageError(fmt::format("unknown argument '{}'", arg));
      }
    }
    for (const std::string& name : options.ops) {
      if (op_registry().find(name) == nullptr) {
        throw UsageError(fmt::format("no op named '{}' (--list shows the registered ops)", name));
      }
    }
  } catch (const UsageError& e) {
    fmt::print(err, "{}: {}\n\n", prog, e.what());
    fmt::print(err, kUsage, prog);
    return 2;
  }

  if (list) {
    for (const OpInfo& op : op_registry().all()) {
      fmt::print(out, "{:<20} {}  (arity {})\n", op.name, op.formula, op.arity);
    }
    fmt::print(out, "{} ops\n", op_registry().all().size());
    return 0;
  }

  // Open the JSON file before the sweep, so a bad path fails at once.
  std::FILE* json = nullptr;
  if (!json_path.empty()) {
    json = std::fopen(json_path.c_str(), "w");
    if (json == nullptr) {
      fmt::print(err, "{}: cannot write --json file '{}': {}\n", prog, json_path,
                 std::strerror(errno));
      return 2;
    }
  }
  const SweepReport report = sweep(options);
  fmt::print(out, "{}", format_sweep_table(report));
  fmt::print(out, "({} ops in {:.1f} s{})\n", report.ops.size(), report.seconds,
             options.check.fast_mode ? ", fast mode" : "");
  if (json != nullptr) {
    fmt::print(json, "{}", format_sweep_json(report));
    std::fclose(json);
  }
  return report.all_passed() ? 0 : 1;
}

}  // namespace nabla
