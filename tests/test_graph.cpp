// to_dot: the graph that produced a tensor, in Graphviz DOT.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nabla/nabla.hpp>

using nabla::Tensor;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(Graph, DotNamesOpsShapesAndLeaves) {
  Tensor X = nabla::ones({4, 3});
  Tensor W = nabla::ones({3, 2}).requires_grad_().set_name("W_h");
  Tensor b = nabla::zeros({2}).requires_grad_().set_name("b_h");
  Tensor l = nabla::sum(nabla::sigmoid(nabla::matmul(X, W) + b));
  const std::string dot = nabla::to_dot(l);
  EXPECT_THAT(dot, HasSubstr("digraph nabla {"));
  EXPECT_THAT(dot, HasSubstr("matmul\\n[4, 2] float32"));
  EXPECT_THAT(dot, HasSubstr("sigmoid\\n[4, 2] float32"));
  EXPECT_THAT(dot, HasSubstr("W_h\\n[3, 2] float32"));
  EXPECT_THAT(dot, HasSubstr("b_h\\n[2] float32"));
  EXPECT_THAT(dot, Not(HasSubstr("grad‖")));  // no backward yet
}

TEST(Graph, AfterBackwardShowsGradientNorms) {
  Tensor w = nabla::tensor({3.0, 4.0}, nabla::f64).requires_grad_().set_name("w");
  Tensor l = nabla::sum(w * 2.0);
  nabla::set_grad_norms_recorded(true);
  l.backward({}, true);
  nabla::set_grad_norms_recorded(false);
  const std::string dot = nabla::to_dot(l);
  EXPECT_THAT(dot, HasSubstr("w\\n[2] float64\\n‖grad‖ = 2.828"));    // ‖(2, 2)‖
  EXPECT_THAT(dot, HasSubstr("mul\\n[2] float64\\n‖grad‖ = 1.414"));  // ‖(1, 1)‖
}

TEST(Graph, SharedSubgraphAppearsOnce) {
  Tensor x = nabla::ones({2}).requires_grad_().set_name("x");
  Tensor h = nabla::exp(x);
  const std::string dot = nabla::to_dot(h * h);
  std::size_t count = 0;
  for (std::size_t pos = dot.find("exp\\n"); pos != std::string::npos;
       pos = dot.find("exp\\n", pos + 1))
    ++count;
  EXPECT_EQ(count, 1u);
}

TEST(Graph, WriteDotWritesTheFileAndNamesBadPaths) {
  Tensor x = nabla::ones({2}).requires_grad_();
  const std::string path = ::testing::TempDir() + "/nabla_graph_test.dot";
  nabla::write_dot(nabla::sum(x), path);
  std::ifstream f(path);
  std::stringstream content;
  content << f.rdbuf();
  EXPECT_THAT(content.str(), HasSubstr("digraph"));
  try {
    nabla::write_dot(nabla::sum(x), "/nonexistent-dir/g.dot");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent-dir/g.dot"));
  }
}
