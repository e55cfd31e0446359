// The one wrapper over OpenBLAS gemm: every matmul in nabla goes through here, with
// transpose flags instead of transposed copies.

#include <cblas.h>

#include "kernels/kernels.hpp"

namespace nabla::detail {

void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          const Tensor& a, const Tensor& b, Tensor& c) {
  if (m == 0 || n == 0) return;
  const auto ta = trans_a ? CblasTrans : CblasNoTrans;
  const auto tb = trans_b ? CblasTrans : CblasNoTrans;
  // Leading dimensions of the row-major operands as stored.
  const auto lda = static_cast<blasint>(trans_a ? m : k);
  const auto ldb = static_cast<blasint>(trans_b ? k : n);
  const auto ldc = static_cast<blasint>(n);
  const auto M = static_cast<blasint>(m), N = static_cast<blasint>(n), K = static_cast<blasint>(k);
  if (k == 0) {
    dispatch(c.dtype(), [&](auto tag) {
      using T = decltype(tag);
      std::fill_n(data_ptr<T>(c), m * n, T{0});
    });
    return;
  }
  if (c.dtype() == Dtype::f32) {
    cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, 1.0f, data_ptr<float>(a), lda, data_ptr<float>(b),
                ldb, 0.0f, data_ptr<float>(c), ldc);
  } else {
    cblas_dgemm(CblasRowMajor, ta, tb, M, N, K, 1.0, data_ptr<double>(a), lda, data_ptr<double>(b),
                ldb, 0.0, data_ptr<double>(c), ldc);
  }
}

}  // namespace nabla::detail
