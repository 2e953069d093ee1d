// RunNode and the skeleton of a node: prepare the data directory and keys,
// start as the mode says (genesis.cc, join.cc, recover_service.cc), serve
// RPC until stopped, shut down. The pieces every start mode shares (store,
// state machine, Raft, waiting to lead) live here too.
#include "kvstore_adapter/reference_host/node/public/node_process.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "kvstore_adapter/reference_host/node/node.h"
#include "kvstore_adapter/reference_host/recovery/public/file_secret_hook.h"

namespace ledgerseal::kv::node {
namespace {

namespace fs = std::filesystem;
namespace pb = ::ledgerseal::ledger::v1;

constexpr size_t kNodeKeyBits = 3072;  // the node's encryption key pair
// A single-voter configuration elects itself within an election timeout or
// two; after this many something is wrong (e.g. the Raft address).
constexpr uint32_t kLeaderWaitElectionTimeouts = 20;
constexpr std::chrono::milliseconds kLeaderPollMs{5};
// How often a serving node looks at the stop flag and Raft's fatal error.
constexpr std::chrono::milliseconds kServePollMs{50};

bool NonEmptyDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && !fs::is_empty(p, ec);
}

// The entries of `dir`; nullopt if it cannot be listed.
std::optional<std::set<fs::path>> Entries(const fs::path& dir) {
  std::set<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) out.insert(it->path());
  if (ec) return std::nullopt;
  return out;
}

// Whether another socket listens on `address` ("host:port"), the way the
// RPC server and Raft bind it (SO_REUSEADDR): no resolved candidate can be
// bound and one failed with EADDRINUSE. False when it cannot tell.
bool AddressInUse(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* resolved = nullptr;
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &resolved) != 0) return false;
  bool bound = false, in_use = false;
  for (addrinfo* ai = resolved; ai != nullptr && !bound; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    static_cast<void>(::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      bound = true;
    } else if (errno == EADDRINUSE) {
      in_use = true;
    }
    ::close(fd);
  }
  ::freeaddrinfo(resolved);
  return in_use && !bound;
}

Error AddressInUseError(std::string_view field, const std::string& address) {
  const std::string port = address.substr(address.rfind(':') + 1);
  return Error{ErrorCode::kUnavailable,
               std::string(field) + " " + address + ": address in use (another process listens on port " + port +
                   "; stop it or configure another port)"};
}

}  // namespace

bool SleepUnlessStopped(const std::atomic<bool>& stop, std::chrono::milliseconds pause) {
  const auto until = Clock::now() + pause;
  for (auto now = Clock::now(); now < until && !stop.load(); now = Clock::now()) {
    std::this_thread::sleep_for(std::min<Clock::duration>(until - now, kStopPollMs));
  }
  return !stop.load();
}

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Node::Node(const NodeProcessOptions& o) : o_(o), c_(o.config), join_address_(o.config.join_address.value_or("")) {
  ledger_dir_ = c_.data_dir / "ledger";
  store_dir_ = c_.data_dir / "store";
  raft_dir_ = c_.data_dir / "raft";
}

Node::~Node() { Shutdown(); }

Status Node::Run() {
  if (o_.mode == StartMode::kStart) RecordDataDir();
  if (Status started = Start(); !started) {
    if (o_.mode == StartMode::kStart) UndoFailedStart();
    return started;
  }
  Log("ready: service " + host_->service_id() + ", version " + std::to_string(store_->applied_version()) +
      ", rpc " + rpc_->address() + ", raft " + c_.raft_address);
  return ServeUntilStopped();
}

Status Node::Start() {
  if (auto s = Prepare(); !s) return s;
  Status started = o_.mode == StartMode::kRecover ? RecoverService()
                   : c_.join_address               ? JoinService()
                                                   : Genesis();
  if (!started) return started;
  return StartRpc();
}

void Node::RecordDataDir() {
  before_ = {};
  std::error_code ec;
  fs::path created_root;
  for (fs::path p = c_.data_dir; !p.empty(); p = p.parent_path()) {
    const auto status = fs::symlink_status(p, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) return;  // cannot tell: remove nothing
    if (fs::exists(status)) break;
    created_root = p;
    if (p == p.parent_path()) break;
  }
  before_.created_root = created_root;
  if (created_root.empty()) {
    auto entries = Entries(c_.data_dir);
    if (!entries) return;
    before_.entries = std::move(*entries);
    for (const auto& dir : {ledger_dir_, store_dir_, raft_dir_}) {
      if (!before_.entries.contains(dir) || !fs::is_directory(dir, ec)) continue;
      auto sub = Entries(dir);
      if (!sub) return;
      before_.subdir_entries[dir] = std::move(*sub);
    }
  }
  before_.recorded = true;
}

// Removes only entries absent when RecordDataDir ran: a failed first start
// leaves data_dir as it found it, and the same start can be run again (a
// node that never served has nothing worth keeping: its keys lived in
// memory). Files outside data_dir (the virtual platform's machine secret,
// the insecure test secret file) are not this start's to remove.
void Node::UndoFailedStart() {
  if (!before_.recorded) return;
  Shutdown();
  rpc_.reset();
  service_.reset();
  raft_.reset();
  host_.reset();
  fsm_.reset();
  sm_.reset();
  store_.reset();
  std::error_code ec;
  std::vector<fs::path> removed;
  if (!before_.created_root.empty()) {
    if (fs::exists(before_.created_root, ec)) {
      fs::remove_all(before_.created_root, ec);
      removed.push_back(before_.created_root);
    }
  } else {
    auto remove_new = [&](const fs::path& dir, const std::set<fs::path>& existed) {
      auto now = Entries(dir);
      if (!now) return;
      for (const auto& p : *now) {
        if (existed.contains(p)) continue;
        fs::remove_all(p, ec);
        removed.push_back(p);
      }
    };
    remove_new(c_.data_dir, before_.entries);
    for (const auto& [dir, existed] : before_.subdir_entries) remove_new(dir, existed);
  }
  if (removed.empty()) return;
  std::string names;
  for (const auto& p : removed) names += (names.empty() ? "" : ", ") + p.string();
  Log("the start failed before the node served; removed what it created: " + names);
}

void Node::Log(const std::string& line) const {
  if (o_.log) {
    o_.log(line);
  } else {
    std::cerr << "[node " << c_.node_id << "] " << line << std::endl;
  }
}

void Node::KeepInsecureTestSecret(uint64_t version, const SecretBytes& secret) const {
  if (!c_.insecure_test_secret_file) return;
  if (auto written = WriteSecretFile(*c_.insecure_test_secret_file, version, secret); !written) {
    Log("WARNING: keeping ledger secret " + std::to_string(version) + " in the insecure test secret file failed: " +
        written.error().ToString());
  }
}

Status Node::CheckDataDir() {
  if (o_.mode == StartMode::kRecover) {
    if (!NonEmptyDir(ledger_dir_)) {
      return MakeError(ErrorCode::kInvalidArgument, "--recover needs this node's ledger files, but " +
                                                        ledger_dir_.string() + " is missing or empty");
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

Status Node::CheckAddressesFree() const {
  if (AddressInUse(c_.rpc_address)) return std::unexpected(AddressInUseError("rpc_address", c_.rpc_address));
  if (AddressInUse(c_.raft_address)) return std::unexpected(AddressInUseError("raft_address", c_.raft_address));
  return {};
}

Status Node::Prepare() {
  if (auto s = CheckDataDir(); !s) return s;
  if (auto s = CheckAddressesFree(); !s) return s;
  std::error_code ec;
  fs::create_directories(c_.data_dir, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "cannot create " + c_.data_dir.string() + ": " + ec.message());
  auto key = crypto::RsaPrivateKey::Generate(kNodeKeyBits);
  if (!key) return MakeError(ErrorCode::kInternal, "generating the node key: " + key.error().ToString());
  key_ = std::make_unique<crypto::RsaPrivateKey>(std::move(*key));
  // The store key: random and in memory only unless the caller supplies one
  // (`ledgerseal node` does not: no other process can then derive it, so no
  // store written by another run can be swapped in). A restarted node
  // rebuilds its store from the ledger (recovery) or from its peers (join).
  if (o_.store_key) {
    auto store_key = o_.store_key();
    if (!store_key) return std::unexpected(store_key.error());
    store_key_ = std::move(*store_key);
  } else {
    store_key_ = SecretBytes(32);
    if (!random_.Fill(store_key_.mutable_bytes())) return MakeError(ErrorCode::kInternal, "no randomness");
  }
  if (c_.insecure_test_secret_file) {
    Log("WARNING: INSECURE test mode: ledger secrets are written in plaintext to " +
        c_.insecure_test_secret_file->string());
    auto added = o_.hooks->RegisterRecoveryHook(
        "insecure-test-secret-file", std::make_shared<FileSecretRecoveryHook>(*c_.insecure_test_secret_file));
    if (!added) return added;
  }
  return {};
}

Status Node::OpenStore() {
  auto store = Store::Open({.dir = store_dir_, .encryption_key = &store_key_, .sync_writes = true});
  if (!store) return std::unexpected(store.error());
  store_ = std::move(*store);
  return {};
}

Status Node::OpenStateMachine() {
  StateMachineDeps deps{c_.node_id, key_.get(), {}, store_.get(), &secrets_, &random_, nullptr};
  deps.ledger_options.dir = ledger_dir_;
  if (c_.insecure_test_secret_file) {
    deps.on_secret_learned = [this](uint64_t v, const SecretBytes& s) { KeepInsecureTestSecret(v, s); };
  }
  // A raft snapshot never leaves a gap in this node's ledger (host_ exists
  // by the time Raft runs).
  deps.fetch_entries = [this](Version from, uint32_t max_bytes) {
    Log("a raft snapshot is ahead of this node's ledger: fetching the entries from version " +
        std::to_string(from) + " from peers");
    return FetchFromPeers(from, max_bytes);
  };
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
                         .state_machine = sm_.get(),
                         .secrets = &secrets_,
                         .random = &random_},
      o_.hooks);
  return {};
}

Status Node::StartRaft(uint64_t raft_id, bool bootstrap) {
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
  if (!raft) {
    // Taken since CheckAddressesFree: say so rather than "raft_start ... (RAFT_IOERR)".
    if (AddressInUse(c_.raft_address)) return std::unexpected(AddressInUseError("raft_address", c_.raft_address));
    return std::unexpected(raft.error());
  }
  raft_ = std::move(*raft);
  host_->AttachRaft(raft_.get());
  return {};
}

// Bounded by kLeaderWaitElectionTimeouts election timeouts; gives up at once
// on a fatal Raft error or a stop.
Status Node::WaitUntilPrimary() {
  const auto budget =
      std::chrono::milliseconds(uint64_t{kLeaderWaitElectionTimeouts} * c_.raft.election_timeout_ms);
  const auto deadline = Clock::now() + budget;
  while (!(raft_->IsLeader() && raft_->ready_for_reads())) {
    if (Clock::now() > deadline) {
      return MakeError(ErrorCode::kUnavailable, "this node did not become leader within " +
                                                    std::to_string(budget.count()) + " ms");
    }
    if (auto fatal = raft_->fatal_error()) return std::unexpected(*fatal);
    if (!SleepUnlessStopped(*o_.stop, kLeaderPollMs)) {
      return MakeError(ErrorCode::kUnavailable, "stopped before this node became leader");
    }
  }
  return {};
}

pb::NodeInfo Node::SelfRecord(uint64_t raft_id, const std::string& service_id, const Bytes& join_payload) {
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
  self.set_join_payload(join_payload.data(), join_payload.size());
  return self;
}

Result<Bytes> Node::JoinPayloadFor(const ServiceIdentity& identity) const {
  if (!o_.join_payload_for) return Bytes();
  return o_.join_payload_for(identity);
}

Status Node::StartRpc() {
  service_ = std::make_unique<NodeService>(NodeServiceDeps{
      .host = host_.get(),
      .raft = raft_.get(),
      .store = store_.get(),
      .secrets = &secrets_,
      .random = &random_,
      .ledger_dir = ledger_dir_,
      .log = [this](std::string_view line) { Log(std::string(line)); },
  });
  auto server = ListenRpc(service_.get());
  if (!server) return std::unexpected(server.error());
  rpc_ = std::move(*server);
  return {};
}

Result<std::unique_ptr<rpc::RpcServer>> Node::ListenRpc(rpc::RpcHandler* handler, uint32_t max_message_bytes) {
  rpc::RpcServerOptions options;
  if (max_message_bytes != 0) options.max_message_bytes = max_message_bytes;
  options.log = [this](std::string_view line) { Log("rpc: " + std::string(line)); };
  auto server = rpc::RpcServer::Start(c_.rpc_address, handler, options);
  if (!server && AddressInUse(c_.rpc_address)) {
    return std::unexpected(AddressInUseError("rpc_address", c_.rpc_address));
  }
  return server;
}

// Serving is the node's job until it is stopped or Raft fails fatally, so
// this wait alone has no deadline; it polls both every kServePollMs.
Status Node::ServeUntilStopped() {
  while (!Stopping()) {
    if (auto fatal = raft_->fatal_error()) {
      return MakeError(fatal->code, "the node stopped: " + fatal->message);
    }
    std::this_thread::sleep_for(kServePollMs);
  }
  Log("stopping");
  return {};
}

void Node::Shutdown() {
  // First tell the service, so handlers in progress (a retire waiting for
  // the retired node) give up before the RPC server waits for them.
  if (service_) service_->BeginStop();
  if (rpc_) rpc_->Stop();
  if (service_) service_->Stop();
  if (raft_) raft_->Stop();
  if (host_) host_->AttachRaft(nullptr);
}

Status RunNode(const NodeProcessOptions& options) {
  if (options.hooks == nullptr || options.stop == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "RunNode needs hooks and a stop flag");
  }
  Node node(options);
  return node.Run();
}

}  // namespace ledgerseal::kv::node
