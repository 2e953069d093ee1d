#include "kvstore_adapter/reference_host/cluster/public/process_cluster.h"

#include <random>
#include <set>
#include <mutex>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>

namespace ledgerseal::cluster {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string ReadFrom(const fs::path& path, size_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(static_cast<std::streamoff>(offset));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t FileSize(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<size_t>(size);
}

kv::Result<std::string> Address() {
  auto port = FreeLoopbackPort();
  if (!port) return std::unexpected(port.error());
  return "127.0.0.1:" + std::to_string(*port);
}

// Reaps `pid` if it exited. Returns its wait status, or nullopt if running.
std::optional<int> Reap(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == pid) return status;
  return std::nullopt;
}

}  // namespace

namespace {

// Binds 127.0.0.1:`port` (0: any) and releases it; the port bound, or 0.
uint16_t TryBind(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  socklen_t len = sizeof(addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  return ok ? ntohs(addr.sin_port) : 0;
}

// Below Linux's default ephemeral range (32768-60999): a port the kernel
// handed out for bind(0) is also where every outgoing connection of every
// concurrently running test takes its local port, so between this release
// and the node's bind another process could take it ("address in use").
constexpr uint16_t kFirstTestPort = 20000;
constexpr uint16_t kTestPorts = 12000;
constexpr int kPortAttempts = 64;

}  // namespace

kv::Result<uint16_t> FreeLoopbackPort() {
  static std::mutex mu;
  static std::mt19937 random(std::random_device{}());
  // Never the same port twice in one process: a node's raft and rpc
  // addresses are both drawn before either is bound, so a repeat would pass
  // the bind test and then collide.
  static std::set<uint16_t> handed_out;
  std::lock_guard lock(mu);
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    const auto port = static_cast<uint16_t>(kFirstTestPort + random() % kTestPorts);
    if (handed_out.contains(port)) continue;
    if (TryBind(port) == port) {
      handed_out.insert(port);
      return port;
    }
  }
  if (const uint16_t any = TryBind(0); any != 0) return any;
  return kv::MakeError(kv::ErrorCode::kIoError, "no free loopback port");
}

ProcessCluster::ProcessCluster(ClusterOptions options) : options_(std::move(options)) {
  fs::create_directories(options_.root);
}

ProcessCluster::~ProcessCluster() { KillAll(); }

fs::path ProcessCluster::data_dir(const std::string& node_id) const {
  return options_.root / node_id / "data";
}

std::vector<std::string> ProcessCluster::running() const {
  std::vector<std::string> out;
  for (const auto& [id, n] : nodes_) {
    if (n.pid > 0) out.push_back(id);
  }
  return out;
}

kv::Status ProcessCluster::StartGenesis(const std::string& node_id) {
  return Launch(node_id, std::nullopt, false);
}
kv::Status ProcessCluster::StartJoiner(const std::string& node_id, const std::string& via) {
  return Launch(node_id, via, false);
}
kv::Status ProcessCluster::StartRecovery(const std::string& node_id, std::vector<std::string> extra_args) {
  return Launch(node_id, std::nullopt, true, std::move(extra_args));
}

kv::Status ProcessCluster::StartRecoveryUntil(const std::string& node_id, std::vector<std::string> extra_args,
                                              std::string until) {
  return Launch(node_id, std::nullopt, true, std::move(extra_args), std::move(until));
}

kv::Status ProcessCluster::AwaitReady(const std::string& node_id) {
  auto it = nodes_.find(node_id);
  if (it == nodes_.end() || it->second.pid <= 0) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument, node_id + " is not running");
  }
  return WaitForLog(it->second, "] ready: ");
}

kv::Status ProcessCluster::StartCoordinatedRecovery(const CoordinatedRestart& restart) {
  for (const auto& id : restart.nodes) {
    if (auto it = nodes_.find(id); it != nodes_.end() && it->second.pid > 0) {
      return kv::MakeError(kv::ErrorCode::kInvalidArgument, id + " is running");
    }
    auto raft = Address();
    auto rpc = Address();
    if (!raft || !rpc) return kv::MakeError(kv::ErrorCode::kIoError, "no free ports");
    planned_[id] = {*raft, *rpc};
  }
  std::map<std::string, kv::RecoveryCoordinationConfig> configs;
  for (const auto& id : restart.nodes) {
    kv::RecoveryCoordinationConfig& coordination = configs[id];
    coordination = kv::RecoveryCoordinationConfig{.peers = {},
                                                .deadline_s = restart.deadline_s,
                                                .wait_for_all_s = restart.wait_for_all_s};
    const auto cut = restart.unreachable.find(id);
    for (const auto& peer : restart.nodes) {
      if (peer == id) continue;
      const bool unreachable =
          cut != restart.unreachable.end() && std::ranges::find(cut->second, peer) != cut->second.end();
      if (!unreachable) {
        coordination.peers.push_back(planned_.at(peer).second);
        continue;
      }
      auto nobody = Address();  // drawn and released: nobody listens there
      if (!nobody) return std::unexpected(nobody.error());
      coordination.peers.push_back(*nobody);
    }
    for (size_t i = 0; i < restart.absent.size(); ++i) {
      auto nobody = Address();
      if (!nobody) return std::unexpected(nobody.error());
      coordination.peers.push_back(*nobody);
    }
  }
  for (const auto& id : restart.nodes) {
    const auto extra = restart.extra_args.find(id);
    auto launched = Launch(id, std::nullopt, /*recover=*/true,
                           extra == restart.extra_args.end() ? std::vector<std::string>{} : extra->second,
                           /*until=*/"", configs.at(id));
    if (!launched) return launched;
  }
  return {};
}

kv::Result<int> ProcessCluster::AwaitExit(const std::string& node_id, uint32_t timeout_ms) {
  auto it = nodes_.find(node_id);
  if (it == nodes_.end()) return kv::MakeError(kv::ErrorCode::kInvalidArgument, node_id + " was not started");
  NodeProcess& n = it->second;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  // Bounded by the deadline.
  while (n.pid > 0) {
    if (auto status = Reap(n.pid)) {
      n.pid = -1;
      return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
    }
    if (Clock::now() > deadline) {
      return kv::MakeError(kv::ErrorCode::kUnavailable, node_id + " still runs after " +
                                                            std::to_string(timeout_ms) + " ms:\n" + LogTail(node_id));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return kv::MakeError(kv::ErrorCode::kInvalidArgument, node_id + " is not running (already reaped)");
}

std::string ProcessCluster::RunLog(const std::string& node_id) const {
  const NodeProcess& n = nodes_.at(node_id);
  return ReadFrom(n.log_path, n.start_log_offset);
}

std::vector<std::string> ProcessCluster::CoordinatedOpeners(const std::vector<std::string>& node_ids) const {
  std::vector<std::string> openers;
  for (const auto& id : node_ids) {
    // The coordinator's line when it opens (recovery_coordinator.cc).
    if (RunLog(id).find("recovery coordination: opening") != std::string::npos) openers.push_back(id);
  }
  return openers;
}

kv::Status ProcessCluster::Launch(const std::string& node_id, std::optional<std::string> join_via,
                                  bool recover, std::vector<std::string> extra_args, std::string until,
                                  std::optional<kv::RecoveryCoordinationConfig> coordination) {
  NodeProcess& n = nodes_[node_id];
  if (n.pid > 0) return kv::MakeError(kv::ErrorCode::kInvalidArgument, node_id + " is running");
  n.node_id = node_id;
  const fs::path dir = options_.root / node_id;
  fs::create_directories(dir);
  kv::Result<std::string> raft = "", rpc = "";
  if (auto planned = planned_.find(node_id); planned != planned_.end()) {
    raft = planned->second.first;
    rpc = planned->second.second;
    planned_.erase(planned);
  } else {
    raft = Address();
    rpc = Address();
  }
  if (!raft || !rpc) return kv::MakeError(kv::ErrorCode::kIoError, "no free ports");
  kv::NodeConfig& c = n.config;
  c.node_id = node_id;
  c.raft_address = *raft;
  c.rpc_address = *rpc;
  c.data_dir = data_dir(node_id);
  c.raft = options_.raft;
  c.join_address.reset();
  if (join_via) c.join_address = nodes_.at(*join_via).config.rpc_address;
  if (options_.insecure_test_secret_files) c.insecure_test_secret_file = options_.root / (node_id + ".secret");
  if (options_.customize) options_.customize(c);
  c.recovery_coordination = coordination.value_or(kv::RecoveryCoordinationConfig{});
  n.config_path = dir / "config.json";
  n.log_path = dir / "node.log";
  std::ofstream(n.config_path) << kv::NodeConfigToJson(c);
  clients_.erase(node_id);

  n.start_log_offset = FileSize(n.log_path);
  const std::string binary = options_.binary.string(), config = n.config_path.string();
  const std::string log = n.log_path.string();
  const pid_t pid = ::fork();
  if (pid < 0) return kv::MakeError(kv::ErrorCode::kIoError, "fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test / demo
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    std::vector<const char*> argv = {binary.c_str(), "node", "--config", config.c_str()};
    if (recover) argv.push_back("--recover");
    for (const auto& a : extra_args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  n.pid = pid;
  return WaitForLog(n, until);
}

kv::Status ProcessCluster::WaitForLog(NodeProcess& n, const std::string& needle) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(options_.ready_timeout_ms);
  const std::string what = needle == "] ready: " ? "ready" : "'" + needle + "'";
  // Bounded by the deadline.
  for (;;) {
    if (ReadFrom(n.log_path, n.start_log_offset).find(needle) != std::string::npos) return {};
    if (auto status = Reap(n.pid)) {
      n.pid = -1;
      return kv::MakeError(kv::ErrorCode::kUnavailable,
                           n.node_id + " exited (status " + std::to_string(*status) + ") before it logged " + what +
                               ":\n" + LogTail(n.node_id));
    }
    if (Clock::now() > deadline) {
      Kill(n.node_id);
      return kv::MakeError(kv::ErrorCode::kUnavailable,
                           n.node_id + " did not log " + what + " in time:\n" + LogTail(n.node_id));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ProcessCluster::Kill(const std::string& node_id) {
  auto it = nodes_.find(node_id);
  if (it == nodes_.end() || it->second.pid <= 0) return;
  ::kill(it->second.pid, SIGKILL);
  int status = 0;
  ::waitpid(it->second.pid, &status, 0);
  it->second.pid = -1;
}

void ProcessCluster::Pause(const std::string& node_id) {
  auto it = nodes_.find(node_id);
  if (it != nodes_.end() && it->second.pid > 0) ::kill(it->second.pid, SIGSTOP);
}

void ProcessCluster::Resume(const std::string& node_id) {
  auto it = nodes_.find(node_id);
  if (it != nodes_.end() && it->second.pid > 0) ::kill(it->second.pid, SIGCONT);
}

void ProcessCluster::KillAll() {
  for (auto& [id, n] : nodes_) Kill(id);
}

kv::Status ProcessCluster::Stop(const std::string& node_id) {
  NodeProcess& n = nodes_.at(node_id);
  if (n.pid <= 0) return {};
  ::kill(n.pid, SIGTERM);
  int status = 0;
  ::waitpid(n.pid, &status, 0);
  n.pid = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return kv::MakeError(kv::ErrorCode::kInternal,
                         node_id + " did not stop cleanly:\n" + LogTail(node_id));
  }
  return {};
}

rpc::RpcClient& ProcessCluster::Client(const std::string& node_id) {
  auto& client = clients_[node_id];
  if (!client) client = std::make_unique<rpc::RpcClient>(nodes_.at(node_id).config.rpc_address);
  return *client;
}

kv::Result<std::string> ProcessCluster::LeaderId() {
  for (const std::string& id : running()) {
    auto status = Client(id).GetStatus();
    if (status && status->is_leader()) return id;
  }
  return kv::MakeError(kv::ErrorCode::kUnavailable, "no running node leads");
}

kv::Status ProcessCluster::WaitApplied(uint64_t version, uint32_t timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (const std::string& id : running()) {
    for (;;) {
      auto status = Client(id).GetStatus();
      if (status && status->applied_version() >= version) break;
      if (Clock::now() > deadline) {
        return kv::MakeError(kv::ErrorCode::kUnavailable,
                             id + " did not apply version " + std::to_string(version) + " in time");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return {};
}

std::string ProcessCluster::LogTail(const std::string& node_id, size_t lines) const {
  std::ifstream in(nodes_.at(node_id).log_path);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& line : tail) out += "  " + line + "\n";
  return out;
}

}  // namespace ledgerseal::cluster
