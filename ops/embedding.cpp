// embedding: rows of a weight table picked by integer indices.
//   forward : result[..., :] = weight[indices[...], :]; with max_norm, each referenced row
//             whose norm_type-norm exceeds max_norm is first scaled in place (no grad) by
//             max_norm / (norm + 1e-7), as PyTorch's embedding_renorm_
//   backward: grad_weight = index_add(zeros, 0, indices, grad) (index_select's rule), none
//             for the entries at padding_idx (where(index ≠ padding_idx, rows, rows
//             detached)); composed of nabla ops, so every order works
//   saves   : what index_select saves (the indices)
//   shapes  : indices any shape, int64 or int32, in [0, V); weight [V, D] → [*indices, D]
//   dtypes  : weight float32 or float64; indices int64 or int32

#include <cmath>
#include <set>

#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
// indices (int64/int32, checked in [0, rows)) as a flat contiguous int64 tensor.
Tensor checked_indices(const char* op, const Tensor& indices, std::int64_t rows) {
  check_defined(op, indices, "indices");
  if (indices.dtype() != i64 && indices.dtype() != i32) {
    throw std::invalid_argument(fmt::format("nabla::{}: indices must be int64 or int32, got {}", op,
                                            dtype_name(indices.dtype())));
  }
  Tensor idx = dense(cast(indices.detach(), i64)).flatten();
  const std::int64_t* p = data_ptr<std::int64_t>(idx);
  for (std::int64_t i = 0; i < idx.numel(); ++i) {
    if (p[i] < 0 || p[i] >= rows) {
      throw std::out_of_range(fmt::format(
          "nabla::{}: index {} at position {} of indices {} is out of range for a weight of {} "
          "rows (valid: 0 to {})",
          op, p[i], i, shape_str(indices.shape()), rows, rows - 1));
    }
  }
  return idx;
}

void check_embedding_weight(const char* op, const Tensor& weight) {
  check_defined(op, weight, "weight");
  check_floating(op, weight, "weight");
  if (weight.dim() != 2) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: weight must be 2-d [num_embeddings, dim], got {}", op,
                    shape_str(weight.shape())));
  }
}

// padding_idx in [−V, V) as a row number, or −1 when absent.
std::int64_t padding_row(const char* op, std::optional<std::int64_t> padding_idx,
                         std::int64_t rows) {
  if (!padding_idx) return -1;
  const std::int64_t p = *padding_idx;
  if (p < -rows || p >= rows) {
    throw std::out_of_range(
        fmt::format("nabla::{}: padding_idx {} must be within the {} rows of weight ([{}, {}))", op,
                    p, rows, -rows, rows));
  }
  return p < 0 ? p + rows : p;
}

// rows [n, D] with no gradient flowing back at the positions where idx == pad.
Tensor block_padding(const Tensor& rows, const Tensor& idx, std::int64_t pad) {
  if (pad < 0 || !rows.requires_grad()) return rows;
  const Tensor keep = unsqueeze(ne(idx, static_cast<double>(pad)), 1);  // [n, 1]
  return where(keep, rows, rows.detach());
}
}  // namespace detail

Tensor embedding(const Tensor& indices, const Tensor& weight,
                 std::optional<std::int64_t> padding_idx, std::optional<double> max_norm,
                 double norm_type, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_embedding_weight("embedding", weight);
  const std::int64_t v = weight.shape()[0], dim = weight.shape()[1];
  const Tensor idx = detail::checked_indices("embedding", indices, v);
  const std::int64_t pad = detail::padding_row("embedding", padding_idx, v);
  if (max_norm) {
    if (!(*max_norm > 0.0) || !(norm_type > 0.0)) {
      throw std::invalid_argument(
          fmt::format("nabla::embedding: max_norm and norm_type must be positive, got {} and {}",
                      *max_norm, norm_type));
    }
    NoGradGuard no_grad;
    const std::int64_t* p = detail::data_ptr<std::int64_t>(idx);
    const std::set<std::int64_t> referenced(p, p + idx.numel());
    for (const std::int64_t row : referenced) {
      Tensor r = weight.select(0, row);
      double acc = 0.0;
      for (const double e : r.to_vector()) acc += std::pow(std::abs(e), norm_type);
      const double norm = std::pow(acc, 1.0 / norm_type);
      if (norm > *max_norm) r.mul_(*max_norm / (norm + 1e-7));
    }
  }
  const Tensor rows = detail::block_padding(index_select(weight, 0, idx), idx, pad);  // [n, D]
  Shape out = indices.shape();
  out.push_back(dim);
  return reshape(rows, out);
}

namespace detail {
void register_embedding(OpRegistry& r) {
  r.add({.name = "embedding",
         .formula = "weight[indices], indices [[0,3,1],[3,3,2]]",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               const Tensor idx = tensor(std::vector<double>{0, 3, 1, 3, 3, 2}, {2, 3}, i64);
               // no padding_idx: its row is used but gets no gradient (as PyTorch), which
               // finite differences would report as a mismatch
               return embedding(idx, in[0]);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"weight [4,3]", {sample_tensor({4, 3}, g, d)}},
                                            {"weight [5,2]", {sample_tensor({5, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"3 rows for index 3", {sample_tensor({3, 3}, g, d)}},
                                            {"1-d weight", {sample_tensor({4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
