// masked_select: the entries of x where a bool mask is true, as a 1-d tensor.
//   forward : result = [x[i] for every position i, row-major, where mask[i]] (x and mask
//             broadcast together); composed: index_select of the flattened broadcast x at
//             the true positions
//   backward: composed (index_select's rule: grad scattered back by index_add, then summed
//             over broadcast axes)
//   saves   : nothing of its own (index_select saves the positions)
//   shapes  : x and mask broadcast; result [number of true entries]
//   dtypes  : x any dtype (result the same); mask bool

#include "kernels/compare.hpp"
#include "ops/index_common.hpp"

namespace nabla {
namespace detail {
// The row-major positions where `mask`, seen in `shape` (it broadcasts to it), is true.
std::vector<double> true_positions(const Tensor& mask, const Shape& shape) {
  const Tensor m = expand_view(mask, shape);
  const bool* p = base_ptr<bool>(m);
  std::vector<double> positions;
  std::int64_t k = 0;
  walk_offsets<1>(shape, {&m.impl()->strides}, [&](const std::array<std::int64_t, 1>& off) {
    if (p[off[0]]) positions.push_back(static_cast<double>(k));
    ++k;
  });
  return positions;
}
}  // namespace detail

Tensor masked_select(const Tensor& x, const Tensor& mask, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("masked_select", x);
  detail::check_defined("masked_select", mask, "mask");
  detail::check_bool("masked_select", mask, "mask");
  const Shape shape = broadcast_shapes(x.shape(), mask.shape(), "masked_select");
  const std::vector<double> positions = detail::true_positions(mask, shape);
  const Tensor flat = reshape(x.shape() == shape ? x : broadcast_to(x, shape), {-1});
  return index_select(flat, 0,
                      tensor(positions, {static_cast<std::int64_t>(positions.size())}, Dtype::i64));
}

namespace detail {
void register_masked_select(OpRegistry& r) {
  // A fixed mask of shape [3], true at positions 0 and 2, broadcast against x's last axis.
  r.add({.name = "masked_select",
         .formula = "masked_select(x, [true, false, true]) (the mask broadcast over rows)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return masked_select(in[0], tensor({1, 0, 1}, Dtype::bool_));
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [2,3]", {sample_tensor({2, 3}, g, d)}},
                   {"vector [3]", {sample_tensor({3}, g, d)}},
                   {"broadcast x [2,1]", {sample_tensor({2, 1}, g, d)}},
                   {"transposed [3,3]", {transpose(sample_tensor({3, 3}, g, d), 0, 1)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [2,4]", {sample_tensor({2, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
