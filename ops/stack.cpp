// stack: tensors of one shape joined along a new axis.
//   forward : result = cat(unsqueeze(tᵢ, dim)) (composite: the rule is cat's and
//             unsqueeze's)
//   backward: grad_tᵢ = select(grad_out, dim, i), through cat and unsqueeze
//   saves   : nothing
//   shapes  : every tensor has one shape S; the result is S with n inserted at dim
//             (0 ≤ dim ≤ rank, negative counts from the end of the result's rank)

#include "nabla/joining.hpp"

#include "ops/op_common.hpp"

namespace nabla {

Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  if (tensors.empty())
    throw std::invalid_argument("nabla::stack: expects a non-empty list of tensors");
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (!tensors[i].defined())
      throw std::invalid_argument(fmt::format("nabla::stack: tensor {} is undefined", i));
    if (tensors[i].shape() != tensors[0].shape()) {
      throw std::invalid_argument(fmt::format(
          "nabla::stack: every tensor must have one shape, but tensor 0 is {} and tensor {} is {}",
          shape_str(tensors[0].shape()), i, shape_str(tensors[i].shape())));
    }
  }
  const std::int64_t d = normalize_axis(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  parts.reserve(tensors.size());
  for (const Tensor& t : tensors) parts.push_back(unsqueeze(t, d));
  return cat(parts, d);
}

namespace detail {
void register_stack(OpRegistry& r) {
  r.add({.name = "stack",
         .formula = "stack({a, b}, 1)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return stack(in, 1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrices [3,2] [3,2]", {sample_tensor({3, 2}, g, d), sample_tensor({3, 2}, g, d)}},
                   {"vectors [4] [4]", {sample_tensor({4}, g, d), sample_tensor({4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"shapes differ [3,2] [2,3]", {sample_tensor({3, 2}, g, d), sample_tensor({2, 3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
