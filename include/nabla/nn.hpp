#pragma once
/// \file nn.hpp
/// Building blocks of feedforward models, after torch.nn: Module (named parameters,
/// submodules, train/eval), Linear, Sequential, Flatten, activation modules, Dropout, loss
/// modules, and the initializers of nabla::nn::init.
///
/// Everything here uses only the public Tensor and op API. A model of your own is a Module
/// that registers its parameters and submodules and overrides forward():
///
///     struct Net : nabla::nn::Module {
///       Net() : Module("Net") {}
///       std::shared_ptr<nabla::nn::Linear> fc1 = register_module("fc1", nabla::nn::Linear(784,
///       128)); std::shared_ptr<nabla::nn::Linear> fc2 = register_module("fc2",
///       nabla::nn::Linear(128, 10)); nabla::Tensor forward(const nabla::Tensor& x) override {
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

/// Base of every layer and model.
///
/// A module owns named parameters (leaf tensors that require gradients) and named
/// submodules; named_parameters() lists its own parameters in registration order and then
/// each submodule's, prefixed by the submodule's name and a dot ("0.weight", "fc1.bias"),
/// exactly as PyTorch names them, so a saved model's names match a PyTorch state_dict of
/// the same architecture.
///
/// Modules are moved, not copied: a copy would share parameters silently.
class Module {
 public:
  /// `type_name` is what printing and error messages call the module ("Linear", "Net").
  explicit Module(std::string type_name = "Module");
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;

  /// The module's computation on one input. The default throws std::logic_error naming
  /// the module: a module whose forward takes other arguments defines its own method.
  virtual Tensor forward(const Tensor& x);
  /// forward(x).
  Tensor operator()(const Tensor& x) { return forward(x); }

  /// Every parameter of this module and its submodules, in named_parameters() order
  /// (the handles themselves: an optimizer built from them updates the module).
  std::vector<Tensor> parameters() const;
  /// (qualified name, parameter) pairs: own parameters first, then each submodule's.
  /// Also gives each parameter its qualified name as display name (Tensor::name(), shown
  /// by to_dot), unless the user named it.
  NamedTensors named_parameters() const;
  /// Total number of scalar parameters.
  std::int64_t num_parameters() const;
  /// The direct submodules, in registration order.
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const {
    return children_;
  }

  /// Sets training mode on this module and every submodule (Dropout is active only in
  /// training). Modules start in training mode.
  Module& train(bool on = true);
  /// train(false).
  Module& eval() { return train(false); }
  bool is_training() const noexcept { return training_; }

  /// Clears the gradient of every parameter (grad() becomes undefined, as PyTorch's
  /// set_to_none).
  void zero_grad();

  /// Converts every parameter to `dtype` in place (Tensor::set_data): handles kept from
  /// register_parameter stay valid, names and requires_grad are kept, gradients cleared.
  /// An optimizer built before keeps state of the old dtype: build optimizers after to(),
  /// as in PyTorch.
  Module& to(Dtype dtype);

  /// The parameters by name, detached (sharing storage, not tracked by autograd): what
  /// nabla::save writes.
  NamedTensors state_dict() const;
  /// Copies `state` into the parameters, converting dtypes. Every parameter must be present
  /// with its exact shape, and no other name may appear; otherwise throws
  /// std::invalid_argument listing the missing, unexpected and mis-shaped names (with both
  /// shapes) and changes nothing.
  void load_state_dict(const NamedTensors& state);

  /// The type name given at construction ("Linear").
  const std::string& type_name() const noexcept { return type_name_; }
  /// What printing shows inside the parentheses, e.g. "in_features=784, out_features=10,
  /// bias=true" (empty by default).
  virtual std::string extra_repr() const { return {}; }

 protected:
  /// Registers `tensor` as a parameter called `name` (no dots; unique within the module),
  /// marks it as requiring gradients and returns it. Throws std::invalid_argument for an
  /// undefined or non-leaf tensor, an empty or dotted name, or a name already taken.
  Tensor register_parameter(const std::string& name, Tensor tensor);
  /// The parameter registered as `name` (for modules' accessors).
  const Tensor& parameter(const std::string& name) const;

  /// Registers `module` as a submodule called `name` and returns it; same name rules.
  template <class M>
  requires std::derived_from<M, Module> std::shared_ptr<M> register_module(
      const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }
  /// Registers a module given by value (moved into shared ownership).
  template <class M>
  requires std::derived_from<std::decay_t<M>, Module> &&(!std::is_lvalue_reference_v<M>)
      std::shared_ptr<std::decay_t<M>> register_module(const std::string& name, M&& module) {
    return register_module(name, std::make_shared<std::decay_t<M>>(std::move(module)));
  }

 private:
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void collect(const std::string& prefix, NamedTensors& out) const;
  friend std::ostream& operator<<(std::ostream& os, const Module& m);

  std::string type_name_;
  NamedTensors params_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

/// Prints the module tree as PyTorch does:
///
///     Sequential(
///       (0): Linear(in_features=784, out_features=10, bias=true)
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

/// Modules applied one after another; submodules are named "0", "1", ...
class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  /// Sequential(Linear(2, 2), Sigmoid(), ...): each module moved in.
  template <class... Ms>
  requires(sizeof...(Ms) > 0 && (std::derived_from<std::decay_t<Ms>, Module> &&
                                 ...)) explicit Sequential(Ms&&... modules)
      : Module("Sequential") {
    (push_back(std::make_shared<std::decay_t<Ms>>(std::forward<Ms>(modules))), ...);
  }
  /// Appends a module (shared: the caller may keep a handle to it).
  void push_back(std::shared_ptr<Module> module);
  /// Appends a module given by value.
  template <class M>
  requires std::derived_from<std::decay_t<M>, Module> &&
      (!std::is_lvalue_reference_v<M>)void push_back(M&& module) {
    push_back(std::make_shared<std::decay_t<M>>(std::move(module)));
  }
  /// Runs every module in order. Throws std::logic_error when empty.
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
/// The nonlinearity a gain is computed for.
enum class Nonlinearity { linear, sigmoid, tanh, relu, leaky_relu };

/// PyTorch's calculate_gain: 1 for linear and sigmoid, 5/3 for tanh, √2 for relu,
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
