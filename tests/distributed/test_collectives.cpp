// The collectives against values worked out by hand or over the ranks (dist_test_util.hpp),
// for every dtype and reduction, on contiguous tensors and on views.

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "dist_test_util.hpp"
#include "nabla/autograd.hpp"

namespace {

using namespace dist_test;

Tensor rank_tensor(Dtype d, const Shape& shape, std::int64_t first = 0) {
  return nabla::tensor(values(d, me(), nabla::shape_numel(shape), first), shape, d);
}

TEST(Distributed, RankAndWorldSize) {
  EXPECT_TRUE(dist::is_initialized());
  EXPECT_GE(world(), 1);
  EXPECT_GE(me(), 0);
  EXPECT_LT(me(), world());
  dist::barrier();
  // Each rank sees the others' ranks in order.
  const Tensor ranks = dist::all_gather_into_tensor(nabla::scalar_tensor(me(), nabla::i64));
  std::vector<double> expected;
  for (int r = 0; r < world(); ++r) expected.push_back(r);
  EXPECT_EQ(ranks.to_vector(), expected);
  EXPECT_EQ(ranks.shape(), Shape{world()});
}

// ---- all_reduce -------------------------------------------------------------------------------

TEST(AllReduce, Float32ByHand) {
  // Rank r gives (r + 1)·[1, -2, 3]: over W ranks the sum is W(W + 1)/2 · [1, -2, 3], the
  // mean (W + 1)/2 · [1, -2, 3], the max [W, -2, 3W] and the min [1, -2W, 3].
  const double n = world();
  const auto run = [&](ReduceOp op) {
    Tensor t = nabla::tensor({1.0, -2.0, 3.0}) * static_cast<double>(me() + 1);
    dist::all_reduce(t, op);
    return t.to_vector();
  };
  const double s = n * (n + 1) / 2;
  EXPECT_EQ(run(ReduceOp::sum), (std::vector<double>{s, -2 * s, 3 * s}));
  EXPECT_EQ(run(ReduceOp::mean), (std::vector<double>{s / n, -2 * s / n, 3 * s / n}));
  EXPECT_EQ(run(ReduceOp::max), (std::vector<double>{n, -2, 3 * n}));
  EXPECT_EQ(run(ReduceOp::min), (std::vector<double>{1, -2 * n, 3}));
  // The default is the sum.
  Tensor t = nabla::ones({2});
  dist::all_reduce(t);
  EXPECT_EQ(t.to_vector(), (std::vector<double>{n, n}));
}

TEST(AllReduce, EveryDtypeAndReduction) {
  for (Dtype d : all_dtypes()) {
    for (ReduceOp op : all_ops()) {
      SCOPED_TRACE(what(d, op));
      Tensor t = rank_tensor(d, {2, 4});
      if (op == ReduceOp::mean && !nabla::is_floating_point(d)) {
        EXPECT_THROW(dist::all_reduce(t, op), std::invalid_argument);
        EXPECT_EQ(t.to_vector(), values(d, me(), 8));  // untouched
        continue;
      }
      dist::all_reduce(t, op);
      EXPECT_EQ(t.dtype(), d);
      EXPECT_EQ(t.shape(), (Shape{2, 4}));
      EXPECT_EQ(t.to_vector(), reduced_values(d, op, 8));
    }
  }
}

TEST(AllReduce, ViewsAreWrittenThroughAndTheRestIsLeftAlone) {
  for (Dtype d : all_dtypes()) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // A transposed view: the whole storage, in another order.
    Tensor base = rank_tensor(d, {3, 4});
    Tensor view = base.t();  // [4, 3], strides [1, 4]
    ASSERT_FALSE(view.is_contiguous());
    dist::all_reduce(view, ReduceOp::max);
    Tensor expected = nabla::tensor(reduced_values(d, ReduceOp::max, 12), {3, 4}, d);
    EXPECT_EQ(base.to_vector(), expected.to_vector());
    EXPECT_EQ(view.to_vector(), expected.t().to_vector());

    // Every other column: the columns between keep their values.
    Tensor wide = rank_tensor(d, {2, 6});
    Tensor cols = wide.slice(1, 0, 6, 2);  // [2, 3], strides [6, 2]
    ASSERT_FALSE(cols.is_contiguous());
    dist::all_reduce(cols, ReduceOp::sum);
    const std::vector<double> mine = values(d, me(), 12);
    const std::vector<double> sums = reduced_values(d, ReduceOp::sum, 12);
    const std::vector<double> got = wide.to_vector();
    for (std::size_t i = 0; i < 12; ++i) {
      EXPECT_EQ(got[i], i % 2 == 0 ? sums[i] : mine[i]) << "element " << i;
    }
  }
}

TEST(AllReduce, ScalarsAndEmptyTensors) {
  Tensor s = nabla::scalar_tensor(me() + 1.0, nabla::f64);
  dist::all_reduce(s);
  EXPECT_EQ(s.item<double>(), world() * (world() + 1) / 2.0);
  EXPECT_EQ(s.dim(), 0);
  Tensor e = nabla::zeros({0, 3});
  dist::all_reduce(e, ReduceOp::mean);
  EXPECT_EQ(e.shape(), (Shape{0, 3}));
}

TEST(AllReduce, BumpsTheVersionSoAGraphThatSavedTheTensorFailsAtBackward) {
  Tensor x = nabla::ones({3}).requires_grad_();
  Tensor w = nabla::full({3}, 2.0);
  Tensor y = nabla::sum(x * w);  // saves w for x's gradient
  const std::uint64_t v = w.version();
  dist::all_reduce(w);
  EXPECT_GT(w.version(), v);
  EXPECT_THROW(y.backward(), std::runtime_error);

  // Through a view too: the version belongs to the storage.
  Tensor base = nabla::ones({2, 2});
  Tensor view = base.t();
  const std::uint64_t vb = base.version();
  dist::all_reduce(view);
  EXPECT_GT(base.version(), vb);
}

TEST(AllReduce, OnAParameterKeepsItALeafWithoutHistory) {
  // As torch.distributed: the values of a tensor that requires grad change in place,
  // with grad mode on, and nothing is recorded.
  Tensor p = nabla::ones({2}).requires_grad_();
  ASSERT_TRUE(nabla::is_grad_enabled());
  dist::all_reduce(p, ReduceOp::mean);
  EXPECT_EQ(p.to_vector(), (std::vector<double>{1, 1}));
  EXPECT_TRUE(p.requires_grad());
  EXPECT_TRUE(p.is_leaf());
  EXPECT_EQ(p.grad_fn(), nullptr);
  EXPECT_TRUE(nabla::is_grad_enabled());
  // A non-contiguous view of a parameter, which goes through copy_.
  Tensor q = nabla::ones({2, 3}).requires_grad_();
  Tensor qt = q.t();
  dist::all_reduce(qt);
  EXPECT_EQ(q.to_vector(), std::vector<double>(6, world()));
  EXPECT_TRUE(q.is_leaf());
}

TEST(AllReduce, ALargeTensorGoesInPieces) {
  const MaxCount limit(7);  // 7 elements per MPI call: 23 elements are 4 pieces
  for (Dtype d : {nabla::f32, nabla::i64, nabla::bool_}) {
    SCOPED_TRACE(nabla::dtype_name(d));
    Tensor t = rank_tensor(d, {23});
    dist::all_reduce(t, ReduceOp::max);
    EXPECT_EQ(t.to_vector(), reduced_values(d, ReduceOp::max, 23));
    Tensor v = rank_tensor(d, {2, 23}).t();  // non-contiguous, in pieces
    dist::all_reduce(v, ReduceOp::sum);
    EXPECT_EQ(v.t().to_vector(), reduced_values(d, ReduceOp::sum, 46));
  }
}

// ---- broadcast --------------------------------------------------------------------------------

TEST(Broadcast, FromEverySourceEveryDtype) {
  for (Dtype d : all_dtypes()) {
    for (int src = 0; src < world(); ++src) {
      SCOPED_TRACE(std::string(nabla::dtype_name(d)) + ", src " + std::to_string(src));
      Tensor t = rank_tensor(d, {3, 2});
      dist::broadcast(t, src);
      EXPECT_EQ(t.to_vector(), values(d, src, 6));
      // A stepped, transposed view: the values land where the view points.
      Tensor base = rank_tensor(d, {4, 3});
      Tensor v = base.slice(0, 0, 4, 2).t();  // [3, 2] of rows 0 and 2
      dist::broadcast(v, src);
      const std::vector<double> got = base.to_vector();
      const std::vector<double> theirs = values(d, src, 12), mine = values(d, me(), 12);
      for (std::size_t i = 0; i < 12; ++i) {
        const bool in_view = (i / 3) % 2 == 0;
        EXPECT_EQ(got[i], in_view ? theirs[i] : mine[i]) << "element " << i;
      }
    }
  }
  Tensor t = nabla::scalar_tensor(me(), nabla::i32);
  dist::broadcast(t);  // src 0 by default
  EXPECT_EQ(t.item<int>(), 0);
}

TEST(Broadcast, InPieces) {
  const MaxCount limit(5);
  Tensor t = rank_tensor(nabla::f64, {17});
  dist::broadcast(t, world() - 1);
  EXPECT_EQ(t.to_vector(), values(nabla::f64, world() - 1, 17));
}

// ---- all_gather -------------------------------------------------------------------------------

TEST(AllGather, EveryRanksTensorInRankOrder) {
  for (Dtype d : all_dtypes()) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor t = rank_tensor(d, {2, 3});
    const std::vector<Tensor> all = dist::all_gather(t);
    ASSERT_EQ(all.size(), static_cast<std::size_t>(world()));
    for (int r = 0; r < world(); ++r) {
      EXPECT_EQ(all[r].shape(), (Shape{2, 3}));
      EXPECT_EQ(all[r].dtype(), d);
      EXPECT_EQ(all[r].to_vector(), values(d, r, 6)) << "rank " << r << "'s tensor";
      if (r > 0) {
        EXPECT_FALSE(all[r].is_same_storage(all[0]));
      }
    }
    // A view is gathered as its values (rank r's transposed values).
    const std::vector<Tensor> views = dist::all_gather(t.t());
    for (int r = 0; r < world(); ++r) {
      EXPECT_EQ(views[r].shape(), (Shape{3, 2}));
      EXPECT_EQ(views[r].to_vector(), nabla::tensor(values(d, r, 6), {2, 3}, d).t().to_vector());
    }
  }
}

TEST(AllGather, IntoTensorConcatenatesAlongDim0) {
  for (Dtype d : all_dtypes()) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor out = dist::all_gather_into_tensor(rank_tensor(d, {2, 3}));
    EXPECT_EQ(out.shape(), (Shape{2 * world(), 3}));
    std::vector<double> expected;
    for (int r = 0; r < world(); ++r) {
      const std::vector<double> v = values(d, r, 6);
      expected.insert(expected.end(), v.begin(), v.end());
    }
    EXPECT_EQ(out.to_vector(), expected);
  }
  // A 0-d tensor gives [world]; a non-contiguous one its values.
  const Tensor s = dist::all_gather_into_tensor(nabla::scalar_tensor(10.0 * me(), nabla::f64));
  EXPECT_EQ(s.shape(), Shape{world()});
  for (int r = 0; r < world(); ++r) EXPECT_EQ(s.to_vector()[r], 10.0 * r);
  const Tensor cols =
      dist::all_gather_into_tensor(rank_tensor(nabla::i32, {2, 4}).slice(1, 1, 4, 2));
  EXPECT_EQ(cols.shape(), (Shape{2 * world(), 2}));
  for (int r = 0; r < world(); ++r) {
    for (int row = 0; row < 2; ++row) {
      for (int c = 0; c < 2; ++c) {
        EXPECT_EQ(cols.to_vector()[(2 * r + row) * 2 + c],
                  value(nabla::i32, r, row * 4 + 1 + 2 * c));
      }
    }
  }
}

// ---- reduce_scatter ---------------------------------------------------------------------------

TEST(ReduceScatter, EachRankGetsItsBlockOfTheReduction) {
  const int n = world();
  for (Dtype d : all_dtypes()) {
    for (ReduceOp op : all_ops()) {
      if (op == ReduceOp::mean && !nabla::is_floating_point(d)) continue;  // Agreement.*
      SCOPED_TRACE(what(d, op));
      // [2W, 3]: rank r's block is rows 2r and 2r + 1 of the reduction.
      const Tensor input = rank_tensor(d, {2 * n, 3});
      const Tensor out = dist::reduce_scatter(input, op);
      EXPECT_EQ(out.shape(), (Shape{2, 3}));
      EXPECT_EQ(out.dtype(), d);
      EXPECT_EQ(out.to_vector(), reduced_values(d, op, 6, 6 * me()));
      EXPECT_EQ(input.to_vector(), values(d, me(), 6 * n));  // the input is untouched
    }
  }
  // A [W] input gives each rank a [1] (the default is the sum); a view works too.
  const Tensor one = dist::reduce_scatter(rank_tensor(nabla::f32, {n}));
  EXPECT_EQ(one.shape(), Shape{1});
  EXPECT_EQ(one.item<float>(), reduced(nabla::f32, ReduceOp::sum, me()));
  const Tensor t = dist::reduce_scatter(rank_tensor(nabla::f64, {3, n}).t(), ReduceOp::max);
  EXPECT_EQ(t.shape(), (Shape{1, 3}));
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(t.to_vector()[c], reduced(nabla::f64, ReduceOp::max, c * n + me()));
  }
}

// ---- all_reduce_async -------------------------------------------------------------------------

TEST(AllReduceAsync, WaitGivesTheReductionForEveryDtype) {
  for (Dtype d : all_dtypes()) {
    for (ReduceOp op : all_ops()) {
      SCOPED_TRACE(what(d, op));
      Tensor t = rank_tensor(d, {5});
      if (op == ReduceOp::mean && !nabla::is_floating_point(d)) {
        EXPECT_THROW(dist::all_reduce_async(t, op), std::invalid_argument);
        continue;
      }
      const std::uint64_t v = t.version();
      dist::Work work = dist::all_reduce_async(t, op);
      work.wait();
      EXPECT_TRUE(work.is_completed());
      EXPECT_EQ(t.to_vector(), reduced_values(d, op, 5));
      EXPECT_GT(t.version(), v);
      work.wait();  // a second wait does nothing (the mean is not divided twice)
      EXPECT_EQ(t.to_vector(), reduced_values(d, op, 5));
    }
  }
}

TEST(AllReduceAsync, SeveralInFlightAndIsCompletedWithoutBlocking) {
  Tensor a = rank_tensor(nabla::f32, {1000});
  Tensor b = rank_tensor(nabla::i64, {3});
  dist::Work wa = dist::all_reduce_async(a, ReduceOp::mean);
  dist::Work wb = dist::all_reduce_async(b, ReduceOp::min);
  while (!wa.is_completed()) {
  }
  while (!wb.is_completed()) {
  }
  EXPECT_EQ(a.to_vector(), reduced_values(nabla::f32, ReduceOp::mean, 1000));
  EXPECT_EQ(b.to_vector(), reduced_values(nabla::i64, ReduceOp::min, 3));
}

TEST(AllReduceAsync, TheDestructorAndMovesWait) {
  Tensor t = rank_tensor(nabla::f64, {4});
  {
    dist::Work work = dist::all_reduce_async(t, ReduceOp::max);
    dist::Work moved = std::move(work);
    work.wait();  // nothing left in the moved-from Work
  }
  EXPECT_EQ(t.to_vector(), reduced_values(nabla::f64, ReduceOp::max, 4));
  // Assigning over a Work in flight waits for it first.
  Tensor u = rank_tensor(nabla::f64, {4});
  Tensor w = rank_tensor(nabla::f64, {4});
  dist::Work work = dist::all_reduce_async(u);
  work = dist::all_reduce_async(w);
  EXPECT_EQ(u.to_vector(), reduced_values(nabla::f64, ReduceOp::sum, 4));
  work.wait();
  EXPECT_EQ(w.to_vector(), reduced_values(nabla::f64, ReduceOp::sum, 4));
}

TEST(AllReduceAsync, ADefaultWorkHasNothingInFlight) {
  dist::Work work;
  EXPECT_TRUE(work.is_completed());
  work.wait();
}

TEST(AllReduceAsync, InPieces) {
  const MaxCount limit(4);
  Tensor t = rank_tensor(nabla::i32, {3, 5});
  dist::Work work = dist::all_reduce_async(t, ReduceOp::sum);
  work.wait();
  EXPECT_EQ(t.to_vector(), reduced_values(nabla::i32, ReduceOp::sum, 15));
}

TEST(AllReduceAsync, RefusesANonContiguousOrUndefinedTensor) {
  // Refused on this rank alone, before any MPI call: every rank refuses alike here.
  Tensor t = nabla::zeros({2, 3}).t();
  try {
    dist::all_reduce_async(t);
    ADD_FAILURE() << "no throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "nabla::distributed::all_reduce_async: the tensor (shape [3, 2], strides [1, 3]) "
                 "is not contiguous; MPI reduces its storage in place, so pass a contiguous "
                 "tensor (contiguous() gives a copy: reduce that one and read the result from "
                 "it)");
  }
  Tensor u;
  EXPECT_THROW(dist::all_reduce_async(u), std::invalid_argument);
}

}  // namespace
