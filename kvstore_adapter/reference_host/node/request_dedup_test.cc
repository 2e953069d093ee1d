#include "kvstore_adapter/reference_host/node/request_dedup.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

namespace ledgerseal::kv::node {
namespace {

namespace v1 = ::ledgerseal::rpc::v1;
using namespace std::chrono_literals;

v1::Response Answer(uint64_t version, v1::ResponseStatus::Code code = v1::ResponseStatus::OK) {
  v1::Response r;
  r.mutable_status()->set_code(code);
  r.mutable_rotate()->set_version(version);
  return r;
}

TEST(RequestDedupTest, ARetryGetsTheFirstAnswerWithoutRunningAgain) {
  RequestDedup dedup(8);
  int runs = 0;
  auto execute = [&] { return Answer(++runs); };
  EXPECT_EQ(dedup.Run("id", execute).rotate().version(), 1u);
  EXPECT_EQ(dedup.Run("id", execute).rotate().version(), 1u);
  EXPECT_EQ(dedup.Run("other", execute).rotate().version(), 2u);
  EXPECT_EQ(runs, 2);
}

// A first call for "id" that runs until Release(), so that a retry can be
// started while it runs.
class HeldFirstCall {
 public:
  HeldFirstCall(RequestDedup& dedup, v1::Response answer) : dedup_(dedup) {
    result_ = std::async(std::launch::async, [this, answer] {
      return dedup_.Run("id", [&] {
        started_.set_value();
        release_.get_future().wait();
        return answer;
      });
    });
    started_.get_future().wait();
  }
  // A failed assertion must not leave the first call blocked forever.
  ~HeldFirstCall() {
    if (!released_) release_.set_value();
  }
  // True once a call waits for this one (bounded wait).
  bool AwaitWaiter() {
    for (int i = 0; i < 500 && dedup_.waiting_for_testing() == 0; ++i) std::this_thread::sleep_for(10ms);
    return dedup_.waiting_for_testing() == 1;
  }
  v1::Response Release() {
    released_ = true;
    release_.set_value();
    return result_.get();
  }

 private:
  RequestDedup& dedup_;
  std::promise<void> started_, release_;
  std::future<v1::Response> result_;
  bool released_ = false;
};

TEST(RequestDedupTest, ARetryWhileTheFirstRunsWaitsForItsAnswer) {
  RequestDedup dedup(8);
  HeldFirstCall first(dedup, Answer(7));
  std::atomic<int> retry_runs{0};
  auto retry = std::async(std::launch::async, [&] {
    return dedup.Run("id", [&] {
      ++retry_runs;
      return Answer(8);
    });
  });
  ASSERT_TRUE(first.AwaitWaiter()) << "the retry did not wait for the first call";
  EXPECT_EQ(retry_runs.load(), 0);
  EXPECT_EQ(first.Release().rotate().version(), 7u);
  EXPECT_EQ(retry.get().rotate().version(), 7u);
  EXPECT_EQ(retry_runs.load(), 0);
}

TEST(RequestDedupTest, AWaiterGetsTheFirstCallsFailureAndALaterRetryRunsAgain) {
  RequestDedup dedup(8);
  HeldFirstCall first(dedup, Answer(1, v1::ResponseStatus::UNAVAILABLE));
  auto waiter = std::async(std::launch::async, [&] { return dedup.Run("id", [] { return Answer(2); }); });
  ASSERT_TRUE(first.AwaitWaiter());
  EXPECT_EQ(first.Release().status().code(), v1::ResponseStatus::UNAVAILABLE);
  EXPECT_EQ(waiter.get().status().code(), v1::ResponseStatus::UNAVAILABLE);
  EXPECT_EQ(dedup.Run("id", [] { return Answer(3); }).rotate().version(), 3u);
}

TEST(RequestDedupTest, AThrowingRunLeavesNoIdInFlight) {
  RequestDedup dedup(8);
  EXPECT_THROW(dedup.Run("id", []() -> v1::Response { throw std::runtime_error("boom"); }),
               std::runtime_error);
  EXPECT_EQ(dedup.Run("id", [] { return Answer(4); }).rotate().version(), 4u);
}

TEST(RequestDedupTest, AFailedAnswerIsNotRemembered) {
  RequestDedup dedup(8);
  int runs = 0;
  auto execute = [&] {
    ++runs;
    return Answer(runs, runs == 1 ? v1::ResponseStatus::UNAVAILABLE : v1::ResponseStatus::OK);
  };
  EXPECT_EQ(dedup.Run("id", execute).status().code(), v1::ResponseStatus::UNAVAILABLE);
  EXPECT_EQ(dedup.Run("id", execute).status().code(), v1::ResponseStatus::OK);
  EXPECT_EQ(dedup.Run("id", execute).rotate().version(), 2u);
  EXPECT_EQ(runs, 2);
}

TEST(RequestDedupTest, RemembersOnlyTheLastCapacityIds) {
  RequestDedup dedup(2);
  int runs = 0;
  auto execute = [&] { return Answer(++runs); };
  for (const char* id : {"a", "b", "c"}) dedup.Run(id, execute);
  EXPECT_EQ(dedup.Run("c", execute).rotate().version(), 3u);
  EXPECT_EQ(dedup.Run("a", execute).rotate().version(), 4u) << "the oldest id is forgotten";
  EXPECT_EQ(runs, 4);
}

}  // namespace
}  // namespace ledgerseal::kv::node
