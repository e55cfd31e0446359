#pragma once
// Helpers shared by the linear-algebra op tests (bmm, dot, outer, einsum, diag, diagonal,
// trace, tril, triu, batched matmul): the deterministic inputs and weights the PyTorch
// recordings were made with. The recordings ran, with python3-torch 1.13:
//
//   def pat(shape, m=7, mod=11):
//       n = math.prod(shape)
//       return torch.tensor([((i * m) % mod - mod // 2) / 4 for i in range(n)],
//                           dtype=torch.float64).reshape(shape)
//   def weights(shape): return pat(shape, 3, 7) + 2.0
//   def run(fn, *inputs):  # the values and gradients pasted in the tests
//       ins = [t.clone().requires_grad_() for t in inputs]
//       c = fn(*ins); (c * weights(c.shape)).sum().backward()
//       return c.flatten().tolist(), [t.grad.flatten().tolist() for t in ins]

#include "ops/op_test_util.hpp"

namespace nabla_test {

/// PyTorch's pat(shape, m, mod) above: ((i·m) mod `mod` − ⌊mod/2⌋) / 4 at flat index i.
inline Tensor pattern(const Shape& shape, int m = 7, int mod = 11, Dtype dtype = nabla::f64) {
  std::vector<double> v(static_cast<std::size_t>(nabla::shape_numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i] = static_cast<double>(
               static_cast<int>(i * static_cast<std::size_t>(m) % static_cast<std::size_t>(mod)) -
               mod / 2) /
           4.0;
  }
  return nabla::tensor(v, shape, dtype);
}

/// The second operand of the recordings: pat(shape, 5, 13).
inline Tensor pattern_b(const Shape& shape, Dtype dtype = nabla::f64) {
  return pattern(shape, 5, 13, dtype);
}

/// The gradients of Σ weights(result.shape) ⊙ fn(inputs), one per input (the recordings'
/// `(c * weights(c.shape)).sum().backward()`); every input is made to require grad.
inline std::vector<Tensor> pattern_grads(const nabla::Function& fn, std::vector<Tensor> inputs) {
  inputs = requiring_grad(std::move(inputs));
  const Tensor out = fn(inputs);
  const Tensor w = nabla::add(pattern(out.shape(), 3, 7, out.dtype()), 2.0);
  return nabla::grad({out}, inputs, {w}, std::nullopt, false, /*allow_unused=*/true);
}

/// Expects a and b to have one shape and the same values within 1e-12 (relative to 1):
/// for a result computed from views against the same computed from contiguous copies.
inline void expect_same_values(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape()) << nabla::shape_str(a.shape()) << " vs "
                                  << nabla::shape_str(b.shape());
  const auto va = a.to_vector(), vb = b.to_vector();
  for (std::size_t i = 0; i < va.size(); ++i) {
    EXPECT_NEAR(va[i], vb[i], 1e-12 * std::max(1.0, std::abs(vb[i]))) << "element " << i;
  }
}

}  // namespace nabla_test
