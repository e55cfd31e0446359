// The one wrapper over OpenBLAS gemm: every matmul in nabla goes through here, with
// transpose flags and leading dimensions instead of transposed or compacted copies.

#include <cblas.h>

#include <algorithm>

#include "kernels/kernels.hpp"

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
  const GemmOperand ga = gemm_operand(a);
  const GemmOperand gb = gemm_operand(b);
  const auto ta = trans_a != ga.flip ? CblasTrans : CblasNoTrans;
  const auto tb = trans_b != gb.flip ? CblasTrans : CblasNoTrans;
  const auto ldc = static_cast<blasint>(n);
  const auto M = static_cast<blasint>(m), N = static_cast<blasint>(n), K = static_cast<blasint>(k);
  if (c.dtype() == Dtype::f32) {
    cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, 1.0f, ga.data<float>(), ga.ld,
                gb.data<float>(), gb.ld, 0.0f, data_ptr<float>(c), ldc);
  } else {
    cblas_dgemm(CblasRowMajor, ta, tb, M, N, K, 1.0, ga.data<double>(), ga.ld,
                gb.data<double>(), gb.ld, 0.0, data_ptr<double>(c), ldc);
  }
}

}  // namespace nabla::detail
