// Tests of nabla/trace.hpp (BackwardTrace): the steps a backward pass reports, their
// order, gradients (shapes, norms, values, targets), the registry's formula and rule,
// multi-output nodes, nesting, and a callback that throws. And the registry's rules: each
// registered op's `rule` is the "backward" line of its file under ops/.

#include "ops/op_test_util.hpp"

#include <nabla/trace.hpp>

#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(BackwardTrace, ReportsEachNodeInOrderWithItsGradients) {
  Tensor x = nabla::tensor({{1.0, -2.0}, {0.5, 3.0}}, nabla::f64).requires_grad_();
  Tensor w = nabla::tensor({0.25, -1.0}, nabla::f64).requires_grad_();
  w.set_name("w");
  Tensor m = nabla::mul(x, w);  // [2, 2], w broadcast over the rows
  Tensor l = nabla::sum(nabla::sigmoid(m));
  std::vector<nabla::BackwardStep> steps;
  {
    nabla::BackwardTrace trace([&](const nabla::BackwardStep& s) { steps.push_back(s); },
                               {.keep_values = true});
    l.backward();
  }
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].op, "sum");
  EXPECT_EQ(steps[1].op, "sigmoid");
  EXPECT_EQ(steps[2].op, "mul");
  for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i].index, i);
  // sum: in 1 (the seed), out ones [2, 2] to the sigmoid node
  ASSERT_EQ(steps[0].incoming.size(), 1u);
  EXPECT_EQ(steps[0].incoming[0].shape, nabla::Shape{});
  EXPECT_DOUBLE_EQ(steps[0].incoming[0].norm, 1.0);
  ASSERT_EQ(steps[0].outgoing.size(), 1u);
  EXPECT_EQ(steps[0].outgoing[0].target, "node sigmoid");
  EXPECT_DOUBLE_EQ(steps[0].outgoing[0].norm, 2.0);  // ‖ones(2, 2)‖
  // mul: its gradients reach x (an unnamed leaf) and w (named), summed to w's shape
  ASSERT_EQ(steps[2].outgoing.size(), 2u);
  EXPECT_EQ(steps[2].outgoing[0].target, "leaf [2, 2]");
  EXPECT_EQ(steps[2].outgoing[1].target, "w");
  EXPECT_EQ(steps[2].outgoing[1].shape, (nabla::Shape{2}));
  // the kept values are the gradients that arrived: w's is its grad(), x's is x's grad()
  expect_tensor(steps[2].outgoing[1].value, {2}, w.grad().to_vector(), nabla::f64);
  expect_tensor(steps[2].outgoing[0].value, {2, 2}, x.grad().to_vector(), nabla::f64);
  const auto gx = x.grad().to_vector();
  double sq = 0;
  for (double v : gx) sq += v * v;
  EXPECT_NEAR(steps[2].outgoing[0].norm, std::sqrt(sq), 1e-15);
  // the registry's formula and rule, as the op files state them
  const nabla::OpInfo* sig = nabla::op_registry().find("sigmoid");
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(steps[1].formula, sig->formula);
  EXPECT_EQ(steps[1].rule, sig->rule);
  EXPECT_FALSE(steps[1].rule.empty());
}

TEST(BackwardTrace, WithoutKeepValuesAndAfterTheGuardNothingIsKept) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  int calls = 0;
  {
    nabla::BackwardTrace trace([&](const nabla::BackwardStep& s) {
      ++calls;
      for (const auto& g : s.outgoing) EXPECT_FALSE(g.value.defined());
    });
    nabla::sum(nabla::exp(x)).backward();
  }
  EXPECT_EQ(calls, 2);
  nabla::sum(nabla::exp(x)).backward();  // no guard: not reported
  EXPECT_EQ(calls, 2);
}

TEST(BackwardTrace, AMultiOutputNodeGetsAGradientPerOutput) {
  Tensor x = nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64).requires_grad_();
  const std::vector<Tensor> parts = nabla::split(x, 2);
  std::vector<nabla::BackwardStep> steps;
  nabla::BackwardTrace trace([&](const nabla::BackwardStep& s) { steps.push_back(s); });
  nabla::sum(parts[1]).backward();  // the first part is unused
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[1].op, "split");
  ASSERT_EQ(steps[1].incoming.size(), 2u);
  EXPECT_FALSE(steps[1].incoming[0].defined);
  EXPECT_TRUE(steps[1].incoming[1].defined);
  EXPECT_EQ(steps[1].incoming[1].shape, (nabla::Shape{2}));
  EXPECT_THAT(nabla::format_backward_step(steps[1]), HasSubstr("in  output 0: none"));
}

TEST(BackwardTrace, GuardsNestAndTheOuterHearsAgainAfterTheInnerEnds) {
  Tensor x = nabla::tensor({1.0}, nabla::f64).requires_grad_();
  int outer = 0, inner = 0;
  nabla::BackwardTrace a([&](const nabla::BackwardStep&) { ++outer; });
  {
    nabla::BackwardTrace b([&](const nabla::BackwardStep&) { ++inner; });
    nabla::sum(x).backward();
  }
  nabla::sum(x).backward();
  EXPECT_EQ(inner, 1);
  EXPECT_EQ(outer, 1);
}

TEST(BackwardTrace, ACallbackThatThrowsEndsTheBackwardWithItsException) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  {
    nabla::BackwardTrace trace(
        [](const nabla::BackwardStep&) { throw std::runtime_error("stop"); });
    EXPECT_THROW(nabla::sum(nabla::exp(x)).backward(), std::runtime_error);
  }
  nabla::sum(nabla::exp(x)).backward();  // the engine is usable again, untraced
  expect_tensor(x.grad(), {2}, {std::exp(1.0), std::exp(2.0)}, nabla::f64);
}

TEST(BackwardTrace, FormatNamesTheOpRuleAndEachGradient) {
  Tensor a = nabla::tensor({3.0, 4.0}, nabla::f64).requires_grad_();
  a.set_name("a");
  std::string text;
  {
    nabla::BackwardTrace trace(
        [&](const nabla::BackwardStep& s) { text += nabla::format_backward_step(s); });
    nabla::sum(nabla::mul(a, a)).backward();
  }
  EXPECT_THAT(text, HasSubstr("#0 sum"));
  EXPECT_THAT(text, HasSubstr("#1 mul"));
  EXPECT_THAT(text, HasSubstr("    rule: "));
  EXPECT_THAT(text, HasSubstr("    out input 0: [2] ‖g‖ = 5 -> a"));  // g·a = (3, 4)
}

// The "backward:" text of ops/<stem>.cpp, as the generator and docs/ops.md read it.
std::string backward_line_of(const std::string& stem) {
  std::ifstream in(std::string(NABLA_SOURCE_DIR) + "/ops/" + stem + ".cpp");
  std::string line, text;
  bool in_field = false;
  while (std::getline(in, line) && line.rfind("//", 0) == 0) {
    const std::string body = line.substr(2);
    if (body.rfind("   backward:", 0) == 0) {
      text = body.substr(body.find(':') + 1);
      in_field = true;
    } else if (in_field && body.rfind("    ", 0) == 0) {
      text += " " + body;
    } else {
      in_field = false;
    }
  }
  std::string squeezed;  // single spaces, trimmed
  for (char c : text) {
    if (c == ' ' && (squeezed.empty() || squeezed.back() == ' ')) continue;
    squeezed += c;
  }
  while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
  return squeezed;
}

TEST(OpRules, TheRegistrysRulesAreTheOpFilesBackwardLines) {
  int with_file = 0;
  for (const nabla::OpInfo& op : nabla::op_registry().all()) {
    const std::string expected = backward_line_of(op.name);
    if (expected.empty()) continue;  // registered under another name than its file's
    ++with_file;
    std::string got;  // the rule's lines joined by single spaces
    for (char c : op.rule) {
      if (c == '\n') c = ' ';
      if (c == ' ' && (got.empty() || got.back() == ' ')) continue;
      got += c;
    }
    EXPECT_EQ(got, expected) << op.name;
  }
  EXPECT_GT(with_file, 100);
}

}  // namespace
