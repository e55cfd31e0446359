// The hot kernels for AVX-512 (F and DQ); CMakeLists.txt gives this file its compiler flags.

#include "kernels/simd_impl.hpp"

namespace nabla::detail {
const SimdTable& simd_table_avx512() {
  static const SimdTable table = simd_impl::make_table<xsimd::avx512f>("avx512");
  return table;
}
}  // namespace nabla::detail
