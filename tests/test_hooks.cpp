// Tensor::register_hook: what a hook sees (the complete gradient, once), what a returned
// gradient changes, order, removal, and the errors of a bad hook; then
// register_post_accumulate_grad_hook (when it runs in the pass) and queue_callback.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <nabla/nabla.hpp>

using nabla::RemovableHandle;
using nabla::Tensor;
using ::testing::ElementsAre;
using ::testing::ThrowsMessage;
using ::testing::HasSubstr;

namespace {

Tensor leaf(std::vector<double> v) {
  Tensor t = nabla::tensor(v, {static_cast<std::int64_t>(v.size())}, nabla::f64);
  t.requires_grad_();
  return t;
}

}  // namespace

// y is used twice; its hook sees ∂L/∂y summed over both uses, once.
TEST(TensorHooks, InteriorHookSeesTheCompleteGradientOnce) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 3.0;
  std::vector<std::vector<double>> seen;
  y.register_hook([&](const Tensor& g) { seen.push_back(g.to_vector()); });
  Tensor loss = nabla::sum(y * y + y);  // ∂L/∂y = 2y + 1 = [7, 13]
  loss.backward();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_THAT(seen[0], ElementsAre(7.0, 13.0));
  EXPECT_THAT(x.grad().to_vector(), ElementsAre(21.0, 39.0));  // 3·(2y + 1)
}

TEST(TensorHooks, ReturnedGradientReplacesItUpstream) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 3.0;
  y.register_hook([](const Tensor& g) { return g * 10.0; });
  nabla::sum(y).backward();
  EXPECT_THAT(x.grad().to_vector(), ElementsAre(30.0, 30.0));
}

// A leaf used twice: the hook runs once, on the sum, before grad() is written.
TEST(TensorHooks, LeafHookRunsOnceOnTheSumBeforeAccumulation) {
  Tensor x = leaf({1, 2});
  int calls = 0;
  x.register_hook([&](const Tensor& g) {
    ++calls;
    EXPECT_THAT(g.to_vector(), ElementsAre(2.0, 4.0));  // ∂(x·x)/∂x = 2x
    return g * 0.5;
  });
  nabla::sum(x * x).backward();
  EXPECT_EQ(calls, 1);
  EXPECT_THAT(x.grad().to_vector(), ElementsAre(1.0, 2.0));
}

TEST(TensorHooks, HooksRunInRegistrationOrderEachOnThePreviousResult) {
  Tensor x = leaf({1});
  Tensor y = x * 1.0;
  std::vector<double> seen;
  y.register_hook([&](const Tensor& g) {
    seen.push_back(g.item<double>());
    return g + 1.0;
  });
  y.register_hook([&](const Tensor& g) {
    seen.push_back(g.item<double>());
    return g * 3.0;
  });
  nabla::sum(y).backward();
  EXPECT_THAT(seen, ElementsAre(1.0, 2.0));
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 6.0);
}

TEST(TensorHooks, RemoveTakesTheHookAway) {
  Tensor x = leaf({1});
  int calls = 0;
  nabla::RemovableHandle h = x.register_hook([&](const Tensor&) { ++calls; });
  nabla::sum(x * 2.0).backward();
  h.remove();
  h.remove();  // a second remove does nothing
  nabla::sum(x * 2.0).backward();
  EXPECT_EQ(calls, 1);
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 4.0);
}

TEST(TensorHooks, RetainGradKeepsTheHookedGradient) {
  Tensor x = leaf({1, 1});
  Tensor y = x * 2.0;
  y.retain_grad();
  y.register_hook([](const Tensor& g) { return g * 5.0; });
  nabla::sum(y).backward();
  EXPECT_THAT(y.grad().to_vector(), ElementsAre(5.0, 5.0));
}

TEST(TensorHooks, GradReturnsTheHookedGradientOfAnInteriorInput) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 2.0;
  y.register_hook([](const Tensor& g) { return g * 4.0; });
  auto g = nabla::grad({nabla::sum(y)}, {y, x});
  EXPECT_THAT(g[0].to_vector(), ElementsAre(4.0, 4.0));
  EXPECT_THAT(g[1].to_vector(), ElementsAre(8.0, 8.0));
  EXPECT_FALSE(x.grad().defined());  // nabla::grad writes no grad()
}

TEST(TensorHooks, HookOnOneOutputOfAMultiOutputOp) {
  Tensor x = leaf({1, 2, 3, 4});
  auto parts = nabla::chunk(x, 2, 0);
  parts[1].register_hook([](const Tensor& g) { return g * 7.0; });
  nabla::sum(parts[0] + parts[1]).backward();
  EXPECT_THAT(x.grad().to_vector(), ElementsAre(1.0, 1.0, 7.0, 7.0));
}

TEST(TensorHooks, WorksUnderCreateGraph) {
  Tensor x = leaf({3});
  Tensor y = x * x;
  y.register_hook([](const Tensor& g) { return g * 2.0; });
  auto g = nabla::grad({nabla::sum(y * x)}, {x}, {}, std::nullopt, true);  // d(x³)/dx hooked
  // ∂L/∂y = x, hooked to 2x; total = 2x·2x + y = 4x² + x² = 5x² = 45.
  EXPECT_DOUBLE_EQ(g[0].item<double>(), 45.0);
  EXPECT_TRUE(g[0].requires_grad());
}

TEST(TensorHooks, HookReturningAnotherShapeThrowsNamingTheOp) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 2.0;
  y.register_hook([](const Tensor& g) { return nabla::sum(g); });
  try {
    nabla::sum(y).backward();
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'mul'"));
    EXPECT_THAT(e.what(), HasSubstr("shape []"));
    EXPECT_THAT(e.what(), HasSubstr("shape [2]"));
  }
  Tensor z = leaf({1});
  z.set_name("z");
  z.register_hook([](const Tensor& g) { return g.to(nabla::f32); });
  try {
    nabla::sum(z * 1.0).backward();
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the leaf 'z'"));
    EXPECT_THAT(e.what(), HasSubstr("float32"));
  }
}

TEST(TensorHooks, RegisteringOnATensorWithoutGradThrows) {
  Tensor t = nabla::ones({2});
  EXPECT_THROW(t.register_hook([](const Tensor&) {}), std::logic_error);
  Tensor x = leaf({1});
  EXPECT_THROW(x.register_hook(nabla::GradHook()), std::invalid_argument);
}

// A hook that throws leaves the graph usable: the pass releases what it held.
TEST(TensorHooks, AThrowingHookLeavesTheLeafUsable) {
  Tensor x = leaf({1});
  auto h = x.register_hook([](const Tensor&) -> Tensor { throw std::runtime_error("boom"); });
  EXPECT_THROW(nabla::sum(x * 2.0).backward(), std::runtime_error);
  h.remove();
  nabla::sum(x * 2.0).backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 2.0);
}

// ---- register_post_accumulate_grad_hook and queue_callback -------------------------------

// loss = Σ w2 ⊙ h, h = w1 ⊙ x: w2's gradient is complete after the first mul's rule, long
// before h's hook and w1's; its post-accumulate hook runs then, with grad() already written.
TEST(PostAccumulateGradHooks, RunAsSoonAsTheLeafIsCompleteWithGradWritten) {
  Tensor x = nabla::tensor({1.0, 2.0}, {2}, nabla::f64);
  Tensor w1 = leaf({3, 4});
  Tensor w2 = leaf({5, 6});
  std::vector<std::string> events;
  w2.register_post_accumulate_grad_hook([&](Tensor& p) {
    events.push_back("w2");
    EXPECT_EQ(p.impl(), w2.impl());  // the leaf itself
    EXPECT_THAT(p.grad().to_vector(), ElementsAre(3.0, 8.0));  // h = w1 ⊙ x
    EXPECT_FALSE(w1.grad().defined());
  });
  w1.register_post_accumulate_grad_hook([&](Tensor& p) {
    events.push_back("w1");
    EXPECT_THAT(p.grad().to_vector(), ElementsAre(5.0, 12.0));  // w2 ⊙ x
  });
  Tensor h = w1 * x;
  h.register_hook([&](const Tensor&) { events.push_back("h"); });
  nabla::sum(w2 * h).backward();
  EXPECT_THAT(events, ElementsAre("w2", "h", "w1"));
}

// A leaf used by three ops (two of them one mul): the hook runs once per backward, after
// every contribution, and a second backward runs it again on the accumulated grad().
TEST(PostAccumulateGradHooks, RunOncePerBackwardAfterEveryUse) {
  Tensor w = leaf({1, 2});
  std::vector<std::vector<double>> seen;
  w.register_post_accumulate_grad_hook([&](Tensor& p) { seen.push_back(p.grad().to_vector()); });
  const auto loss = [&] { return nabla::sum(w * w + w * 3.0); };  // ∂/∂w = 2w + 3
  loss().backward();
  loss().backward();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_THAT(seen[0], ElementsAre(5.0, 7.0));
  EXPECT_THAT(seen[1], ElementsAre(10.0, 14.0));
}

// Gradient hooks run first, on the gradient; the post hook sees what they made of it.
TEST(PostAccumulateGradHooks, RunAfterTheGradientHooks) {
  Tensor w = leaf({1, 2});
  w.register_hook([](const Tensor& g) { return g * 10.0; });
  std::vector<double> seen;
  w.register_post_accumulate_grad_hook([&](Tensor& p) { seen = p.grad().to_vector(); });
  nabla::sum(w * 2.0).backward();
  EXPECT_THAT(seen, ElementsAre(20.0, 20.0));
}

TEST(PostAccumulateGradHooks, RemoveNabla_gradAndBadTensors) {
  Tensor w = leaf({1, 2});
  int calls = 0;
  RemovableHandle handle = w.register_post_accumulate_grad_hook([&](Tensor&) { ++calls; });
  nabla::grad({nabla::sum(w * w)}, {w});  // writes no grad(): no post hook
  EXPECT_EQ(calls, 0);
  nabla::sum(w * w).backward();
  EXPECT_EQ(calls, 1);
  handle.remove();
  nabla::sum(w * w).backward();
  EXPECT_EQ(calls, 1);

  Tensor interior = w * 2.0;
  EXPECT_THAT([&] { interior.register_post_accumulate_grad_hook([](Tensor&) {}); },
              ThrowsMessage<std::logic_error>(HasSubstr("not a leaf")));
  Tensor plain = nabla::ones({2});
  EXPECT_THAT([&] { plain.register_post_accumulate_grad_hook([](Tensor&) {}); },
              ThrowsMessage<std::logic_error>(HasSubstr("does not require grad")));
}

// The hook of a leaf behind a node that got no gradient (one output of split unused) still
// runs, at the end of the pass, when the leaf got a gradient by another path.
TEST(PostAccumulateGradHooks, RunForALeafBehindANodeThatDidNotRun) {
  Tensor w = leaf({1, 2, 3, 4});
  std::vector<Tensor> parts = nabla::split(w * 1.0, 2);
  Tensor unused = parts[1] * 5.0;  // a node no gradient reaches
  (void)unused;
  int calls = 0;
  w.register_post_accumulate_grad_hook([&](Tensor& p) {
    ++calls;
    EXPECT_THAT(p.grad().to_vector(), ElementsAre(1.0, 1.0, 7.0, 7.0));
  });
  nabla::sum(parts[0] + w.narrow(0, 2, 2) * 7.0).backward();
  EXPECT_EQ(calls, 1);
}

TEST(QueueCallback, RunsAfterEveryGradIsWrittenInOrder) {
  Tensor w1 = leaf({1, 2});
  Tensor w2 = leaf({3, 4});
  std::vector<std::string> events;
  w2.register_post_accumulate_grad_hook([&](Tensor&) {
    events.push_back("w2");
    nabla::queue_callback([&] {
      events.push_back("first");
      EXPECT_TRUE(w1.grad().defined());
      nabla::queue_callback([&] { events.push_back("queued by a callback"); });
    });
    nabla::queue_callback([&] { events.push_back("second"); });
  });
  w1.register_post_accumulate_grad_hook([&](Tensor&) { events.push_back("w1"); });
  nabla::sum(w2 * (w1 * 2.0)).backward();
  EXPECT_THAT(events, ElementsAre("w2", "w1", "first", "second", "queued by a callback"));
}

TEST(QueueCallback, OutsideABackwardThrowsAndAThrowingCallbackComesOut) {
  EXPECT_THAT([] { nabla::queue_callback([] {}); },
              ThrowsMessage<std::logic_error>(HasSubstr("no backward pass is running")));
  Tensor w = leaf({1, 2});
  RemovableHandle h = w.register_post_accumulate_grad_hook([](Tensor&) {
    nabla::queue_callback([] { throw std::runtime_error("all-reduce failed"); });
  });
  EXPECT_THAT([&] { nabla::sum(w * w).backward(); },
              ThrowsMessage<std::runtime_error>(HasSubstr("all-reduce failed")));
  h.remove();
  nabla::sum(w * w).backward();  // the leaf is usable afterwards
  EXPECT_THAT(w.grad().to_vector(), ElementsAre(4.0, 8.0));  // 2w from each of two passes
}
