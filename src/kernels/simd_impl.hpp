#pragma once
// Internal: the body of simd_sse2.cpp, simd_avx2.cpp and simd_avx512.cpp. Each includes
// this file once, compiled with its instruction set's flags, and instantiates the kernels
// for its xsimd architecture. Only xsimd batches and plain loops appear here (no scalar
// library calls), so no inline function compiled for a wide instruction set can be
// picked by the linker for a narrow processor.

#include <immintrin.h>

#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/simd.hpp"

namespace nabla::detail::simd_impl {
namespace {

template <class T, class A, UnaryFn F>
inline xsimd::batch<T, A> apply_unary(const xsimd::batch<T, A>& v) {
  using B = xsimd::batch<T, A>;
  if constexpr (F == UnaryFn::neg) {
    return -v;
  } else if constexpr (F == UnaryFn::exp) {
    return xsimd::exp(v);
  } else if constexpr (F == UnaryFn::log) {
    return xsimd::log(v);
  } else if constexpr (F == UnaryFn::sqrt) {
    return xsimd::sqrt(v);
  } else if constexpr (F == UnaryFn::tanh) {
    return xsimd::tanh(v);
  } else if constexpr (F == UnaryFn::sigmoid) {
    return B(T(1)) / (B(T(1)) + xsimd::exp(-v));
  } else {
    return xsimd::select(v < B(T(0)), B(T(0)), v);
  }
}

template <class T, class A, UnaryFn F>
void unary(const T* x, T* out, std::int64_t n) {
  using B = xsimd::batch<T, A>;
  constexpr std::int64_t W = B::size;
  std::int64_t i = 0;
  for (; i + W <= n; i += W)
    apply_unary<T, A, F>(B::load_unaligned(x + i)).store_unaligned(out + i);
  if (i < n) {
    alignas(64) T buf[W];
    for (std::int64_t j = 0; j < W; ++j) buf[j] = i + j < n ? x[i + j] : T(1);
    apply_unary<T, A, F>(B::load_aligned(buf)).store_aligned(buf);
    for (std::int64_t j = 0; i + j < n; ++j) out[i + j] = buf[j];
  }
}

template <class T, class A, BinaryFn F>
inline xsimd::batch<T, A> apply_binary(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b) {
  if constexpr (F == BinaryFn::add) {
    return a + b;
  } else if constexpr (F == BinaryFn::sub) {
    return a - b;
  } else if constexpr (F == BinaryFn::mul) {
    return a * b;
  } else {
    return a / b;
  }
}

template <class T, class A, BinaryFn F>
void binary(const T* a, std::int64_t sa, const T* b, std::int64_t sb, T* out, std::int64_t n) {
  using B = xsimd::batch<T, A>;
  constexpr std::int64_t W = B::size;
  const B a0(*a), b0(*b);
  std::int64_t i = 0;
  if (sa && sb) {
    for (; i + W <= n; i += W)
      apply_binary<T, A, F>(B::load_unaligned(a + i), B::load_unaligned(b + i))
          .store_unaligned(out + i);
  } else if (sa) {
    for (; i + W <= n; i += W)
      apply_binary<T, A, F>(B::load_unaligned(a + i), b0).store_unaligned(out + i);
  } else if (sb) {
    for (; i + W <= n; i += W)
      apply_binary<T, A, F>(a0, B::load_unaligned(b + i)).store_unaligned(out + i);
  } else {
    for (; i + W <= n; i += W) apply_binary<T, A, F>(a0, b0).store_unaligned(out + i);
  }
  if (i < n) {
    alignas(64) T ba[W], bb[W];
    for (std::int64_t j = 0; j < W; ++j) {
      ba[j] = i + j < n ? a[(i + j) * sa] : T(1);
      bb[j] = i + j < n ? b[(i + j) * sb] : T(1);
    }
    apply_binary<T, A, F>(B::load_aligned(ba), B::load_aligned(bb)).store_aligned(ba);
    for (std::int64_t j = 0; i + j < n; ++j) out[i + j] = ba[j];
  }
}

// W float32 values at p as a batch of doubles of this architecture (W its size).
template <class A>
inline xsimd::batch<double, A> load_as_double(const float* p) {
  if constexpr (std::is_same_v<A, xsimd::avx512f>) {
    return _mm512_cvtps_pd(_mm256_loadu_ps(p));
  } else if constexpr (std::is_same_v<A, xsimd::fma3<xsimd::avx2>>) {
    return _mm256_cvtps_pd(_mm_loadu_ps(p));
  } else {
    return _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
  }
}

template <class T, class A>
double sum(const T* x, std::int64_t n) {
  using D = xsimd::batch<double, A>;
  constexpr std::int64_t W = D::size;
  auto load = [](const T* p) {
    if constexpr (sizeof(T) == 4) {
      return load_as_double<A>(p);
    } else {
      return D::load_unaligned(p);
    }
  };
  // Four accumulators, so that the adds do not wait on each other.
  D s0(0.0), s1(0.0), s2(0.0), s3(0.0);
  std::int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    s0 += load(x + i);
    s1 += load(x + i + W);
    s2 += load(x + i + 2 * W);
    s3 += load(x + i + 3 * W);
  }
  for (; i + W <= n; i += W) s0 += load(x + i);
  alignas(64) double lanes[W];
  ((s0 + s1) + (s2 + s3)).store_aligned(lanes);
  double total = 0.0;
  for (std::int64_t j = 0; j < W; ++j) total += lanes[j];
  for (; i < n; ++i) total += static_cast<double>(x[i]);
  return total;
}

template <class A>
SimdTable make_table(const char* name) {
  SimdTable t{};
  t.name = name;
#define NABLA_UNARY(F)                                                      \
  t.unary_f32[static_cast<int>(UnaryFn::F)] = &unary<float, A, UnaryFn::F>; \
  t.unary_f64[static_cast<int>(UnaryFn::F)] = &unary<double, A, UnaryFn::F>;
  NABLA_UNARY(neg)
  NABLA_UNARY(exp)
  NABLA_UNARY(log)
  NABLA_UNARY(sqrt)
  NABLA_UNARY(tanh)
  NABLA_UNARY(sigmoid)
  NABLA_UNARY(relu)
#undef NABLA_UNARY
#define NABLA_BINARY(F)                                                         \
  t.binary_f32[static_cast<int>(BinaryFn::F)] = &binary<float, A, BinaryFn::F>; \
  t.binary_f64[static_cast<int>(BinaryFn::F)] = &binary<double, A, BinaryFn::F>;
  NABLA_BINARY(add)
  NABLA_BINARY(sub)
  NABLA_BINARY(mul)
  NABLA_BINARY(div)
#undef NABLA_BINARY
  t.sum_f32 = &sum<float, A>;
  t.sum_f64 = &sum<double, A>;
  return t;
}

}  // namespace
}  // namespace nabla::detail::simd_impl
