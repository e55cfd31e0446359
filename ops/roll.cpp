// roll: x shifted cyclically along axes (a copy); with no dims, as if flattened.
//   forward : result[.., i, ..] = x[.., (i − shift) mod n, ..] along each dim with its shift
//   backward: grad_x = roll(grad_out, −shifts, dims)
//   saves   : nothing (shifts and dims)
//   shapes  : any; result has x's shape; shifts and dims of one length (dims may repeat:
//             the shifts then add up, as PyTorch); dims empty: shifts has one entry and
//             x rolls as its flattening
//   dtypes  : any (result the same)

#include "ops/index_common.hpp"

namespace nabla {
namespace {
struct RollNode final : Node {
  RollNode(std::vector<std::int64_t> shifts, std::vector<std::int64_t> dims)
      : Node("roll"), shifts_(std::move(shifts)), dims_(std::move(dims)) {}
  std::vector<std::int64_t> shifts_, dims_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    std::vector<std::int64_t> back;
    for (const std::int64_t s : shifts_) back.push_back(-s);
    return {roll(grad_out, back, dims_)};
  }
};
}  // namespace

Tensor roll(const Tensor& x, const std::vector<std::int64_t>& shifts,
            const std::vector<std::int64_t>& dims, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("roll", x);
  if (dims.empty()) {
    if (shifts.size() != 1) {
      throw std::invalid_argument(fmt::format(
          "nabla::roll: with no dims, shifts must have one entry (x rolls as if flattened), "
          "got [{}]",
          fmt::join(shifts, ", ")));
    }
    return reshape(roll(reshape(x, {-1}), shifts, {0}), x.shape());
  }
  if (shifts.size() != dims.size()) {
    throw std::invalid_argument(fmt::format(
        "nabla::roll: shifts [{}] and dims [{}] must have the same length", fmt::join(shifts, ", "),
        fmt::join(dims, ", ")));
  }
  const std::size_t rank = x.shape().size();
  std::vector<std::int64_t> total(std::max<std::size_t>(rank, 1), 0);
  std::vector<std::int64_t> normalized;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const auto d = static_cast<std::size_t>(
        normalize_axis(dims[i], std::max<std::int64_t>(x.dim(), 1), "roll"));
    normalized.push_back(static_cast<std::int64_t>(d));
    const std::int64_t n = rank == 0 ? 1 : x.shape()[d];
    if (n > 0) total[d] = ((total[d] + shifts[i] % n) % n + n) % n;
  }
  std::vector<bool> identity(rank, true);
  std::vector<std::vector<std::int64_t>> maps(rank);
  for (std::size_t d = 0; d < rank; ++d) {
    if (total[d] == 0) continue;
    identity[d] = false;
    const std::int64_t n = x.shape()[d];
    for (std::int64_t i = 0; i < n; ++i) maps[d].push_back(((i - total[d]) % n + n) % n);
  }
  Tensor result = detail::axis_map_kernel("roll", x, maps, identity);
  record<RollNode>(result, {x}, shifts, normalized);
  return result;
}

namespace detail {
void register_roll(OpRegistry& r) {
  r.add({.name = "roll",
         .formula = "roll(x, {1, -3}, {0, -1})",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return roll(in[0], {1, -3}, {0, -1}); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                   {"rank 3 [2,3,2]", {sample_tensor({2, 3, 2}, g, d)}},
                   {"transposed [3,2]", {transpose(sample_tensor({2, 3}, g, d), 0, 1)}},
                   {"stepped [2,3] of [2,5]", {slice(sample_tensor({2, 5}, g, d), 1, 0, std::nullopt, 2)}}};
             }});
  r.add({.name = "roll_flat",
         .formula = "roll(x, {2}) (flattened, no dims)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return roll(in[0], {2}); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                   {"transposed [3,2]", {transpose(sample_tensor({2, 3}, g, d), 0, 1)}},
                   {"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
