// embedding_bag: sums, means or maxima of bags of embedding rows.
//   forward : bag b of 1-d indices is indices[offsets[b] : offsets[b+1]] (each row of 2-d
//             indices is a bag); entries at padding_idx left out; rows = weight[kept]
//             (⊙ per_sample_weights, mode sum); sum: index_add(zeros [B,D], 0, bag, rows);
//             mean: the sum / max(count, 1); max: amax of each bag's rows (zeros if empty)
//   backward: composed of nabla ops (index_select, mul, index_add, div, amax, stack):
//             every order works; mode max sends the gradient to each bag's maximum
//   saves   : what its ops save
//   shapes  : weight [V, D]; indices [n] with offsets [B], or [B, L] → [B, D]
//   dtypes  : weight (and per_sample_weights) float32 or float64; indices and offsets
//             int64 or int32

#include "nabla/joining.hpp"
#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
Tensor checked_indices(const char* op, const Tensor& indices, std::int64_t rows);
void check_embedding_weight(const char* op, const Tensor& weight);
std::int64_t padding_row(const char* op, std::optional<std::int64_t> padding_idx,
                         std::int64_t rows);
}  // namespace detail

Tensor embedding_bag(const Tensor& indices, const Tensor& weight, const Tensor& offsets,
                     EmbeddingBagMode mode, const Tensor& per_sample_weights,
                     std::optional<std::int64_t> padding_idx, CallSite where) {
  detail::CallSiteScope site(where);
  constexpr const char* op = "embedding_bag";
  detail::check_embedding_weight(op, weight);
  detail::check_defined(op, indices, "indices");
  const std::int64_t v = weight.shape()[0], dim = weight.shape()[1];
  const Tensor idx = detail::checked_indices(op, indices, v);
  const std::int64_t n = idx.numel();
  const std::int64_t pad = detail::padding_row(op, padding_idx, v);
  // the start of each bag, and its end
  std::vector<std::int64_t> starts;
  if (indices.dim() == 2) {
    if (offsets.defined()) {
      throw std::invalid_argument(fmt::format(
          "nabla::embedding_bag: offsets must be absent for 2-d indices {} (each row is a bag)",
          shape_str(indices.shape())));
    }
    for (std::int64_t b = 0; b < indices.shape()[0]; ++b) starts.push_back(b * indices.shape()[1]);
  } else if (indices.dim() == 1) {
    if (!offsets.defined()) {
      throw std::invalid_argument("nabla::embedding_bag: 1-d indices need offsets");
    }
    if (offsets.dtype() != i64 && offsets.dtype() != i32) {
      throw std::invalid_argument(
          fmt::format("nabla::embedding_bag: offsets must be int64 or int32, got {}",
                      dtype_name(offsets.dtype())));
    }
    if (offsets.dim() != 1) {
      throw std::invalid_argument(fmt::format("nabla::embedding_bag: offsets must be 1-d, got {}",
                                              shape_str(offsets.shape())));
    }
    for (const double o : offsets.to_vector()) starts.push_back(static_cast<std::int64_t>(o));
    for (std::size_t b = 0; b < starts.size(); ++b) {
      const std::int64_t prev = b == 0 ? 0 : starts[b - 1];
      if ((b == 0 && starts[0] != 0) || starts[b] < prev || starts[b] > n) {
        throw std::invalid_argument(fmt::format(
            "nabla::embedding_bag: offsets [{}] must start at 0 and not decrease, each at most "
            "the {} indices (offset {} at position {})",
            fmt::join(starts, ", "), n, starts[b], b));
      }
    }
  } else {
    throw std::invalid_argument(
        fmt::format("nabla::embedding_bag: indices must be 1-d (with offsets) or 2-d, got {}",
                    shape_str(indices.shape())));
  }
  if (per_sample_weights.defined()) {
    if (mode != EmbeddingBagMode::sum) {
      throw std::invalid_argument(
          "nabla::embedding_bag: per_sample_weights is only supported for mode sum");
    }
    if (per_sample_weights.shape() != indices.shape() ||
        per_sample_weights.dtype() != weight.dtype()) {
      throw std::invalid_argument(fmt::format(
          "nabla::embedding_bag: per_sample_weights {} {} must have the indices' shape {} and "
          "weight's dtype {}",
          dtype_name(per_sample_weights.dtype()), shape_str(per_sample_weights.shape()),
          shape_str(indices.shape()), dtype_name(weight.dtype())));
    }
  }
  const auto bags = static_cast<std::int64_t>(starts.size());
  // the kept positions (not padding), their bags and the count of each bag
  const std::int64_t* p = detail::data_ptr<std::int64_t>(idx);
  std::vector<double> kept_pos, kept_bag, kept_idx;
  std::vector<std::int64_t> count(starts.size(), 0);
  for (std::int64_t b = 0; b < bags; ++b) {
    const std::int64_t end = b + 1 < bags ? starts[static_cast<std::size_t>(b + 1)] : n;
    for (std::int64_t i = starts[static_cast<std::size_t>(b)]; i < end; ++i) {
      if (p[i] == pad) continue;
      kept_pos.push_back(static_cast<double>(i));
      kept_bag.push_back(static_cast<double>(b));
      kept_idx.push_back(static_cast<double>(p[i]));
      ++count[static_cast<std::size_t>(b)];
    }
  }
  const auto k = static_cast<std::int64_t>(kept_idx.size());
  const Tensor kidx = tensor(kept_idx, {k}, i64);
  Tensor rows = index_select(weight, 0, kidx);  // [k, D]
  if (per_sample_weights.defined()) {
    const Tensor w = index_select(reshape(per_sample_weights, {n}), 0, tensor(kept_pos, {k}, i64));
    rows = mul(rows, unsqueeze(w, 1));
  }
  if (mode == EmbeddingBagMode::max) {
    std::vector<Tensor> out;
    std::int64_t at = 0;
    for (std::int64_t b = 0; b < bags; ++b) {
      const std::int64_t c = count[static_cast<std::size_t>(b)];
      out.push_back(c > 0 ? amax(narrow(rows, 0, at, c), {0}) : zeros({dim}, weight.dtype()));
      at += c;
    }
    if (out.empty()) return zeros({0, dim}, weight.dtype());
    return stack(out, 0);
  }
  Tensor total = index_add(zeros({bags, dim}, weight.dtype()), 0, tensor(kept_bag, {k}, i64), rows);
  if (mode == EmbeddingBagMode::sum) return total;
  std::vector<double> denom(count.size());
  for (std::size_t b = 0; b < count.size(); ++b)
    denom[b] = static_cast<double>(std::max<std::int64_t>(count[b], 1));
  return div(total, tensor(denom, {bags, 1}, weight.dtype()));
}

namespace detail {
namespace {
OpInfo embedding_bag_info(const char* name, const char* formula, EmbeddingBagMode mode) {
  return {.name = name,
          .formula = formula,
          .arity = 1,
          .fn =
              [mode](const std::vector<Tensor>& in) {
                // bags [0,2], [2,2,3], [] and [1]; padding 3 leaves [2,2] in bag 1
                const Tensor idx = tensor(std::vector<double>{0, 2, 2, 2, 3, 1}, {6}, i64);
                const Tensor off = tensor(std::vector<double>{0, 2, 5, 5}, {4}, i64);
                return embedding_bag(idx, in[0], off, mode, {}, 3);
              },
          // distinct normal values: no ties in a bag's maximum
          .samples =
              [](Generator& g, Dtype d) {
                return std::vector<OpSample>{{"weight [4,3]", {sample_tensor({4, 3}, g, d)}}};
              },
          .bad_samples =
              [](Generator& g, Dtype d) {
                return std::vector<OpSample>{{"3 rows for index 3", {sample_tensor({3, 3}, g, d)}}};
              }};
}
}  // namespace

void register_embedding_bag(OpRegistry& r) {
  r.add(embedding_bag_info("embedding_bag", "mean of weight rows per bag, padding_idx 3",
                           EmbeddingBagMode::mean));
  r.add(
      embedding_bag_info("embedding_bag_sum", "sum of weight rows per bag", EmbeddingBagMode::sum));
  r.add(
      embedding_bag_info("embedding_bag_max", "max of weight rows per bag", EmbeddingBagMode::max));
}
}  // namespace detail
}  // namespace nabla
