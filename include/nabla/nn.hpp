#pragma once
/// \file nn.hpp
/// Building blocks of feedforward models, after torch.nn: Module (named parameters,
/// submodules, train/eval), Linear, Sequential, Flatten, activation modules, Dropout, loss
/// modules, and the initializers of nabla::nn::init.
///
/// Everything here uses only the public Tensor and op API. A model of your own is a Module
/// that registers its parameters and submodules and overrides forward():
///
///     namespace nn = nabla::nn;
///     struct Net : nn::Module {
///       Net() : Module("Net") {}
///       std::shared_ptr<nn::Linear> fc1 = register_module("fc1", nn::Linear(784, 128));
///       std::shared_ptr<nn::Linear> fc2 = register_module("fc2", nn::Linear(128, 10));
///       nabla::Tensor forward(const nabla::Tensor& x) override {
///         return (*fc2)(nabla::relu((*fc1)(x)));
///       }
///     };
///
/// or, for a plain stack of layers:
///
///     nabla::nn::Sequential model(nabla::nn::Linear(784, 256), nabla::nn::ReLU(),
///                                 nabla::nn::Linear(256, 10));

#include <concepts>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nabla/ops.hpp"
#include "nabla/tensor.hpp"

namespace nabla::nn {

/// (name, tensor) pairs in a fixed order: the form of named_parameters() and state_dict().
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Module;

/// (name, module) pairs: the form of named_modules() and named_children(). The pointers
/// are the modules themselves (owned by their parent, or by you for the root).
using NamedModules = std::vector<std::pair<std::string, Module*>>;

/// Runs before forward on the module's input; returns a replacement input, or an
/// undefined Tensor() to keep it (PyTorch's register_forward_pre_hook).
using ForwardPreHook = std::function<Tensor(Module&, const Tensor& input)>;
/// Runs after forward; returns a replacement output, or Tensor() to keep it.
using ForwardHook = std::function<Tensor(Module&, const Tensor& input, const Tensor& output)>;
/// Runs in backward once the gradients of the module's output (grad_output) and of its
/// input (grad_input, undefined when the input needs none) are known; returns a
/// replacement grad_input, or Tensor() to keep it (PyTorch's register_full_backward_hook).
using BackwardHook =
    std::function<Tensor(Module&, const Tensor& grad_input, const Tensor& grad_output)>;

/// What load_state_dict(state, false) reports (PyTorch's _IncompatibleKeys).
struct LoadResult {
  std::vector<std::string> missing_keys;     ///< in the model, not in the state
  std::vector<std::string> unexpected_keys;  ///< in the state, not in the model
};

/// Base of every layer and model.
///
/// A module owns named parameters (leaf tensors that require gradients), named buffers
/// (tensors that are part of its state but not trained, such as BatchNorm's running
/// statistics) and named submodules. named_parameters() lists its own parameters in
/// registration order and then each submodule's, prefixed by the submodule's name and a
/// dot ("0.weight", "fc1.bias"); state_dict() lists, for each module, its parameters, then
/// its persistent buffers, then its submodules' entries: exactly PyTorch's names and
/// order, so a saved model's names match a PyTorch state_dict of the same architecture.
///
/// Calling a module (`m(x)`) runs its forward pre-hooks, forward() and its forward hooks,
/// and arranges its backward hooks; calling m.forward(x) directly skips the hooks, as in
/// PyTorch.
///
/// Modules are moved, not copied: a copy would share parameters silently.
class Module {
 public:
  /// `type_name` is what printing and error messages call the module ("Linear", "Net").
  explicit Module(std::string type_name = "Module");
  virtual ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&& other) noexcept;
  Module& operator=(Module&& other) noexcept;

  /// The module's computation on one input. The default throws std::logic_error naming
  /// the module: a module whose forward takes other arguments defines its own method.
  virtual Tensor forward(const Tensor& x);
  /// forward(x), with the module's hooks when it has any.
  Tensor operator()(const Tensor& x) { return hooks_ ? call_with_hooks(x) : forward(x); }

  // ---- parameters, buffers, submodules ---------------------------------------------
  /// Every parameter of this module and its submodules, in named_parameters() order
  /// (the handles themselves: an optimizer built from them updates the module).
  std::vector<Tensor> parameters() const;
  /// (qualified name, parameter) pairs: own parameters first, then each submodule's.
  /// Also gives each parameter its qualified name as display name (Tensor::name(), shown
  /// by to_dot), unless the user named it.
  NamedTensors named_parameters() const;
  /// Total number of scalar parameters.
  std::int64_t num_parameters() const;
  /// Every defined buffer of this module and its submodules (persistent or not), in
  /// named_buffers() order.
  std::vector<Tensor> buffers() const;
  /// (qualified name, buffer) pairs: own buffers first, then each submodule's.
  NamedTensors named_buffers() const;
  /// The direct submodules, in registration order.
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const {
    return children_;
  }
  /// The direct submodules.
  std::vector<Module*> children() const;
  /// This module (named "") and every module below it, depth first in registration order
  /// ("features", "features.0", ...), each once even when registered twice. `prefix`
  /// is put before each name (PyTorch's named_modules(prefix=...)).
  NamedModules named_modules(const std::string& prefix = "");
  /// The modules of named_modules(), without names.
  std::vector<Module*> modules();
  /// Calls fn on every submodule (depth first, children before their parent) and then on
  /// this module, as PyTorch's apply: `model.apply(init_weights)`.
  Module& apply(const std::function<void(Module&)>& fn);
  /// The submodule called `name` (a direct child, or a dotted path "features.0").
  /// Throws std::out_of_range naming what is there.
  Module& submodule(const std::string& name) const;

  /// Sets training mode on this module and every submodule (Dropout and BatchNorm behave
  /// differently in training). Modules start in training mode.
  Module& train(bool on = true);
  /// train(false).
  Module& eval() { return train(false); }
  bool is_training() const noexcept { return training_; }

  /// Sets requires_grad on every parameter (false freezes the module: an optimizer then
  /// skips parameters without gradients). PyTorch's Module.requires_grad_.
  Module& requires_grad_(bool requires_grad = true);
  /// Clears the gradient of every parameter (grad() becomes undefined, as PyTorch's
  /// set_to_none).
  void zero_grad();

  /// Converts every floating parameter and buffer to `dtype` in place (Tensor::set_data):
  /// handles kept from register_parameter stay valid, names and requires_grad are kept,
  /// gradients cleared. Integer buffers (BatchNorm's num_batches_tracked) keep their
  /// dtype, as in PyTorch; `dtype` must be floating. An optimizer built before keeps state
  /// of the old dtype: build optimizers after to(), as in PyTorch.
  Module& to(Dtype dtype);

  /// The parameters and persistent buffers by qualified name, detached (sharing storage,
  /// not tracked by autograd): what nabla::save writes. Order and names are PyTorch's.
  NamedTensors state_dict() const;
  /// Copies `state` into the parameters and persistent buffers, converting dtypes.
  /// With `strict` (the default), every entry must be present with its exact shape and
  /// no other name may appear; otherwise throws std::invalid_argument listing the missing,
  /// unexpected and mis-shaped names (with both shapes) and changes nothing. Without
  /// `strict`, the names found are loaded and the others are returned; a shape mismatch
  /// still throws (as in PyTorch) and changes nothing.
  LoadResult load_state_dict(const NamedTensors& state, bool strict = true);

  // ---- hooks -------------------------------------------------------------------------
  /// Registers a hook run on the input before each call's forward. The handle's remove()
  /// takes it away.
  RemovableHandle register_forward_pre_hook(ForwardPreHook hook);
  /// Registers a hook run on the input and output after each call's forward.
  RemovableHandle register_forward_hook(ForwardHook hook);
  /// Registers a hook run in backward with the gradients of the module's input and
  /// output, for calls made after registration (while grad mode is on and the output
  /// requires grad). The module must outlive the backward: a hook whose module is gone
  /// makes backward throw std::logic_error.
  RemovableHandle register_full_backward_hook(BackwardHook hook);

  // ---- printing ----------------------------------------------------------------------
  /// The type name given at construction ("Linear").
  const std::string& type_name() const noexcept { return type_name_; }
  /// What printing shows inside the parentheses, e.g. "in_features=784, out_features=10,
  /// bias=True" (empty by default).
  virtual std::string extra_repr() const { return {}; }

  /// The parameter registered as `name` here. Throws std::out_of_range.
  const Tensor& parameter(const std::string& name) const;
  /// The buffer registered as `name` here (undefined when registered so). Throws
  /// std::out_of_range.
  const Tensor& buffer(const std::string& name) const;

 protected:
  /// Registers `tensor` as a parameter called `name` (no dots; unique within the module),
  /// marks it as requiring gradients and returns it. Throws std::invalid_argument for an
  /// undefined or non-leaf tensor, an empty or dotted name, or a name already taken.
  Tensor register_parameter(const std::string& name, Tensor tensor);
  /// Registers `tensor` as a buffer called `name` (same name rules): in state_dict() when
  /// `persistent`, converted by to(), never in parameters(). It may be undefined (left out
  /// of state_dict, as PyTorch's None buffers). A buffer that requires grad is refused.
  Tensor register_buffer(const std::string& name, Tensor tensor, bool persistent = true);

  // (clang-format 14 mangles requires-clauses.)
  // clang-format off
  /// Registers `module` as a submodule called `name` and returns it; same name rules.
  template <class M>
    requires std::derived_from<M, Module>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }
  /// Registers a module given by value (moved into shared ownership).
  template <class M>
    requires std::derived_from<std::decay_t<M>, Module> && (!std::is_lvalue_reference_v<M>)
  std::shared_ptr<std::decay_t<M>> register_module(const std::string& name, M&& module) {
    return register_module(name, into_shared(std::move(module)));
  }
  // clang-format on

  /// Puts `module` in place of the submodule called `name` (same position), or registers
  /// it when there is none (ModuleDict's assignment).
  void replace_module(const std::string& name, std::shared_ptr<Module> module);

  /// A module moved into shared ownership.
  template <class M>
  static std::shared_ptr<M> into_shared(M&& module) {
    return std::make_shared<M>(std::move(module));
  }
  /// A container argument as a handle: moved into shared ownership, or the handle given.
  template <class M>
  static std::shared_ptr<Module> as_shared(M&& module) {
    if constexpr (std::derived_from<std::decay_t<M>, Module>) {
      return into_shared(std::move(module));
    } else {
      return std::shared_ptr<Module>(std::forward<M>(module));
    }
  }

 private:
  struct Hooks;
  struct Buffer {
    std::string name;
    Tensor tensor;
    bool persistent;
  };
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const char* what, const std::string& name) const;
  void collect(const std::string& prefix, NamedTensors& out) const;
  void collect_buffers(const std::string& prefix, NamedTensors& out) const;
  void collect_state(const std::string& prefix, NamedTensors& out) const;
  void collect_modules(const std::string& prefix, NamedModules& out);
  Tensor call_with_hooks(const Tensor& x);
  friend std::ostream& operator<<(std::ostream& os, const Module& m);

  std::string type_name_;
  NamedTensors params_;
  std::vector<Buffer> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
  std::shared_ptr<Hooks> hooks_;  // null until a hook is registered
  // Where this module lives, for backward hooks that run after the call: moved with the
  // module, cleared by its destructor.
  std::shared_ptr<Module*> self_;
};

/// Prints the module tree as PyTorch does:
///
///     Sequential(
///       (0): Linear(in_features=784, out_features=10, bias=True)
///       (1): ReLU()
///     )
std::ostream& operator<<(std::ostream& os, const Module& m);
/// The printed form as a string.
std::string to_string(const Module& m);

/// Options shared by the layers' constructors.
struct LayerOptions {
  Dtype dtype = f32;
  Generator* generator = nullptr;  ///< for the initial weights; nullptr: the default one
};

/// Affine layer: result = x · weightᵀ + bias.
///   weight: [out_features, in_features], bias: [out_features]
///   x: [..., in_features] → result: [..., out_features]
/// Initialized as torch.nn.Linear: weight by kaiming_uniform_ with a = √5 and bias from
/// U(−1/√in_features, 1/√in_features), so both are U(−1/√fan_in, 1/√fan_in).
class Linear : public Module {
 public:
  /// Throws std::invalid_argument when a feature count is < 1.
  Linear(std::int64_t in_features, std::int64_t out_features, bool bias = true,
         LayerOptions options = {});
  /// Throws std::invalid_argument naming the layer and both sizes when x's last extent is
  /// not in_features, or x is 0-d.
  Tensor forward(const Tensor& x) override;
  const Tensor& weight() const { return parameter("weight"); }
  /// The bias; undefined when built with bias = false.
  Tensor bias() const;
  std::int64_t in_features() const noexcept { return in_; }
  std::int64_t out_features() const noexcept { return out_; }
  std::string extra_repr() const override;

 private:
  std::int64_t in_, out_;
  bool has_bias_;
};

/// A module given to a container constructor: moved in by value, or shared by handle.
template <class M>
concept ModuleArg =
    (std::derived_from<std::decay_t<M>, Module> && !std::is_lvalue_reference_v<M>) ||
    requires(M m) {
      { std::shared_ptr<Module>(m) };
    };

/// Modules applied one after another; submodules are named "0", "1", ...
///
/// Sequential(Sequential(a, b), c) nests, as in PyTorch: the inner Sequential becomes
/// module "0" and its parameters are "0.0.weight", .... With a single argument C++ itself
/// decides otherwise: `Sequential(Sequential(a, b))` *is* Sequential(a, b) (a prvalue of
/// the same type initializes the object directly, no constructor runs). To wrap one
/// Sequential in another, pass it by handle: `Sequential(std::make_shared<Sequential>(a,
/// b))`, or push_back it.
class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  // (clang-format 14 mangles requires-clauses.)
  // clang-format off
  /// Sequential(Linear(2, 2), Sigmoid(), ...): each module moved in, or shared when given
  /// as a std::shared_ptr.
  template <class... Ms>
    requires(sizeof...(Ms) > 0 && (ModuleArg<Ms> && ...))
  explicit Sequential(Ms&&... modules) : Module("Sequential") {
    (push_back(as_shared(std::forward<Ms>(modules))), ...);
  }
  /// Appends a module (shared: the caller may keep a handle to it).
  void push_back(std::shared_ptr<Module> module);
  /// Appends a module given by value.
  template <class M>
    requires std::derived_from<std::decay_t<M>, Module> && (!std::is_lvalue_reference_v<M>)
  void push_back(M&& module) {
    push_back(std::shared_ptr<Module>(into_shared(std::move(module))));
  }
  // clang-format on
  /// Runs every module in order (through their operator(), so their hooks run). Throws
  /// std::logic_error when empty.
  Tensor forward(const Tensor& x) override;
  std::size_t size() const noexcept { return named_children().size(); }
  /// Module i. Throws std::out_of_range.
  Module& operator[](std::size_t i) const;
  /// Module i as its concrete type. Throws std::out_of_range, or std::invalid_argument
  /// when it is not an M.
  template <class M>
  M& at(std::size_t i) const {
    auto* m = dynamic_cast<M*>(&(*this)[i]);
    if (m == nullptr) throw_wrong_type(i);
    return *m;
  }

 private:
  [[noreturn]] void throw_wrong_type(std::size_t i) const;
};

/// A list of submodules, named "0", "1", ..., for models that run them themselves
/// (torch.nn.ModuleList): registered, so their parameters are the owner's, but with no
/// forward of its own.
class ModuleList : public Module {
 public:
  ModuleList() : Module("ModuleList") {}
  // clang-format off
  /// ModuleList(Linear(2, 2), Linear(2, 2), ...): each module moved in (or shared, given
  /// as a std::shared_ptr).
  template <class... Ms>
    requires(sizeof...(Ms) > 0 && (ModuleArg<Ms> && ...))
  explicit ModuleList(Ms&&... modules) : Module("ModuleList") {
    (push_back(as_shared(std::forward<Ms>(modules))), ...);
  }
  /// Appends a module given by value.
  template <class M>
    requires std::derived_from<std::decay_t<M>, Module> && (!std::is_lvalue_reference_v<M>)
  void push_back(M&& module) {
    push_back(std::shared_ptr<Module>(into_shared(std::move(module))));
  }
  // clang-format on
  /// Appends a module (shared: the caller may keep a handle to it). PyTorch's append.
  void push_back(std::shared_ptr<Module> module);
  /// Appends every module of `modules`.
  void extend(const std::vector<std::shared_ptr<Module>>& modules);
  std::size_t size() const noexcept { return named_children().size(); }
  /// Module i (negative counts from the end, as PyTorch). Throws std::out_of_range.
  Module& operator[](std::int64_t i) const;
  /// Module i as its concrete type. Throws std::out_of_range, or std::invalid_argument.
  template <class M>
  M& at(std::int64_t i) const {
    auto* m = dynamic_cast<M*>(&(*this)[i]);
    if (m == nullptr) throw_wrong_type(i);
    return *m;
  }
  /// The modules, in order (for range-for: `for (auto& m : list) (*m)(x)`).
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

 private:
  [[noreturn]] void throw_wrong_type(std::int64_t i) const;
  std::vector<std::shared_ptr<Module>> modules_;
};

/// Submodules by name, in insertion order (torch.nn.ModuleDict); no forward of its own.
class ModuleDict : public Module {
 public:
  ModuleDict() : Module("ModuleDict") {}
  /// Adds `module` as `key` (no dots), or replaces the module there (as PyTorch's
  /// `d[key] = m`; the replaced one keeps its place in the order).
  void insert(const std::string& key, std::shared_ptr<Module> module);
  // clang-format off
  /// insert for a module given by value.
  template <class M>
    requires std::derived_from<std::decay_t<M>, Module> && (!std::is_lvalue_reference_v<M>)
  void insert(const std::string& key, M&& module) {
    insert(key, std::shared_ptr<Module>(into_shared(std::move(module))));
  }
  // clang-format on
  /// The module at `key`. Throws std::out_of_range listing the keys.
  Module& operator[](const std::string& key) const;
  /// The module at `key` as its concrete type. Throws std::out_of_range or
  /// std::invalid_argument.
  template <class M>
  M& at(const std::string& key) const {
    auto* m = dynamic_cast<M*>(&(*this)[key]);
    if (m == nullptr) throw_wrong_type(key);
    return *m;
  }
  bool contains(const std::string& key) const;
  /// The keys, in insertion order.
  std::vector<std::string> keys() const;
  std::size_t size() const noexcept { return named_children().size(); }

 private:
  [[noreturn]] void throw_wrong_type(const std::string& key) const;
};

/// Flattens dimensions start_dim..end_dim into one (torch.nn.Flatten; defaults 1, -1):
/// [N, 28, 28] → [N, 784]. Shares storage with its input (a reshape).
class Flatten : public Module {
 public:
  explicit Flatten(std::int64_t start_dim = 1, std::int64_t end_dim = -1);
  /// Throws std::invalid_argument when the dims are out of range for x or start > end.
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  std::int64_t start_, end_;
};

/// Elementwise logistic function, nabla::sigmoid.
class Sigmoid : public Module {
 public:
  Sigmoid() : Module("Sigmoid") {}
  Tensor forward(const Tensor& x) override { return sigmoid(x); }
};

/// Elementwise hyperbolic tangent, nabla::tanh.
class Tanh : public Module {
 public:
  Tanh() : Module("Tanh") {}
  Tensor forward(const Tensor& x) override { return tanh(x); }
};

/// Elementwise max(x, 0), nabla::relu.
class ReLU : public Module {
 public:
  ReLU() : Module("ReLU") {}
  Tensor forward(const Tensor& x) override { return relu(x); }
};

/// Softmax along `dim` (default the last), nabla::softmax.
class Softmax : public Module {
 public:
  explicit Softmax(std::int64_t dim = -1) : Module("Softmax"), dim_(dim) {}
  Tensor forward(const Tensor& x) override { return softmax(x, dim_); }
  std::string extra_repr() const override;

 private:
  std::int64_t dim_;
};

/// Log-softmax along `dim` (default the last), nabla::log_softmax.
class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(std::int64_t dim = -1) : Module("LogSoftmax"), dim_(dim) {}
  Tensor forward(const Tensor& x) override { return log_softmax(x, dim_); }
  std::string extra_repr() const override;

 private:
  std::int64_t dim_;
};

/// A double as Python's repr prints it ("1.0", "0.01", "1e-05"), for printing modules as
/// PyTorch does.
std::string py_float(double v);

// ---- activation modules: one per activation of the op library (nabla/activations.hpp),
// with torch.nn's names, defaults and printing.

/// nabla::gelu; approximate "none" (exact, erf) or "tanh".
class GELU : public Module {
 public:
  explicit GELU(std::string approximate = "none");
  Tensor forward(const Tensor& x) override { return gelu(x, approximate_); }
  std::string extra_repr() const override { return "approximate='" + approximate_ + "'"; }

 private:
  std::string approximate_;
};

/// nabla::silu, x·σ(x).
class SiLU : public Module {
 public:
  SiLU() : Module("SiLU") {}
  Tensor forward(const Tensor& x) override { return silu(x); }
};

/// nabla::mish, x·tanh(softplus(x)).
class Mish : public Module {
 public:
  Mish() : Module("Mish") {}
  Tensor forward(const Tensor& x) override { return mish(x); }
};

/// nabla::softplus(x, beta, threshold).
class Softplus : public Module {
 public:
  explicit Softplus(double beta = 1.0, double threshold = 20.0)
      : Module("Softplus"), beta_(beta), threshold_(threshold) {}
  Tensor forward(const Tensor& x) override { return softplus(x, beta_, threshold_); }
  std::string extra_repr() const override;

 private:
  double beta_, threshold_;
};

/// nabla::leaky_relu(x, negative_slope).
class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(double negative_slope = 0.01) : Module("LeakyReLU"), slope_(negative_slope) {}
  Tensor forward(const Tensor& x) override { return leaky_relu(x, slope_); }
  std::string extra_repr() const override { return "negative_slope=" + py_float(slope_); }

 private:
  double slope_;
};

/// nabla::elu(x, alpha).
class ELU : public Module {
 public:
  explicit ELU(double alpha = 1.0) : Module("ELU"), alpha_(alpha) {}
  Tensor forward(const Tensor& x) override { return elu(x, alpha_); }
  std::string extra_repr() const override { return "alpha=" + py_float(alpha_); }

 private:
  double alpha_;
};

/// nabla::selu.
class SELU : public Module {
 public:
  SELU() : Module("SELU") {}
  Tensor forward(const Tensor& x) override { return selu(x); }
};

/// nabla::celu(x, alpha).
class CELU : public Module {
 public:
  explicit CELU(double alpha = 1.0) : Module("CELU"), alpha_(alpha) {}
  Tensor forward(const Tensor& x) override { return celu(x, alpha_); }
  std::string extra_repr() const override { return "alpha=" + py_float(alpha_); }

 private:
  double alpha_;
};

/// nabla::hardtanh(x, min_val, max_val).
class Hardtanh : public Module {
 public:
  explicit Hardtanh(double min_val = -1.0, double max_val = 1.0)
      : Module("Hardtanh"), min_(min_val), max_(max_val) {}
  Tensor forward(const Tensor& x) override { return hardtanh(x, min_, max_); }
  std::string extra_repr() const override {
    return "min_val=" + py_float(min_) + ", max_val=" + py_float(max_);
  }

 private:
  double min_, max_;
};

/// nabla::relu6, min(max(x, 0), 6).
class ReLU6 : public Module {
 public:
  ReLU6() : Module("ReLU6") {}
  Tensor forward(const Tensor& x) override { return relu6(x); }
};

/// nabla::hardsigmoid.
class Hardsigmoid : public Module {
 public:
  Hardsigmoid() : Module("Hardsigmoid") {}
  Tensor forward(const Tensor& x) override { return hardsigmoid(x); }
};

/// nabla::hardswish.
class Hardswish : public Module {
 public:
  Hardswish() : Module("Hardswish") {}
  Tensor forward(const Tensor& x) override { return hardswish(x); }
};

/// nabla::logsigmoid.
class LogSigmoid : public Module {
 public:
  LogSigmoid() : Module("LogSigmoid") {}
  Tensor forward(const Tensor& x) override { return logsigmoid(x); }
};

/// nabla::softsign, x / (1 + |x|).
class Softsign : public Module {
 public:
  Softsign() : Module("Softsign") {}
  Tensor forward(const Tensor& x) override { return softsign(x); }
};

/// nabla::prelu with a learnable slope "weight" of num_parameters elements (1, shared, or
/// one per channel), initialized to `init` as torch.nn.PReLU.
class PReLU : public Module {
 public:
  /// Throws std::invalid_argument when num_parameters < 1.
  explicit PReLU(std::int64_t num_parameters = 1, double init = 0.25, LayerOptions options = {});
  Tensor forward(const Tensor& x) override { return prelu(x, weight()); }
  const Tensor& weight() const { return parameter("weight"); }
  std::string extra_repr() const override;

 private:
  std::int64_t n_;
};

/// nabla::glu along `dim`: the first half times σ of the second.
class GLU : public Module {
 public:
  explicit GLU(std::int64_t dim = -1) : Module("GLU"), dim_(dim) {}
  Tensor forward(const Tensor& x) override { return glu(x, dim_); }
  std::string extra_repr() const override;

 private:
  std::int64_t dim_;
};

/// Splits dimension `dim` into `sizes` (torch.nn.Unflatten): [N, 784] → [N, 1, 28, 28]
/// with Unflatten(1, {1, 28, 28}). A view when the strides allow (a reshape).
class Unflatten : public Module {
 public:
  /// Throws std::invalid_argument when sizes is empty or has an extent < 1 (one −1 is
  /// inferred, as in view).
  Unflatten(std::int64_t dim, Shape sizes);
  /// Throws std::invalid_argument naming both when dim is out of range for x or the sizes'
  /// product is not x's extent there.
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  std::int64_t dim_;
  Shape sizes_;
};

/// Returns its input.
class Identity : public Module {
 public:
  Identity() : Module("Identity") {}
  Tensor forward(const Tensor& x) override { return x; }
};

/// Dropout (inverted, as torch.nn.Dropout): in training, each element is zeroed with
/// probability p and the survivors are scaled by 1/(1 − p), so the expected output equals
/// the input; in eval mode it returns its input unchanged.
class Dropout : public Module {
 public:
  /// Throws std::invalid_argument unless 0 ≤ p ≤ 1.
  explicit Dropout(double p = 0.5, Generator* generator = nullptr);
  Tensor forward(const Tensor& x) override;
  double p() const noexcept { return p_; }
  std::string extra_repr() const override;

 private:
  double p_;
  Generator* generator_;
};

/// A function of several tensors to several tensors, for checkpoint.
using CheckpointFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

/// Activation checkpointing: returns fn(inputs), computed without keeping any of fn's
/// intermediate results; backward runs fn again (with the default generator's state of
/// the first run, so Dropout draws the same mask) and differentiates that. Memory for
/// time: the activations inside fn are never all alive at once.
///
/// The gradients of the inputs come back through the graph as usual; the gradients of
/// tensors fn uses that are not inputs (a module's parameters) are accumulated into
/// their grad() during the recomputation, as in PyTorch's reentrant checkpoint. Pass those
/// tensors as `params` when no input requires grad (the first layers of a model, fed
/// data), so that the result is recorded at all; when nothing requires grad, fn just runs.
/// Works under loss.backward() (throws std::logic_error under nabla::grad or with
/// create_graph). fn must compute the same shapes when run again and use no tensor with
/// history other than its inputs (the backward throws std::logic_error naming the node).
/// A generator of your own inside fn is not rewound: use the default one there.
std::vector<Tensor> checkpoint(const CheckpointFn& fn, const std::vector<Tensor>& inputs,
                               const std::vector<Tensor>& params = {});
/// checkpoint for a function of one tensor.
Tensor checkpoint(const std::function<Tensor(const Tensor&)>& fn, const Tensor& input,
                  const std::vector<Tensor>& params = {});

/// A module run through checkpoint in training (and directly in eval): wrap a block of a
/// model to recompute its activations in backward instead of keeping them. Its one
/// submodule is "module", so names gain a "module." prefix.
class Checkpoint : public Module {
 public:
  explicit Checkpoint(std::shared_ptr<Module> module);
  // clang-format off
  template <class M>
    requires std::derived_from<std::decay_t<M>, Module> && (!std::is_lvalue_reference_v<M>)
  explicit Checkpoint(M&& module)
      : Checkpoint(std::shared_ptr<Module>(into_shared(std::move(module)))) {}
  // clang-format on
  Tensor forward(const Tensor& x) override;
  Module& module() const { return *inner_; }

 private:
  std::shared_ptr<Module> inner_;
};

/// Cross-entropy loss as a function object: nabla::cross_entropy(logits, targets, reduction).
struct CrossEntropyLoss {
  Reduction reduction = Reduction::mean;
  Tensor operator()(const Tensor& logits, const Tensor& targets) const {
    return cross_entropy(logits, targets, reduction);
  }
};

/// Mean squared error as a function object: nabla::mse_loss(input, target, reduction).
struct MSELoss {
  Reduction reduction = Reduction::mean;
  Tensor operator()(const Tensor& input, const Tensor& target) const {
    return mse_loss(input, target, reduction);
  }
};

/// Binary cross-entropy on logits as a function object.
struct BCEWithLogitsLoss {
  Reduction reduction = Reduction::mean;
  Tensor operator()(const Tensor& logits, const Tensor& targets) const {
    return binary_cross_entropy_with_logits(logits, targets, reduction);
  }
};

}  // namespace nabla::nn

/// Initializers, after torch.nn.init. Each fills a tensor in place (without recording on
/// the graph, so it works on parameters that require gradients) and returns it. Fan-in
/// and fan-out follow PyTorch: for a [out, in, k...] tensor, fan_in = in·k..., fan_out =
/// out·k...; a 1-d tensor has no fans and is rejected by the fan-based initializers.
namespace nabla::nn::init {

/// Whether Kaiming initialization preserves the variance of the forward (fan_in) or the
/// backward pass (fan_out).
enum class FanMode { fan_in, fan_out };
/// The nonlinearity a gain is computed for (the conv entries are linear: gain 1).
enum class Nonlinearity {
  linear,
  sigmoid,
  tanh,
  relu,
  leaky_relu,
  selu,
  conv1d,
  conv2d,
  conv3d,
  conv_transpose1d,
  conv_transpose2d,
  conv_transpose3d
};

/// PyTorch's calculate_gain: 1 for linear, the convolutions and sigmoid, 5/3 for tanh,
/// 3/4 for selu, √2 for relu,
/// √(2 / (1 + a²)) for leaky_relu with negative slope a = `param` (0.01 when not given).
double calculate_gain(Nonlinearity nonlinearity, std::optional<double> param = std::nullopt);
/// (fan_in, fan_out) of a tensor of rank ≥ 2. Throws std::invalid_argument for rank < 2.
std::pair<std::int64_t, std::int64_t> fans(const Tensor& t);

/// Fills with values from U(a, b). Throws std::invalid_argument unless a ≤ b.
Tensor& uniform_(Tensor& t, double a = 0.0, double b = 1.0, Generator* gen = nullptr);
/// Fills with values from N(mean, std²). Throws std::invalid_argument when std < 0.
Tensor& normal_(Tensor& t, double mean = 0.0, double std = 1.0, Generator* gen = nullptr);
/// Fills with `value`.
Tensor& constant_(Tensor& t, double value);
/// Fills with 0.
Tensor& zeros_(Tensor& t);
/// Fills with 1.
Tensor& ones_(Tensor& t);
/// Xavier/Glorot uniform: U(−b, b) with b = gain·√(6 / (fan_in + fan_out)).
Tensor& xavier_uniform_(Tensor& t, double gain = 1.0, Generator* gen = nullptr);
/// Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out)).
Tensor& xavier_normal_(Tensor& t, double gain = 1.0, Generator* gen = nullptr);
/// Kaiming/He uniform: U(−b, b) with b = gain·√(3 / fan), gain = calculate_gain(nonlinearity, a)
/// and fan the fan of `mode`. PyTorch's defaults (a = 0, fan_in, leaky_relu).
Tensor& kaiming_uniform_(Tensor& t, double a = 0.0, FanMode mode = FanMode::fan_in,
                         Nonlinearity nonlinearity = Nonlinearity::leaky_relu,
                         Generator* gen = nullptr);
/// Kaiming/He normal: N(0, σ²) with σ = gain / √fan.
Tensor& kaiming_normal_(Tensor& t, double a = 0.0, FanMode mode = FanMode::fan_in,
                        Nonlinearity nonlinearity = Nonlinearity::leaky_relu,
                        Generator* gen = nullptr);

/// Fills with values from N(mean, std²) truncated to [a, b] (redrawn until inside, or by
/// the inverse CDF when the interval holds less than 5% of the mass). PyTorch's
/// trunc_normal_; throws std::invalid_argument unless a < b and std > 0.
Tensor& trunc_normal_(Tensor& t, double mean = 0.0, double std = 1.0, double a = -2.0,
                      double b = 2.0, Generator* gen = nullptr);
/// A (semi-)orthogonal matrix: t viewed as [size(0), numel / size(0)] gets orthonormal rows
/// or columns (whichever are fewer), from the QR decomposition of a normal matrix with R's
/// diagonal made positive, scaled by `gain`. PyTorch's orthogonal_; rank ≥ 2.
Tensor& orthogonal_(Tensor& t, double gain = 1.0, Generator* gen = nullptr);
/// A sparse 2-d matrix: N(0, std²) with ⌈sparsity · rows⌉ entries of each column zeroed at
/// random rows. PyTorch's sparse_; throws unless 2-d and 0 ≤ sparsity ≤ 1.
Tensor& sparse_(Tensor& t, double sparsity, double std = 0.01, Generator* gen = nullptr);
/// The Dirac delta for convolutions: a 3-, 4- or 5-d weight [out, in, k...] that passes its
/// input through (channel d of each group to output d, a 1 at the kernel's centre).
/// PyTorch's dirac_; throws unless size(0) is divisible by `groups`.
Tensor& dirac_(Tensor& t, std::int64_t groups = 1);
/// The identity matrix (rectangular allowed), 2-d only. PyTorch's eye_.
Tensor& eye_(Tensor& t);

/// The same initializers under the names of Glorot et al. and He et al.
inline Tensor& glorot_uniform_(Tensor& t, double gain = 1.0, Generator* gen = nullptr) {
  return xavier_uniform_(t, gain, gen);
}
inline Tensor& glorot_normal_(Tensor& t, double gain = 1.0, Generator* gen = nullptr) {
  return xavier_normal_(t, gain, gen);
}
inline Tensor& he_uniform_(Tensor& t, Generator* gen = nullptr) {
  return kaiming_uniform_(t, 0.0, FanMode::fan_in, Nonlinearity::relu, gen);
}
inline Tensor& he_normal_(Tensor& t, Generator* gen = nullptr) {
  return kaiming_normal_(t, 0.0, FanMode::fan_in, Nonlinearity::relu, gen);
}

}  // namespace nabla::nn::init
