// Real crashes: a child process appends entries until the parent kills it
// with SIGKILL — sometimes timed to land inside the write of an 8 MiB entry,
// sometimes at an arbitrary moment of a stream of small ones. After each kill
// the ledger must reopen with every entry up to its last version intact, the
// last one complete, and the writer must continue from there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/ledger/test_util.h"

namespace ledgerseal::kv::ledger {
namespace {

using testing::FreshDir;
using testing::PayloadFor;

constexpr Version kBigEvery = 16;
constexpr size_t kBigPayloadBytes = size_t{8} << 20;
constexpr uint64_t kMaxChunkBytes = 24 << 10;  // small: rollovers are frequent
constexpr Version kMaxVersions = 10'000'000;   // bound; the kill comes first

// Entries are small, or (in timed rounds, every kBigEvery-th version) big.
// The two kinds have different contents, so a cut-short big entry can never
// pass as a small one.
Bytes Payload(Version v, bool big) {
  if (!big) return PayloadFor(v, 4096);
  Bytes payload(kBigPayloadBytes);
  uint64_t word = v * 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i + 8 <= payload.size(); i += 8) {
    word += 0xD1B54A32D192ED03ull;
    std::memcpy(payload.data() + i, &word, 8);
  }
  return payload;
}

bool IsBig(Version v, bool timed) { return timed && v % kBigEvery == 0; }

// The child: appends until killed. In a timed round it writes one byte to
// `signal_fd` just before each big Append, so the parent can aim its kill.
[[noreturn]] void RunWriter(const std::filesystem::path& dir, bool timed, int signal_fd) {
  LedgerOptions options = testing::TestOptions(dir, kMaxChunkBytes);
  auto writer = LedgerWriter::Open(options);
  if (!writer) _exit(2);
  for (Version v = (*writer)->next_version(); v < kMaxVersions; ++v) {
    const bool big = IsBig(v, timed);
    const Bytes payload = Payload(v, big);
    if (big && ::write(signal_fd, "b", 1) != 1) _exit(4);
    if (!(*writer)->Append(v, payload)) _exit(3);
  }
  _exit(0);
}

struct RoundResult {
  Version last_version = kNoVersion;
  bool torn = false;
  bool chunk_removed = false;
};

// Every entry 1..last present, intact and complete; the view's report and
// the writer's recovery agree; the writer continues at last + 1.
void CheckRecovered(const std::filesystem::path& dir, Version last_seen, RoundResult& result) {
  auto view = LedgerView::Open(dir);
  ASSERT_TRUE(view) << view.error().ToString();
  const RecoveryReport view_report = (*view)->recovery_report();
  const Version last = (*view)->last_version();
  ASSERT_GE(last, last_seen) << "entries that survived an earlier round are gone";
  Version next = 1;
  auto s = (*view)->ForEach(1, [&](Version v, ByteView payload) {
    EXPECT_EQ(v, next);
    const bool ok = payload.size() == kBigPayloadBytes ? Bytes(payload.begin(), payload.end()) == Payload(v, true)
                                                       : Bytes(payload.begin(), payload.end()) == Payload(v, false);
    EXPECT_TRUE(ok) << "version " << v << " (" << payload.size() << " bytes) is not what was appended";
    ++next;
    return ok;
  });
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_EQ(next, last + 1);

  auto writer = LedgerWriter::Open(testing::TestOptions(dir, kMaxChunkBytes));
  ASSERT_TRUE(writer) << writer.error().ToString();
  const RecoveryReport report = (*writer)->recovery_report();  // a copy: the writer closes below
  EXPECT_EQ(report.last_good_version, last);
  EXPECT_EQ(report.dropped_bytes(), view_report.dropped_bytes()) << report.ToString();
  EXPECT_EQ((*writer)->next_version(), last + 1);
  writer->reset();

  auto reopened = LedgerView::Open(dir);
  ASSERT_TRUE(reopened);
  EXPECT_TRUE((*reopened)->recovery_report().clean()) << "the writer left a damaged tail behind";
  EXPECT_EQ((*reopened)->last_version(), last);

  result.last_version = last;
  result.torn = !report.clean();
  for (const DroppedTail& d : report.dropped) result.chunk_removed |= d.file_removed;
  if (!report.clean()) std::printf("  recovered: %s\n", report.ToString().c_str());
}

// Starts a child writer, kills it, checks recovery.
void RunRound(const std::filesystem::path& dir, bool timed, std::chrono::microseconds delay, Version last_seen,
              RoundResult& result) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    RunWriter(dir, timed, fds[1]);
  }
  ::close(fds[1]);
  if (timed) {
    char byte = 0;
    const ssize_t n = ::read(fds[0], &byte, 1);  // the child is about to write a big entry
    EXPECT_EQ(n, 1) << "the child exited before its first big entry";
  }
  std::this_thread::sleep_for(delay);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ::close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited by itself with " << WEXITSTATUS(status);
  CheckRecovered(dir, last_seen, result);
}

TEST(LedgerCrashTest, SigkillNeverLeavesAPartialOrDamagedEntry) {
  const auto dir = FreshDir("crash");
  struct Round {
    bool timed;
    std::chrono::microseconds delay;
  };
  // Timed rounds aim at the big entry's write (building and checksumming the
  // frame comes first, then one 8 MiB pwrite); the others kill a stream of
  // small appends and rollovers at an arbitrary moment.
  std::vector<Round> rounds;
  for (int delay_ms = 0; delay_ms < 12; ++delay_ms) rounds.push_back({true, std::chrono::milliseconds(delay_ms)});
  for (int delay_ms : {20, 45, 70}) rounds.push_back({false, std::chrono::milliseconds(delay_ms)});
  Version last_seen = kNoVersion;
  int torn_rounds = 0;
  int removed_chunks = 0;
  for (size_t i = 0; i < rounds.size(); ++i) {
    SCOPED_TRACE("round " + std::to_string(i));
    RoundResult result;
    RunRound(dir, rounds[i].timed, rounds[i].delay, last_seen, result);
    if (HasFatalFailure()) return;
    last_seen = result.last_version;
    torn_rounds += result.torn;
    removed_chunks += result.chunk_removed;
  }
  std::printf("%zu rounds, %d with a torn tail, %d removed a chunk; last version %llu\n", rounds.size(), torn_rounds,
              removed_chunks, static_cast<unsigned long long>(last_seen));
  EXPECT_GT(last_seen, kBigEvery) << "the writers made too little progress to test anything";
}

}  // namespace
}  // namespace ledgerseal::kv::ledger
