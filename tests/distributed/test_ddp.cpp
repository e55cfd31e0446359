// DistributedDataParallel on the ranks of mpirun: one step on each rank's part of a
// global batch gives the parameters one process gets from the whole batch (float64, to
// 1e-12), with SGD and Adam, with gradient accumulation under no_sync and with small
// buckets; unused parameters; BatchNorm's buffers kept equal; ranks whose modules differ.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "dist_test_util.hpp"
#include "nabla/nabla.hpp"

namespace {

namespace dist = nabla::distributed;
namespace nn = nabla::nn;
using nabla::Tensor;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr std::int64_t kPerRank = 3;  // samples per rank in one micro-batch

std::shared_ptr<nn::Sequential> make_mlp() {
  auto m = std::make_shared<nn::Sequential>(nn::Linear(4, 8, true, {.dtype = nabla::f64}),
                                            nn::Tanh(),
                                            nn::Linear(8, 3, true, {.dtype = nabla::f64}));
  return m;
}

// The global batch of micro-batch k, the same on every rank: [world·kPerRank, 4] and
// its targets.
std::pair<Tensor, Tensor> global_batch(int k) {
  nabla::Generator g(1234 + static_cast<std::uint64_t>(k));
  const std::int64_t n = dist::world_size() * kPerRank;
  return {nabla::randn({n, 4}, g, nabla::f64), nabla::randn({n, 3}, g, nabla::f64)};
}

// This rank's rows of it.
Tensor mine(const Tensor& t) { return t.narrow(0, dist::rank() * kPerRank, kPerRank); }

double max_param_difference(const nn::Module& a, const nn::Module& b) {
  const auto pa = a.parameters(), pb = b.parameters();
  double worst = 0;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    worst = std::max(worst, nabla::amax(nabla::abs(pa[i] - pb[i])).item<double>());
  }
  return worst;
}

enum class Opt { sgd, adam };

// `micro` micro-batches per step (all but the last under no_sync), two steps; the
// reference: one process, the whole global batches, the same optimizer.
void expect_same_as_one_process(Opt kind, int micro, double bucket_cap_mb) {
  nabla::manual_seed(static_cast<std::uint64_t>(100 + dist::rank()));  // differ: DDP broadcasts
  dist::DistributedDataParallel ddp(make_mlp(), {.bucket_cap_mb = bucket_cap_mb});
  auto reference = make_mlp();
  reference->load_state_dict(ddp.module().state_dict());
  const auto make_opt = [&](std::vector<Tensor> params) -> std::unique_ptr<nabla::optim::Optimizer> {
    if (kind == Opt::sgd) {
      return std::make_unique<nabla::optim::SGD>(std::move(params),
                                                 nabla::optim::SGDOptions{.lr = 0.1, .momentum = 0.9});
    }
    return std::make_unique<nabla::optim::Adam>(std::move(params),
                                                nabla::optim::AdamOptions{.lr = 0.01});
  };
  auto opt = make_opt(ddp.parameters());
  auto ref_opt = make_opt(reference->parameters());
  for (int step = 0; step < 2; ++step) {
    opt->zero_grad();
    ref_opt->zero_grad();
    for (int k = 0; k < micro; ++k) {
      const auto [x, y] = global_batch(step * micro + k);
      const auto loss = [](const Tensor& out, const Tensor& target) {
        return nabla::mse_loss(out, target);  // a mean: the ranks' means average to the global
      };
      if (k + 1 < micro) {
        auto guard = ddp.no_sync();
        loss(ddp(mine(x)), mine(y)).backward();
      } else {
        loss(ddp(mine(x)), mine(y)).backward();
      }
      loss((*reference)(x), y).backward();
    }
    opt->step();
    ref_opt->step();
  }
  EXPECT_LT(max_param_difference(ddp.module(), *reference), 1e-12);
  // And every rank holds the same parameters.
  for (const Tensor& p : ddp.parameters()) {
    const Tensor all = dist::all_gather_into_tensor(p.detach().reshape({1, -1}));
    EXPECT_EQ(nabla::amax(nabla::abs(all - all.narrow(0, 0, 1))).item<double>(), 0.0);
  }
}

}  // namespace

TEST(DistributedDataParallel, SgdStepEqualsOneProcessOnTheGlobalBatch) {
  expect_same_as_one_process(Opt::sgd, 1, 25.0);
}

TEST(DistributedDataParallel, AdamStepEqualsOneProcessOnTheGlobalBatch) {
  expect_same_as_one_process(Opt::adam, 1, 25.0);
}

TEST(DistributedDataParallel, NoSyncAccumulatesLikeOneProcess) {
  expect_same_as_one_process(Opt::sgd, 3, 25.0);
  expect_same_as_one_process(Opt::adam, 2, 25.0);
}

TEST(DistributedDataParallel, SmallBucketsGiveTheSameStep) {
  // 8·4 + 8 + 3·8 + 3 doubles: a cap of 100 bytes puts each parameter in its own bucket.
  expect_same_as_one_process(Opt::adam, 2, 100.0 / (1024 * 1024));
  dist::DistributedDataParallel ddp(make_mlp(), {.bucket_cap_mb = 100.0 / (1024 * 1024)});
  const auto buckets = ddp.buckets();
  ASSERT_EQ(buckets.size(), 4u);  // the reverse order of parameters()
  EXPECT_EQ(buckets[0], std::vector<std::string>{"2.bias"});
  EXPECT_EQ(buckets[3], std::vector<std::string>{"0.weight"});
  dist::DistributedDataParallel one(make_mlp());
  ASSERT_EQ(one.buckets().size(), 1u);
  EXPECT_EQ(one.buckets()[0].size(), 4u);
}

TEST(DistributedDataParallel, StateDictIsTheModulesUnderModule) {
  dist::DistributedDataParallel ddp(make_mlp());
  const nn::NamedTensors state = ddp.state_dict();
  ASSERT_EQ(state.size(), 4u);
  EXPECT_EQ(state[0].first, "module.0.weight");
  EXPECT_THAT(nn::to_string(ddp), HasSubstr("DistributedDataParallel("));
}

namespace {

// y = a·x, plus b·x only when `use_b`: b gets no gradient otherwise.
class Branchy : public nn::Module {
 public:
  explicit Branchy(bool use_b) : Module("Branchy"), use_b_(use_b) {
    a_ = register_parameter("a", nabla::ones({2}, nabla::f64));
    b_ = register_parameter("b", nabla::ones({2}, nabla::f64));
  }
  Tensor forward(const Tensor& x) override { return use_b_ ? x * a_ + x * b_ : x * a_; }

 private:
  bool use_b_;
  Tensor a_, b_;
};

}  // namespace

TEST(DistributedDataParallel, AnUnusedParameterIsAnErrorNamingIt) {
  dist::DistributedDataParallel ddp(std::make_shared<Branchy>(false));
  const Tensor x = nabla::ones({2}, nabla::f64);
  EXPECT_THAT([&] { nabla::sum(ddp(x)).backward(); },
              ThrowsMessage<std::runtime_error>(
                  AllOf(HasSubstr("1 parameter got no gradient"), HasSubstr("'b'"),
                        HasSubstr("find_unused_parameters"))));
}

TEST(DistributedDataParallel, FindUnusedParametersCountsThemAsZero) {
  // b is used on rank 0 only: its average is rank 0's gradient / world.
  dist::DistributedDataParallel ddp(std::make_shared<Branchy>(dist::rank() == 0),
                                    {.find_unused_parameters = true});
  const Tensor x = nabla::full({2}, 2.0, nabla::f64);
  nabla::sum(ddp(x)).backward();
  const auto params = ddp.parameters();
  EXPECT_THAT(params[0].grad().to_vector(), ::testing::ElementsAre(2.0, 2.0));
  const double b = 2.0 / dist::world_size();
  EXPECT_THAT(params[1].grad().to_vector(), ::testing::ElementsAre(b, b));
}

// After a forward on each rank's own batch the running means differ; the next forward,
// on one batch for all, starts from rank 0's, so they end equal.
TEST(DistributedDataParallel, BatchNormBuffersAreRank0sAtEachForward) {
  auto model = std::make_shared<nn::Sequential>(nn::Linear(3, 4), nn::BatchNorm1d(4));
  dist::DistributedDataParallel ddp(model);
  const auto running_means = [&] {
    const Tensor& rm = model->submodule("1").buffer("running_mean");
    return dist::all_gather_into_tensor(rm.reshape({1, -1}));
  };
  const auto spread = [](const Tensor& rows) {
    return nabla::amax(nabla::abs(rows - rows.narrow(0, 0, 1))).item<double>();
  };
  nabla::Generator own(7 + static_cast<std::uint64_t>(dist::rank()));
  ddp(nabla::randn({5, 3}, own));
  EXPECT_GT(spread(running_means()), 1e-3);
  nabla::Generator common(99);
  ddp(nabla::randn({5, 3}, common));
  EXPECT_EQ(spread(running_means()), 0.0);
}

TEST(DistributedDataParallel, RanksWithDifferentModulesAreRefusedNamingTheParameter) {
  const std::int64_t width = dist::rank() == 0 ? 8 : 9;
  auto model = std::make_shared<nn::Sequential>(nn::Linear(4, width), nn::Linear(width, 2));
  EXPECT_THAT([&] { dist::DistributedDataParallel ddp(model); },
              ThrowsMessage<dist::DistributedError>(
                  AllOf(HasSubstr("'0.weight'"), HasSubstr("float32 [8, 4] on rank 0"),
                        HasSubstr("float32 [9, 4] on rank 1"))));
}
