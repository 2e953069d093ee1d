#include "kvstore_adapter/reference_host/conformance/reference_host_factory.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "base/testing/test_dir.h"
#include "kvstore_adapter/host_support/public/hook_registry.h"
#include "kvstore_adapter/reference_host/cluster/public/process_cluster.h"
#include "kvstore_adapter/reference_host/conformance/in_process_node.h"
#include "kvstore_adapter/reference_host/node/public/node_config.h"

namespace ledgerseal::kv::conformance {
namespace {

namespace fs = std::filesystem;
namespace v1 = ::ledgerseal::rpc::v1;

// The genesis node of every service of this factory (and the node that
// recovers it), and where each node keeps its data inside the service's
// directory.
constexpr std::string_view kGenesisNodeId = "ref-genesis";
constexpr std::string_view kGenesisDir = "genesis";
constexpr std::string_view kJoinerDirPrefix = "joiner-";
// Joiners wait this long without a heartbeat before they stand for
// election (the genesis node's stays the default): the genesis node keeps
// leading, so every commit runs on it, with the suite's hooks.
constexpr uint32_t kJoinerElectionTimeoutMs = 5'000;
// A test starting more services (or a service more joiners) than this is
// looping by mistake.
constexpr int kMaxDirsPerParent = 1000;
// Reading a file for the fingerprint, this many bytes at a time.
constexpr size_t kFingerprintChunkBytes = 64 * 1024;

Result<std::string> FreeLoopbackAddress() {
  auto port = cluster::FreeLoopbackPort();
  if (!port) return std::unexpected(port.error());
  return "127.0.0.1:" + std::to_string(*port);
}

// A node configuration on fresh loopback ports.
Result<NodeConfig> NodeConfigFor(std::string node_id, const fs::path& data_dir) {
  auto raft = FreeLoopbackAddress();
  if (!raft) return std::unexpected(raft.error());
  auto rpc = FreeLoopbackAddress();
  if (!rpc) return std::unexpected(rpc.error());
  NodeConfig config;
  config.node_id = std::move(node_id);
  config.raft_address = *raft;
  config.rpc_address = *rpc;
  config.data_dir = data_dir;
  return config;
}

// A fresh registry with the suite's hooks in it.
Result<std::unique_ptr<HookRegistry>> RegistryWith(const RegisterHooks& hooks) {
  auto registry = std::make_unique<HookRegistry>();
  if (hooks) {
    if (auto registered = hooks(*registry); !registered) return std::unexpected(registered.error());
  }
  return registry;
}

// `parent`/<prefix><n> for the first n from 1 that does not exist yet.
Result<fs::path> UnusedDir(const fs::path& parent, std::string_view prefix) {
  for (int n = 1; n <= kMaxDirsPerParent; ++n) {
    fs::path candidate = parent / (std::string(prefix) + std::to_string(n));
    std::error_code ec;
    if (!fs::exists(candidate, ec) && !ec) return candidate;
    if (ec) return MakeError(ErrorCode::kIoError, "stat " + candidate.string() + ": " + ec.message());
  }
  return MakeError(ErrorCode::kIoError, "more than " + std::to_string(kMaxDirsPerParent) + " " +
                                            std::string(prefix) + "* directories in " + parent.string());
}

// One service: its leader (the genesis or recovering node) and the nodes
// AdmitAndTrust started, all under `service_dir`.
class ReferenceHost final : public HostUnderTest {
 public:
  // `hooks` registers the suite's hooks on every node this host starts.
  ReferenceHost(fs::path service_dir, std::unique_ptr<InProcessNode> leader, Bytes join_payload,
                RegisterHooks hooks)
      : service_dir_(std::move(service_dir)),
        leader_(std::move(leader)),
        join_payload_(std::move(join_payload)),
        hooks_(std::move(hooks)) {}

  ~ReferenceHost() override { static_cast<void>(StopAll()); }

  Result<Version> Put(const std::string& key, const std::string& value) override {
    v1::PutRequest put;
    v1::Write* write = put.add_writes();
    // The suite's table (host_conformance.h); the Put RPC names the domain
    // of each write.
    write->set_table(std::string(kDataTable.name));
    write->set_private_domain(kDataTable.domain == Domain::kPrivate);
    write->set_key(key);
    write->set_value(value);
    auto done = leader_->client().Put(std::move(put));
    if (!done) return std::unexpected(done.error());
    return Committed(done->version());
  }

  Result<std::optional<std::string>> Get(const std::string& key) override {
    v1::GetRequest get;
    get.set_table(std::string(kDataTable.name));
    get.set_key(key);
    get.set_min_version(last_committed_);  // read this host's own writes
    auto read = leader_->client().Get(std::move(get));
    if (!read) return std::unexpected(read.error());
    if (!read->found()) return std::optional<std::string>();
    return std::optional<std::string>(read->value());
  }

  Result<Version> Rotate() override {
    auto done = leader_->client().Rotate();
    if (!done) return std::unexpected(done.error());
    return Committed(done->version());
  }

  // A real joiner: RunNode with join_address = the leader, presenting
  // `join_payload` (the leader admits it in a transaction, it copies the
  // ledger, and is ready once a Raft voter), then the Trust RPC. The joiner
  // registers the suite's hooks too, as every node of a service does
  // (hooks.h, "Placement"), though it does not lead here (see
  // kJoinerElectionTimeoutMs).
  Result<Version> AdmitAndTrust(const std::string& node_id, const std::string& sealing_identity,
                                const Bytes& join_payload) override {
    auto registry = RegistryWith(hooks_);
    if (!registry) return std::unexpected(registry.error());
    auto dir = UnusedDir(service_dir_, kJoinerDirPrefix);
    if (!dir) return std::unexpected(dir.error());
    auto config = NodeConfigFor(node_id, *dir);
    if (!config) return std::unexpected(config.error());
    config->join_address = leader_->config().rpc_address;
    config->sealing.sealing_identity = sealing_identity;
    config->raft.election_timeout_ms = kJoinerElectionTimeoutMs;
    auto joiner =
        InProcessNode::Start(std::move(*config), node::StartMode::kStart, std::move(*registry), join_payload);
    if (!joiner) return std::unexpected(joiner.error());
    joiners_.push_back(std::move(*joiner));
    auto trusted = leader_->client().Trust(node_id);
    if (!trusted) return std::unexpected(trusted.error());
    return Committed(trusted->version());
  }

  // The Retire RPC; a joiner of this host is then stopped (it confirmed its
  // retirement and left Raft: its process has no part in the service).
  Result<Version> Retire(const std::string& node_id) override {
    auto retired = leader_->client().Retire(node_id);
    if (!retired) return std::unexpected(retired.error());
    for (auto it = joiners_.begin(); it != joiners_.end(); ++it) {
      if ((*it)->config().node_id != node_id) continue;
      ReportJoinerStop(**it, (*it)->Stop());
      joiners_.erase(it);
      break;
    }
    return Committed(retired->version());
  }

  Result<Version> LastVersion() override {
    auto status = leader_->client().GetStatus();
    if (!status) return std::unexpected(status.error());
    return status->applied_version();
  }

  // The service id the leader reported when it became ready: a service
  // keeps its id until it is recovered, which makes a new HostUnderTest.
  std::string ServiceId() override { return leader_->ready_status().service_id(); }

  // Stops every node of the service together (all stop flags first, then
  // the joins: a total outage). Returns the leader's RunNode status (a
  // joiner's error is reported on stderr). Idempotent.
  Status StopAll() {
    if (leader_ == nullptr) return {};
    leader_->RequestStop();
    for (auto& joiner : joiners_) joiner->RequestStop();
    for (auto& joiner : joiners_) ReportJoinerStop(*joiner, joiner->Stop());
    joiners_.clear();
    Status status = leader_->Stop();
    leader_.reset();
    return status;
  }

  bool stopped() const { return leader_ == nullptr; }
  const fs::path& service_dir() const { return service_dir_; }
  const fs::path& leader_data_dir() const { return leader_data_dir_; }
  const Bytes& join_payload() const { return join_payload_; }

 private:
  Version Committed(Version version) {
    last_committed_ = std::max(last_committed_, version);
    return version;
  }

  static void ReportJoinerStop(const InProcessNode& joiner, const Status& status) {
    if (status) return;
    std::cerr << "joiner '" << joiner.config().node_id << "' ended with " << status.error().ToString() << "\n";
  }

  const fs::path service_dir_;
  std::unique_ptr<InProcessNode> leader_;
  const fs::path leader_data_dir_ = leader_->config().data_dir;
  const Bytes join_payload_;
  const RegisterHooks hooks_;
  std::vector<std::unique_ptr<InProcessNode>> joiners_;  // running, in admission order
  Version last_committed_ = kNoVersion;
};

// SHA-256 over the sorted entries under `root`: for each, a type tag, the
// relative path, and for a regular file its size and bytes (for a symbolic
// link, its target).
Result<std::string> FingerprintDir(const fs::path& root) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(it->path());
  }
  if (ec) return MakeError(ErrorCode::kIoError, "listing " + root.string() + ": " + ec.message());
  std::sort(entries.begin(), entries.end());

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return MakeError(ErrorCode::kInternal, "SHA-256 init failed");
  }
  bool ok = true;
  auto absorb = [&](std::string_view bytes) {
    ok = ok && EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1;
  };
  auto absorb_field = [&](std::string_view tag, std::string_view bytes) {  // length-prefixed
    absorb(tag);
    absorb(std::to_string(bytes.size()) + ":");
    absorb(bytes);
  };
  std::vector<char> chunk(kFingerprintChunkBytes);
  for (const fs::path& path : entries) {
    const std::string relative = path.lexically_relative(root).generic_string();
    const fs::file_status status = fs::symlink_status(path, ec);
    if (ec) return MakeError(ErrorCode::kIoError, "stat " + path.string() + ": " + ec.message());
    if (fs::is_directory(status)) {
      absorb_field("d", relative);
    } else if (fs::is_symlink(status)) {
      absorb_field("l", relative);
      absorb_field("t", fs::read_symlink(path, ec).string());
    } else if (fs::is_regular_file(status)) {
      absorb_field("f", relative);
      std::ifstream in(path, std::ios::binary);
      if (!in) return MakeError(ErrorCode::kIoError, "cannot open " + path.string());
      const uint64_t size = fs::file_size(path, ec);
      absorb(std::to_string(size) + ":");
      while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        absorb(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
      }
      if (!in.eof()) return MakeError(ErrorCode::kIoError, "reading " + path.string() + " failed");
    } else {
      absorb_field("o", relative);  // sockets, fifos: a name is all there is
    }
    if (ec) return MakeError(ErrorCode::kIoError, "reading " + path.string() + ": " + ec.message());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &digest_size) != 1) {
    return MakeError(ErrorCode::kInternal, "SHA-256 failed");
  }
  return ToHex(ByteView(digest, digest_size));
}

// What Stop leaves: the service's directory (every node's data) and what
// recovering it needs.
class ReferenceStoppedHost final : public StoppedHost {
 public:
  ReferenceStoppedHost(fs::path service_dir, fs::path leader_data_dir, Bytes join_payload)
      : service_dir_(std::move(service_dir)),
        leader_data_dir_(std::move(leader_data_dir)),
        join_payload_(std::move(join_payload)) {}

  Result<std::string> Fingerprint() const override { return FingerprintDir(service_dir_); }

  const fs::path& service_dir() const { return service_dir_; }
  const fs::path& leader_data_dir() const { return leader_data_dir_; }
  const Bytes& join_payload() const { return join_payload_; }

 private:
  fs::path service_dir_;
  fs::path leader_data_dir_;
  Bytes join_payload_;
};

}  // namespace

Result<std::unique_ptr<HostUnderTest>> ReferenceHostFactory::StartService(const RegisterHooks& hooks,
                                                                          const Bytes& genesis_join_payload) {
  auto registry = RegistryWith(hooks);
  if (!registry) return std::unexpected(registry.error());
  if (root_.empty()) root_ = ledgerseal::testing::TestDir();
  auto service_dir = UnusedDir(root_, "service-");
  if (!service_dir) return std::unexpected(service_dir.error());
  auto config = NodeConfigFor(std::string(kGenesisNodeId), *service_dir / kGenesisDir);
  if (!config) return std::unexpected(config.error());
  auto node = InProcessNode::Start(std::move(*config), node::StartMode::kStart, std::move(*registry),
                                   genesis_join_payload);
  if (!node) return std::unexpected(node.error());
  return std::make_unique<ReferenceHost>(*service_dir, std::move(*node), genesis_join_payload, hooks);
}

Result<std::unique_ptr<StoppedHost>> ReferenceHostFactory::Stop(std::unique_ptr<HostUnderTest> host) {
  auto* reference = dynamic_cast<ReferenceHost*>(host.get());
  if (reference == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "Stop: not a host of the ReferenceHostFactory");
  }
  if (reference->stopped()) return MakeError(ErrorCode::kInvalidArgument, "Stop: this host was stopped already");
  auto stopped = std::make_unique<ReferenceStoppedHost>(reference->service_dir(), reference->leader_data_dir(),
                                                        reference->join_payload());
  if (auto ran = reference->StopAll(); !ran) return std::unexpected(ran.error());
  return stopped;
}

Result<std::unique_ptr<HostUnderTest>> ReferenceHostFactory::Recover(StoppedHost& stopped,
                                                                     const RegisterHooks& hooks) {
  auto* reference = dynamic_cast<ReferenceStoppedHost*>(&stopped);
  if (reference == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "Recover: not a host stopped by the ReferenceHostFactory");
  }
  auto registry = RegistryWith(hooks);
  if (!registry) return std::unexpected(registry.error());
  // The genesis node recovers from its own ledger, on new ports (as a
  // restarted machine may have them; the old ones may linger in TIME_WAIT),
  // presenting what it presented before.
  auto config = NodeConfigFor(std::string(kGenesisNodeId), reference->leader_data_dir());
  if (!config) return std::unexpected(config.error());
  auto node = InProcessNode::Start(std::move(*config), node::StartMode::kRecover, std::move(*registry),
                                   reference->join_payload());
  if (!node) return std::unexpected(node.error());
  return std::make_unique<ReferenceHost>(reference->service_dir(), std::move(*node), reference->join_payload(),
                                         hooks);
}

}  // namespace ledgerseal::kv::conformance
