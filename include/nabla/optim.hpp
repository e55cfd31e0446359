#pragma once
/// \file optim.hpp
/// Optimizers (SGD, Adam, AdamW), learning-rate schedules (StepLR, CosineAnnealingLR) and
/// gradient-norm clipping, following torch.optim's algorithms and names.
///
/// They use only the public Tensor and op API. Updates run under a NoGradGuard with the
/// in-place methods (add_, mul_, copy_), so each step bumps the parameters' version
/// counters: a graph built before the step that saved a parameter throws at backward.
///
/// A typical loop, as in PyTorch:
///
///     nabla::optim::Adam opt(params, {.lr = 1e-3});
///     for (...) { opt.zero_grad(); loss(...).backward(); opt.step(); }

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nabla/tensor.hpp"

namespace nabla::optim {

/// Named optimizer state: ("param.<i>.<buffer>", tensor) pairs, i the parameter's index.
using StateList = std::vector<std::pair<std::string, Tensor>>;

/// Base of the optimizers: the parameters, the learning rate and per-parameter state.
///
/// Per-parameter state is allocated when the optimizer is built, so state() always lists
/// the same names for a given optimizer and options. Each parameter has a step count
/// "param.<i>.step" (a 0-d float64 tensor, 0 until the parameter is first updated) and the
/// buffers of its algorithm. Parameters whose grad() is undefined are skipped by step()
/// and keep their state (including their step count) unchanged, as in PyTorch.
class Optimizer {
 public:
  /// Throws std::invalid_argument when `params` is empty or holds an undefined tensor, a
  /// non-leaf (an optimizer updates leaves only) or the same tensor twice; `lr` must be ≥ 0.
  Optimizer(std::vector<Tensor> params, double lr, std::string name);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Updates every parameter that has a gradient, by the optimizer's rule.
  virtual void step() = 0;
  /// Clears every parameter's gradient (PyTorch's set_to_none behaviour: grad() becomes
  /// undefined, so the next backward stores a fresh gradient).
  void zero_grad();
  /// The learning rate used by the next step().
  double lr() const noexcept { return lr_; }
  /// Sets the learning rate (schedules call this). Throws std::invalid_argument when
  /// `lr` is negative or NaN.
  void set_lr(double lr);
  /// The parameters, in the order given at construction.
  const std::vector<Tensor>& params() const noexcept { return params_; }
  /// The algorithm's name: "SGD", "Adam", "AdamW" (what error messages and nabla::save
  /// call it).
  const std::string& name() const noexcept { return name_; }

  /// A copy of the optimizer state, for serialization: for each parameter i, in order,
  /// "param.<i>.step" then the algorithm's buffers ("param.<i>.momentum_buffer" for SGD
  /// with momentum; "param.<i>.exp_avg", "param.<i>.exp_avg_sq" and, with amsgrad,
  /// "param.<i>.max_exp_avg_sq" for Adam and AdamW). The tensors are copies: changing
  /// them does not change the optimizer.
  StateList state() const;
  /// Replaces the state with `state`, which must hold exactly the names state() returns,
  /// each of the same shape (in any order; values are converted to the buffer's dtype).
  /// Throws std::invalid_argument listing the missing, extra and mis-shaped entries (and
  /// step counts that are not non-negative integers), leaving the state unchanged.
  void load_state(const StateList& state);

 protected:
  /// One parameter's state: its step count and its named buffers (same shape and dtype
  /// as the parameter).
  struct ParamState {
    std::int64_t step = 0;
    std::vector<std::pair<std::string, Tensor>> buffers;
    /// The buffer called `name` (it must exist).
    Tensor& buffer(const std::string& name);
  };
  /// Adds a zero buffer called `name` to every parameter's state.
  void add_buffer(const std::string& name);
  /// Called by step() for parameter `i` before its update: when the parameter's shape or
  /// dtype changed since its state was made (model.to(f64) after the optimizer was built),
  /// state that was never used is made anew, as PyTorch makes state lazily; state that
  /// has seen steps throws std::logic_error naming the optimizer, the parameter and both
  /// layouts.
  void check_state(std::size_t i);

  std::vector<Tensor> params_;
  std::vector<ParamState> state_;
  double lr_;
  std::string name_;  ///< "SGD", "Adam", "AdamW": prefixes error messages.
};

/// Options of SGD (torch.optim.SGD's names and defaults; lr has no default).
struct SGDOptions {
  double lr;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

/// Stochastic gradient descent with optional momentum, dampening, L2 weight decay and
/// Nesterov momentum, exactly torch.optim.SGD. For each parameter p with gradient g:
///
///     g ← g + weight_decay·p                         (when weight_decay ≠ 0)
///     b ← g                                          (first step, when momentum ≠ 0)
///     b ← momentum·b + (1 − dampening)·g             (later steps)
///     g ← g + momentum·b  (nesterov)   or   g ← b    (when momentum ≠ 0)
///     p ← p − lr·g
class SGD : public Optimizer {
 public:
  /// Throws std::invalid_argument naming the option and its value when lr, momentum or
  /// weight_decay is negative (or NaN), or when nesterov is set with momentum 0 or
  /// dampening ≠ 0; and as Optimizer's constructor does for bad params.
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  void step() override;
  const SGDOptions& options() const noexcept { return options_; }

 private:
  SGDOptions options_;
};

/// Options of Adam (torch.optim.Adam's names and defaults).
struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
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
class Adam : public Optimizer {
 public:
  /// Throws std::invalid_argument naming the option and its value when lr, eps or
  /// weight_decay is negative (or NaN) or a beta lies outside [0, 1).
  Adam(std::vector<Tensor> params, const AdamOptions& options = {});
  void step() override;
  const AdamOptions& options() const noexcept { return options_; }

 protected:
  /// For AdamW: the same validation and buffers, with decoupled weight decay.
  Adam(std::vector<Tensor> params, const AdamOptions& options, std::string name,
       bool decoupled_weight_decay);

 private:
  AdamOptions options_;
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
};

// ---- learning-rate schedules --------------------------------------------------------

/// Base of the schedules: call step() once per epoch, after the epoch's optimizer steps.
/// The schedule records the optimizer's learning rate at construction as base_lr, and
/// sets the optimizer's learning rate from a closed form of the epoch count. It keeps a
/// reference to the optimizer, which must outlive it.
class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  /// Advances one epoch and sets the optimizer's learning rate for it.
  void step();
  /// The learning rate the schedule last set (PyTorch's get_last_lr()).
  double get_lr() const noexcept { return last_lr_; }
  /// Epochs stepped so far (0 after construction).
  std::int64_t last_epoch() const noexcept { return last_epoch_; }
  /// The optimizer's learning rate when the schedule was built.
  double base_lr() const noexcept { return base_lr_; }

 protected:
  /// The closed-form learning rate at `epoch`.
  virtual double lr_at(std::int64_t epoch) const = 0;
  /// Sets the optimizer's rate to lr_at(last_epoch_); derived constructors call it.
  void apply();

 private:
  Optimizer& optimizer_;
  double base_lr_;
  std::int64_t last_epoch_ = 0;
  double last_lr_;
};

/// Decays the learning rate by gamma every step_size epochs (torch's StepLR):
///
///     lr(epoch) = base_lr · gamma^⌊epoch / step_size⌋
class StepLR : public LRScheduler {
 public:
  /// Throws std::invalid_argument when step_size < 1 or gamma is negative (or NaN).
  StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);

 protected:
  double lr_at(std::int64_t epoch) const override;

 private:
  std::int64_t step_size_;
  double gamma_;
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
  double lr_at(std::int64_t epoch) const override;

 private:
  std::int64_t t_max_;
  double eta_min_;
};

// ---- gradient clipping --------------------------------------------------------------

/// Clips the gradients of `params` by their global L2 norm (torch's clip_grad_norm_).
///
///     total = √(Σ over params Σ over elements g²)     (computed in double)
///     g ← g · max_norm / (total + 1e-6)               (in place, when total > max_norm)
///
/// Parameters without a gradient are skipped. Returns total, the norm before clipping.
/// When total is NaN or infinite the gradients are left unchanged and total is returned,
/// so the caller can detect the bad step and skip it. Throws std::invalid_argument when
/// max_norm is negative or NaN.
double clip_grad_norm_(std::vector<Tensor>& params, double max_norm);

}  // namespace nabla::optim
