// Tests of ops/nll_loss.cpp: −w[t]·log_probs[n, t], reduced by the weights' sum.

#include "ops/op_test_util.hpp"

namespace test_nll_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// log_softmax of these logits, rows [N,C] = [3,4]
Tensor log_probs(Dtype d) {
  return nabla::log_softmax(
      nabla::tensor({{0.2, -1.0, 0.5, 1.5}, {1.1, 0.3, -0.7, 0.0}, {-0.5, 0.9, 0.4, -1.3}}, d), 1);
}
Tensor weight(Dtype d) { return nabla::tensor({0.5, 1.0, 2.0, 1.5}, d); }

// Recorded from PyTorch 1.13 (python3-torch), LP = F.log_softmax(L, 1):
//   F.nll_loss(LP, [3, 0, 1], reduction=r); with weight=w; with weight=w and target
//   [3, -100, 1]; with ignore_index=0
TEST(NllLoss, MatchesPyTorchWithWeightsAndIgnoreIndex) {
  for (Dtype d : kDtypes) {
    for (Dtype td : {nabla::i64, nabla::i32}) {
      SCOPED_TRACE(fmt::format("{} {}", nabla::dtype_name(d), nabla::dtype_name(td)));
      const Tensor t = nabla::tensor({3, 0, 1}, td);
      const Tensor ti = nabla::tensor({3, -100, 1}, td);
      const Tensor x = log_probs(d);
      expect_tensor(nabla::nll_loss(x, t), {}, {0.6284228184151718}, d);
      expect_tensor(nabla::nll_loss(x, t, {}, -100, Reduction::sum), {}, {1.8852684552455155}, d);
      expect_tensor(nabla::nll_loss(x, t, {}, -100, Reduction::none), {3},
                    {0.5437745368666252, 0.6665459524400946, 0.6749479659387954}, d);
      expect_tensor(nabla::nll_loss(x, t, weight(d)), {}, {0.6079609158195934}, d);
      expect_tensor(nabla::nll_loss(x, t, weight(d), -100, Reduction::sum), {},
                    {1.8238827474587804}, d);
      expect_tensor(nabla::nll_loss(x, t, weight(d), -100, Reduction::none), {3},
                    {0.8156618052999378, 0.3332729762200473, 0.6749479659387954}, d);
      // the weighted mean divides by the weights of the targets not ignored: 1.5 + 1.0
      expect_tensor(nabla::nll_loss(x, ti, weight(d)), {}, {0.5962439084954932}, d);
      expect_tensor(nabla::nll_loss(x, ti, weight(d), -100, Reduction::sum), {},
                    {1.4906097712387332}, d);
      expect_tensor(nabla::nll_loss(x, ti, weight(d), -100, Reduction::none), {3},
                    {0.8156618052999378, 0.0, 0.6749479659387954}, d);
      expect_tensor(nabla::nll_loss(x, t, {}, 0), {}, {0.6093612514027102}, d);
      expect_tensor(nabla::nll_loss(x, t, {}, 0, Reduction::sum), {}, {1.2187225028054205}, d);
    }
  }
}

// Recorded from PyTorch 1.13: F.nll_loss(F.log_softmax(L3, 1), [[2, 0], [1, -100]],
// weight=[0.5, 1, 2], reduction=r) for L3 [2,3,2]; and the unbatched F.nll_loss(LP[0], 2)
TEST(NllLoss, SpatialAndUnbatchedInputs) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::log_softmax(
        nabla::tensor({{{0.2, -1.0}, {0.5, 1.5}, {1.1, 0.3}}, {{-0.7, 0.0}, {-0.5, 0.9}, {0.4, -1.3}}},
                      d),
        1);
    const Tensor t = nabla::tensor({{2, 0}, {1, -100}}, nabla::i64);
    const Tensor w = nabla::tensor({0.5, 1.0, 2.0}, d);
    expect_tensor(nabla::nll_loss(x, t, w), {}, {1.201989294571148}, d);
    expect_tensor(nabla::nll_loss(x, t, w, -100, Reduction::sum), {}, {4.206962530999018}, d);
    expect_tensor(nabla::nll_loss(x, t, w, -100, Reduction::none), {2, 2},
                  {1.3411704213055615, 1.412228459947718, 1.4535636497457378, 0.0}, d);
    const Tensor row = nabla::select(log_probs(d), 0, 0);
    const Tensor two = nabla::scalar_tensor(2.0, nabla::i64);
    expect_tensor(nabla::nll_loss(row, two), {}, {1.5437745368666254}, d);
    expect_tensor(nabla::nll_loss(row, two, {}, -100, Reduction::none), {}, {1.5437745368666254},
                  d);
  }
}

TEST(NllLoss, EveryTargetIgnoredGivesNanForMean) {
  // PyTorch 1.13: F.nll_loss(LP, [-100, -100, -100]) is nan (0 / 0)
  const Tensor t = nabla::tensor({-100, -100, -100}, nabla::i64);
  expect_tensor(nabla::nll_loss(log_probs(nabla::f64), t), {}, {kNaN}, nabla::f64);
  expect_tensor(nabla::nll_loss(log_probs(nabla::f64), t, {}, -100, Reduction::sum), {}, {0.0},
                nabla::f64);
}

TEST(NllLoss, GradientIsMinusWeightOverTheWeightSum) {
  // PyTorch 1.13: LP.grad of F.nll_loss(LP, [3, -100, 1], weight=w)
  Tensor x = log_probs(nabla::f64).detach().requires_grad_();
  nabla::nll_loss(x, nabla::tensor({3, -100, 1}, nabla::i64), weight(nabla::f64)).backward();
  expect_tensor(x.grad(), {3, 4}, {0, 0, 0, -0.6, 0, 0, 0, 0, 0, -0.4, 0, 0}, nabla::f64);
  const Tensor t = nabla::tensor({{2, 0}, {1, -100}}, nabla::i64);
  for (Reduction r : {Reduction::mean, Reduction::sum, Reduction::none}) {
    expect_gradients_match(
        [t, r](const std::vector<Tensor>& in) {
          return nabla::nll_loss(in[0], t, nabla::tensor({0.5, 1.0, 2.0}, nabla::f64), -100, r);
        },
        {normal({2, 3, 2}, 4)});
  }
}

TEST(NllLoss, RejectsBadInput) {
  const Tensor x = nabla::zeros({2, 3});
  // target dtype
  EXPECT_THAT(message_of([&] { nabla::nll_loss(x, nabla::tensor({0.0, 1.0})); }),
              AllOf(HasSubstr("nabla::nll_loss"), HasSubstr("float32"), HasSubstr("int64")));
  EXPECT_THAT(message_of([&] { nabla::nll_loss(x, nabla::tensor({0, 1}, nabla::bool_)); }),
              AllOf(HasSubstr("nabla::nll_loss"), HasSubstr("bool")));
  // a class index out of range: the index, its position, the number of classes
  EXPECT_THAT(message_of([&] { nabla::nll_loss(x, nabla::tensor({0, 3}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::nll_loss: target 3 at position 1"), HasSubstr("[0, 3)"),
                    HasSubstr("3 classes")));
  EXPECT_THAT(message_of([&] { nabla::nll_loss(x, nabla::tensor({-1, 0}, nabla::i64)); }),
              HasSubstr("target -1 at position 0"));
  // ignore_index other than the target's value does not excuse −100
  EXPECT_THAT(message_of([&] { nabla::nll_loss(x, nabla::tensor({-100, 0}, nabla::i64), {}, 1); }),
              HasSubstr("target -100 at position 0"));
  // weight of the wrong length and dtype
  EXPECT_THAT(message_of([&] {
                nabla::nll_loss(x, nabla::tensor({0, 1}, nabla::i64), nabla::ones({2}));
              }),
              AllOf(HasSubstr("nabla::nll_loss"), HasSubstr("weight [2]"), HasSubstr("[3]")));
  EXPECT_THROW(nabla::nll_loss(x, nabla::tensor({0, 1}, nabla::i64), nabla::ones({3}, nabla::f64)),
               std::invalid_argument);
  // shapes naming both
  EXPECT_THAT(message_of([&] { nabla::nll_loss(x, nabla::tensor({0, 1, 2}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::nll_loss"), HasSubstr("[2, 3]"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([&] {
                nabla::nll_loss(nabla::zeros({2, 3, 4}), nabla::tensor({0, 1}, nabla::i64));
              }),
              AllOf(HasSubstr("[2, 3, 4]"), HasSubstr("target [2]")));
  // integer log_probs
  EXPECT_THAT(message_of([] {
                nabla::nll_loss(nabla::zeros({2, 3}, nabla::i64), nabla::tensor({0, 1}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::nll_loss"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_nll_loss
