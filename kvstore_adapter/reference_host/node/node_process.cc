#include "kvstore_adapter/reference_host/node/public/node_process.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/host/public/ledger_fsm.h"
#include "kvstore_adapter/reference_host/host/public/replicated_host.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/node/join_secrets.h"
#include "kvstore_adapter/reference_host/node/node_service.h"
#include "kvstore_adapter/reference_host/recovery/public/file_secret_hook.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_server.h"

namespace ledgerseal::kv::node {
namespace {

namespace fs = std::filesystem;
namespace pb = ::ledgerseal::ledger::v1;
using Clock = std::chrono::steady_clock;

constexpr size_t kNodeKeyBits = 3072;      // the node's encryption key pair
constexpr int kJoinTimeoutMs = 30'000;     // reaching a primary to join
constexpr uint32_t kFetchBatchBytes = 4u << 20;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A fresh service id: 16 random bytes in hex.
Result<std::string> NewServiceId(crypto::RandomSource& random) {
  std::vector<uint8_t> raw(16);
  if (!random.Fill(raw)) return MakeError(ErrorCode::kInternal, "no randomness for a service id");
  return ToHex(raw);
}

bool NonEmptyDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && !fs::is_empty(p, ec);
}

class Node {
 public:
  explicit Node(const NodeProcessOptions& o) : o_(o), c_(o.config) {
    ledger_dir_ = c_.data_dir / "ledger";
    store_dir_ = c_.data_dir / "store";
    raft_dir_ = c_.data_dir / "raft";
  }
  ~Node() { Shutdown(); }

  Status Run() {
    if (auto s = Prepare(); !s) return s;
    Status started = o_.mode == StartMode::kRecover ? RecoverService()
                     : c_.join_address               ? JoinService()
                                                     : Genesis();
    if (!started) return started;
    if (auto s = StartRpc(); !s) return s;
    Log("ready: service " + host_->service_id() + ", version " +
        std::to_string(store_->applied_version()) + ", rpc " + rpc_->address() + ", raft " +
        c_.raft_address);
    return ServeUntilStopped();
  }

 private:
  void Log(const std::string& line) const {
    if (o_.log) {
      o_.log(line);
    } else {
      std::cerr << "[node " << c_.node_id << "] " << line << std::endl;
    }
  }

  Status CheckDataDir() {
    if (o_.mode == StartMode::kRecover) {
      if (!NonEmptyDir(ledger_dir_)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "--recover needs this node's ledger files, but " + ledger_dir_.string() +
                             " is missing or empty");
      }
      return {};
    }
    for (const auto& dir : {ledger_dir_, store_dir_, raft_dir_}) {
      if (NonEmptyDir(dir)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         dir.string() + " exists from an earlier run. A node cannot restart as "
                         "itself (its keys lived in memory only): recover the service from this "
                         "ledger with --recover, or start with an empty data_dir");
      }
    }
    return {};
  }

  Status Prepare() {
    if (auto s = CheckDataDir(); !s) return s;
    std::error_code ec;
    fs::create_directories(c_.data_dir, ec);
    if (ec) return MakeError(ErrorCode::kIoError, "cannot create " + c_.data_dir.string() + ": " + ec.message());
    auto key = crypto::RsaPrivateKey::Generate(kNodeKeyBits);
    if (!key) return MakeError(ErrorCode::kInternal, "generating the node key: " + key.error().ToString());
    key_ = std::make_unique<crypto::RsaPrivateKey>(std::move(*key));
    // The store key lives in memory only: a restarted node rebuilds its store
    // from the ledger (recovery) or from its peers (join).
    if (o_.store_key) {
      auto key = o_.store_key();
      if (!key) return std::unexpected(key.error());
      store_key_ = std::move(*key);
    } else {
      store_key_ = SecretBytes(32);
      if (!random_.Fill(store_key_.mutable_bytes())) return MakeError(ErrorCode::kInternal, "no randomness");
    }
    join_payload_ = o_.join_payload;
    if (c_.insecure_test_secret_file) {
      Log("WARNING: INSECURE test mode: ledger secrets are written in plaintext to " +
          c_.insecure_test_secret_file->string());
      auto added = o_.hooks->RegisterRecoveryHook(
          "insecure-test-secret-file",
          std::make_shared<FileSecretRecoveryHook>(*c_.insecure_test_secret_file));
      if (!added) return added;
    }
    return {};
  }

  Status OpenStore() { return OpenStoreAt(store_dir_, /*sync_writes=*/true); }

  Status OpenStoreAt(const fs::path& dir, bool sync_writes) {
    auto store = Store::Open({.dir = dir, .encryption_key = &store_key_, .sync_writes = sync_writes});
    if (!store) return std::unexpected(store.error());
    store_ = std::move(*store);
    return {};
  }

  Status OpenStateMachine() {
    StateMachineDeps deps{c_.node_id, key_.get(), {}, store_.get(), &secrets_, &random_, nullptr};
    deps.ledger_options.dir = ledger_dir_;
    if (c_.insecure_test_secret_file) {
      deps.on_secret_learned = [path = *c_.insecure_test_secret_file](uint64_t v, const SecretBytes& s) {
        (void)WriteSecretFile(path, v, s);
      };
    }
    auto sm = LedgerStateMachine::Open(std::move(deps));
    if (!sm) return std::unexpected(sm.error());
    sm_ = std::move(*sm);
    if (const auto& report = sm_->ledger_recovery_report(); !report.clean()) {
      Log("the ledger files ended in a torn entry, dropped: " + report.ToString());
    }
    fsm_ = std::make_unique<LedgerFsm>(sm_.get());
    host_ = std::make_unique<ReplicatedHost>(
        ReplicatedHostDeps{.identity = {c_.node_id, c_.sealing.sealing_identity, ""},
                           .store = store_.get(),
                           .secrets = &secrets_,
                           .random = &random_},
        o_.hooks);
    return {};
  }

  Status StartRaft(uint64_t raft_id, bool bootstrap) {
    replication::RaftNodeOptions options;
    options.id = raft_id;
    options.address = c_.raft_address;
    options.dir = raft_dir_;
    if (bootstrap) options.bootstrap = std::vector<replication::Member>{{raft_id, c_.raft_address}};
    options.election_timeout_ms = c_.raft.election_timeout_ms;
    options.heartbeat_timeout_ms = c_.raft.heartbeat_timeout_ms;
    options.snapshot_threshold = c_.raft.snapshot_threshold;
    options.log = [this](std::string_view line) { Log("raft: " + std::string(line)); };
    auto raft = replication::RaftNode::Start(options, fsm_.get());
    if (!raft) return std::unexpected(raft.error());
    raft_ = std::move(*raft);
    host_->AttachRaft(raft_.get());
    return {};
  }

  Status WaitUntilPrimary() {
    const auto deadline = Clock::now() + std::chrono::milliseconds(20 * c_.raft.election_timeout_ms);
    while (!(raft_->IsLeader() && raft_->ready_for_reads())) {
      if (Clock::now() > deadline) return MakeError(ErrorCode::kUnavailable, "this node did not become leader");
      if (auto fatal = raft_->fatal_error()) return std::unexpected(*fatal);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return {};
  }

  pb::NodeInfo SelfRecord(uint64_t raft_id, const std::string& service_id) {
    pb::NodeInfo self;
    self.set_node_id(c_.node_id);
    self.set_raft_id(raft_id);
    self.set_raft_address(c_.raft_address);
    self.set_rpc_address(c_.rpc_address);
    auto der = key_->PublicKeyDer();
    if (der) self.set_encryption_public_key_der(der->data(), der->size());
    self.set_sealing_identity(c_.sealing.sealing_identity);
    self.set_status(pb::NodeInfo::TRUSTED);
    self.set_admitted_at_version(store_->applied_version() + 1);
    self.set_service_id(service_id);
    self.set_join_payload(join_payload_.data(), join_payload_.size());
    return self;
  }

  Status Genesis() {
    if (auto s = OpenStore(); !s) return s;
    if (auto s = OpenStateMachine(); !s) return s;
    if (auto s = StartRaft(1, /*bootstrap=*/true); !s) return s;
    if (auto s = WaitUntilPrimary(); !s) return s;
    auto new_id = NewServiceId(random_);
    if (!new_id) return std::unexpected(new_id.error());
    const std::string service_id = *new_id;
    auto tx = host_->BeginTransaction();
    if (!tx) return std::unexpected(tx.error());
    pb::ServiceInfo service;
    service.set_service_id(service_id);
    service.set_created_at_version(1);
    if (auto s = membership::PutService(**tx, service); !s) return s;
    if (auto s = membership::PutNode(**tx, SelfRecord(1, service_id)); !s) return s;
    auto version = host_->CommitWith(std::move(*tx), {.rotate_secret = true,
                                                      .trusted_nodes_changed = true,
                                                      .new_service_id = service_id});
    if (!version) return std::unexpected(version.error());
    Log("started service " + service_id + " (genesis at version " + std::to_string(*version) + ")");
    return {};
  }

  Result<rpc::v1::JoinResponse> AskToJoin(rpc::RpcClient& client) {
    rpc::v1::JoinRequest join;
    join.set_node_id(c_.node_id);
    join.set_raft_address(c_.raft_address);
    join.set_rpc_address(c_.rpc_address);
    auto der = key_->PublicKeyDer();
    if (!der) return MakeError(ErrorCode::kInternal, "exporting the node key");
    join.set_encryption_public_key_der(der->data(), der->size());
    join.set_sealing_identity(c_.sealing.sealing_identity);
    join.set_sealed_recovery_key(join_payload_.data(), join_payload_.size());
    const auto deadline = Clock::now() + std::chrono::milliseconds(kJoinTimeoutMs);
    for (;;) {
      auto response = client.Join(join);
      if (response) return response;
      const ErrorCode code = response.error().code;
      const bool transient = code == ErrorCode::kUnavailable || code == ErrorCode::kNotPrimary ||
                             code == ErrorCode::kAborted;
      if (!transient || Clock::now() > deadline) {
        return MakeError(response.error().code,
                         "joining via " + *c_.join_address + ": " + response.error().message);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  // Copies the ledger from the service, verifying and applying each entry,
  // up to at least `admitted_at`.
  Status CopyLedger(rpc::RpcClient& client, Version admitted_at) {
    for (;;) {
      const Version applied = sm_->applied_version();
      auto batch = client.FetchEntries(applied + 1, kFetchBatchBytes);
      if (!batch) return std::unexpected(batch.error());
      for (const auto& entry : batch->entries()) {
        auto outcome = sm_->Apply(AsBytes(entry));
        if (!outcome) return std::unexpected(outcome.error());
        if (outcome->result != ApplyResult::kApplied) {
          return MakeError(ErrorCode::kCorruption, "the service sent entry " +
                                                       std::to_string(outcome->version) +
                                                       " out of order");
        }
      }
      if (batch->entries().empty() && sm_->applied_version() >= admitted_at) return {};
      if (batch->entries().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  Status JoinService() {
    if (auto s = OpenStore(); !s) return s;
    if (auto s = OpenStateMachine(); !s) return s;
    rpc::RpcClient client(*c_.join_address);
    auto joined = AskToJoin(client);
    if (!joined) return std::unexpected(joined.error());
    auto secrets = DecryptJoinSecrets(*key_, c_.node_id, AsBytes(joined->encrypted_secrets()));
    if (!secrets) return std::unexpected(secrets.error());
    for (auto& s : *secrets) {
      if (c_.insecure_test_secret_file && s.version == secrets->back().version) {
        (void)WriteSecretFile(*c_.insecure_test_secret_file, s.version, s.secret);
      }
      if (auto added = secrets_.Add(s.version, std::move(s.secret)); !added) return added;
    }
    host_->SetServiceId(joined->service_id());
    const auto start = Clock::now();
    if (auto s = CopyLedger(client, joined->version()); !s) return s;
    Log("copied the ledger to version " + std::to_string(sm_->applied_version()) + " in " +
        std::to_string(static_cast<int>(MsSince(start))) + " ms");
    if (auto s = StartRaft(joined->raft_id(), /*bootstrap=*/false); !s) return s;
    Log("joined service " + joined->service_id() + " as raft id " + std::to_string(joined->raft_id()));
    return WaitUntilVoter(joined->raft_id());
  }

  // A joiner takes part in commits only once the leader promoted it (after
  // a catch-up round), so it reports ready only then. The promotion is the
  // admitting leader's background work: a leader change during it drops it,
  // and this node then gives up after the budget, saying so.
  Status WaitUntilVoter(uint64_t raft_id) {
    constexpr auto kBudget = std::chrono::seconds(45);
    const auto start = Clock::now();
    for (;;) {
      const auto voters = raft_->Voters();
      if (std::find(voters.begin(), voters.end(), raft_id) != voters.end()) break;
      if (auto fatal = raft_->fatal_error()) return std::unexpected(*fatal);
      if (o_.stop->load()) return MakeError(ErrorCode::kUnavailable, "stopped before becoming a raft voter");
      if (Clock::now() - start > kBudget) {
        return MakeError(ErrorCode::kUnavailable,
                         "the leader did not make this node a raft voter within " + std::to_string(kBudget.count()) +
                             " s (a leader change during the join drops the promotion; see the leader's log, "
                             "then join again with an empty data directory)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Log("a raft voter " + std::to_string(static_cast<int>(MsSince(start))) + " ms after joining");
    return {};
  }

  // Keeps the previous store and raft directories (nothing is deleted) in
  // data_dir/before-recovery-N/.
  Status MoveAsideBeforeRecovery() {
    fs::path target;
    for (int n = 1; n < 1000 && target.empty(); ++n) {
      const fs::path candidate = c_.data_dir / ("before-recovery-" + std::to_string(n));
      if (!fs::exists(candidate)) target = candidate;
    }
    if (target.empty()) return MakeError(ErrorCode::kIoError, "too many before-recovery-* directories");
    for (const auto& dir : {store_dir_, raft_dir_}) {
      if (!fs::exists(dir)) continue;
      std::error_code ec;
      fs::create_directories(target, ec);
      if (!ec) fs::rename(dir, target / dir.filename(), ec);
      if (ec) return MakeError(ErrorCode::kIoError, "moving " + dir.string() + " aside: " + ec.message());
    }
    Log("kept the previous store and raft directories in " + target.string());
    return {};
  }

  // Replays into a scratch store first: a recovery that fails (wrong
  // platform, tampered ledger) leaves the data directory exactly as it was.
  Status RecoverService() {
    const fs::path scratch = c_.data_dir / "store.recovering";
    std::error_code ec;
    fs::remove_all(scratch, ec);  // a previous attempt's leftovers: never data
    // Replay without a sync per entry: a crash mid-replay only means
    // recovering again (the scratch store is discarded); one flush at the end.
    if (auto s = OpenStoreAt(scratch, /*sync_writes=*/false); !s) return s;
    auto recovered = ReplayIntoStore();
    if (recovered) {
      if (auto flushed = store_->Flush(); !flushed) recovered = std::unexpected(flushed.error());
    }
    if (!recovered) {
      store_.reset();
      fs::remove_all(scratch, ec);
      return std::unexpected(recovered.error());
    }
    store_.reset();
    if (auto s = MoveAsideBeforeRecovery(); !s) return s;
    fs::rename(scratch, store_dir_, ec);
    if (ec) return MakeError(ErrorCode::kIoError, "installing the recovered store: " + ec.message());
    if (auto s = OpenStore(); !s) return s;
    if (auto s = OpenStateMachine(); !s) return s;
    return StartRecoveredService(*recovered);
  }

  // Recovery hooks, secret chain and verified replay into store_.
  Result<RecoverResult> ReplayIntoStore() {
    RecoverOptions options;
    options.ledger_dir = ledger_dir_;
    options.store = store_.get();
    options.hooks = o_.hooks;
    options.context.node = {c_.node_id, c_.sealing.sealing_identity, ""};
    options.context.previous_sealing_identity = c_.sealing.previous_local_sealing_identity;
    options.progress = [this](uint64_t done, uint64_t total) {
      Log("replay: " + std::to_string(done) + "/" + std::to_string(total) + " entries");
    };
    options.progress_every = 5000;
    auto recovered = RecoverLedger(options, secrets_);
    if (!recovered) return std::unexpected(recovered.error());
    Log("recovered: secret " + std::to_string(recovered->outcome.secret.ledger_secret_version) +
        " from hook '" + recovered->outcome.hook_name + "' in " +
        std::to_string(static_cast<int>(recovered->time_to_secret_ms)) + " ms; replayed " +
        std::to_string(recovered->entries_replayed) + " entries to version " +
        std::to_string(recovered->replayed_to) + " in " +
        std::to_string(static_cast<int>(recovered->replay_ms)) + " ms" +
        (recovered->ledger_report.clean() ? "" : "; dropped a torn tail: " + recovered->ledger_report.ToString()));
    if (c_.insecure_test_secret_file) {
      const uint64_t latest = secrets_.latest_version();
      (void)WriteSecretFile(*c_.insecure_test_secret_file, latest, *secrets_.Get(latest));
    }
    return recovered;
  }

  Status StartRecoveredService(const RecoverResult& recovered) {
    auto probe = host_->BeginTransaction();
    if (!probe) return std::unexpected(probe.error());
    auto raft_id = membership::NextRaftId(**probe);
    auto old_service = membership::GetService(**probe);
    if (!raft_id) return std::unexpected(raft_id.error());
    if (!old_service) return std::unexpected(old_service.error());
    if (auto s = StartRaft(*raft_id, /*bootstrap=*/true); !s) return s;
    if (auto s = WaitUntilPrimary(); !s) return s;

    auto new_id = NewServiceId(random_);
    if (!new_id) return std::unexpected(new_id.error());
    const std::string service_id = *new_id;
    auto tx = host_->BeginTransaction();
    if (!tx) return std::unexpected(tx.error());
    auto nodes = membership::ListNodes(**tx);
    if (!nodes) return std::unexpected(nodes.error());
    for (auto& n : *nodes) {  // the old service's nodes are gone with it
      if (n.status() == pb::NodeInfo::RETIRED || n.node_id() == c_.node_id) continue;
      n.set_status(pb::NodeInfo::RETIRED);
      if (auto s = membership::PutNode(**tx, n); !s) return s;
    }
    if (auto s = membership::PutNode(**tx, SelfRecord(*raft_id, service_id)); !s) return s;
    pb::ServiceInfo service;
    service.set_service_id(service_id);
    service.set_created_at_version(store_->applied_version() + 1);
    service.set_previous_service_id(recovered.previous_service_id);
    service.set_recovery_count((*old_service ? (*old_service)->recovery_count() : 0) + 1);
    if (auto s = membership::PutService(**tx, service); !s) return s;
    auto version = host_->CommitWith(std::move(*tx), {.rotate_secret = true,
                                                      .trusted_nodes_changed = true,
                                                      .new_service_id = service_id,
                                                      .recovered = &recovered.outcome});
    if (!version) return std::unexpected(version.error());
    Log("started service " + service_id + " recovered from " + recovered.previous_service_id +
        " (version " + std::to_string(*version) + ")");
    return {};
  }

  Status StartRpc() {
    service_ = std::make_unique<NodeService>(NodeServiceDeps{
        .host = host_.get(),
        .raft = raft_.get(),
        .store = store_.get(),
        .secrets = &secrets_,
        .random = &random_,
        .ledger_dir = ledger_dir_,
        .log = [this](std::string_view line) { Log(std::string(line)); },
    });
    rpc::RpcServerOptions options;
    options.log = [this](std::string_view line) { Log("rpc: " + std::string(line)); };
    auto server = rpc::RpcServer::Start(c_.rpc_address, service_.get(), options);
    if (!server) return std::unexpected(server.error());
    rpc_ = std::move(*server);
    return {};
  }

  Status ServeUntilStopped() {
    while (!o_.stop->load()) {
      if (auto fatal = raft_->fatal_error()) {
        return MakeError(fatal->code, "the node stopped: " + fatal->message);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Log("stopping");
    return {};
  }

  void Shutdown() {
    // First tell the service, so handlers in progress (a retire waiting for
    // the retired node) give up before the RPC server waits for them.
    if (service_) service_->BeginStop();
    if (rpc_) rpc_->Stop();
    if (service_) service_->Stop();
    if (raft_) raft_->Stop();
    if (host_) host_->AttachRaft(nullptr);
  }

  const NodeProcessOptions& o_;
  const NodeConfig& c_;
  fs::path ledger_dir_, store_dir_, raft_dir_;
  crypto::OpenSslRandomSource random_;
  std::unique_ptr<crypto::RsaPrivateKey> key_;
  SecretBytes store_key_;
  Bytes join_payload_;
  secrets::LedgerSecrets secrets_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<LedgerStateMachine> sm_;
  std::unique_ptr<LedgerFsm> fsm_;
  std::unique_ptr<ReplicatedHost> host_;
  std::unique_ptr<replication::RaftNode> raft_;
  std::unique_ptr<NodeService> service_;
  std::unique_ptr<rpc::RpcServer> rpc_;
};

}  // namespace

Status RunNode(const NodeProcessOptions& options) {
  if (options.hooks == nullptr || options.stop == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "RunNode needs hooks and a stop flag");
  }
  Node node(options);
  return node.Run();
}

}  // namespace ledgerseal::kv::node
