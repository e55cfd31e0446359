#pragma once
// Internal: the hot contiguous kernels, compiled once per instruction set (simd_sse2.cpp,
// simd_avx2.cpp, simd_avx512.cpp, each with its own compiler flags) and picked at run time
// for the processor nabla runs on, so that a portable build is as fast as a native one.
// Every function reads and writes dense arrays of n values; the strided and threaded
// walks around them are in elementwise.hpp. The last partial vector goes through the
// same vector code (padded), so a value's result never depends on its position.

#include <cstdint>

namespace nabla::detail {

enum class UnaryFn : int { neg, exp, log, sqrt, tanh, sigmoid, relu, count };
enum class BinaryFn : int { add, sub, mul, div, count };

/// One instruction set's kernels.
struct SimdTable {
  const char* name;  // "sse2", "avx2", "avx512"
  void (*unary_f32[static_cast<int>(UnaryFn::count)])(const float* x, float* out, std::int64_t n);
  void (*unary_f64[static_cast<int>(UnaryFn::count)])(const double* x, double* out, std::int64_t n);
  // out[i] = a[i·sa] op b[i·sb] with sa, sb each 0 or 1 (a stride 0 operand is a scalar).
  void (*binary_f32[static_cast<int>(BinaryFn::count)])(const float* a, std::int64_t sa,
                                                        const float* b, std::int64_t sb, float* out,
                                                        std::int64_t n);
  void (*binary_f64[static_cast<int>(BinaryFn::count)])(const double* a, std::int64_t sa,
                                                        const double* b, std::int64_t sb,
                                                        double* out, std::int64_t n);
  // Σ x[i], accumulated in double.
  double (*sum_f32)(const float* x, std::int64_t n);
  double (*sum_f64)(const double* x, std::int64_t n);
};

/// The table for this processor: the widest of AVX-512 (F, DQ), AVX2 with FMA and SSE2
/// that it supports. NABLA_SIMD=sse2|avx2|avx512 in the environment picks a narrower one
/// (a wider one than the processor has is ignored).
const SimdTable& simd();
/// Every table this processor can run, narrowest first (for tests that compare them).
const SimdTable* const* simd_tables(int& count);

const SimdTable& simd_table_sse2();
const SimdTable& simd_table_avx2();
const SimdTable& simd_table_avx512();

template <class T>
inline auto unary_simd(UnaryFn f) {
  if constexpr (sizeof(T) == 4) {
    return simd().unary_f32[static_cast<int>(f)];
  } else {
    return simd().unary_f64[static_cast<int>(f)];
  }
}
template <class T>
inline auto binary_simd(BinaryFn f) {
  if constexpr (sizeof(T) == 4) {
    return simd().binary_f32[static_cast<int>(f)];
  } else {
    return simd().binary_f64[static_cast<int>(f)];
  }
}
template <class T>
inline double sum_simd(const T* x, std::int64_t n) {
  if constexpr (sizeof(T) == 4) {
    return simd().sum_f32(x, n);
  } else {
    return simd().sum_f64(x, n);
  }
}

}  // namespace nabla::detail
