#pragma once
// Helpers shared by the tests of the activations (include/nabla/activations.hpp): the
// edge inputs every activation is checked at, and the dtype refusals they all make.

#include <functional>
#include <string>

#include "ops/op_test_util.hpp"

namespace nabla_test {

/// The edge inputs: −inf, −1000, −1, 0, 1, 1000, inf, NaN.
inline const std::vector<double> kEdges = {-kInf, -1000.0, -1.0, 0.0, 1.0, 1000.0, kInf, kNaN};

/// Expects fn(x) at the edge inputs to be `y`, and the gradient of Σ fn(x) to be `g`, in
/// both dtypes (values recorded from PyTorch in float64; float32 agrees to its precision).
inline void expect_edges(const std::function<Tensor(const Tensor&)>& fn,
                         const std::vector<double>& y, const std::vector<double>& g) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    Tensor x = nabla::tensor(kEdges, {8}, d).requires_grad_();
    const Tensor out = fn(x);
    expect_tensor(out, {8}, y, d);
    nabla::sum(out).backward();
    expect_tensor(x.grad(), {8}, g, d);
  }
}

/// The gradient of Σ fn(x) at the points `at` (float64), for the choices at kinks.
inline std::vector<double> grad_at(const std::function<Tensor(const Tensor&)>& fn,
                                   const std::vector<double>& at) {
  Tensor x = nabla::tensor(at, {static_cast<std::int64_t>(at.size())}, nabla::f64).requires_grad_();
  nabla::sum(fn(x)).backward();
  return x.grad().to_vector();
}

/// Expects fn to refuse an int64 and a bool tensor with std::invalid_argument naming
/// `op` and the dtype.
inline void expect_rejects_non_floating(const std::function<Tensor(const Tensor&)>& fn,
                                        const std::string& op) {
  using testing::AllOf;
  using testing::HasSubstr;
  const Tensor ints = nabla::tensor({1, 2}, nabla::i64);
  const Tensor bools = nabla::tensor({1, 0}, nabla::bool_);
  EXPECT_THROW(fn(ints), std::invalid_argument);
  EXPECT_THAT(message_of([&] { fn(ints); }), AllOf(HasSubstr("nabla::" + op), HasSubstr("int64")));
  EXPECT_THAT(message_of([&] { fn(bools); }), AllOf(HasSubstr("nabla::" + op), HasSubstr("bool")));
  EXPECT_THAT(message_of([&] { fn(Tensor()); }), HasSubstr("nabla::" + op));
}

}  // namespace nabla_test
