#pragma once
/// \file sweep.hpp
/// Checks every op of a registry (or the ones named) over all its sample inputs with
/// gradcheck and gradgradcheck. `nabla-gradcheck` is a thin command line over this, so
/// any program, with its own ops registered, can offer the same sweep.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "nabla/gradcheck.hpp"
#include "nabla/registry.hpp"

namespace nabla {

/// What to sweep and how.
struct SweepOptions {
  /// Ops to check, by name; empty means every registered op.
  std::vector<std::string> ops;
  /// Tolerances, step and mode of each check (fast_mode compares vᵀJu).
  GradcheckOptions check;
  /// Seed of the sample inputs.
  std::uint64_t seed = 0;
  /// Also check second derivatives (for ops whose entry asks for it).
  bool gradgrad = true;
  /// Also feed every sample as non-contiguous views (see SweepLayout and check_layout):
  /// the forward must equal the op on the contiguous sample, and gradcheck pass through
  /// the views.
  bool layouts = true;
};

/// A non-contiguous layout holding a sample input's values, shape and dtype.
enum class SweepLayout {
  transposed,  ///< storage of the reversed-axes shape, viewed back with reversed strides (rank ≥ 2)
  stepped,     ///< storage twice as long along the last axis, every second element (rank ≥ 1)
  /// a broadcast: stride 0 along the outermost axis of extent > 1 (and, at three or more
  /// such axes, the innermost too), over a storage holding only index 0 of those axes
  /// (rank ≥ 1 with an extent > 1). The values are the sample's at index 0 there, repeated,
  /// so they differ from the sample's but keep its domain. An op whose entry sets
  /// OpInfo::expanded_opt_out is not fed this layout.
  expanded,
};

/// Every layout, in the order the sweep feeds them.
inline constexpr SweepLayout kSweepLayouts[] = {SweepLayout::transposed, SweepLayout::stepped,
                                                SweepLayout::expanded};

/// "transposed", "stepped" or "expanded".
const char* layout_name(SweepLayout layout);

/// The outcome of feeding one sample to an op in one layout.
struct LayoutCheck {
  /// false when no input of the sample has the layout (a scalar, say) or the op opts out
  bool applied = false;
  bool passed = true;
  /// for a failure: what differed or threw; for an opt-out: "skipped: " and its reason
  std::string message;
};

/// Feeds `sample`'s inputs to `op` as views in `layout` (an input the layout does not
/// apply to stays as it is) and checks that (1) the forward values equal op applied to
/// the same values made contiguous (for the transposed and stepped layouts, the sample
/// itself), within 1e-12 relative (summed perhaps in another order), and (2) gradcheck
/// passes through the views: the function checked maps the views' storages (float64,
/// requiring grad) to op(views), so every gradient flows through the view ops and the op's
/// rule applied to non-contiguous inputs.
LayoutCheck check_layout(const OpInfo& op, const OpSample& sample, SweepLayout layout,
                         const GradcheckOptions& options = {});

/// One op's outcome over all its samples.
struct OpSweepResult {
  std::string op;
  std::size_t cases = 0;            ///< samples checked
  double worst_abs_error = 0.0;     ///< largest |a − n| over every case
  double worst_rel_error = 0.0;     ///< largest |a − n| / |n| over every case
  bool gradgrad_checked = false;    ///< whether gradgradcheck ran
  bool gradgrad_passed = true;      ///< its verdict (true when it did not run)
  bool bad_inputs_rejected = true;  ///< every bad sample threw
  std::size_t layout_cases = 0;     ///< (sample, layout) pairs fed as views
  bool passed = true;               ///< gradcheck, gradgradcheck and bad inputs all fine
  /// For a failure: which sample ("broadcast rhs [3,4]+[4]"), in which layout for a view
  /// case ("matrix [3,4] as transposed"), and what failed, naming the element (input,
  /// index, analytical and numerical values).
  std::vector<std::string> failures;
  /// What was not checked and why (a layout the op's entry opts out of, with its reason).
  std::vector<std::string> notes;
};

/// The whole sweep.
struct SweepReport {
  std::vector<OpSweepResult> ops;
  std::size_t passed = 0;
  std::size_t failed = 0;
  double seconds = 0.0;
  bool all_passed() const noexcept { return failed == 0; }
};

/// Runs the sweep over `registry`. Throws std::invalid_argument naming an op in
/// `options.ops` that the registry does not hold (and listing the ones it does).
SweepReport sweep(const OpRegistry& registry, const SweepOptions& options = {});

/// The sweep over the process-wide registry (built-in ops plus any registered since).
SweepReport sweep(const SweepOptions& options = {});

/// The report as a table: op, cases, worst absolute and relative error, gradgrad verdict,
/// verdict; notes and failures listed under it; then the summary line `N passed, M failed`.
std::string format_sweep_table(const SweepReport& report);

/// The report as JSON (an object with "ops", "passed", "failed", "seconds"; each op with
/// its "failures" and "notes").
std::string format_sweep_json(const SweepReport& report);

/// The command line of `nabla-gradcheck`, as a function any program can call after
/// registering its own ops (see examples/custom_op). Flags:
///
///   --op NAME     check only this op (repeatable); default: every registered op
///   --list        list the registered ops with their formulas and exit
///   --fast        compare one random projection vᵀJu per case instead of the Jacobian
///   --eps X --atol X --rtol X   finite-difference step and tolerances
///   --seed N      seed of the sample inputs and projections
///   --no-gradgrad skip second derivatives
///   --json FILE   also write the report as JSON
///   --help        usage
///
/// Prints the table and summary to `out`. Returns 0 when every op passes, 1 when any
/// fails, 2 on bad usage (unknown flag or op, malformed number, unwritable --json path),
/// with the reason on `err`.
int gradcheck_main(int argc, const char* const* argv, std::FILE* out = stdout,
                   std::FILE* err = stderr);

}  // namespace nabla
