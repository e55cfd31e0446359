// Tests of ops/index.cpp: Tensor::index (Python's x[...]) and Tensor::index_put_.

#include "ops/op_test_util.hpp"

namespace test_index {
namespace {

using namespace nabla_test;
using nabla::indexing::Ellipsis;
using nabla::indexing::None;
using nabla::indexing::Slice;
using testing::AllOf;
using testing::HasSubstr;

Tensor index_test_z(Dtype d = nabla::f64) {
  return nabla::arange(24, d).reshape({2, 3, 4});
}

Tensor i64s(const nabla::NestedList& v) {
  return nabla::tensor(v, nabla::i64);
}

TEST(Index, BasicPartsAreViews) {
  const Tensor z = index_test_z();
  const Tensor a = z.index({Slice(0, 2), 1});  // z[0:2, 1]
  expect_tensor(a, {2, 4}, {4, 5, 6, 7, 16, 17, 18, 19}, nabla::f64);
  EXPECT_TRUE(a.is_same_storage(z));
  EXPECT_EQ(z.index({Ellipsis, None, Slice(1, 3)}).shape(), (nabla::Shape{2, 3, 1, 2}));
  EXPECT_EQ(z.index({None, Ellipsis, None}).shape(), (nabla::Shape{1, 2, 3, 4, 1}));
  EXPECT_EQ(z.index({true}).shape(), (nabla::Shape{1, 2, 3, 4}));
  EXPECT_EQ(z.index({false}).shape(), (nabla::Shape{0, 2, 3, 4}));
  expect_tensor(z.index({-1, Slice(None, None, 2), Slice(-2, None)}), {2, 2}, {14, 15, 22, 23}, nabla::f64);
  expect_tensor(z.index({1, 2, 3}), {}, {23}, nabla::f64);
  // gradient through views: select and slice rules
  Tensor x = nabla::zeros({2, 3}, nabla::f64).requires_grad_();
  x.index({Slice(), 1}).backward(nabla::tensor({1.0, 2.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {0, 1, 0, 0, 2, 0}, nabla::f64);
}

// Recorded from PyTorch 1.13 (python3-torch): z = torch.arange(24, dtype=torch.float64).reshape(2, 3, 4)
//   z[:, torch.tensor([2, -1])]                         # [2, 2, 4]
//   z[torch.tensor([1, 0]), :, torch.tensor([0, 3])]    # [2, 3]: non-adjacent, broadcast dims first
//   z[torch.tensor([[True, False, True], [False, False, True]])]  # [3, 4]
//   z[:, :, torch.tensor([[0], [3]])].shape; z[1, torch.tensor([0, 2]), torch.tensor([[1], [3]])]
//   zr = z.clone().requires_grad_(); r = zr[torch.tensor([1, 1]), :, torch.tensor([0, 0])]
//   (r * torch.arange(1., 7., dtype=torch.float64).reshape(2, 3)).sum().backward(); zr.grad
TEST(Index, AdvancedPartsMatchPyTorch) {
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i64}) {
    const Tensor z = index_test_z(d);
    expect_tensor(z.index({Slice(), i64s({2, -1})}), {2, 2, 4},
                  {8, 9, 10, 11, 8, 9, 10, 11, 20, 21, 22, 23, 20, 21, 22, 23}, d);
    expect_tensor(z.index({nabla::tensor({1, 0}, nabla::i32), Slice(), i64s({0, 3})}), {2, 3},
                  {12, 16, 20, 3, 7, 11}, d);
    const Tensor mask = nabla::tensor({{1, 0, 1}, {0, 0, 1}}, nabla::bool_);
    expect_tensor(z.index({mask}), {3, 4}, {0, 1, 2, 3, 8, 9, 10, 11, 20, 21, 22, 23}, d);
    EXPECT_EQ(z.index({Slice(), Slice(), i64s({{0}, {3}})}).shape(), (nabla::Shape{2, 3, 2, 1}));
    expect_tensor(z.index({1, i64s({0, 2}), i64s({{1}, {3}})}), {2, 2}, {13, 21, 15, 23}, d);
  }
  Tensor z = index_test_z().requires_grad_();
  const Tensor r = z.index({i64s({1, 1}), Slice(), i64s({0, 0})});
  nabla::sum(r * nabla::arange(1, 7, 1, nabla::f64).reshape({2, 3})).backward();
  std::vector<double> want(24, 0.0);
  want[12] = 5;
  want[16] = 7;
  want[20] = 9;
  expect_tensor(z.grad(), {2, 3, 4}, want, nabla::f64);
}

TEST(Index, ViewsAsInputsAndSecondOrder) {
  const Tensor z = index_test_z();
  const Tensor t = z.permute({2, 1, 0});  // [4,3,2], non-contiguous
  expect_tensor(t.index({i64s({3}), 0}), {1, 2}, {3, 15}, nabla::f64);
  expect_tensor(z.index({Slice(None, None, 2), Slice(), Slice(1, None, 2)}).index({0, nabla::tensor({1, 0, 1}, nabla::bool_)}),
                {2, 2}, {1, 3, 9, 11}, nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor r = in[0].index({i64s({1, 0, 1}), Slice(1, None)});
    return r * r;
  };
  expect_gradients_match(fn, {normal({2, 3}, 16)});
  expect_nonzero_gradient(fn, {normal({2, 3}, 16)});
}

TEST(Index, RejectsBadSubscripts) {
  const Tensor z = index_test_z();
  EXPECT_THAT(message_of([&] { z.index({0, 0, 0, 0}); }),
              AllOf(HasSubstr("nabla::index"), HasSubstr("too many indices"), HasSubstr("rank 3")));
  EXPECT_THROW(z.index({5}), std::out_of_range);
  EXPECT_THAT(message_of([&] { z.index({Slice(), 3}); }),
              AllOf(HasSubstr("index 3"), HasSubstr("[-3, 3)"), HasSubstr("dim 1")));
  EXPECT_THAT(message_of([&] { z.index({Slice(), i64s({0, -4})}); }),
              AllOf(HasSubstr("value -4 at position 1"), HasSubstr("[-3, 3)"), HasSubstr("dim 1")));
  EXPECT_THAT(message_of([&] { z.index({nabla::tensor({1.0})}); }),
              AllOf(HasSubstr("int64, int32 or bool"), HasSubstr("float32")));
  EXPECT_THAT(message_of([&] { z.index({nabla::ones({3}, nabla::bool_)}); }),
              AllOf(HasSubstr("mask's shape [3]"), HasSubstr("[2]")));
  EXPECT_THAT(message_of([&] { z.index({i64s({0, 1}), i64s({0, 1, 2})}); }),
              AllOf(HasSubstr("do not broadcast"), HasSubstr("[2], [3]")));
  EXPECT_THAT(message_of([&] { z.index({Slice(None, None, 0)}); }), HasSubstr("step 0"));
  EXPECT_THAT(message_of([&] { z.index({Slice(None, None, -1)}); }), HasSubstr("must be positive"));
  EXPECT_THAT(message_of([&] { z.index({Ellipsis, 0, Ellipsis}); }), HasSubstr("one Ellipsis"));
}

// Recorded from PyTorch 1.13 (python3-torch), q = torch.zeros(3, 4, dtype=torch.float64) each time:
//   q[torch.tensor([0, 2, 0]), 1:3] = torch.tensor([1., 2.])
//   q.index_put_((torch.tensor([0, 2, 0]), torch.tensor([1, 1, 1])), torch.tensor([1., 2., 4.]), accumulate=True)
//   q[torch.tensor([[True, False, False, True], [False] * 4, [True] * 4])] = 5.
//   q = torch.zeros(2, 3, 4); q[0, :, torch.tensor([1, 3])] = torch.tensor([[1., 2.], [3., 4.], [5., 6.]])
TEST(IndexPut, WritesAndAccumulatesAsPyTorch) {
  Tensor q = nabla::zeros({3, 4}, nabla::f64);
  const std::uint64_t v0 = q.version();
  q.index_put_({i64s({0, 2, 0}), Slice(1, 3)}, nabla::tensor({1.0, 2.0}, nabla::f64));
  EXPECT_GT(q.version(), v0);
  expect_tensor(q, {3, 4}, {0, 1, 2, 0, 0, 0, 0, 0, 0, 1, 2, 0}, nabla::f64);
  q = nabla::zeros({3, 4}, nabla::f64);
  q.index_put_({i64s({0, 2, 0}), nabla::tensor({1, 1, 1}, nabla::i32)}, nabla::tensor({1.0, 2.0, 4.0}, nabla::f64),
               /*accumulate=*/true);
  expect_tensor(q, {3, 4}, {0, 5, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0}, nabla::f64);
  q = nabla::zeros({3, 4}, nabla::f64);
  q.index_put_({nabla::tensor({{1, 0, 0, 1}, {0, 0, 0, 0}, {1, 1, 1, 1}}, nabla::bool_)}, 5.0);
  expect_tensor(q, {3, 4}, {5, 0, 0, 5, 0, 0, 0, 0, 5, 5, 5, 5}, nabla::f64);
  Tensor p = nabla::zeros({2, 3, 4}, nabla::f64);
  p.index_put_({0, Slice(), i64s({1, 3})}, nabla::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}, nabla::f64));
  std::vector<double> want(24, 0.0);
  for (int r = 0; r < 3; ++r) {
    want[static_cast<std::size_t>(4 * r + 1)] = 2 * r + 1;
    want[static_cast<std::size_t>(4 * r + 3)] = 2 * r + 2;
  }
  expect_tensor(p, {2, 3, 4}, want, nabla::f64);
  // basic parts only: a slice written through, with values broadcast and converted
  Tensor b = nabla::zeros({2, 3});
  b.index_put_({Slice(), 1}, nabla::tensor({7.0}, nabla::f64));
  b.index_put_({Slice(), 2}, nabla::ones({2}), true);
  b.index_put_({Slice(), 2}, nabla::ones({2}), true);
  expect_tensor(b, {2, 3}, {0, 7, 2, 0, 7, 2}, nabla::f32);
}

TEST(IndexPut, IntoViewsAndGuards) {
  Tensor base = nabla::zeros({3, 2}, nabla::f64);
  Tensor view = base.t();  // [2,3]
  view.index_put_({1, i64s({0, 2})}, 4.0);
  expect_tensor(base, {3, 2}, {0, 4, 0, 0, 0, 4}, nabla::f64);
  Tensor leaf = nabla::zeros({2}, nabla::f64).requires_grad_();
  EXPECT_THAT(message_of([&] { leaf.index_put_({i64s({0})}, 1.0); }),
              AllOf(HasSubstr("index_put_"), HasSubstr("requires grad"), HasSubstr("NoGradGuard")));
  {
    nabla::NoGradGuard guard;
    leaf.index_put_({i64s({1})}, 3.0);
  }
  expect_tensor(leaf, {2}, {0, 3}, nabla::f64);
  // a graph that saved the tensor sees the change at backward
  Tensor w = nabla::ones({2}, nabla::f64).requires_grad_();
  Tensor saved = nabla::ones({2}, nabla::f64);
  const Tensor y = nabla::sum(w * saved);
  saved.index_put_({i64s({0})}, 2.0);
  EXPECT_THROW(y.backward(), std::runtime_error);
  // bad values
  Tensor q = nabla::zeros({3, 4}, nabla::f64);
  EXPECT_THAT(message_of([&] { q.index_put_({i64s({0, 1})}, nabla::ones({2, 4})); }),
              AllOf(HasSubstr("same dtype"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(message_of([&] { q.index_put_({i64s({0, 1})}, nabla::ones({3, 4}, nabla::f64)); }),
              AllOf(HasSubstr("[3, 4]"), HasSubstr("[2, 4]")));
  EXPECT_THROW(q.index_put_({i64s({3})}, 1.0), std::out_of_range);
  EXPECT_THAT(message_of([&] {
                Tensor e = nabla::zeros({1}, nabla::f64).expand({3});
                e.index_put_({i64s({0})}, 1.0);
              }),
              HasSubstr("expanded view"));
}

}  // namespace
}  // namespace test_index
