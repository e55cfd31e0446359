// The one wrapper over OpenBLAS gemm: every matmul in nabla goes through here, with
// transpose flags and leading dimensions instead of transposed or compacted copies.

#include <cblas.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "kernels/kernels.hpp"
#include "kernels/parallel.hpp"

namespace nabla::detail {
namespace {

// How gemm reads one stored 2-d operand [rows, cols] with strides (s0, s1): as a row-major
// matrix with leading dimension `ld` (s1 = 1), or, when its columns are contiguous
// (s0 = 1), as the row-major transpose of it, which flips the operand's transpose flag.
// Any other layout (a stepped slice along the last axis, an expanded axis) is copied.
struct GemmOperand {
  const Tensor& t;  // the operand as given
  Tensor copy;      // a dense copy, when gemm cannot read t's layout
  bool flip = false;
  blasint ld = 1;
  template <class T>
  const T* data() const {
    return base_ptr<T>(copy.defined() ? copy : t);
  }
};

GemmOperand gemm_operand(const Tensor& t) {
  const TensorImpl& impl = *t.impl();
  const std::int64_t rows = impl.shape[0], cols = impl.shape[1];
  const std::int64_t wide = std::max<std::int64_t>(cols, 1), tall = std::max<std::int64_t>(rows, 1);
  if (impl.contiguous) return {t, {}, false, static_cast<blasint>(wide)};  // the common case
  const std::int64_t s0 = impl.strides[0], s1 = impl.strides[1];
  if ((cols <= 1 || s1 == 1) && (rows <= 1 || s0 >= wide)) {
    return {t, {}, false, static_cast<blasint>(rows <= 1 ? wide : s0)};
  }
  if ((rows <= 1 || s0 == 1) && (cols <= 1 || s1 >= tall)) {
    return {t, {}, true, static_cast<blasint>(cols <= 1 ? tall : s1)};
  }
  return {t, copy_of(t), false, static_cast<blasint>(wide)};
}

}  // namespace

// OpenBLAS runs on one thread; nabla splits a large gemm over its own kernel threads.
// With OpenBLAS's pthreads server on as well, its idle threads spun in sched_yield
// between calls (0.1 s each time) on the cores nabla's threads needed: on two cores a
// CNN step spent a quarter of its time there. Pieces of one gemm are independent: C's
// columns (or rows) split, or, when C is small and k long, k split into partial products
// that are added up.
namespace {

void blas_single_thread() {
  static const bool once = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)once;
}

// Below this many multiply-adds a gemm stays on one thread (OpenBLAS's own threshold is
// m·n·k ≥ 2¹⁸).
constexpr std::int64_t kGemmSplitWork = std::int64_t{1} << 18;
// Pieces of C are cut at multiples of this many columns or rows (the kernels' widest
// register blocking, so no piece ends in a partial block it would not otherwise have).
constexpr std::int64_t kGemmAlign = 32;

template <class T>
void gemm_call(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, std::int64_t m, std::int64_t n,
               std::int64_t k, const T* a, blasint lda, const T* b, blasint ldb, T beta, T* c,
               blasint ldc) {
  const auto M = static_cast<blasint>(m), N = static_cast<blasint>(n), K = static_cast<blasint>(k);
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, 1.0f, a, lda, b, ldb, beta, c, ldc);
  } else {
    cblas_dgemm(CblasRowMajor, ta, tb, M, N, K, 1.0, a, lda, b, ldb, beta, c, ldc);
  }
}

// piece(p, lo, hi) for p in [0, parts), over the kernel threads: [0, extent) cut at
// multiples of kGemmAlign. Every piece is non-empty when parts ≤ extent / kGemmAlign.
template <class F>
void split_aligned(std::int64_t parts, std::int64_t extent, F&& piece) {
  const std::int64_t blocks = (extent + kGemmAlign - 1) / kGemmAlign;
  parallel_for(
      parts,
      [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t p = lo; p < hi; ++p) {
          piece(p, std::min(extent, blocks * p / parts * kGemmAlign),
                std::min(extent, blocks * (p + 1) / parts * kGemmAlign));
        }
      },
      1);
}

// C [m, n] (leading dimension ldc) = op(A) · op(B), row-major, over the kernel threads.
template <class T>
void gemm_parallel(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, std::int64_t m, std::int64_t n,
                   std::int64_t k, const T* a, blasint lda, const T* b, blasint ldb, T* c,
                   blasint ldc) {
  const bool at = ta == CblasTrans, bt = tb == CblasTrans;
  const std::int64_t pieces =
      std::min<std::int64_t>(kernel_threads(), m * n * k / kGemmSplitWork);
  // Splitting C's columns or rows keeps each piece a plain gemm; when both are too short
  // to split, k is (each piece a partial product, summed afterwards).
  const std::int64_t col_pieces = std::min(pieces, n / kGemmAlign);
  const std::int64_t row_pieces = std::min(pieces, m / kGemmAlign);
  const std::int64_t k_pieces = std::min(pieces, k / kGemmAlign);
  if (col_pieces >= 2 && (n >= m || row_pieces < 2)) {
    split_aligned(col_pieces, n, [&](std::int64_t, std::int64_t j0, std::int64_t j1) {
      gemm_call<T>(ta, tb, m, j1 - j0, k, a, lda, b + (bt ? j0 * ldb : j0), ldb, T{0}, c + j0,
                   ldc);
    });
  } else if (row_pieces >= 2) {
    split_aligned(row_pieces, m, [&](std::int64_t, std::int64_t i0, std::int64_t i1) {
      gemm_call<T>(ta, tb, i1 - i0, n, k, a + (at ? i0 : i0 * lda), lda, b, ldb, T{0},
                   c + i0 * ldc, ldc);
    });
  } else if (k_pieces >= 2) {
    // Piece 0 writes C; the others write partial products, added into C at the end.
    std::vector<T> partial(static_cast<std::size_t>((k_pieces - 1) * m * n));
    split_aligned(k_pieces, k, [&](std::int64_t p, std::int64_t l0, std::int64_t l1) {
      T* dst = p == 0 ? c : partial.data() + (p - 1) * m * n;
      gemm_call<T>(ta, tb, m, n, l1 - l0, a + (at ? l0 * lda : l0), lda,
                   b + (bt ? l0 : l0 * ldb), ldb, T{0}, dst,
                   p == 0 ? ldc : static_cast<blasint>(n));
    });
    for (std::int64_t p = 1; p < k_pieces; ++p) {
      const T* src = partial.data() + (p - 1) * m * n;
      for (std::int64_t i = 0; i < m; ++i) {
        for (std::int64_t j = 0; j < n; ++j) c[i * ldc + j] += src[i * n + j];
      }
    }
  } else {
    gemm_call<T>(ta, tb, m, n, k, a, lda, b, ldb, T{0}, c, ldc);
  }
}

}  // namespace

void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          const Tensor& a, const Tensor& b, Tensor& c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    dispatch_floating("matmul", c.dtype(), [&](auto tag) {
      using T = decltype(tag);
      std::fill_n(data_ptr<T>(c), m * n, T{0});
    });
    return;
  }
  blas_single_thread();
  const GemmOperand ga = gemm_operand(a);
  const GemmOperand gb = gemm_operand(b);
  const auto ta = trans_a != ga.flip ? CblasTrans : CblasNoTrans;
  const auto tb = trans_b != gb.flip ? CblasTrans : CblasNoTrans;
  const auto ldc = static_cast<blasint>(n);
  if (c.dtype() == Dtype::f32) {
    gemm_parallel<float>(ta, tb, m, n, k, ga.data<float>(), ga.ld, gb.data<float>(), gb.ld,
                         data_ptr<float>(c), ldc);
  } else {
    gemm_parallel<double>(ta, tb, m, n, k, ga.data<double>(), ga.ld, gb.data<double>(), gb.ld,
                          data_ptr<double>(c), ldc);
  }
}

}  // namespace nabla::detail
