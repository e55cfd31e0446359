#pragma once
// Helpers shared by the convolution op tests (conv1d, conv2d, conv2d_weight,
// conv_transpose2d, fold, unfold): the deterministic inputs the PyTorch recordings were
// made with, and the check of one recorded case. The recordings ran, with python3-torch 1.13:
//
//   def v(shape, seed): torch.tensor([((i*7 + seed*3) % 11 - 5) / 4.0 for i in range(n)],
//                                    dtype=torch.float64).reshape(shape)   (n = numel)
//   ins = [v(s, k + 1).requires_grad_() for k, s in enumerate(shapes)]; y = fn(*ins)
//   (y * v(y.shape, 9)).sum().backward(); y.tolist(), [t.grad.tolist() for t in ins]

#include <functional>
#include <vector>

#include "ops/op_test_util.hpp"

namespace nabla_test {

/// v(shape, seed) above: ((7·i + 3·seed) mod 11 − 5) / 4 at flat index i (quarters, so
/// float32 holds every product and sum exactly).
inline Tensor conv_values(const Shape& shape, int seed, Dtype d = nabla::f64) {
  std::vector<double> v(static_cast<std::size_t>(nabla::shape_numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i] = static_cast<double>(
               static_cast<long>((i * 7 + static_cast<std::size_t>(seed) * 3) % 11) - 5) /
           4.0;
  }
  return nabla::tensor(v, shape, d);
}

/// Runs f on inputs v(shape_k, k + 1) in every dtype, checks the result against `out`,
/// then backward of Σ result ⊙ v(result.shape, 9) and each input's gradient against
/// `grads`.
inline void expect_conv_case(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                             const std::vector<Shape>& shapes, const Shape& out_shape,
                             const std::vector<double>& out,
                             const std::vector<std::vector<double>>& grads) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    std::vector<Tensor> in;
    for (std::size_t k = 0; k < shapes.size(); ++k) {
      in.push_back(conv_values(shapes[k], static_cast<int>(k) + 1, d).requires_grad_());
    }
    const Tensor y = f(in);
    expect_tensor(y, out_shape, out, d);
    nabla::sum(nabla::mul(y, conv_values(out_shape, 9, d))).backward();
    for (std::size_t k = 0; k < shapes.size(); ++k) {
      SCOPED_TRACE(k);
      expect_tensor(in[k].grad(), shapes[k], grads[k], d);
    }
  }
}

}  // namespace nabla_test
