// Tests of ops/index_along.cpp and ops/index_along_backward.cpp, the internal gather and
// scatter-add pair behind the selecting ops' gradients, through the registry's entries.

#include "ops/op_test_util.hpp"

namespace test_index_along {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

const nabla::OpInfo& index_op(const std::string& name) {
  const nabla::OpInfo* op = nabla::op_registry().find(name);
  if (op == nullptr) throw std::logic_error("no registered op " + name);
  return *op;
}

// The registry's index_along reads positions (3i + 2j + 1) mod n along the last dim:
// for x [2,3] (n = 3) and 5 positions: row 0 → 1, 0, 2, 1, 0; row 1 → 1, 0, 2, 1, 0 shifted
// by 3 ≡ 0. So row r of the result is x[r][1], x[r][0], x[r][2], x[r][1], x[r][0].
TEST(IndexAlong, GathersTheGivenPositions) {
  const Tensor x = nabla::tensor({{10.0, 11.0, 12.0}, {20.0, 21.0, 22.0}}, nabla::f64);
  const Tensor r = index_op("index_along").fn({x});
  expect_tensor(r, {2, 5}, {11, 10, 12, 11, 10, 21, 20, 22, 21, 20}, nabla::f64);
}

// index_along_backward adds each value at its position: src [1,4] with positions
// (2j + 1) mod 3 = 1, 0, 2, 1 → [v0 ... ] = [s1, s0 + s3, s2]
TEST(IndexAlongBackward, AddsRepeatedPositions) {
  const Tensor src = nabla::tensor({{1.0, 2.0, 3.0, 4.0}}, nabla::f64);
  const Tensor r = index_op("index_along_backward").fn({src});
  expect_tensor(r, {1, 3}, {2, 1 + 4, 3}, nabla::f64);
}

TEST(IndexAlong, PairIsAdjointAndDifferentiable) {
  for (const char* name : {"index_along", "index_along_backward"}) {
    SCOPED_TRACE(name);
    const auto fn = index_op(name).fn;
    const nabla::Function f = [fn](const std::vector<Tensor>& in) { return fn({in[0].t()}); };
    expect_gradients_match(f, {normal({4, 3}, 171)});
    expect_nonzero_gradient(f, {normal({4, 3}, 171)});
    EXPECT_THAT(message_of([&] { fn({nabla::scalar_tensor(1.0)}); }), HasSubstr(name));
  }
}

}  // namespace
}  // namespace test_index_along
