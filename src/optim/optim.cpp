// Optimizers, learning-rate schedules and gradient clipping, written with the public
// Tensor and op API only (elementwise updates read and write contiguous copies through
// data()/mutable_data(), then write the parameter back with copy_). Every update runs under a
// NoGradGuard and writes parameters with the in-place methods, which bump the version counters.

#include "nabla/optim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <span>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "nabla/ops.hpp"
#include "nabla/shape.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace nabla::optim {

namespace {

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// `!(v >= 0)` also rejects NaN.
void check_non_negative(const std::string& who, const char* option, double v) {
  // An infinite lr (or momentum, decay, ...) would turn every parameter into NaN.
  if (!(v >= 0.0) || !std::isfinite(v))
    throw std::invalid_argument("nabla::optim::" + who + ": invalid " + option + " " + num(v) +
                                " (must be finite and >= 0)");
}

void check_beta(const std::string& who, const char* option, double v) {
  if (!(v >= 0.0 && v < 1.0))
    throw std::invalid_argument("nabla::optim::" + who + ": invalid " + option + " " + num(v) +
                                " (must be in [0, 1))");
}

std::string entry_name(std::size_t i, const std::string& buffer) {
  return "param." + std::to_string(i) + "." + buffer;
}

std::string group_entry_name(std::size_t g, const std::string& option) {
  return "group." + std::to_string(g) + "." + option;
}

struct AdamScalars {
  double beta1, beta2, eps, bias_correction2_sqrt;
};

// While alive, this thread's SSE unit flushes subnormal results to zero and reads
// subnormal inputs as zero (MXCSR's FTZ and DAZ bits), as torch.set_flush_denormal(True)
// does; the previous mode comes back at the end. The optimizers' element loops run under
// it: a moment buffer whose gradient has gone to zero decays geometrically (0.9ⁿ for
// Adam's exp_avg) through the subnormal range, where every operation costs a microcode
// assist; measured, the VAE example's epochs went from 2.6 s to 10 s once its first
// layer's unused weights got there. Values under 1.2e-38 (float32) become 0: the update
// differs from PyTorch's only below that.
class FlushSubnormals {
 public:
#if defined(__x86_64__) || defined(__i386__)
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }  // FTZ | DAZ
  ~FlushSubnormals() { _mm_setcsr(saved_); }
#else
  FlushSubnormals() = default;
#endif
  FlushSubnormals(const FlushSubnormals&) = delete;
  FlushSubnormals& operator=(const FlushSubnormals&) = delete;

 private:
#if defined(__x86_64__) || defined(__i386__)
  unsigned saved_;
#endif
};

// Adam's moments and step direction for one parameter, in one pass over its elements:
//   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,   v_max ← max(v_max, v) (amsgrad),
//   update = m / (√v / √(1 − β₂ᵗ) + eps)   (eps after the bias-corrected root, as PyTorch).
// The caller scales update by −lr/(1 − β₁ᵗ). m, v and v_max are optimizer state that no
// graph holds, so writing them through mutable_data is safe.
template <class T>
void adam_moments(const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq, Tensor* max_exp_avg_sq,
                  Tensor& update, const AdamScalars& s) {
  const T* g = grad.data<T>();
  T* m = exp_avg.mutable_data<T>();
  T* v = exp_avg_sq.mutable_data<T>();
  T* v_max = max_exp_avg_sq != nullptr ? max_exp_avg_sq->mutable_data<T>() : nullptr;
  T* out = update.mutable_data<T>();
  const T b1 = static_cast<T>(s.beta1), c1 = static_cast<T>(1.0 - s.beta1);
  const T b2 = static_cast<T>(s.beta2), c2 = static_cast<T>(1.0 - s.beta2);
  const T eps = static_cast<T>(s.eps);
  const T inv_bc2 = static_cast<T>(1.0 / s.bias_correction2_sqrt);
  const std::int64_t n = grad.numel();
  const FlushSubnormals flush;
  if (v_max == nullptr) {
    for (std::int64_t i = 0; i < n; ++i) {
      m[i] = b1 * m[i] + c1 * g[i];
      v[i] = b2 * v[i] + c2 * g[i] * g[i];
      out[i] = m[i] / (std::sqrt(v[i]) * inv_bc2 + eps);
    }
  } else {
    for (std::int64_t i = 0; i < n; ++i) {
      m[i] = b1 * m[i] + c1 * g[i];
      v[i] = b2 * v[i] + c2 * g[i] * g[i];
      v_max[i] = std::max(v_max[i], v[i]);
      out[i] = m[i] / (std::sqrt(v_max[i]) * inv_bc2 + eps);
    }
  }
}

// A parameter's values, updated element by element: calls fn(x, g, n) with x (T*) a
// contiguous copy of the parameter, which fn overwrites with the new values, and g (const
// T*) its gradient, T the parameter's dtype; then writes x back with copy_, which bumps the
// version counter. Buffers are contiguous (zeros of the parameter's shape), so fn indexes
// them as x.
template <class F>
void update_elements(Tensor& p, const Tensor& grad, F&& fn) {
  Tensor x = p.detach().clone();
  Tensor g = grad.detach();
  if (g.dtype() != p.dtype()) g = g.to(p.dtype());
  g = g.contiguous();
  const FlushSubnormals flush;
  switch (p.dtype()) {
    case f64:
      fn(x.mutable_data<double>(), g.data<double>(), p.numel());
      break;
    case f32:
      fn(x.mutable_data<float>(), g.data<float>(), p.numel());
      break;
    case i64:
    case i32:
    case u8:
    case bool_:
      throw std::logic_error("nabla::optim: parameter of dtype " +
                             std::string(dtype_name(p.dtype())) + " (only float32 and float64)");
  }
  p.copy_(x);
}

}  // namespace

// ---- Optimizer ------------------------------------------------------------------------

double Optimizer::Group::option(const std::string& name) const {
  for (const auto& [n, v] : options)
    if (n == name) return v;
  std::string known;
  for (const auto& [n, v] : options) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("nabla::optim: no option '" + name + "' (this optimizer has " +
                              known + ")");
}

bool Optimizer::Group::has_option(const std::string& name) const {
  for (const auto& [n, v] : options)
    if (n == name) return true;
  return false;
}

Optimizer::Optimizer(std::vector<Tensor> params, double lr, std::string name)
    : Optimizer(std::vector<Group>{Group{std::move(params), Options{{"lr", lr}}}},
                std::move(name)) {}

Optimizer::Optimizer(std::vector<Group> groups, std::string name)
    : groups_(std::move(groups)), name_(std::move(name)) {
  if (groups_.empty())
    throw std::invalid_argument("nabla::optim::" + name_ + ": got an empty parameter list");
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    if (groups_[g].params.empty())
      throw std::invalid_argument(
          "nabla::optim::" + name_ +
          (groups_.size() == 1 ? std::string(": got an empty parameter list")
                               : ": param group " + std::to_string(g) + " has no parameters"));
    for (const Tensor& p : groups_[g].params) params_.push_back(p);
  }
  state_.resize(params_.size());
  initial_lr_.assign(groups_.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (!params_[i].defined())
      throw std::invalid_argument("nabla::optim::" + name_ + ": parameter " + std::to_string(i) +
                                  " is undefined");
    if (!params_[i].is_leaf())
      throw std::invalid_argument("nabla::optim::" + name_ + ": parameter " + std::to_string(i) +
                                  " is not a leaf (an optimizer can only update leaves)");
    for (std::size_t j = 0; j < i; ++j)
      if (params_[j].is_same(params_[i]))
        throw std::invalid_argument("nabla::optim::" + name_ + ": parameter " + std::to_string(i) +
                                    " is the same tensor as parameter " + std::to_string(j) +
                                    " (it would be updated twice per step)");
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) Optimizer::validate(who(g), groups_[g].options);
}

std::string Optimizer::who(std::size_t group) const {
  return groups_.size() == 1 ? name_ : name_ + " param group " + std::to_string(group);
}

std::size_t Optimizer::first_param(std::size_t group) const {
  std::size_t i = 0;
  for (std::size_t g = 0; g < group; ++g) i += groups_[g].params.size();
  return i;
}

void Optimizer::validate(const std::string& who, const Options& options) const {
  for (const auto& [n, v] : options)
    if (n == "lr") check_non_negative(who, "lr", v);
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

double Optimizer::lr(std::size_t group) const {
  if (group >= groups_.size())
    throw std::out_of_range("nabla::optim::" + name_ + ": no param group " + std::to_string(group) +
                            " (it has " + std::to_string(groups_.size()) + ")");
  return groups_[group].option("lr");
}

void Optimizer::set_lr(double lr) {
  check_non_negative(name_ + "::set_lr", "lr", lr);
  for (std::size_t g = 0; g < groups_.size(); ++g) set_lr(g, lr);
}

void Optimizer::set_lr(std::size_t group, double lr) {
  check_non_negative(name_ + "::set_lr", "lr", lr);
  set_option(group, "lr", lr);
}

double Optimizer::option(std::size_t group, const std::string& name) const {
  (void)lr(group);  // range check
  if (!groups_[group].has_option(name)) {
    try {
      (void)groups_[group].option(name);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("nabla::optim::" + name_ +
                                  std::string(e.what()).substr(std::string("nabla::optim").size()));
    }
  }
  return groups_[group].option(name);
}

void Optimizer::set_option(std::size_t group, const std::string& name, double value) {
  (void)lr(group);
  Options changed = groups_[group].options;
  bool found = false;
  for (auto& [n, v] : changed)
    if (n == name) v = value, found = true;
  if (!found) (void)option(group, name);  // throws naming the known options
  validate(who(group), changed);
  groups_[group].options = std::move(changed);
}

Tensor& Optimizer::ParamState::buffer(const std::string& name) {
  for (auto& [n, t] : buffers)
    if (n == name) return t;
  throw std::logic_error("nabla::optim::Optimizer::ParamState::buffer: no buffer named '" + name +
                         "' (an optimizer adds its buffers with add_buffer in its constructor)");
}

double& Optimizer::ParamState::scalar(const std::string& name) {
  for (auto& [n, v] : scalars)
    if (n == name) return v;
  throw std::logic_error("nabla::optim::Optimizer::ParamState::scalar: no scalar named '" + name +
                         "'");
}

void Optimizer::add_buffer(std::size_t group, const std::string& name, double value) {
  const std::size_t begin = first_param(group);
  NoGradGuard no_grad;
  for (std::size_t i = begin; i < begin + groups_[group].params.size(); ++i) {
    ParamState& st = state_[i];
    bool has = false;
    for (const auto& [n, t] : st.buffers) has = has || n == name;
    if (has) continue;
    Tensor buf = zeros_like(params_[i].detach());
    if (value != 0.0) buf.fill_(value);
    st.buffers.emplace_back(name, buf);
    st.initial[name] = value;
  }
}

void Optimizer::add_scalar(std::size_t group, const std::string& name, double value) {
  const std::size_t begin = first_param(group);
  for (std::size_t i = begin; i < begin + groups_[group].params.size(); ++i)
    state_[i].scalars.emplace_back(name, value);
}

void Optimizer::check_state(std::size_t i) {
  const Tensor& p = params_[i];
  ParamState& st = state_[i];
  for (auto& [name, buf] : st.buffers) {
    if (buf.shape() == p.shape() && buf.dtype() == p.dtype()) continue;
    if (st.step == 0) {
      NoGradGuard no_grad;
      buf = zeros_like(p.detach());
      if (st.initial[name] != 0.0) buf.fill_(st.initial[name]);
      continue;
    }
    throw std::logic_error(fmt::format(
        "nabla::optim::{}::step: parameter {}{} is now {} {}, but its state '{}' was made for {} "
        "{} and has seen {} steps: the model changed (model.to(...)?) after the optimizer "
        "stepped. Build the optimizer after converting the model, or load a matching state",
        name_, i, p.name().empty() ? "" : fmt::format(" ('{}')", p.name()), dtype_name(p.dtype()),
        shape_str(p.shape()), name, dtype_name(buf.dtype()), shape_str(buf.shape()), st.step));
  }
}

StateList Optimizer::state() const {
  NoGradGuard no_grad;
  StateList out;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back(entry_name(i, "step"),
                     scalar_tensor(static_cast<double>(state_[i].step), f64));
    for (const auto& [name, t] : state_[i].buffers)
      out.emplace_back(entry_name(i, name), t.clone());
    for (const auto& [name, v] : state_[i].scalars)
      out.emplace_back(entry_name(i, name), scalar_tensor(v, f64));
  }
  for (std::size_t g = 0; g < groups_.size(); ++g)
    for (const auto& [name, v] : groups_[g].options)
      out.emplace_back(group_entry_name(g, name), scalar_tensor(v, f64));
  return out;
}

void Optimizer::load_state(const StateList& state) {
  // Expected names and shapes, from the current state. Group entries are expected only
  // when the state has some (states written before groups had none).
  bool with_groups = false;
  for (const auto& [name, t] : state) with_groups = with_groups || name.rfind("group.", 0) == 0;
  std::map<std::string, Shape> expected;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    expected.emplace(entry_name(i, "step"), Shape{});
    for (const auto& [name, t] : state_[i].buffers)
      expected.emplace(entry_name(i, name), t.shape());
    for (const auto& [name, v] : state_[i].scalars) expected.emplace(entry_name(i, name), Shape{});
  }
  if (with_groups)
    for (std::size_t g = 0; g < groups_.size(); ++g)
      for (const auto& [name, v] : groups_[g].options)
        expected.emplace(group_entry_name(g, name), Shape{});
  std::vector<std::string> extra, mismatched;
  std::map<std::string, const Tensor*> given;
  for (const auto& [name, t] : state) {
    auto it = expected.find(name);
    if (it == expected.end()) {
      extra.push_back(name);
      continue;
    }
    if (given.count(name)) {
      mismatched.push_back(name + " (given twice)");
      continue;
    }
    given.emplace(name, &t);
    if (!t.defined()) {
      mismatched.push_back(name + " (undefined tensor)");
    } else if (t.shape() != it->second) {
      mismatched.push_back(name + " (expected shape " + shape_str(it->second) + ", got " +
                           shape_str(t.shape()) + ")");
    } else if (name.size() >= 5 && name.compare(name.size() - 5, 5, ".step") == 0) {
      const double s = t.item<double>();
      if (!(s >= 0.0) || s != std::floor(s) || s > 9.0e15)
        mismatched.push_back(name + " (step " + num(s) + " is not a non-negative integer)");
    }
  }
  std::vector<std::string> missing;
  for (const auto& [name, shape] : expected)
    if (!given.count(name)) missing.push_back(name);
  // The loaded group options must pass the constructor's checks.
  std::vector<Options> new_options;
  if (with_groups && missing.empty() && mismatched.empty()) {
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      Options o = groups_[g].options;
      for (auto& [name, v] : o) v = given.at(group_entry_name(g, name))->item<double>();
      try {
        validate(who(g), o);
      } catch (const std::invalid_argument& e) {
        mismatched.push_back(group_entry_name(g, "*") + " (" + e.what() + ")");
      }
      new_options.push_back(std::move(o));
    }
  }
  if (!missing.empty() || !extra.empty() || !mismatched.empty()) {
    std::string msg =
        "nabla::optim::" + name_ + "::load_state: the state does not fit this optimizer";
    auto list = [&msg](const char* what, const std::vector<std::string>& names) {
      if (names.empty()) return;
      msg += std::string("; ") + what + ":";
      for (const auto& n : names) msg += " " + n;
    };
    list("missing", missing);
    list("extra", extra);
    list("mismatched", mismatched);
    throw std::invalid_argument(msg);
  }
  NoGradGuard no_grad;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    state_[i].step = static_cast<std::int64_t>(given.at(entry_name(i, "step"))->item<double>());
    for (auto& [name, t] : state_[i].buffers) t.copy_(given.at(entry_name(i, name))->detach());
    for (auto& [name, v] : state_[i].scalars) v = given.at(entry_name(i, name))->item<double>();
  }
  for (std::size_t g = 0; g < new_options.size(); ++g) groups_[g].options = new_options[g];
}

// ---- SGD ------------------------------------------------------------------------------

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : SGD(std::vector<ParamGroup<SGDOptions>>{{std::move(params), options}}) {}

SGD::SGD(std::vector<ParamGroup<SGDOptions>> groups) : OptimizerWith(std::move(groups), "SGD") {
  validate_all();
  for (std::size_t g = 0; g < groups_.size(); ++g)
    if (options(g).momentum != 0.0) add_buffer(g, "momentum_buffer");
}

void SGD::check(const std::string& who, const SGDOptions& o) const {
  check_non_negative(who, "momentum", o.momentum);
  check_non_negative(who, "weight_decay", o.weight_decay);
  if (std::isnan(o.dampening))
    throw std::invalid_argument("nabla::optim::" + who + ": invalid dampening " + num(o.dampening));
  if (o.nesterov && (o.momentum <= 0.0 || o.dampening != 0.0))
    throw std::invalid_argument("nabla::optim::" + who +
                                ": nesterov momentum requires momentum > 0 and dampening 0 (got "
                                "momentum " +
                                num(o.momentum) + ", dampening " + num(o.dampening) + ")");
}

void SGD::step() {
  NoGradGuard no_grad;
  std::size_t i = 0;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    const SGDOptions o = options(gi);
    // A schedule (OneCycleLR) may have turned momentum on after construction.
    if (o.momentum != 0.0) add_buffer(gi, "momentum_buffer");
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      Tensor& p = params_[i];
      const Tensor grad = p.grad();
      if (!grad.defined()) continue;
      check_state(i);
      ParamState& st = state_[i];
      Tensor g = grad.detach();  // aliases the stored gradient: never written below
      if (o.weight_decay != 0.0) {
        g = g.clone();
        g.add_(p, o.weight_decay);  // g + wd·p
      }
      if (o.momentum != 0.0) {
        Tensor& buf = st.buffer("momentum_buffer");
        if (st.step == 0) {
          buf.copy_(g);  // b = g on the first step
        } else {
          buf.mul_(o.momentum);
          buf.add_(g, 1.0 - o.dampening);  // b = μ·b + (1 − τ)·g
        }
        if (o.nesterov) {
          g = g.clone();
          g.add_(buf, o.momentum);  // g + μ·b
        } else {
          g = buf;
        }
      }
      ++st.step;
      p.add_(g, -o.lr);
    }
  }
}

// ---- Adam and AdamW -------------------------------------------------------------------

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Adam(std::vector<ParamGroup<AdamOptions>>{{std::move(params), options}}) {}

Adam::Adam(std::vector<ParamGroup<AdamOptions>> groups) : Adam(std::move(groups), "Adam", false) {}

Adam::Adam(std::vector<ParamGroup<AdamOptions>> groups, std::string name,
           bool decoupled_weight_decay)
    : OptimizerWith(std::move(groups), std::move(name)), decoupled_(decoupled_weight_decay) {
  validate_all();
  add_buffer("exp_avg");
  add_buffer("exp_avg_sq");
  for (std::size_t g = 0; g < groups_.size(); ++g)
    if (options(g).amsgrad) add_buffer(g, "max_exp_avg_sq");
}

void Adam::check(const std::string& who, const AdamOptions& o) const {
  check_non_negative(who, "eps", o.eps);
  check_non_negative(who, "weight_decay", o.weight_decay);
  check_beta(who, "beta1", o.beta1);
  check_beta(who, "beta2", o.beta2);
}

void Adam::step() {
  NoGradGuard no_grad;
  std::size_t i = 0;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    const AdamOptions o = options(gi);
    if (o.amsgrad) add_buffer(gi, "max_exp_avg_sq");
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      Tensor& p = params_[i];
      const Tensor grad = p.grad();
      if (!grad.defined()) continue;
      check_state(i);
      ParamState& st = state_[i];
      Tensor g = grad.detach();  // aliases the stored gradient: never written below
      if (o.weight_decay != 0.0) {
        if (decoupled_) {
          p.mul_(1.0 - o.lr * o.weight_decay);  // AdamW: p·(1 − lr·wd), apart from the moments
        } else {
          g = g.clone();
          g.add_(p, o.weight_decay);  // Adam: L2 penalty folded into the gradient
        }
      }
      g = g.contiguous();
      ++st.step;
      const auto t = static_cast<double>(st.step);
      const AdamScalars scalars{o.beta1, o.beta2, o.eps, std::sqrt(1.0 - std::pow(o.beta2, t))};
      Tensor& m = st.buffer("exp_avg");
      Tensor& v = st.buffer("exp_avg_sq");
      Tensor* v_max = o.amsgrad ? &st.buffer("max_exp_avg_sq") : nullptr;
      // One pass updates both moments and writes m̂/(√v̂ + eps) into `update`; p then moves
      // by add_, which bumps its version counter like any in-place change.
      Tensor update = empty(p.shape(), p.dtype());
      if (p.dtype() == f32) {
        adam_moments<float>(g, m, v, v_max, update, scalars);
      } else {
        adam_moments<double>(g, m, v, v_max, update, scalars);
      }
      p.add_(update, -o.lr / (1.0 - std::pow(o.beta1, t)));
    }
  }
}

namespace {
std::vector<ParamGroup<AdamOptions>> adam_groups(std::vector<ParamGroup<AdamWOptions>> groups) {
  std::vector<ParamGroup<AdamOptions>> out;
  for (auto& g : groups) {
    const AdamWOptions& o = g.options;
    out.push_back({std::move(g.params),
                   AdamOptions{o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.amsgrad}});
  }
  return out;
}
}  // namespace

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : AdamW(std::vector<ParamGroup<AdamWOptions>>{{std::move(params), options}}) {}

AdamW::AdamW(std::vector<ParamGroup<AdamWOptions>> groups)
    : Adam(adam_groups(std::move(groups)), "AdamW", true) {}

// ---- Adamax, NAdam, RAdam --------------------------------------------------------------

namespace {
void check_adam_like(const std::string& who, double eps, double weight_decay, double beta1,
                     double beta2) {
  check_non_negative(who, "eps", eps);
  check_non_negative(who, "weight_decay", weight_decay);
  check_beta(who, "beta1", beta1);
  check_beta(who, "beta2", beta2);
}
}  // namespace

Adamax::Adamax(std::vector<Tensor> params, const AdamaxOptions& options)
    : Adamax(std::vector<ParamGroup<AdamaxOptions>>{{std::move(params), options}}) {}

Adamax::Adamax(std::vector<ParamGroup<AdamaxOptions>> groups)
    : OptimizerWith(std::move(groups), "Adamax") {
  validate_all();
  add_buffer("exp_avg");
  add_buffer("exp_inf");
}

void Adamax::check(const std::string& who, const AdamaxOptions& o) const {
  check_adam_like(who, o.eps, o.weight_decay, o.beta1, o.beta2);
}

void Adamax::step() {
  NoGradGuard no_grad;
  std::size_t i = 0;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    const AdamaxOptions o = options(gi);
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      Tensor& p = params_[i];
      const Tensor grad = p.grad();
      if (!grad.defined()) continue;
      check_state(i);
      ParamState& st = state_[i];
      ++st.step;
      const double clr = o.lr / (1.0 - std::pow(o.beta1, static_cast<double>(st.step)));
      update_elements(p, grad, [&](auto* x, const auto* g, std::int64_t n) {
        using T = std::remove_pointer_t<decltype(x)>;
        T* m = st.buffer("exp_avg").mutable_data<T>();
        T* u = st.buffer("exp_inf").mutable_data<T>();
        const T b1 = T(o.beta1), c1 = T(1.0 - o.beta1), b2 = T(o.beta2), eps = T(o.eps),
                wd = T(o.weight_decay), a = T(-clr);
        for (std::int64_t j = 0; j < n; ++j) {
          const T gj = o.weight_decay != 0.0 ? g[j] + wd * x[j] : g[j];
          m[j] = m[j] * b1 + c1 * gj;
          u[j] = std::max(u[j] * b2, std::abs(gj) + eps);
          x[j] = x[j] + a * m[j] / u[j];
        }
      });
    }
  }
}

NAdam::NAdam(std::vector<Tensor> params, const NAdamOptions& options)
    : NAdam(std::vector<ParamGroup<NAdamOptions>>{{std::move(params), options}}) {}

NAdam::NAdam(std::vector<ParamGroup<NAdamOptions>> groups)
    : OptimizerWith(std::move(groups), "NAdam") {
  validate_all();
  for (std::size_t g = 0; g < groups_.size(); ++g) add_scalar(g, "mu_product", 1.0);
  add_buffer("exp_avg");
  add_buffer("exp_avg_sq");
}

void NAdam::check(const std::string& who, const NAdamOptions& o) const {
  check_adam_like(who, o.eps, o.weight_decay, o.beta1, o.beta2);
  check_non_negative(who, "momentum_decay", o.momentum_decay);
}

void NAdam::step() {
  NoGradGuard no_grad;
  std::size_t i = 0;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    const NAdamOptions o = options(gi);
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      Tensor& p = params_[i];
      const Tensor grad = p.grad();
      if (!grad.defined()) continue;
      check_state(i);
      ParamState& st = state_[i];
      ++st.step;
      const auto t = static_cast<double>(st.step);
      const double bias_correction2 = 1.0 - std::pow(o.beta2, t);
      const double mu = o.beta1 * (1.0 - 0.5 * std::pow(0.96, t * o.momentum_decay));
      const double mu_next = o.beta1 * (1.0 - 0.5 * std::pow(0.96, (t + 1.0) * o.momentum_decay));
      // torch keeps mu_product in a tensor of the default dtype; nabla keeps it in double
      // (torch's values with torch.set_default_dtype(torch.float64)).
      double& mu_product = st.scalar("mu_product");
      mu_product *= mu;
      const double product_next = mu_product * mu * mu_next;  // torch 1.13: Πₜ·μₜ·μₜ₊₁
      const double a1 = -o.lr * (1.0 - mu) / (1.0 - mu_product);
      const double a2 = -o.lr * mu_next / (1.0 - product_next);
      update_elements(p, grad, [&](auto* x, const auto* g, std::int64_t n) {
        using T = std::remove_pointer_t<decltype(x)>;
        T* m = st.buffer("exp_avg").mutable_data<T>();
        T* v = st.buffer("exp_avg_sq").mutable_data<T>();
        const T b1 = T(o.beta1), c1 = T(1.0 - o.beta1), b2 = T(o.beta2), c2 = T(1.0 - o.beta2),
                eps = T(o.eps), wd = T(o.weight_decay), bc2 = T(bias_correction2);
        for (std::int64_t j = 0; j < n; ++j) {
          const T gj = o.weight_decay != 0.0 ? g[j] + wd * x[j] : g[j];
          m[j] = m[j] * b1 + c1 * gj;
          v[j] = v[j] * b2 + c2 * gj * gj;
          const T denom = std::sqrt(v[j] / bc2) + eps;
          x[j] = x[j] + T(a1) * gj / denom;
          x[j] = x[j] + T(a2) * m[j] / denom;
        }
      });
    }
  }
}

RAdam::RAdam(std::vector<Tensor> params, const RAdamOptions& options)
    : RAdam(std::vector<ParamGroup<RAdamOptions>>{{std::move(params), options}}) {}

RAdam::RAdam(std::vector<ParamGroup<RAdamOptions>> groups)
    : OptimizerWith(std::move(groups), "RAdam") {
  validate_all();
  add_buffer("exp_avg");
  add_buffer("exp_avg_sq");
}

void RAdam::check(const std::string& who, const RAdamOptions& o) const {
  check_adam_like(who, o.eps, o.weight_decay, o.beta1, o.beta2);
}

void RAdam::step() {
  NoGradGuard no_grad;
  std::size_t i = 0;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    const RAdamOptions o = options(gi);
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      Tensor& p = params_[i];
      const Tensor grad = p.grad();
      if (!grad.defined()) continue;
      check_state(i);
      ParamState& st = state_[i];
      ++st.step;
      const auto t = static_cast<double>(st.step);
      const double bc1 = 1.0 - std::pow(o.beta1, t);
      const double bc2 = 1.0 - std::pow(o.beta2, t);
      const double rho_inf = 2.0 / (1.0 - o.beta2) - 1.0;
      const double rho_t = rho_inf - 2.0 * t * std::pow(o.beta2, t) / bc2;
      const bool rectify = rho_t > 5.0;
      const double rect = rectify ? std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf /
                                              ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                                  : 0.0;
      update_elements(p, grad, [&](auto* x, const auto* g, std::int64_t n) {
        using T = std::remove_pointer_t<decltype(x)>;
        T* m = st.buffer("exp_avg").mutable_data<T>();
        T* v = st.buffer("exp_avg_sq").mutable_data<T>();
        const T b1 = T(o.beta1), c1 = T(1.0 - o.beta1), b2 = T(o.beta2), c2 = T(1.0 - o.beta2),
                eps = T(o.eps), wd = T(o.weight_decay), lr = T(o.lr);
        for (std::int64_t j = 0; j < n; ++j) {
          const T gj = o.weight_decay != 0.0 ? g[j] + wd * x[j] : g[j];
          m[j] = m[j] * b1 + c1 * gj;
          v[j] = v[j] * b2 + c2 * gj * gj;
          const T m_hat = m[j] / T(bc1);
          if (rectify) {
            const T adaptive = T(std::sqrt(bc2)) / (std::sqrt(v[j]) + eps);
            x[j] = x[j] - m_hat * lr * adaptive * T(rect);
          } else {
            x[j] = x[j] - m_hat * lr;
          }
        }
      });
    }
  }
}

// ---- RMSprop, Adagrad, Adadelta --------------------------------------------------------

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& options)
    : RMSprop(std::vector<ParamGroup<RMSpropOptions>>{{std::move(params), options}}) {}

RMSprop::RMSprop(std::vector<ParamGroup<RMSpropOptions>> groups)
    : OptimizerWith(std::move(groups), "RMSprop") {
  validate_all();
  add_buffer("square_avg");
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    if (options(g).momentum > 0.0) add_buffer(g, "momentum_buffer");
    if (options(g).centered) add_buffer(g, "grad_avg");
  }
}

void RMSprop::check(const std::string& who, const RMSpropOptions& o) const {
  check_non_negative(who, "alpha", o.alpha);
  check_non_negative(who, "eps", o.eps);
  check_non_negative(who, "weight_decay", o.weight_decay);
  check_non_negative(who, "momentum", o.momentum);
}

void RMSprop::step() {
  NoGradGuard no_grad;
  std::size_t i = 0;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    const RMSpropOptions o = options(gi);
    if (o.momentum > 0.0) add_buffer(gi, "momentum_buffer");
    if (o.centered) add_buffer(gi, "grad_avg");
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      Tensor& p = params_[i];
      const Tensor grad = p.grad();
      if (!grad.defined()) continue;
      check_state(i);
      ParamState& st = state_[i];
      ++st.step;
      update_elements(p, grad, [&](auto* x, const auto* g, std::int64_t n) {
        using T = std::remove_pointer_t<decltype(x)>;
        T* v = st.buffer("square_avg").mutable_data<T>();
        T* ga = o.centered ? st.buffer("grad_avg").mutable_data<T>() : nullptr;
        T* b = o.momentum > 0.0 ? st.buffer("momentum_buffer").mutable_data<T>() : nullptr;
        const T alpha = T(o.alpha), c = T(1.0 - o.alpha), eps = T(o.eps), wd = T(o.weight_decay),
                mom = T(o.momentum), a = T(-o.lr);
        for (std::int64_t j = 0; j < n; ++j) {
          const T gj = o.weight_decay != 0.0 ? g[j] + wd * x[j] : g[j];
          v[j] = v[j] * alpha + c * gj * gj;
          T avg;
          if (ga != nullptr) {
            ga[j] = ga[j] * alpha + c * gj;
            avg = std::sqrt(v[j] - ga[j] * ga[j]) + eps;
          } else {
            avg = std::sqrt(v[j]) + eps;
          }
          if (b != nullptr) {
            b[j] = b[j] * mom + gj / avg;
            x[j] = x[j] + a * b[j];
          } else {
            x[j] = x[j] + a * gj / avg;
          }
        }
      });
    }
  }
}

Adagrad::Adagrad(std::vector<Tensor> params, const AdagradOptions& options)
    : Adagrad(std::vector<ParamGroup<AdagradOptions>>{{std::move(params), options}}) {}

Adagrad::Adagrad(std::vector<ParamGroup<AdagradOptions>> groups)
    : OptimizerWith(std::move(groups), "Adagrad") {
  validate_all();
  for (std::size_t g = 0; g < groups_.size(); ++g)
    add_buffer(g, "sum", options(g).initial_accumulator_value);
}

void Adagrad::check(const std::string& who, const AdagradOptions& o) const {
  check_non_negative(who, "lr_decay", o.lr_decay);
  check_non_negative(who, "weight_decay", o.weight_decay);
  check_non_negative(who, "initial_accumulator_value", o.initial_accumulator_value);
  check_non_negative(who, "eps", o.eps);
}

void Adagrad::step() {
  NoGradGuard no_grad;
  std::size_t i = 0;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    const AdagradOptions o = options(gi);
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      Tensor& p = params_[i];
      const Tensor grad = p.grad();
      if (!grad.defined()) continue;
      check_state(i);
      ParamState& st = state_[i];
      ++st.step;
      const double clr = o.lr / (1.0 + static_cast<double>(st.step - 1) * o.lr_decay);
      update_elements(p, grad, [&](auto* x, const auto* g, std::int64_t n) {
        using T = std::remove_pointer_t<decltype(x)>;
        T* s = st.buffer("sum").mutable_data<T>();
        const T eps = T(o.eps), wd = T(o.weight_decay), a = T(-clr);
        for (std::int64_t j = 0; j < n; ++j) {
          const T gj = o.weight_decay != 0.0 ? g[j] + wd * x[j] : g[j];
          s[j] = s[j] + gj * gj;
          x[j] = x[j] + a * gj / (std::sqrt(s[j]) + eps);
        }
      });
    }
  }
}

Adadelta::Adadelta(std::vector<Tensor> params, const AdadeltaOptions& options)
    : Adadelta(std::vector<ParamGroup<AdadeltaOptions>>{{std::move(params), options}}) {}

Adadelta::Adadelta(std::vector<ParamGroup<AdadeltaOptions>> groups)
    : OptimizerWith(std::move(groups), "Adadelta") {
  validate_all();
  add_buffer("square_avg");
  add_buffer("acc_delta");
}

void Adadelta::check(const std::string& who, const AdadeltaOptions& o) const {
  if (!(o.rho >= 0.0 && o.rho <= 1.0))
    throw std::invalid_argument("nabla::optim::" + who + ": invalid rho " + num(o.rho) +
                                " (must be in [0, 1])");
  check_non_negative(who, "eps", o.eps);
  check_non_negative(who, "weight_decay", o.weight_decay);
}

void Adadelta::step() {
  NoGradGuard no_grad;
  std::size_t i = 0;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    const AdadeltaOptions o = options(gi);
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      Tensor& p = params_[i];
      const Tensor grad = p.grad();
      if (!grad.defined()) continue;
      check_state(i);
      ParamState& st = state_[i];
      ++st.step;
      update_elements(p, grad, [&](auto* x, const auto* g, std::int64_t n) {
        using T = std::remove_pointer_t<decltype(x)>;
        T* v = st.buffer("square_avg").mutable_data<T>();
        T* u = st.buffer("acc_delta").mutable_data<T>();
        const T rho = T(o.rho), c = T(1.0 - o.rho), eps = T(o.eps), wd = T(o.weight_decay),
                a = T(-o.lr);
        for (std::int64_t j = 0; j < n; ++j) {
          const T gj = o.weight_decay != 0.0 ? g[j] + wd * x[j] : g[j];
          v[j] = v[j] * rho + c * gj * gj;
          const T std_j = std::sqrt(v[j] + eps);
          const T delta = std::sqrt(u[j] + eps) / std_j * gj;
          u[j] = u[j] * rho + c * delta * delta;
          x[j] = x[j] + a * delta;
        }
      });
    }
  }
}

// ---- LBFGS ----------------------------------------------------------------------------

namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double max_abs(const std::vector<double>& a) {
  double m = 0.0;
  for (double v : a) m = std::max(m, std::abs(v));
  return m;
}

// Minimum of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clamped to the
// bounds (default: the interval between x1 and x2); the bounds' middle when it has none.
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         const double* bounds = nullptr) {
  double lo = x1 <= x2 ? x1 : x2, hi = x1 <= x2 ? x2 : x1;
  if (bounds != nullptr) lo = bounds[0], hi = bounds[1];
  const double d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
  const double d2_square = d1 * d1 - g1 * g2;
  if (d2_square >= 0.0) {
    const double d2 = std::sqrt(d2_square);
    const double min_pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
                                    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2));
    return std::min(std::max(min_pos, lo), hi);
  }
  return (lo + hi) / 2.0;
}

struct LineSearchResult {
  double f;
  std::vector<double> g;
  double t;
  std::int64_t evals;
};

// torch.optim.lbfgs._strong_wolfe, line for line (c1 1e-4, c2 0.9, tolerance_change 1e-9,
// 25 evaluations at most: torch's defaults, which LBFGS does not override).
template <class Obj>
LineSearchResult strong_wolfe(Obj&& obj, double t, const std::vector<double>& d, double f,
                              const std::vector<double>& g, double gtd) {
  constexpr double c1 = 1e-4, c2 = 0.9, tolerance_change = 1e-9;
  constexpr std::int64_t max_ls = 25;
  const double d_norm = max_abs(d);
  auto [f_new, g_new] = obj(t);
  std::int64_t evals = 1;
  double gtd_new = dot(g_new, d);
  double t_prev = 0.0, f_prev = f, gtd_prev = gtd;
  std::vector<double> g_prev = g;
  bool done = false;
  std::int64_t ls_iter = 0;
  double bracket[2] = {0, 0}, bracket_f[2] = {0, 0}, bracket_gtd[2] = {0, 0};
  std::vector<double> bracket_g[2];
  int n = 0;
  while (ls_iter < max_ls) {
    auto bracket_two = [&] {
      bracket[0] = t_prev, bracket[1] = t;
      bracket_f[0] = f_prev, bracket_f[1] = f_new;
      bracket_g[0] = g_prev, bracket_g[1] = g_new;
      bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new;
      n = 2;
    };
    if (f_new > f + c1 * t * gtd || (ls_iter > 1 && f_new >= f_prev)) {
      bracket_two();
      break;
    }
    if (std::abs(gtd_new) <= -c2 * gtd) {
      bracket[0] = t, bracket_f[0] = f_new, bracket_g[0] = g_new, n = 1;
      done = true;
      break;
    }
    if (gtd_new >= 0.0) {
      bracket_two();
      break;
    }
    const double bounds[2] = {t + 0.01 * (t - t_prev), t * 10.0};
    const double tmp = t;
    t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds);
    t_prev = tmp;
    f_prev = f_new;
    g_prev = g_new;
    gtd_prev = gtd_new;
    std::tie(f_new, g_new) = obj(t);
    ++evals;
    gtd_new = dot(g_new, d);
    ++ls_iter;
  }
  if (ls_iter == max_ls) {
    bracket[0] = 0.0, bracket[1] = t;
    bracket_f[0] = f, bracket_f[1] = f_new;
    bracket_g[0] = g, bracket_g[1] = g_new;
    n = 2;
  }
  bool insuf_progress = false;
  int low = bracket_f[0] <= bracket_f[n - 1] ? 0 : 1, high = 1 - low;
  while (!done && ls_iter < max_ls) {
    if (std::abs(bracket[1] - bracket[0]) * d_norm < tolerance_change) break;
    t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1],
                          bracket_gtd[1]);
    const double b_max = std::max(bracket[0], bracket[1]), b_min = std::min(bracket[0], bracket[1]);
    const double eps = 0.1 * (b_max - b_min);
    if (std::min(b_max - t, t - b_min) < eps) {
      if (insuf_progress || t >= b_max || t <= b_min) {
        t = std::abs(t - b_max) < std::abs(t - b_min) ? b_max - eps : b_min + eps;
        insuf_progress = false;
      } else {
        insuf_progress = true;
      }
    } else {
      insuf_progress = false;
    }
    std::tie(f_new, g_new) = obj(t);
    ++evals;
    gtd_new = dot(g_new, d);
    ++ls_iter;
    if (f_new > f + c1 * t * gtd || f_new >= bracket_f[low]) {
      bracket[high] = t, bracket_f[high] = f_new, bracket_g[high] = g_new;
      bracket_gtd[high] = gtd_new;
      low = bracket_f[0] <= bracket_f[1] ? 0 : 1;
      high = 1 - low;
    } else {
      if (std::abs(gtd_new) <= -c2 * gtd) {
        done = true;
      } else if (gtd_new * (bracket[high] - bracket[low]) >= 0.0) {
        bracket[high] = bracket[low], bracket_f[high] = bracket_f[low];
        bracket_g[high] = bracket_g[low], bracket_gtd[high] = bracket_gtd[low];
      }
      bracket[low] = t, bracket_f[low] = f_new, bracket_g[low] = g_new;
      bracket_gtd[low] = gtd_new;
    }
  }
  return {bracket_f[low], bracket_g[low], bracket[low], evals};
}

}  // namespace

LBFGS::LBFGS(std::vector<Tensor> params, const LBFGSOptions& options)
    : OptimizerWith(std::vector<ParamGroup<LBFGSOptions>>{{std::move(params), options}}, "LBFGS") {
  check(who(0), options);  // the line search's name, before it is stored as a number
  validate_all();
}

void LBFGS::check(const std::string& who, const LBFGSOptions& o) const {
  if (o.max_iter < 1)
    throw std::invalid_argument("nabla::optim::" + who + ": invalid max_iter " +
                                std::to_string(o.max_iter) + " (must be >= 1)");
  if (o.max_eval < 0)
    throw std::invalid_argument("nabla::optim::" + who + ": invalid max_eval " +
                                std::to_string(o.max_eval) +
                                " (must be >= 1, or 0 for max_iter * 5 / 4)");
  check_non_negative(who, "tolerance_grad", o.tolerance_grad);
  check_non_negative(who, "tolerance_change", o.tolerance_change);
  if (o.history_size < 1)
    throw std::invalid_argument("nabla::optim::" + who + ": invalid history_size " +
                                std::to_string(o.history_size) + " (must be >= 1)");
  if (!o.line_search_fn.empty() && o.line_search_fn != "strong_wolfe")
    throw std::invalid_argument("nabla::optim::" + who + ": invalid line_search_fn '" +
                                o.line_search_fn + "' (must be \"\" or \"strong_wolfe\")");
}

void LBFGS::step() {
  throw std::logic_error(
      "nabla::optim::LBFGS::step: LBFGS needs a closure that re-evaluates the loss: call "
      "step(closure)");
}

std::vector<double> LBFGS::flat_grad() const {
  std::vector<double> out;
  for (const Tensor& p : params_) {
    const Tensor g = p.grad();
    if (!g.defined()) {
      out.insert(out.end(), static_cast<std::size_t>(p.numel()), 0.0);
    } else {
      const std::vector<double> v = g.to_vector();
      out.insert(out.end(), v.begin(), v.end());
    }
  }
  return out;
}

std::vector<double> LBFGS::params_flat() const {
  std::vector<double> out;
  for (const Tensor& p : params_) {
    const std::vector<double> v = p.to_vector();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

void LBFGS::add_to_params(double step, const std::vector<double>& d) {
  NoGradGuard no_grad;
  std::size_t offset = 0;
  for (Tensor& p : params_) {
    const auto n = static_cast<std::size_t>(p.numel());
    const std::span<const double> part(d.data() + offset, n);
    p.add_(nabla::tensor(part, p.shape(), p.dtype()), step);
    offset += n;
  }
}

void LBFGS::set_params(const std::vector<double>& x) {
  NoGradGuard no_grad;
  std::size_t offset = 0;
  for (Tensor& p : params_) {
    const auto n = static_cast<std::size_t>(p.numel());
    p.copy_(nabla::tensor(std::span<const double>(x.data() + offset, n), p.shape(), p.dtype()));
    offset += n;
  }
}

double LBFGS::step(std::function<double()> closure) {
  if (!closure) throw std::invalid_argument("nabla::optim::LBFGS::step: the closure is empty");
  const LBFGSOptions o = options(0);
  const std::int64_t max_eval = o.max_eval > 0 ? o.max_eval : o.max_iter * 5 / 4;
  const bool wolfe = o.line_search_fn == "strong_wolfe";
  auto evaluate = [&closure] {
    AutoGradMode enable(true);
    return closure();
  };
  const double orig_loss = evaluate();
  double loss = orig_loss;
  std::int64_t current_evals = 1;
  ++func_evals_;
  std::vector<double> g = flat_grad();
  bool opt_cond = max_abs(g) <= o.tolerance_grad;
  if (opt_cond) return orig_loss;

  std::int64_t n_iter = 0;
  while (n_iter < o.max_iter) {
    ++n_iter;
    ++n_iter_;
    if (n_iter_ == 1) {
      d_.resize(g.size());
      for (std::size_t j = 0; j < g.size(); ++j) d_[j] = -g[j];
      old_dirs_.clear(), old_stps_.clear(), ro_.clear();
      h_diag_ = 1.0;
    } else {
      std::vector<double> y(g.size()), s(g.size());
      for (std::size_t j = 0; j < g.size(); ++j)
        y[j] = g[j] - prev_flat_grad_[j], s[j] = d_[j] * t_;
      const double ys = dot(y, s);
      if (ys > 1e-10) {
        if (static_cast<std::int64_t>(old_dirs_.size()) == o.history_size) {
          old_dirs_.erase(old_dirs_.begin());
          old_stps_.erase(old_stps_.begin());
          ro_.erase(ro_.begin());
        }
        old_dirs_.push_back(y);
        old_stps_.push_back(s);
        ro_.push_back(1.0 / ys);
        h_diag_ = ys / dot(y, y);
      }
      // The two-loop recursion: d = −H·g from the stored pairs.
      const std::size_t num_old = old_dirs_.size();
      std::vector<double> al(num_old);
      std::vector<double> q(g.size());
      for (std::size_t j = 0; j < g.size(); ++j) q[j] = -g[j];
      for (std::size_t k = num_old; k-- > 0;) {
        al[k] = dot(old_stps_[k], q) * ro_[k];
        for (std::size_t j = 0; j < q.size(); ++j) q[j] += -al[k] * old_dirs_[k][j];
      }
      for (std::size_t j = 0; j < q.size(); ++j) q[j] *= h_diag_;
      for (std::size_t k = 0; k < num_old; ++k) {
        const double be = dot(old_dirs_[k], q) * ro_[k];
        for (std::size_t j = 0; j < q.size(); ++j) q[j] += (al[k] - be) * old_stps_[k][j];
      }
      d_ = std::move(q);
    }
    prev_flat_grad_ = g;
    const double prev_loss = loss;
    prev_loss_ = prev_loss;
    if (n_iter_ == 1) {
      double l1 = 0.0;
      for (double v : g) l1 += std::abs(v);
      t_ = std::min(1.0, 1.0 / l1) * o.lr;
    } else {
      t_ = o.lr;
    }
    const double gtd = dot(g, d_);
    if (gtd > -o.tolerance_change) break;

    std::int64_t ls_func_evals = 0;
    if (wolfe) {
      const std::vector<double> x_init = params_flat();
      auto obj = [&](double t) {
        add_to_params(t, d_);
        const double f = evaluate();
        std::vector<double> fg = flat_grad();
        set_params(x_init);
        return std::pair<double, std::vector<double>>(f, std::move(fg));
      };
      LineSearchResult r = strong_wolfe(obj, t_, d_, loss, g, gtd);
      loss = r.f, g = std::move(r.g), t_ = r.t, ls_func_evals = r.evals;
      add_to_params(t_, d_);
      opt_cond = max_abs(g) <= o.tolerance_grad;
    } else {
      add_to_params(t_, d_);
      if (n_iter != o.max_iter) {
        loss = evaluate();
        g = flat_grad();
        opt_cond = max_abs(g) <= o.tolerance_grad;
        ls_func_evals = 1;
      }
    }
    current_evals += ls_func_evals;
    func_evals_ += ls_func_evals;
    if (n_iter == o.max_iter) break;
    if (current_evals >= max_eval) break;
    if (opt_cond) break;
    if (max_abs(d_) * std::abs(t_) <= o.tolerance_change) break;
    if (std::abs(loss - prev_loss) < o.tolerance_change) break;
  }
  return orig_loss;
}

namespace {
Tensor vec_tensor(const std::vector<double>& v) {
  return nabla::tensor(std::span<const double>(v), {static_cast<std::int64_t>(v.size())}, f64);
}
}  // namespace

StateList LBFGS::state() const {
  StateList out = Optimizer::state();
  auto scalar = [&out](const std::string& name, double v) {
    out.emplace_back("lbfgs." + name, scalar_tensor(v, f64));
  };
  scalar("func_evals", static_cast<double>(func_evals_));
  scalar("n_iter", static_cast<double>(n_iter_));
  scalar("t", t_);
  scalar("H_diag", h_diag_);
  scalar("prev_loss", prev_loss_);
  scalar("history", static_cast<double>(old_dirs_.size()));
  if (n_iter_ > 0) {
    out.emplace_back("lbfgs.d", vec_tensor(d_));
    out.emplace_back("lbfgs.prev_flat_grad", vec_tensor(prev_flat_grad_));
  }
  for (std::size_t k = 0; k < old_dirs_.size(); ++k) {
    out.emplace_back("lbfgs.old_dirs." + std::to_string(k), vec_tensor(old_dirs_[k]));
    out.emplace_back("lbfgs.old_stps." + std::to_string(k), vec_tensor(old_stps_[k]));
    scalar("ro." + std::to_string(k), ro_[k]);
  }
  return out;
}

void LBFGS::load_state(const StateList& state) {
  StateList base;
  std::map<std::string, const Tensor*> mine;
  for (const auto& [name, t] : state) {
    if (name.rfind("lbfgs.", 0) == 0) {
      mine.emplace(name, &t);
    } else {
      base.emplace_back(name, t);
    }
  }
  std::int64_t n = 0;
  for (const Tensor& p : params_) n += p.numel();
  std::vector<std::string> problems;
  auto get = [&](const std::string& name, const Shape& shape) -> const Tensor* {
    auto it = mine.find("lbfgs." + name);
    if (it == mine.end() || !it->second->defined()) {
      problems.push_back("missing lbfgs." + name);
      return nullptr;
    }
    if (it->second->shape() != shape) {
      problems.push_back("lbfgs." + name + " (expected shape " + shape_str(shape) + ", got " +
                         shape_str(it->second->shape()) + ")");
      return nullptr;
    }
    return it->second;
  };
  auto count = [&](const std::string& name) -> std::int64_t {
    const Tensor* t = get(name, {});
    if (t == nullptr) return 0;
    const double v = t->item<double>();
    if (!(v >= 0.0) || v != std::floor(v) || v > 9.0e15) {
      problems.push_back("lbfgs." + name + " (" + num(v) + " is not a non-negative integer)");
      return 0;
    }
    return static_cast<std::int64_t>(v);
  };
  const std::int64_t func_evals = count("func_evals"), n_iter = count("n_iter");
  const std::int64_t history = count("history");
  const Tensor* t = get("t", {});
  const Tensor* h = get("H_diag", {});
  const Tensor* pl = get("prev_loss", {});
  const Tensor* d = n_iter > 0 ? get("d", {n}) : nullptr;
  const Tensor* pg = n_iter > 0 ? get("prev_flat_grad", {n}) : nullptr;
  std::size_t expected = 6 + (n_iter > 0 ? 2 : 0) + 3 * static_cast<std::size_t>(history);
  std::vector<const Tensor*> dirs, stps, ros;
  for (std::int64_t k = 0; k < history && problems.empty(); ++k) {
    dirs.push_back(get("old_dirs." + std::to_string(k), {n}));
    stps.push_back(get("old_stps." + std::to_string(k), {n}));
    ros.push_back(get("ro." + std::to_string(k), {}));
  }
  if (problems.empty() && mine.size() != expected)
    problems.push_back("extra lbfgs.* entries (" + std::to_string(mine.size()) + " given, " +
                       std::to_string(expected) + " expected)");
  if (!problems.empty()) {
    std::string msg = "nabla::optim::LBFGS::load_state: the state does not fit this optimizer;";
    for (const auto& p : problems) msg += " " + p + ";";
    msg.pop_back();
    throw std::invalid_argument(msg);
  }
  Optimizer::load_state(base);  // throws, changing nothing, when the rest does not fit
  func_evals_ = func_evals, n_iter_ = n_iter;
  t_ = t->item<double>(), h_diag_ = h->item<double>(), prev_loss_ = pl->item<double>();
  d_ = d != nullptr ? d->to_vector() : std::vector<double>{};
  prev_flat_grad_ = pg != nullptr ? pg->to_vector() : std::vector<double>{};
  old_dirs_.clear(), old_stps_.clear(), ro_.clear();
  for (std::int64_t k = 0; k < history; ++k) {
    old_dirs_.push_back(dirs[static_cast<std::size_t>(k)]->to_vector());
    old_stps_.push_back(stps[static_cast<std::size_t>(k)]->to_vector());
    ro_.push_back(ros[static_cast<std::size_t>(k)]->item<double>());
  }
}

// ---- schedules ------------------------------------------------------------------------

namespace {

// Reads 0-d entries `names` of `state` (those not starting with `skip_prefix`), in order;
// throws std::invalid_argument naming `who` and listing the missing, extra and malformed.
std::vector<double> read_scalars(const std::string& who, const StateList& state,
                                 const std::vector<std::string>& names,
                                 const std::string& skip_prefix = "") {
  std::map<std::string, double> given;
  std::vector<std::string> extra, bad, missing;
  for (const auto& [name, t] : state) {
    if (!skip_prefix.empty() && name.rfind(skip_prefix, 0) == 0) continue;
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      extra.push_back(name);
    } else if (!t.defined() || t.numel() != 1) {
      bad.push_back(name + " (not a single value)");
    } else {
      given[name] = t.item<double>();
    }
  }
  std::vector<double> out;
  for (const auto& n : names) {
    auto it = given.find(n);
    if (it == given.end()) {
      missing.push_back(n);
    } else {
      out.push_back(it->second);
    }
  }
  if (!missing.empty() || !extra.empty() || !bad.empty()) {
    std::string msg = "nabla::optim::" + who + "::load_state: the state does not fit";
    auto list = [&msg](const char* what, const std::vector<std::string>& v) {
      if (v.empty()) return;
      msg += std::string("; ") + what + ":";
      for (const auto& n : v) msg += " " + n;
    };
    list("missing", missing);
    list("extra", extra);
    list("mismatched", bad);
    throw std::invalid_argument(msg);
  }
  return out;
}

std::vector<std::string> scheduler_names(std::size_t groups) {
  std::vector<std::string> names{"last_epoch"};
  for (std::size_t g = 0; g < groups; ++g) names.push_back("base_lr." + std::to_string(g));
  for (std::size_t g = 0; g < groups; ++g) names.push_back("last_lr." + std::to_string(g));
  return names;
}

}  // namespace

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {
  const std::size_t n = optimizer.param_groups().size();
  for (std::size_t g = 0; g < n; ++g) {
    if (std::isnan(optimizer.initial_lr_[g])) optimizer.initial_lr_[g] = optimizer.lr(g);
    base_lrs_.push_back(optimizer.initial_lr_[g]);
    last_lr_.push_back(optimizer.lr(g));
  }
}

void LRScheduler::step() {
  ++last_epoch_;
  apply();
}

void LRScheduler::apply() {
  for (std::size_t g = 0; g < base_lrs_.size(); ++g) {
    last_lr_[g] = lr_at(last_epoch_, base_lrs_[g]);
    optimizer_.set_lr(g, last_lr_[g]);
  }
}

StateList LRScheduler::state() const {
  StateList out;
  out.emplace_back("last_epoch", scalar_tensor(static_cast<double>(last_epoch_), f64));
  for (std::size_t g = 0; g < base_lrs_.size(); ++g)
    out.emplace_back("base_lr." + std::to_string(g), scalar_tensor(base_lrs_[g], f64));
  for (std::size_t g = 0; g < last_lr_.size(); ++g)
    out.emplace_back("last_lr." + std::to_string(g), scalar_tensor(last_lr_[g], f64));
  return out;
}

void LRScheduler::load_state(const StateList& state) {
  const std::size_t n = base_lrs_.size();
  const std::vector<double> v = read_scalars(kind(), state, scheduler_names(n));
  if (!(v[0] >= -1.0) || v[0] != std::floor(v[0]))
    throw std::invalid_argument(std::string("nabla::optim::") + kind() +
                                "::load_state: last_epoch " + num(v[0]) + " is not an integer");
  last_epoch_ = static_cast<std::int64_t>(v[0]);
  for (std::size_t g = 0; g < n; ++g) base_lrs_[g] = v[1 + g], last_lr_[g] = v[1 + n + g];
}

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size < 1)
    throw std::invalid_argument("nabla::optim::StepLR: invalid step_size " +
                                std::to_string(step_size) + " (must be >= 1)");
  check_non_negative("StepLR", "gamma", gamma);
  apply();
}

double StepLR::lr_at(std::int64_t epoch, double base_lr) const {
  return base_lr * std::pow(gamma_, static_cast<double>(epoch / step_size_));
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma)
    : LRScheduler(optimizer), milestones_(std::move(milestones)), gamma_(gamma) {
  for (std::int64_t m : milestones_)
    if (m < 0)
      throw std::invalid_argument("nabla::optim::MultiStepLR: invalid milestone " +
                                  std::to_string(m) + " (must be >= 0)");
  check_non_negative("MultiStepLR", "gamma", gamma);
  std::sort(milestones_.begin(), milestones_.end());
  apply();
}

double MultiStepLR::lr_at(std::int64_t epoch, double base_lr) const {
  const auto passed =
      std::upper_bound(milestones_.begin(), milestones_.end(), epoch) - milestones_.begin();
  return base_lr * std::pow(gamma_, static_cast<double>(passed));
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma)
    : LRScheduler(optimizer), gamma_(gamma) {
  check_non_negative("ExponentialLR", "gamma", gamma);
  apply();
}

double ExponentialLR::lr_at(std::int64_t epoch, double base_lr) const {
  return base_lr * std::pow(gamma_, static_cast<double>(epoch));
}

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor,
                   std::int64_t total_iters)
    : LRScheduler(optimizer), start_(start_factor), end_(end_factor), total_(total_iters) {
  if (!(start_factor > 0.0 && start_factor <= 1.0))
    throw std::invalid_argument("nabla::optim::LinearLR: invalid start_factor " +
                                num(start_factor) + " (must be in (0, 1])");
  if (!(end_factor >= 0.0 && end_factor <= 1.0))
    throw std::invalid_argument("nabla::optim::LinearLR: invalid end_factor " + num(end_factor) +
                                " (must be in [0, 1])");
  if (total_iters < 1)
    throw std::invalid_argument("nabla::optim::LinearLR: invalid total_iters " +
                                std::to_string(total_iters) + " (must be >= 1)");
  apply();
}

double LinearLR::lr_at(std::int64_t epoch, double base_lr) const {
  const double done = static_cast<double>(std::min(total_, epoch));
  return base_lr * (start_ + (end_ - start_) * done / static_cast<double>(total_));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min)
    : LRScheduler(optimizer), t_max_(T_max), eta_min_(eta_min) {
  if (T_max < 1)
    throw std::invalid_argument("nabla::optim::CosineAnnealingLR: invalid T_max " +
                                std::to_string(T_max) + " (must be >= 1)");
  check_non_negative("CosineAnnealingLR", "eta_min", eta_min);
  apply();
}

double CosineAnnealingLR::lr_at(std::int64_t epoch, double base_lr) const {
  const double phase = std::numbers::pi * static_cast<double>(epoch) / static_cast<double>(t_max_);
  return eta_min_ + (base_lr - eta_min_) * (1.0 + std::cos(phase)) / 2.0;
}

LambdaLR::LambdaLR(Optimizer& optimizer, Lambda lr_lambda)
    : LambdaLR(optimizer, std::vector<Lambda>(optimizer.param_groups().size(), lr_lambda)) {}

LambdaLR::LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas)
    : LRScheduler(optimizer), lambdas_(std::move(lr_lambdas)) {
  if (lambdas_.size() != base_lrs_.size())
    throw std::invalid_argument("nabla::optim::LambdaLR: got " + std::to_string(lambdas_.size()) +
                                " functions for " + std::to_string(base_lrs_.size()) +
                                " param groups");
  for (const Lambda& f : lambdas_)
    if (!f) throw std::invalid_argument("nabla::optim::LambdaLR: lr_lambda is empty");
  apply();
}

double LambdaLR::lr_at(std::int64_t epoch, double base_lr) const {
  return base_lr * lambdas_[0](epoch);
}

void LambdaLR::apply() {
  for (std::size_t g = 0; g < base_lrs_.size(); ++g) {
    last_lr_[g] = base_lrs_[g] * lambdas_[g](last_epoch_);
    optimizer_.set_lr(g, last_lr_[g]);
  }
}

SequentialLR::SequentialLR(Optimizer& optimizer, std::vector<LRScheduler*> schedulers,
                           std::vector<std::int64_t> milestones)
    : LRScheduler(optimizer),
      schedulers_(std::move(schedulers)),
      milestones_(std::move(milestones)) {
  if (schedulers_.empty())
    throw std::invalid_argument("nabla::optim::SequentialLR: got no schedulers");
  for (std::size_t k = 0; k < schedulers_.size(); ++k) {
    if (schedulers_[k] == nullptr)
      throw std::invalid_argument("nabla::optim::SequentialLR: scheduler " + std::to_string(k) +
                                  " is null");
    if (&schedulers_[k]->optimizer_ != &optimizer)
      throw std::invalid_argument("nabla::optim::SequentialLR: scheduler " + std::to_string(k) +
                                  " belongs to another optimizer");
  }
  if (milestones_.size() + 1 != schedulers_.size())
    throw std::invalid_argument(
        "nabla::optim::SequentialLR: expected " + std::to_string(schedulers_.size() - 1) +
        " milestones (one fewer than the schedulers), got " + std::to_string(milestones_.size()));
  for (std::size_t k = 0; k < milestones_.size(); ++k)
    if (milestones_[k] < 1 || (k > 0 && milestones_[k] <= milestones_[k - 1]))
      throw std::invalid_argument(
          "nabla::optim::SequentialLR: milestones must be increasing "
          "positive epochs, got " +
          std::to_string(milestones_[k]) + " at position " + std::to_string(k));
  // As torch: back to the initial rates, undo every schedule's first step, then take the
  // first schedule's again.
  for (std::size_t g = 0; g < base_lrs_.size(); ++g) optimizer.set_lr(g, base_lrs_[g]);
  for (LRScheduler* s : schedulers_) --s->last_epoch_;
  schedulers_[0]->step();
  last_lr_ = schedulers_[0]->get_last_lr();
}

void SequentialLR::step() {
  ++last_epoch_;
  const auto idx = static_cast<std::size_t>(
      std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin());
  LRScheduler* s = schedulers_[idx];
  if (idx > 0 && milestones_[idx - 1] == last_epoch_) {
    s->last_epoch_ = 0;  // torch's scheduler.step(0): restart at the closed form's epoch 0
    s->apply();
  } else {
    s->step();
  }
  last_lr_ = s->get_last_lr();
}

double SequentialLR::lr_at(std::int64_t, double base_lr) const {
  return base_lr;  // never called: step() delegates
}

StateList SequentialLR::state() const {
  StateList out = LRScheduler::state();
  for (std::size_t k = 0; k < schedulers_.size(); ++k)
    for (auto& [name, t] : schedulers_[k]->state())
      out.emplace_back("scheduler." + std::to_string(k) + "." + name, t);
  return out;
}

void SequentialLR::load_state(const StateList& state) {
  StateList own;
  std::vector<StateList> parts(schedulers_.size());
  for (const auto& [name, t] : state) {
    if (name.rfind("scheduler.", 0) == 0) {
      const std::size_t dot_at = name.find('.', 10);
      std::size_t k = schedulers_.size();
      if (dot_at != std::string::npos) {
        try {
          k = std::stoul(name.substr(10, dot_at - 10));
        } catch (const std::exception&) {
        }
      }
      if (k < schedulers_.size()) {
        parts[k].emplace_back(name.substr(dot_at + 1), t);
        continue;
      }
    }
    own.emplace_back(name, t);
  }
  LRScheduler::load_state(own);
  for (std::size_t k = 0; k < schedulers_.size(); ++k) schedulers_[k]->load_state(parts[k]);
}

OneCycleLR::OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options)
    : LRScheduler(optimizer), options_(options) {
  const OneCycleLROptions& o = options_;
  const std::size_t n = base_lrs_.size();
  if (o.total_steps > 0) {
    total_steps_ = o.total_steps;
  } else if (o.total_steps < 0) {
    throw std::invalid_argument("nabla::optim::OneCycleLR: invalid total_steps " +
                                std::to_string(o.total_steps) + " (must be >= 1)");
  } else {
    if (o.epochs < 1 || o.steps_per_epoch < 1)
      throw std::invalid_argument(
          "nabla::optim::OneCycleLR: give total_steps >= 1, or epochs >= 1 and steps_per_epoch "
          ">= 1 (got total_steps 0, epochs " +
          std::to_string(o.epochs) + ", steps_per_epoch " + std::to_string(o.steps_per_epoch) +
          ")");
    total_steps_ = o.epochs * o.steps_per_epoch;
  }
  if (!(o.pct_start >= 0.0 && o.pct_start <= 1.0))
    throw std::invalid_argument("nabla::optim::OneCycleLR: invalid pct_start " + num(o.pct_start) +
                                " (must be in [0, 1])");
  if (o.anneal_strategy != "cos" && o.anneal_strategy != "linear")
    throw std::invalid_argument("nabla::optim::OneCycleLR: invalid anneal_strategy '" +
                                o.anneal_strategy + "' (must be \"cos\" or \"linear\")");
  check_non_negative("OneCycleLR", "div_factor", o.div_factor);
  check_non_negative("OneCycleLR", "final_div_factor", o.final_div_factor);
  if (!o.max_lrs.empty() && o.max_lrs.size() != n)
    throw std::invalid_argument("nabla::optim::OneCycleLR: expected " + std::to_string(n) +
                                " values for max_lrs (one per param group), got " +
                                std::to_string(o.max_lrs.size()));
  for (std::size_t g = 0; g < n; ++g) {
    const double max_lr = o.max_lrs.empty() ? o.max_lr : o.max_lrs[g];
    check_non_negative("OneCycleLR", "max_lr", max_lr);
    max_lrs_.push_back(max_lr);
  }
  const double total = static_cast<double>(total_steps_);
  if (o.three_phase) {
    phases_ = {{o.pct_start * total - 1.0, 0, 1, 0, 1},
               {2.0 * o.pct_start * total - 2.0, 1, 0, 1, 0},
               {total - 1.0, 0, 2, 0, 0}};
  } else {
    phases_ = {{o.pct_start * total - 1.0, 0, 1, 0, 1}, {total - 1.0, 1, 2, 1, 0}};
  }
  if (o.cycle_momentum) {
    const Optimizer::Group& g0 = optimizer.param_groups()[0];
    momentum_name_ = g0.has_option("beta1") ? "beta1" : g0.has_option("momentum") ? "momentum" : "";
    if (momentum_name_.empty())
      throw std::invalid_argument("nabla::optim::OneCycleLR: " + optimizer.name() +
                                  " has neither momentum nor beta1, needed by cycle_momentum "
                                  "(pass .cycle_momentum = false)");
    check_beta("OneCycleLR", "base_momentum", o.base_momentum);
    check_beta("OneCycleLR", "max_momentum", o.max_momentum);
    for (std::size_t g = 0; g < n; ++g) optimizer.set_option(g, momentum_name_, o.max_momentum);
  }
  // torch's group['initial_lr'] = max_lr / div_factor, the base of this schedule.
  for (std::size_t g = 0; g < n; ++g) {
    base_lrs_[g] = max_lrs_[g] / o.div_factor;
    optimizer.initial_lr_[g] = base_lrs_[g];
    min_lrs_.push_back(base_lrs_[g] / o.final_div_factor);
  }
  apply();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy == "cos")
    return end + (start - end) / 2.0 * (std::cos(std::numbers::pi * pct) + 1.0);
  return (end - start) * pct + start;
}

void OneCycleLR::step() {
  if (last_epoch_ + 1 > total_steps_)
    throw std::logic_error("nabla::optim::OneCycleLR::step: tried to step " +
                           std::to_string(last_epoch_ + 2) + " times; total_steps is " +
                           std::to_string(total_steps_));
  LRScheduler::step();
}

double OneCycleLR::lr_at(std::int64_t, double base_lr) const {
  return base_lr;  // never called: apply() computes every group's rate
}

void OneCycleLR::apply() {
  const auto step_num = static_cast<double>(last_epoch_);
  for (std::size_t g = 0; g < base_lrs_.size(); ++g) {
    const double lrs[3] = {base_lrs_[g], max_lrs_[g], min_lrs_[g]};
    const double moms[2] = {options_.max_momentum, options_.base_momentum};
    double start_step = 0.0, lr = 0.0, momentum = 0.0;
    for (std::size_t k = 0; k < phases_.size(); ++k) {
      const Phase& ph = phases_[k];
      if (step_num <= ph.end_step || k + 1 == phases_.size()) {
        const double pct = (step_num - start_step) / (ph.end_step - start_step);
        lr = anneal(lrs[ph.start_lr], lrs[ph.end_lr], pct);
        momentum = anneal(moms[ph.start_m], moms[ph.end_m], pct);
        break;
      }
      start_step = ph.end_step;
    }
    last_lr_[g] = lr;
    optimizer_.set_lr(g, lr);
    if (!momentum_name_.empty()) optimizer_.set_option(g, momentum_name_, momentum);
  }
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options)
    : optimizer_(optimizer), options_(options) {
  const ReduceLROnPlateauOptions& o = options_;
  const std::size_t n = optimizer.param_groups().size();
  if (o.mode != "min" && o.mode != "max")
    throw std::invalid_argument("nabla::optim::ReduceLROnPlateau: invalid mode '" + o.mode +
                                "' (must be \"min\" or \"max\")");
  if (o.threshold_mode != "rel" && o.threshold_mode != "abs")
    throw std::invalid_argument("nabla::optim::ReduceLROnPlateau: invalid threshold_mode '" +
                                o.threshold_mode + "' (must be \"rel\" or \"abs\")");
  if (!(o.factor >= 0.0 && o.factor < 1.0))
    throw std::invalid_argument("nabla::optim::ReduceLROnPlateau: invalid factor " + num(o.factor) +
                                " (must be in [0, 1))");
  if (o.patience < 0 || o.cooldown < 0)
    throw std::invalid_argument("nabla::optim::ReduceLROnPlateau: invalid " +
                                std::string(o.patience < 0 ? "patience " : "cooldown ") +
                                std::to_string(o.patience < 0 ? o.patience : o.cooldown) +
                                " (must be >= 0)");
  check_non_negative("ReduceLROnPlateau", "threshold", o.threshold);
  check_non_negative("ReduceLROnPlateau", "eps", o.eps);
  if (!o.min_lrs.empty() && o.min_lrs.size() != n)
    throw std::invalid_argument("nabla::optim::ReduceLROnPlateau: expected " + std::to_string(n) +
                                " min_lrs (one per param group), got " +
                                std::to_string(o.min_lrs.size()));
  for (std::size_t g = 0; g < n; ++g) {
    min_lrs_.push_back(o.min_lrs.empty() ? o.min_lr : o.min_lrs[g]);
    check_non_negative("ReduceLROnPlateau", "min_lr", min_lrs_.back());
    last_lr_.push_back(optimizer.lr(g));
  }
  best_ = o.mode == "min" ? std::numeric_limits<double>::infinity()
                          : -std::numeric_limits<double>::infinity();
}

bool ReduceLROnPlateau::is_better(double a) const {
  const ReduceLROnPlateauOptions& o = options_;
  if (o.mode == "min" && o.threshold_mode == "rel") return a < best_ * (1.0 - o.threshold);
  if (o.mode == "min") return a < best_ - o.threshold;
  if (o.threshold_mode == "rel") return a > best_ * (o.threshold + 1.0);
  return a > best_ + o.threshold;
}

void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  if (num_bad_epochs_ > options_.patience) {
    for (std::size_t g = 0; g < min_lrs_.size(); ++g) {
      const double old_lr = optimizer_.lr(g);
      const double new_lr = std::max(old_lr * options_.factor, min_lrs_[g]);
      if (old_lr - new_lr > options_.eps) optimizer_.set_lr(g, new_lr);
    }
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
  for (std::size_t g = 0; g < last_lr_.size(); ++g) last_lr_[g] = optimizer_.lr(g);
}

StateList ReduceLROnPlateau::state() const {
  return {{"last_epoch", scalar_tensor(static_cast<double>(last_epoch_), f64)},
          {"best", scalar_tensor(best_, f64)},
          {"num_bad_epochs", scalar_tensor(static_cast<double>(num_bad_epochs_), f64)},
          {"cooldown_counter", scalar_tensor(static_cast<double>(cooldown_counter_), f64)}};
}

void ReduceLROnPlateau::load_state(const StateList& state) {
  const std::vector<double> v = read_scalars(
      "ReduceLROnPlateau", state, {"last_epoch", "best", "num_bad_epochs", "cooldown_counter"});
  for (std::size_t k : {0u, 2u, 3u})
    if (!(v[k] >= 0.0) || v[k] != std::floor(v[k]))
      throw std::invalid_argument("nabla::optim::ReduceLROnPlateau::load_state: " +
                                  std::string(k == 0   ? "last_epoch"
                                              : k == 2 ? "num_bad_epochs"
                                                       : "cooldown_counter") +
                                  " " + num(v[k]) + " is not a non-negative integer");
  last_epoch_ = static_cast<std::int64_t>(v[0]);
  best_ = v[1];
  num_bad_epochs_ = static_cast<std::int64_t>(v[2]);
  cooldown_counter_ = static_cast<std::int64_t>(v[3]);
}

// ---- clipping -------------------------------------------------------------------------

double clip_grad_norm_(std::vector<Tensor>& params, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  check_non_negative("clip_grad_norm_", "max_norm", max_norm);
  if (!(norm_type > 0.0))
    throw std::invalid_argument("nabla::optim::clip_grad_norm_: invalid norm_type " +
                                num(norm_type) + " (must be > 0, or inf)");
  NoGradGuard no_grad;
  const bool inf_norm = std::isinf(norm_type);
  double acc = 0.0;
  for (const Tensor& p : params) {
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    const Tensor a = abs(g.detach().to(f64));  // accumulate in double whatever the dtype
    if (inf_norm) {
      if (a.numel() > 0) acc = std::max(acc, nabla::max(a).item<double>());
      if (std::isnan(nabla::sum(a).item<double>())) acc = std::nan("");
    } else if (norm_type == 2.0) {
      acc += nabla::sum(a * a).item<double>();
    } else {
      acc += nabla::sum(a.pow(norm_type)).item<double>();
    }
  }
  const double total = inf_norm           ? acc
                       : norm_type == 2.0 ? std::sqrt(acc)
                                          : std::pow(acc, 1.0 / norm_type);
  if (!std::isfinite(total)) {
    if (error_if_nonfinite)
      throw std::runtime_error("nabla::optim::clip_grad_norm_: the total norm of order " +
                               num(norm_type) + " of the gradients is " + num(total) +
                               " (error_if_nonfinite is set)");
    return total;  // leave the gradients for the caller to inspect
  }
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1.0) {
    for (Tensor& p : params) {
      Tensor g = p.grad();
      if (g.defined()) g.mul_(coef);
    }
  }
  return total;
}

void clip_grad_value_(std::vector<Tensor>& params, double clip_value) {
  check_non_negative("clip_grad_value_", "clip_value", clip_value);
  NoGradGuard no_grad;
  for (Tensor& p : params) {
    Tensor g = p.grad();
    if (g.defined()) g.copy_(clamp(g.detach(), -clip_value, clip_value));
  }
}

}  // namespace nabla::optim
