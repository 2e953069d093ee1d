#include "base/fifo_mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace ledgerseal::base {
namespace {

using namespace std::chrono_literals;

// Threads that queue one after another get the lock in that order.
TEST(FifoMutex, HandsTheLockOverInArrivalOrder) {
  FifoMutex mu;
  std::vector<int> order;
  std::vector<std::thread> threads;
  mu.lock();
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      std::lock_guard lock(mu);
      order.push_back(i);
    });
    // Gives thread i time to take its ticket before thread i+1 starts.
    std::this_thread::sleep_for(20ms);
  }
  mu.unlock();
  for (auto& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

// Two threads relocking in a tight loop cannot keep a third one out: it
// gets the lock after at most the turns already queued when it arrived.
TEST(FifoMutex, ALateComerIsNotStarvedByBusyThreads) {
  FifoMutex mu;
  std::atomic<bool> stop{false};
  std::atomic<int> busy_turns{0};
  std::vector<std::thread> busy;
  for (int i = 0; i < 2; ++i) {
    busy.emplace_back([&] {
      while (!stop) {
        std::lock_guard lock(mu);
        ++busy_turns;
        std::this_thread::sleep_for(1ms);  // a commit's worth of work
      }
    });
  }
  std::this_thread::sleep_for(20ms);
  for (int attempt = 0; attempt < 20; ++attempt) {
    const auto start = std::chrono::steady_clock::now();
    { std::lock_guard lock(mu); }
    // Two turns are ahead of it at most (~1 ms each): far below 100 ms.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms) << "attempt " << attempt;
  }
  stop = true;
  for (auto& t : busy) t.join();
  EXPECT_GT(busy_turns.load(), 0);
}

}  // namespace
}  // namespace ledgerseal::base
