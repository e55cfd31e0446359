#pragma once
// The random-graph fuzzer: bytes become a short program over nabla's op registry, which
// is run and then checked.
//
// A program is at most GraphOptions::max_steps steps, each one of: create a leaf (rank
// 0–4, extents 0–5, f32 or f64, requires_grad or not, values in a chosen Domain); apply a
// registry op (nabla::op_registry().all(), read at run time, so ops added later and users'
// ops are fuzzed too) to its own sample inputs, to earlier results, or to mutated inputs of
// another shape or dtype; detach; open a NoGradGuard region over the next steps; update a
// tensor in place (add_, mul_, fill_, zero_); backward on a reduced scalar or with an
// explicit grad_output, with or without retain_graph and create_graph; backward again
// through an earlier loss; nabla::grad (higher order when create_graph); zero_grad.
//
// Oracles:
//  - every exception a step throws must be one of nabla's (is_nabla_error); a bare
//    std::bad_alloc, another library's exception or a non-std exception is a failure;
//  - steps that must throw do (an in-place update of a tensor that requires grad with
//    grad mode on, backward of a tensor that does not require grad), a second backward
//    through a graph kept with retain_graph works, and one through a freed graph either
//    works or says to pass retain_graph;
//  - an op's result requires grad exactly when grad mode is on and an input requires grad;
//  - the gradients are correct (checked for every loss backward returned from, in programs
//    where other steps threw as well: a throwing op changes nothing). It is recorded as a
//    replayable function of its float64 leaves (see graph_program.cpp for how detach, no-grad
//    regions and in-place updates are replayed), and nabla::gradcheck compares that function's
//    gradients with central finite differences; for all-float64 programs, every leaf's
//    accumulated .grad must also equal the sum of the replayed gradients of every loss the
//    program ran backward on (so a saved tensor changed in place gives either the version
//    error or a correct gradient, never a silently wrong one).
// A failure prints the program's listing and calls nabla::fuzz::fail (abort by default).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace nabla::fuzz {

struct GraphOptions {
  bool print = false;           ///< print the program's listing to stderr as it runs
  bool check_gradients = true;  ///< run gradcheck and the accumulated-gradient check
  std::size_t max_steps = 24;   ///< steps per program
  /// When set, half of the op steps apply this registered op (the others any op): the
  /// self-test's wrong op is then exercised however many ops the registry holds.
  std::string focus_op;
};

/// What one program did (the seeded driver sums these up).
struct GraphStats {
  std::size_t steps = 0;
  std::size_t exceptions = 0;      ///< steps that threw one of nabla's errors
  std::size_t backward_calls = 0;  ///< backward and grad calls that returned normally
  bool valid = false;              ///< no step threw
  std::size_t gradchecked = 0;     ///< losses gradcheck ran on
  bool skipped_nonfinite = false;  ///< checks skipped because a value was NaN or infinite
  std::size_t kink_skips = 0;      ///< gradcheck mismatches explained by a kink
};

/// Runs the program encoded by `bytes`; calls fail() on a failure.
GraphStats run_graph_program(std::span<const std::uint8_t> bytes, const GraphOptions& options = {});

}  // namespace nabla::fuzz
