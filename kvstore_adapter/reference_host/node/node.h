// PRIVATE to //kvstore_adapter/reference_host/node: the node process behind
// RunNode (public/node_process.h), split by role across files:
//   node_process.cc     RunNode, preparing the data directory and keys, the
//                       store / state machine / Raft / RPC plumbing every
//                       start mode shares, serving and shutdown;
//   genesis.cc          starting a new service;
//   join.cc             joining a service (admission, ledger copy, voter);
//   recover_service.cc  recovering a service from this node's ledger.
//
// Every wait in here is bounded (a named budget) and stop-aware: it looks at
// the stop flag at least every kStopPollMs, so SIGTERM takes effect within
// about that long, plus at most one RPC or Raft step already in flight.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_NODE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_NODE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"
#include "kvstore_adapter/reference_host/host/public/ledger_fsm.h"
#include "kvstore_adapter/reference_host/host/public/replicated_host.h"
#include "kvstore_adapter/reference_host/node/node_service.h"
#include "kvstore_adapter/reference_host/node/public/node_process.h"
#include "kvstore_adapter/reference_host/node/recovery_coordinator.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_server.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "kvstore_adapter/reference_host/state_machine/public/ledger_state_machine.h"
#include "kvstore_adapter/store/public/store.h"

namespace ledgerseal::kv::node {

using Clock = std::chrono::steady_clock;

// The longest any wait of the node sleeps before it looks at the stop flag
// again: a SIGTERM during start-up is noticed within this.
inline constexpr std::chrono::milliseconds kStopPollMs{50};

// Sleeps `pause`, in slices of at most kStopPollMs. Returns false (at once,
// or after the slice in progress) if `stop` is or becomes set.
bool SleepUnlessStopped(const std::atomic<bool>& stop, std::chrono::milliseconds pause);

double MsSince(Clock::time_point start);

// One node process. Not thread-safe: RunNode drives it on one thread (the
// Raft, RPC and membership threads it starts only reach it through the
// objects it owns).
class Node {
 public:
  explicit Node(const NodeProcessOptions& o);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Prepare, start as the mode says, serve until stopped, shut down. A
  // first start (StartMode::kStart) that fails before the node serves
  // leaves data_dir as it found it (see UndoFailedStart).
  Status Run();

 private:
  // data_dir as a first start found it: what UndoFailedStart may remove is
  // exactly what is not in here.
  struct DataDirBefore {
    bool recorded = false;  // false: it could not be listed; nothing is removed
    // The topmost directory on the way to data_dir that did not exist (this
    // start creates it); empty if data_dir existed.
    std::filesystem::path created_root;
    std::set<std::filesystem::path> entries;  // of data_dir
    // ledger/, store/, raft/ that existed (empty, or CheckDataDir refuses)
    // and their entries.
    std::map<std::filesystem::path, std::set<std::filesystem::path>> subdir_entries;
  };

  // node_process.cc: what every start mode shares.
  void Log(const std::string& line) const;
  // INSECURE test mode only (insecure_test_secret_file set): writes the
  // secret there; a failure is logged (the file only serves tests).
  void KeepInsecureTestSecret(uint64_t version, const SecretBytes& secret) const;
  bool Stopping() const { return o_.stop->load(); }
  Status CheckDataDir();
  // Refuses (kUnavailable, "ADDRESS: address in use") an rpc or raft address
  // another process listens on, before anything is created.
  Status CheckAddressesFree() const;
  Status Prepare();
  // Prepare, start as the mode says, start the RPC server: everything before
  // the node serves.
  Status Start();
  void RecordDataDir();
  // After a failed first start: stops and releases what the start opened,
  // then removes what it created in data_dir (the entries RecordDataDir did
  // not see) and nothing else.
  void UndoFailedStart();
  Status OpenStore();  // store_dir_, syncing every write
  Status OpenStateMachine();
  Status StartRaft(uint64_t raft_id, bool bootstrap);
  // Waits until this node leads and has applied its predecessors' entries.
  Status WaitUntilPrimary();
  ::ledgerseal::ledger::v1::NodeInfo SelfRecord(uint64_t raft_id, const std::string& service_id,
                                                const Bytes& join_payload);
  // options.join_payload_for(identity), or nothing without a factory.
  Result<Bytes> JoinPayloadFor(const ServiceIdentity& identity) const;
  Status StartRpc();
  // An RPC server on rpc_address answering with `handler` (which must
  // outlive it). Errors: the port in use (named), RpcServer::Start's.
  // `max_message_bytes` 0: RpcServerOptions' default.
  Result<std::unique_ptr<rpc::RpcServer>> ListenRpc(rpc::RpcHandler* handler, uint32_t max_message_bytes = 0);
  Status ServeUntilStopped();
  void Shutdown();

  // genesis.cc
  Status Genesis();

  // join.cc
  Status JoinService();
  // Asks the service for its identity (Status) and checks it against its
  // id and the expected_service_identity pin.
  Result<ServiceIdentity> LearnServiceIdentity(rpc::RpcClient& client);
  Result<rpc::v1::JoinResponse> AskToJoin(rpc::RpcClient& client, const Bytes& join_payload);
  // After the ledger copy: the authenticated ledger.service record names
  // the identity this node sealed for.
  Status CheckCopiedService(const ServiceIdentity& identity);
  Status CopyLedger(rpc::RpcClient& client, Version admitted_at);
  // The state machine's peer source (StateMachineDeps::fetch_entries):
  // committed entries from `from` on, from the first other live node (by
  // the membership table) that has them. Runs on Raft's thread: touches
  // the store and the network, never Raft.
  Result<std::vector<Bytes>> FetchFromPeers(Version from, uint32_t max_bytes);
  Status WaitUntilVoter(uint64_t raft_id);

  // recover_service.cc
  Status RecoverService();
  void LogRecovered(const RecoverResult& recovered) const;
  Status StartRecoveredService(const RecoverResult& recovered);
  // Coordinated recovery: another node opened the recovered service.
  // Moves this node's ledger, store and Raft directories aside
  // (data_dir/before-recovery-N) and joins it; if the join fails (or the
  // service is not an endorsed successor holding this node's ledger), it
  // removes what the join created and moves the directories back.
  Status FollowRecoveredService(const CoordinationOutcome& follow);

  const NodeProcessOptions& o_;
  const NodeConfig& c_;
  // Where JoinService joins: config.join_address, or the node a coordinated
  // recovery follows.
  std::string join_address_;
  // Set when following a coordinated recovery: what the joined service
  // must prove (CheckCopiedService).
  std::optional<CoordinationOutcome> follow_;
  // The digest of the copied entry at follow_->own_last_version, taken by
  // CopyLedger from the bytes it verified and applied.
  Bytes copied_own_last_digest_;
  // The evidence of a coordinated recovery this node won, for its recovery
  // transaction; none after an uncoordinated recovery.
  std::optional<::ledgerseal::ledger::v1::RecoveryDecision> recovery_decision_;
  DataDirBefore before_;
  std::filesystem::path ledger_dir_, store_dir_, raft_dir_;
  crypto::OpenSslRandomSource random_;
  std::unique_ptr<crypto::RsaPrivateKey> key_;
  SecretBytes store_key_;
  secrets::LedgerSecrets secrets_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<LedgerStateMachine> sm_;
  std::unique_ptr<LedgerFsm> fsm_;
  std::unique_ptr<ReplicatedHost> host_;
  std::unique_ptr<replication::RaftNode> raft_;
  std::unique_ptr<NodeService> service_;
  std::unique_ptr<rpc::RpcServer> rpc_;
};

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_NODE_H_
