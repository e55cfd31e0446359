// Tests of ops/cross_entropy_options.cpp: cross_entropy with class weights, ignore_index,
// label smoothing and probability targets.

#include "ops/op_test_util.hpp"

namespace test_cross_entropy_options {
namespace {

using namespace nabla_test;
using nabla::CrossEntropyOptions;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

Tensor ceo_logits(Dtype d) {
  return nabla::tensor({{0.2, -1.0, 0.5, 1.5}, {1.1, 0.3, -0.7, 0.0}, {-0.5, 0.9, 0.4, -1.3}}, d);
}
Tensor weight(Dtype d) { return nabla::tensor({0.5, 1.0, 2.0, 1.5}, d); }
Tensor probs(Dtype d) {
  return nabla::tensor({{0.1, 0.2, 0.3, 0.4}, {0.7, 0.1, 0.1, 0.1}, {0.0, 0.5, 0.5, 0.0}}, d);
}
const Tensor kTarget = nabla::tensor({3, 0, 1}, nabla::i64);
const Tensor kIgnored = nabla::tensor({3, -100, 1}, nabla::i64);

// Recorded from PyTorch 1.13 (python3-torch), for r in 'mean', 'sum', 'none':
//   F.cross_entropy(L, [3, 0, 1], weight=w, reduction=r)
//   F.cross_entropy(L, [3, -100, 1], reduction=r)
//   F.cross_entropy(L, [3, 0, 1], label_smoothing=0.1, reduction=r)
//   F.cross_entropy(L, [3, -100, 1], weight=w, label_smoothing=0.3, reduction=r)
TEST(CrossEntropyOptions, MatchesPyTorchWithClassIndices) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = ceo_logits(d);
    const auto check = [&](const Tensor& t, CrossEntropyOptions o, double mean, double sum,
                           const std::vector<double>& none) {
      o.reduction = Reduction::mean;
      expect_tensor(nabla::cross_entropy(x, t, o), {}, {mean}, d);
      o.reduction = Reduction::sum;
      expect_tensor(nabla::cross_entropy(x, t, o), {}, {sum}, d);
      o.reduction = Reduction::none;
      expect_tensor(nabla::cross_entropy(x, t, o), {3}, none, d);
    };
    check(kTarget, {.weight = weight(d)}, 0.6079609158195934, 1.8238827474587804,
          {0.8156618052999378, 0.3332729762200473, 0.6749479659387954});
    check(kIgnored, {}, 0.6093612514027102, 1.2187225028054205,
          {0.5437745368666252, 0.0, 0.6749479659387954});
    check(kTarget, {.label_smoothing = 0.1}, 0.7334228184151718, 2.2002684552455154,
          {0.6637745368666252, 0.7590459524400947, 0.7774479659387954});
    check(kIgnored, {.weight = weight(d), .label_smoothing = 0.3}, 0.9046791113676584,
          2.261697778419146, {1.1611287150349408, 0.0, 1.1005690633842051});
    // today's call form ignores −100 as PyTorch's default does
    expect_tensor(nabla::cross_entropy(x, kIgnored), {}, {0.6093612514027102}, d);
    expect_tensor(nabla::cross_entropy(x, kIgnored, Reduction::sum), {}, {1.2187225028054205}, d);
  }
}

// Recorded from PyTorch 1.13: F.cross_entropy(L, P, reduction=r) and
// F.cross_entropy(L, P, weight=w, label_smoothing=0.2, reduction=r), P probabilities
TEST(CrossEntropyOptions, MatchesPyTorchWithProbabilityTargets) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = ceo_logits(d);
    expect_tensor(nabla::cross_entropy(x, probs(d)), {}, {1.1450894850818385}, d);
    expect_tensor(nabla::cross_entropy(x, probs(d), Reduction::sum), {}, {3.4352684552455153}, d);
    expect_tensor(nabla::cross_entropy(x, probs(d), Reduction::none), {3},
                  {1.4737745368666253, 1.0365459524400946, 0.9249479659387954}, d);
    CrossEntropyOptions o{.weight = weight(d), .label_smoothing = 0.2};
    expect_tensor(nabla::cross_entropy(x, probs(d), o), {}, {1.6548741817549597}, d);
    o.reduction = Reduction::sum;
    expect_tensor(nabla::cross_entropy(x, probs(d), o), {}, {4.964622545264879}, d);
    o.reduction = Reduction::none;
    expect_tensor(nabla::cross_entropy(x, probs(d), o), {3},
                  {1.956222096981942, 1.3797258976716844, 1.6286745506112532}, d);
  }
}

// Recorded from PyTorch 1.13: F.cross_entropy(L3, [[2, 0], [1, -100]], weight=[0.5, 1, 2],
// label_smoothing=0.2, reduction=r) for L3 [2,3,2]; F.cross_entropy(L[0], 3,
// label_smoothing=0.1) unbatched
TEST(CrossEntropyOptions, SpatialAndUnbatchedLogits) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor(
        {{{0.2, -1.0}, {0.5, 1.5}, {1.1, 0.3}}, {{-0.7, 0.0}, {-0.5, 0.9}, {0.4, -1.3}}}, d);
    const Tensor t = nabla::tensor({{2, 0}, {1, -100}}, nabla::i64);
    CrossEntropyOptions o{.weight = nabla::tensor({0.5, 1.0, 2.0}, d), .label_smoothing = 0.2};
    expect_tensor(nabla::cross_entropy(x, t, o), {}, {1.1819746781527058}, d);
    o.reduction = Reduction::sum;
    expect_tensor(nabla::cross_entropy(x, t, o), {}, {4.1369113735344705}, d);
    o.reduction = Reduction::none;
    expect_tensor(nabla::cross_entropy(x, t, o), {2, 2},
                  {1.2994062195300982, 1.448822715933776, 1.388682438070596, 0.0}, d);
    expect_tensor(nabla::cross_entropy(nabla::select(ceo_logits(d), 0, 0),
                                       nabla::scalar_tensor(3.0, nabla::i64),
                                       {.label_smoothing = 0.1}),
                  {}, {0.6637745368666252}, d);
  }
}

// Recorded from PyTorch 1.13: the gradients of F.cross_entropy(L, P, weight=w,
// label_smoothing=0.2) for L and P, and of F.cross_entropy(L, [3, -100, 1], weight=w,
// label_smoothing=0.3) for L
TEST(CrossEntropyOptions, GradientsMatchPyTorch) {
  Tensor x = ceo_logits(nabla::f64).requires_grad_();
  Tensor p = probs(nabla::f64).requires_grad_();
  nabla::cross_entropy(x, p, {.weight = weight(nabla::f64), .label_smoothing = 0.2}).backward();
  expect_tensor(x.grad(), {3, 4},
                {0.052696307419834984, -0.04760230262456864, -0.09295381780512299,
                 0.08785981300985664, 0.05066546619209422, 0.02511390612586066,
                 -0.061486334464690484, -0.014293037853264431, 0.05235543108910374,
                 0.09610507547371108, -0.15072972621430256, 0.0022692196514877403},
                nabla::f64);
  expect_tensor(p.grad(), {3, 4},
                {0.24583660491555, 0.8116732098311001, 0.8233464196622002, 0.2175098147466501,
                 0.08887279365867928, 0.39107892065069194, 1.315491174634717, 0.7066183809760379,
                 0.2766597287918394, 0.17998612425034544, 0.6266389151673576, 1.1499791863755182},
                nabla::f64);
  Tensor y = ceo_logits(nabla::f64).requires_grad_();
  nabla::cross_entropy(y, kIgnored, {.weight = weight(nabla::f64), .label_smoothing = 0.3})
      .backward();
  expect_tensor(y.grad(), {3, 4},
                {0.07518488346660838, -0.002836835097881108, 0.06173685925761676,
                 -0.13408490762634395, 0, 0, 0, 0, 0.038992073175823316, -0.09105134664752598,
                 0.07279907116106873, -0.02073979768936608},
                nabla::f64);
}

TEST(CrossEntropyOptions, RejectsBadInput) {
  const Tensor x = nabla::zeros({2, 3});
  const Tensor t = nabla::tensor({0, 1}, nabla::i64);
  for (double eps : {-0.1, 1.5}) {
    EXPECT_THAT(message_of([&] { nabla::cross_entropy(x, t, {.label_smoothing = eps}); }),
                AllOf(HasSubstr("nabla::cross_entropy: label_smoothing"),
                      HasSubstr(fmt::format("{}", eps))));
  }
  EXPECT_THAT(message_of([&] { nabla::cross_entropy(x, t, {.weight = nabla::ones({4})}); }),
              AllOf(HasSubstr("nabla::cross_entropy"), HasSubstr("weight [4]"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([&] {
                nabla::cross_entropy(x, nabla::tensor({0, 5}, nabla::i64), {.ignore_index = 1});
              }),
              AllOf(HasSubstr("target 5 at position 1"), HasSubstr("3 classes")));
  EXPECT_THAT(message_of([&] { nabla::cross_entropy(x, nabla::zeros({2, 3}), {.ignore_index = 0}); }),
              HasSubstr("ignore_index 0 is not supported with probability targets"));
  EXPECT_THAT(message_of([&] {
                nabla::cross_entropy(nabla::zeros({2, 3, 4}), nabla::tensor({{0, 1}}, nabla::i64),
                                     CrossEntropyOptions{});
              }),
              AllOf(HasSubstr("nabla::cross_entropy"), HasSubstr("[2, 3, 4]"), HasSubstr("[1, 2]")));
  EXPECT_THROW(nabla::cross_entropy(x, nabla::zeros({2, 3}, nabla::f64), CrossEntropyOptions{}),
               std::invalid_argument);
}

}  // namespace
}  // namespace test_cross_entropy_options
