#pragma once
/// \file nn.hpp
/// Building blocks of feedforward models, after torch.nn: Module (named parameters,
/// buffers, submodules, hooks, train/eval), Linear, the containers, activation modules,
/// the convolution, pooling, normalization, dropout and embedding layers, checkpointing,
/// loss modules, and the initializers of nabla::nn::init.
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
/// A bool as Python prints it ("True", "False").
inline const char* py_bool(bool b) noexcept { return b ? "True" : "False"; }

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

// ---- convolution, pooling, normalization and embedding layers ------------------------
//
// Each wraps the functional op of the same name (nabla/conv.hpp, nabla/pooling.hpp,
// nabla/normalization.hpp) with PyTorch's parameters, buffers, defaults, initialization
// and printing. Spatial arguments are Int2: `3` for both axes, `{3, 5}` for height and
// width. The pools print an Int2 as one number when both axes agree ("kernel_size=2"),
// where PyTorch prints the value as it was given (so `(2, 2)` prints as `2` here).

/// How a convolution pads its input (torch.nn.Conv2d's padding_mode): with zeros, by
/// mirroring, by repeating the edge, or by wrapping around.
enum class PaddingMode { zeros, reflect, replicate, circular };

/// Conv2d's options after the three sizes (PyTorch's keyword arguments), for designated
/// initializers: `nn::Conv2d(1, 32, 3, {.padding = 1})`.
struct Conv2dOptions {
  Int2 stride = 1;
  ConvPadding padding = 0;  ///< an amount, "valid" or "same"
  Int2 dilation = 1;
  std::int64_t groups = 1;
  bool bias = true;
  PaddingMode padding_mode = PaddingMode::zeros;
  Dtype dtype = f32;
  Generator* generator = nullptr;  ///< for the initial weights; nullptr: the default one
};

/// 2-d convolution (torch.nn.Conv2d) over [N, C_in, H, W] (or unbatched [C_in, H, W]):
///   weight [C_out, C_in/groups, kh, kw], bias [C_out]
/// Initialized as PyTorch: weight by kaiming_uniform_ with a = √5, bias from
/// U(±1/√fan_in), fan_in = C_in/groups·kh·kw. A padding_mode other than zeros pads the
/// input with nabla::pad (circular by wrapping) and convolves it without padding.
class Conv2d : public Module {
 public:
  /// Throws std::invalid_argument for a size < 1, channels not divisible by groups,
  /// stride/dilation < 1, padding < 0, "same" with a stride > 1, or an unknown padding.
  Conv2d(std::int64_t in_channels, std::int64_t out_channels, Int2 kernel_size,
         Conv2dOptions options = {});
  /// Throws std::invalid_argument naming the layer when x is not 3-d or 4-d, has another
  /// channel count or dtype; the op's own errors otherwise (kernel larger than the input).
  Tensor forward(const Tensor& x) override;
  const Tensor& weight() const { return parameter("weight"); }
  /// The bias; undefined when built with bias = false.
  Tensor bias() const;
  std::int64_t in_channels() const noexcept { return in_; }
  std::int64_t out_channels() const noexcept { return out_; }
  Int2 kernel_size() const noexcept { return kernel_; }
  const Conv2dOptions& options() const noexcept { return options_; }
  std::string extra_repr() const override;

 private:
  std::int64_t in_, out_;
  Int2 kernel_;
  Conv2dOptions options_;
};

/// Conv1d's options after the three sizes.
struct Conv1dOptions {
  std::int64_t stride = 1;
  ConvPadding padding = 0;  ///< an amount, "valid" or "same"
  std::int64_t dilation = 1;
  std::int64_t groups = 1;
  bool bias = true;
  PaddingMode padding_mode = PaddingMode::zeros;
  Dtype dtype = f32;
  Generator* generator = nullptr;
};

/// 1-d convolution (torch.nn.Conv1d) over [N, C_in, L] (or unbatched [C_in, L]):
///   weight [C_out, C_in/groups, k], bias [C_out]; initialized as Conv2d.
class Conv1d : public Module {
 public:
  /// Throws as Conv2d.
  Conv1d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
         Conv1dOptions options = {});
  /// Throws std::invalid_argument naming the layer when x is not 2-d or 3-d, or has
  /// another channel count or dtype.
  Tensor forward(const Tensor& x) override;
  const Tensor& weight() const { return parameter("weight"); }
  Tensor bias() const;
  std::string extra_repr() const override;

 private:
  std::int64_t in_, out_, kernel_;
  Conv1dOptions options_;
};

/// ConvTranspose2d's options after the three sizes (PyTorch's order of keywords).
struct ConvTranspose2dOptions {
  Int2 stride = 1;
  Int2 padding = 0;
  Int2 output_padding = 0;  ///< must be smaller than the stride or the dilation
  std::int64_t groups = 1;
  bool bias = true;
  Int2 dilation = 1;
  Dtype dtype = f32;
  Generator* generator = nullptr;
};

/// Transposed 2-d convolution (torch.nn.ConvTranspose2d), the adjoint of Conv2d:
///   weight [C_in, C_out/groups, kh, kw], bias [C_out]
/// out = (H − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1. Initialized as
/// PyTorch: kaiming_uniform_(a = √5) of that weight, whose fan_in is C_out/groups·kh·kw, and
/// the bias from U(±1/√fan_in).
class ConvTranspose2d : public Module {
 public:
  /// Throws std::invalid_argument for a size < 1, channels not divisible by groups,
  /// stride/dilation < 1, padding < 0, or output_padding not below stride or dilation.
  ConvTranspose2d(std::int64_t in_channels, std::int64_t out_channels, Int2 kernel_size,
                  ConvTranspose2dOptions options = {});
  Tensor forward(const Tensor& x) override;
  /// With the output's spatial size asked for (PyTorch's forward(input, output_size)):
  /// the output_padding that gives it, which must lie in [0, max(stride, dilation)).
  /// Throws std::invalid_argument naming the sizes that are reachable otherwise.
  Tensor forward(const Tensor& x, Int2 output_size);
  const Tensor& weight() const { return parameter("weight"); }
  Tensor bias() const;
  std::string extra_repr() const override;

 private:
  Tensor run(const Tensor& x, Int2 output_padding);
  std::int64_t in_, out_;
  Int2 kernel_;
  ConvTranspose2dOptions options_;
};

/// nabla::max_pool2d as a layer (torch.nn.MaxPool2d): stride unset means kernel_size.
class MaxPool2d : public Module {
 public:
  /// Throws std::invalid_argument for a kernel or stride < 1, dilation < 1, or a padding
  /// that is negative or more than half the kernel.
  explicit MaxPool2d(Int2 kernel_size, Int2 stride = {}, Int2 padding = 0, Int2 dilation = 1,
                     bool ceil_mode = false);
  Tensor forward(const Tensor& x) override;
  /// The maxima and the flat h·W + w index of each in its plane (return_indices=True).
  ValuesIndices forward_with_indices(const Tensor& x);
  std::string extra_repr() const override;

 private:
  Int2 kernel_, stride_, padding_, dilation_;
  bool ceil_mode_;
};

/// nabla::max_pool1d as a layer (torch.nn.MaxPool1d).
class MaxPool1d : public Module {
 public:
  explicit MaxPool1d(std::int64_t kernel_size, std::optional<std::int64_t> stride = std::nullopt,
                     std::int64_t padding = 0, std::int64_t dilation = 1, bool ceil_mode = false);
  Tensor forward(const Tensor& x) override;
  ValuesIndices forward_with_indices(const Tensor& x);
  std::string extra_repr() const override;

 private:
  std::int64_t kernel_, stride_, padding_, dilation_;
  bool ceil_mode_;
};

/// nabla::avg_pool2d as a layer (torch.nn.AvgPool2d).
class AvgPool2d : public Module {
 public:
  explicit AvgPool2d(Int2 kernel_size, Int2 stride = {}, Int2 padding = 0, bool ceil_mode = false,
                     bool count_include_pad = true,
                     std::optional<std::int64_t> divisor_override = std::nullopt);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Int2 kernel_, stride_, padding_;
  bool ceil_mode_, count_include_pad_;
  std::optional<std::int64_t> divisor_;
};

/// nabla::avg_pool1d as a layer (torch.nn.AvgPool1d).
class AvgPool1d : public Module {
 public:
  explicit AvgPool1d(std::int64_t kernel_size, std::optional<std::int64_t> stride = std::nullopt,
                     std::int64_t padding = 0, bool ceil_mode = false,
                     bool count_include_pad = true);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  std::int64_t kernel_, stride_, padding_;
  bool ceil_mode_, count_include_pad_;
};

/// nabla::adaptive_avg_pool2d as a layer (torch.nn.AdaptiveAvgPool2d): the output's
/// spatial size is fixed, whatever the input's.
class AdaptiveAvgPool2d : public Module {
 public:
  /// Throws std::invalid_argument for a size < 1.
  explicit AdaptiveAvgPool2d(Int2 output_size);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Int2 size_;
};

/// nabla::adaptive_max_pool2d as a layer (torch.nn.AdaptiveMaxPool2d).
class AdaptiveMaxPool2d : public Module {
 public:
  explicit AdaptiveMaxPool2d(Int2 output_size);
  Tensor forward(const Tensor& x) override;
  ValuesIndices forward_with_indices(const Tensor& x);
  std::string extra_repr() const override;

 private:
  Int2 size_;
};

/// Upsample's options: exactly one of size and scale_factor (one value for every spatial
/// axis, or one per axis).
struct UpsampleOptions {
  std::optional<std::vector<std::int64_t>> size = std::nullopt;
  std::optional<std::vector<double>> scale_factor = std::nullopt;
  std::string mode = "nearest";  ///< "nearest", "linear" or "bilinear"
  std::optional<bool> align_corners = std::nullopt;
};

/// nabla::interpolate as a layer (torch.nn.Upsample): `nn::Upsample({.scale_factor =
/// {{2.0}}, .mode = "bilinear"})`.
class Upsample : public Module {
 public:
  /// Throws std::invalid_argument unless exactly one of size and scale_factor is given.
  explicit Upsample(UpsampleOptions options);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  UpsampleOptions options_;
};

/// nabla::pixel_shuffle as a layer: [N, C·r², H, W] → [N, C, H·r, W·r].
class PixelShuffle : public Module {
 public:
  explicit PixelShuffle(std::int64_t upscale_factor);
  Tensor forward(const Tensor& x) override { return pixel_shuffle(x, factor_); }
  std::string extra_repr() const override;

 private:
  std::int64_t factor_;
};

/// nabla::pixel_unshuffle as a layer: [N, C, H·r, W·r] → [N, C·r², H, W].
class PixelUnshuffle : public Module {
 public:
  explicit PixelUnshuffle(std::int64_t downscale_factor);
  Tensor forward(const Tensor& x) override { return pixel_unshuffle(x, factor_); }
  std::string extra_repr() const override;

 private:
  std::int64_t factor_;
};

/// BatchNorm's and InstanceNorm's options after num_features. momentum nullopt: the running
/// statistics are cumulative averages (PyTorch's momentum=None).
struct BatchNormOptions {
  double eps = 1e-5;
  std::optional<double> momentum = 0.1;
  bool affine = true;
  bool track_running_stats = true;
  Dtype dtype = f32;
};

/// Batch normalization over the channel axis (dim 1), the base of BatchNorm1d/2d/3d:
///   weight [C] (ones), bias [C] (zeros) when affine;
///   buffers running_mean [C] (zeros), running_var [C] (ones), num_batches_tracked
///   (a 0-d int64 tensor, 0) when track_running_stats.
/// In training it normalizes by the batch's statistics and, when tracking, updates the
/// running ones (running = (1 − momentum)·running + momentum·batch, the variance unbiased)
/// and counts the batch; in eval mode it normalizes by the running statistics (by the
/// batch's when not tracking). state_dict names are PyTorch's ("running_mean", ...).
class BatchNorm : public Module {
 public:
  /// weight and bias: undefined when not affine.
  Tensor weight() const;
  Tensor bias() const;
  /// The running statistics: undefined when not tracking.
  const Tensor& running_mean() const { return buffer("running_mean"); }
  const Tensor& running_var() const { return buffer("running_var"); }
  const Tensor& num_batches_tracked() const { return buffer("num_batches_tracked"); }
  std::int64_t num_features() const noexcept { return features_; }
  /// Running statistics back to mean 0, variance 1 and a count of 0.
  void reset_running_stats();
  /// Throws std::invalid_argument naming the layer for an input of another rank, channel
  /// count or dtype.
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 protected:
  BatchNorm(std::string type_name, std::vector<std::int64_t> ranks, std::int64_t num_features,
            BatchNormOptions options);

 private:
  std::vector<std::int64_t> ranks_;  ///< the input ranks taken
  std::int64_t features_;
  BatchNormOptions options_;
};

/// torch.nn.BatchNorm1d: input [N, C] or [N, C, L].
class BatchNorm1d : public BatchNorm {
 public:
  explicit BatchNorm1d(std::int64_t num_features, BatchNormOptions options = {})
      : BatchNorm("BatchNorm1d", {2, 3}, num_features, options) {}
};

/// torch.nn.BatchNorm2d: input [N, C, H, W].
class BatchNorm2d : public BatchNorm {
 public:
  explicit BatchNorm2d(std::int64_t num_features, BatchNormOptions options = {})
      : BatchNorm("BatchNorm2d", {4}, num_features, options) {}
};

/// torch.nn.BatchNorm3d: input [N, C, D, H, W].
class BatchNorm3d : public BatchNorm {
 public:
  explicit BatchNorm3d(std::int64_t num_features, BatchNormOptions options = {})
      : BatchNorm("BatchNorm3d", {5}, num_features, options) {}
};

/// Instance normalization (each sample's channel by its own statistics), the base of
/// InstanceNorm1d/2d. PyTorch's defaults: affine false and track_running_stats false;
/// with tracking, eval mode uses the running statistics. Takes unbatched input too.
class InstanceNorm : public Module {
 public:
  std::int64_t num_features() const noexcept { return features_; }
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 protected:
  InstanceNorm(std::string type_name, std::int64_t spatial, std::int64_t num_features,
               BatchNormOptions options);

 private:
  std::int64_t spatial_;  ///< spatial axes: 1 or 2
  std::int64_t features_;
  BatchNormOptions options_;
};

/// The options of InstanceNorm1d/2d, which default to no affine and no tracking.
inline BatchNormOptions instance_norm_options() {
  return {.eps = 1e-5, .momentum = 0.1, .affine = false, .track_running_stats = false};
}

/// torch.nn.InstanceNorm1d: input [N, C, L] or unbatched [C, L].
class InstanceNorm1d : public InstanceNorm {
 public:
  explicit InstanceNorm1d(std::int64_t num_features,
                          BatchNormOptions options = instance_norm_options())
      : InstanceNorm("InstanceNorm1d", 1, num_features, options) {}
};

/// torch.nn.InstanceNorm2d: input [N, C, H, W] or unbatched [C, H, W].
class InstanceNorm2d : public InstanceNorm {
 public:
  explicit InstanceNorm2d(std::int64_t num_features,
                          BatchNormOptions options = instance_norm_options())
      : InstanceNorm("InstanceNorm2d", 2, num_features, options) {}
};

/// nabla::layer_norm as a layer (torch.nn.LayerNorm): normalizes over the trailing
/// normalized_shape; weight (ones) and bias (zeros) of that shape when elementwise_affine.
class LayerNorm : public Module {
 public:
  /// Throws std::invalid_argument for an empty shape or an extent < 1.
  explicit LayerNorm(Shape normalized_shape, double eps = 1e-5, bool elementwise_affine = true,
                     Dtype dtype = f32);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Shape shape_;
  double eps_;
  bool affine_;
};

/// nabla::group_norm as a layer (torch.nn.GroupNorm): weight (ones) and bias (zeros) of
/// [num_channels] when affine.
class GroupNorm : public Module {
 public:
  /// Throws std::invalid_argument unless num_groups ≥ 1 divides num_channels.
  GroupNorm(std::int64_t num_groups, std::int64_t num_channels, double eps = 1e-5,
            bool affine = true, Dtype dtype = f32);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  std::int64_t groups_, channels_;
  double eps_;
  bool affine_;
};

/// nabla::local_response_norm as a layer (torch.nn.LocalResponseNorm).
class LocalResponseNorm : public Module {
 public:
  explicit LocalResponseNorm(std::int64_t size, double alpha = 1e-4, double beta = 0.75,
                             double k = 1.0);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  std::int64_t size_;
  double alpha_, beta_, k_;
};

/// nabla::dropout2d as a layer (torch.nn.Dropout2d): whole channels zeroed in training.
class Dropout2d : public Module {
 public:
  /// Throws std::invalid_argument unless 0 ≤ p ≤ 1.
  explicit Dropout2d(double p = 0.5, Generator* generator = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  double p_;
  Generator* generator_;
};

/// nabla::alpha_dropout as a layer (torch.nn.AlphaDropout), for SELU networks.
class AlphaDropout : public Module {
 public:
  explicit AlphaDropout(double p = 0.5, Generator* generator = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  double p_;
  Generator* generator_;
};

/// Embedding's options after the two sizes.
struct EmbeddingOptions {
  std::optional<std::int64_t> padding_idx = std::nullopt;  ///< a row kept at 0, no gradient
  std::optional<double> max_norm = std::nullopt;           ///< rows renormalized on lookup
  double norm_type = 2.0;
  Dtype dtype = f32;
  Generator* generator = nullptr;
};

/// A lookup table (torch.nn.Embedding): indices of any shape (int64 or int32) → their
/// rows of weight [num_embeddings, embedding_dim], which starts N(0, 1) with the
/// padding_idx row zeroed.
class Embedding : public Module {
 public:
  /// Throws std::invalid_argument for a size < 1, std::out_of_range for a padding_idx
  /// outside [−num_embeddings, num_embeddings).
  Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim,
            EmbeddingOptions options = {});
  /// A table holding `weight` (2-d, floating), trained only when freeze is false
  /// (Embedding.from_pretrained). dtype and generator of the options are not used.
  static Embedding from_pretrained(const Tensor& weight, bool freeze = true,
                                   EmbeddingOptions options = {});
  Tensor forward(const Tensor& indices) override;
  const Tensor& weight() const { return parameter("weight"); }
  std::string extra_repr() const override;

 private:
  Embedding(const Tensor& weight, bool freeze, EmbeddingOptions options);
  std::int64_t num_, dim_;
  EmbeddingOptions options_;
};

/// EmbeddingBag's options after the two sizes.
struct EmbeddingBagOptions {
  EmbeddingBagMode mode = EmbeddingBagMode::mean;
  std::optional<std::int64_t> padding_idx = std::nullopt;
  Dtype dtype = f32;
  Generator* generator = nullptr;
};

/// Sums, means or maxima of bags of embeddings (torch.nn.EmbeddingBag), weight
/// [num_embeddings, embedding_dim] initialized N(0, 1) with the padding row zeroed.
class EmbeddingBag : public Module {
 public:
  EmbeddingBag(std::int64_t num_embeddings, std::int64_t embedding_dim,
               EmbeddingBagOptions options = {});
  /// 2-d indices [B, L], one bag per row.
  Tensor forward(const Tensor& indices) override;
  /// 1-d indices with the bags' offsets, and optionally per-sample weights (mode sum).
  Tensor forward(const Tensor& indices, const Tensor& offsets,
                 const Tensor& per_sample_weights = {});
  const Tensor& weight() const { return parameter("weight"); }
  std::string extra_repr() const override;

 private:
  std::int64_t num_, dim_;
  EmbeddingBagOptions options_;
};

/// result = x1ᵀ·A·x2 + b for each output feature (torch.nn.Bilinear):
///   weight [out, in1, in2], bias [out], both from U(±1/√in1).
/// A module of two inputs: call forward(x1, x2) (or m(x1, x2), which skips module hooks).
class Bilinear : public Module {
 public:
  Bilinear(std::int64_t in1_features, std::int64_t in2_features, std::int64_t out_features,
           bool bias = true, LayerOptions options = {});
  /// Throws std::invalid_argument: Bilinear takes two inputs.
  Tensor forward(const Tensor& x) override;
  Tensor forward(const Tensor& x1, const Tensor& x2);
  Tensor operator()(const Tensor& x1, const Tensor& x2) { return forward(x1, x2); }
  using Module::operator();
  const Tensor& weight() const { return parameter("weight"); }
  Tensor bias() const;
  std::string extra_repr() const override;

 private:
  std::int64_t in1_, in2_, out_;
  bool has_bias_;
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
