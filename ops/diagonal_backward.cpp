// diagonal_backward: the gradient of diagonal, a diagonal written into zeros (also diag of a
// vector).
//   forward : result = zeros(input_shape); diagonal(result, offset, dim1, dim2) = grad
//   backward: grad_grad = diagonal(grad_out, offset, dim1, dim2) (the same diagonal, viewed)
//   saves   : nothing (the shape, offset and dims are attributes)
//   shapes  : grad has the shape of diagonal(zeros(input_shape), offset, dim1, dim2);
//             result has input_shape
//   dtypes  : any

#include "ops/linalg_common.hpp"

namespace nabla {
namespace {
struct DiagonalScatterNode final : Node {
  DiagonalScatterNode(const char* op, std::int64_t offset, std::size_t d1, std::size_t d2)
      : Node(op), offset_(offset), d1_(d1), d2_(d2) {}
  std::int64_t offset_;
  std::size_t d1_, d2_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {diagonal(grad_out, offset_, static_cast<std::int64_t>(d1_),
                     static_cast<std::int64_t>(d2_))};
  }
};
}  // namespace

namespace detail {
Tensor diagonal_scatter(const char* op, const Tensor& grad, const Shape& shape, std::int64_t offset,
                        std::size_t d1, std::size_t d2) {
  check_defined(op, grad);
  Tensor result = zeros(shape, grad.dtype());
  const Tensor target = diagonal_view(result, offset, d1, d2);
  if (target.shape() != grad.shape()) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: grad has shape {} but diagonal {} across axes {} and {} of {} has shape {}", op,
        shape_str(grad.shape()), offset, d1, d2, shape_str(shape), shape_str(target.shape())));
  }
  copy_values(target, grad);
  record<DiagonalScatterNode>(result, {grad}, op, offset, d1, d2);
  return result;
}

void register_diagonal_backward(OpRegistry& r) {
  // A vector on diagonal 1 of zeros [3,4], or a matrix on the diagonals across axes 1 and 2
  // of zeros [2,3,4]; a gradient of any other shape does not fit.
  r.add({.name = "diagonal_backward",
         .formula = "g [3] on diagonal 1 of zeros [3,4]; g [2,3] on the diagonals of zeros [2,3,4]",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return in[0].dim() == 1
                          ? diagonal_scatter("diagonal_backward", in[0], {3, 4}, 1, 0, 1)
                          : diagonal_scatter("diagonal_backward", in[0], {2, 3, 4}, 0, 1, 2);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [3]", {sample_tensor({3}, g, d)}},
                                            {"matrix [2,3]", {sample_tensor({2, 3}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"vector [4] for [3]", {sample_tensor({4}, g, d)}},
                   {"matrix [3,2] for [2,3]", {sample_tensor({3, 2}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
