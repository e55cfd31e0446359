// The hot kernels for AVX2 with FMA; CMakeLists.txt gives this file its compiler flags.

#include "kernels/simd_impl.hpp"

namespace nabla::detail {
const SimdTable& simd_table_avx2() {
  static const SimdTable table = simd_impl::make_table<xsimd::fma3<xsimd::avx2>>("avx2");
  return table;
}
}  // namespace nabla::detail
