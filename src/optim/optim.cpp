// Optimizers, learning-rate schedules and gradient clipping, written with the public
// Tensor and op API only. Every update runs under a NoGradGuard and writes parameters with
// the in-place methods, which bump the version counters.

#include "nabla/optim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <sstream>
#include <stdexcept>

#include "nabla/ops.hpp"
#include "nabla/shape.hpp"

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

struct AdamScalars {
  double beta1, beta2, eps, bias_correction2_sqrt;
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

}  // namespace

// ---- Optimizer ------------------------------------------------------------------------

Optimizer::Optimizer(std::vector<Tensor> params, double lr, std::string name)
    : params_(std::move(params)), state_(params_.size()), lr_(lr), name_(std::move(name)) {
  if (params_.empty())
    throw std::invalid_argument("nabla::optim::" + name_ + ": got an empty parameter list");
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
  check_non_negative(name_, "lr", lr);
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

void Optimizer::set_lr(double lr) {
  check_non_negative(name_ + "::set_lr", "lr", lr);
  lr_ = lr;
}

Tensor& Optimizer::ParamState::buffer(const std::string& name) {
  for (auto& [n, t] : buffers)
    if (n == name) return t;
  throw std::logic_error("nabla::optim::Optimizer::ParamState::buffer: no buffer named '" + name +
                         "' (an optimizer adds its buffers with add_buffer in its constructor)");
}

void Optimizer::add_buffer(const std::string& name) {
  for (std::size_t i = 0; i < params_.size(); ++i)
    state_[i].buffers.emplace_back(name, zeros_like(params_[i].detach()));
}

void Optimizer::check_state(std::size_t i) {
  const Tensor& p = params_[i];
  ParamState& st = state_[i];
  for (auto& [name, buf] : st.buffers) {
    if (buf.shape() == p.shape() && buf.dtype() == p.dtype()) continue;
    if (st.step == 0) {
      buf = zeros_like(p.detach());
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
  }
  return out;
}

void Optimizer::load_state(const StateList& state) {
  // Expected names and shapes, from the current state.
  std::map<std::string, Shape> expected;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    expected.emplace(entry_name(i, "step"), Shape{});
    for (const auto& [name, t] : state_[i].buffers)
      expected.emplace(entry_name(i, name), t.shape());
  }
  std::vector<std::string> extra, mismatched, seen;
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
  }
}

// ---- SGD ------------------------------------------------------------------------------

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : Optimizer(std::move(params), options.lr, "SGD"), options_(options) {
  check_non_negative(name_, "momentum", options.momentum);
  check_non_negative(name_, "weight_decay", options.weight_decay);
  if (std::isnan(options.dampening))
    throw std::invalid_argument("nabla::optim::SGD: invalid dampening " + num(options.dampening));
  if (options.nesterov && (options.momentum <= 0.0 || options.dampening != 0.0))
    throw std::invalid_argument(
        "nabla::optim::SGD: nesterov momentum requires momentum > 0 and dampening 0 (got "
        "momentum " +
        num(options.momentum) + ", dampening " + num(options.dampening) + ")");
  if (options.momentum != 0.0) add_buffer("momentum_buffer");
}

void SGD::step() {
  NoGradGuard no_grad;
  const SGDOptions& o = options_;
  for (std::size_t i = 0; i < params_.size(); ++i) {
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
    p.add_(g, -lr_);
  }
}

// ---- Adam and AdamW -------------------------------------------------------------------

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Adam(std::move(params), options, "Adam", false) {}

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options, std::string name,
           bool decoupled_weight_decay)
    : Optimizer(std::move(params), options.lr, std::move(name)),
      options_(options),
      decoupled_(decoupled_weight_decay) {
  check_non_negative(name_, "eps", options.eps);
  check_non_negative(name_, "weight_decay", options.weight_decay);
  check_beta(name_, "beta1", options.beta1);
  check_beta(name_, "beta2", options.beta2);
  add_buffer("exp_avg");
  add_buffer("exp_avg_sq");
  if (options.amsgrad) add_buffer("max_exp_avg_sq");
}

void Adam::step() {
  NoGradGuard no_grad;
  const AdamOptions& o = options_;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor grad = p.grad();
    if (!grad.defined()) continue;
    check_state(i);
    ParamState& st = state_[i];
    Tensor g = grad.detach();  // aliases the stored gradient: never written below
    if (o.weight_decay != 0.0) {
      if (decoupled_) {
        p.mul_(1.0 - lr_ * o.weight_decay);  // AdamW: p·(1 − lr·wd), apart from the moments
      } else {
        g = g.clone();
        g.add_(p, o.weight_decay);  // Adam: L2 penalty folded into the gradient
      }
    }
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
    p.add_(update, -lr_ / (1.0 - std::pow(o.beta1, t)));
  }
}

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : Adam(std::move(params),
           AdamOptions{options.lr, options.beta1, options.beta2, options.eps, options.weight_decay,
                       options.amsgrad},
           "AdamW", true) {}

// ---- schedules ------------------------------------------------------------------------

LRScheduler::LRScheduler(Optimizer& optimizer)
    : optimizer_(optimizer), base_lr_(optimizer.lr()), last_lr_(optimizer.lr()) {}

void LRScheduler::step() {
  ++last_epoch_;
  apply();
}

void LRScheduler::apply() {
  last_lr_ = lr_at(last_epoch_);
  optimizer_.set_lr(last_lr_);
}

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size < 1)
    throw std::invalid_argument("nabla::optim::StepLR: invalid step_size " +
                                std::to_string(step_size) + " (must be >= 1)");
  check_non_negative("StepLR", "gamma", gamma);
  apply();
}

double StepLR::lr_at(std::int64_t epoch) const {
  return base_lr() * std::pow(gamma_, static_cast<double>(epoch / step_size_));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min)
    : LRScheduler(optimizer), t_max_(T_max), eta_min_(eta_min) {
  if (T_max < 1)
    throw std::invalid_argument("nabla::optim::CosineAnnealingLR: invalid T_max " +
                                std::to_string(T_max) + " (must be >= 1)");
  check_non_negative("CosineAnnealingLR", "eta_min", eta_min);
  apply();
}

double CosineAnnealingLR::lr_at(std::int64_t epoch) const {
  const double phase = std::numbers::pi * static_cast<double>(epoch) / static_cast<double>(t_max_);
  return eta_min_ + (base_lr() - eta_min_) * (1.0 + std::cos(phase)) / 2.0;
}

// ---- clipping -------------------------------------------------------------------------

double clip_grad_norm_(std::vector<Tensor>& params, double max_norm) {
  check_non_negative("clip_grad_norm_", "max_norm", max_norm);
  NoGradGuard no_grad;
  double sum_sq = 0.0;
  for (const Tensor& p : params) {
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    const Tensor g64 = g.detach().to(f64);  // accumulate in double whatever the dtype
    sum_sq += nabla::sum(g64 * g64).item<double>();
  }
  const double total = std::sqrt(sum_sq);
  if (!std::isfinite(total)) return total;  // leave the gradients for the caller to inspect
  if (total > max_norm) {
    const double coef = max_norm / (total + 1e-6);
    for (Tensor& p : params) {
      Tensor g = p.grad();
      if (g.defined()) g.mul_(coef);
    }
  }
  return total;
}

}  // namespace nabla::optim
