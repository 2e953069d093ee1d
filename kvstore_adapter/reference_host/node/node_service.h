// The RPC face of a node: client transactions and reads, secret rotation,
// membership (join / trust / retire) and status, on top of the replicated
// host.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_NODE_SERVICE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_NODE_SERVICE_H_

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kvstore_adapter/reference_host/host/public/replicated_host.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "kvstore_adapter/reference_host/node/request_dedup.h"
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_server.h"

namespace ledgerseal::kv::node {

struct NodeServiceDeps {
  ReplicatedHost* host = nullptr;
  replication::RaftNode* raft = nullptr;
  Store* store = nullptr;
  secrets::LedgerSecrets* secrets = nullptr;
  crypto::RandomSource* random = nullptr;
  std::filesystem::path ledger_dir;  // served to joiners by FetchEntries
  std::function<void(std::string_view)> log;
  uint32_t read_wait_ms = 5000;  // how long a read waits for min_version (or less: BeginStop)
};

// Thread safety: Handle is called concurrently by the RPC server.
class NodeService final : public rpc::RpcHandler {
 public:
  explicit NodeService(NodeServiceDeps deps) : deps_(std::move(deps)) {}
  // Joins the background membership workers.
  ~NodeService() override;

  // A mutating request whose id was answered OK (among the last 4096 ids)
  // is not run again on this node, and a copy arriving while the first runs
  // waits for its answer (RequestDedup). An id whose first attempt failed —
  // also kUnavailable, which may or may not have committed — can run again.
  rpc::v1::Response Handle(const rpc::v1::Request& request) override;

  // Makes waits inside handlers and background membership changes give up
  // at once (a wait for Raft within 50 ms). Call before stopping the RPC
  // server, which waits for handlers in progress. Idempotent.
  void BeginStop();
  // BeginStop, then waits for background membership changes (AddVoter
  // after a join).
  void Stop();

 private:
  rpc::v1::Response Execute(const rpc::v1::Request& request);
  rpc::v1::Response Put(const rpc::v1::PutRequest& put);
  rpc::v1::Response Get(const rpc::v1::GetRequest& get);
  rpc::v1::Response Rotate(const rpc::v1::RotateRequest& rotate);
  rpc::v1::Response Join(const rpc::v1::JoinRequest& join);
  rpc::v1::Response SetStatus(const std::string& node_id, bool retire);
  rpc::v1::Response DescribeNode(const rpc::v1::StatusRequest& request);
  rpc::v1::Response FetchEntries(const rpc::v1::FetchEntriesRequest& fetch);
  rpc::v1::Response Failure(const Error& error);
  std::optional<::ledgerseal::ledger::v1::NodeInfo> LeaderRecord();
  std::optional<std::string> LeaderRpcAddress();
  void AddVoter(uint64_t raft_id, const std::string& address, const std::string& node_id);
  // Waits until `node` reports it applied `version`: at most about 6 s (a
  // 5 s budget plus one status call), at once given up if the node refuses
  // connections or this service is stopping. Logs the outcome.
  void AwaitApplied(const ::ledgerseal::ledger::v1::NodeInfo& node, Version version);
  // Runs a Raft configuration change, retrying while another is in progress;
  // at most 60 s, and given up (kUnavailable) once this service stops.
  Status ChangeConfiguration(const std::function<std::future<Status>()>& change);
  bool Stopping();
  // Sleeps `pause` unless BeginStop is or gets called first; returns false then.
  bool PauseUnlessStopping(std::chrono::milliseconds pause);

  NodeServiceDeps deps_;
  std::mutex mu_;
  RequestDedup dedup_{4096};
  std::vector<std::thread> workers_;   // guarded by mu_
  bool stopping_ = false;              // guarded by mu_; set once, by BeginStop
  std::condition_variable stop_cv_;    // notified when stopping_ is set
};

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_NODE_SERVICE_H_
