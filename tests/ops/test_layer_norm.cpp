// Tests of ops/layer_norm.cpp, ops/group_norm.cpp, ops/instance_norm.cpp and
// ops/local_response_norm.cpp: the normalizations composed of nabla ops.

#include <nabla/normalization.hpp>

#include "ops/op_test_util.hpp"

namespace test_layer_norm {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// x = sin(0.53·k)·1.5 + 0.2 and output weights g = cos(0.17·k), k = 0..23, [2,3,4].
Tensor ln_x(Dtype d = nabla::f64) {
  std::vector<double> v(24);
  for (std::size_t k = 0; k < v.size(); ++k)
    v[k] = std::sin(0.53 * static_cast<double>(k)) * 1.5 + 0.2;
  return nabla::tensor(v, {2, 3, 4}, d);
}
Tensor ln_g(const Shape& s, Dtype d = nabla::f64) {
  std::vector<double> v(24);
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = std::cos(0.17 * static_cast<double>(k));
  return nabla::tensor(v, s, d);
}
Tensor ramp(std::int64_t n, double start, double step, const Shape& s) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = start + step * static_cast<double>(i);
  return nabla::tensor(v, s, nabla::f64);
}
void ln_expect_near(const Tensor& t, const std::vector<double>& e, double tol = 1e-10) {
  const auto v = t.to_vector();
  ASSERT_EQ(v.size(), e.size());
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], e[i], tol) << "element " << i;
}

// Recorded from PyTorch 1.13 (python3-torch), float64:
//   x = (torch.arange(24.).reshape(2,3,4) * 0.53).sin() * 1.5 + 0.2
//   g = (torch.arange(24.).reshape(2,3,4) * 0.17).cos()
//   w = torch.arange(12.).reshape(3,4)*0.1+0.5; b = torch.arange(12.).reshape(3,4)*-0.05
//   y = F.layer_norm(x, [3,4], w, b); (y*g).sum().backward(); y, x.grad, w.grad
TEST(LayerNorm, MatchesPyTorch) {
  Tensor x = ln_x().requires_grad_();
  Tensor w = ramp(12, 0.5, 0.1, {3, 4}).requires_grad_();
  Tensor b = ramp(12, 0.0, -0.05, {3, 4}).requires_grad_();
  const Tensor y = nabla::layer_norm(x, {3, 4}, w, b);
  ln_expect_near(
      y, {0.001951949383,  0.38376322431,   0.771276372444,  0.9907766357,    0.895359409408,
          0.425286698196,  -0.3557816162,   -1.264066859994, -2.041454335837, -2.432491741403,
          -2.269781519642, -1.540138624579, 0.055890606624,  0.438383094593,  0.805472264846,
          0.985101346637,  0.840052232683,  0.325978202122,  -0.477084304807, -1.373678872914,
          -2.103474267448, -2.420369251303, -2.176346291353, -1.382585982858});
  nabla::sum(nabla::mul(y, ln_g({2, 3, 4}))).backward();
  ln_expect_near(x.grad(), {0.117898201127,  0.01869808214,   -0.051109674603, -0.061674836336,
                            -0.006151429968, 0.096091298716,  0.203794888139,  0.26454807485,
                            0.229032366349,  0.06489479297,   -0.233551141635, -0.642470621748,
                            0.607519448943,  0.304941812659,  0.042674695296,  -0.138340527001,
                            -0.220854911951, -0.214066743553, -0.149009583674, -0.067932971784,
                            -0.010686637923, -0.001940582652, -0.042839447175, -0.109464551185});
  ln_expect_near(w.grad(), {-0.04664090124, 0.226937176902, 0.237250412718, 0.06676457204,
                            -0.108068845521, -0.112166935527, 0.133909978223, 0.566632533822,
                            1.002661636556, 1.222462951753, 1.075387100797, 0.556560820212});
  // float32 agrees
  ln_expect_near(nabla::layer_norm(ln_x(nabla::f32), {4}),
                 nabla::layer_norm(ln_x(), {4}).to_vector(), 1e-5);
}

TEST(LayerNorm, GradientsOnViewsMatchFiniteDifferences) {
  auto fn = [](const std::vector<Tensor>& in) {
    return nabla::layer_norm(in[0], {3}, in[1], in[2]);
  };
  expect_gradients_match(fn, {normal({3, 4}, 1).t(), uniform({3}, 0.5, 1.5, 2), normal({3}, 3)});
  expect_nonzero_gradient(fn, {normal({4, 3}, 1), uniform({3}, 0.5, 1.5, 2), normal({3}, 3)});
}

TEST(LayerNorm, RejectsBadArguments) {
  const Tensor x = nabla::zeros({2, 4});
  EXPECT_THAT(message_of([&] { nabla::layer_norm(x, {3}); }),
              AllOf(HasSubstr("nabla::layer_norm"), HasSubstr("[3]"), HasSubstr("[2, 4]"),
                    HasSubstr("suffix")));
  EXPECT_THAT(message_of([&] { nabla::layer_norm(x, {}); }), HasSubstr("suffix"));
  EXPECT_THAT(message_of([&] { nabla::layer_norm(x, {4}, nabla::ones({3})); }),
              AllOf(HasSubstr("nabla::layer_norm"), HasSubstr("weight has shape [3]")));
  EXPECT_THAT(message_of([&] { nabla::layer_norm(x, {4}, {}, nabla::ones({4}, nabla::f64)); }),
              AllOf(HasSubstr("nabla::layer_norm"), HasSubstr("bias is float64")));
  EXPECT_THAT(message_of([&] {
                nabla::layer_norm(nabla::zeros({2, 4}, nabla::i64), {4});
              }),
              AllOf(HasSubstr("nabla::layer_norm"), HasSubstr("int64")));
}

// Recorded from PyTorch 1.13: x2 = x.reshape(2,4,3); w = [0.5,1,1.5,2]; b = [0.1,0.2,0.3,0.4]
//   y = F.group_norm(x2, 2, w, b); (y*g.reshape(2,4,3)).sum().backward(); y, x2.grad
TEST(GroupNorm, MatchesPyTorch) {
  Tensor x = ln_x().reshape({2, 4, 3}).detach().requires_grad_();
  const Tensor w = ramp(4, 0.5, 0.5, {4}), b = ramp(4, 0.1, 0.1, {4});
  const Tensor y = nabla::group_norm(x, 2, w, b);
  ln_expect_near(
      y, {-0.81548667786,  -0.065527826922, 0.478652920509,  1.335480125227,  0.899701522971,
          -0.23045847965,  2.984241116258,  0.687385888806,  -0.930835738649, -1.901875513138,
          -0.88446553836,  1.531952696279,  -0.767339567056, 0.010309900031,  0.54140439065,
          1.360438173596,  0.777330397667,  -0.506518018514, 2.797923631917,  0.442574578458,
          -1.113746936426, -1.925344396051, -0.610120608352, 2.099796639138});
  nabla::sum(nabla::mul(y, ln_g({2, 4, 3}))).backward();
  ln_expect_near(
      x.grad(), {0.064177866186,  -0.211806278158, -0.444078414095, 0.283836650736,  0.171627811858,
                 0.136242363473,  0.673112424684,  0.744807758261,  0.625198047485,  0.266577679417,
                 -0.604417923681, -1.705277986165, 0.371877628067,  0.590266716771,  0.709395284511,
                 -0.208195202518, -0.520025896686, -0.943318530145, -0.140470129837, 0.122052199288,
                 0.388857701257,  -0.36886404194,  -0.119071070675, 0.117495341907});
}

TEST(GroupNorm, GradientsOnViewsMatchFiniteDifferences) {
  auto fn = [](const std::vector<Tensor>& in) { return nabla::group_norm(in[0], 2, in[1], in[2]); };
  expect_gradients_match(fn, {normal({2, 4, 6}, 4).slice(2, 0, std::nullopt, 2),
                              uniform({4}, 0.5, 1.5, 5), normal({4}, 6)});
}

TEST(GroupNorm, RejectsBadArguments) {
  EXPECT_THAT(message_of([] {
                nabla::group_norm(nabla::zeros({2, 6, 3}), 4);
              }),
              AllOf(HasSubstr("nabla::group_norm"), HasSubstr("6 channels"),
                    HasSubstr("divisible by num_groups 4")));
  EXPECT_THAT(message_of([] {
                nabla::group_norm(nabla::zeros({2, 6, 3}), 0);
              }),
              HasSubstr("num_groups 0"));
  EXPECT_THAT(message_of([] { nabla::group_norm(nabla::zeros({6}), 2); }),
              AllOf(HasSubstr("nabla::group_norm"), HasSubstr("rank ≥ 2")));
  EXPECT_THAT(message_of([] {
                nabla::group_norm(nabla::zeros({2, 6}), 2, nabla::ones({3}));
              }),
              AllOf(HasSubstr("nabla::group_norm"), HasSubstr("weight has shape [3]"),
                    HasSubstr("expected [6]")));
}

// Recorded from PyTorch 1.13: rm = [0,1,2], rv = [1,1,1], w = [0.5,1,-1.5], b = [0,0.1,0.2]
//   y = F.instance_norm(x, rm, rv, w, b, use_input_stats=True, momentum=0.1)
//   (y*g).sum().backward(); y, x.grad, rm, rv
TEST(InstanceNorm, MatchesPyTorchAndUpdatesRunningStatistics) {
  Tensor x = ln_x().requires_grad_();
  Tensor rm = ramp(3, 0, 1, {3}), rv = nabla::ones({3}, nabla::f64);
  const Tensor w = nabla::tensor(std::vector<double>{0.5, 1.0, -1.5}, {3}, nabla::f64);
  const Tensor b = ramp(3, 0, 0.1, {3});
  const Tensor y = nabla::instance_norm(x, rm, rv, w, b, true, 0.1);
  ln_expect_near(
      y, {-0.76558629244, -0.114488721016, 0.357956883999,  0.522118129457,  1.368848723902,
          0.6430055177,   -0.329641768367, -1.282212473235, 0.913760849827,  1.677850188935,
          0.501340246788, -2.292951285551, -0.77762212743,  -0.093156215574, 0.374298711341,
          0.496479631664, 1.389614341417,  0.62390620528,   -0.349635593762, -1.263884952935,
          1.164318975137, 1.586914300894,  0.324715271672,  -2.275948547704});
  ln_expect_near(rm, {0.11238855949708801, 0.9433492452746858, 1.7032344466687552});
  ln_expect_near(rv, {0.9421006409151889, 0.983766672504415, 0.9155143969473166});
  nabla::sum(nabla::mul(y, ln_g({2, 3, 4}))).backward();
  ln_expect_near(x.grad(),
                 {-0.013362630235, 0.021937769236, 0.01975827659,   -0.028333415591, 0.002619830154,
                  -0.006968156025, 0.006805082189, -0.002456756318, -0.853949077049, 0.304751277315,
                  0.546771166227,  0.002426633508, -0.014808799197, 0.026242101851,  0.027855033747,
                  -0.039288336401, 0.020635685965, -0.020228252247, -0.018121588192, 0.017714154475,
                  0.231401046713,  -0.10496620528, -0.150134590824, 0.023699749392});
  // use_input_stats false is batch_norm with the running statistics
  const Tensor e = nabla::instance_norm(ln_x(), rm, rv, w, b, false);
  ln_expect_near(e, nabla::batch_norm(ln_x(), rm, rv, w, b, false).to_vector());
}

TEST(InstanceNorm, RejectsBadArguments) {
  const Tensor x = nabla::zeros({2, 3, 4});
  EXPECT_THAT(message_of([] {
                nabla::instance_norm(nabla::zeros({2, 3}));
              }),
              AllOf(HasSubstr("nabla::instance_norm"), HasSubstr("rank ≥ 3"), HasSubstr("[2, 3]")));
  EXPECT_THAT(message_of([] {
                nabla::instance_norm(nabla::zeros({2, 3, 1}));
              }),
              AllOf(HasSubstr("nabla::instance_norm"), HasSubstr("more than 1 spatial element")));
  EXPECT_THAT(message_of([&] { nabla::instance_norm(x, nabla::zeros({2}), nabla::ones({2})); }),
              AllOf(HasSubstr("nabla::instance_norm"), HasSubstr("running_mean has shape [2]")));
  EXPECT_THAT(message_of([&] { nabla::instance_norm(x, {}, {}, nabla::ones({4})); }),
              AllOf(HasSubstr("nabla::instance_norm"), HasSubstr("weight has shape [4]")));
  EXPECT_THAT(message_of([&] { nabla::instance_norm(x, {}, {}, {}, {}, false); }),
              AllOf(HasSubstr("nabla::instance_norm"), HasSubstr("use_input_stats false")));
}

// Recorded from PyTorch 1.13: y = F.local_response_norm(x.reshape(2,4,3), 3, alpha=0.5,
//   beta=0.75, k=1.0); (y*g.reshape(2,4,3)).sum().backward(); y, x.grad;
//   and F.local_response_norm(x.reshape(2,4,3), 2) (the defaults, an even size)
TEST(LocalResponseNorm, MatchesPyTorch) {
  Tensor x = ln_x().reshape({2, 4, 3}).detach().requires_grad_();
  const Tensor y = nabla::local_response_norm(x, 3, 0.5, 0.75, 1.0);
  ln_expect_near(
      y, {0.148435964221,  0.700783080417,  1.103772093874,  1.259355955684, 1.050108882043,
          0.601529089837,  0.092976383824,  -0.425098493437, -0.88853692643, -1.075710137772,
          -0.889676924437, -0.386419476011, 0.233147268537,  0.771101865374, 1.143676294075,
          1.252629102894,  0.994212236766,  0.529263174079,  0.018077468289, -0.499012153479,
          -0.939170709718, -1.071571540568, -0.833493505895, -0.296421102605});
  nabla::sum(nabla::mul(y, ln_g({2, 4, 3}))).backward();
  ln_expect_near(x.grad(), {0.700348715263,  0.487854783316,  0.34459461989,   0.279413630968,
                            0.228721064918,  0.259834054105,  0.315712441937,  0.337688370421,
                            0.216614511767,  0.031669779217,  -0.110928587185, -0.254270744558,
                            -0.274195924352, -0.206567782826, -0.202456663117, -0.285411689979,
                            -0.444879776427, -0.602299081783, -0.654406313271, -0.65478745753,
                            -0.605965252086, -0.515295323499, -0.488828827038, -0.533187823514});
  ln_expect_near(
      nabla::local_response_norm(ln_x().reshape({2, 4, 3}), 2),
      {0.199999700001,  0.958267011476,  1.50840450155,   1.699536749445,  1.479238376192,
       0.907940258445,  0.14238760901,   -0.607377509008, -1.135635668655, -1.297428520459,
       -1.048343447715, -0.456721620389, 0.315107588134,  1.055336511813,  1.560805472904,
       1.692902385861,  1.415384813879,  0.804387075142,  0.027546150907,  -0.701998058992,
       -1.184072133325, -1.286387819822, -0.980853017171, -0.351301228976});
}

TEST(LocalResponseNorm, RejectsBadArguments) {
  EXPECT_THAT(message_of([] {
                nabla::local_response_norm(nabla::zeros({2, 3}), 2);
              }),
              AllOf(HasSubstr("nabla::local_response_norm"), HasSubstr("rank ≥ 3")));
  EXPECT_THAT(message_of([] {
                nabla::local_response_norm(nabla::zeros({2, 3, 4}), 0);
              }),
              AllOf(HasSubstr("nabla::local_response_norm"), HasSubstr("size must be ≥ 1, got 0")));
}

}  // namespace
}  // namespace test_layer_norm
