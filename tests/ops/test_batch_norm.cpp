// Tests of ops/batch_norm.cpp: batch normalization, training and evaluation.

#include <nabla/normalization.hpp>

#include "ops/op_test_util.hpp"

namespace test_batch_norm {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// x = sin(0.37·k)·2 + 0.5 and the output weights cos(0.11·k), k = 0..23, as [2,3,2,2].
Tensor bn_input(Dtype d) {
  std::vector<double> v(24);
  for (std::size_t k = 0; k < v.size(); ++k)
    v[k] = std::sin(0.37 * static_cast<double>(k)) * 2 + 0.5;
  return nabla::tensor(v, {2, 3, 2, 2}, d);
}
Tensor bn_out_weights(Dtype d) {
  std::vector<double> v(24);
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = std::cos(0.11 * static_cast<double>(k));
  return nabla::tensor(v, {2, 3, 2, 2}, d);
}

// Recorded from PyTorch 1.13 (python3-torch):
//   x = (torch.arange(24, dtype=torch.float64).reshape(2,3,2,2) * 0.37).sin() * 2 + 0.5
//   w = torch.tensor([0.5, 1.5, -1.0]); b = torch.tensor([0.1, -0.2, 0.3])
//   rm = torch.tensor([0.2, -0.1, 0.0]); rv = torch.tensor([1.0, 2.0, 0.5])  (float64)
//   y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)
//   gw = (torch.arange(24, dtype=torch.float64).reshape(2,3,2,2) * 0.11).cos()
//   (y * gw).sum().backward(); y, rm, rv, x.grad, w.grad, b.grad
//   then ye = F.batch_norm(x, rm, rv, w, b, training=False) with the updated rm, rv;
//   (ye * gw).sum().backward(); ye, x.grad
const std::vector<double> kTrainY = {
    0.236466014831,  0.484968944139,  0.699838167746,  0.851992144233,  1.48819010074,
    1.371068806834,  0.813615862397,  -0.108720091673, 0.459606489772,  1.002652156527,
    1.508279365768,  1.908053846728,  -0.425399703274, -0.447465007483, -0.376963456288,
    -0.223437103904, -3.084665727228, -1.859261597754, -0.636979052717, 0.416751699401,
    -0.600402015666, -0.744717145415, -0.689952494941, -0.443520202773};
const std::vector<double> kTrainGx = {
    0.122830942535,  0.051609127214, -0.014382500258, -0.066977092018, 0.396391018711,
    0.359018794742,  0.495978731271, 0.775690968169,  -0.485999045431, -0.210860737048,
    0.054713050714,  0.283428877817, 0.048665153579,  0.017749486625,  -0.0395054547,
    -0.119989662976, 0.538620768664, -0.175591691739, -0.882415258588, -1.50769333123,
    0.008977433085,  0.016090693875, 0.0941240226,    0.239525704389};
const std::vector<double> kEvalY = {
    0.24491011091,   0.583295364238,  0.875881760966,  1.08306910488,   2.454045113323,
    2.378525511746,  2.019080846664,  1.424360267265,  -0.627560565963, 0.278251524952,
    1.121648807471,  1.788481415961,  -0.656349279929, -0.686395499406, -0.590393873478,
    -0.381337771852, -0.494524174818, 0.295614223954,  1.083739830646,  1.763183541655,
    -2.395678018099, -2.636398821949, -2.545050182984, -2.133995710953};
const std::vector<double> kEvalGx = {
    0.467879995455,  0.465052174595,  0.456602894158,  0.442634287391,  0.987215986296,
    0.930228560057,  0.861996713229,  0.783345219008,  -0.784389014294, -0.675485405329,
    -0.558416661121, -0.434597885714, 0.116116329191,  0.065658351106,  0.014406707736,
    -0.037019081095, -0.205219254692, -0.321625432943, -0.434143865972, -0.541414453004,
    0.724496558592,  0.829383416958,  0.924244851067,  1.007934194489};

void expect_near_all(const Tensor& t, const std::vector<double>& e, double tol) {
  const auto v = t.to_vector();
  ASSERT_EQ(v.size(), e.size());
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], e[i], tol) << "element " << i;
}

TEST(BatchNorm, TrainingMatchesPyTorchAndUpdatesRunningStatistics) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const double tol = d == nabla::f32 ? 2e-5 : 1e-10;
    Tensor x = bn_input(d).requires_grad_();
    Tensor w = nabla::tensor(std::vector<double>{0.5, 1.5, -1.0}, {3}, d).requires_grad_();
    Tensor b = nabla::tensor(std::vector<double>{0.1, -0.2, 0.3}, {3}, d).requires_grad_();
    Tensor rm = nabla::tensor(std::vector<double>{0.2, -0.1, 0.0}, {3}, d);
    Tensor rv = nabla::tensor(std::vector<double>{1.0, 2.0, 0.5}, {3}, d);
    const Tensor y = nabla::batch_norm(x, rm, rv, w, b, true, 0.1, 1e-5);
    expect_near_all(y, kTrainY, tol);
    expect_near_all(rm, {0.1902835934056545, 0.05941480260600572, 0.10774460989051596}, tol);
    expect_near_all(rv, {1.1420030182719063, 1.8897947645438256, 0.6598046128426401}, tol);
    nabla::sum(nabla::mul(y, bn_out_weights(d))).backward();
    expect_near_all(x.grad(), kTrainGx, tol);
    expect_near_all(w.grad(), {3.239182941647589, 3.0883386844975447, -4.188646873065478}, tol);
    expect_near_all(b.grad(), {4.256073518590531, 1.8882751080017217, -0.8392334294277037}, tol);

    Tensor xe = bn_input(d).requires_grad_();
    const Tensor ye = nabla::batch_norm(xe, rm, rv, w.detach(), b.detach(), false);
    expect_near_all(ye, kEvalY, tol);
    nabla::sum(nabla::mul(ye, bn_out_weights(d))).backward();
    expect_near_all(xe.grad(), kEvalGx, tol);
  }
}

// The second derivative goes through the composed rule (create_graph): checked against
// finite differences of the fused first derivative, in training and evaluation.
TEST(BatchNorm, GradientsAndSecondDerivativesMatchFiniteDifferences) {
  const Tensor rm = nabla::tensor(std::vector<double>{0.3, -0.2}, {2}, nabla::f64);
  const Tensor rv = nabla::tensor(std::vector<double>{0.7, 1.9}, {2}, nabla::f64);
  for (bool training : {true, false}) {
    SCOPED_TRACE(training ? "training" : "evaluation");
    auto fn = [&](const std::vector<Tensor>& in) {
      return nabla::batch_norm(in[0], rm, rv, in[1], in[2], training, std::nullopt, 1e-5,
                               nabla::zeros({}, nabla::i64));
    };
    expect_gradients_match(fn, {normal({3, 2, 4}, 1), uniform({2}, 0.5, 1.5, 2), normal({2}, 3)});
    expect_nonzero_gradient(fn, {normal({3, 2, 4}, 1), uniform({2}, 0.5, 1.5, 2), normal({2}, 3)});
  }
  // without weight and bias, on a transposed view [N,C] and a stepped slice
  auto plain = [](const std::vector<Tensor>& in) {
    return nabla::batch_norm(in[0], {}, {}, {}, {}, true);
  };
  expect_gradients_match(plain, {normal({3, 5}, 4).t()});
  expect_gradients_match(plain, {normal({4, 3, 6}, 5).slice(2, 0, std::nullopt, 2)});
}

TEST(BatchNorm, ViewsGiveTheContiguousResult) {
  const Tensor base = normal({4, 6, 3}, 6);
  const Tensor view = base.transpose(1, 2);  // [4,3,6], channels 3
  const Tensor w = uniform({3}, 0.5, 1.5, 7), b = normal({3}, 8);
  const Tensor a = nabla::batch_norm(view, {}, {}, w, b, true);
  const Tensor c = nabla::batch_norm(view.contiguous(), {}, {}, w, b, true);
  expect_tensor(a, {4, 3, 6}, c.to_vector(), nabla::f64);
}

TEST(BatchNorm, CumulativeAverageWithoutMomentum) {
  // momentum nullopt: running = mean of the batch statistics seen so far (factor 1/count)
  Tensor rm = nabla::zeros({2}, nabla::f64), rv = nabla::ones({2}, nabla::f64);
  Tensor count = nabla::zeros({}, nabla::i64);
  const Tensor x1 = nabla::tensor(std::vector<double>{1, 2, 3, 6}, {2, 2}, nabla::f64);
  const Tensor x2 = nabla::tensor(std::vector<double>{5, 0, 9, 2}, {2, 2}, nabla::f64);
  nabla::batch_norm(x1, rm, rv, {}, {}, true, std::nullopt, 1e-5, count);
  nabla::batch_norm(x2, rm, rv, {}, {}, true, std::nullopt, 1e-5, count);
  EXPECT_EQ(count.item<std::int64_t>(), 2);
  // means (2, 4) then (7, 1); unbiased variances (2, 8) then (8, 2)
  expect_tensor(rm, {2}, {4.5, 2.5}, nabla::f64);
  expect_tensor(rv, {2}, {5.0, 5.0}, nabla::f64);
}

TEST(BatchNorm, RejectsBadArguments) {
  const Tensor x = nabla::zeros({4, 3});
  const Tensor c3 = nabla::ones({3});
  EXPECT_THAT(message_of([&] { nabla::batch_norm(x, nabla::zeros({4}), c3, {}, {}, true); }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("running_mean has shape [4]"),
                    HasSubstr("3 channels")));
  EXPECT_THAT(message_of([&] { nabla::batch_norm(x, c3, nabla::ones({2}), {}, {}, true); }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("running_var has shape [2]")));
  EXPECT_THAT(message_of([&] {
                nabla::batch_norm(x, {}, {}, nabla::ones({2, 3}), {}, true);
              }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("weight has shape [2, 3]")));
  EXPECT_THAT(message_of([&] { nabla::batch_norm(x, {}, {}, {}, nabla::ones({5}), true); }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("bias has shape [5]")));
  EXPECT_THAT(message_of([&] { nabla::batch_norm(x, {}, {}, nabla::ones({3}, nabla::f64)); }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("weight is float64")));
  EXPECT_THAT(message_of([&] { nabla::batch_norm(x, {}, {}); }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("evaluation mode")));
  EXPECT_THAT(message_of([&] {
                nabla::batch_norm(nabla::zeros({1, 3}), {}, {}, {}, {}, true);
              }),
              AllOf(HasSubstr("nabla::batch_norm"),
                    HasSubstr("expected more than 1 value per channel when training"),
                    HasSubstr("[1, 3]")));
  EXPECT_THAT(message_of([&] { nabla::batch_norm(nabla::zeros({3}), {}, {}, {}, {}, true); }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("rank ≥ 2"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([&] {
                nabla::batch_norm(nabla::zeros({4, 3}, nabla::i64), {}, {}, {}, {}, true);
              }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("int64")));
  EXPECT_THAT(message_of([&] {
                Tensor rm = nabla::zeros({3}), rv = nabla::ones({3});
                nabla::batch_norm(x, rm, rv, {}, {}, true, std::nullopt);
              }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("num_batches_tracked")));
  EXPECT_THAT(message_of([&] { nabla::batch_norm(x, c3, {}, {}, {}, true); }),
              AllOf(HasSubstr("nabla::batch_norm"), HasSubstr("given together")));
}

}  // namespace
}  // namespace test_batch_norm
