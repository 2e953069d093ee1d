// A single-node cluster in a child process is SIGKILLed while it commits
// commands; a new process on the same raft dir must recover every command it
// acknowledged, in order (raft_uv reloads its segments, drops a torn tail,
// restores the newest snapshot). The parent never starts a RaftNode, so it
// stays single-threaded and fork() is safe.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "base/testing/test_dir.h"
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"
#include "kvstore_adapter/reference_host/raft/testing/recording_state_machine.h"

namespace ledgerseal::replication {
namespace {

using namespace std::chrono_literals;
using testing::RecordingStateMachine;

constexpr int kRounds = 3;
constexpr uint64_t kAcksPerRound = 150;
constexpr int kReadTimeoutMs = 15'000;

// Child -> parent messages, 16 bytes each.
enum class Kind : uint64_t { kRecovered = 1, kAcked = 2, kFailed = 3, kRestores = 4 };
struct Message {
  Kind kind;
  uint64_t value;
};

void Send(int fd, Kind kind, uint64_t value) {
  const Message m{kind, value};
  if (write(fd, &m, sizeof m) != sizeof m) _exit(10);
}

[[noreturn]] void Fail(int fd, uint64_t step) {
  Send(fd, Kind::kFailed, step);
  _exit(2);
}

uint16_t FreePort() {
  // Bound by the parent without threads; see testing/cluster.cc for the
  // threaded test's helper (not linked here to keep this binary minimal).
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();
  }
  close(fd);
  return ntohs(addr.sin_port);
}

RaftNodeOptions NodeOptions(const std::filesystem::path& dir, uint16_t port) {
  RaftNodeOptions o;
  o.id = 1;
  o.address = "127.0.0.1:" + std::to_string(port);
  o.dir = dir;
  o.bootstrap = std::vector<Member>{{1, o.address}};
  o.election_timeout_ms = 300;
  o.heartbeat_timeout_ms = 50;
  o.snapshot_threshold = 64;  // snapshots (and their restore) in every round
  o.snapshot_trailing = 16;
  o.log = [](std::string_view) {};
  return o;
}

// True if the commands are exactly "1", "2", ..., "<n>".
bool IsCountingSequence(const std::vector<std::string>& commands) {
  for (size_t i = 0; i < commands.size(); ++i) {
    if (commands[i] != std::to_string(i + 1)) return false;
  }
  return true;
}

// Runs in the child: recovers, reports, then commits "<k+1>", "<k+2>", ...
// one at a time, acknowledging each, until killed (or just exits after the
// report when `keep_proposing` is false).
[[noreturn]] void RunChild(const std::filesystem::path& dir, uint16_t port, int fd,
                           bool keep_proposing) {
  RecordingStateMachine sm;
  auto node = RaftNode::Start(NodeOptions(dir, port), &sm);
  if (!node) Fail(fd, 1);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!(*node)->ready_for_reads()) {
    if (std::chrono::steady_clock::now() > deadline) Fail(fd, 2);
    std::this_thread::sleep_for(2ms);  // no event exists for "became leader"
  }
  const auto commands = sm.commands();
  if (!IsCountingSequence(commands)) Fail(fd, 3);
  Send(fd, Kind::kRestores, sm.restores());
  Send(fd, Kind::kRecovered, commands.size());
  if (!keep_proposing) {
    (*node)->Stop();
    _exit(0);
  }
  for (uint64_t n = commands.size() + 1; n < commands.size() + 1'000'000; ++n) {
    auto f = (*node)->Propose(kv::ToBytes(std::to_string(n)));
    if (f.wait_for(10s) != std::future_status::ready || !f.get()) Fail(fd, 4);
    Send(fd, Kind::kAcked, n);
  }
  Fail(fd, 5);
}

// Reads one message; nullopt on EOF or timeout.
std::optional<Message> Receive(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, kReadTimeoutMs) <= 0) return std::nullopt;
  Message m{};
  const ssize_t n = read(fd, &m, sizeof m);
  if (n != sizeof m) return std::nullopt;
  return m;
}

struct Child {
  pid_t pid;
  int fd;
};

Child Spawn(const std::filesystem::path& dir, uint16_t port, bool keep_proposing) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  const pid_t pid = fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    close(fds[0]);
    RunChild(dir, port, fds[1], keep_proposing);
  }
  close(fds[1]);
  return Child{pid, fds[0]};
}

TEST(RaftNodeCrashTest, SigkilledNodeRecoversEveryAcknowledgedCommand) {
  const auto dir = ::ledgerseal::testing::TestDir();
  const uint16_t port = FreePort();
  uint64_t acked = 0;  // highest command any killed child acknowledged

  for (int round = 0; round < kRounds; ++round) {
    Child child = Spawn(dir, port, /*keep_proposing=*/true);
    auto restores = Receive(child.fd);
    ASSERT_TRUE(restores && restores->kind == Kind::kRestores) << "round " << round;
    // From the second round on the dir holds snapshots: raft restores one.
    if (round > 0) {
      EXPECT_GE(restores->value, 1u) << "round " << round;
    }
    auto recovered = Receive(child.fd);
    ASSERT_TRUE(recovered && recovered->kind == Kind::kRecovered)
        << "round " << round << ": no recovery report"
        << (recovered ? " (failure " + std::to_string(recovered->value) + ")" : "");
    EXPECT_GE(recovered->value, acked) << "round " << round << " lost acknowledged commands";
    const uint64_t target = recovered->value + kAcksPerRound;
    uint64_t round_acked = 0;
    while (round_acked < target) {
      auto m = Receive(child.fd);
      ASSERT_TRUE(m && m->kind == Kind::kAcked) << "round " << round << " stalled";
      round_acked = m->value;
    }
    kill(child.pid, SIGKILL);  // mid-stream: the next proposal is in flight
    int status = 0;
    ASSERT_EQ(waitpid(child.pid, &status, 0), child.pid);
    EXPECT_TRUE(WIFSIGNALED(status));
    while (auto m = Receive(child.fd)) {  // acks written before the kill
      if (m->kind == Kind::kAcked) round_acked = m->value;
    }
    close(child.fd);
    acked = round_acked;
  }

  Child last = Spawn(dir, port, /*keep_proposing=*/false);
  auto restores = Receive(last.fd);
  ASSERT_TRUE(restores && restores->kind == Kind::kRestores);
  EXPECT_GE(restores->value, 1u);
  auto recovered = Receive(last.fd);
  ASSERT_TRUE(recovered && recovered->kind == Kind::kRecovered);
  EXPECT_GE(recovered->value, acked);
  int status = 0;
  ASSERT_EQ(waitpid(last.pid, &status, 0), last.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(last.fd);
  RecordProperty("recovered_commands", static_cast<int>(recovered->value));
}

}  // namespace
}  // namespace ledgerseal::replication
