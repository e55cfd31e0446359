#pragma once
// What the suites of nabla_distributed_tests share: the world, the dtypes, and the values
// each rank contributes, with their reductions worked out over the ranks.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "nabla/distributed.hpp"
#include "nabla/ops.hpp"

#include "distributed/mpi_common.hpp"

namespace dist_test {

namespace dist = nabla::distributed;
using dist::ReduceOp;
using nabla::Dtype;
using nabla::Shape;
using nabla::Tensor;

inline int world() {
  return dist::world_size();
}
inline int me() {
  return dist::rank();
}

inline const std::vector<Dtype>& all_dtypes() {
  static const std::vector<Dtype> d = {nabla::f32, nabla::f64, nabla::i64,
                                       nabla::i32, nabla::u8,  nabla::bool_};
  return d;
}
inline const std::vector<ReduceOp>& all_ops() {
  static const std::vector<ReduceOp> o = {ReduceOp::sum, ReduceOp::mean, ReduceOp::max,
                                          ReduceOp::min};
  return o;
}
inline const char* op_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::sum:
      return "sum";
    case ReduceOp::mean:
      return "mean";
    case ReduceOp::max:
      return "max";
    case ReduceOp::min:
      return "min";
  }
  return "?";
}

// Element i of rank r's tensor, by dtype, chosen so that every op tells the ranks apart:
// signed numbers ±(r + 1)(i + 1) (the sign alternating with i, so that max and min come
// from different ranks), bytes r + i + 1, and bools in a pattern of four: false on every
// rank, true on every rank, true on rank 0 only, true on rank 1 only.
inline double value(Dtype d, int r, std::int64_t i) {
  if (d == nabla::bool_) {
    switch (i % 4) {
      case 0:
        return 0;
      case 1:
        return 1;
      case 2:
        return r == 0;
      default:
        return r == 1;
    }
  }
  if (d == nabla::u8) return static_cast<double>(r + i + 1);
  const double sign = i % 2 == 0 ? 1.0 : -1.0;
  return sign * (r + 1) * static_cast<double>(i + 1);
}

// Rank r's values of `count` elements.
inline std::vector<double> values(Dtype d, int r, std::int64_t count, std::int64_t first = 0) {
  std::vector<double> v;
  for (std::int64_t i = first; i < first + count; ++i) v.push_back(value(d, r, i));
  return v;
}

// The reduction over all ranks of element i, as the collective should give it.
inline double reduced(Dtype d, ReduceOp op, std::int64_t i) {
  const int n = world();
  std::vector<double> v;
  for (int r = 0; r < n; ++r) v.push_back(value(d, r, i));
  double out = 0;
  if (d == nabla::bool_) {  // sum and max are or, min is and
    const bool any = std::any_of(v.begin(), v.end(), [](double x) { return x != 0; });
    const bool all = std::all_of(v.begin(), v.end(), [](double x) { return x != 0; });
    return op == ReduceOp::min ? all : any;
  }
  switch (op) {
    case ReduceOp::sum:
    case ReduceOp::mean:
      for (double x : v) out += x;
      if (op == ReduceOp::mean) out /= n;
      return d == nabla::f32 ? static_cast<float>(out) : out;
    case ReduceOp::max:
      return *std::max_element(v.begin(), v.end());
    case ReduceOp::min:
      return *std::min_element(v.begin(), v.end());
  }
  return out;
}

inline std::vector<double> reduced_values(Dtype d, ReduceOp op, std::int64_t count,
                                          std::int64_t first = 0) {
  std::vector<double> v;
  for (std::int64_t i = first; i < first + count; ++i) v.push_back(reduced(d, op, i));
  return v;
}

inline std::string what(Dtype d, ReduceOp op) {
  return std::string(nabla::dtype_name(d)) + ", " + op_name(op) + ", rank " + std::to_string(me()) +
         " of " + std::to_string(world());
}

// While alive, nabla hands MPI at most n elements per call (the limit is INT_MAX, which
// no test can reach), so that small tensors go in pieces.
class MaxCount {
 public:
  explicit MaxCount(std::int64_t n) : saved_(dist::detail::max_count()) {
    dist::detail::set_max_count(n);
  }
  ~MaxCount() { dist::detail::set_max_count(saved_); }
  MaxCount(const MaxCount&) = delete;
  MaxCount& operator=(const MaxCount&) = delete;

 private:
  std::int64_t saved_;
};

}  // namespace dist_test
