// libFuzzer entry of one target, chosen at compile time (NABLA_FUZZ_TARGET_NAME): built as
// fuzz_<target> when NABLA_FUZZ=ON (clang). Run through tools/fuzz. NABLA_FUZZ_PRINT=1
// prints the graph target's programs (e.g. to read a reproducer: fuzz_graph crash-...).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "targets.hpp"

namespace {
const nabla::fuzz::FuzzTarget* target() {
  static const nabla::fuzz::FuzzTarget* t = [] {
    const auto* found = nabla::fuzz::find_target(NABLA_FUZZ_TARGET_NAME);
    if (found == nullptr) {
      std::fprintf(stderr, "no fuzz target named %s\n", NABLA_FUZZ_TARGET_NAME);
      std::abort();
    }
    const char* print = std::getenv("NABLA_FUZZ_PRINT");
    nabla::fuzz::set_print_programs(print != nullptr && std::strcmp(print, "1") == 0);
    return found;
  }();
  return t;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  target()->run({data, size});
  return 0;
}
