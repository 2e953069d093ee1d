// A first start that fails before the node serves (a port in use, a join
// address that does not answer) leaves the data directory as it found it,
// says why in words, and the same start then succeeds. Real nodes, in
// process (RunNode on a thread), Raft and RPC on loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/testing/test_dir.h"
#include "gtest/gtest.h"
#include "kvstore_adapter/reference_host/node/public/node_process.h"

namespace ledgerseal::kv::node {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A socket listening on 127.0.0.1:port (port 0: any free one), closed on
// destruction: "another process listens there".
class Listener {
 public:
  explicit Listener(uint16_t port = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && ::listen(fd_, 4) == 0;
    socklen_t len = sizeof(addr);
    if (ok_ && ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) port_ = ntohs(addr.sin_port);
  }
  ~Listener() { Close(); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool ok() const { return ok_; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  bool ok_ = false;
  uint16_t port_ = 0;
};

// A loopback port nothing listens on (free when this returns).
std::string FreeAddress() {
  Listener l;
  EXPECT_TRUE(l.ok());
  return l.address();
}

NodeConfig Config(const std::string& id, const fs::path& data_dir) {
  NodeConfig c;
  c.node_id = id;
  c.raft_address = FreeAddress();
  c.rpc_address = FreeAddress();
  c.data_dir = data_dir;
  return c;
}

// Every path under `dir` (recursively), relative to it; {"<missing>"} when
// `dir` does not exist.
std::set<std::string> Tree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return {"<missing>"};
  std::set<std::string> out;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    out.insert(fs::relative(it->path(), dir, ec).string());
  }
  return out;
}

// One RunNode on a thread; collects its log lines.
class NodeRun {
 public:
  explicit NodeRun(NodeConfig config, std::function<void(std::string_view)> on_line = nullptr)
      : on_line_(std::move(on_line)) {
    options_.config = std::move(config);
    options_.hooks = &hooks_;
    options_.stop = &stop_;
    options_.log = [this](std::string_view line) {
      {
        std::lock_guard lock(mu_);
        lines_.emplace_back(line);
        if (line.starts_with("ready:")) ready_ = true;
      }
      if (on_line_) on_line_(line);
    };
    thread_ = std::thread([this] {
      Status s = RunNode(options_);
      std::lock_guard lock(mu_);
      status_ = std::move(s);
      finished_ = true;
    });
  }
  ~NodeRun() { static_cast<void>(StopAndWait()); }

  // Until ready (true) or finished / `budget` passed (false).
  bool WaitReady(std::chrono::milliseconds budget = std::chrono::milliseconds(60'000)) {
    const auto deadline = Clock::now() + budget;
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        if (ready_) return true;
        if (finished_) return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  Status Wait() {
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mu_);
    return status_;
  }
  Status StopAndWait() {
    stop_.store(true);
    return Wait();
  }
  std::string Log() {
    std::lock_guard lock(mu_);
    std::string all;
    for (const auto& l : lines_) all += l + "\n";
    return all;
  }
  const NodeConfig& config() const { return options_.config; }

 private:
  std::function<void(std::string_view)> on_line_;
  HookRegistry hooks_;
  std::atomic<bool> stop_{false};
  NodeProcessOptions options_;
  std::mutex mu_;
  std::vector<std::string> lines_;
  bool ready_ = false, finished_ = false;
  Status status_;
  std::thread thread_;
};

// What every failed first start must leave: the error says `expected`, the
// data directory is as `before`, and the same start then succeeds.
void ExpectFailedThenRetrySucceeds(NodeRun& failed, const std::set<std::string>& before,
                                   const std::string& expected) {
  const Status s = failed.Wait();
  ASSERT_FALSE(s.has_value()) << failed.Log();
  EXPECT_NE(s.error().message.find(expected), std::string::npos) << s.error().ToString();
  EXPECT_EQ(s.error().message.find("RAFT_IOERR"), std::string::npos) << s.error().ToString();
  EXPECT_EQ(Tree(failed.config().data_dir), before) << failed.Log();
}

TEST(NodeStartTest, RpcPortInUseLeavesTheDataDirAsFoundAndARetryStarts) {
  const fs::path dir = testing::TestDir() / "n1";
  fs::create_directories(dir / "store");  // empty: allowed, and kept
  std::ofstream(dir / "operator-notes.txt") << "not the node's\n";
  const auto before = Tree(dir);
  NodeConfig config = Config("n1", dir);
  Listener taken;
  ASSERT_TRUE(taken.ok());
  config.rpc_address = taken.address();
  {
    NodeRun failed(config);
    ExpectFailedThenRetrySucceeds(failed, before,
                                  "rpc_address " + taken.address() + ": address in use");
    const Status s = failed.Wait();
    ASSERT_FALSE(s.has_value());
    EXPECT_NE(s.error().message.find("port " + std::to_string(taken.port())), std::string::npos);
  }
  taken.Close();
  NodeRun retry(config);
  ASSERT_TRUE(retry.WaitReady()) << retry.Log();
  EXPECT_TRUE(retry.StopAndWait().has_value());
  EXPECT_TRUE(fs::exists(dir / "operator-notes.txt"));
}

TEST(NodeStartTest, RaftPortInUseRemovesTheDataDirItCreated) {
  const fs::path dir = testing::TestDir() / "new" / "n1";  // neither exists
  NodeConfig config = Config("n1", dir);
  Listener taken;
  ASSERT_TRUE(taken.ok());
  config.raft_address = taken.address();
  {
    NodeRun failed(config);
    ExpectFailedThenRetrySucceeds(failed, {"<missing>"}, "raft_address " + taken.address() + ": address in use");
  }
  EXPECT_FALSE(fs::exists(dir.parent_path()));
  taken.Close();
  NodeRun retry(config);
  ASSERT_TRUE(retry.WaitReady()) << retry.Log();
  EXPECT_TRUE(retry.StopAndWait().has_value());
}

// The port is taken after the start checked it, once genesis wrote the
// ledger, the store and Raft's files: the RPC server cannot listen, and all
// of them go.
TEST(NodeStartTest, RpcPortTakenDuringGenesisRemovesWhatGenesisWrote) {
  const fs::path dir = testing::TestDir() / "n1";
  fs::create_directories(dir);
  const auto before = Tree(dir);
  NodeConfig config = Config("n1", dir);
  const uint16_t rpc_port = static_cast<uint16_t>(std::stoi(config.rpc_address.substr(10)));
  std::unique_ptr<Listener> thief;
  {
    NodeRun failed(config, [&](std::string_view line) {
      if (line.starts_with("started service")) thief = std::make_unique<Listener>(rpc_port);
    });
    ExpectFailedThenRetrySucceeds(failed, before, "rpc_address " + config.rpc_address + ": address in use");
    ASSERT_NE(thief, nullptr) << failed.Log();
    EXPECT_NE(failed.Log().find("removed what it created"), std::string::npos) << failed.Log();
  }
  thief.reset();
  NodeRun retry(config);
  ASSERT_TRUE(retry.WaitReady()) << retry.Log();
  EXPECT_TRUE(retry.StopAndWait().has_value());
}

// A join address nobody answers: the join gives up (after its retry budget)
// naming the address; the data directory is as found; joining the real
// service with the same directory then works.
TEST(NodeStartTest, ClosedJoinAddressLeavesTheDataDirAsFoundAndARejoinWorks) {
  const fs::path root = testing::TestDir();
  const fs::path dir = root / "n2";
  fs::create_directories(dir);
  const auto before = Tree(dir);
  NodeConfig joiner = Config("n2", dir);
  const std::string closed = FreeAddress();
  joiner.join_address = closed;
  {
    NodeRun failed(joiner);
    ExpectFailedThenRetrySucceeds(failed, before, "joining via " + closed);
  }
  NodeRun genesis(Config("n1", root / "n1"));
  ASSERT_TRUE(genesis.WaitReady()) << genesis.Log();
  joiner.join_address = genesis.config().rpc_address;
  NodeRun rejoin(joiner);
  ASSERT_TRUE(rejoin.WaitReady()) << rejoin.Log() << genesis.Log();
  EXPECT_TRUE(rejoin.StopAndWait().has_value());
  EXPECT_TRUE(genesis.StopAndWait().has_value());
}

}  // namespace
}  // namespace ledgerseal::kv::node
