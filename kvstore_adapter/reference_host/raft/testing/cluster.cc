#include "kvstore_adapter/reference_host/raft/testing/cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace ledgerseal::replication::testing {

uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) std::abort();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TcpCluster::TcpCluster(std::filesystem::path root, ClusterTiming timing)
    : root_(std::move(root)), timing_(timing) {
  std::filesystem::remove_all(root_);
}

TcpCluster::~TcpCluster() {
  for (auto& [id, node] : nodes_) {
    if (node) node->Stop();
  }
}

kv::Status TcpCluster::StartBootstrapped(int n) {
  for (int i = 1; i <= n; ++i) {
    const auto id = static_cast<RaftId>(i);
    members_[id] = Member{id, "127.0.0.1:" + std::to_string(FreePort())};
    voters_.push_back(members_[id]);
  }
  for (int i = 1; i <= n; ++i) {
    if (kv::Status s = StartNode(static_cast<RaftId>(i), true); !s) return s;
  }
  return {};
}

kv::Status TcpCluster::StartJoiner(RaftId id) {
  members_[id] = Member{id, "127.0.0.1:" + std::to_string(FreePort())};
  return StartNode(id, false);
}

kv::Status TcpCluster::Restart(RaftId id) {
  const bool bootstrap = std::any_of(voters_.begin(), voters_.end(),
                                     [&](const Member& m) { return m.id == id; });
  return StartNode(id, bootstrap);
}

kv::Status TcpCluster::StartNode(RaftId id, bool bootstrap) {
  RaftNodeOptions options;
  options.id = id;
  options.address = members_.at(id).address;
  options.dir = root_ / ("n" + std::to_string(id));
  if (bootstrap) options.bootstrap = voters_;
  options.election_timeout_ms = timing_.election_timeout_ms;
  options.heartbeat_timeout_ms = timing_.heartbeat_timeout_ms;
  options.snapshot_threshold = timing_.snapshot_threshold;
  options.snapshot_trailing = timing_.snapshot_trailing;
  options.connect_retry_delay_ms = timing_.connect_retry_delay_ms;
  auto sm = std::make_unique<RecordingStateMachine>();
  auto node = RaftNode::Start(options, sm.get());
  if (!node) return std::unexpected(node.error());
  nodes_[id].reset();  // a stopped node of the same id, if any
  sms_[id] = std::move(sm);
  nodes_[id] = std::move(*node);
  return {};
}

void TcpCluster::Stop(RaftId id) {
  auto it = nodes_.find(id);
  if (it != nodes_.end() && it->second) {
    it->second->Stop();
    it->second.reset();
  }
}

RaftNode* TcpCluster::node(RaftId id) {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second.get();
}

RecordingStateMachine& TcpCluster::sm(RaftId id) { return *sms_.at(id); }

RaftId TcpCluster::WaitForLeader(std::chrono::milliseconds timeout, RaftId excluding) {
  RaftId leader = 0;
  WaitUntil(
      [&] {
        for (auto& [id, node] : nodes_) {
          if (id != excluding && node && node->IsLeader() && node->ready_for_reads()) {
            leader = id;
            return true;
          }
        }
        return false;
      },
      timeout);
  return leader;
}

}  // namespace ledgerseal::replication::testing
