// The op registry and the standard sample inputs.

#include "nabla/registry.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "check/op_rules.hpp"
#include "core/tensor_impl.hpp"
#include "ops/op_list.hpp"

namespace nabla {

void OpRegistry::add(OpInfo info) {
  if (info.name.empty()) throw std::invalid_argument("nabla::register_op: the op has no name");
  if (!info.fn || !info.samples) {
    throw std::invalid_argument(
        fmt::format("nabla::register_op: op '{}' needs both fn and samples", info.name));
  }
  if (find(info.name) != nullptr) {
    throw std::invalid_argument(fmt::format(
        "nabla::register_op: an op named '{}' is already registered; op names must be unique",
        info.name));
  }
  if (info.rule.empty()) {
    if (const detail::OpContract* c = detail::find_op_contract(info.name)) info.rule = c->backward;
  }
  ops_.push_back(std::move(info));
}

const OpInfo* OpRegistry::find(const std::string& name) const {
  for (const auto& op : ops_) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

std::vector<std::string> OpRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& op : ops_) out.push_back(op.name);
  return out;
}

OpRegistry& op_registry() {
  static OpRegistry registry = [] {
    OpRegistry r;
    detail::register_builtin_ops(r);
    return r;
  }();
  return registry;
}

void register_op(OpInfo info) {
  op_registry().add(std::move(info));
}

Tensor sample_tensor(const Shape& shape, Generator& gen, Dtype dtype, Domain domain) {
  std::vector<double> v(static_cast<std::size_t>(shape_numel(shape)));
  for (double& x : v) {
    switch (domain) {
      case Domain::any:
        x = gen.normal();
        break;
      case Domain::positive:
        x = 0.5 + 2.0 * gen.uniform();
        break;
      case Domain::away_from_zero: {
        // Random signs, but the first element positive: a kink op (relu) then always has
        // some nonzero gradient, so its check is never vacuous.
        const double m = 0.2 + 1.3 * gen.uniform();
        x = (&x != v.data() && gen.uniform() < 0.5) ? -m : m;
        break;
      }
      case Domain::unit_interval:
        x = 0.1 + 0.8 * gen.uniform();
        break;
    }
  }
  return tensor(v, shape, dtype);
}

std::vector<OpSample> unary_samples(Generator& gen, Dtype dtype, Domain domain) {
  return {
      {"matrix [3,4]", {sample_tensor({3, 4}, gen, dtype, domain)}},
      {"vector [5]", {sample_tensor({5}, gen, dtype, domain)}},
      {"scalar []", {sample_tensor({}, gen, dtype, domain)}},
      {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, gen, dtype, domain)}},
  };
}

std::vector<OpSample> binary_samples(Generator& gen, Dtype dtype, Domain lhs, Domain rhs) {
  auto pair = [&](const char* label, const Shape& a, const Shape& b) {
    return OpSample{label, {sample_tensor(a, gen, dtype, lhs), sample_tensor(b, gen, dtype, rhs)}};
  };
  return {
      pair("same [3,4]+[3,4]", {3, 4}, {3, 4}),
      pair("broadcast rhs [3,4]+[4]", {3, 4}, {4}),
      pair("broadcast lhs [3,1]+[3,4]", {3, 1}, {3, 4}),
      pair("row lhs [1,4]+[2,3,4]", {1, 4}, {2, 3, 4}),
      pair("both sides [3,1]+[1,4]", {3, 1}, {1, 4}),
      pair("scalar rhs [3,4]+[]", {3, 4}, {}),
      pair("scalar lhs []+[2,3]", {}, {2, 3}),
      pair("rank 3 [2,3,4]+[3,1]", {2, 3, 4}, {3, 1}),
  };
}

std::vector<OpSample> binary_bad_samples(Generator& gen, Dtype dtype) {
  const Dtype other = dtype == Dtype::f32 ? Dtype::f64 : Dtype::f32;
  return {
      {"shapes [3,4] and [3]", {sample_tensor({3, 4}, gen, dtype), sample_tensor({3}, gen, dtype)}},
      {"shapes [2,3] and [3,2]",
       {sample_tensor({2, 3}, gen, dtype), sample_tensor({3, 2}, gen, dtype)}},
      {"mixed dtypes", {sample_tensor({2}, gen, dtype), sample_tensor({2}, gen, other)}},
  };
}

}  // namespace nabla

namespace nabla::detail {
void register_builtin_ops(OpRegistry& r) {
#define NABLA_CALL_REGISTER(name) register_##name(r);
  NABLA_BUILTIN_OPS(NABLA_CALL_REGISTER)
#undef NABLA_CALL_REGISTER
}
}  // namespace nabla::detail
