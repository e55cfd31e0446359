// The registry sweep and the nabla-gradcheck command line (as a library function).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nabla/nabla.hpp>

using ::testing::HasSubstr;

namespace {
struct CliRun {
  int status;
  std::string out, err;
};

CliRun run_cli(std::vector<const char*> args) {
  args.insert(args.begin(), "nabla-gradcheck");
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  const int status = nabla::gradcheck_main(static_cast<int>(args.size()), args.data(), out, err);
  auto slurp = [](std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) s.append(buf, n);
    std::fclose(f);
    return s;
  };
  return {status, slurp(out), slurp(err)};
}
}  // namespace

TEST(Sweep, EveryBuiltinOpPasses) {
  const nabla::SweepReport report = nabla::sweep();
  EXPECT_EQ(report.failed, 0u) << nabla::format_sweep_table(report);
  EXPECT_GE(report.passed, 30u);
  for (const auto& r : report.ops) EXPECT_GT(r.cases, 0u) << r.op;
}

TEST(Sweep, UnknownOpIsRejectedWithTheList) {
  nabla::SweepOptions options;
  options.ops = {"no_such_op"};
  try {
    (void)nabla::sweep(options);
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("no_such_op"));
    EXPECT_THAT(e.what(), HasSubstr("matmul"));
  }
}

TEST(GradcheckTool, PrintsATableAndSummaryAndExitsZero) {
  CliRun r = run_cli({"--op", "sigmoid", "--op", "matmul"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("worst abs"));
  EXPECT_THAT(r.out, HasSubstr("sigmoid"));
  EXPECT_THAT(r.out, HasSubstr("2 passed, 0 failed"));
}

TEST(GradcheckTool, ListsOps) {
  CliRun r = run_cli({"--list"});
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("squared_loss"));
  EXPECT_THAT(r.out, HasSubstr("0.5 * sum((o - y)^2)"));
}

TEST(GradcheckTool, BadUsageExitsTwo) {
  EXPECT_EQ(run_cli({"--op", "nope"}).status, 2);
  EXPECT_EQ(run_cli({"--eps", "abc"}).status, 2);
  EXPECT_EQ(run_cli({"--eps", "-1"}).status, 2);
  EXPECT_EQ(run_cli({"--seed"}).status, 2);
  EXPECT_EQ(run_cli({"--frobnicate"}).status, 2);
  CliRun r = run_cli({"--op", "add", "--json", "/nonexistent-dir/out.json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent-dir/out.json"));
}

TEST(GradcheckTool, WritesJsonAndFastMode) {
  const std::string path = ::testing::TempDir() + "/nabla_sweep.json";
  CliRun r = run_cli({"--fast", "--op", "tanh", "--json", path.c_str()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("fast mode"));
  std::ifstream f(path);
  std::stringstream json;
  json << f.rdbuf();
  EXPECT_THAT(json.str(), HasSubstr("\"op\": \"tanh\""));
  EXPECT_THAT(json.str(), HasSubstr("\"passed\": 1"));
}

namespace {
// An op with a wrong rule (the factor 2 of x² is missing), registered like a user's op.
struct BadSquareNode : nabla::Node {
  BadSquareNode() : Node("bad_square") {}
  std::vector<nabla::Tensor> backward(const nabla::Tensor& g) override { return {g * saved(0)}; }
};
nabla::Tensor bad_square(const nabla::Tensor& x) {
  nabla::Tensor out;
  {
    nabla::NoGradGuard no_grad;
    out = x * x;
  }
  if (auto node = nabla::record<BadSquareNode>(out, {x})) node->save(x);
  return out;
}
}  // namespace

TEST(GradcheckTool, AFailingOpExitsOneAndNamesTheElement) {
  if (nabla::op_registry().find("test_bad_square") == nullptr) {
    nabla::register_op(
        {.name = "test_bad_square",
         .formula = "x^2 with a wrong rule",
         .arity = 1,
         .fn = [](const std::vector<nabla::Tensor>& in) { return bad_square(in[0]); },
         .samples = [](nabla::Generator& g,
                       nabla::Dtype d) { return nabla::unary_samples(g, d); }});
  }
  CliRun r = run_cli({"--op", "test_bad_square", "--op", "exp"});
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("test_bad_square FAILED"));
  EXPECT_THAT(r.out, HasSubstr("analytical"));
  EXPECT_THAT(r.out, HasSubstr("numerical"));
  EXPECT_THAT(r.out, HasSubstr("1 passed, 1 failed"));
}
