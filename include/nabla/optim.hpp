#pragma once
/// \file optim.hpp
/// Optimizers (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, LBFGS)
/// with parameter groups, learning-rate schedules (StepLR, MultiStepLR, ExponentialLR,
/// LinearLR, CosineAnnealingLR, LambdaLR, SequentialLR, OneCycleLR, ReduceLROnPlateau) and
/// gradient clipping (clip_grad_norm_ with any p-norm, clip_grad_value_), following
/// torch.optim's (PyTorch 1.13) algorithms, names and defaults.
///
/// They use only the public Tensor and op API. Updates run under a NoGradGuard and write the
/// parameters with the in-place methods (add_, copy_), so each step bumps the parameters'
/// version counters: a graph built before the step that saved a parameter throws at backward.
///
/// A typical loop, as in PyTorch:
///
///     nabla::optim::Adam opt(params, {.lr = 1e-3});
///     for (...) { opt.zero_grad(); loss(...).backward(); opt.step(); }
///
/// Parameter groups give each set of parameters its own options (here no weight decay on
/// biases and norms):
///
///     nabla::optim::AdamW opt({{weights, {.lr = 1e-3, .weight_decay = 0.05}},
///                              {biases_and_norms, {.lr = 1e-3, .weight_decay = 0.0}}});

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nabla/tensor.hpp"

namespace nabla::optim {

/// Named optimizer or scheduler state, for serialization: (name, tensor) pairs.
///
/// An optimizer's names: "param.<i>.step" and "param.<i>.<buffer>" for each parameter i
/// (numbered across all groups, in order), then "group.<g>.<option>" for each option of
/// each parameter group g (0-d float64 tensors; booleans are 0 or 1; "group.<g>.lr" is the
/// group's learning rate). The group entries were added after the first release: a state
/// without any "group." entry (an older file) still loads, and leaves the options as they are.
using StateList = std::vector<std::pair<std::string, Tensor>>;

/// A set of parameters with its own options (torch's param_groups entry).
template <class Options>
struct ParamGroup {
  std::vector<Tensor> params;
  Options options;
};

/// Base of the optimizers: parameter groups with named numeric options, and per-parameter
/// state.
///
/// Per-parameter state is allocated when the optimizer is built, so state() always lists
/// the same names for a given optimizer and options. Each parameter has a step count
/// "param.<i>.step" (a 0-d float64 tensor, 0 until the parameter is first updated) and the
/// buffers of its algorithm. Parameters whose grad() is undefined are skipped by step()
/// and keep their state (including their step count) unchanged, as in PyTorch.
class Optimizer {
 public:
  /// Named numeric options of one group, in a fixed order, "lr" first.
  using Options = std::vector<std::pair<std::string, double>>;
  /// One parameter group: its parameters and its options.
  struct Group {
    std::vector<Tensor> params;
    Options options;
    /// The option called `name`; throws std::invalid_argument when there is none.
    double option(const std::string& name) const;
    /// Whether the group has an option called `name`.
    bool has_option(const std::string& name) const;
  };

  /// One group of `params` with learning rate `lr` and no other options (for optimizers
  /// written outside nabla). Throws std::invalid_argument when `params` is empty or holds
  /// an undefined tensor, a non-leaf (an optimizer updates leaves only) or the same tensor
  /// twice; `lr` must be ≥ 0.
  Optimizer(std::vector<Tensor> params, double lr, std::string name);
  /// Several groups (each with "lr" among its options). Throws as above, also when a
  /// tensor appears in two groups or a group is empty.
  Optimizer(std::vector<Group> groups, std::string name);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Updates every parameter that has a gradient, by the optimizer's rule.
  virtual void step() = 0;
  /// Clears every parameter's gradient (PyTorch's set_to_none behaviour: grad() becomes
  /// undefined, so the next backward stores a fresh gradient).
  void zero_grad();
  /// The learning rate of group 0 (of the only group, for a plain parameter list).
  double lr() const { return lr(0); }
  /// The learning rate of group `group`. Throws std::out_of_range for a bad group.
  double lr(std::size_t group) const;
  /// Sets the learning rate of every group. Throws std::invalid_argument when `lr` is
  /// negative, infinite or NaN.
  void set_lr(double lr);
  /// Sets the learning rate of one group. Throws as set_lr(lr), and std::out_of_range.
  void set_lr(std::size_t group, double lr);
  /// The option `name` of group `group` ("momentum", "beta1", "weight_decay", ...).
  /// Throws std::out_of_range for a bad group, std::invalid_argument for an unknown name.
  double option(std::size_t group, const std::string& name) const;
  /// Sets an option of one group, validated as the constructor validates it. Throws
  /// std::invalid_argument (bad value or unknown name) or std::out_of_range.
  void set_option(std::size_t group, const std::string& name, double value);
  /// The parameter groups, in the order given at construction.
  const std::vector<Group>& param_groups() const noexcept { return groups_; }
  /// Every parameter, group after group, in the order given at construction.
  const std::vector<Tensor>& params() const noexcept { return params_; }
  /// The algorithm's name: "SGD", "Adam", "RMSprop", ... (what error messages and
  /// nabla::save call it).
  const std::string& name() const noexcept { return name_; }

  /// A copy of the optimizer state, for serialization (names: see StateList): for each
  /// parameter i, in order, "param.<i>.step" then the algorithm's buffers (torch's names:
  /// "momentum_buffer" for SGD; "exp_avg", "exp_avg_sq", "max_exp_avg_sq" for Adam; ...),
  /// then every group's options. The tensors are copies: changing them does not change
  /// the optimizer.
  virtual StateList state() const;
  /// Replaces the state with `state`, which must hold exactly the names state() returns,
  /// each of the same shape (in any order; values are converted to the buffer's dtype),
  /// except that the "group." entries may all be left out. Group options are validated
  /// as the constructor validates them. Throws std::invalid_argument listing the missing,
  /// extra and mis-shaped entries (and step counts that are not non-negative integers),
  /// leaving the state unchanged.
  virtual void load_state(const StateList& state);

 protected:
  /// One parameter's state: its step count, its named buffers (same shape and dtype as
  /// the parameter) and named scalars (NAdam's mu_product).
  struct ParamState {
    std::int64_t step = 0;
    std::vector<std::pair<std::string, Tensor>> buffers;
    std::vector<std::pair<std::string, double>> scalars;
    std::map<std::string, double> initial;  ///< the fill value of each buffer
    /// The buffer called `name` (it must exist).
    Tensor& buffer(const std::string& name);
    /// The scalar called `name` (it must exist).
    double& scalar(const std::string& name);
  };
  /// Adds a buffer called `name`, filled with `value`, to the state of every parameter of
  /// group `group` that does not have one yet.
  void add_buffer(std::size_t group, const std::string& name, double value = 0.0);
  /// Adds a buffer to every parameter of every group.
  void add_buffer(const std::string& name) {
    for (std::size_t g = 0; g < groups_.size(); ++g) add_buffer(g, name);
  }
  /// Adds a named scalar (0-d in state()) to every parameter of group `group`.
  void add_scalar(std::size_t group, const std::string& name, double value);
  /// Called by step() for parameter `i` before its update: when the parameter's shape or
  /// dtype changed since its state was made (model.to(f64) after the optimizer was built),
  /// state that was never used is made anew, as PyTorch makes state lazily; state that
  /// has seen steps throws std::logic_error naming the optimizer, the parameter and both
  /// layouts.
  void check_state(std::size_t i);
  /// Checks one group's options (called by set_option and load_state; derived
  /// constructors call it for each group). `who` prefixes messages. The base checks lr.
  virtual void validate(const std::string& who, const Options& options) const;
  /// "Adam" for a single group, "Adam param group 1" otherwise: the start of messages.
  std::string who(std::size_t group) const;
  /// The index in params() of the first parameter of group `group`.
  std::size_t first_param(std::size_t group) const;

  std::vector<Group> groups_;
  std::vector<Tensor> params_;
  std::vector<ParamState> state_;
  std::string name_;  ///< "SGD", "Adam", ...: prefixes error messages.

 private:
  friend class LRScheduler;
  friend class OneCycleLR;
  /// torch's group['initial_lr']: set by the first schedule built on this optimizer.
  std::vector<double> initial_lr_;
};

namespace detail {

template <class T>
double option_to_double(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return v.empty() ? 0.0 : (v == "strong_wolfe" ? 1.0 : -1.0);
  } else {
    return static_cast<double>(v);
  }
}

template <class T>
void option_from_double(T& v, double d) {
  if constexpr (std::is_same_v<T, std::string>) {
    v = d == 1.0 ? "strong_wolfe" : "";
  } else if constexpr (std::is_same_v<T, bool>) {
    v = d != 0.0;
  } else {
    v = static_cast<T>(d);
  }
}

}  // namespace detail

/// An optimizer whose groups carry a typed options struct `O` (O::fields lists its
/// members by name). options(g) reads a group's options back as `O`.
template <class O>
class OptimizerWith : public Optimizer {
 public:
  /// Group `group`'s options. Throws std::out_of_range for a bad group.
  O options(std::size_t group = 0) const {
    O o{};
    const Group& g = groups_.at(group);
    O::fields(o, [&g](const char* name, auto& member) {
      detail::option_from_double(member, g.option(name));
    });
    return o;
  }

 protected:
  static Options to_options(const O& o) {
    Options out;
    O::fields(o, [&out](const char* name, auto& member) {
      out.emplace_back(name, detail::option_to_double(member));
    });
    return out;
  }
  static std::vector<Group> to_groups(std::vector<ParamGroup<O>> groups) {
    std::vector<Group> out;
    for (auto& g : groups) out.push_back(Group{std::move(g.params), to_options(g.options)});
    return out;
  }
  static O from_options(const Options& options) {
    O o{};
    O::fields(o, [&options](const char* name, auto& member) {
      for (const auto& [n, v] : options)
        if (n == name) detail::option_from_double(member, v);
    });
    return o;
  }
  OptimizerWith(std::vector<ParamGroup<O>> groups, std::string name)
      : Optimizer(to_groups(std::move(groups)), std::move(name)) {}
  /// Validates every group; derived constructors call it last.
  void validate_all() {
    for (std::size_t g = 0; g < groups_.size(); ++g) validate(who(g), groups_[g].options);
  }
  void validate(const std::string& who, const Options& options) const override {
    Optimizer::validate(who, options);
    check(who, from_options(options));
  }
  /// The algorithm's checks of one group's options.
  virtual void check(const std::string& who, const O& options) const = 0;
};

// ---- SGD ------------------------------------------------------------------------------

/// Options of SGD (torch.optim.SGD's names and defaults; lr has no default).
struct SGDOptions {
  double lr;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
  template <class S, class F>
  static void fields(S& s, F&& f) {
    f("lr", s.lr), f("momentum", s.momentum), f("dampening", s.dampening),
        f("weight_decay", s.weight_decay), f("nesterov", s.nesterov);
  }
};

/// Stochastic gradient descent with optional momentum, dampening, L2 weight decay and
/// Nesterov momentum, exactly torch.optim.SGD. For each parameter p with gradient g:
///
///     g ← g + weight_decay·p                         (when weight_decay ≠ 0)
///     b ← g                                          (first step, when momentum ≠ 0)
///     b ← momentum·b + (1 − dampening)·g             (later steps)
///     g ← g + momentum·b  (nesterov)   or   g ← b    (when momentum ≠ 0)
///     p ← p − lr·g
class SGD : public OptimizerWith<SGDOptions> {
 public:
  /// Throws std::invalid_argument naming the option and its value when lr, momentum or
  /// weight_decay is negative (or NaN), or when nesterov is set with momentum 0 or
  /// dampening ≠ 0; and as Optimizer's constructor does for bad params.
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  /// One group per entry, each with its own options.
  explicit SGD(std::vector<ParamGroup<SGDOptions>> groups);
  void step() override;

 protected:
  void check(const std::string& who, const SGDOptions& o) const override;
};

// ---- Adam family ----------------------------------------------------------------------

/// Options of Adam (torch.optim.Adam's names and defaults; betas = (beta1, beta2)).
struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
  template <class S, class F>
  static void fields(S& s, F&& f) {
    f("lr", s.lr), f("beta1", s.beta1), f("beta2", s.beta2), f("eps", s.eps),
        f("weight_decay", s.weight_decay), f("amsgrad", s.amsgrad);
  }
};

/// Adam (Kingma & Ba 2015), exactly torch.optim.Adam. With step count t (per parameter,
/// starting at 1) and gradient g:
///
///     g ← g + weight_decay·p                          (L2 penalty, when weight_decay ≠ 0)
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     v_max ← max(v_max, v), and v ← v_max below      (amsgrad)
///     p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)
///
/// eps is added after the square root of the bias-corrected v̂, as PyTorch does.
class Adam : public OptimizerWith<AdamOptions> {
 public:
  /// Throws std::invalid_argument naming the option and its value when lr, eps or
  /// weight_decay is negative (or NaN) or a beta lies outside [0, 1).
  Adam(std::vector<Tensor> params, const AdamOptions& options = {});
  explicit Adam(std::vector<ParamGroup<AdamOptions>> groups);
  void step() override;

 protected:
  /// For AdamW: the same validation and buffers, with decoupled weight decay.
  Adam(std::vector<ParamGroup<AdamOptions>> groups, std::string name, bool decoupled_weight_decay);
  void check(const std::string& who, const AdamOptions& o) const override;

 private:
  bool decoupled_;
};

/// Options of AdamW: Adam's, with torch.optim.AdamW's default weight_decay 1e-2.
struct AdamWOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;
};

/// AdamW (Loshchilov & Hutter 2019), exactly torch.optim.AdamW: Adam with decoupled
/// weight decay. Before Adam's update (without the L2 term),
///
///     p ← p·(1 − lr·weight_decay)
class AdamW : public Adam {
 public:
  /// Throws as Adam's constructor does.
  AdamW(std::vector<Tensor> params, const AdamWOptions& options = {});
  explicit AdamW(std::vector<ParamGroup<AdamWOptions>> groups);
};

/// Options of Adamax (torch.optim.Adamax's names and defaults).
struct AdamaxOptions {
  double lr = 2e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  template <class S, class F>
  static void fields(S& s, F&& f) {
    f("lr", s.lr), f("beta1", s.beta1), f("beta2", s.beta2), f("eps", s.eps),
        f("weight_decay", s.weight_decay);
  }
};

/// Adamax, the infinity-norm variant of Adam, exactly torch.optim.Adamax:
///
///     g ← g + weight_decay·p
///     m ← β₁·m + (1 − β₁)·g,    u ← max(β₂·u, |g| + eps)
///     p ← p − lr/(1 − β₁ᵗ) · m / u
///
/// Buffers "exp_avg" (m) and "exp_inf" (u).
class Adamax : public OptimizerWith<AdamaxOptions> {
 public:
  /// Throws std::invalid_argument when lr, eps or weight_decay is negative or a beta
  /// lies outside [0, 1).
  Adamax(std::vector<Tensor> params, const AdamaxOptions& options = {});
  explicit Adamax(std::vector<ParamGroup<AdamaxOptions>> groups);
  void step() override;

 protected:
  void check(const std::string& who, const AdamaxOptions& o) const override;
};

/// Options of NAdam (torch.optim.NAdam's names and defaults).
struct NAdamOptions {
  double lr = 2e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum_decay = 4e-3;
  template <class S, class F>
  static void fields(S& s, F&& f) {
    f("lr", s.lr), f("beta1", s.beta1), f("beta2", s.beta2), f("eps", s.eps),
        f("weight_decay", s.weight_decay), f("momentum_decay", s.momentum_decay);
  }
};

/// NAdam (Dozat 2016), Adam with Nesterov momentum, exactly torch.optim.NAdam. With
/// μₜ = β₁·(1 − ½·0.96^(t·momentum_decay)) and the running product Πₜ = μ₁···μₜ (the
/// "mu_product" scalar of each parameter's state):
///
///     g ← g + weight_decay·p
///     m ← β₁·m + (1 − β₁)·g,    v ← β₂·v + (1 − β₂)·g²,    d = √(v/(1 − β₂ᵗ)) + eps
///     p ← p − lr·(1 − μₜ)/(1 − Πₜ) · g/d − lr·μₜ₊₁/(1 − Πₜ·μₜ·μₜ₊₁) · m/d
///
/// (Πₜ·μₜ·μₜ₊₁, not Πₜ·μₜ₊₁, in the second term: torch 1.13 does so.)
class NAdam : public OptimizerWith<NAdamOptions> {
 public:
  /// Throws std::invalid_argument when lr, eps, weight_decay or momentum_decay is
  /// negative or a beta lies outside [0, 1).
  NAdam(std::vector<Tensor> params, const NAdamOptions& options = {});
  explicit NAdam(std::vector<ParamGroup<NAdamOptions>> groups);
  void step() override;

 protected:
  void check(const std::string& who, const NAdamOptions& o) const override;
};

/// Options of RAdam (torch.optim.RAdam's names and defaults).
struct RAdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  template <class S, class F>
  static void fields(S& s, F&& f) {
    f("lr", s.lr), f("beta1", s.beta1), f("beta2", s.beta2), f("eps", s.eps),
        f("weight_decay", s.weight_decay);
  }
};

/// RAdam (Liu et al. 2020), Adam with a rectified adaptive rate, exactly torch.optim.RAdam.
/// With ρ∞ = 2/(1 − β₂) − 1 and ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ):
///
///     g ← g + weight_decay·p,   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
///     m̂ = m/(1 − β₁ᵗ)
///     ρₜ > 5: r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ)),  p ← p − lr·m̂·r·√(1 − β₂ᵗ)/(√v + eps)
///     else:   p ← p − lr·m̂
class RAdam : public OptimizerWith<RAdamOptions> {
 public:
  /// Throws std::invalid_argument when lr, eps or weight_decay is negative or a beta
  /// lies outside [0, 1).
  RAdam(std::vector<Tensor> params, const RAdamOptions& options = {});
  explicit RAdam(std::vector<ParamGroup<RAdamOptions>> groups);
  void step() override;

 protected:
  void check(const std::string& who, const RAdamOptions& o) const override;
};

// ---- RMSprop, Adagrad, Adadelta ---------------------------------------------------------

/// Options of RMSprop (torch.optim.RMSprop's names and defaults).
struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;
  template <class S, class F>
  static void fields(S& s, F&& f) {
    f("lr", s.lr), f("alpha", s.alpha), f("eps", s.eps), f("weight_decay", s.weight_decay),
        f("momentum", s.momentum), f("centered", s.centered);
  }
};

/// RMSprop (Hinton), exactly torch.optim.RMSprop:
///
///     g ← g + weight_decay·p
///     v ← α·v + (1 − α)·g²                               ("square_avg")
///     centered: ḡ ← α·ḡ + (1 − α)·g,  a = √(v − ḡ²) + eps ("grad_avg");  else a = √v + eps
///     momentum > 0: b ← momentum·b + g/a,  p ← p − lr·b  ("momentum_buffer")
///     else:         p ← p − lr·g/a
class RMSprop : public OptimizerWith<RMSpropOptions> {
 public:
  /// Throws std::invalid_argument when lr, alpha, eps, weight_decay or momentum is
  /// negative (or NaN).
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& options = {});
  explicit RMSprop(std::vector<ParamGroup<RMSpropOptions>> groups);
  void step() override;

 protected:
  void check(const std::string& who, const RMSpropOptions& o) const override;
};

/// Options of Adagrad (torch.optim.Adagrad's names and defaults).
struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double initial_accumulator_value = 0.0;
  double eps = 1e-10;
  template <class S, class F>
  static void fields(S& s, F&& f) {
    f("lr", s.lr), f("lr_decay", s.lr_decay), f("weight_decay", s.weight_decay),
        f("initial_accumulator_value", s.initial_accumulator_value), f("eps", s.eps);
  }
};

/// Adagrad (Duchi et al. 2011), exactly torch.optim.Adagrad:
///
///     g ← g + weight_decay·p
///     s ← s + g²                       ("sum", starting at initial_accumulator_value)
///     p ← p − lr/(1 + (t − 1)·lr_decay) · g/(√s + eps)
class Adagrad : public OptimizerWith<AdagradOptions> {
 public:
  /// Throws std::invalid_argument when an option is negative (or NaN).
  Adagrad(std::vector<Tensor> params, const AdagradOptions& options = {});
  explicit Adagrad(std::vector<ParamGroup<AdagradOptions>> groups);
  void step() override;

 protected:
  void check(const std::string& who, const AdagradOptions& o) const override;
};

/// Options of Adadelta (torch.optim.Adadelta's names and defaults).
struct AdadeltaOptions {
  double lr = 1.0;
  double rho = 0.9;
  double eps = 1e-6;
  double weight_decay = 0.0;
  template <class S, class F>
  static void fields(S& s, F&& f) {
    f("lr", s.lr), f("rho", s.rho), f("eps", s.eps), f("weight_decay", s.weight_decay);
  }
};

/// Adadelta (Zeiler 2012), exactly torch.optim.Adadelta:
///
///     g ← g + weight_decay·p
///     v ← ρ·v + (1 − ρ)·g²                      ("square_avg")
///     δ = √(u + eps)/√(v + eps) · g
///     u ← ρ·u + (1 − ρ)·δ²                      ("acc_delta")
///     p ← p − lr·δ
class Adadelta : public OptimizerWith<AdadeltaOptions> {
 public:
  /// Throws std::invalid_argument when lr, eps or weight_decay is negative or rho lies
  /// outside [0, 1].
  Adadelta(std::vector<Tensor> params, const AdadeltaOptions& options = {});
  explicit Adadelta(std::vector<ParamGroup<AdadeltaOptions>> groups);
  void step() override;

 protected:
  void check(const std::string& who, const AdadeltaOptions& o) const override;
};

// ---- LBFGS ----------------------------------------------------------------------------

/// Options of LBFGS (torch.optim.LBFGS's names and defaults). max_eval 0 stands for
/// torch's None: max_iter·5/4. line_search_fn is "" (none) or "strong_wolfe".
struct LBFGSOptions {
  double lr = 1.0;
  std::int64_t max_iter = 20;
  std::int64_t max_eval = 0;
  double tolerance_grad = 1e-7;
  double tolerance_change = 1e-9;
  std::int64_t history_size = 100;
  std::string line_search_fn;
  template <class S, class F>
  static void fields(S& s, F&& f) {
    f("lr", s.lr), f("max_iter", s.max_iter), f("max_eval", s.max_eval),
        f("tolerance_grad", s.tolerance_grad), f("tolerance_change", s.tolerance_change),
        f("history_size", s.history_size), f("line_search_fn", s.line_search_fn);
  }
};

/// L-BFGS, exactly torch.optim.LBFGS (after minFunc): each step(closure) runs up to
/// max_iter quasi-Newton iterations over all parameters flattened into one vector, with a
/// fixed step lr (the first scaled by min(1, 1/‖g‖₁)) or a strong-Wolfe line search. One
/// parameter group only. Computations run in float64 whatever the parameters' dtype. Its
/// state() adds "lbfgs.*" entries (the history of directions and steps), so a run can be
/// saved and resumed.
class LBFGS : public OptimizerWith<LBFGSOptions> {
 public:
  /// Throws std::invalid_argument when lr or a tolerance is negative, max_iter or
  /// history_size is < 1, max_eval is < 0, or line_search_fn is neither "" nor
  /// "strong_wolfe"; and as Optimizer's constructor does.
  LBFGS(std::vector<Tensor> params, const LBFGSOptions& options = {});
  /// `closure` zeroes the gradients, computes the loss, calls backward and returns the
  /// loss; it is called (with grad mode on) as often as the algorithm needs. Returns the
  /// loss of the first evaluation, as torch does.
  double step(std::function<double()> closure);
  /// Throws std::logic_error: LBFGS needs a closure.
  void step() override;
  StateList state() const override;
  void load_state(const StateList& state) override;

 protected:
  void check(const std::string& who, const LBFGSOptions& o) const override;

 private:
  std::vector<double> flat_grad() const;
  void add_to_params(double step, const std::vector<double>& d);
  std::vector<double> params_flat() const;
  void set_params(const std::vector<double>& x);

  std::int64_t func_evals_ = 0, n_iter_ = 0;
  std::vector<double> d_, prev_flat_grad_;
  double t_ = 0.0, h_diag_ = 1.0, prev_loss_ = 0.0;
  std::vector<std::vector<double>> old_dirs_, old_stps_;
  std::vector<double> ro_;
};

// ---- learning-rate schedules --------------------------------------------------------

/// Base of the schedules: call step() once per epoch (OneCycleLR: once per batch), after
/// the epoch's optimizer steps. A schedule records each group's base learning rate
/// (torch's base_lrs: the group's "initial_lr", which the first schedule built on the
/// optimizer sets to the group's lr at that time), and sets every group's learning rate
/// from a closed form of the epoch count and its own base lr. It keeps a reference to the
/// optimizer, which must outlive it.
class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  /// Advances one epoch and sets the optimizer's learning rates for it.
  virtual void step();
  /// The learning rate the schedule last set for group 0.
  double get_lr() const { return last_lr_.at(0); }
  /// The learning rates the schedule last set, per group (PyTorch's get_last_lr()).
  const std::vector<double>& get_last_lr() const noexcept { return last_lr_; }
  /// Epochs stepped so far (0 after construction).
  std::int64_t last_epoch() const noexcept { return last_epoch_; }
  /// Group 0's base learning rate.
  double base_lr() const { return base_lrs_.at(0); }
  /// Every group's base learning rate.
  const std::vector<double>& base_lrs() const noexcept { return base_lrs_; }
  /// The optimizer this schedule drives.
  Optimizer& optimizer() const noexcept { return optimizer_; }
  /// The schedule's state: "last_epoch", "base_lr.<g>" and "last_lr.<g>" (0-d float64),
  /// and whatever the schedule adds. load_state restores it (as torch's
  /// load_state_dict, it does not change the optimizer: load the optimizer's own state for
  /// that). Throws std::invalid_argument listing missing, extra and malformed entries.
  virtual StateList state() const;
  virtual void load_state(const StateList& state);

 protected:
  /// The closed-form learning rate of a group with base lr `base_lr` at `epoch`.
  virtual double lr_at(std::int64_t epoch, double base_lr) const = 0;
  /// Sets every group's rate to lr_at(last_epoch_, its base lr); derived constructors call
  /// it.
  virtual void apply();
  /// The name that prefixes this schedule's messages.
  virtual const char* kind() const = 0;

  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::int64_t last_epoch_ = 0;
  std::vector<double> last_lr_;

 private:
  friend class SequentialLR;
};

/// Decays the learning rate by gamma every step_size epochs (torch's StepLR):
///
///     lr(epoch) = base_lr · gamma^⌊epoch / step_size⌋
class StepLR : public LRScheduler {
 public:
  /// Throws std::invalid_argument when step_size < 1 or gamma is negative (or NaN).
  StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);

 protected:
  double lr_at(std::int64_t epoch, double base_lr) const override;
  const char* kind() const override { return "StepLR"; }

 private:
  std::int64_t step_size_;
  double gamma_;
};

/// Decays the learning rate by gamma at each milestone epoch (torch's MultiStepLR):
///
///     lr(epoch) = base_lr · gamma^(number of milestones ≤ epoch)
class MultiStepLR : public LRScheduler {
 public:
  /// Throws std::invalid_argument when a milestone is negative or gamma is negative (or
  /// NaN). Milestones may come in any order; one given twice counts twice, as torch.
  MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma = 0.1);

 protected:
  double lr_at(std::int64_t epoch, double base_lr) const override;
  const char* kind() const override { return "MultiStepLR"; }

 private:
  std::vector<std::int64_t> milestones_;
  double gamma_;
};

/// Decays the learning rate by gamma every epoch (torch's ExponentialLR):
///
///     lr(epoch) = base_lr · gamma^epoch
class ExponentialLR : public LRScheduler {
 public:
  /// Throws std::invalid_argument when gamma is negative (or NaN, or infinite).
  ExponentialLR(Optimizer& optimizer, double gamma);

 protected:
  double lr_at(std::int64_t epoch, double base_lr) const override;
  const char* kind() const override { return "ExponentialLR"; }

 private:
  double gamma_;
};

/// Scales the learning rate by a factor going linearly from start_factor to end_factor
/// over total_iters epochs, then constant (torch's LinearLR; a warm-up):
///
///     lr(epoch) = base_lr · (start + (end − start)·min(epoch, total_iters)/total_iters)
class LinearLR : public LRScheduler {
 public:
  /// Throws std::invalid_argument when start_factor is outside (0, 1], end_factor outside
  /// [0, 1] or total_iters < 1.
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0,
           std::int64_t total_iters = 5);

 protected:
  double lr_at(std::int64_t epoch, double base_lr) const override;
  const char* kind() const override { return "LinearLR"; }

 private:
  double start_, end_;
  std::int64_t total_;
};

/// Cosine annealing from base_lr down to eta_min over T_max epochs (torch's
/// CosineAnnealingLR, closed form; without restarts, so past T_max it rises again):
///
///     lr(epoch) = eta_min + (base_lr − eta_min)·(1 + cos(π·epoch / T_max)) / 2
class CosineAnnealingLR : public LRScheduler {
 public:
  /// Throws std::invalid_argument when T_max < 1 or eta_min is negative (or NaN).
  CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min = 0.0);

 protected:
  double lr_at(std::int64_t epoch, double base_lr) const override;
  const char* kind() const override { return "CosineAnnealingLR"; }

 private:
  std::int64_t t_max_;
  double eta_min_;
};

/// lr(epoch) = base_lr · lambda(epoch) (torch's LambdaLR), one function for every group or
/// one per group.
class LambdaLR : public LRScheduler {
 public:
  using Lambda = std::function<double(std::int64_t)>;
  /// Throws std::invalid_argument when the function is empty.
  LambdaLR(Optimizer& optimizer, Lambda lr_lambda);
  /// One function per group; throws std::invalid_argument when their number differs from
  /// the number of groups or one is empty.
  LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas);

 protected:
  double lr_at(std::int64_t epoch, double base_lr) const override;
  void apply() override;
  const char* kind() const override { return "LambdaLR"; }

 private:
  std::vector<Lambda> lambdas_;
};

/// Runs schedules one after another (torch's SequentialLR): schedules[k] drives the
/// learning rate from epoch milestones[k−1] on, restarted at its epoch 0 there. The
/// typical warm-up then cosine:
///
///     LinearLR warmup(opt, 0.1, 1.0, 5);
///     CosineAnnealingLR cosine(opt, 95);
///     SequentialLR schedule(opt, {&warmup, &cosine}, {5});
///
/// The schedules must be built on `optimizer` and outlive this one; step only this one.
/// Its state holds its own entries and each schedule's, prefixed "scheduler.<k>.".
class SequentialLR : public LRScheduler {
 public:
  /// Throws std::invalid_argument when schedulers is empty or holds a null pointer or a
  /// schedule of another optimizer, or milestones does not hold schedulers.size() − 1
  /// increasing positive epochs.
  SequentialLR(Optimizer& optimizer, std::vector<LRScheduler*> schedulers,
               std::vector<std::int64_t> milestones);
  void step() override;
  StateList state() const override;
  void load_state(const StateList& state) override;

 protected:
  double lr_at(std::int64_t epoch, double base_lr) const override;
  const char* kind() const override { return "SequentialLR"; }

 private:
  std::vector<LRScheduler*> schedulers_;
  std::vector<std::int64_t> milestones_;
};

/// Options of OneCycleLR (torch's names and defaults). Give total_steps, or epochs and
/// steps_per_epoch. max_lrs, when not empty, gives one max_lr per group.
struct OneCycleLROptions {
  double max_lr = 0.0;
  std::vector<double> max_lrs;
  std::int64_t total_steps = 0;
  std::int64_t epochs = 0;
  std::int64_t steps_per_epoch = 0;
  double pct_start = 0.3;
  std::string anneal_strategy = "cos";  ///< "cos" or "linear"
  bool cycle_momentum = true;
  double base_momentum = 0.85;
  double max_momentum = 0.95;
  double div_factor = 25.0;
  double final_div_factor = 1e4;
  bool three_phase = false;
};

/// The 1cycle policy (Smith 2018), exactly torch's OneCycleLR; step() once per batch,
/// total_steps times at most. The rate rises from max_lr/div_factor to max_lr over
/// pct_start of the steps, then falls to max_lr/(div_factor·final_div_factor) (three_phase:
/// back to the start over as many steps, then down to the minimum), annealed by cosine or
/// linearly. With cycle_momentum, the group's "beta1" (Adam family) or "momentum" (SGD,
/// RMSprop) moves the other way between max_momentum and base_momentum.
class OneCycleLR : public LRScheduler {
 public:
  /// Throws std::invalid_argument for a missing or non-positive total_steps (or epochs,
  /// steps_per_epoch), pct_start outside [0, 1], an unknown anneal_strategy, a max_lrs of
  /// the wrong length, or cycle_momentum on an optimizer without momentum or beta1.
  OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options);
  /// Throws std::logic_error when stepped past total_steps.
  void step() override;
  std::int64_t total_steps() const noexcept { return total_steps_; }

 protected:
  double lr_at(std::int64_t epoch, double base_lr) const override;
  void apply() override;
  const char* kind() const override { return "OneCycleLR"; }

 private:
  struct Phase {
    double end_step;
    int start_lr, end_lr, start_m, end_m;  // 0 initial, 1 max, 2 min / 0 max_m, 1 base_m
  };
  double anneal(double start, double end, double pct) const;
  OneCycleLROptions options_;
  std::int64_t total_steps_;
  std::vector<Phase> phases_;
  std::vector<double> max_lrs_, min_lrs_;
  std::string momentum_name_;  ///< "beta1", "momentum" or "" (not cycled)
};

/// Options of ReduceLROnPlateau (torch's names and defaults). min_lrs, when not empty,
/// gives one min_lr per group.
struct ReduceLROnPlateauOptions {
  std::string mode = "min";  ///< "min" or "max"
  double factor = 0.1;
  std::int64_t patience = 10;
  double threshold = 1e-4;
  std::string threshold_mode = "rel";  ///< "rel" or "abs"
  std::int64_t cooldown = 0;
  double min_lr = 0.0;
  std::vector<double> min_lrs;
  double eps = 1e-8;
};

/// Reduces every group's learning rate by factor when a metric has stopped improving for
/// patience epochs, exactly torch's ReduceLROnPlateau: call step(metric) once per epoch.
/// A metric is better than the best so far when (mode min, rel) m < best·(1 − threshold),
/// (min, abs) m < best − threshold, (max, rel) m > best·(1 + threshold), (max, abs)
/// m > best + threshold. After a reduction, cooldown epochs pass before bad epochs count
/// again; a reduction smaller than eps is skipped.
class ReduceLROnPlateau {
 public:
  /// Throws std::invalid_argument for an unknown mode or threshold_mode, factor outside
  /// [0, 1), a negative patience, cooldown, threshold, min_lr or eps, or min_lrs of the
  /// wrong length.
  explicit ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options = {});
  /// Records one epoch's metric and reduces the rates when it is time.
  void step(double metric);
  const std::vector<double>& get_last_lr() const noexcept { return last_lr_; }
  std::int64_t last_epoch() const noexcept { return last_epoch_; }
  double best() const noexcept { return best_; }
  std::int64_t num_bad_epochs() const noexcept { return num_bad_epochs_; }
  std::int64_t cooldown_counter() const noexcept { return cooldown_counter_; }
  /// "last_epoch", "best", "num_bad_epochs", "cooldown_counter" (0-d float64).
  StateList state() const;
  /// Restores state(); throws std::invalid_argument listing missing, extra and malformed
  /// entries.
  void load_state(const StateList& state);

 private:
  bool is_better(double a) const;
  Optimizer& optimizer_;
  ReduceLROnPlateauOptions options_;
  std::vector<double> min_lrs_;
  std::int64_t last_epoch_ = 0;
  double best_;
  std::int64_t num_bad_epochs_ = 0;
  std::int64_t cooldown_counter_ = 0;
  std::vector<double> last_lr_;
};

// ---- gradient clipping --------------------------------------------------------------

/// Clips the gradients of `params` by their global p-norm (torch's clip_grad_norm_):
///
///     total = (Σ over params Σ over elements |g|^p)^(1/p)   (p = inf: max |g|; in double)
///     g ← g · min(1, max_norm / (total + 1e-6))             (in place)
///
/// Parameters without a gradient are skipped (no gradient at all: total 0). Returns
/// total, the norm before clipping. When total is NaN or infinite, throws
/// std::runtime_error if error_if_nonfinite, else leaves the gradients unchanged and
/// returns total, so the caller can detect the bad step and skip it (torch would scale
/// them by NaN or 0). Throws std::invalid_argument when max_norm is negative or NaN, or
/// norm_type is not positive.
double clip_grad_norm_(std::vector<Tensor>& params, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

/// Clamps every gradient of `params` into [−clip_value, clip_value] in place (torch's
/// clip_grad_value_). Throws std::invalid_argument when clip_value is negative or NaN.
void clip_grad_value_(std::vector<Tensor>& params, double clip_value);

}  // namespace nabla::optim
