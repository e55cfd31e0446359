// The sweep's view layouts (check_layout): the expanded layout gives the op stride-0 axes
// of extent > 1, and the sweep catches kernels that read such a view wrongly: one that
// reads every view as dense, and one whose fast path looks at the innermost stride only
// (which the transposed and stepped layouts cannot catch). An entry may opt out of the
// expanded layout, with a reason the report shows. The fake kernels read storage through
// internal helpers (src/core/), as a kernel does, so this file includes them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nabla/nabla.hpp>

#include <algorithm>
#include <functional>

#include "core/tensor_impl.hpp"

namespace {

using nabla::Tensor;
using testing::HasSubstr;
using testing::Not;

// The gradient passes through: the fakes are copies whose forward kernels are wrong.
struct PassThroughNode : nabla::Node {
  PassThroughNode() : Node("fake_copy") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {grad_out}; }
};

// A copy of a float64 x whose kernel reads the storage as dense from x's offset when
// `looks_dense(x)` says so, and by x's strides otherwise. Past the end of the storage it
// reads 0, where a real kernel would read out of bounds.
Tensor fake_copy(const Tensor& x, const std::function<bool(const Tensor&)>& looks_dense) {
  if (x.dtype() != nabla::f64) throw std::invalid_argument("fake_copy: float64 only");
  Tensor out = nabla::empty(x.shape(), nabla::f64);
  double* o = out.mutable_data<double>();
  const double* p = nabla::detail::base_ptr<double>(x);
  const std::int64_t n = x.numel();
  if (looks_dense(x)) {
    const std::int64_t held =
        static_cast<std::int64_t>(x.impl()->storage->nbytes / sizeof(double)) - x.storage_offset();
    for (std::int64_t i = 0; i < n; ++i) o[i] = i < held ? p[i] : 0.0;
  } else {
    for (std::int64_t i = 0; i < n; ++i) {
      std::int64_t rem = i, at = 0;
      for (std::int64_t d = x.dim(); d-- > 0;) {
        at += (rem % x.size(d)) * x.stride(d);
        rem /= x.size(d);
      }
      o[i] = p[at];
    }
  }
  nabla::record<PassThroughNode>(out, {x});
  return out;
}

nabla::OpInfo fake_op(const std::string& name, std::function<bool(const Tensor&)> looks_dense) {
  return {
      .name = name,
      .formula = "x, copied by a kernel with a wrong fast path",
      .arity = 1,
      .fn = [looks_dense](const std::vector<Tensor>& in) { return fake_copy(in[0], looks_dense); },
      .samples = [](nabla::Generator& g, nabla::Dtype d) { return nabla::unary_samples(g, d); },
      .check_gradgrad = false};
}

// No strided path at all: every view is read as if it were dense.
bool always_dense(const Tensor&) {
  return true;
}

// A fast path taken whenever the innermost stride is 1: right for a transposed or stepped
// view (whose innermost stride is not 1), wrong for a row repeated along a stride-0 axis.
bool inner_stride_one(const Tensor& x) {
  return x.dim() == 0 || x.stride(-1) == 1;
}

std::vector<std::string> failures_of(const nabla::OpInfo& op) {
  nabla::OpRegistry local;
  local.add(op);
  const nabla::SweepReport report = nabla::sweep(local);
  EXPECT_EQ(report.ops.size(), 1u);
  return report.ops.empty() ? std::vector<std::string>{} : report.ops[0].failures;
}

bool any_mentions(const std::vector<std::string>& failures, const std::string& text) {
  return std::any_of(failures.begin(), failures.end(),
                     [&](const std::string& f) { return f.find(text) != std::string::npos; });
}

TEST(SweepLayouts, ExpandedLayoutRepeatsValuesAlongStrideZeroAxes) {
  // An identity that records the layout and values it was given.
  std::vector<nabla::Shape> strides_seen;
  std::vector<std::vector<double>> values_seen;
  const nabla::OpInfo spy{
      .name = "spy",
      .formula = "x",
      .arity = 1,
      .fn =
          [&](const std::vector<Tensor>& in) {
            strides_seen.push_back(in[0].strides());
            values_seen.push_back(in[0].to_vector());
            return nabla::clone(in[0]);
          },
      .samples = [](nabla::Generator& g, nabla::Dtype d) { return nabla::unary_samples(g, d); }};
  nabla::Generator gen(7);
  const auto samples = spy.samples(gen, nabla::f64);
  for (const nabla::OpSample& s : samples) {
    SCOPED_TRACE(s.label);
    strides_seen.clear();
    values_seen.clear();
    const nabla::LayoutCheck c = nabla::check_layout(spy, s, nabla::SweepLayout::expanded);
    EXPECT_TRUE(c.passed) << c.message;
    const Tensor& x = s.inputs[0];
    if (x.dim() == 0) {
      EXPECT_FALSE(c.applied);
      continue;
    }
    ASSERT_TRUE(c.applied);
    ASSERT_FALSE(strides_seen.empty());
    // the first call gets the view: stride 0 on the outermost axis, whose extent is > 1
    EXPECT_EQ(strides_seen[0][0], 0);
    EXPECT_GT(x.size(0), 1);
    // rank 3 [2,3,4]: the innermost axis is repeated too, the middle one is not
    if (x.dim() == 3) {
      EXPECT_EQ(strides_seen[0][2], 0);
      EXPECT_NE(strides_seen[0][1], 0);
    }
    // the values are the sample's at index 0 of the repeated axes
    Tensor kept = x.narrow(0, 0, 1);
    if (x.dim() == 3) kept = kept.narrow(2, 0, 1);
    EXPECT_EQ(values_seen[0], kept.expand(x.shape()).to_vector());
  }
}

TEST(SweepLayouts, CatchesAKernelThatReadsEveryViewAsDense) {
  const auto failures = failures_of(fake_op("reads_as_dense", always_dense));
  EXPECT_TRUE(any_mentions(failures, "as expanded")) << testing::PrintToString(failures);
  EXPECT_TRUE(any_mentions(failures, "matrix [3,4] as expanded: forward value"))
      << testing::PrintToString(failures);
  // the contiguous samples themselves pass: only the views show the bug
  for (const std::string& f : failures) EXPECT_THAT(f, HasSubstr(" as ")) << f;
}

TEST(SweepLayouts, CatchesAFastPathThatLooksOnlyAtTheInnerStride) {
  const auto failures = failures_of(fake_op("inner_stride_fast_path", inner_stride_one));
  // [3,4] is seen with strides [0, 1]; [2,3,4] (strides [0, 1, 0]) takes the strided path
  EXPECT_TRUE(any_mentions(failures, "matrix [3,4] as expanded"))
      << testing::PrintToString(failures);
  // only the broadcast shows it
  for (const std::string& f : failures) EXPECT_THAT(f, HasSubstr("as expanded")) << f;
}

TEST(SweepLayouts, AnEntryOptsOutOfTheExpandedLayoutWithAReason) {
  nabla::OpInfo op = fake_op("opted_out", inner_stride_one);
  op.expanded_opt_out = "writes into its input, which a stride-0 view refuses";
  nabla::Generator gen(7);
  const nabla::LayoutCheck c =
      nabla::check_layout(op, op.samples(gen, nabla::f64)[0], nabla::SweepLayout::expanded);
  EXPECT_FALSE(c.applied);
  EXPECT_TRUE(c.passed);
  EXPECT_THAT(c.message, HasSubstr("skipped: writes into its input"));

  nabla::OpRegistry local;
  local.add(op);
  const nabla::SweepReport report = nabla::sweep(local);
  ASSERT_EQ(report.ops.size(), 1u);
  EXPECT_TRUE(report.all_passed()) << nabla::format_sweep_table(report);
  EXPECT_THAT(
      report.ops[0].notes,
      testing::ElementsAre(HasSubstr("not fed the expanded layout: writes into its input")));
  EXPECT_THAT(nabla::format_sweep_table(report), HasSubstr("opted_out note: not fed the expanded"));
  EXPECT_THAT(nabla::format_sweep_json(report), HasSubstr("\"notes\": [\"not fed the expanded"));
  EXPECT_THAT(nabla::format_sweep_table(report), Not(HasSubstr("FAILED")));
}

}  // namespace
