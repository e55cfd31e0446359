// The layers of nn.hpp: Linear, Sequential, Flatten, Dropout and the activations' printing.
// Only the public Tensor and op API is used here.
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
  return fmt::format("in_features={}, out_features={}, bias={}", in_, out_, py_bool(has_bias_));
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
  for (const auto& [name, m] : named_children()) y = (*m)(y);
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

// ---- ModuleList, ModuleDict ------------------------------------------------------------

void ModuleList::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(size()), module);
  modules_.push_back(std::move(module));
}

void ModuleList::extend(const std::vector<std::shared_ptr<Module>>& modules) {
  for (const auto& m : modules) push_back(m);
}

Module& ModuleList::operator[](std::int64_t i) const {
  const auto n = static_cast<std::int64_t>(size());
  const std::int64_t k = i < 0 ? i + n : i;
  if (k < 0 || k >= n) {
    throw std::out_of_range(
        fmt::format("nabla::nn::ModuleList: index {} out of range (size {})", i, n));
  }
  return *modules_[static_cast<std::size_t>(k)];
}

void ModuleList::throw_wrong_type(std::int64_t i) const {
  throw std::invalid_argument(
      fmt::format("nabla::nn::ModuleList: module {} is a {}, not the type asked for", i,
                  (*this)[i].type_name()));
}

void ModuleDict::insert(const std::string& key, std::shared_ptr<Module> module) {
  replace_module(key, std::move(module));
}

Module& ModuleDict::operator[](const std::string& key) const {
  for (const auto& [name, m] : named_children()) {
    if (name == key) return *m;
  }
  throw std::out_of_range(fmt::format("nabla::nn::ModuleDict: no key '{}' (keys: {})", key,
                                      fmt::join(keys(), ", ")));
}

bool ModuleDict::contains(const std::string& key) const {
  return std::any_of(named_children().begin(), named_children().end(),
                     [&](const auto& c) { return c.first == key; });
}

std::vector<std::string> ModuleDict::keys() const {
  std::vector<std::string> out;
  for (const auto& [name, m] : named_children()) out.push_back(name);
  return out;
}

void ModuleDict::throw_wrong_type(const std::string& key) const {
  throw std::invalid_argument(
      fmt::format("nabla::nn::ModuleDict: module '{}' is a {}, not the type asked for", key,
                  (*this)[key].type_name()));
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
  return "p=" + py_float(p_) + ", inplace=False";
}

}  // namespace nabla::nn
