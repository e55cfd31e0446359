// The hot kernels for SSE2 (baseline x86-64); CMakeLists.txt gives this file its compiler flags.

#include "kernels/simd_impl.hpp"

namespace nabla::detail {
const SimdTable& simd_table_sse2() {
  static const SimdTable table = simd_impl::make_table<xsimd::sse2>("sse2");
  return table;
}
}  // namespace nabla::detail
