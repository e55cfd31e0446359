// The layers of torch.nn beyond Linear: convolutions (every padding mode), pools,
// resampling, the normalizations with their running statistics, dropout layers,
// embeddings and Bilinear: forward values recorded from PyTorch 1.13 (python3-torch
// here, the script in the comment below), PyTorch's printing, state_dict names,
// default initialization, and bad arguments.
//
// The recorded values come from /usr/bin/python3 with torch 1.13.1: every parameter p of
// a float64 module is set to 0.5·sin(0.7·k + 1) over its flat index k (set_weights
// below does the same here), and the inputs are cos(0.3·k) [2,2,4,5] for the 2-d convs,
// cos(0.4·k) [2,3,7] for Conv1d, and the literals shown in each test. E.g.:
//   m = nn.Conv2d(2, 3, 3, padding=1, padding_mode='circular').double(); set(m)
//   m(torch.cos(torch.arange(80.).double() * 0.3).reshape(2, 2, 4, 5))[1].flatten()

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <nabla/nabla.hpp>

using nabla::Tensor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace nn = nabla::nn;

namespace {

const std::vector<double> k_conv_zeros = {-1.040613962635026, -1.798717792331193, -1.6099912436708887, -1.2398659236913834, 0.1677150465169387, 0.8677251051005848, 2.7609265910847944, 3.613842254441966, 4.181527200620367, 3.561000600349102, 2.7469095281515985, 3.8179935870824333, 3.044145158636138, 2.0359553578783403, 0.37767011207343676, 0.25925001717616913, -0.9735375921273665, -1.7094709742133394, -2.255119356926383, -1.5042468547281405, -0.9544957120341621, -1.7473339169119035, -1.5878758946359564, -1.2422864157400904, 0.1727249153843562, 0.8476631011028684, 2.715481300457967, 3.580519448822084, 4.170011690554713, 3.6175133327218423, 2.7861140562640636, 3.9073092214451965, 3.1688358296480494, 2.191591002822992, 0.5184025703514448, 0.3831883545249426, -0.8378180411022252, -1.5915536628227538, -2.158829303844555, -1.4480480191458285, -1.0999351161146462, -1.9266111317411674, -1.7966019556051276, -1.4759391203970353, -0.05509756420218592, 0.5940055089789293, 2.4343282387221157, 3.31051066187064, 3.921143584236453, 3.437298250006351, 2.589530939699026, 3.7595693311252605, 3.0573060631029487, 2.11211130699894, 0.4259117778592905, 0.27405634525975603, -0.9337880872521409, -1.704473602509364, -2.292735010095201, -1.6228487149839572};
const std::vector<double> k_conv_reflect = {-0.031128737054764544, -0.6414875899281925, -1.1304203057112927, -1.4807928937803951, -1.4038551823275078, 2.3930584192691833, 2.7609265910847944, 3.613842254441966, 4.181527200620367, 4.012216090213686, 3.610324488450765, 3.8179935870824333, 3.044145158636138, 2.0359553578783403, 1.257318847434421, 0.2409997559356505, -0.3948346000090609, -0.9312500289930467, -1.346896617903159, -1.2523733169175273, 0.024704811907479085, -0.5848783420412463, -1.0983159271044238, -1.4693529894147077, -1.405779551347516, 2.3596216909274434, 2.715481300457967, 3.580519448822084, 4.170011690554713, 4.01354511643248, 3.676317523807784, 3.9073092214451965, 3.1688358296480494, 2.191591002822992, 1.4066216282777746, 0.30829996527899134, -0.3268494417201985, -0.8887749630995857, -1.3270176319750027, -1.2479364833451472, -0.15212660215894214, -0.7602447228757923, -1.2976065671091979, -1.6888885241912723, -1.6387512501970471, 2.0908796078423486, 2.4343282387221157, 3.31051066187064, 3.921143584236453, 3.7776984833379004, 3.5055162465920873, 3.7595693311252605, 3.0573060631029487, 2.11211130699894, 1.321696734483696, 0.1426145139705431, -0.4911316987156343, -1.0779318708161354, -1.5382750421387354, -1.4747254731207209};
const std::vector<double> k_conv_replicate = {0.36333761926948144, 0.3960434119286397, 0.7835928518562707, 1.1387293245443946, 1.4547776336261298, 2.101100393520879, 2.7609265910847944, 3.613842254441966, 4.181527200620367, 4.243214002872222, 4.005565785575531, 3.8179935870824333, 3.044145158636138, 2.0359553578783403, 1.102787081919243, 0.47676639221754485, -0.17190820040679922, -1.0982935103359597, -1.8889884835003339, -2.391251217306239, 0.4219119642918311, 0.43092997105256803, 0.7918415242310962, 1.126311464398436, 1.431788256126159, 2.0600443102602384, 2.715481300457967, 3.580519448822084, 4.170011690554713, 4.250703263242538, 4.06583852434237, 3.9073092214451965, 3.1688358296480494, 2.191591002822992, 1.2682355426876604, 0.5597001238593654, -0.07720838303716315, -1.0003563381619274, -1.7898542088657656, -2.296314845882726, 0.2473721729193897, 0.23269219595815754, 0.5665577331375405, 0.8799829124768004, 1.1745427448362122, 1.784021643045444, 2.4343282387221157, 3.31051066187064, 3.921143584236453, 4.020748678989958, 3.8888764688937636, 3.7595693311252605, 3.0573060631029487, 2.11211130699894, 1.199612819817148, 0.40936390425997343, -0.21505828230007557, -1.1339249601433525, -1.9213329413006124, -2.431418761153947};
const std::vector<double> k_conv_circular = {-1.5898491794253484, -3.24328855620132, -2.41859444779439, -1.3402714520673809, -0.6191861271211819, 2.409190644768128, 2.7609265910847944, 3.613842254441966, 4.181527200620367, 3.1757624982124564, 2.1337439241793015, 3.8179935870824333, 3.044145158636138, 2.0359553578783403, 1.229941335810595, -1.2705652982661424, -1.6540678798135513, -2.5585817889579383, -3.1969621585135743, -2.104598440287099, -1.5161989772928819, -3.194691519404697, -2.404306418029863, -1.354860552915527, -0.5785851286645513, 2.402594594323274, 2.715481300457967, 3.580519448822084, 4.170011690554713, 3.1881768375569544, 2.201591635642911, 3.9073092214451965, 3.1688358296480494, 2.191591002822992, 1.3321896769874617, -1.105143006554905, -1.4461663980393915, -2.363905530852572, -3.0261927908538087, -1.959573020571979, -1.6734712395011393, -3.375118858909268, -2.6199365549587394, -1.6005545642731693, -0.7699668754775919, 2.160644594129774, 2.4343282387221157, 3.31051066187064, 3.921143584236453, 2.964348867971849, 2.0343126973322283, 3.7595693311252605, 3.0573060631029487, 2.11211130699894, 1.2002945133357945, -1.1711080131959037, -1.469266575477387, -2.3991931259353843, -3.0846383427436126, -2.0449686849724906};
const std::vector<double> k_same_reflect = {0.7355545623047614, 0.7801792550448228, 0.7250105764887185, 0.6426619108789596, 0.5537272496197264, 1.9996535707327592, 2.0052649383779237, 1.6957388319634514, 1.2723204745063699, 1.303005472053992, -0.21107871593050553, -0.2730713362934659, -0.7260598510430919, -1.0766085532072158, -1.0197851828365248, 0.3317577919355474, 0.23740605191874625, 0.3449825807389685, 0.4593258915470222, 0.5598146056401405, 1.0060004120948538, 0.9333229367124309, 0.7903474825693302, 0.6210638737070566, 0.711347112547189, -1.052576733742705, -1.0908230503320686, -1.120434312419512, -1.0056692822679723, -0.9231090136910999, 0.13724017115294657, 0.04444855966735861, 0.5252156702113698, 1.0033580612050037, 1.0620080736553992, 0.35164299472445376, 0.44167468125700005, 0.6221255710073945, 0.7912950683913325, 0.7212117446008088, -0.6073556850806339, -0.5706974481585421, -0.4414580007609445, -0.24261586781839878, -0.2555711485280014, 0.0028031670562698174, -0.008796570685555172, 0.32814581643410096, 0.6659444721821728, 0.588567834956655, 1.2455030870828074, 1.3982886080015868, 1.4758095035589076, 1.4516692886045528, 1.3128860373463225, 0.8311794116200775, 0.8237700995451802, 0.558543635026944, 0.27359268818480803, 0.2530577174578901, 0.35590590569735675, 0.37475042656083274, 0.35439688694328336, 0.30424326726680234, 0.23116771470242078, 1.766164767510936, 1.789026851741315, 1.6223372760159918, 1.3125862815208733, 1.32397680172361, -0.0983590341858036, -0.15019798354587188, -0.6700063108364831, -1.1281078314584239, -1.0703062673343338, -0.15417980586809382, -0.23545034968302037, -0.1516998887939194, -0.05254139027048125, 0.050814577942547026};
const std::vector<double> k_conv1d_circ = {0.5737889388142889, 1.8902128879229427, 0.7087326778252679, -0.64744276040278, 1.7721716218375785, 0.6454436056937172, 1.998945091311155, 0.8147163725499954, -0.5629430817832731, 1.8541787091735973, 0.2622189048566167, -1.2189160188280348, -1.2403950463457085, -0.2542545792607832, -0.2475908541672195, 0.31900501444643936, -1.152406820535841, -1.1957716050714131, -0.21303209607757512, -0.1783887343988244};
const std::vector<double> k_convT_row = {-0.19771078488248295, -0.5263963305851918, -0.19696473392478797, -0.5266340254782109, -0.14104136141559487, -0.4422460228432318, -0.034936135667297696, -0.2807704516269657, 0.11187287951202518, -0.05656800533878875, 0.28258669040424067, -0.04022443967116718, -0.007258604992339213, -0.40110490058714443, -0.2588724623424483, -0.6885728068443743, -0.44977896513827686, -0.8769495065285381, -0.562925004052596, 0.042461151224989835};
const std::vector<double> k_bn_train = {-0.28601163625717163, 0.3677292466163635, 1.021470069885254, 1.675210952758789, -0.8944236040115356, 0.0, -1.7888472080230713, 0.8944236040115356};
const std::vector<double> k_bn_rm = {0.14374999701976776, 0.10000000149011612};
const std::vector<double> k_bn_rv = {1.1674107313156128, 1.0428571701049805};
const std::vector<double> k_bn_eval = {0.7924773693084717, 1.7179983854293823, 2.643519401550293, 3.569040298461914, -0.09792318195104599, 0.8813086748123169, -1.0771549940109253, 1.860540509223938};
const std::vector<double> k_bn_cum_rm = {2.15625, 1.5};
const std::vector<double> k_bn_cum_rv = {6.685267448425293, 3.5714287757873535};
const std::vector<double> k_bn1d = {-0.26726043224334717, 0.8890002369880676, 1.3363019227981567, -1.3970003128051758, -1.0690416097640991, 0.5080001354217529};
const std::vector<double> k_bn1d_rv = {1.1333333253860474, 1.933333396911621};
const std::vector<double> k_in1d = {-1.0690414905548096, -0.2672603130340576, 1.3363019227981567, -0.3922315835952759, -0.9805789589881897, 1.3728106021881104};
const std::vector<double> k_in1d_rm = {0.23333333432674408, 0.06666667014360428};
const std::vector<double> k_in1d_rv = {1.1333333253860474, 1.3333333730697632};
const std::vector<double> k_in1d_eval = {0.7201547026634216, 1.659487009048462, 3.538151502609253, -0.057734809815883636, -0.9237568974494934, 2.5403316020965576};
const std::vector<double> k_up_bilinear = {0.0, 0.6666666666666666, 1.3333333333333333, 2.0, 1.5, 2.1666666666666665, 2.833333333333333, 3.5, 3.0, 3.6666666666666665, 4.333333333333333, 5.0};
const std::vector<double> k_up_nearest = {0.0, 0.0, 1.0, 1.0, 2.0, 2.0};
const std::vector<double> k_emb_grad = {0.8414709848078965, 0.9916648104524686, 0.0, 0.0, 0.0, 0.0, -0.8834546557201536, -0.37387666483023685};
const std::vector<double> k_bag = {0.42073549240394825, 0.4958324052262343, -0.4099246830558608, -0.6549130600310215};
const std::vector<double> k_bilinear = {-0.5116779992399905, 1.5352469610799595};
const std::vector<double> k_ln = {-0.16978483229877872, 0.05424755729563399, 0.22305063533407218, 0.025927174796468912, -0.5712569077388164, -1.2313622266353912};
const std::vector<double> k_gn = {1.0450170830426346, 0.7688889602406974, 0.19437551450890525, -0.17714848557594332, 0.06094858521695102, 0.7244553872976718, 0.807278968726447, 0.7094188079792357, 0.2827135569981648, -0.004957075684020359, -0.002852568837419087, 0.021782137051328188};

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

// Every parameter to 0.5·sin(0.7·k + 1) over its flat index, as the recording script.
void set_weights(nn::Module& m) {
  nabla::NoGradGuard no_grad;
  for (Tensor p : m.parameters()) {
    const Tensor k = nabla::arange(static_cast<double>(p.numel()), nabla::f64);
    p.copy_(nabla::reshape(nabla::sin(k * 0.7 + 1.0) * 0.5, p.shape()));
  }
}

Tensor cos_input(const nabla::Shape& shape, double step) {
  std::int64_t n = 1;
  for (auto e : shape) n *= e;
  return nabla::reshape(nabla::cos(nabla::arange(static_cast<double>(n), nabla::f64) * step),
                        shape);
}

void expect_values(const Tensor& t, const std::vector<double>& want, double tol = 1e-12) {
  const std::vector<double> got = t.to_vector();
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], tol * std::max(1.0, std::abs(want[i]))) << "at " << i;
  }
}

bool same(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.to_vector() == b.to_vector();
}

bool close(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return false;
  const std::vector<double> u = a.to_vector(), v = b.to_vector();
  for (std::size_t i = 0; i < u.size(); ++i) {
    if (std::abs(u[i] - v[i]) > 1e-6 * std::max(1.0, std::abs(v[i]))) return false;
  }
  return true;
}

}  // namespace

// ---- convolutions -------------------------------------------------------------------------

TEST(NnConv, Conv2dEveryPaddingModeMatchesPyTorch) {
  const Tensor x = cos_input({2, 2, 4, 5}, 0.3);
  const std::pair<nn::PaddingMode, const std::vector<double>*> cases[] = {
      {nn::PaddingMode::zeros, &k_conv_zeros},
      {nn::PaddingMode::reflect, &k_conv_reflect},
      {nn::PaddingMode::replicate, &k_conv_replicate},
      {nn::PaddingMode::circular, &k_conv_circular}};
  for (const auto& [mode, want] : cases) {
    nn::Conv2d m(2, 3, 3, {.padding = 1, .padding_mode = mode, .dtype = nabla::f64});
    set_weights(m);
    const Tensor y = m(x);
    EXPECT_EQ(y.shape(), (nabla::Shape{2, 3, 4, 5}));
    expect_values(nabla::select(y, 0, 1), *want);
  }
}

TEST(NnConv, Conv2dSamePaddingWithReflectGroupsAndDilation) {
  nn::Conv2d m(2, 4, {3, 2},
               {.padding = "same", .dilation = {1, 2}, .groups = 2,
                .padding_mode = nn::PaddingMode::reflect, .dtype = nabla::f64});
  set_weights(m);
  const Tensor y = m(cos_input({2, 2, 4, 5}, 0.3));
  EXPECT_EQ(y.shape(), (nabla::Shape{2, 4, 4, 5}));
  expect_values(nabla::select(y, 0, 0), k_same_reflect);
}

TEST(NnConv, Conv1dCircularMatchesPyTorch) {
  nn::Conv1d m(3, 2, 3,
               {.stride = 2, .padding = 2, .padding_mode = nn::PaddingMode::circular,
                .dtype = nabla::f64});
  set_weights(m);
  const Tensor y = m(cos_input({2, 3, 7}, 0.4));
  EXPECT_EQ(y.shape(), (nabla::Shape{2, 2, 5}));
  expect_values(y, k_conv1d_circ);
}

TEST(NnConv, ConvTranspose2dReachesTheOutputSizeAsked) {
  nn::ConvTranspose2d m(2, 3, 3, {.stride = 2, .padding = 1, .dtype = nabla::f64});
  set_weights(m);
  const Tensor x = cos_input({2, 2, 4, 5}, 0.3);
  EXPECT_EQ(m(x).shape(), (nabla::Shape{2, 3, 7, 9}));
  const Tensor y = m.forward(x, {8, 10});
  EXPECT_EQ(y.shape(), (nabla::Shape{2, 3, 8, 10}));
  EXPECT_NEAR(nabla::sum(y).item<double>(), 141.28370369505706, 1e-10);
  expect_values(nabla::narrow(nabla::select(nabla::select(y, 0, 0), 0, 0), 0, 0, 2), k_convT_row);
  EXPECT_THAT(message_of([&] { (void)m.forward(x, {9, 10}); }),
              HasSubstr("an output height of 9 is not reachable from an input of 4: the sizes "
                        "reachable are 7 to 8"));
}

TEST(NnConv, GradientsFlowToWeightBiasAndInput) {
  nn::Conv2d m(2, 3, 3, {.padding = 1, .padding_mode = nn::PaddingMode::circular,
                         .dtype = nabla::f64});
  Tensor x = cos_input({1, 2, 4, 5}, 0.3);
  x.requires_grad_();
  const auto ok = nabla::gradcheck(
      [&](const std::vector<Tensor>& in) { return m(in[0]); }, {x});
  EXPECT_TRUE(ok.passed) << ok.message;
  nabla::sum(m(x)).backward();
  EXPECT_TRUE(m.weight().grad().defined());
  EXPECT_TRUE(m.bias().grad().defined());
}

TEST(NnConv, DefaultInitIsPyTorchsUniformOfFanIn) {
  nabla::Generator gen(7);
  nn::Conv2d m(16, 32, 3, {.generator = &gen});
  const double bound = 1.0 / std::sqrt(16.0 * 9.0);  // kaiming_uniform_(a = √5) → 1/√fan_in
  for (const Tensor& t : {m.weight(), m.bias()}) {
    const std::vector<double> v = t.to_vector();
    double sq = 0;
    for (double e : v) {
      EXPECT_LE(std::abs(e), bound);
      sq += e * e;
    }
    if (v.size() > 1000) {
      EXPECT_NEAR(std::sqrt(sq / double(v.size())), bound / std::sqrt(3.0), 0.05 * bound);
    }
  }
  nn::ConvTranspose2d t(4, 6, 3, {.groups = 2, .generator = &gen});
  EXPECT_EQ(t.weight().shape(), (nabla::Shape{4, 3, 3, 3}));
  const double tb = 1.0 / std::sqrt(3.0 * 9.0);  // fan_in of [C_in, C_out/groups, kh, kw]
  for (double e : t.bias().to_vector()) EXPECT_LE(std::abs(e), tb);
}

TEST(NnConv, BadArgumentsNameTheLayer) {
  EXPECT_THAT(message_of([] { nn::Conv2d(3, 4, 3, {.groups = 2}); }),
              HasSubstr("nabla::nn::Conv2d: in_channels (3) and out_channels (4) must both be "
                        "divisible by groups (2)"));
  EXPECT_THAT(message_of([] { nn::Conv2d(3, 4, 0); }), HasSubstr("kernel_size must be ≥ 1"));
  EXPECT_THAT(message_of([] { nn::Conv2d(3, 4, 3, {.stride = 2, .padding = "same"}); }),
              HasSubstr("padding=\"same\" needs stride 1"));
  EXPECT_THAT(message_of([] { nn::Conv2d(3, 4, 3, {.padding = "full"}); }),
              HasSubstr("got \"full\""));
  EXPECT_THAT(message_of([] { nn::ConvTranspose2d(2, 2, 3, {.output_padding = 1}); }),
              HasSubstr("output_padding (1, 1) must be smaller than the stride (1, 1)"));
  nn::Conv2d m(3, 4, 3);
  EXPECT_THAT(message_of([&] { (void)m(nabla::zeros({1, 2, 8, 8})); }),
              HasSubstr("the input has 2 channels (shape [1, 2, 8, 8]), the layer expects 3"));
  EXPECT_THAT(message_of([&] { (void)m(nabla::zeros({3, 8})); }),
              HasSubstr("expects a 4-d (batched) or 3-d (unbatched) input, got shape [3, 8]"));
  EXPECT_THAT(message_of([&] { (void)m(nabla::zeros({1, 3, 8, 8}, nabla::f64)); }),
              HasSubstr("the input is float64 but the layer's parameters are float32"));
  // the op's own message for a kernel larger than the padded input
  EXPECT_THAT(message_of([&] { (void)m(nabla::zeros({1, 3, 2, 2})); }), HasSubstr("larger than"));
  // unbatched input works, as in PyTorch
  EXPECT_EQ(m(nabla::zeros({3, 8, 8})).shape(), (nabla::Shape{4, 6, 6}));
}

// ---- pools and resampling --------------------------------------------------------------------

TEST(NnPool, PoolsAgreeWithTheirOps) {
  const Tensor x = cos_input({2, 3, 6, 7}, 0.37);
  nn::MaxPool2d mp(3, 2, 1);
  EXPECT_TRUE(same(mp(x), nabla::max_pool2d(x, 3, 2, 1)));
  auto [v, idx] = mp.forward_with_indices(x);
  EXPECT_TRUE(same(v, mp(x)));
  EXPECT_EQ(idx.dtype(), nabla::i64);
  nn::AvgPool2d ap(2);
  EXPECT_EQ(ap(x).shape(), (nabla::Shape{2, 3, 3, 3}));
  EXPECT_TRUE(same(ap(x), nabla::avg_pool2d(x, 2)));
  nn::AdaptiveAvgPool2d gap(1);
  EXPECT_TRUE(close(nabla::reshape(gap(x), {2, 3}), nabla::mean(x, {2, 3})));
  EXPECT_EQ(nn::AdaptiveMaxPool2d({2, 3})(x).shape(), (nabla::Shape{2, 3, 2, 3}));
  const Tensor x1 = cos_input({2, 3, 9}, 0.5);
  EXPECT_TRUE(same(nn::MaxPool1d(3)(x1), nabla::max_pool1d(x1, 3)));
  EXPECT_TRUE(same(nn::AvgPool1d(2, 1)(x1), nabla::avg_pool1d(x1, 2, 1)));
}

TEST(NnPool, UpsampleAndPixelShuffleMatchPyTorch) {
  const Tensor x = nabla::reshape(nabla::arange(6.0, nabla::f64), {1, 1, 2, 3});
  nn::Upsample bil({.size = {{3, 4}}, .mode = "bilinear", .align_corners = true});
  expect_values(bil(x), k_up_bilinear);
  nn::Upsample near({.scale_factor = {{2.0}}});
  const Tensor y = near(x);
  EXPECT_EQ(y.shape(), (nabla::Shape{1, 1, 4, 6}));
  expect_values(nabla::select(nabla::select(nabla::select(y, 0, 0), 0, 0), 0, 0), k_up_nearest);
  const Tensor z = cos_input({1, 8, 3, 3}, 0.2);
  EXPECT_TRUE(same(nn::PixelUnshuffle(2)(nn::PixelShuffle(2)(z)), z));
  EXPECT_THAT(message_of([] { nn::Upsample({}); }),
              HasSubstr("give exactly one of size and scale_factor"));
}

TEST(NnPool, BadArguments) {
  EXPECT_THAT(message_of([] { nn::MaxPool2d(2, 2, 2); }),
              HasSubstr("nabla::nn::MaxPool2d: padding (2, 2) must be at most half the "
                        "kernel_size (2, 2)"));
  EXPECT_THAT(message_of([] { nn::AvgPool2d(0); }), HasSubstr("kernel_size must be ≥ 1"));
  EXPECT_THAT(message_of([] { nn::AdaptiveAvgPool2d(0); }), HasSubstr("output_size must be ≥ 1"));
  EXPECT_THAT(message_of([] { nn::MaxPool2d(3)(nabla::zeros({1, 1, 2, 2})); }),
              HasSubstr("max_pool2d"));
}

// ---- normalization ---------------------------------------------------------------------------

namespace {

Tensor bn_input() {
  return nabla::tensor({{{{1., 2.}, {3., 4.}}, {{0., 1.}, {-1., 2.}}},
                        {{{0.5, -1.}, {2., 0.}}, {{3., 1.}, {1., 1.}}}});
}

}  // namespace

TEST(NnNorm, BatchNorm2dTrainsThenEvaluatesWithRunningStatistics) {
  nn::BatchNorm2d bn(2);
  const Tensor x = bn_input();
  expect_values(nabla::select(bn(x), 0, 0), k_bn_train, 1e-6);
  expect_values(bn.running_mean(), k_bn_rm, 1e-6);
  expect_values(bn.running_var(), k_bn_rv, 1e-6);
  EXPECT_EQ(bn.num_batches_tracked().item<double>(), 1.0);
  bn.eval();
  expect_values(nabla::select(bn(x), 0, 0), k_bn_eval, 1e-6);
  EXPECT_EQ(bn.num_batches_tracked().item<double>(), 1.0);  // evaluation counts nothing
  bn.reset_running_stats();
  EXPECT_EQ(bn.running_var().to_vector(), (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(bn.num_batches_tracked().item<double>(), 0.0);
}

TEST(NnNorm, BatchNormMomentumNoneIsACumulativeAverage) {
  nn::BatchNorm2d bn(2, {.momentum = std::nullopt});
  const Tensor x = bn_input();
  (void)bn(x);
  (void)bn(x * 2.0);
  expect_values(bn.running_mean(), k_bn_cum_rm, 1e-6);
  expect_values(bn.running_var(), k_bn_cum_rv, 1e-6);
  EXPECT_EQ(bn.num_batches_tracked().item<double>(), 2.0);
  EXPECT_EQ(nn::to_string(bn),
            "BatchNorm2d(2, eps=1e-05, momentum=None, affine=True, track_running_stats=True)");
}

TEST(NnNorm, BatchNorm1dWithoutTrackingUsesBatchStatisticsAlways) {
  nn::BatchNorm1d bn(2);
  const Tensor x = nabla::tensor({{1., 2.}, {3., -4.}, {0., 1.}});
  expect_values(bn(x), k_bn1d, 1e-6);
  expect_values(bn.running_var(), k_bn1d_rv, 1e-6);
  nn::BatchNorm1d plain(2, {.affine = false, .track_running_stats = false});
  EXPECT_TRUE(plain.parameters().empty());
  EXPECT_TRUE(plain.state_dict().empty());  // None buffers are not saved, as PyTorch
  plain.eval();
  expect_values(plain(x), k_bn1d, 1e-6);  // no running statistics: the batch's, even in eval
  EXPECT_FALSE(plain.running_mean().defined());
}

TEST(NnNorm, BatchNormStateDictRoundTripsAndRefusesMismatchedShapes) {
  nn::BatchNorm2d a(2);
  (void)a(bn_input());
  nn::BatchNorm2d b(2);
  b.load_state_dict(a.state_dict());
  EXPECT_TRUE(same(b.running_mean(), a.running_mean()));
  EXPECT_EQ(b.num_batches_tracked().item<double>(), 1.0);
  EXPECT_EQ(b.num_batches_tracked().dtype(), nabla::i64);
  nn::BatchNorm2d wide(3);
  EXPECT_THAT(message_of([&] { wide.load_state_dict(a.state_dict()); }), HasSubstr("running_mean"));
  // the failed load changed nothing
  EXPECT_EQ(wide.running_mean().to_vector(), (std::vector<double>{0.0, 0.0, 0.0}));
}

TEST(NnNorm, BatchNormToDoubleKeepsTheCountInteger) {
  nn::BatchNorm2d bn(2);
  bn.to(nabla::f64);
  EXPECT_EQ(bn.running_mean().dtype(), nabla::f64);
  EXPECT_EQ(bn.num_batches_tracked().dtype(), nabla::i64);
  expect_values(nabla::select(bn(bn_input().to(nabla::f64)), 0, 0), k_bn_train, 1e-6);
}

TEST(NnNorm, BatchNormBadInputs) {
  nn::BatchNorm2d bn(2);
  EXPECT_THAT(message_of([&] { (void)bn(nabla::zeros({2, 2, 3})); }),
              HasSubstr("nabla::nn::BatchNorm2d: expects a 4-d input, got shape [2, 2, 3]"));
  EXPECT_THAT(message_of([&] { (void)bn(nabla::zeros({2, 3, 2, 2})); }),
              HasSubstr("the input has 3 channels along dim 1 (shape [2, 3, 2, 2]), the layer "
                        "expects 2"));
  EXPECT_THAT(message_of([] { nn::BatchNorm1d(0); }), HasSubstr("num_features must be ≥ 1"));
  nn::BatchNorm1d one(2);
  EXPECT_THAT(message_of([&] { (void)one(nabla::zeros({1, 2})); }), HasSubstr("batch_norm"));
}

TEST(NnNorm, InstanceNormTracksWhenAsked) {
  nn::InstanceNorm1d in(2, {.affine = true, .track_running_stats = true});
  const Tensor x = nabla::tensor({{{1., 2., 4.}, {0., -1., 3.}}});
  expect_values(in(x), k_in1d, 1e-6);
  expect_values(in.state_dict()[2].second, k_in1d_rm, 1e-6);
  expect_values(in.state_dict()[3].second, k_in1d_rv, 1e-6);
  in.eval();
  expect_values(in(x), k_in1d_eval, 1e-6);
  // unbatched [C, L] gives the same as a batch of one
  expect_values(in(nabla::select(x, 0, 0)), k_in1d_eval, 1e-6);
  EXPECT_EQ(nn::to_string(nn::InstanceNorm2d(3)),
            "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)");
}

TEST(NnNorm, LayerNormAndGroupNormMatchPyTorch) {
  nn::LayerNorm ln({2, 3}, 1e-5, true, nabla::f64);
  set_weights(ln);
  const Tensor xl = nabla::pow(nabla::reshape(nabla::arange(12.0, nabla::f64), {2, 2, 3}), 1.5);
  expect_values(nabla::select(ln(xl), 0, 1), k_ln);
  nn::GroupNorm gn(2, 4, 1e-5, true, nabla::f64);
  set_weights(gn);
  const Tensor xg = nabla::reshape(nabla::cos(nabla::arange(24.0, nabla::f64)), {2, 4, 3});
  expect_values(nabla::select(gn(xg), 0, 0), k_gn);
  EXPECT_THAT(message_of([] { nn::GroupNorm(3, 4); }),
              HasSubstr("num_channels (4) must be divisible by num_groups (3)"));
  EXPECT_THAT(message_of([&] { (void)gn(nabla::zeros({2, 6, 3}, nabla::f64)); }),
              HasSubstr("expects an input [N, 4, ...], got shape [2, 6, 3]"));
}

// ---- dropout, embeddings, bilinear -----------------------------------------------------------

TEST(NnDropout, Dropout2dZeroesWholeChannelsInTrainingOnly) {
  nabla::Generator gen(3);
  nn::Dropout2d d(0.5, &gen);
  const Tensor x = nabla::ones({4, 8, 3, 3});
  const Tensor y = d(x);
  const std::vector<double> v = y.to_vector();
  int zeroed = 0;
  for (std::size_t c = 0; c < 32; ++c) {
    const double first = v[c * 9];
    EXPECT_TRUE(first == 0.0 || first == 2.0);
    for (std::size_t k = 1; k < 9; ++k) EXPECT_EQ(v[c * 9 + k], first);
    zeroed += first == 0.0;
  }
  EXPECT_GT(zeroed, 4);
  EXPECT_LT(zeroed, 28);
  d.eval();
  EXPECT_TRUE(same(d(x), x));
  nn::AlphaDropout a(0.2, &gen);
  EXPECT_FALSE(same(a(x), x));
  a.eval();
  EXPECT_TRUE(same(a(x), x));
  EXPECT_THAT(message_of([] { nn::Dropout2d(1.5); }), HasSubstr("p must be in [0, 1], got 1.5"));
}

TEST(NnEmbedding, PaddingRowStartsAtZeroAndGetsNoGradient) {
  nn::Embedding e(4, 2, {.padding_idx = 1, .dtype = nabla::f64});
  EXPECT_EQ(nabla::select(e.weight(), 0, 1).to_vector(), (std::vector<double>{0.0, 0.0}));
  set_weights(e);
  const Tensor idx = nabla::tensor({{0, 1}, {3, 1}}, nabla::i64);
  nabla::sum(nabla::square(e(idx))).backward();
  expect_values(e.weight().grad(), k_emb_grad);
  EXPECT_EQ(nn::to_string(nn::Embedding(10, 3, {.padding_idx = -1, .max_norm = 1.0, .norm_type = 1.0})),
            "Embedding(10, 3, padding_idx=9, max_norm=1.0, norm_type=1.0)");
  EXPECT_THAT(message_of([] { nn::Embedding(4, 2, {.padding_idx = 4}); }),
              HasSubstr("padding_idx 4 is outside [-4, 4) for num_embeddings = 4"));
  EXPECT_THAT(message_of([&] { (void)e(nabla::tensor({5}, nabla::i64)); }), HasSubstr("5"));
}

TEST(NnEmbedding, DefaultInitIsStandardNormal) {
  nabla::Generator gen(11);
  nn::Embedding e(1000, 16, {.generator = &gen});
  const std::vector<double> v = e.weight().to_vector();
  double sum = 0, sq = 0;
  for (double x : v) {
    sum += x;
    sq += x * x;
  }
  const double n = static_cast<double>(v.size()), mean = sum / n;
  EXPECT_NEAR(mean, 0.0, 0.03);  // 16000 draws: the mean's standard error is 0.008
  EXPECT_NEAR(std::sqrt(sq / n - mean * mean), 1.0, 0.03);
  nn::EmbeddingBag bag(500, 8, {.padding_idx = 3, .generator = &gen});
  EXPECT_EQ(nabla::select(bag.weight(), 0, 3).to_vector(), std::vector<double>(8, 0.0));
}

TEST(NnEmbedding, FromPretrainedFreezesByDefault) {
  const Tensor table = nabla::tensor({{1., 2.}, {3., 4.}, {5., 6.}});
  nn::Embedding e = nn::Embedding::from_pretrained(table);
  EXPECT_FALSE(e.weight().requires_grad());
  EXPECT_EQ(e(nabla::tensor({2}, nabla::i64)).to_vector(), (std::vector<double>{5., 6.}));
  nn::Embedding t = nn::Embedding::from_pretrained(table, false);
  EXPECT_TRUE(t.weight().requires_grad());
  EXPECT_THAT(message_of([] { (void)nn::Embedding::from_pretrained(nabla::ones({3})); }),
              HasSubstr("must be a 2-d floating tensor, got [3] float32"));
}

TEST(NnEmbedding, EmbeddingBagSumsBagsByOffsets) {
  nn::EmbeddingBag bag(4, 2, {.mode = nabla::EmbeddingBagMode::sum, .dtype = nabla::f64});
  set_weights(bag);
  const Tensor y = bag.forward(nabla::tensor({0, 2, 3, 1}, nabla::i64), nabla::tensor({0, 1}, nabla::i64));
  expect_values(y, k_bag);
  EXPECT_EQ(nn::to_string(nn::EmbeddingBag(10, 3, {.mode = nabla::EmbeddingBagMode::sum, .padding_idx = 0})),
            "EmbeddingBag(10, 3, mode=sum, padding_idx=0)");
}

TEST(NnBilinear, MatchesPyTorchAndNeedsTwoInputs) {
  nn::Bilinear m(2, 3, 2, true, {.dtype = nabla::f64});
  set_weights(m);
  const Tensor y = m(nabla::tensor({{1., 2.}}, nabla::f64), nabla::tensor({{0.5, -1., 2.}}, nabla::f64));
  expect_values(y, k_bilinear);
  EXPECT_THAT(message_of([&] { (void)m.forward(nabla::ones({1, 2}, nabla::f64)); }),
              HasSubstr("takes two inputs"));
  nabla::Generator gen(1);
  nn::Bilinear big(40, 3, 5, true, {.generator = &gen});
  for (double e : big.weight().to_vector()) EXPECT_LE(std::abs(e), 1.0 / std::sqrt(40.0));
}

// ---- printing and a whole CNN ------------------------------------------------------------------

TEST(NnLayers, PrintAsPyTorch) {
  // Each line printed by PyTorch 1.13 for the same constructor call.
  EXPECT_EQ(nn::to_string(nn::Conv2d(1, 32, 3, {.padding = 1})),
            "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
  EXPECT_EQ(nn::to_string(nn::Conv2d(4, 8, {3, 5},
                                     {.stride = 2, .padding = {1, 2}, .dilation = 2, .groups = 2,
                                      .bias = false, .padding_mode = nn::PaddingMode::reflect})),
            "Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 2), dilation=(2, 2), "
            "groups=2, bias=False, padding_mode=reflect)");
  EXPECT_EQ(nn::to_string(nn::Conv2d(3, 6, 3, {.padding = "same"})),
            "Conv2d(3, 6, kernel_size=(3, 3), stride=(1, 1), padding=same)");
  EXPECT_EQ(nn::to_string(nn::Conv1d(2, 4, 3)), "Conv1d(2, 4, kernel_size=(3,), stride=(1,))");
  EXPECT_EQ(nn::to_string(nn::Conv1d(2, 4, 3, {.stride = 2, .padding = 1,
                                               .padding_mode = nn::PaddingMode::circular})),
            "Conv1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,), padding_mode=circular)");
  EXPECT_EQ(nn::to_string(nn::ConvTranspose2d(4, 2, 3, {.stride = 2, .padding = 1,
                                                        .output_padding = 1})),
            "ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
            "output_padding=(1, 1))");
  EXPECT_EQ(nn::to_string(nn::MaxPool2d(2)),
            "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
  EXPECT_EQ(nn::to_string(nn::MaxPool2d({2, 3}, 1, 1, 2, true)),
            "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=2, ceil_mode=True)");
  EXPECT_EQ(nn::to_string(nn::MaxPool1d(3)),
            "MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)");
  EXPECT_EQ(nn::to_string(nn::AvgPool2d(3, 2, 1, true, false, 4)),
            "AvgPool2d(kernel_size=3, stride=2, padding=1)");
  EXPECT_EQ(nn::to_string(nn::AvgPool1d(2)), "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))");
  EXPECT_EQ(nn::to_string(nn::AdaptiveAvgPool2d({2, 3})), "AdaptiveAvgPool2d(output_size=(2, 3))");
  EXPECT_EQ(nn::to_string(nn::AdaptiveMaxPool2d(4)), "AdaptiveMaxPool2d(output_size=4)");
  EXPECT_EQ(nn::to_string(nn::Upsample({.scale_factor = {{2.0}}})),
            "Upsample(scale_factor=2.0, mode=nearest)");
  EXPECT_EQ(nn::to_string(nn::Upsample({.size = {{4, 5}}, .mode = "bilinear", .align_corners = true})),
            "Upsample(size=(4, 5), mode=bilinear)");
  EXPECT_EQ(nn::to_string(nn::Upsample({.scale_factor = {{2.0, 3.0}}, .mode = "bilinear"})),
            "Upsample(scale_factor=(2.0, 3.0), mode=bilinear)");
  EXPECT_EQ(nn::to_string(nn::PixelShuffle(2)), "PixelShuffle(upscale_factor=2)");
  EXPECT_EQ(nn::to_string(nn::PixelUnshuffle(2)), "PixelUnshuffle(downscale_factor=2)");
  EXPECT_EQ(nn::to_string(nn::BatchNorm1d(5, {.momentum = std::nullopt, .affine = false,
                                              .track_running_stats = false})),
            "BatchNorm1d(5, eps=1e-05, momentum=None, affine=False, track_running_stats=False)");
  EXPECT_EQ(nn::to_string(nn::LayerNorm({128})), "LayerNorm((128,), eps=1e-05, elementwise_affine=True)");
  EXPECT_EQ(nn::to_string(nn::LayerNorm({3, 4}, 1e-6, false)),
            "LayerNorm((3, 4), eps=1e-06, elementwise_affine=False)");
  EXPECT_EQ(nn::to_string(nn::GroupNorm(4, 32)), "GroupNorm(4, 32, eps=1e-05, affine=True)");
  EXPECT_EQ(nn::to_string(nn::LocalResponseNorm(2)),
            "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)");
  EXPECT_EQ(nn::to_string(nn::Dropout2d()), "Dropout2d(p=0.5, inplace=False)");
  EXPECT_EQ(nn::to_string(nn::AlphaDropout(0.2)), "AlphaDropout(p=0.2, inplace=False)");
  EXPECT_EQ(nn::to_string(nn::EmbeddingBag(10, 3)), "EmbeddingBag(10, 3, mode=mean)");
  EXPECT_EQ(nn::to_string(nn::Bilinear(2, 3, 4, false)),
            "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)");
}

namespace {

// The CNN of the Fashion-MNIST example, in a Sequential as PyTorch's reference.
nn::Sequential reference_cnn() {
  return nn::Sequential(nn::Conv2d(1, 32, 3, {.padding = 1}), nn::BatchNorm2d(32), nn::ReLU(),
                        nn::MaxPool2d(2), nn::Conv2d(32, 64, 3, {.padding = 1}),
                        nn::BatchNorm2d(64), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(),
                        nn::Linear(3136, 128), nn::ReLU(), nn::Dropout(0.3), nn::Linear(128, 10));
}

}  // namespace

TEST(NnLayers, ReferenceCnnHasPyTorchsStateDictNamesAndPrinting) {
  nn::Sequential cnn = reference_cnn();
  std::vector<std::string> keys;
  for (const auto& [k, t] : cnn.state_dict()) keys.push_back(k);
  // list(cnn.state_dict().keys()) in PyTorch 1.13 for the same model
  EXPECT_THAT(keys, ElementsAre("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias",
                                "5.weight", "5.bias", "5.running_mean", "5.running_var",
                                "5.num_batches_tracked", "9.weight", "9.bias", "12.weight",
                                "12.bias"));
  EXPECT_EQ(nn::to_string(cnn),
            "Sequential(\n"
            "  (0): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
            "  (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"
            "  (2): ReLU()\n"
            "  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
            "  (4): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
            "  (5): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"
            "  (6): ReLU()\n"
            "  (7): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
            "  (8): Flatten(start_dim=1, end_dim=-1)\n"
            "  (9): Linear(in_features=3136, out_features=128, bias=True)\n"
            "  (10): ReLU()\n"
            "  (11): Dropout(p=0.3, inplace=False)\n"
            "  (12): Linear(in_features=128, out_features=10, bias=True)\n"
            ")");
  const Tensor y = cnn(nabla::zeros({2, 1, 28, 28}));
  EXPECT_EQ(y.shape(), (nabla::Shape{2, 10}));
  EXPECT_EQ(cnn.parameters().size(), 12u);
  EXPECT_EQ(cnn.buffers().size(), 6u);
}
