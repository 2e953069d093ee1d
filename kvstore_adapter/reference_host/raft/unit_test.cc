// Unit tests of the pieces under RaftNode: command frames, error mapping,
// the FSM adapter driven directly, OneShot, and the loop thread.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "kvstore_adapter/reference_host/raft/command_frame.h"
#include "kvstore_adapter/reference_host/raft/fsm_adapter.h"
#include "kvstore_adapter/reference_host/raft/loop_thread.h"
#include "kvstore_adapter/reference_host/raft/one_shot.h"
#include "kvstore_adapter/reference_host/raft/raft_c.h"
#include "kvstore_adapter/reference_host/raft/raft_errors.h"

namespace ledgerseal::replication {
namespace {

using kv::ErrorCode;

kv::Bytes Frame(std::string_view command) {
  auto buf = EncodeCommandFrame(kv::AsBytes(command));
  EXPECT_TRUE(buf);
  kv::Bytes out(static_cast<uint8_t*>(buf->base), static_cast<uint8_t*>(buf->base) + buf->len);
  raft_free(buf->base);
  return out;
}

TEST(CommandFrameTest, RoundTripsAndPadsToEightBytes) {
  for (size_t n = 0; n <= 17; ++n) {
    const std::string command(n, 'x');
    const kv::Bytes frame = Frame(command);
    EXPECT_EQ(frame.size() % 8, 0u) << n;
    EXPECT_GE(frame.size(), n + kCommandFrameHeaderBytes);
    auto payload = DecodeCommandFrame(frame);
    ASSERT_TRUE(payload) << payload.error().ToString();
    EXPECT_EQ(kv::AsString(*payload), command);
  }
}

TEST(CommandFrameTest, RejectsMalformedFrames) {
  kv::Bytes frame = Frame("abc");
  auto expect_corrupt = [](const kv::Bytes& bytes) {
    auto r = DecodeCommandFrame(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kCorruption);
  };
  expect_corrupt(kv::Bytes(frame.begin(), frame.begin() + 4));  // short
  kv::Bytes bad = frame;
  bad[0] = 2;  // unknown format
  expect_corrupt(bad);
  bad = frame;
  bad[4] = 9;  // length beyond the entry
  expect_corrupt(bad);
  bad = frame;
  bad.back() = 1;  // non-zero padding
  expect_corrupt(bad);
  bad = frame;
  bad.push_back(0);  // not a multiple of 8
  expect_corrupt(bad);
}

TEST(RaftErrorsTest, MapsCodesForCallers) {
  EXPECT_EQ(RaftErrorCode(RAFT_NOTLEADER), ErrorCode::kNotPrimary);
  EXPECT_EQ(RaftErrorCode(RAFT_LEADERSHIPLOST), ErrorCode::kAborted);
  EXPECT_EQ(RaftErrorCode(RAFT_SHUTDOWN), ErrorCode::kUnavailable);
  EXPECT_EQ(RaftErrorCode(RAFT_IOERR), ErrorCode::kIoError);
  EXPECT_EQ(RaftErrorCode(RAFT_CORRUPT), ErrorCode::kCorruption);
  EXPECT_EQ(RaftErrorCode(RAFT_BADID), ErrorCode::kInvalidArgument);
  EXPECT_EQ(RaftErrorCode(999), ErrorCode::kInternal);
  const kv::Error e = RaftError(RAFT_IOERR, "append", "disk full");
  EXPECT_EQ(e.code, ErrorCode::kIoError);
  EXPECT_NE(e.message.find("append: "), std::string::npos);
  EXPECT_NE(e.message.find("(RAFT_IOERR)"), std::string::npos);
  EXPECT_NE(e.message.find("disk full"), std::string::npos);
  EXPECT_EQ(RaftCodeName(999), "RAFT_999");
}

// Records commands; "fail" is a fatal disk error; restore of "bad" fails.
class ScriptedStateMachine : public StateMachine {
 public:
  kv::Result<kv::Bytes> Apply(kv::ByteView command) override {
    ++calls;
    if (kv::AsString(command) == "fail") return kv::MakeError(ErrorCode::kIoError, "disk");
    if (kv::AsString(command) == "refuse") return kv::MakeError(ErrorCode::kAborted, "no");
    state += std::string(kv::AsString(command)) + ";";
    return kv::ToBytes("ok:" + std::string(kv::AsString(command)));
  }
  kv::Result<kv::Bytes> Snapshot() override { return kv::ToBytes(state); }
  kv::Status Restore(kv::ByteView snapshot) override {
    if (kv::AsString(snapshot) == "bad") return kv::MakeError(ErrorCode::kCorruption, "bad");
    state = std::string(kv::AsString(snapshot));
    return {};
  }
  std::string state;
  int calls = 0;
};

// Calls the adapter the way raft does.
int RaftApply(FsmAdapter& a, std::string_view command, void** result) {
  kv::Bytes frame = Frame(command);
  struct raft_buffer buf {frame.data(), frame.size()};
  return a.fsm()->apply(a.fsm(), &buf, result);
}

TEST(FsmAdapterTest, DeliversOutcomesAndDeterministicErrorsToTheProposer) {
  ScriptedStateMachine sm;
  FsmAdapter adapter(&sm);
  void* result = nullptr;
  ASSERT_EQ(RaftApply(adapter, "a", &result), 0);
  auto outcome = adapter.TakeOutcome(result);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(kv::AsString(*outcome), "ok:a");

  ASSERT_EQ(RaftApply(adapter, "refuse", &result), 0);  // not fatal: an outcome
  auto refused = adapter.TakeOutcome(result);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kAborted);

  // An outcome that was overwritten (raft deferring callbacks) is reported.
  void* first = nullptr;
  void* second = nullptr;
  ASSERT_EQ(RaftApply(adapter, "b", &first), 0);
  ASSERT_EQ(RaftApply(adapter, "c", &second), 0);
  EXPECT_EQ(adapter.TakeOutcome(first).error().code, ErrorCode::kInternal);
  EXPECT_TRUE(adapter.TakeOutcome(second));
  EXPECT_EQ(adapter.TakeOutcome(second).error().code, ErrorCode::kInternal);  // claimed once
  EXPECT_EQ(sm.state, "a;b;c;");
  EXPECT_EQ(adapter.applied_commands(), 4u);
}

TEST(FsmAdapterTest, FatalApplyErrorLatchesAndRefusesEverythingAfter) {
  ScriptedStateMachine sm;
  FsmAdapter adapter(&sm);
  int fatal_calls = 0;
  adapter.set_on_fatal([&](const kv::Error& e) {
    ++fatal_calls;
    EXPECT_EQ(e.code, ErrorCode::kIoError);
  });
  void* result = nullptr;
  ASSERT_EQ(RaftApply(adapter, "a", &result), 0);
  EXPECT_NE(RaftApply(adapter, "fail", &result), 0);
  EXPECT_NE(RaftApply(adapter, "b", &result), 0);  // never skips ahead
  EXPECT_EQ(sm.calls, 2);
  EXPECT_EQ(sm.state, "a;");
  EXPECT_EQ(fatal_calls, 1);
  ASSERT_TRUE(adapter.fatal_error());
  struct raft_buffer* bufs = nullptr;
  unsigned n = 0;
  EXPECT_NE(adapter.fsm()->snapshot(adapter.fsm(), &bufs, &n), 0);
}

TEST(FsmAdapterTest, MalformedEntryIsFatal) {
  ScriptedStateMachine sm;
  FsmAdapter adapter(&sm);
  kv::Bytes garbage(16, 0xff);
  struct raft_buffer buf {garbage.data(), garbage.size()};
  void* result = nullptr;
  EXPECT_EQ(adapter.fsm()->apply(adapter.fsm(), &buf, &result), RAFT_CORRUPT);
  ASSERT_TRUE(adapter.fatal_error());
  EXPECT_EQ(adapter.fatal_error()->code, ErrorCode::kCorruption);
  EXPECT_EQ(sm.calls, 0);
}

TEST(FsmAdapterTest, SnapshotsAreFinalizedAndRestoresTakeTheBuffer) {
  ScriptedStateMachine sm;
  FsmAdapter adapter(&sm);
  void* result = nullptr;
  ASSERT_EQ(RaftApply(adapter, "a", &result), 0);
  struct raft_buffer* bufs = nullptr;
  unsigned n = 0;
  ASSERT_EQ(adapter.fsm()->snapshot(adapter.fsm(), &bufs, &n), 0);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(std::string(static_cast<char*>(bufs[0].base), bufs[0].len), "a;");
  ASSERT_EQ(adapter.fsm()->snapshot_finalize(adapter.fsm(), &bufs, &n), 0);
  EXPECT_EQ(adapter.snapshots_taken(), 1u);

  ScriptedStateMachine other;
  FsmAdapter restoring(&other);
  struct raft_buffer image {raft_malloc(2), 2};
  std::memcpy(image.base, "x;", 2);
  ASSERT_EQ(restoring.fsm()->restore(restoring.fsm(), &image), 0);  // frees image
  EXPECT_EQ(other.state, "x;");
  EXPECT_EQ(restoring.restores(), 1u);

  struct raft_buffer bad {raft_malloc(3), 3};
  std::memcpy(bad.base, "bad", 3);
  EXPECT_NE(restoring.fsm()->restore(restoring.fsm(), &bad), 0);
  raft_free(bad.base);  // on failure raft keeps (and frees) the buffer
  ASSERT_TRUE(restoring.fatal_error());  // a failed restore is fatal
  EXPECT_NE(RaftApply(restoring, "b", &result), 0);
}

TEST(OneShotTest, ResolvesOnceOrWithTheDroppedError) {
  std::future<kv::Status> dropped;
  {
    OneShot<kv::Status> shot(kv::Error{ErrorCode::kUnavailable, "gone"});
    dropped = shot.future();
    OneShot<kv::Status> moved(std::move(shot));  // the moved-from one stays silent
  }
  ASSERT_EQ(dropped.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(dropped.get().error().code, ErrorCode::kUnavailable);

  OneShot<kv::Result<int>> shot(kv::Error{ErrorCode::kUnavailable, "gone"});
  auto f = shot.future();
  shot.Resolve(7);
  EXPECT_EQ(f.get(), kv::Result<int>(7));
}

TEST(LoopThreadTest, RunsPostedTasksInOrderThenClosesAndRefuses) {
  std::atomic<bool> exited{false};
  auto started = LoopThread::Start("loop-test", [&] { exited = true; }, nullptr);
  ASSERT_TRUE(started);
  LoopThread& loop = **started;
  EXPECT_FALSE(loop.IsCurrent());

  std::vector<int> order;  // touched only on the loop thread until Join
  std::promise<void> ran;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(loop.Post([&, i] {
      EXPECT_TRUE(loop.IsCurrent());
      order.push_back(i);
    }));
  }
  ASSERT_TRUE(loop.Post([&] {
    loop.Post([&] { order.push_back(1000); });  // queued before CloseQueue: runs
    loop.CloseQueue();
    EXPECT_FALSE(loop.Post([&] { order.push_back(-1); }));  // refused
    ran.set_value();
  }));
  ran.get_future().wait();
  loop.Join();
  EXPECT_TRUE(exited);
  ASSERT_EQ(order.size(), 101u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(order.back(), 1000);

  bool destroyed_unrun = false;
  struct Flag {
    bool* f;
    ~Flag() { *f = true; }
  };
  auto flag = std::make_shared<Flag>(Flag{&destroyed_unrun});
  EXPECT_FALSE(loop.Post([flag = std::move(flag)] { std::abort(); }));
  EXPECT_TRUE(destroyed_unrun);
}

}  // namespace
}  // namespace ledgerseal::replication
