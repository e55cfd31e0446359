// Tests of ops/triplet_margin_loss.cpp.

#include "ops/op_test_util.hpp"

namespace test_triplet_margin_loss {
namespace {

using namespace nabla_test;
using nabla::Reduction;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// row losses 0.58 and 0.26 (margin 1, p = 2): both hinges active, away from their kink;
// with swap, d(p, n) < d(a, n) on row 0 and the loss grows to 1.14
Tensor an(Dtype d) { return nabla::tensor({{1.0, 2.0, -1.0}, {0.5, -0.5, 2.0}}, d); }
Tensor po(Dtype d) { return nabla::tensor({{1.2, 1.5, -0.8}, {0.0, 0.3, 1.0}}, d); }
Tensor ne(Dtype d) { return nabla::tensor({{1.3, 1.2, -0.5}, {2.6, -0.4, 1.8}}, d); }
// a far negative: its row's hinge is flat (loss 0)
Tensor far(Dtype d) { return nabla::tensor({{2.0, 0.0, 1.0}, {0.6, -0.4, 1.8}}, d); }

// Recorded from PyTorch 1.13 (python3-torch), for r in 'mean', 'sum', 'none':
//   F.triplet_margin_loss(an, po, ne, reduction=r), with swap=True; and
//   F.triplet_margin_loss(an, po, far, reduction=r), with p=1, margin=0.5
TEST(TripletMarginLoss, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const auto tml = [&](const Tensor& n, bool swap, Reduction r) {
      return nabla::triplet_margin_loss(an(d), po(d), n, 1.0, 2.0, 1e-6, swap, r);
    };
    expect_tensor(tml(ne(d), false, Reduction::mean), {}, {0.4237049507834247}, d);
    expect_tensor(tml(ne(d), false, Reduction::sum), {}, {0.8474099015668494}, d);
    expect_tensor(tml(ne(d), false, Reduction::none), {2}, {0.5845069450713617, 0.26290295649548767},
                  d);
    expect_tensor(tml(ne(d), true, Reduction::mean), {}, {0.7007348651439085}, d);
    expect_tensor(tml(ne(d), true, Reduction::none), {2}, {1.1385667737923293, 0.26290295649548767},
                  d);
    expect_tensor(tml(far(d), false, Reduction::mean), {}, {1.0649121216891921}, d);
    expect_tensor(tml(far(d), false, Reduction::none), {2}, {0.0, 2.1298242433783843}, d);
    expect_tensor(nabla::triplet_margin_loss(an(d), po(d), far(d), 0.5, 1.0), {}, {1.200001}, d);
    expect_tensor(nabla::triplet_margin_loss(an(d), po(d), far(d), 0.5, 1.0, 1e-6, false,
                                             Reduction::sum),
                  {}, {2.400002}, d);
  }
}

TEST(TripletMarginLoss, GradientsMatchFiniteDifferences) {
  for (bool swap : {false, true}) {
    expect_gradients_match(
        [swap](const std::vector<Tensor>& in) {
          return nabla::triplet_margin_loss(in[0], in[1], in[2], 1.0, 2.0, 1e-6, swap);
        },
        {an(nabla::f64), po(nabla::f64), ne(nabla::f64)});
  }
}

TEST(TripletMarginLoss, RejectsBadInput) {
  const Tensor x = nabla::zeros({2, 3});
  EXPECT_THAT(message_of([&] { nabla::triplet_margin_loss(x, x, nabla::zeros({2, 4})); }),
              AllOf(HasSubstr("nabla::triplet_margin_loss"), HasSubstr("[2, 3]"),
                    HasSubstr("[2, 4]")));
  EXPECT_THAT(message_of([] {
                const Tensor r3 = nabla::zeros({2, 2, 2});
                nabla::triplet_margin_loss(r3, r3, r3);
              }),
              AllOf(HasSubstr("nabla::triplet_margin_loss"), HasSubstr("[2, 2, 2]")));
  EXPECT_THAT(message_of([&] { nabla::triplet_margin_loss(x, x, nabla::zeros({2, 3}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::triplet_margin_loss"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_triplet_margin_loss
