// Sweeps the op registry: every registered op, on every sample it offers (float64, fixed
// seed), through gradcheck and gradgradcheck; every bad sample must throw. Also the
// registry's own contract: unique names, duplicate registration rejected, and a user's
// op joining with one call and being checked by the same sweep.

#include <set>

#include "ops/op_test_util.hpp"

namespace test_registry_sweep {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

constexpr std::uint64_t kSeed = 20240611;

/// `text` as a test-name fragment: runs of characters outside [A-Za-z0-9] become one '_',
/// with none at either end.
std::string name_fragment(const std::string& text) {
  std::string out;
  for (char c : sanitize(text)) {
    if (c == '_' && (out.empty() || out.back() == '_')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? std::string("x") : out;
}

/// The samples of `op`, regenerated identically on every call (a fresh seeded generator).
std::vector<nabla::OpSample> samples_of(const nabla::OpInfo& op, Dtype dtype) {
  nabla::Generator gen(kSeed);
  return op.samples(gen, dtype);
}

std::vector<nabla::OpSample> bad_samples_of(const nabla::OpInfo& op, Dtype dtype) {
  if (!op.bad_samples) return {};
  nabla::Generator gen(kSeed);
  return op.bad_samples(gen, dtype);
}

/// The sweep applied to one op and one sample: "" when every check passes, else what failed.
std::string sweep_failure(const nabla::OpInfo& op, const nabla::OpSample& sample) {
  if (sample.inputs.size() != op.arity) {
    return "sample has " + std::to_string(sample.inputs.size()) + " inputs, arity is " +
           std::to_string(op.arity);
  }
  std::vector<Tensor> inputs = sample.inputs;
  for (auto& t : inputs) t.requires_grad_();
  const nabla::Function fn = op.fn;
  const nabla::GradcheckResult first = nabla::gradcheck(fn, inputs);
  if (!first.passed) return "gradcheck " + first.failure + ": " + first.message;
  if (op.check_gradgrad) {
    const nabla::GradcheckResult second = nabla::gradgradcheck(fn, inputs);
    if (!second.passed) return "gradgradcheck " + second.failure + ": " + second.message;
  }
  return "";
}

struct SweepCase {
  std::string op;
  std::size_t index = 0;  // into samples_of(op) or bad_samples_of(op)
  std::string label;
  std::string test_name;
};

std::vector<SweepCase> make_cases(bool bad) {
  std::vector<SweepCase> cases;
  std::set<std::string> taken;
  for (const nabla::OpInfo& op : nabla::op_registry().all()) {
    const auto samples = bad ? bad_samples_of(op, nabla::f64) : samples_of(op, nabla::f64);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      std::string name = name_fragment(op.name) + "_" + name_fragment(samples[i].label);
      if (!taken.insert(name).second) {
        name += "_" + std::to_string(i);
        taken.insert(name);
      }
      cases.push_back({op.name, i, samples[i].label, name});
    }
  }
  return cases;
}

std::string case_name(const testing::TestParamInfo<SweepCase>& info) {
  return info.param.test_name;
}

const nabla::OpInfo& op_named(const std::string& name) {
  const nabla::OpInfo* op = nabla::op_registry().find(name);
  if (op == nullptr) throw std::logic_error("no registered op named " + name);
  return *op;
}

class RegistrySweep : public testing::TestWithParam<SweepCase> {};

TEST_P(RegistrySweep, GradientsMatchFiniteDifferences) {
  const SweepCase& c = GetParam();
  const nabla::OpInfo& op = op_named(c.op);
  const auto samples = samples_of(op, nabla::f64);
  ASSERT_LT(c.index, samples.size());
  ASSERT_EQ(samples[c.index].label, c.label);
  const std::string failure = sweep_failure(op, samples[c.index]);
  EXPECT_EQ(failure, "") << op.name << " [" << c.label << "]";
}

TEST_P(RegistrySweep, Float32SampleGivesFloat32OfTheSameShape) {
  const SweepCase& c = GetParam();
  const nabla::OpInfo& op = op_named(c.op);
  const auto s64 = samples_of(op, nabla::f64);
  const auto s32 = samples_of(op, nabla::f32);
  ASSERT_EQ(s32.size(), s64.size());
  const Tensor r64 = op.fn(s64[c.index].inputs);
  const Tensor r32 = op.fn(s32[c.index].inputs);
  EXPECT_EQ(r64.dtype(), nabla::f64);
  EXPECT_EQ(r32.dtype(), nabla::f32);
  EXPECT_EQ(r32.shape(), r64.shape());
}

// Every sample fed as non-contiguous views (transposed, stepped, expanded: a broadcast
// with stride 0 along axes of extent > 1): the forward equals the op on the same values
// made contiguous and gradcheck passes through the views. An entry that opts out of the
// expanded layout is skipped there, with its reason.
TEST_P(RegistrySweep, ViewLayoutsMatchTheContiguousSample) {
  const SweepCase& c = GetParam();
  const nabla::OpInfo& op = op_named(c.op);
  const auto samples = samples_of(op, nabla::f64);
  ASSERT_LT(c.index, samples.size());
  for (nabla::SweepLayout layout : nabla::kSweepLayouts) {
    const nabla::LayoutCheck check = nabla::check_layout(op, samples[c.index], layout);
    EXPECT_TRUE(check.passed) << op.name << " [" << c.label << "] as " << nabla::layout_name(layout)
                              << ": " << check.message;
  }
}

INSTANTIATE_TEST_SUITE_P(AllOps, RegistrySweep, testing::ValuesIn(make_cases(false)), case_name);

class RegistryBadSample : public testing::TestWithParam<SweepCase> {};

TEST_P(RegistryBadSample, Throws) {
  const SweepCase& c = GetParam();
  const nabla::OpInfo& op = op_named(c.op);
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const auto bad = bad_samples_of(op, d);
    ASSERT_LT(c.index, bad.size());
    EXPECT_THROW(op.fn(bad[c.index].inputs), std::exception) << op.name << " [" << c.label << "]";
  }
}

INSTANTIATE_TEST_SUITE_P(AllOps, RegistryBadSample, testing::ValuesIn(make_cases(true)), case_name);

TEST(Registry, NamesAreUnique) {
  const auto names = nabla::op_registry().names();
  const std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
}

TEST(Registry, EveryOpFileIsRegistered) {
  // one entry per file in ops/ at least (some files register variants too)
  for (const char* name : {"add",
                           "sub",
                           "mul",
                           "div",
                           "neg",
                           "exp",
                           "log",
                           "pow",
                           "sqrt",
                           "sigmoid",
                           "sigmoid_backward",
                           "tanh",
                           "tanh_backward",
                           "relu",
                           "relu_backward",
                           "matmul",
                           "sum",
                           "mean",
                           "reshape",
                           "transpose",
                           "permute",
                           "broadcast_to",
                           "sum_to",
                           "cast",
                           "clone",
                           "squared_loss",
                           "mse_loss"}) {
    EXPECT_NE(nabla::op_registry().find(name), nullptr) << name;
  }
  EXPECT_EQ(nabla::op_registry().find("no_such_op"), nullptr);
}

TEST(Registry, EveryOpHasSamplesAndAFormula) {
  for (const nabla::OpInfo& op : nabla::op_registry().all()) {
    EXPECT_FALSE(op.formula.empty()) << op.name;
    EXPECT_FALSE(samples_of(op, nabla::f64).empty()) << op.name;
  }
}

nabla::OpInfo square_plus_x(const std::string& name) {
  return {.name = name,
          .formula = "x*x + x",
          .arity = 1,
          .fn = [](const std::vector<Tensor>& in) { return in[0] * in[0] + in[0]; },
          .samples = [](nabla::Generator& g, Dtype d) { return nabla::unary_samples(g, d); },
          .bad_samples = nullptr};
}

TEST(Registry, RegisteringADuplicateNameThrows) {
  EXPECT_THROW(nabla::register_op(square_plus_x("add")), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::register_op(square_plus_x("matmul")); }),
              AllOf(HasSubstr("nabla::register_op"), HasSubstr("matmul"), HasSubstr("unique")));
  // the failed registrations left the registry as it was: still one "add"
  const auto names = nabla::op_registry().names();
  EXPECT_EQ(std::count(names.begin(), names.end(), "add"), 1);

  nabla::OpRegistry local;
  local.add(square_plus_x("twice"));
  EXPECT_THROW(local.add(square_plus_x("twice")), std::invalid_argument);
  EXPECT_EQ(local.all().size(), 1u);
}

TEST(Registry, IncompleteEntriesAreRejected) {
  nabla::OpRegistry local;
  nabla::OpInfo no_fn = square_plus_x("no_fn");
  no_fn.fn = nullptr;
  EXPECT_THROW(local.add(no_fn), std::invalid_argument);
  nabla::OpInfo no_samples = square_plus_x("no_samples");
  no_samples.samples = nullptr;
  EXPECT_THROW(local.add(no_samples), std::invalid_argument);
  EXPECT_THROW(local.add(square_plus_x("")), std::invalid_argument);
  EXPECT_TRUE(local.all().empty());
}

TEST(Registry, UserOpJoinsAndPassesTheSweep) {
  // a unique name so that no other test sees a change; registered once even when the
  // test binary repeats its tests
  const std::string name = "test_registry_sweep_user_square_plus_x";
  if (nabla::op_registry().find(name) == nullptr) nabla::register_op(square_plus_x(name));
  const nabla::OpInfo* op = nabla::op_registry().find(name);
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->formula, "x*x + x");
  EXPECT_EQ(nabla::op_registry().all().back().name, name);
  // x·x + x at 3 is 12: the entry calls the function it was given
  expect_tensor(op->fn({nabla::scalar_tensor(3.0, nabla::f64)}), {}, {12}, nabla::f64);
  const auto samples = samples_of(*op, nabla::f64);
  ASSERT_FALSE(samples.empty());
  for (const auto& s : samples) EXPECT_EQ(sweep_failure(*op, s), "") << s.label;
  EXPECT_THROW(nabla::register_op(square_plus_x(name)), std::invalid_argument);

  // the library's own sweep (behind nabla-gradcheck) finds and checks it too
  nabla::SweepOptions options;
  options.ops = {name};
  const nabla::SweepReport report = nabla::sweep(options);
  ASSERT_EQ(report.ops.size(), 1u);
  EXPECT_EQ(report.ops[0].op, name);
  EXPECT_EQ(report.ops[0].cases, samples.size());
  EXPECT_TRUE(report.ops[0].gradgrad_checked);
  EXPECT_TRUE(report.all_passed()) << nabla::format_sweep_table(report);
}

TEST(Registry, LibrarySweepRejectsAnUnknownOpName) {
  nabla::SweepOptions options;
  options.ops = {"no_such_op"};
  EXPECT_THROW(nabla::sweep(options), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::sweep(options); }), HasSubstr("no_such_op"));
}

// An identity whose rule is wrong (it doubles the gradient): the sweep must catch it.
struct WrongIdentityNode : nabla::Node {
  WrongIdentityNode() : Node("wrong_identity") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {grad_out * 2.0}; }
};

Tensor wrong_identity(const Tensor& x) {
  Tensor result;
  {
    nabla::NoGradGuard no_grad;
    result = nabla::clone(x);
  }
  nabla::record<WrongIdentityNode>(result, {x});
  return result;
}

TEST(Registry, SweepCatchesAWrongRule) {
  const nabla::OpInfo op{
      .name = "wrong_identity",
      .formula = "x (with a rule that doubles the gradient)",
      .arity = 1,
      .fn = [](const std::vector<Tensor>& in) { return wrong_identity(in[0]); },
      .samples = [](nabla::Generator& g, Dtype d) { return nabla::unary_samples(g, d); }};
  for (const auto& s : samples_of(op, nabla::f64)) {
    EXPECT_THAT(sweep_failure(op, s), HasSubstr("jacobian")) << s.label;
  }
  // and so must the library's sweep, naming the sample that failed
  nabla::OpRegistry local;
  local.add(op);
  const nabla::SweepReport report = nabla::sweep(local);
  ASSERT_EQ(report.ops.size(), 1u);
  EXPECT_FALSE(report.ops[0].passed);
  EXPECT_EQ(report.failed, 1u);
  ASSERT_FALSE(report.ops[0].failures.empty());
  EXPECT_THAT(report.ops[0].failures[0], HasSubstr("matrix [3,4]"));
}

}  // namespace
}  // namespace test_registry_sweep
