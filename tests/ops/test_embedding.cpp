// Tests of ops/embedding.cpp and ops/embedding_bag.cpp.

#include <nabla/normalization.hpp>

#include "ops/op_test_util.hpp"

namespace test_embedding {
namespace {

using namespace nabla_test;
using nabla::EmbeddingBagMode;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// W0 = sin(0.7·k), k = 0..14, as [5,3] (float64)
Tensor emb_w0() {
  std::vector<double> v(15);
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = std::sin(0.7 * static_cast<double>(k));
  return nabla::tensor(v, {5, 3}, nabla::f64);
}
Tensor emb_ramp(std::int64_t n, double start, double step, const Shape& s) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = start + step * static_cast<double>(i);
  return nabla::tensor(v, s, nabla::f64);
}
Tensor ints(const std::vector<double>& v, const Shape& s, Dtype d = nabla::i64) {
  return nabla::tensor(v, s, d);
}
void emb_expect_near(const Tensor& t, const std::vector<double>& e) {
  const auto v = t.to_vector();
  ASSERT_EQ(v.size(), e.size());
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], e[i], 1e-10) << "element " << i;
}

// Recorded from PyTorch 1.13 (python3-torch):
//   W0 = (torch.arange(15, dtype=torch.float64).reshape(5,3) * 0.7).sin()
//   y = F.embedding(torch.tensor([[0,3,1],[3,4,1]]), W, padding_idx=1)
//   (y * (torch.arange(18, dtype=torch.float64).reshape(2,3,3)*0.1)).sum().backward(); y, W.grad
TEST(Embedding, MatchesPyTorchWithPadding) {
  for (Dtype idx_dtype : {nabla::i64, nabla::i32}) {
    SCOPED_TRACE(nabla::dtype_name(idx_dtype));
    Tensor w = emb_w0().requires_grad_();
    const Tensor y = nabla::embedding(ints({0, 3, 1, 3, 4, 1}, {2, 3}, idx_dtype), w, 1);
    EXPECT_EQ(y.shape(), (Shape{2, 3, 3}));
    emb_expect_near(
        y, {0.0, 0.644217687238, 0.985449729988, 0.016813900484, 0.656986598719, 0.988168233877,
            0.863209366649, 0.334988150156, -0.35078322769, 0.016813900484, 0.656986598719,
            0.988168233877, 0.854598908088, 0.319098362349, -0.366479129252, 0.863209366649,
            0.334988150156, -0.35078322769});
    nabla::sum(nabla::mul(y, emb_ramp(18, 0.0, 0.1, {2, 3, 3}))).backward();
    emb_expect_near(w.grad(),
                    {0.0, 0.1, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.2, 1.4, 1.6, 1.2, 1.3, 1.4});
  }
  // negative padding_idx counts from the end: -4 is row 1
  Tensor w = emb_w0().requires_grad_();
  nabla::sum(nabla::embedding(ints({1, 2}, {2}), w, -4)).backward();
  emb_expect_near(w.grad(), {0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0});
}

// Recorded from PyTorch 1.13: W = W0 * 3; y = F.embedding(torch.tensor([4, 0, 4]), W,
//   max_norm=1.5); y, W (rows 0 and 4 renormalized in place);
//   Wm = W0.clone(); F.embedding(torch.tensor([2]), Wm, max_norm=0.5, norm_type=1.0); Wm[2]
TEST(Embedding, MaxNormRenormalizesReferencedRowsInPlace) {
  Tensor w = nabla::mul(emb_w0(), 3.0);
  const Tensor y = nabla::embedding(ints({4, 0, 4}, {3}), w, std::nullopt, 1.5);
  emb_expect_near(y, {1.303945340083, 0.486879656264, -0.5591731376, 0.0, 0.820771533852,
                      1.255521390424, 1.303945340083, 0.486879656264, -0.5591731376});
  emb_expect_near(
      w, {0.0, 0.820771533852, 1.255521390424, 2.589628099947, 1.004964450468, -1.052349683069,
          -2.614727317241, -2.947357837873, -1.893799913617, 0.050441701453, 1.970959796156,
          2.964504701631, 1.303945340083, 0.486879656264, -0.5591731376});
  Tensor wm = emb_w0();
  nabla::embedding(ints({2}, {1}), wm, std::nullopt, 0.5, 1.0);
  emb_expect_near(wm.select(0, 2), {-0.175346534176, -0.197653108391, -0.127000337315});
}

TEST(Embedding, GradientsMatchFiniteDifferences) {
  // no padding_idx here: the padding row's value is used but gets no gradient (as
  // PyTorch), which finite differences would see as a mismatch
  auto fn = [](const std::vector<Tensor>& in) {
    return nabla::embedding(ints({2, 0, 2, 1}, {2, 2}), in[0]);
  };
  expect_gradients_match(fn, {normal({3, 4}, 1).t()});  // a transposed weight [3,... ] view
  expect_nonzero_gradient(fn, {normal({4, 3}, 1)});
}

TEST(Embedding, RejectsBadArguments) {
  const Tensor w = nabla::zeros({5, 3});
  EXPECT_THAT(message_of([&] {
                nabla::embedding(ints({1, 7, 2}, {3}), w);
              }),
              AllOf(HasSubstr("nabla::embedding"), HasSubstr("index 7 at position 1"),
                    HasSubstr("5 rows")));
  EXPECT_THAT(message_of([&] { nabla::embedding(ints({-1}, {1}), w); }),
              HasSubstr("index -1 at position 0"));
  EXPECT_THAT(message_of([&] { nabla::embedding(nabla::zeros({2}), w); }),
              AllOf(HasSubstr("nabla::embedding"), HasSubstr("int64 or int32, got float32")));
  EXPECT_THAT(message_of([&] { nabla::embedding(ints({1}, {1}), nabla::zeros({5})); }),
              AllOf(HasSubstr("nabla::embedding"), HasSubstr("2-d")));
  EXPECT_THAT(message_of([&] { nabla::embedding(ints({1}, {1}), w, 5); }),
              AllOf(HasSubstr("nabla::embedding"), HasSubstr("padding_idx 5")));
  EXPECT_THAT(message_of([&] { nabla::embedding(ints({1}, {1}), w, std::nullopt, -1.0); }),
              AllOf(HasSubstr("nabla::embedding"), HasSubstr("max_norm")));
}

// Recorded from PyTorch 1.13: i1 = torch.tensor([0,2,2,4,3,1]); off = torch.tensor([0,2,5,5])
//   y = F.embedding_bag(i1, W, off, mode=mode, padding_idx=3)
//   (y * (torch.arange(12, dtype=torch.float64).reshape(4,3)*0.1 + 0.05)).sum().backward()
TEST(EmbeddingBag, ModesMatchPyTorch) {
  struct Case {
    EmbeddingBagMode mode;
    std::vector<double> y, gw;
  };
  const std::vector<Case> cases = {
      {EmbeddingBagMode::sum,
       {-0.871575772414, -0.338234925387, 0.354183092116, -0.016976864325, -0.663354250275,
        -0.997745767124, 0.0, 0.0, 0.0, 0.863209366649, 0.334988150156, -0.35078322769},
       {0.05, 0.15, 0.25, 0.95, 1.05, 1.15, 0.4, 0.6, 0.8, 0.0, 0.0, 0.0, 0.35, 0.45, 0.55}},
      {EmbeddingBagMode::mean,
       {-0.435787886207, -0.169117462693, 0.177091546058, -0.008488432163, -0.331677125137,
        -0.498872883562, 0.0, 0.0, 0.0, 0.863209366649, 0.334988150156, -0.35078322769},
       {0.025, 0.075, 0.125, 0.95, 1.05, 1.15, 0.2, 0.3, 0.4, 0.0, 0.0, 0.0, 0.175, 0.225, 0.275}},
      {EmbeddingBagMode::max,
       {0.0, 0.644217687238, 0.985449729988, 0.854598908088, 0.319098362349, -0.366479129252, 0.0,
        0.0, 0.0, 0.863209366649, 0.334988150156, -0.35078322769},
       {0.05, 0.15, 0.25, 0.95, 1.05, 1.15, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.35, 0.45, 0.55}}};
  for (const Case& c : cases) {
    Tensor w = emb_w0().requires_grad_();
    const Tensor y = nabla::embedding_bag(ints({0, 2, 2, 4, 3, 1}, {6}), w,
                                          ints({0, 2, 5, 5}, {4}, nabla::i32), c.mode, {}, 3);
    EXPECT_EQ(y.shape(), (Shape{4, 3}));
    emb_expect_near(y, c.y);
    nabla::sum(nabla::mul(y, emb_ramp(12, 0.05, 0.1, {4, 3}))).backward();
    emb_expect_near(w.grad(), c.gw);
  }
}

// Recorded from PyTorch 1.13: psw = torch.tensor([0.5, 1.0, 2.0, -1.0]);
//   y = F.embedding_bag(torch.tensor([[0,4],[2,2]]), W, mode="sum",
//   per_sample_weights=psw.reshape(2,2)); y.sum().backward(); y, psw.grad, W.grad
TEST(EmbeddingBag, TwoDimensionalIndicesWithPerSampleWeights) {
  Tensor w = emb_w0().requires_grad_();
  Tensor psw =
      nabla::tensor(std::vector<double>{0.5, 1.0, 2.0, -1.0}, {2, 2}, nabla::f64).requires_grad_();
  const Tensor y =
      nabla::embedding_bag(ints({0, 4, 2, 2}, {2, 2}), w, {}, EmbeddingBagMode::sum, psw);
  emb_expect_near(y, {0.854598908088, 0.641207205968, 0.126245735742, -0.871575772414,
                      -0.982452612624, -0.631266637872});
  nabla::sum(y).backward();
  emb_expect_near(psw.grad(), {1.629667417226, 0.807218141186, -2.48529502291, -2.48529502291});
  emb_expect_near(w.grad(),
                  {0.5, 0.5, 0.5, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0});
}

TEST(EmbeddingBag, GradientsMatchFiniteDifferences) {
  for (EmbeddingBagMode mode :
       {EmbeddingBagMode::sum, EmbeddingBagMode::mean, EmbeddingBagMode::max}) {
    auto fn = [mode](const std::vector<Tensor>& in) {
      return nabla::embedding_bag(ints({0, 2, 1, 3, 2}, {5}), in[0], ints({0, 2}, {2}), mode);
    };
    expect_gradients_match(fn, {normal({4, 3}, 2)});
  }
  auto weighted = [](const std::vector<Tensor>& in) {
    return nabla::embedding_bag(ints({0, 2, 1, 3}, {2, 2}), in[0], {}, EmbeddingBagMode::sum,
                                in[1]);
  };
  expect_gradients_match(weighted, {normal({3, 4}, 3).t(), normal({2, 2}, 4)});
}

TEST(EmbeddingBag, RejectsBadArguments) {
  const Tensor w = nabla::zeros({5, 3});
  const Tensor i1 = ints({0, 1, 2}, {3});
  EXPECT_THAT(message_of([&] { nabla::embedding_bag(i1, w); }),
              AllOf(HasSubstr("nabla::embedding_bag"), HasSubstr("need offsets")));
  EXPECT_THAT(message_of([&] {
                nabla::embedding_bag(i1, w, ints({1, 2}, {2}));
              }),
              AllOf(HasSubstr("nabla::embedding_bag"), HasSubstr("offsets [1, 2]"),
                    HasSubstr("start at 0")));
  EXPECT_THAT(message_of([&] {
                nabla::embedding_bag(i1, w, ints({0, 2, 1}, {3}));
              }),
              HasSubstr("offset 1 at position 2"));
  EXPECT_THAT(message_of([&] {
                nabla::embedding_bag(i1, w, ints({0, 4}, {2}));
              }),
              HasSubstr("offset 4 at position 1"));
  EXPECT_THAT(
      message_of([&] { nabla::embedding_bag(i1, w, nabla::zeros({2})); }),
      AllOf(HasSubstr("nabla::embedding_bag"), HasSubstr("offsets must be int64 or int32")));
  EXPECT_THAT(message_of([&] {
                nabla::embedding_bag(ints({0, 1}, {1, 2}), w, ints({0}, {1}));
              }),
              AllOf(HasSubstr("nabla::embedding_bag"), HasSubstr("absent for 2-d indices")));
  EXPECT_THAT(message_of([&] {
                nabla::embedding_bag(ints({0, 9}, {1, 2}), w);
              }),
              AllOf(HasSubstr("nabla::embedding_bag"), HasSubstr("index 9 at position 1")));
  EXPECT_THAT(message_of([&] {
                nabla::embedding_bag(ints({0, 1}, {1, 2}), w, {}, EmbeddingBagMode::mean,
                                     nabla::ones({1, 2}));
              }),
              HasSubstr("only supported for mode sum"));
  EXPECT_THAT(
      message_of([&] {
        nabla::embedding_bag(ints({0, 1}, {1, 2}), w, {}, EmbeddingBagMode::sum, nabla::ones({2}));
      }),
      HasSubstr("per_sample_weights"));
  EXPECT_THAT(message_of([&] {
                nabla::embedding_bag(ints({0}, {1, 1, 1}), w);
              }),
              HasSubstr("1-d (with offsets) or 2-d"));
}

}  // namespace
}  // namespace test_embedding
