// tril: the lower triangle of each matrix, zeros above (torch.tril).
//   forward : result[.., i, j] = x[.., i, j] where j − i ≤ diagonal, else 0
//   backward: grad_x = tril(grad_out, diagonal)
//   saves   : nothing (diagonal is an attribute)
//   shapes  : x [.., R, C], rank ≥ 2 (else std::invalid_argument), batched over the
//             leading dims; result has x's shape, contiguous; any diagonal (beyond the
//             matrix keeps all or nothing)
//   dtypes  : any; result has x's dtype

// This file also holds the kernel triu shares.

#include "ops/linalg_common.hpp"

namespace nabla {
namespace {
struct TriangleNode final : Node {
  TriangleNode(const char* op, std::int64_t k, bool lower) : Node(op), k_(k), lower_(lower) {}
  std::int64_t k_;
  bool lower_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {lower_ ? tril(grad_out, k_) : triu(grad_out, k_)};
  }
};
}  // namespace

namespace detail {
Tensor triangle(const char* op, const Tensor& x, std::int64_t k, bool lower) {
  check_defined(op, x);
  if (x.dim() < 2) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: expects a matrix or a stack of them (rank 2 or more), got shape {}",
                    op, shape_str(x.shape())));
  }
  Tensor result = copy_of(x);
  const std::int64_t rows = x.size(-2), cols = x.size(-1);
  if (result.numel() > 0) {
    const std::int64_t count = result.numel() / (rows * cols);
    // |j − i| < rows + cols, so clamping k there keeps every comparison and rules out overflow.
    const std::int64_t kk = std::clamp(k, -(rows + cols), rows + cols);
    dispatch(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* p = data_ptr<T>(result);
      for (std::int64_t b = 0; b < count; ++b) {
        for (std::int64_t i = 0; i < rows; ++i) {
          T* row = p + (b * rows + i) * cols;
          if (lower) {  // zero j > i + k
            std::fill(row + std::clamp(i + kk + 1, std::int64_t{0}, cols), row + cols, T{});
          } else {  // zero j < i + k
            std::fill(row, row + std::clamp(i + kk, std::int64_t{0}, cols), T{});
          }
        }
      }
    });
  }
  record<TriangleNode>(result, {x}, op, k, lower);
  return result;
}

std::vector<OpSample> triangle_samples(Generator& g, Dtype d) {
  return {{"square [3,3]", {sample_tensor({3, 3}, g, d)}},
          {"wide [3,5]", {sample_tensor({3, 5}, g, d)}},
          {"tall [4,2]", {sample_tensor({4, 2}, g, d)}},
          {"batched [2,3,3]", {sample_tensor({2, 3, 3}, g, d)}}};
}

std::vector<OpSample> triangle_bad_samples(Generator& g, Dtype d) {
  return {{"vector [3]", {sample_tensor({3}, g, d)}}, {"scalar []", {sample_tensor({}, g, d)}}};
}
}  // namespace detail

Tensor tril(const Tensor& x, std::int64_t diagonal, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::triangle("tril", x, diagonal, true);
}

namespace detail {
void register_tril(OpRegistry& r) {
  r.add({.name = "tril",
         .formula = "x where j − i ≤ 0, else 0",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return tril(in[0]); },
         .samples = triangle_samples,
         .bad_samples = triangle_bad_samples});
  r.add({.name = "tril_offset",
         .formula = "x where j − i ≤ 1, else 0 (tril(x, 1))",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return tril(in[0], 1); },
         .samples = triangle_samples,
         .bad_samples = triangle_bad_samples});
}
}  // namespace detail
}  // namespace nabla
