#pragma once
// The fuzz targets, shared by the libFuzzer entry (libfuzzer_main.cpp) and the seeded
// driver (driver.cpp). Each takes arbitrary bytes and calls fail() on a failure.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace nabla::fuzz {

struct FuzzTarget {
  const char* name;
  void (*run)(std::span<const std::uint8_t> bytes);
  std::size_t max_len;  ///< inputs longer than this add nothing (libFuzzer's -max_len)
  bool hidden;          ///< a self-test, not listed
};

/// Every target: graph, safetensors, idx, csv, and the hidden self-tests.
std::span<const FuzzTarget> fuzz_targets();
/// The target named `name`, or null.
const FuzzTarget* find_target(std::string_view name);

/// The graph target prints each program's listing while this is set (--print, or
/// NABLA_FUZZ_PRINT=1 under libFuzzer).
void set_print_programs(bool print);

/// A line of totals of what the target did so far (for the graph target: programs run,
/// valid, checked, skipped), or "" when it keeps none.
std::string target_summary(std::string_view name);

}  // namespace nabla::fuzz
