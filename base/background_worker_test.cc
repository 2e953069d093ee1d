#include "base/background_worker.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace ledgerseal::base {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until the worker has finished everything posted.
void Drain(const BackgroundWorker& worker) {
  for (int i = 0; i < 5000 && worker.unfinished() != 0; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_EQ(worker.unfinished(), 0u);
}

TEST(BackgroundWorker, RunsTasksInOrderOnAnotherThread) {
  BackgroundWorker worker(8);
  std::vector<int> order;
  std::thread::id ran_on;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(worker.Post([&order, &ran_on, i] {
      order.push_back(i);
      ran_on = std::this_thread::get_id();
    }));
  }
  Drain(worker);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

// Pre-sealing must not take CPU from the commit it follows: its tasks run
// under SCHED_IDLE, checked from inside a task (the policy is per thread).
TEST(BackgroundWorker, IdlePriorityTasksRunUnderSchedIdle) {
  BackgroundWorker idle(1, WorkerPriority::kIdle);
  std::atomic<int> idle_policy{-1};
  ASSERT_TRUE(idle.Post([&] { idle_policy = sched_getscheduler(0); }));
  Drain(idle);
  if (!idle.idle_priority()) {
    // A sandbox may refuse the policy; the worker then runs at its default.
    EXPECT_EQ(idle_policy.load(), sched_getscheduler(0));
    GTEST_SKIP() << "SCHED_IDLE refused here";
  }
  EXPECT_EQ(idle_policy.load(), SCHED_IDLE);

  BackgroundWorker normal(1);
  std::atomic<int> normal_policy{-1};
  ASSERT_TRUE(normal.Post([&] { normal_policy = sched_getscheduler(0); }));
  Drain(normal);
  EXPECT_EQ(normal_policy.load(), sched_getscheduler(0));
  EXPECT_FALSE(normal.idle_priority());
}

// A task posted from inside an operation starts after it: not before its
// start delay, yet a stop does not wait for that delay.
TEST(BackgroundWorker, ATaskStartsNoSoonerThanItsDelayAndAStopDoesNotWaitForIt) {
  {
    BackgroundWorker worker(2, WorkerPriority::kNormal, /*start_delay_ms=*/60);
    std::atomic<int64_t> started_after_ms{-1};
    const auto posted = std::chrono::steady_clock::now();
    ASSERT_TRUE(worker.Post([&] {
      const auto waited = std::chrono::steady_clock::now() - posted;
      started_after_ms = std::chrono::duration_cast<std::chrono::milliseconds>(waited).count();
    }));
    Drain(worker);
    EXPECT_GE(started_after_ms.load(), 60);
  }
  std::atomic<bool> ran{false};
  const auto before = std::chrono::steady_clock::now();
  {
    BackgroundWorker worker(2, WorkerPriority::kNormal, /*start_delay_ms=*/60'000);
    ASSERT_TRUE(worker.Post([&] { ran = true; }));
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s) << "the destructor waited for the start delay";
  EXPECT_FALSE(ran) << "a task not started when the worker stops is dropped";
}

TEST(BackgroundWorker, DropsWhatExceedsTheBoundAndRunsTheRest) {
  BackgroundWorker worker(2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> ran{0};
  std::atomic<bool> started{false};
  ASSERT_TRUE(worker.Post([&] {
    started = true;
    gate.wait();
    ++ran;
  }));
  for (int i = 0; i < 5000 && !started; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(started);
  EXPECT_TRUE(worker.Post([&] { ++ran; }));
  EXPECT_TRUE(worker.Post([&] { ++ran; }));
  EXPECT_FALSE(worker.Post([&] { ++ran; })) << "a third waiting task exceeds max_pending = 2";
  release.set_value();
  Drain(worker);
  EXPECT_EQ(ran.load(), 3);
}

TEST(BackgroundWorker, DestructionDropsWaitingTasksAndWaitsForTheRunningOne) {
  std::atomic<int> ran{0};
  std::atomic<bool> started{false};
  {
    BackgroundWorker worker(4);
    ASSERT_TRUE(worker.Post([&] {
      started = true;
      std::this_thread::sleep_for(50ms);
      ++ran;
    }));
    for (int i = 0; i < 5000 && !started; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(started);
    ASSERT_TRUE(worker.Post([&] { ran += 100; }));
  }
  EXPECT_EQ(ran.load(), 1) << "the running task finishes; the waiting one is dropped";
}

TEST(BackgroundWorker, ATaskMayPostAnother) {
  BackgroundWorker worker(4);
  std::atomic<int> ran{0};
  ASSERT_TRUE(worker.Post([&] {
    ++ran;
    EXPECT_TRUE(worker.Post([&] { ++ran; }));
  }));
  for (int i = 0; i < 5000 && ran < 2; ++i) std::this_thread::sleep_for(1ms);
  Drain(worker);
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace ledgerseal::base
