// linear: an affine map of the last axis, x·wᵀ + b.
//   forward : result = matmul(x, wᵀ) + b (wᵀ a view: gemm's transpose flag, no copy; the
//             bias added to each row)
//   backward: composed of matmul and add: grad_x = grad·w, grad_w = gradᵀ·x (x's leading
//             axes folded), grad_b = Σ grad over the leading axes; every order works
//   saves   : what matmul saves (x and w)
//   shapes  : x [*, in], w [out, in], b [out] or absent → [*, out]; a 1-d x [in] → [out]
//   dtypes  : float32, float64, one of them throughout

#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("linear", x, "x");
  detail::check_defined("linear", weight, "weight");
  detail::check_floating("linear", x, "x");
  if (weight.dim() != 2 || x.dim() < 1 || x.shape().back() != weight.shape()[1]) {
    throw std::invalid_argument(fmt::format(
        "nabla::linear: x {} and weight {} do not fit: weight must be [out, in] with in the "
        "last extent of x",
        shape_str(x.shape()), shape_str(weight.shape())));
  }
  if (weight.dtype() != x.dtype()) {
    throw std::invalid_argument(fmt::format("nabla::linear: weight is {}, but x is {}",
                                            dtype_name(weight.dtype()), dtype_name(x.dtype())));
  }
  if (bias.defined()) {
    if (bias.dim() != 1 || bias.shape()[0] != weight.shape()[0]) {
      throw std::invalid_argument(
          fmt::format("nabla::linear: bias has shape {}, expected [{}] (weight {})",
                      shape_str(bias.shape()), weight.shape()[0], shape_str(weight.shape())));
    }
    if (bias.dtype() != x.dtype()) {
      throw std::invalid_argument(fmt::format("nabla::linear: bias is {}, but x is {}",
                                              dtype_name(bias.dtype()), dtype_name(x.dtype())));
    }
  }
  const Tensor y = matmul(x, transpose(weight));  // [*, out] = [*, in]·[in, out]
  return bias.defined() ? add(y, bias) : y;
}

namespace detail {
void register_linear(OpRegistry& r) {
  r.add({.name = "linear",
         .formula = "x · wᵀ + b",
         .arity = 3,
         .fn = [](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
         .samples =
             [](Generator& g, Dtype d) {
               auto s = [&](const char* label, const Shape& x, std::int64_t out) {
                 return OpSample{label,
                                 {sample_tensor(x, g, d), sample_tensor({out, x.back()}, g, d),
                                  sample_tensor({out}, g, d)}};
               };
               return std::vector<OpSample>{s("[3,4]→[3,2]", {3, 4}, 2),
                                            s("[2,3,4]→[2,3,5]", {2, 3, 4}, 5),
                                            s("vector [4]→[3]", {4}, 3)};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"in 4 vs weight in 3",
                    {sample_tensor({2, 4}, g, d), sample_tensor({5, 3}, g, d),
                     sample_tensor({5}, g, d)}},
                   {"bias [4] for out 5",
                    {sample_tensor({2, 3}, g, d), sample_tensor({5, 3}, g, d),
                     sample_tensor({4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
