// The first program of the README, verbatim: a test runs it and checks what it prints.

#include <nabla/nabla.hpp>

// The README shows this layout.
// clang-format off
int main() {
  nabla::Generator gen(42);                                    // seeded: same numbers every run
  nabla::Tensor X = nabla::tensor({{0.5, -1.0, 2.0}});         // [1,3], float32 by default
  nabla::Tensor y = nabla::tensor({{1.0, 0.0}});
  nabla::Tensor W = nabla::randn({3, 2}, gen).requires_grad_();
  nabla::Tensor b = nabla::zeros({2}).requires_grad_();
  nabla::Tensor o = nabla::sigmoid(nabla::matmul(X, W) + b);   // b broadcasts over rows
  nabla::Tensor l = nabla::squared_loss(o, y);                 // ½·Σ(o − y)², a scalar
  l.backward();
  fmt::print("{}\n{}\n", l.item<float>(), W.grad());           // W.grad() is a Tensor
}
// clang-format on
