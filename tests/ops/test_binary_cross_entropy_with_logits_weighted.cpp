// Tests of ops/binary_cross_entropy_with_logits_weighted.cpp: weight and pos_weight.

#include "ops/op_test_util.hpp"

namespace test_binary_cross_entropy_with_logits_weighted {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

Tensor z(Dtype d) { return nabla::tensor({{0.5, -2.0, 3.0}, {-0.1, 1.5, -4.0}}, d); }
Tensor t(Dtype d) { return nabla::tensor({{1.0, 0.0, 0.3}, {0.6, 1.0, 0.0}}, d); }
Tensor w(Dtype d) { return nabla::tensor({0.5, 2.0, 1.0}, d); }
Tensor pw(Dtype d) { return nabla::tensor({2.0, 0.5, 3.0}, d); }

// Recorded from PyTorch 1.13 (python3-torch), for r in 'mean', 'sum', 'none':
//   F.binary_cross_entropy_with_logits(z, t, pos_weight=pw, reduction=r), with
//   weight=w and pos_weight=pw, and with weight=w alone
TEST(BceWithLogitsWeighted, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const auto bce = [&](const Tensor& weight, const Tensor& pos, Reduction r) {
      return nabla::binary_cross_entropy_with_logits(z(d), t(d), weight, r, pos);
    };
    expect_tensor(bce({}, pw(d), Reduction::mean), {}, {0.753785494158012}, d);
    expect_tensor(bce({}, pw(d), Reduction::sum), {}, {4.522712964948072}, d);
    expect_tensor(bce({}, pw(d), Reduction::none), {2, 3},
                  {0.9481539683602134, 0.1269280110429727, 2.177739762517987, 1.1510346561177134,
                   0.10070663899137623, 0.01814992791780945},
                  d);
    expect_tensor(bce(w(d), pw(d), Reduction::mean), {}, {0.6167922171239095}, d);
    expect_tensor(bce(w(d), pw(d), Reduction::sum), {}, {3.700753302743457}, d);
    expect_tensor(bce(w(d), pw(d), Reduction::none), {2, 3},
                  {0.4740769841801067, 0.2538560220859454, 2.177739762517987, 0.5755173280588567,
                   0.20141327798275246, 0.01814992791780945},
                  d);
    expect_tensor(bce(w(d), {}, Reduction::mean), {}, {0.5687761132783067}, d);
    expect_tensor(bce(w(d), {}, Reduction::sum), {}, {3.41265667966984}, d);
    // neither: the fused kernel of binary_cross_entropy_with_logits
    expect_tensor(bce({}, {}, Reduction::sum),
                  {}, {nabla::binary_cross_entropy_with_logits(z(d), t(d), Reduction::sum).item<double>()},
                  d);
  }
}

TEST(BceWithLogitsWeighted, GradientsReachEveryInput) {
  // logits away from 0, where the composed |x| and max(−x, 0) have their kinks
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::binary_cross_entropy_with_logits(in[0], in[1], in[2], Reduction::mean, in[3]);
  };
  const std::vector<Tensor> in = {z(nabla::f64), t(nabla::f64), w(nabla::f64), pw(nabla::f64)};
  expect_gradients_match(fn, in);
  // and the logits' gradient agrees with the fused rule σ(x) − t when the weights are 1
  Tensor a = z(nabla::f64).requires_grad_();
  nabla::binary_cross_entropy_with_logits(a, t(nabla::f64), nabla::ones({3}, nabla::f64),
                                          Reduction::sum)
      .backward();
  const auto g = a.grad().to_vector();
  const auto s = nabla::sigmoid(z(nabla::f64)).to_vector();
  const auto tv = t(nabla::f64).to_vector();
  for (std::size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], s[i] - tv[i], 1e-12);
}

TEST(BceWithLogitsWeighted, RejectsBadInput) {
  const Tensor x = nabla::zeros({2, 3});
  EXPECT_THAT(message_of([&] {
                nabla::binary_cross_entropy_with_logits(x, x, {}, Reduction::mean, nabla::ones({2}));
              }),
              AllOf(HasSubstr("nabla::binary_cross_entropy_with_logits"),
                    HasSubstr("pos_weight [2]"), HasSubstr("[2, 3]")));
  EXPECT_THAT(message_of([&] {
                nabla::binary_cross_entropy_with_logits(x, x, nabla::ones({4}));
              }),
              AllOf(HasSubstr("weight [4]"), HasSubstr("[2, 3]")));
  EXPECT_THAT(message_of([&] {
                nabla::binary_cross_entropy_with_logits(x, nabla::zeros({3}), nabla::ones({3}));
              }),
              AllOf(HasSubstr("[2, 3]"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([&] {
                nabla::binary_cross_entropy_with_logits(x, x, nabla::ones({3}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::binary_cross_entropy_with_logits"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_binary_cross_entropy_with_logits_weighted
