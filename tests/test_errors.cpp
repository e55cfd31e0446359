// The bad-input catalogue, docs/errors.md, kept honest: every row of the document has a
// trigger here, every trigger has a row, and each trigger throws the row's exception type
// with the row's message (exact, except for `<...>` placeholders, which match any text).
// Adding a check to the library means adding a row to the document and a trigger below;
// changing a message means changing its row.
//
// NABLA_ERRORS_PRINT=1 ./nabla_tests --gtest_filter='Errors.*' prints every trigger's
// actual type and message as a table row, a start for a new row.

#include <gtest/gtest.h>

#include <unistd.h>
#include <zlib.h>
#include <limits>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <functional>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "nabla/autograd.hpp"
#include "nabla/data.hpp"
#include "nabla/gradcheck.hpp"
#include "nabla/graph.hpp"
#include "nabla/io.hpp"
#include "nabla/nn.hpp"
#include "nabla/ops.hpp"
#include "nabla/optim.hpp"
#include "nabla/registry.hpp"
#include "nabla/threads.hpp"
#include "nabla/sweep.hpp"

namespace {

using nabla::Tensor;
namespace nn = nabla::nn;
namespace optim = nabla::optim;
namespace data = nabla::data;

constexpr std::int64_t k62 = std::int64_t{1} << 62;

// ---- files for the readers -------------------------------------------------------------

const std::string& scratch_dir() {
  static const std::string dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("nabla-errors-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  return dir;
}

// A file called `name` in the scratch directory holding `bytes`; returns its path.
std::string file_with(const std::string& name, const std::string& bytes) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// `bytes` gzipped (one member, as gzip writes), in a file called `name`.
std::string gzip_file_with(const std::string& name, const std::string& bytes) {
  const std::string path = scratch_dir() + "/" + name;
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
  return path;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The header of an IDX file: magic 00 00 type rank, then each extent big-endian.
std::string idx_header(int type, const std::vector<std::uint32_t>& dims) {
  std::string h{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int s = 24; s >= 0; s -= 8) h.push_back(static_cast<char>((d >> s) & 0xFF));
  }
  return h;
}

// An IDX file of n zero bytes, shape [n].
std::string zeros_idx(std::uint32_t n) {
  return idx_header(0x08, {n}) + std::string(n, '\0');
}

// Overwrites the ISIZE of a gzip file's trailer (its last 4 bytes, little-endian).
void set_isize(std::string& gz, std::uint32_t isize) {
  for (std::size_t i = 0; i < 4; ++i) {
    gz[gz.size() - 4 + i] = static_cast<char>((isize >> (8 * i)) & 0xFF);
  }
}

// A safetensors file: the 8-byte little-endian header length, the header, the data.
std::string safetensors_with(const std::string& name, const std::string& header,
                             const std::string& data_bytes = "", std::uint64_t length = 0) {
  std::uint64_t n = length != 0 ? length : header.size();
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  return file_with(name, bytes + header + data_bytes);
}

// ---- user code that misuses the extension points -----------------------------------------

// A module that exposes its protected registration methods, as a user's module calls them.
struct Net : nn::Module {
  Net() : Module("Net") {}
  using Module::parameter;
  using Module::register_module;
  using Module::register_parameter;
};

// A rule that returns two gradients for one input.
struct TwoGradsNode : nabla::Node {
  TwoGradsNode() : Node("two_grads") {}
  std::vector<Tensor> backward(const Tensor& g) override { return {g, g}; }
};
// A rule that returns a gradient of shape [3] for an input of shape [2].
struct WrongShapeNode : nabla::Node {
  WrongShapeNode() : Node("wrong_shape") {}
  std::vector<Tensor> backward(const Tensor&) override { return {nabla::zeros({3})}; }
};
// A rule that returns a float64 gradient for a float32 input.
struct WrongDtypeNode : nabla::Node {
  WrongDtypeNode() : Node("wrong_dtype") {}
  std::vector<Tensor> backward(const Tensor& g) override { return {g.to(nabla::f64)}; }
};
// A rule that reads a saved tensor it never saved.
struct UnsavedNode : nabla::Node {
  UnsavedNode() : Node("unsaved") {}
  std::vector<Tensor> backward(const Tensor&) override { return {saved(1)}; }
};
// A rule that starts a second backward through the graph it is part of: the engine sees
// what it sees when two threads run backward through one graph at once.
// A rule that runs a backward through `other`, a tensor of the graph being walked: on
// another thread (while this pass holds the graph), or on this one (a nested backward).
struct ReentrantNode : nabla::Node {
  ReentrantNode() : Node("reentrant") {}
  Tensor other;
  bool other_thread = true;
  std::vector<Tensor> backward(const Tensor& g) override {
    auto run = [this] {
      nabla::AutoGradMode recording(true);  // the engine runs rules with recording off
      nabla::sum(other).backward();
    };
    if (!other_thread) {
      run();
      return {g};
    }
    std::exception_ptr error;
    std::thread t([&] {
      try {
        run();
      } catch (...) {
        error = std::current_exception();
      }
    });
    t.join();
    if (error) std::rethrow_exception(error);
    return {g};
  }
};

// y = rule(x) for x = ones([2]) requiring grad, then sum(y).backward().
template <class N>
void run_rule() {
  Tensor x = nabla::ones({2}).requires_grad_();
  Tensor y = nabla::zeros({2});
  nabla::record<N>(y, {x});
  nabla::sum(y).backward();
}

// An optimizer whose step asks for a buffer it never added.
struct ForgetfulOptimizer : optim::Optimizer {
  explicit ForgetfulOptimizer(std::vector<Tensor> params)
      : Optimizer(std::move(params), 0.1, "Forgetful") {}
  void step() override { state_[0].buffer("velocity"); }
};

Tensor leaf(const nabla::Shape& shape) {
  return nabla::ones(shape).requires_grad_();
}

Tensor sum_of_first(const std::vector<Tensor>& in) {
  return nabla::sum(in[0]);
}

// ---- the triggers, one per row of docs/errors.md -----------------------------------------

struct Trigger {
  const char* id;
  std::function<void()> fn;
};

const std::vector<Trigger>& triggers() {
  static const std::vector<Trigger> all = {
      // tensors and factories
      {"tensor-ragged-number",
       [] {
         nabla::tensor({{1.0, 2.0}, 3.0});
       }},
      {"tensor-ragged-list",
       [] {
         nabla::tensor({1.0, {2.0}});
       }},
      {"tensor-ragged-length",
       [] {
         nabla::tensor({{1.0, 2.0}, {3.0}});
       }},
      {"tensor-count",
       [] {
         nabla::tensor({1.0, 2.0, 3.0}, {2, 2});
       }},
      {"shape-negative",
       [] {
         nabla::zeros({-1, 2});
       }},
      {"shape-overflow",
       [] {
         nabla::ones({k62, 4});
       }},
      {"shape-bytes", [] { nabla::zeros({k62}, nabla::f64); }},
      {"out-of-memory", [] { nabla::zeros({std::int64_t{1} << 50}); }},
      {"checked-mul", [] { nabla::checked_mul(k62, 4, "my_op", "rows"); }},
      {"arange-nonfinite", [] { nabla::arange(0.0, INFINITY); }},
      {"arange-step", [] { nabla::arange(0.0, 1.0, -0.5); }},
      {"arange-count", [] { nabla::arange(0.0, 1e300, 1e-300); }},
      {"generator-integer", [] { nabla::Generator().integer(0); }},
      {"tensor-undefined", [] { nabla::Tensor().shape(); }},
      {"size-axis",
       [] {
         nabla::zeros({2, 3}).size(2);
       }},
      {"size-0d", [] { nabla::scalar_tensor(1.0).size(0); }},
      {"item-numel", [] { nabla::zeros({2}).item<float>(); }},
      {"item-integer", [] { nabla::scalar_tensor(1e30, nabla::f64).item<int>(); }},
      {"data-dtype", [] { nabla::zeros({2}).data<double>(); }},
      {"requires-grad-non-leaf", [] { (leaf({2}) * 2.0).requires_grad_(); }},
      {"retain-grad", [] { nabla::zeros({2}).retain_grad(); }},
      {"set-grad", [] { leaf({2}).set_grad(nabla::zeros({3})); }},
      {"add-broadcast", [] { nabla::zeros({2}).add_(nabla::zeros({3})); }},
      {"copy-broadcast", [] { nabla::zeros({2}).copy_(nabla::zeros({3})); }},
      {"set-data-non-leaf", [] { (leaf({2}) * 2.0).set_data(nabla::zeros({2})); }},
      // shapes, dtypes and broadcasting
      {"undefined-input", [] { nabla::exp(nabla::Tensor()); }},
      {"dtype-mismatch", [] { nabla::add(nabla::zeros({2}), nabla::zeros({2}, nabla::f64)); }},
      {"not-floating",
       [] {
         nabla::exp(nabla::tensor({1, 2}, nabla::i64));
       }},
      {"sub-bool",
       [] { nabla::sub(nabla::tensor({1}, nabla::bool_), nabla::tensor({0}, nabla::bool_)); }},
      {"neg-bool", [] { nabla::neg(nabla::tensor({1}, nabla::bool_)); }},
      {"floor-bool", [] { nabla::floor(nabla::tensor({1}, nabla::bool_)); }},
      {"where-condition",
       [] {
         nabla::where(nabla::tensor({1.0, 0.0}), nabla::zeros({2}), nabla::ones({2}));
       }},
      {"masked-fill-mask",
       [] {
         nabla::masked_fill(nabla::zeros({2}), nabla::tensor({1, 0}, nabla::u8), 1.0);
       }},
      {"masked-fill-shape",
       [] {
         nabla::masked_fill(nabla::zeros({3}), nabla::zeros({2, 3}, nabla::bool_), 1.0);
       }},
      {"argmax-bool",
       [] {
         nabla::argmax(nabla::tensor({1, 0}, nabla::bool_), 0);
       }},
      {"broadcast",
       [] {
         nabla::add(nabla::zeros({2, 3}), nabla::zeros({4}));
       }},
      // elementwise
      {"clamp-bounds", [] { nabla::clamp(nabla::zeros({2}), 1.0, 0.0); }},
      // activations
      {"gelu-approximate", [] { nabla::gelu(nabla::zeros({2}), "erf"); }},
      {"celu-alpha", [] { nabla::celu(nabla::zeros({2}), 0.0); }},
      {"hardtanh-bounds", [] { nabla::hardtanh(nabla::zeros({2}), 1.0, 0.5); }},
      {"prelu-weight-rank", [] { nabla::prelu(nabla::zeros({2, 3}), nabla::zeros({3, 1})); }},
      {"prelu-weight-count", [] { nabla::prelu(nabla::zeros({2, 3}), nabla::zeros({2})); }},
      {"prelu-0d", [] { nabla::prelu(nabla::scalar_tensor(1.0), nabla::zeros({3})); }},
      {"glu-odd", [] { nabla::glu(nabla::zeros({2, 3})); }},
      {"glu-0d", [] { nabla::glu(nabla::scalar_tensor(1.0)); }},
      // matmul
      {"matmul-rank",
       [] {
         nabla::matmul(nabla::scalar_tensor(1.0), nabla::zeros({4}));
       }},
      {"matmul-batch",
       [] {
         nabla::matmul(nabla::zeros({2, 3, 4}), nabla::zeros({3, 4, 5}));
       }},
      {"matmul-inner",
       [] {
         nabla::matmul(nabla::zeros({2, 3}), nabla::zeros({4, 5}));
       }},
      {"mm-rank",
       [] {
         nabla::mm(nabla::zeros({3}), nabla::zeros({3, 2}));
       }},
      {"mm-inner",
       [] {
         nabla::mm(nabla::zeros({2, 3}), nabla::zeros({2, 3}));
       }},
      // reductions, softmax and logsumexp
      {"axis-range",
       [] {
         nabla::softmax(nabla::zeros({2, 3}), 2);
       }},
      {"axis-0d", [] { nabla::logsumexp(nabla::scalar_tensor(1.0), 0); }},
      {"axes-repeated",
       [] {
         nabla::sum(nabla::zeros({2, 3}), {1, -1});
       }},
      {"mean-integer",
       [] {
         nabla::mean(nabla::tensor({1, 2}, nabla::i64));
       }},
      {"set-num-threads",
       [] {
         nabla::set_num_threads(0);
       }},
      {"max-empty",
       [] {
         nabla::max(nabla::zeros({2, 0}), 1);
       }},
      // losses
      {"loss-shape", [] { nabla::mse_loss(nabla::zeros({2}), nabla::zeros({3})); }},
      {"bce-shape",
       [] { nabla::binary_cross_entropy_with_logits(nabla::zeros({2}), nabla::zeros({3})); }},
      {"cross-entropy-shape",
       [] {
         nabla::cross_entropy(nabla::zeros({2, 3}), nabla::zeros({3}));
       }},
      {"cross-entropy-target",
       [] {
         nabla::cross_entropy(nabla::zeros({2, 3}), nabla::tensor({0.0, 3.0}));
       }},
      {"cross-entropy-target-dtype",
       [] {
         nabla::cross_entropy(nabla::zeros({2, 3}), nabla::tensor({0, 1}, nabla::u8));
       }},
      // shape ops
      {"reshape-two-inferred",
       [] {
         nabla::reshape(nabla::zeros({6}), {-1, -1});
       }},
      {"reshape-negative",
       [] {
         nabla::reshape(nabla::zeros({6}), {-2, 3});
       }},
      {"reshape-infer",
       [] {
         nabla::reshape(nabla::zeros({6}), {4, -1});
       }},
      {"reshape-numel",
       [] {
         nabla::reshape(nabla::zeros({6}), {4, 2});
       }},
      {"permute-rank",
       [] {
         nabla::permute(nabla::zeros({2, 3}), {0});
       }},
      {"permute-repeated",
       [] {
         nabla::permute(nabla::zeros({2, 3}), {1, 1});
       }},
      {"transpose-rank",
       [] {
         nabla::transpose(nabla::zeros({2, 3, 4}));
       }},
      {"broadcast-to",
       [] {
         nabla::broadcast_to(nabla::zeros({3}), {2, 4});
       }},
      {"sum-to",
       [] {
         nabla::sum_to(nabla::zeros({2, 3}), {4});
       }},
      {"view-strides",
       [] {
         (void)nabla::zeros({3, 4}).t().view({12});
       }},
      {"narrow-past-end",
       [] {
         (void)nabla::zeros({2, 3}).narrow(1, 2, 2);
       }},
      {"narrow-start",
       [] {
         (void)nabla::zeros({2, 3}).narrow(1, 4, 0);
       }},
      {"narrow-length",
       [] {
         (void)nabla::zeros({2, 3}).narrow(1, 0, -1);
       }},
      {"select-index",
       [] {
         (void)nabla::zeros({2, 3}).select(1, 3);
       }},
      {"slice-step", [] { (void)nabla::zeros({4}).slice(0, 0, 4, 0); }},
      {"expand-non-1",
       [] {
         (void)nabla::zeros({2, 3}).expand({2, 4});
       }},
      {"expand-rank",
       [] {
         (void)nabla::zeros({2, 3}).expand({3});
       }},
      {"expand-new-axis",
       [] {
         (void)nabla::zeros({3}).expand({-1, 3});
       }},
      {"expand-negative", [] { (void)nabla::zeros({1}).expand({-2}); }},
      {"t-rank",
       [] {
         (void)nabla::zeros({2, 3, 4}).t();
       }},
      {"flatten-dims",
       [] {
         (void)nabla::zeros({2, 3, 4}).flatten(2, 1);
       }},
      {"unflatten-empty", [] { (void)nabla::zeros({6}).unflatten(0, {}); }},
      {"unflatten-numel", [] { (void)nabla::zeros({6}).unflatten(0, {4}); }},
      // autograd and the engine
      {"backward-no-grad", [] { nabla::sum(nabla::zeros({2})).backward(); }},
      {"post-hook-non-leaf",
       [] { (leaf({2}) * 2.0).register_post_accumulate_grad_hook([](Tensor&) {}); }},
      {"post-hook-no-grad",
       [] { nabla::zeros({2}).register_post_accumulate_grad_hook([](Tensor&) {}); }},
      {"queue-callback-outside", [] { nabla::queue_callback([] {}); }},
      {"backward-implied", [] { (leaf({2}) * 2.0).backward(); }},
      {"backward-grad-output", [] { (leaf({2}) * 2.0).backward(nabla::zeros({3})); }},
      {"backward-freed",
       [] {
         Tensor x = leaf({2});
         Tensor loss = nabla::sum(x * x);
         loss.backward();
         loss.backward();
       }},
      {"saved-modified",
       [] {
         Tensor x = leaf({2});
         Tensor loss = nabla::sum(x * x);
         {
           nabla::NoGradGuard no_grad;
           x.add_(nabla::ones({2}));
         }
         loss.backward();
       }},
      {"inplace-requires-grad", [] { leaf({2}).fill_(1.0); }},
      {"grad-unused",
       [] {
         Tensor x = leaf({2}), z = leaf({3});
         nabla::grad({nabla::sum(x)}, {x, z});
       }},
      {"grad-input-no-grad", [] { nabla::grad({nabla::sum(leaf({2}))}, {nabla::zeros({2})}); }},
      {"grad-no-inputs", [] { nabla::grad({nabla::sum(leaf({2}))}, {}); }},
      {"grad-no-outputs", [] { nabla::grad({}, {leaf({2})}); }},
      {"grad-undefined-output", [] { nabla::grad({Tensor()}, {leaf({2})}); }},
      {"grad-outputs-count",
       [] {
         Tensor x = leaf({2});
         nabla::grad({nabla::sum(x)}, {x}, {nabla::ones({}), nabla::ones({})});
       }},
      {"rule-count", [] { run_rule<TwoGradsNode>(); }},
      {"rule-shape", [] { run_rule<WrongShapeNode>(); }},
      {"rule-dtype", [] { run_rule<WrongDtypeNode>(); }},
      {"rule-saved-index", [] { run_rule<UnsavedNode>(); }},
      {"backward-concurrent",
       [] {
         Tensor x = leaf({2});
         Tensor a = x * 2.0;
         Tensor y = nabla::zeros({2});
         nabla::record<ReentrantNode>(y, {a})->other = a;
         nabla::sum(y).backward();
       }},
      {"backward-reentrant",
       [] {
         Tensor x = leaf({2});
         Tensor a = x * 2.0;
         Tensor y = nabla::zeros({2});
         auto node = nabla::record<ReentrantNode>(y, {a});
         node->other = a;
         node->other_thread = false;
         nabla::sum(y).backward();
       }},
      {"anomaly-forward",
       [] {
         nabla::DetectAnomalyGuard anomaly;
         nabla::log(nabla::zeros({2}));
       }},
      {"anomaly-backward",
       [] {
         nabla::DetectAnomalyGuard anomaly;
         Tensor x = nabla::zeros({2}).requires_grad_();
         nabla::sum(nabla::sqrt(x)).backward();
       }},
      {"to-dot-undefined", [] { nabla::to_dot(Tensor()); }},
      {"write-dot", [] { nabla::write_dot(nabla::ones({1}), "/nonexistent/graph.dot"); }},
      // gradcheck and the registry
      {"gradcheck-no-input",
       [] { nabla::gradcheck(nabla::Function(sum_of_first), {nabla::ones({2})}); }},
      {"gradcheck-undefined-input",
       [] { nabla::gradcheck(nabla::Function(sum_of_first), {Tensor()}); }},
      {"gradcheck-undefined-output",
       [] {
         nabla::gradcheck(nabla::Function([](const std::vector<Tensor>&) { return Tensor(); }),
                          {leaf({2})});
       }},
      {"sweep-unknown-op",
       [] {
         nabla::SweepOptions options;
         options.ops = {"nope"};
         nabla::sweep(options);
       }},
      {"register-no-name", [] { nabla::register_op({}); }},
      {"register-no-samples", [] { nabla::register_op({.name = "mine"}); }},
      {"register-taken",
       [] {
         nabla::register_op({.name = "add",
                             .fn = [](const std::vector<Tensor>& in) { return in[0]; },
                             .samples = [](nabla::Generator& g,
                                           nabla::Dtype d) { return nabla::unary_samples(g, d); }});
       }},
      // nn modules and init
      {"module-name-empty", [] { Net().register_parameter("", nabla::zeros({2})); }},
      {"module-name-dot", [] { Net().register_parameter("a.b", nabla::zeros({2})); }},
      {"module-name-taken",
       [] {
         Net net;
         net.register_parameter("w", nabla::zeros({2}));
         net.register_parameter("w", nabla::zeros({2}));
       }},
      {"parameter-undefined", [] { Net().register_parameter("w", Tensor()); }},
      {"parameter-non-leaf", [] { Net().register_parameter("w", leaf({2}) * 2.0); }},
      {"parameter-unknown", [] { Net().parameter("w"); }},
      {"submodule-null", [] { Net().register_module("child", std::shared_ptr<Net>()); }},
      {"submodule-self",
       [] {
         auto net = std::make_shared<Net>();
         net->register_module("me", net);
       }},
      {"module-no-forward", [] { Net().forward(nabla::ones({2})); }},
      {"load-state-dict",
       [] {
         nn::Linear(2, 3).load_state_dict({{"w", nabla::zeros({1})}});
       }},
      {"linear-features", [] { nn::Linear(0, 3); }},
      {"linear-out-of-memory", [] { nn::Linear(std::int64_t{1} << 24, std::int64_t{1} << 24); }},
      {"linear-undefined", [] { nn::Linear(2, 3).forward(Tensor()); }},
      {"linear-in-features",
       [] {
         nn::Linear(2, 3).forward(nabla::ones({4, 5}));
       }},
      {"linear-dtype",
       [] {
         nn::Linear(2, 3).forward(nabla::ones({4, 2}, nabla::f64));
       }},
      {"sequential-empty", [] { nn::Sequential().forward(nabla::ones({2})); }},
      {"sequential-index", [] { static_cast<void>(nn::Sequential(nn::Tanh())[1]); }},
      {"sequential-type", [] { nn::Sequential(nn::Tanh()).at<nn::Linear>(0); }},
      {"flatten-dim",
       [] {
         nn::Flatten(1, 3).forward(nabla::ones({2, 3}));
       }},
      {"flatten-order",
       [] {
         nn::Flatten(1, 0).forward(nabla::ones({2, 3}));
       }},
      {"dropout-p", [] { nn::Dropout(1.5); }},
      {"init-undefined",
       [] {
         Tensor t;
         nn::init::normal_(t);
       }},
      {"init-rank",
       [] {
         Tensor t = nabla::zeros({3});
         nn::init::xavier_uniform_(t);
       }},
      {"init-fans-rank", [] { nn::init::fans(nabla::zeros({3})); }},
      {"init-empty",
       [] {
         Tensor t = nabla::zeros({3, 0});
         nn::init::kaiming_uniform_(t);
       }},
      {"init-uniform",
       [] {
         Tensor t = nabla::zeros({3});
         nn::init::uniform_(t, 1.0, 0.0);
       }},
      {"init-normal",
       [] {
         Tensor t = nabla::zeros({3});
         nn::init::normal_(t, 0.0, -1.0);
       }},
      {"init-gain", [] { nn::init::calculate_gain(static_cast<nn::init::Nonlinearity>(99)); }},
      // convolution, pooling and normalization
      {"conv2d-groups",
       [] { nabla::conv2d(nabla::ones({1, 3, 5, 5}), nabla::ones({4, 1, 3, 3}), {}, 1, 0, 1, 2); }},
      {"conv2d-kernel-too-large",
       [] { nabla::conv2d(nabla::ones({1, 1, 2, 2}), nabla::ones({1, 1, 3, 3})); }},
      {"conv2d-same-stride",
       [] { nabla::conv2d(nabla::ones({1, 1, 5, 5}), nabla::ones({1, 1, 3, 3}), {}, 2, "same"); }},
      {"max-pool2d-padding", [] { nabla::max_pool2d(nabla::ones({1, 1, 4, 4}), 2, 2, 2); }},
      {"batch-norm-running-size",
       [] {
         nabla::batch_norm(nabla::ones({2, 3, 2, 2}), nabla::zeros({2}), nabla::ones({2}));
       }},
      {"batch-norm-one-value",
       [] {
         nabla::batch_norm(nabla::ones({1, 2}), Tensor(), Tensor(), Tensor(), Tensor(), true);
       }},
      {"group-norm-groups", [] { nabla::group_norm(nabla::ones({2, 4, 3}), 3); }},
      {"embedding-index",
       [] { nabla::embedding(nabla::tensor({0, 5}, nabla::i64), nabla::ones({4, 2})); }},
      {"nn-conv-groups", [] { nn::Conv2d(3, 4, 3, {.groups = 2}); }},
      {"nn-conv-channels", [] { nn::Conv2d(3, 4, 3)(nabla::ones({1, 2, 8, 8})); }},
      {"nn-conv-transpose-output-size",
       [] { nn::ConvTranspose2d(2, 3, 3, {.stride = 2}).forward(nabla::ones({1, 2, 4, 4}), 20); }},
      {"nn-batch-norm-rank", [] { nn::BatchNorm2d(2)(nabla::ones({2, 2, 3})); }},
      {"nn-batch-norm-channels", [] { nn::BatchNorm2d(2)(nabla::ones({2, 3, 2, 2})); }},
      {"nn-batch-norm-load",
       [] { nn::BatchNorm2d(3).load_state_dict(nn::BatchNorm2d(2).state_dict()); }},
      {"nn-group-norm-divisible", [] { nn::GroupNorm(3, 4); }},
      {"nn-embedding-padding-idx", [] { nn::Embedding(4, 2, {.padding_idx = 4}); }},
      {"nn-upsample-args", [] { nn::Upsample({}); }},
      {"nn-bilinear-one-input", [] { nn::Bilinear(2, 3, 4).forward(nabla::ones({1, 2})); }},
      // optimizers and schedulers
      {"optimizer-empty", [] { optim::SGD({}, {.lr = 0.1}); }},
      {"optimizer-undefined", [] { optim::SGD({Tensor()}, {.lr = 0.1}); }},
      {"optimizer-non-leaf", [] { optim::SGD({leaf({2}) * 2.0}, {.lr = 0.1}); }},
      {"optimizer-twice",
       [] {
         Tensor w = leaf({2});
         optim::SGD({w, w}, {.lr = 0.1});
       }},
      {"optimizer-option", [] { optim::SGD({leaf({2})}, {.lr = -0.1}); }},
      {"optimizer-set-lr",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         opt.set_lr(-1.0);
       }},
      {"optimizer-set-lr-infinite",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         opt.set_lr(std::numeric_limits<double>::infinity());
       }},
      {"sgd-dampening", [] { optim::SGD({leaf({2})}, {.lr = 0.1, .dampening = NAN}); }},
      {"sgd-nesterov", [] { optim::SGD({leaf({2})}, {.lr = 0.1, .nesterov = true}); }},
      {"adam-beta", [] { optim::Adam({leaf({2})}, {.beta1 = 1.0}); }},
      {"optimizer-state-layout",
       [] {
         nn::Linear m(3, 2);
         optim::Adam opt(m.parameters(), {.lr = 0.1});
         nabla::sum(m.forward(nabla::ones({1, 3}))).backward();
         opt.step();
         m.to(nabla::f64);
         nabla::sum(m.forward(nabla::ones({1, 3}, nabla::f64))).backward();
         opt.step();
       }},
      {"optimizer-load-state",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1, .momentum = 0.9});
         opt.load_state({{"param.0.step", nabla::scalar_tensor(1.5, nabla::f64)},
                         {"param.0.extra", nabla::zeros({2})}});
       }},
      {"optimizer-no-buffer", [] { ForgetfulOptimizer({leaf({2})}).step(); }},
      {"step-lr-step-size",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::StepLR(opt, 0);
       }},
      {"cosine-t-max",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::CosineAnnealingLR(opt, 0);
       }},
      {"clip-max-norm",
       [] {
         std::vector<Tensor> params{leaf({2})};
         optim::clip_grad_norm_(params, -1.0);
       }},
      {"optimizer-group-empty",
       [] { optim::SGD({{{leaf({2})}, {.lr = 0.1}}, {{}, {.lr = 0.1}}}); }},
      {"optimizer-group-option",
       [] { optim::SGD({{{leaf({2})}, {.lr = 0.1}}, {{leaf({2})}, {.lr = -1.0}}}); }},
      {"optimizer-group-range",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         opt.set_lr(1, 0.1);
       }},
      {"optimizer-unknown-option",
       [] {
         optim::Adam opt({leaf({2})});
         opt.set_option(0, "momentum", 0.9);
       }},
      {"rmsprop-alpha", [] { optim::RMSprop({leaf({2})}, {.alpha = -1.0}); }},
      {"adagrad-lr-decay", [] { optim::Adagrad({leaf({2})}, {.lr_decay = -1.0}); }},
      {"adadelta-rho", [] { optim::Adadelta({leaf({2})}, {.rho = 1.5}); }},
      {"adamax-beta", [] { optim::Adamax({leaf({2})}, {.beta2 = 1.0}); }},
      {"nadam-momentum-decay", [] { optim::NAdam({leaf({2})}, {.momentum_decay = -1.0}); }},
      {"radam-beta", [] { optim::RAdam({leaf({2})}, {.beta1 = -0.1}); }},
      {"lbfgs-max-iter", [] { optim::LBFGS({leaf({2})}, {.max_iter = 0}); }},
      {"lbfgs-max-eval", [] { optim::LBFGS({leaf({2})}, {.max_eval = -1}); }},
      {"lbfgs-history-size", [] { optim::LBFGS({leaf({2})}, {.history_size = 0}); }},
      {"lbfgs-line-search", [] { optim::LBFGS({leaf({2})}, {.line_search_fn = "armijo"}); }},
      {"lbfgs-no-closure", [] { optim::LBFGS({leaf({2})}).step(); }},
      {"lbfgs-empty-closure", [] { optim::LBFGS({leaf({2})}).step(std::function<double()>()); }},
      {"lbfgs-load-state",
       [] {
         optim::LBFGS opt({leaf({2})});
         auto state = opt.state();
         state.pop_back();
         opt.load_state(state);
       }},
      {"linear-lr-start",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::LinearLR(opt, 0.0);
       }},
      {"linear-lr-end",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::LinearLR(opt, 0.5, 1.5);
       }},
      {"linear-lr-total",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::LinearLR(opt, 0.5, 1.0, 0);
       }},
      {"multistep-milestone",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::MultiStepLR(opt, {2, -1});
       }},
      {"lambda-lr-empty",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::LambdaLR(opt, optim::LambdaLR::Lambda{});
       }},
      {"lambda-lr-count",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         auto f = [](std::int64_t) { return 1.0; };
         optim::LambdaLR(opt, std::vector<optim::LambdaLR::Lambda>{f, f});
       }},
      {"sequential-lr-empty",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::SequentialLR(opt, {}, {});
       }},
      {"sequential-lr-null",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::SequentialLR(opt, {nullptr}, {});
       }},
      {"sequential-lr-optimizer",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::SGD other({leaf({2})}, {.lr = 0.1});
         optim::StepLR s(other, 2);
         optim::SequentialLR(opt, {&s}, {});
       }},
      {"sequential-lr-count",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::StepLR s(opt, 2);
         optim::SequentialLR(opt, {&s}, {3});
       }},
      {"sequential-lr-milestones",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::StepLR a(opt, 2), b(opt, 2), c(opt, 2);
         optim::SequentialLR(opt, {&a, &b, &c}, {4, 4});
       }},
      {"one-cycle-steps",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1, .momentum = 0.9});
         optim::OneCycleLR(opt, {.max_lr = 0.1});
       }},
      {"one-cycle-total-steps",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1, .momentum = 0.9});
         optim::OneCycleLR(opt, {.max_lr = 0.1, .total_steps = -5});
       }},
      {"one-cycle-pct-start",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1, .momentum = 0.9});
         optim::OneCycleLR(opt, {.max_lr = 0.1, .total_steps = 10, .pct_start = 1.5});
       }},
      {"one-cycle-anneal",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1, .momentum = 0.9});
         optim::OneCycleLR(opt, {.max_lr = 0.1, .total_steps = 10, .anneal_strategy = "exp"});
       }},
      {"one-cycle-max-lrs",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1, .momentum = 0.9});
         optim::OneCycleLR(opt, {.max_lrs = {0.1, 0.2}, .total_steps = 10});
       }},
      {"one-cycle-momentum",
       [] {
         optim::Adagrad opt({leaf({2})});
         optim::OneCycleLR(opt, {.max_lr = 0.1, .total_steps = 10});
       }},
      {"one-cycle-past-end",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1, .momentum = 0.9});
         optim::OneCycleLR s(opt, {.max_lr = 0.1, .total_steps = 2});
         s.step();
         s.step();
         s.step();
       }},
      {"plateau-mode",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::ReduceLROnPlateau(opt, {.mode = "lowest"});
       }},
      {"plateau-threshold-mode",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::ReduceLROnPlateau(opt, {.threshold_mode = "percent"});
       }},
      {"plateau-factor",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::ReduceLROnPlateau(opt, {.factor = 1.0});
       }},
      {"plateau-patience",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::ReduceLROnPlateau(opt, {.patience = -1});
       }},
      {"plateau-min-lrs",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::ReduceLROnPlateau(opt, {.min_lrs = {0.0, 0.0}});
       }},
      {"plateau-load-state",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::ReduceLROnPlateau s(opt);
         s.load_state({{"best", nabla::scalar_tensor(1.0, nabla::f64)}});
       }},
      {"scheduler-load-state",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         optim::StepLR s(opt, 2);
         s.load_state({{"last_epoch", nabla::scalar_tensor(1.0, nabla::f64)},
                       {"epoch", nabla::scalar_tensor(1.0, nabla::f64)}});
       }},
      {"clip-norm-type",
       [] {
         std::vector<Tensor> params{leaf({2})};
         optim::clip_grad_norm_(params, 1.0, -2.0);
       }},
      {"clip-nonfinite",
       [] {
         Tensor w = leaf({2});
         w.set_grad(nabla::tensor({NAN, 1.0}));
         std::vector<Tensor> params{w};
         optim::clip_grad_norm_(params, 1.0, 2.0, true);
       }},
      {"clip-value",
       [] {
         std::vector<Tensor> params{leaf({2})};
         optim::clip_grad_value_(params, -1.0);
       }},
      // data
      {"dataset-first-axis",
       [] {
         data::TensorDataset(nabla::zeros({4, 2}), nabla::scalar_tensor(0.0));
       }},
      {"dataset-sizes",
       [] {
         data::TensorDataset(nabla::zeros({4, 2}), nabla::zeros({3}));
       }},
      {"loader-batch-size",
       [] {
         data::DataLoader({nabla::zeros({4, 2}), nabla::zeros({4})}, {.batch_size = 0});
       }},
      {"loader-batch",
       [] {
         data::DataLoader({nabla::zeros({4, 2}), nabla::zeros({4})}, {.batch_size = 2}).batch(2);
       }},
      {"loader-sampler-shuffle",
       [] {
         data::DataLoader({nabla::zeros({4, 2}), nabla::zeros({4})},
                          {.shuffle = true, .sampler = std::make_shared<data::SequentialSampler>(4)});
       }},
      {"subset-index",
       [] {
         data::Subset(std::make_shared<data::TensorDataset>(nabla::zeros({4, 2}), nabla::zeros({4})),
                      {1, 4});
       }},
      {"random-split-lengths",
       [] {
         nabla::Generator gen;
         data::random_split(
             std::make_shared<data::TensorDataset>(nabla::zeros({4, 2}), nabla::zeros({4})),
             std::vector<std::int64_t>{3, 2}, gen);
       }},
      {"weighted-sampler-replacement",
       [] { data::WeightedRandomSampler({1.0, 0.0}, 2, false); }},
      {"crop-window",
       [] {
         nabla::Generator gen;
         data::transforms::random_crop(6, 1)(nabla::zeros({2, 1, 3, 3}), gen);
       }},
      {"normalize-channels",
       [] {
         nabla::Generator gen;
         data::transforms::normalize({1, 2, 3}, {1, 1, 1})(nabla::zeros({1, 2, 2, 2}), gen);
       }},
      {"one-hot-labels",
       [] {
         data::one_hot(nabla::zeros({2, 2}), 3);
       }},
      {"one-hot-classes",
       [] {
         data::one_hot(nabla::tensor({0.0, 1.0}), 0);
       }},
      {"one-hot-label",
       [] {
         data::one_hot(nabla::tensor({0.0, 2.5}), 3);
       }},
      {"one-hot-bytes",
       [] {
         data::one_hot(nabla::tensor({0.0, 1.0, 2.0}), std::int64_t{1} << 61);
       }},
      {"one-hot-out-of-memory", [] { data::one_hot(nabla::tensor({0.0}), std::int64_t{1} << 50); }},
      {"scale-to-unit", [] { data::scale_to_unit(nabla::zeros({2}), 1.0, 1.0); }},
      {"idx-missing", [] { data::read_idx("/nonexistent/labels-idx1-ubyte"); }},
      {"idx-missing-fashion-mnist",
       [] { data::read_idx("/nonexistent/fashion-mnist/train-labels-idx1-ubyte.gz"); }},
      {"idx-directory", [] { data::read_idx(scratch_dir()); }},
      {"idx-device", [] { data::read_idx("/dev/null"); }},
      {"idx-magic", [] { data::read_idx(file_with("magic.idx", "\x01\x02\x08\x01")); }},
      {"idx-type",
       [] { data::read_idx(file_with("type.idx", idx_header(0x07, {1}) + std::string(1, '\0'))); }},
      {"idx-rank", [] { data::read_idx(file_with("rank.idx", idx_header(0x08, {}))); }},
      {"idx-truncated-header",
       [] { data::read_idx(file_with("dims.idx", idx_header(0x08, {3}).substr(0, 6))); }},
      {"idx-extents",
       [] {
         data::read_idx(
             file_with("extents.idx", idx_header(0x08, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF})));
       }},
      {"idx-bytes",
       [] {
         data::read_idx(file_with("bytes.idx", idx_header(0x0E, {1u << 31, 1u << 31})));
       }},
      {"idx-truncated",
       [] { data::read_idx(file_with("short.idx", idx_header(0x08, {3}) + "ab")); }},
      {"idx-trailing",
       [] { data::read_idx(file_with("long.idx", idx_header(0x08, {3}) + "abcde")); }},
      {"idx-gzip-short", [] { data::read_idx(file_with("short.idx.gz", "\x1f\x8b")); }},
      {"idx-gzip-ratio",
       [] { data::read_idx(gzip_file_with("ratio.idx.gz", idx_header(0x08, {0x7FFFFFFF}))); }},
      // 50000 zero bytes: more than zlib decodes at its first read, so the trailer is
      // reached only at the end.
      {"idx-gzip-size",
       [] {
         std::string gz = read_bytes(gzip_file_with("size.idx.gz", zeros_idx(50000)));
         set_isize(gz, 50007);  // one byte short of the 50008 the stream holds
         data::read_idx(file_with("size2.idx.gz", gz));
       }},
      {"idx-gzip-size-mod",
       [] {
         std::string gz = read_bytes(gzip_file_with("mod.idx.gz", zeros_idx(50000)));
         set_isize(gz, 0);  // smaller than the header
         data::read_idx(file_with("mod2.idx.gz", gz));
       }},
      {"idx-gzip-corrupt",
       [] {
         std::string gz = read_bytes(gzip_file_with("crc.idx.gz", zeros_idx(50000)));
         gz[gz.size() - 8] = static_cast<char>(gz[gz.size() - 8] ^ 0xFF);  // the CRC-32
         data::read_idx(file_with("crc2.idx.gz", gz));
       }},
      {"csv-missing", [] { data::read_csv("/nonexistent/table.csv"); }},
      {"csv-directory", [] { data::read_csv(scratch_dir()); }},
      {"csv-device", [] { data::read_csv("/dev/null"); }},
      {"csv-columns", [] { data::read_csv(file_with("columns.csv", "a,b\n1,2\n3\n")); }},
      {"csv-number", [] { data::read_csv(file_with("number.csv", "a,b\n1,x\n")); }},
      {"csv-range", [] { data::read_csv(file_with("range.csv", "a\n1e39\n")); }},
      // io
      {"save-empty-name",
       [] {
         nabla::save({{"", nabla::zeros({1})}}, scratch_dir() + "/s.safetensors");
       }},
      {"save-reserved-name",
       [] {
         nabla::save({{"__metadata__.x", nabla::zeros({1})}}, scratch_dir() + "/s.safetensors");
       }},
      {"save-utf8-name",
       [] {
         nabla::save({{"\xff", nabla::zeros({1})}}, scratch_dir() + "/s.safetensors");
       }},
      {"save-name-twice",
       [] {
         nabla::save({{"w", nabla::zeros({1})}, {"w", nabla::zeros({1})}},
                     scratch_dir() + "/s.safetensors");
       }},
      {"save-undefined",
       [] {
         nabla::save({{"w", Tensor()}}, scratch_dir() + "/s.safetensors");
       }},
      {"save-utf8-metadata",
       [] {
         nabla::save({{"w", nabla::zeros({1})}}, scratch_dir() + "/s.safetensors", {{"k", "\xff"}});
       }},
      {"save-cannot-write",
       [] {
         nabla::save({{"w", nabla::zeros({1})}}, "/nonexistent/model.safetensors");
       }},
      {"load-missing", [] { nabla::load("/nonexistent/model.safetensors"); }},
      {"load-not-regular", [] { nabla::load(scratch_dir()); }},
      {"load-too-short", [] { nabla::load(file_with("short.safetensors", "abc")); }},
      {"load-header-limit",
       [] { nabla::load(safetensors_with("limit.safetensors", "{}", "", 100'000'001)); }},
      {"load-header-length",
       [] { nabla::load(safetensors_with("length.safetensors", "", "", 50)); }},
      {"load-nesting",
       [] {
         nabla::load(
             safetensors_with("deep.safetensors", std::string(65, '[') + std::string(65, ']')));
       }},
      {"load-json", [] { nabla::load(safetensors_with("json.safetensors", "{")); }},
      {"load-not-object", [] { nabla::load(safetensors_with("array.safetensors", "[]")); }},
      {"load-name-twice",
       [] {
         const std::string e = R"({"dtype":"F32","shape":[0],"data_offsets":[0,0]})";
         nabla::load(safetensors_with("twice.safetensors", "{\"a\":" + e + ",\"a\":" + e + "}"));
       }},
      {"load-metadata-object",
       [] { nabla::load(safetensors_with("meta.safetensors", R"({"__metadata__":1})")); }},
      {"load-metadata-string",
       [] { nabla::load(safetensors_with("meta2.safetensors", R"({"__metadata__":{"k":1}})")); }},
      {"load-entry-object",
       [] { nabla::load(safetensors_with("entry.safetensors", R"({"a":1})")); }},
      {"load-entry-field",
       [] { nabla::load(safetensors_with("field.safetensors", R"({"a":{"dtype":"F32"}})")); }},
      {"load-dtype-string",
       [] { nabla::load(safetensors_with("dtype.safetensors", R"({"a":{"dtype":1}})")); }},
      {"load-dtype",
       [] { nabla::load(safetensors_with("bf16.safetensors", R"({"a":{"dtype":"BF16"}})")); }},
      {"load-shape-array",
       [] {
         nabla::load(safetensors_with("shape.safetensors", R"({"a":{"dtype":"F32","shape":3}})"));
       }},
      {"load-shape-extent",
       [] {
         nabla::load(
             safetensors_with("extent.safetensors", R"({"a":{"dtype":"F32","shape":[-1]}})"));
       }},
      {"load-shape-overflow",
       [] {
         nabla::load(safetensors_with(
             "overflow.safetensors",
             R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296]}})"));
       }},
      {"load-shape-bytes",
       [] {
         nabla::load(safetensors_with("huge.safetensors",
                                      R"({"a":{"dtype":"F64","shape":[2147483648,2147483648]}})"));
       }},
      {"load-offsets-form",
       [] {
         nabla::load(safetensors_with("form.safetensors",
                                      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})"));
       }},
      {"load-offsets-order",
       [] {
         nabla::load(safetensors_with("order.safetensors",
                                      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})",
                                      std::string(4, '\0')));
       }},
      {"load-offsets-outside",
       [] {
         nabla::load(safetensors_with("outside.safetensors",
                                      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})"));
       }},
      {"load-offsets-size",
       [] {
         nabla::load(safetensors_with("size.safetensors",
                                      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})",
                                      std::string(4, '\0')));
       }},
      {"load-gap",
       [] {
         nabla::load(safetensors_with("gap.safetensors",
                                      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                      std::string(8, '\0')));
       }},
      {"load-overlap",
       [] {
         nabla::load(safetensors_with("overlap.safetensors",
                                      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                      R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                      std::string(8, '\0')));
       }},
      {"load-trailing",
       [] {
         nabla::load(safetensors_with("trailing.safetensors",
                                      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                      std::string(8, '\0')));
       }},
      {"load-module-kind",
       [] {
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         const std::string path = scratch_dir() + "/sgd.safetensors";
         nabla::save(opt, path);
         nn::Linear model(2, 3);
         nabla::load(model, path);
       }},
      {"load-module-fit",
       [] {
         const std::string path = scratch_dir() + "/w.safetensors";
         nabla::save({{"w", nabla::zeros({1})}}, path);
         nn::Linear model(2, 3);
         nabla::load(model, path);
       }},
      {"load-optimizer-no-kind",
       [] {
         const std::string path = scratch_dir() + "/plain.safetensors";
         nabla::save({{"w", nabla::zeros({1})}}, path);
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         nabla::load(opt, path);
       }},
      {"load-optimizer-kind",
       [] {
         const std::string path = scratch_dir() + "/linear.safetensors";
         nabla::save(nn::Linear(2, 3), path);
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         nabla::load(opt, path);
       }},
      {"load-optimizer-no-name",
       [] {
         const std::string path = scratch_dir() + "/noname.safetensors";
         nabla::save({{"w", nabla::zeros({1})}}, path, {{"nabla.kind", "optimizer"}});
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         nabla::load(opt, path);
       }},
      {"load-optimizer-other",
       [] {
         const std::string path = scratch_dir() + "/adam.safetensors";
         nabla::save(optim::Adam({leaf({2})}), path);
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         nabla::load(opt, path);
       }},
      {"load-optimizer-no-lr",
       [] {
         const std::string path = scratch_dir() + "/nolr.safetensors";
         nabla::save({{"w", nabla::zeros({1})}}, path,
                     {{"nabla.kind", "optimizer"}, {"nabla.optimizer", "SGD"}});
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         nabla::load(opt, path);
       }},
      {"load-optimizer-lr",
       [] {
         const std::string path = scratch_dir() + "/badlr.safetensors";
         nabla::save(
             {{"w", nabla::zeros({1})}}, path,
             {{"nabla.kind", "optimizer"}, {"nabla.optimizer", "SGD"}, {"nabla.lr", "fast"}});
         optim::SGD opt({leaf({2})}, {.lr = 0.1});
         nabla::load(opt, path);
       }},
      {"load-optimizer-fit",
       [] {
         const std::string path = scratch_dir() + "/sgd1.safetensors";
         nabla::save(optim::SGD({leaf({2})}, {.lr = 0.1}), path);
         optim::SGD opt({leaf({2}), leaf({3})}, {.lr = 0.1});
         nabla::load(opt, path);
       }},
  };
  return all;
}

// ---- docs/errors.md ----------------------------------------------------------------------

struct Row {
  std::string id, type, message;
  int line = 0;
};

// The cells of a table row, split at the pipes that are not escaped as \|.
std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (line[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  cells.push_back(cell);
  for (auto& c : cells) {
    const auto b = c.find_first_not_of(' ');
    const auto e = c.find_last_not_of(' ');
    c = b == std::string::npos ? "" : c.substr(b, e - b + 1);
  }
  return cells;
}

// `text` → text; a cell that is not one code span is returned as it is.
std::string code_span(const std::string& cell) {
  if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`') {
    return cell.substr(1, cell.size() - 2);
  }
  return cell;
}

// The message column: a code span in which \n stands for a line break.
std::string message_of_cell(const std::string& cell) {
  const std::string text = code_span(cell);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Every catalogue row: the table lines whose first cell is a code span (the id).
std::vector<Row> catalogue() {
  std::ifstream in(std::string(NABLA_SOURCE_DIR) + "/docs/errors.md");
  EXPECT_TRUE(in) << "cannot read " << NABLA_SOURCE_DIR << "/docs/errors.md";
  std::vector<Row> rows;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.starts_with("| `")) continue;
    const auto cells = cells_of(line);  // "", id, call, type, message, ""
    EXPECT_EQ(cells.size(), 6u) << "docs/errors.md:" << n << " is not a 4-column row: " << line;
    if (cells.size() != 6) continue;
    rows.push_back({code_span(cells[1]), code_span(cells[3]), message_of_cell(cells[4]), n});
  }
  return rows;
}

// Whether `message` is `pattern`, where each <...> in the pattern stands for any text.
bool matches(const std::string& pattern, const std::string& message) {
  std::vector<std::string> pieces;  // the literal text between placeholders
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = pattern.find('<', pos);
    const std::size_t close = open == std::string::npos ? open : pattern.find('>', open);
    if (close == std::string::npos) {
      pieces.push_back(pattern.substr(pos));
      break;
    }
    pieces.push_back(pattern.substr(pos, open - pos));
    pos = close + 1;
  }
  if (pieces.size() == 1) return message == pieces[0];
  if (!message.starts_with(pieces.front()) || !message.ends_with(pieces.back())) return false;
  if (message.size() < pieces.front().size() + pieces.back().size()) return false;
  std::size_t at = pieces.front().size();
  const std::size_t end = message.size() - pieces.back().size();
  for (std::size_t i = 1; i + 1 < pieces.size(); ++i) {
    at = message.find(pieces[i], at);
    if (at == std::string::npos || at + pieces[i].size() > end) return false;
    at += pieces[i].size();
  }
  return true;
}

// The exception types the catalogue names, most derived first.
std::string type_name(const std::exception& e) {
  if (typeid(e) == typeid(nabla::OutOfMemoryError)) return "nabla::OutOfMemoryError";
  if (typeid(e) == typeid(std::bad_alloc)) return "std::bad_alloc";
  if (typeid(e) == typeid(std::invalid_argument)) return "std::invalid_argument";
  if (typeid(e) == typeid(std::out_of_range)) return "std::out_of_range";
  if (typeid(e) == typeid(std::logic_error)) return "std::logic_error";
  if (typeid(e) == typeid(std::runtime_error)) return "std::runtime_error";
  return std::string("unlisted type ") + typeid(e).name();
}

struct Outcome {
  bool threw = false;
  std::string type, message;
};

Outcome run(const Trigger& t) {
  try {
    t.fn();
  } catch (const std::exception& e) {
    return {true, type_name(e), e.what()};
  }
  return {};
}

TEST(Errors, EveryRowOfTheCatalogueHasATriggerAndEveryTriggerARow) {
  const std::vector<Row> rows = catalogue();
  std::set<std::string> documented, triggered;
  for (const Row& r : rows) {
    EXPECT_TRUE(documented.insert(r.id).second)
        << "docs/errors.md:" << r.line << ": id '" << r.id << "' appears twice";
  }
  for (const Trigger& t : triggers()) {
    EXPECT_TRUE(triggered.insert(t.id).second) << "trigger '" << t.id << "' appears twice";
  }
  for (const Row& r : rows) {
    EXPECT_TRUE(triggered.count(r.id)) << "docs/errors.md:" << r.line << ": row '" << r.id
                                       << "' has no trigger in tests/test_errors.cpp";
  }
  for (const Trigger& t : triggers()) {
    EXPECT_TRUE(documented.count(t.id)) << "trigger '" << t.id << "' has no row in docs/errors.md";
  }
  EXPECT_GT(rows.size(), 100u);  // the catalogue was read
}

TEST(Errors, EveryTriggerThrowsItsRowsTypeAndMessage) {
  std::map<std::string, Row> by_id;
  for (const Row& r : catalogue()) by_id.emplace(r.id, r);
  const bool print = std::getenv("NABLA_ERRORS_PRINT") != nullptr;
  for (const Trigger& t : triggers()) {
    const Outcome o = run(t);
    if (print) {
      std::string m;
      for (char c : o.message) m += c == '\n' ? std::string("\\n") : std::string(1, c);
      std::printf("| `%s` | | `%s` | `%s` |\n", t.id, o.type.c_str(), m.c_str());
    }
    auto it = by_id.find(t.id);
    if (it == by_id.end()) continue;  // reported by the test above
    const Row& r = it->second;
    SCOPED_TRACE("docs/errors.md:" + std::to_string(r.line) + ", row '" + r.id + "'");
    ASSERT_TRUE(o.threw) << "the trigger did not throw";
    EXPECT_EQ(o.type, r.type);
    EXPECT_TRUE(matches(r.message, o.message))
        << "message: " << o.message << "\nthe row says: " << r.message;
  }
  std::filesystem::remove_all(scratch_dir());  // the readers' files
}

TEST(Errors, PlaceholdersMatchAnyTextAndNothingElse) {
  EXPECT_TRUE(matches("nabla::load: '<path>': too short", "nabla::load: '/tmp/x': too short"));
  EXPECT_TRUE(matches("a <x> b <y> c", "a 1 b 2 c"));
  EXPECT_TRUE(matches("a <x>", "a "));
  EXPECT_FALSE(matches("a <x> b", "a 1 c"));
  EXPECT_FALSE(matches("exact", "exact!"));
  EXPECT_FALSE(matches("ab<x>ba", "aba"));  // the ends may not overlap
}

}  // namespace
