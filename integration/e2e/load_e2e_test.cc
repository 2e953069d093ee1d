// The reference host under load (real `ledgerseal node` processes on
// loopback): rotations and membership changes take their turn in the
// primary's commit queue among client writes, so none fails with ABORTED
// and none needs a retry by the client. Prints the rotation latencies idle
// and under load (BENCHMARKS.md, "Rotation latency under load").
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "integration/e2e/e2e_util.h"

namespace ledgerseal::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTable[] = "app.private";
constexpr int kWriters = 2;
constexpr int kRotations = 20;

// Clients writing blind puts in a loop, each on its own connection, until
// stopped; every acknowledged write and every error is kept.
class Writers {
 public:
  Writers(const std::string& address, int count) {
    for (int w = 0; w < count; ++w) {
      threads_.emplace_back([this, address, w] {
        rpc::RpcClient client(address);
        for (int i = 0; !stop_; ++i) {
          rpc::v1::PutRequest put;
          auto* write = put.add_writes();
          write->set_table(kTable);
          write->set_private_domain(true);
          write->set_key("w" + std::to_string(w) + "-" + std::to_string(i));
          write->set_value("value-" + std::to_string(i));
          auto r = client.Put(put);
          std::lock_guard lock(mu_);
          if (r) {
            acked_.values[write->key()] = write->value();
            acked_.max_version = std::max(acked_.max_version, r->version());
          } else {
            errors_.push_back(r.error().ToString());
          }
        }
      });
    }
  }
  ~Writers() { Stop(); }

  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  size_t acked() {
    std::lock_guard lock(mu_);
    return acked_.values.size();
  }
  // After Stop.
  const Acked& all_acked() const { return acked_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  Acked acked_;                      // guarded by mu_ until Stop
  std::vector<std::string> errors_;  // guarded by mu_ until Stop
  std::vector<std::thread> threads_;
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Rotates kRotations times at the leader with no retry; every one must
// succeed. Returns the latencies in ms.
std::vector<double> RotateAll(cluster::ProcessCluster& c, std::vector<std::string>& failures) {
  std::vector<double> ms;
  for (int i = 0; i < kRotations; ++i) {
    const auto start = Clock::now();
    auto rotated = c.Client("n1").Rotate();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!rotated) failures.push_back("rotation " + std::to_string(i) + ": " + rotated.error().ToString());
  }
  return ms;
}

TEST(LoadE2E, RotationsTrustAndRetireSucceedWhileTwoClientsWrite) {
  cluster::ProcessCluster c(TestClusterOptions());
  auto started = StartTrustedNodes(c, 3);
  ASSERT_TRUE(started) << started.error().ToString();
  // Admitted before the load (a join under load is a separate case).
  auto joined = c.StartJoiner("n4", "n1");
  ASSERT_TRUE(joined) << joined.error().ToString() << "\n" << c.LogTail("n4");

  std::vector<std::string> failures;
  const std::vector<double> idle = RotateAll(c, failures);

  Writers writers(c.node("n1").config.rpc_address, kWriters);
  for (int i = 0; i < 500 && writers.acked() < 50; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GE(writers.acked(), 50u) << "the writers are not writing";
  const size_t before = writers.acked();
  const std::vector<double> loaded = RotateAll(c, failures);
  auto trusted = c.Client("n1").Trust("n4");
  if (!trusted) failures.push_back("trust: " + trusted.error().ToString());
  auto retired = c.Client("n1").Retire("n4");
  if (!retired) failures.push_back("retire: " + retired.error().ToString());
  const size_t during = writers.acked() - before;
  writers.Stop();

  EXPECT_EQ(failures, std::vector<std::string>()) << "every rotation and membership change succeeds at once";
  EXPECT_EQ(writers.errors(), std::vector<std::string>()) << "no write fails either";
  EXPECT_GT(during, 20u) << "the writers kept writing while the changes committed";
  for (const char* node : {"n1", "n2", "n3"}) {
    auto verified = VerifyAcked(c, node, kTable, writers.all_acked());
    EXPECT_TRUE(verified) << node << ": " << verified.error().ToString();
  }
  std::printf("rotation latency, %d rotations each: idle median %.1f ms p99 %.1f ms; with %d writers "
              "median %.1f ms p99 %.1f ms (%zu writes acknowledged meanwhile)\n",
              kRotations, Percentile(idle, 0.5), Percentile(idle, 0.99), kWriters, Percentile(loaded, 0.5),
              Percentile(loaded, 0.99), during);
}

}  // namespace
}  // namespace ledgerseal::e2e
