// Picks the widest kernel table (kernels/simd.hpp) that this processor runs.

#include "kernels/simd.hpp"

#include <cstdlib>
#include <cstring>

namespace nabla::detail {
namespace {
struct Tables {
  const SimdTable* list[3];
  int count = 0;
  const SimdTable* best = nullptr;
  Tables() {
    __builtin_cpu_init();
    list[count++] = &simd_table_sse2();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2) list[count++] = &simd_table_avx2();
    if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
      list[count++] = &simd_table_avx512();
    best = list[count - 1];
    if (const char* want = std::getenv("NABLA_SIMD")) {
      for (int i = 0; i < count; ++i) {
        if (std::strcmp(want, list[i]->name) == 0) best = list[i];
      }
    }
  }
};
const Tables& tables() {
  static const Tables t;
  return t;
}
}  // namespace

const SimdTable& simd() {
  static const SimdTable* const best = tables().best;
  return *best;
}

const SimdTable* const* simd_tables(int& count) {
  count = tables().count;
  return tables().list;
}
}  // namespace nabla::detail
