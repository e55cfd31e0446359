// nn: Module bookkeeping (named parameters, submodules, modes, state dicts, printing) and
// the layers of nn.hpp. Only the public Tensor and op API is used here.
#include "nabla/nn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "nabla/shape.hpp"

namespace nabla::nn {

// ---- Module ---------------------------------------------------------------------------

namespace {

// Throws unless `name` is a valid, unused name for a parameter or submodule (`what`) of
// the module called `type_name` with these parameters and children.
void check_new_name(const std::string& type_name, const NamedTensors& params,
                    const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children,
                    const char* what, const std::string& name) {
  if (name.empty()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: a {} needs a non-empty name", type_name, what));
  }
  if (name.find('.') != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: {} name '{}' contains '.', which separates qualified names",
                    type_name, what, name));
  }
  const bool taken =
      std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name; }) ||
      std::any_of(children.begin(), children.end(), [&](const auto& c) { return c.first == name; });
  if (taken) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: the name '{}' is already registered", type_name, name));
  }
}

}  // namespace

Module::Module(std::string type_name) : type_name_(std::move(type_name)) {}

Tensor Module::forward(const Tensor&) {
  throw std::logic_error(fmt::format(
      "nabla::nn::{}: this module has no forward(const Tensor&); override it, or call the "
      "module's own method",
      type_name_));
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor) {
  check_new_name(type_name_, params_, children_, "parameter", name);
  if (!tensor.defined()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: parameter '{}' is an undefined tensor", type_name_, name));
  }
  if (!tensor.is_leaf()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: parameter '{}' is the result of an op, not a leaf; register "
                    "t.detach() (a parameter is updated in place by optimizers)",
                    type_name_, name));
  }
  tensor.requires_grad_(true);
  // The qualified name doubles as the display name in graphs (to_dot), unless the user
  // named the tensor; add_child prefixes it when this module becomes a submodule. Names
  // are set here, at construction, so that const methods never write to the tensors.
  if (tensor.name().empty()) tensor.set_name(name);
  params_.emplace_back(name, tensor);
  return tensor;
}

const Tensor& Module::parameter(const std::string& name) const {
  for (const auto& [n, t] : params_) {
    if (n == name) return t;
  }
  throw std::out_of_range(fmt::format("nabla::nn::{}: no parameter called '{}'", type_name_, name));
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(type_name_, params_, children_, "submodule", name);
  if (!module) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: submodule '{}' is a null pointer", type_name_, name));
  }
  if (module.get() == this) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: a module cannot be its own submodule ('{}')", type_name_, name));
  }
  module->train(training_);
  NamedTensors inner;
  module->collect("", inner);
  for (auto& [qualified, t] : inner) {
    if (t.name() == qualified) t.set_name(name + "." + qualified);  // still the given name
  }
  children_.emplace_back(name, std::move(module));
}

void Module::collect(const std::string& prefix, NamedTensors& out) const {
  for (const auto& [name, t] : params_) out.emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  collect("", out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  NamedTensors named;
  collect("", named);
  std::vector<Tensor> out;
  out.reserve(named.size());
  for (auto& [name, t] : named) out.push_back(t);
  return out;
}

std::int64_t Module::num_parameters() const {
  std::int64_t n = 0;
  for (const Tensor& t : parameters()) n += t.numel();
  return n;
}

Module& Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
  return *this;
}

void Module::zero_grad() {
  for (Tensor& t : parameters()) t.zero_grad();
}

Module& Module::to(Dtype dtype) {
  for (auto& [name, t] : params_) {
    if (t.dtype() != dtype) t.set_data(t.detach().to(dtype));
  }
  for (auto& [name, child] : children_) child->to(dtype);
  return *this;
}

NamedTensors Module::state_dict() const {
  NamedTensors out;
  collect("", out);
  for (auto& [name, t] : out) t = t.detach();
  return out;
}

void Module::load_state_dict(const NamedTensors& state) {
  NamedTensors own;
  collect("", own);
  std::map<std::string, const Tensor*> given;
  std::vector<std::string> duplicated;
  for (const auto& [name, t] : state) {
    if (!given.emplace(name, &t).second) duplicated.push_back(name);
  }
  std::vector<std::string> missing, mis_shaped, undefined;
  for (const auto& [name, t] : own) {
    auto it = given.find(name);
    if (it == given.end()) {
      missing.push_back(name);
    } else if (!it->second->defined()) {
      undefined.push_back(name);
    } else if (it->second->shape() != t.shape()) {
      mis_shaped.push_back(fmt::format("{} (model {}, given {})", name, shape_str(t.shape()),
                                       shape_str(it->second->shape())));
    }
    if (it != given.end()) given.erase(it);
  }
  std::vector<std::string> unexpected;
  for (const auto& [name, t] : given) unexpected.push_back(name);
  if (!missing.empty() || !unexpected.empty() || !mis_shaped.empty() || !undefined.empty() ||
      !duplicated.empty()) {
    std::string msg = fmt::format(
        "nabla::nn::{}::load_state_dict: the state does not match the model's {} parameters; "
        "nothing was loaded",
        type_name_, own.size());
    if (!missing.empty()) msg += fmt::format("\n  missing: {}", fmt::join(missing, ", "));
    if (!unexpected.empty()) msg += fmt::format("\n  unexpected: {}", fmt::join(unexpected, ", "));
    if (!mis_shaped.empty()) msg += fmt::format("\n  wrong shape: {}", fmt::join(mis_shaped, ", "));
    if (!undefined.empty())
      msg += fmt::format("\n  undefined tensor: {}", fmt::join(undefined, ", "));
    if (!duplicated.empty()) msg += fmt::format("\n  given twice: {}", fmt::join(duplicated, ", "));
    throw std::invalid_argument(msg);
  }
  std::map<std::string, const Tensor*> by_name;
  for (const auto& [name, t] : state) by_name.emplace(name, &t);
  NoGradGuard no_grad;
  for (auto& [name, t] : own) t.copy_(*by_name.at(name));
}

namespace {

void print_module(std::ostream& os, const Module& m, int indent) {
  os << m.type_name() << '(' << m.extra_repr();
  if (m.named_children().empty()) {
    os << ')';
    return;
  }
  os << '\n';
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  for (const auto& [name, child] : m.named_children()) {
    os << pad << '(' << name << "): ";
    print_module(os, *child, indent + 2);
    os << '\n';
  }
  os << std::string(static_cast<std::size_t>(indent), ' ') << ')';
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Module& m) {
  print_module(os, m, 0);
  return os;
}

std::string to_string(const Module& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

// ---- Linear ---------------------------------------------------------------------------

Linear::Linear(std::int64_t in_features, std::int64_t out_features, bool bias, LayerOptions options)
    : Module("Linear"), in_(in_features), out_(out_features), has_bias_(bias) {
  if (in_features < 1 || out_features < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::Linear: in_features and out_features must be ≥ 1, got {} and {}",
                    in_features, out_features));
  }
  shape_numel({out_features, in_features}, "nn::Linear");  // the weight's size, checked
  Tensor w;
  try {
    w = empty({out_features, in_features}, options.dtype);
  } catch (const OutOfMemoryError& e) {
    throw OutOfMemoryError(fmt::format("nabla::nn::Linear({}, {}): the weight does not fit: {}",
                                       in_features, out_features, e.what()));
  }
  // torch.nn.Linear.reset_parameters: kaiming_uniform_(a = √5) for the weight, which is
  // U(±1/√fan_in), and the same bound for the bias; weight drawn first, then bias.
  init::kaiming_uniform_(w, std::sqrt(5.0), init::FanMode::fan_in, init::Nonlinearity::leaky_relu,
                         options.generator);
  register_parameter("weight", w);
  if (bias) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
    Tensor b = empty({out_features}, options.dtype);
    init::uniform_(b, -bound, bound, options.generator);
    register_parameter("bias", b);
  }
}

Tensor Linear::bias() const {
  return has_bias_ ? parameter("bias") : Tensor();
}

Tensor Linear::forward(const Tensor& x) {
  if (!x.defined()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::Linear({}→{}): the input is an undefined tensor", in_, out_));
  }
  const Shape& s = x.shape();
  if (s.empty() || s.back() != in_) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::Linear({0}→{1}): the input's last dimension must be in_features = {0}, "
        "got shape {2}",
        in_, out_, shape_str(s)));
  }
  const Tensor& w = weight();
  if (x.dtype() != w.dtype()) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::Linear({}→{}): the input is {} but the layer's parameters are {}; convert "
        "the input with x.to(...) or the model with model.to(...)",
        in_, out_, dtype_name(x.dtype()), dtype_name(w.dtype())));
  }
  // [..., in] → [rows, in]: the product is one gemm with the weight transposed by flag.
  const bool is_matrix = s.size() == 2;
  const std::int64_t rows = x.numel() / in_;
  const Tensor x2 = is_matrix ? x : reshape(x, {rows, in_});
  Tensor y = mm(x2, w, false, true);  // [rows, out] = [rows, in] · [out, in]ᵀ
  if (has_bias_) y = add(y, bias());  // bias [out] broadcasts over the rows
  if (is_matrix) return y;
  Shape out_shape = s;
  out_shape.back() = out_;
  return reshape(y, out_shape);
}

std::string Linear::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, bias={}", in_, out_, has_bias_);
}

// ---- Sequential -----------------------------------------------------------------------

void Sequential::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(size()), std::move(module));
}

Tensor Sequential::forward(const Tensor& x) {
  if (size() == 0) {
    throw std::logic_error("nabla::nn::Sequential: forward on an empty Sequential");
  }
  Tensor y = x;
  for (const auto& [name, m] : named_children()) y = m->forward(y);
  return y;
}

Module& Sequential::operator[](std::size_t i) const {
  if (i >= size()) {
    throw std::out_of_range(
        fmt::format("nabla::nn::Sequential: index {} out of range (size {})", i, size()));
  }
  return *named_children()[i].second;
}

void Sequential::throw_wrong_type(std::size_t i) const {
  throw std::invalid_argument(
      fmt::format("nabla::nn::Sequential: module {} is a {}, not the type asked for", i,
                  (*this)[i].type_name()));
}

// ---- Flatten --------------------------------------------------------------------------

Flatten::Flatten(std::int64_t start_dim, std::int64_t end_dim)
    : Module("Flatten"), start_(start_dim), end_(end_dim) {}

Tensor Flatten::forward(const Tensor& x) {
  const Shape& s = x.shape();
  const auto rank = static_cast<std::int64_t>(s.size());
  auto resolve = [&](std::int64_t d, const char* which) {
    const std::int64_t r = d < 0 ? d + rank : d;
    if (r < 0 || r >= rank) {
      throw std::invalid_argument(fmt::format(
          "nabla::nn::Flatten: {} {} is out of range for an input of shape {} (rank {})", which, d,
          shape_str(s), rank));
    }
    return r;
  };
  const std::int64_t a = resolve(start_, "start_dim");
  const std::int64_t b = resolve(end_, "end_dim");
  if (a > b) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::Flatten: start_dim {} comes after end_dim {} for an input of shape {}", start_,
        end_, shape_str(s)));
  }
  Shape out(s.begin(), s.begin() + a);
  std::int64_t merged = 1;
  for (std::int64_t d = a; d <= b; ++d) merged *= s[static_cast<std::size_t>(d)];
  out.push_back(merged);
  out.insert(out.end(), s.begin() + b + 1, s.end());
  return out == s ? x : reshape(x, out);
}

std::string Flatten::extra_repr() const {
  return fmt::format("start_dim={}, end_dim={}", start_, end_);
}

std::string Softmax::extra_repr() const {
  return fmt::format("dim={}", dim_);
}

std::string LogSoftmax::extra_repr() const {
  return fmt::format("dim={}", dim_);
}

// ---- Dropout --------------------------------------------------------------------------

Dropout::Dropout(double p, Generator* generator) : Module("Dropout"), p_(p), generator_(generator) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(fmt::format("nabla::nn::Dropout: p must be in [0, 1], got {}", p));
  }
}

Tensor Dropout::forward(const Tensor& x) {
  if (!is_training() || p_ == 0.0) return x;
  // Inverted dropout: keep each element with probability 1 − p and scale it by 1/(1 − p),
  // as a constant mask (no gradient flows into the mask).
  Generator& gen = generator_ != nullptr ? *generator_ : default_generator();
  const double keep = p_ == 1.0 ? 0.0 : 1.0 / (1.0 - p_);
  Tensor mask = empty(x.shape(), x.dtype());
  auto fill = [&](auto* m) {
    using T = std::remove_pointer_t<decltype(m)>;
    gen.locked([&](Generator::Unlocked& g) {
      for (std::int64_t i = 0; i < mask.numel(); ++i) {
        m[i] = g.uniform() < p_ ? T(0) : static_cast<T>(keep);
      }
    });
  };
  if (x.dtype() == f32) {
    fill(mask.mutable_data<float>());
  } else {
    fill(mask.mutable_data<double>());
  }
  return mul(x, mask);
}

std::string Dropout::extra_repr() const {
  return fmt::format("p={}", p_);
}

}  // namespace nabla::nn

// ---- init -----------------------------------------------------------------------------

namespace nabla::nn::init {

namespace {

Generator& pick(Generator* gen) {
  return gen != nullptr ? *gen : default_generator();
}

void check_tensor(const Tensor& t, const char* fn) {
  if (!t.defined()) {
    throw std::invalid_argument(fmt::format("nabla::nn::init::{}: the tensor is undefined", fn));
  }
}

// Fills t with values drawn by `draw`, in row-major order, without recording on the graph.
template <class Draw>
Tensor& fill_with(Tensor& t, Generator& gen, Draw draw) {
  std::vector<double> values(static_cast<std::size_t>(t.numel()));
  gen.locked([&](Generator::Unlocked& g) {
    for (double& v : values) v = draw(g);
  });
  NoGradGuard no_grad;
  t.copy_(tensor(values, t.shape(), t.dtype()));
  return t;
}

double fan_of(const Tensor& t, FanMode mode, const char* fn) {
  if (t.dim() < 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::{}: fan in and fan out need a tensor of rank ≥ 2, got shape {}", fn,
        shape_str(t.shape())));
  }
  const auto [in, out] = fans(t);
  if ((mode == FanMode::fan_in ? in : out) == 0) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::init::{}: the tensor of shape {} has no elements to initialize", fn,
                    shape_str(t.shape())));
  }
  return static_cast<double>(mode == FanMode::fan_in ? in : out);
}

}  // namespace

double calculate_gain(Nonlinearity nonlinearity, std::optional<double> param) {
  switch (nonlinearity) {
    case Nonlinearity::linear:
    case Nonlinearity::sigmoid:
      return 1.0;
    case Nonlinearity::tanh:
      return 5.0 / 3.0;
    case Nonlinearity::relu:
      return std::sqrt(2.0);
    case Nonlinearity::leaky_relu: {
      const double a = param.value_or(0.01);
      return std::sqrt(2.0 / (1.0 + a * a));
    }
  }
  throw std::invalid_argument(fmt::format(
      "nabla::nn::init::calculate_gain: unknown nonlinearity {}", static_cast<int>(nonlinearity)));
}

std::pair<std::int64_t, std::int64_t> fans(const Tensor& t) {
  check_tensor(t, "fans");
  if (t.dim() < 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::fans: fan in and fan out need a tensor of rank ≥ 2, got shape {}",
        shape_str(t.shape())));
  }
  std::int64_t receptive = 1;
  for (std::int64_t d = 2; d < t.dim(); ++d) receptive *= t.size(d);
  return {t.size(1) * receptive, t.size(0) * receptive};
}

Tensor& uniform_(Tensor& t, double a, double b, Generator* gen) {
  check_tensor(t, "uniform_");
  if (!(a <= b) || !std::isfinite(a) || !std::isfinite(b)) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::init::uniform_: need finite a ≤ b, got a = {}, b = {}", a, b));
  }
  return fill_with(t, pick(gen), [&](Generator::Unlocked& g) { return a + (b - a) * g.uniform(); });
}

Tensor& normal_(Tensor& t, double mean, double std, Generator* gen) {
  check_tensor(t, "normal_");
  if (!(std >= 0.0) || !std::isfinite(std) || !std::isfinite(mean)) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::init::normal_: need a finite mean and std ≥ 0, got mean = {}, std = {}", mean,
        std));
  }
  return fill_with(t, pick(gen), [&](Generator::Unlocked& g) { return mean + std * g.normal(); });
}

Tensor& constant_(Tensor& t, double value) {
  check_tensor(t, "constant_");
  NoGradGuard no_grad;
  t.fill_(value);
  return t;
}

Tensor& zeros_(Tensor& t) {
  return constant_(t, 0.0);
}

Tensor& ones_(Tensor& t) {
  return constant_(t, 1.0);
}

Tensor& xavier_uniform_(Tensor& t, double gain, Generator* gen) {
  check_tensor(t, "xavier_uniform_");
  const double fan_sum = fan_of(t, FanMode::fan_in, "xavier_uniform_") +
                         fan_of(t, FanMode::fan_out, "xavier_uniform_");
  const double bound = gain * std::sqrt(6.0 / fan_sum);
  return uniform_(t, -bound, bound, gen);
}

Tensor& xavier_normal_(Tensor& t, double gain, Generator* gen) {
  check_tensor(t, "xavier_normal_");
  const double fan_sum =
      fan_of(t, FanMode::fan_in, "xavier_normal_") + fan_of(t, FanMode::fan_out, "xavier_normal_");
  return normal_(t, 0.0, gain * std::sqrt(2.0 / fan_sum), gen);
}

Tensor& kaiming_uniform_(Tensor& t, double a, FanMode mode, Nonlinearity nonlinearity,
                         Generator* gen) {
  check_tensor(t, "kaiming_uniform_");
  const double fan = fan_of(t, mode, "kaiming_uniform_");
  const double bound = calculate_gain(nonlinearity, a) * std::sqrt(3.0 / fan);
  return uniform_(t, -bound, bound, gen);
}

Tensor& kaiming_normal_(Tensor& t, double a, FanMode mode, Nonlinearity nonlinearity,
                        Generator* gen) {
  check_tensor(t, "kaiming_normal_");
  const double fan = fan_of(t, mode, "kaiming_normal_");
  return normal_(t, 0.0, calculate_gain(nonlinearity, a) / std::sqrt(fan), gen);
}

}  // namespace nabla::nn::init
