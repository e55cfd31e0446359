// The agreement before each synchronous collective: ranks that pass different tensors,
// reductions, sources or collectives get DistributedError on every rank, naming what each
// rank passed, and stay in step; arguments wrong on every rank alike get
// std::invalid_argument on every rank. Also MPI's own failures, which come back as codes.

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "dist_test_util.hpp"

namespace {

using namespace dist_test;

// "rank 0 <what(0)>, rank 1 <what(1)>, ..." over the world.
std::string each_rank(const std::function<std::string(int)>& what) {
  std::string out;
  for (int r = 0; r < world(); ++r) {
    if (r) out += ", ";
    out += "rank " + std::to_string(r) + " " + what(r);
  }
  return out;
}

// The DistributedError that f throws, checked to name `call` and this rank.
std::string distributed_error(const std::string& call, const std::function<void()>& f) {
  try {
    f();
  } catch (const dist::DistributedError& e) {
    EXPECT_EQ(e.call(), call);
    EXPECT_EQ(e.rank(), me());
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another type: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no throw";
  return "";
}

std::string invalid_argument(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another type: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no throw";
  return "";
}

// After an error the ranks are still in step: the next collective works.
void expect_in_step() {
  Tensor t = nabla::ones({2});
  dist::all_reduce(t);
  EXPECT_EQ(t.to_vector(), std::vector<double>(2, world()));
}

class Agreement : public ::testing::Test {
 protected:
  void SetUp() override {
    if (world() < 2) GTEST_SKIP() << "needs two ranks or more";
  }
};

TEST_F(Agreement, ShapesThatDifferAreNamedForEveryRank) {
  // Even ranks pass [2, 3], odd ranks [3, 2].
  const auto shape_of = [](int r) { return r % 2 == 0 ? Shape{2, 3} : Shape{3, 2}; };
  const std::string ranks =
      each_rank([&](int r) { return "has float32 " + nabla::shape_str(shape_of(r)); });
  Tensor t = nabla::full(shape_of(me()), 5.0);
  EXPECT_EQ(distributed_error("nabla::distributed::all_reduce", [&] { dist::all_reduce(t); }),
            "nabla::distributed::all_reduce: the tensors differ across ranks: " + ranks);
  EXPECT_EQ(t.to_vector(), std::vector<double>(6, 5.0));  // untouched
  expect_in_step();
  EXPECT_EQ(distributed_error("nabla::distributed::broadcast", [&] { dist::broadcast(t, 0); }),
            "nabla::distributed::broadcast: the tensors differ across ranks: " + ranks);
  EXPECT_EQ(distributed_error("nabla::distributed::all_gather", [&] { dist::all_gather(t); }),
            "nabla::distributed::all_gather: the tensors differ across ranks: " + ranks);
  EXPECT_EQ(
      distributed_error("nabla::distributed::all_gather_into_tensor",
                        [&] { dist::all_gather_into_tensor(t); }),
      "nabla::distributed::all_gather_into_tensor: the tensors differ across ranks: " + ranks);
  expect_in_step();
  // reduce_scatter: [2W, 3] against [2W, 2].
  const auto rows = [](int r) { return Shape{2 * world(), r % 2 == 0 ? 3 : 2}; };
  EXPECT_EQ(distributed_error("nabla::distributed::reduce_scatter",
                              [&] { dist::reduce_scatter(nabla::zeros(rows(me()))); }),
            "nabla::distributed::reduce_scatter: the tensors differ across ranks: " +
                each_rank([&](int r) { return "has float32 " + nabla::shape_str(rows(r)); }));
  expect_in_step();
}

TEST_F(Agreement, DtypesThatDifferAreNamedForEveryRank) {
  Tensor t = nabla::zeros({2}, me() == 0 ? nabla::f32 : nabla::f64);
  EXPECT_EQ(
      distributed_error("nabla::distributed::all_reduce", [&] { dist::all_reduce(t); }),
      "nabla::distributed::all_reduce: the tensors differ across ranks: " + each_rank([](int r) {
        return std::string(r == 0 ? "has float32 [2]" : "has float64 [2]");
      }));
  expect_in_step();
  // Same bytes per element, different dtypes: int32 against float32.
  Tensor u = nabla::zeros({3}, me() == 1 ? nabla::i32 : nabla::f32);
  EXPECT_EQ(
      distributed_error("nabla::distributed::all_gather", [&] { dist::all_gather(u); }),
      "nabla::distributed::all_gather: the tensors differ across ranks: " + each_rank([](int r) {
        return std::string(r == 1 ? "has int32 [3]" : "has float32 [3]");
      }));
  expect_in_step();
}

TEST_F(Agreement, ShapesPastTheEighthDimension) {
  // Nine dimensions, differing only in the last: the check still sees it, and the
  // message has the whole shapes.
  const auto shape_of = [](int r) {
    Shape s(9, 1);
    s[8] = 1 + r % 2;
    return s;
  };
  Tensor t = nabla::zeros(shape_of(me()));
  EXPECT_EQ(distributed_error("nabla::distributed::all_reduce", [&] { dist::all_reduce(t); }),
            "nabla::distributed::all_reduce: the tensors differ across ranks: " +
                each_rank([&](int r) { return "has float32 " + nabla::shape_str(shape_of(r)); }));
  expect_in_step();
  Tensor same = nabla::ones(Shape(10, 1));
  dist::all_reduce(same);
  EXPECT_EQ(same.item<float>(), world());
}

TEST_F(Agreement, AnUndefinedTensorOnOneRank) {
  Tensor t = me() == 1 ? Tensor() : nabla::zeros({2}, nabla::i64);
  EXPECT_EQ(
      distributed_error("nabla::distributed::broadcast", [&] { dist::broadcast(t); }),
      "nabla::distributed::broadcast: the tensors differ across ranks: " + each_rank([](int r) {
        return std::string(r == 1 ? "has an undefined tensor" : "has int64 [2]");
      }));
  expect_in_step();
}

TEST_F(Agreement, UndefinedOnEveryRankIsAnInvalidArgument) {
  Tensor t;
  EXPECT_EQ(invalid_argument([&] { dist::all_reduce(t); }),
            "nabla::distributed::all_reduce: the tensor is undefined");
  EXPECT_EQ(invalid_argument([&] { dist::all_gather(t); }),
            "nabla::distributed::all_gather: the tensor is undefined");
  expect_in_step();
}

TEST_F(Agreement, DifferentReductions) {
  Tensor t = nabla::ones({2});
  const ReduceOp op = me() == 0 ? ReduceOp::sum : ReduceOp::max;
  EXPECT_EQ(distributed_error("nabla::distributed::all_reduce", [&] { dist::all_reduce(t, op); }),
            "nabla::distributed::all_reduce: the ranks ask for different reductions: " +
                each_rank([](int r) { return std::string(r == 0 ? "sum" : "max"); }));
  const Tensor in = nabla::ones({world()});
  EXPECT_EQ(distributed_error("nabla::distributed::reduce_scatter",
                              [&] { dist::reduce_scatter(in, op); }),
            "nabla::distributed::reduce_scatter: the ranks ask for different reductions: " +
                each_rank([](int r) { return std::string(r == 0 ? "sum" : "max"); }));
  expect_in_step();
}

TEST_F(Agreement, DifferentSources) {
  Tensor t = nabla::ones({2});
  EXPECT_EQ(distributed_error("nabla::distributed::broadcast", [&] { dist::broadcast(t, me()); }),
            "nabla::distributed::broadcast: the ranks name different sources: " +
                each_rank([](int r) { return "src " + std::to_string(r); }));
  expect_in_step();
}

TEST_F(Agreement, DifferentCollectives) {
  // Rank 0 all_reduces, the others broadcast: each names its own call.
  Tensor t = nabla::ones({2});
  const std::string ranks =
      each_rank([](int r) { return std::string(r == 0 ? "in all_reduce" : "in broadcast"); });
  if (me() == 0) {
    EXPECT_EQ(distributed_error("nabla::distributed::all_reduce", [&] { dist::all_reduce(t); }),
              "nabla::distributed::all_reduce: the ranks are in different collectives: " + ranks);
  } else {
    EXPECT_EQ(distributed_error("nabla::distributed::broadcast", [&] { dist::broadcast(t); }),
              "nabla::distributed::broadcast: the ranks are in different collectives: " + ranks);
  }
  expect_in_step();
}

TEST_F(Agreement, AnExpandedViewOnOneRankIsRefusedOnEveryRank) {
  // copy_ could not write the result into it; every rank refuses before reducing.
  Tensor t = me() == 1 ? nabla::ones({1}).expand({3}) : nabla::ones({3});
  EXPECT_EQ(invalid_argument([&] { dist::all_reduce(t); }),
            "nabla::distributed::all_reduce: the tensor is an expanded view (an axis of stride "
            "0 repeating one element) on rank 1, so the result cannot be written into it in "
            "place; pass a contiguous tensor (clone() or contiguous())");
  EXPECT_EQ(t.to_vector(), std::vector<double>(3, 1.0));
  expect_in_step();
  // On every odd rank: the message names them all (two of them on four ranks).
  Tensor u = me() % 2 == 1 ? nabla::ones({1}).expand({3}) : nabla::ones({3});
  std::string odd;
  for (int r = 1; r < world(); r += 2) odd += (odd.empty() ? "" : ", ") + std::to_string(r);
  EXPECT_EQ(invalid_argument([&] { dist::all_reduce(u); }),
            std::string("nabla::distributed::all_reduce: the tensor is an expanded view (an "
                        "axis of stride 0 repeating one element) on ") +
                (world() >= 4 ? "ranks " : "rank ") + odd +
                ", so the result cannot be written into it in place; pass a contiguous tensor "
                "(clone() or contiguous())");
  expect_in_step();
  // Read-only collectives take it.
  const std::vector<Tensor> all = dist::all_gather(t);
  EXPECT_EQ(all[1].to_vector(), std::vector<double>(3, 1.0));
}

TEST_F(Agreement, MeanOfAnIntegerOrBoolTensor) {
  Tensor t = nabla::ones({2}, nabla::i64);
  EXPECT_EQ(invalid_argument([&] { dist::all_reduce(t, ReduceOp::mean); }),
            "nabla::distributed::all_reduce: ReduceOp::mean needs a floating-point tensor "
            "(float32 or float64), got int64; use ReduceOp::sum, or convert with "
            ".to(nabla::f32)");
  EXPECT_EQ(invalid_argument([&] {
              dist::reduce_scatter(nabla::ones({world()}, nabla::bool_), ReduceOp::mean);
            }),
            "nabla::distributed::reduce_scatter: ReduceOp::mean needs a floating-point tensor "
            "(float32 or float64), got bool; use ReduceOp::sum, or convert with "
            ".to(nabla::f32)");
  expect_in_step();
}

TEST_F(Agreement, ABroadcastSourceOutsideTheWorld) {
  Tensor t = nabla::ones({2});
  const std::string n = std::to_string(world());
  EXPECT_EQ(invalid_argument([&] { dist::broadcast(t, world()); }),
            "nabla::distributed::broadcast: src " + n + " is outside [0, " + n +
                ") (the world size is " + n + ")");
  EXPECT_EQ(invalid_argument([&] { dist::broadcast(t, -1); }),
            "nabla::distributed::broadcast: src -1 is outside [0, " + n + ") (the world size is " +
                n + ")");
  expect_in_step();
}

TEST_F(Agreement, AReduceScatterInputThatDoesNotSplit) {
  const std::int64_t n = world();
  EXPECT_EQ(invalid_argument([&] {
              dist::reduce_scatter(nabla::zeros({n + 1, 2}));
            }),
            "nabla::distributed::reduce_scatter: dim 0 of input [" + std::to_string(n + 1) +
                ", 2] is " + std::to_string(n + 1) + ", not a multiple of the world size " +
                std::to_string(n));
  EXPECT_EQ(invalid_argument([&] { dist::reduce_scatter(nabla::scalar_tensor(1.0)); }),
            "nabla::distributed::reduce_scatter: input is 0-d; it needs a dim 0 of "
            "world_size()·n rows (" +
                std::to_string(n) + "·n here)");
  expect_in_step();
}

TEST_F(Agreement, AGatherTooLargeForOneMpiCall) {
  const MaxCount limit(3);
  EXPECT_EQ(invalid_argument([&] { dist::all_gather(nabla::zeros({4})); }),
            "nabla::distributed::all_gather: float32 [4] has 4 elements per rank, more than "
            "one MPI call takes (3)");
  expect_in_step();
}

TEST(DistributedErrors, MpiFailuresComeBackAsCodesAndNameTheCall) {
  // init() set MPI_ERRORS_RETURN: a bad count is returned, not fatal (every rank gets
  // it from its own argument check, so no rank waits).
  int x = 0;
  const int rc = MPI_Bcast(&x, -1, MPI_INT, 0, MPI_COMM_WORLD);
  ASSERT_NE(rc, MPI_SUCCESS);
  const std::string message = distributed_error("nabla::distributed::broadcast", [&] {
    dist::detail::check(rc, "nabla::distributed::broadcast", "MPI_Bcast");
  });
  const std::string start =
      "nabla::distributed::broadcast: MPI_Bcast failed on rank " + std::to_string(me()) + ": ";
  EXPECT_EQ(message.substr(0, start.size()), start);
  EXPECT_GT(message.size(), start.size());  // MPI's own words (MPI_Error_string)
  expect_in_step();
}

}  // namespace
