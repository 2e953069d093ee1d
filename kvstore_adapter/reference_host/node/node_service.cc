#include "kvstore_adapter/reference_host/node/node_service.h"

#include <algorithm>
#include <chrono>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/node/join_secrets.h"
#include "kvstore_adapter/reference_host/node/table_access.h"
#include "kvstore_adapter/reference_host/node/voter_health.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"
#include "kvstore_adapter/reference_host/rpc/public/status_convert.h"

namespace ledgerseal::kv::node {
namespace {

namespace pb = ::ledgerseal::ledger::v1;
namespace v1 = ::ledgerseal::rpc::v1;

using Clock = std::chrono::steady_clock;

// A read waiting for min_version looks again this often (the wait itself is
// bounded by NodeServiceDeps::read_wait_ms).
constexpr std::chrono::milliseconds kReadPollMs{2};
// Raft allows one configuration change at a time: a change refused because
// another is in progress is asked again this often, and the whole change
// (turns and Raft's own work, e.g. catching a joiner up) gets this budget —
// longer than a joiner waits to become a voter (join.cc), so a promotion
// it could still use is never given up first.
constexpr std::chrono::milliseconds kConfigChangeRetryPauseMs{250};
constexpr std::chrono::milliseconds kConfigChangeBudgetMs{60'000};
// How often a wait for a Raft future looks at the stop flag (a future
// cannot wake on BeginStop).
constexpr std::chrono::milliseconds kRaftFuturePollMs{50};
// Retiring a node waits this long for it to confirm it applied its
// retirement, asking every kRetireConfirmPollMs.
constexpr std::chrono::milliseconds kRetireConfirmWaitMs{5'000};
constexpr std::chrono::milliseconds kRetireConfirmPollMs{20};

v1::Response Invalid(std::string message) {
  return rpc::ErrorResponse({ErrorCode::kInvalidArgument, std::move(message)});
}

}  // namespace

NodeService::~NodeService() { Stop(); }

void NodeService::BeginStop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
}

bool NodeService::Stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

bool NodeService::PauseUnlessStopping(std::chrono::milliseconds pause) {
  std::unique_lock lock(mu_);
  return !stop_cv_.wait_for(lock, pause, [this] { return stopping_; });
}

void NodeService::Stop() {
  BeginStop();
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

v1::Response NodeService::Handle(const v1::Request& request) {
  if (request.request_id().empty() || !rpc::IsMutatingRequest(request)) return Execute(request);
  return dedup_.Run(request.request_id(), [&] { return Execute(request); });
}

v1::Response NodeService::Execute(const v1::Request& request) {
  switch (request.body_case()) {
    case v1::Request::kPut: return Put(request.put());
    case v1::Request::kGet: return Get(request.get());
    case v1::Request::kRotate: return Rotate(request.rotate());
    case v1::Request::kJoin: return Join(request.join());
    case v1::Request::kTrust: return SetStatus(request.trust().node_id(), false);
    case v1::Request::kRetire: return SetStatus(request.retire().node_id(), true);
    case v1::Request::kStatus: return DescribeNode(request.status());
    case v1::Request::kFetchEntries: return FetchEntries(request.fetch_entries());
    case v1::Request::kRecoveryInput:
      return Invalid("this node is serving its service, not recovering: recovery input (a member's share) is for "
                     "a node started with --recover that waits for it");
    case v1::Request::kRecoveryClaim: {
      v1::Response response;
      auto* refusal = response.mutable_recovery_claim_refusal();
      refusal->set_reason(v1::RecoveryClaimRefusal::SERVING);
      refusal->set_detail("this node is serving its service, not recovering: it makes no recovery claim");
      return response;
    }
    case v1::Request::BODY_NOT_SET: break;
  }
  return Invalid("empty request");
}

// The record of the node Raft currently names leader (not retired).
std::optional<pb::NodeInfo> NodeService::LeaderRecord() {
  const auto leader = deps_.raft->Leader();
  if (!leader) return std::nullopt;
  auto tx = deps_.host->BeginTransaction();
  if (!tx) return std::nullopt;
  auto nodes = membership::ListNodes(**tx);
  if (!nodes) return std::nullopt;
  for (auto& n : *nodes) {
    if (n.raft_id() == leader->id && n.status() != pb::NodeInfo::RETIRED) return std::move(n);
  }
  return std::nullopt;
}

std::optional<std::string> NodeService::LeaderRpcAddress() {
  auto leader = LeaderRecord();
  if (!leader) return std::nullopt;
  return leader->rpc_address();
}

v1::Response NodeService::Failure(const Error& error) {
  if (error.code == ErrorCode::kNotPrimary) {
    return rpc::NotPrimaryResponse(error.message, LeaderRpcAddress());
  }
  return rpc::ErrorResponse(error);
}

v1::Response NodeService::Put(const v1::PutRequest& put) {
  if (put.writes().empty()) return Invalid("a transaction needs at least one write");
  const auto tables = deps_.store->tables();
  for (const v1::Write& w : put.writes()) {
    if (auto s = CheckClientWrite(w, tables); !s) return rpc::ErrorResponse(s.error());
  }
  // Blind writes: built in the commit queue's turn, so a write never loses
  // a version race (and never needs a retry).
  auto version = deps_.host->CommitInOrder(
      [&put](Transaction& tx) -> Status {
        for (const v1::Write& w : put.writes()) {
          const Table table{w.table(), w.private_domain() ? Domain::kPrivate : Domain::kPublic};
          auto s = w.remove() ? tx.Remove(table, AsBytes(w.key())) : tx.Put(table, AsBytes(w.key()), AsBytes(w.value()));
          if (!s) return s;
        }
        return {};
      },
      {});
  if (!version) return Failure(version.error());
  v1::Response response;
  response.mutable_put()->set_version(*version);
  return response;
}

v1::Response NodeService::Get(const v1::GetRequest& get) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(deps_.read_wait_ms);
  while (deps_.store->applied_version() < get.min_version()) {
    if (Clock::now() > deadline) {
      return rpc::ErrorResponse(
          {ErrorCode::kUnavailable, "this node has applied version " +
                                        std::to_string(deps_.store->applied_version()) +
                                        ", not yet " + std::to_string(get.min_version())});
    }
    // The RPC server waits for this handler when the node stops.
    if (!PauseUnlessStopping(kReadPollMs)) {
      return rpc::ErrorResponse({ErrorCode::kUnavailable, "this node is stopping"});
    }
  }
  if (!IsValidTableName(get.table())) return Invalid("invalid table name '" + get.table() + "'");
  // The host's private tables hold keys (the service identity's private
  // key): never readable through the RPC interface.
  if (IsHostPrivate(get.table(), deps_.store->tables())) {
    return Invalid("table '" + get.table() + "' is private to the host and cannot be read");
  }
  auto snapshot = deps_.store->Snapshot();
  auto value = snapshot->Get(get.table(), AsBytes(get.key()));
  if (!value) return rpc::ErrorResponse(value.error());
  v1::Response response;
  auto* out = response.mutable_get();
  out->set_found(value->has_value());
  if (*value) out->set_value((*value)->data(), (*value)->size());
  out->set_version(snapshot->version());
  return response;
}

v1::Response NodeService::Rotate(const v1::RotateRequest& rotate) {
  ServiceCommitOptions options{.rotate_secret = true};
  if (!rotate.plugin().empty()) options.plugin_request = PluginRequest{rotate.plugin(), ToBytes(rotate.plugin_request())};
  // In the commit queue's turn: a rotation waits behind the writes ahead of
  // it instead of aborting when one of them commits first.
  auto version = deps_.host->CommitInOrder([](Transaction&) -> Status { return {}; }, options);
  if (!version) return Failure(version.error());
  v1::Response response;
  response.mutable_rotate()->set_version(*version);
  response.mutable_rotate()->set_ledger_secret_version(deps_.secrets->latest_version());
  return response;
}

v1::Response NodeService::Join(const v1::JoinRequest& join) {
  if (!membership::IsValidNodeId(join.node_id())) {
    return Invalid("invalid node id '" + join.node_id() + "'");
  }
  if (join.raft_address().empty() || join.rpc_address().empty()) {
    return Invalid("a joiner must give its raft and rpc addresses");
  }
  auto joiner_key = crypto::RsaPublicKey::FromDer(AsBytes(join.encryption_public_key_der()));
  if (!joiner_key) return Invalid("the joiner's encryption key does not parse: " + joiner_key.error().ToString());
  uint64_t raft_id = 0;
  ServiceCommitOptions options;
  options.joining_node = NodeMember{join.node_id(), join.sealing_identity(), ToBytes(join.sealed_recovery_key())};
  // Checked and written in the commit queue's turn: what was checked is
  // still true when it commits, and client writes cannot make it abort.
  auto version = deps_.host->CommitInOrder(
      [&](Transaction& tx) -> Status {
        auto existing = membership::GetNode(tx, join.node_id());
        // A node retired by a recovery (not by an operator) may rejoin under
        // its id (coordinated recovery: the nodes that did not open join the
        // one that did). Its record is replaced: its old keys died with its
        // process.
        const bool retired_by_recovery = existing && existing->status() == pb::NodeInfo::RETIRED &&
                                         existing->retired_by_recovery();
        if (existing && !retired_by_recovery) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "node id '" + join.node_id() + "' is already " +
                               std::string(membership::StatusName(existing->status())) +
                               " in this service; a node that lost its keys joins under a new id");
        }
        if (!existing && existing.error().code != ErrorCode::kNotFound) return std::unexpected(existing.error());
        // A sealing identity names one live node (docs/ARCHITECTURE.md, "Known
        // gaps"): a second claim would take over the first node's sealed key row.
        if (!join.sealing_identity().empty()) {
          auto nodes = membership::ListNodes(tx);
          if (!nodes) return std::unexpected(nodes.error());
          for (const auto& n : *nodes) {
            if (n.status() != pb::NodeInfo::RETIRED && n.sealing_identity() == join.sealing_identity()) {
              return MakeError(ErrorCode::kInvalidArgument,
                               "sealing identity '" + join.sealing_identity() + "' belongs to node '" +
                                   n.node_id() + "' (" + std::string(membership::StatusName(n.status())) +
                                   "); retire it first");
            }
          }
        }
        auto next_id = membership::NextRaftId(tx);
        if (!next_id) return std::unexpected(next_id.error());
        raft_id = *next_id;
        pb::NodeInfo info;
        info.set_node_id(join.node_id());
        info.set_raft_id(raft_id);
        info.set_raft_address(join.raft_address());
        info.set_rpc_address(join.rpc_address());
        info.set_encryption_public_key_der(join.encryption_public_key_der());
        info.set_sealing_identity(join.sealing_identity());
        info.set_status(pb::NodeInfo::PENDING);
        info.set_admitted_at_version(tx.read_version() + 1);
        info.set_service_id(deps_.host->service_id());
        info.set_join_payload(join.sealed_recovery_key());
        return membership::PutNode(tx, info);
      },
      options);
  if (!version) return Failure(version.error());

  // After the admission committed: the joiner is then a recipient of every
  // later rotation, and this hands it every earlier secret.
  auto sealed = EncryptJoinSecrets(*deps_.random, *joiner_key, join.node_id(), *deps_.secrets);
  if (!sealed) return Failure(sealed.error());
  v1::Response response;
  auto* out = response.mutable_join();
  out->set_raft_id(raft_id);
  out->set_service_id(deps_.host->service_id());
  out->set_encrypted_secrets(sealed->data(), sealed->size());
  out->set_version(*version);
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      workers_.emplace_back([this, id = raft_id, address = join.raft_address(),
                             node_id = join.node_id()] { AddVoter(id, address, node_id); });
    }
  }
  return response;
}

// Raft allows one configuration change at a time, so a change arriving
// while another (e.g. a joiner being caught up) is in progress is retried
// until it gets its turn: every kConfigChangeRetryPauseMs, all within
// kConfigChangeBudgetMs. Gives up within kRaftFuturePollMs of BeginStop, so a
// background AddVoter never holds up Stop (Raft stops after this service).
// A change given up may still complete in Raft.
Status NodeService::ChangeConfiguration(const std::function<std::future<Status>()>& change) {
  const auto deadline = Clock::now() + kConfigChangeBudgetMs;
  const std::string budget = std::to_string(kConfigChangeBudgetMs.count()) + " ms";
  Status done = MakeError(ErrorCode::kUnavailable, "raft configuration change: no turn within " + budget);
  while (Clock::now() < deadline) {
    std::future<Status> pending = change();
    while (pending.wait_for(kRaftFuturePollMs) != std::future_status::ready) {
      if (Stopping()) return MakeError(ErrorCode::kUnavailable, "this node is stopping");
      if (Clock::now() > deadline) {
        return MakeError(ErrorCode::kUnavailable, "raft did not finish the configuration change within " + budget);
      }
    }
    done = pending.get();
    if (done || done.error().code != ErrorCode::kUnavailable) return done;
    if (!PauseUnlessStopping(kConfigChangeRetryPauseMs)) return done;
  }
  return done;
}

void NodeService::AddVoter(uint64_t raft_id, const std::string& address, const std::string& node_id) {
  auto added = ChangeConfiguration([&] { return deps_.raft->AddVoter(raft_id, address); });
  deps_.log(added ? "node '" + node_id + "' is a raft voter"
                  : "adding node '" + node_id + "' to raft failed: " + added.error().ToString());
}

v1::Response NodeService::SetStatus(const std::string& node_id, bool retire) {
  pb::NodeInfo info;
  // Retiring also rotates the ledger secret in the same transaction: the new
  // secret goes to every node not retired, and the sealing hook seals it
  // for the remaining trusted nodes only, so nothing committed after the
  // retirement is under a secret the retired node (or its older shares)
  // can open. The entry itself is still under the old secret, so the
  // retired node can apply its own retirement. In the commit queue's turn,
  // as rotations are.
  auto version = deps_.host->CommitInOrder(
      [&](Transaction& tx) -> Status {
        auto found = membership::GetNode(tx, node_id);
        if (!found) return std::unexpected(found.error());
        if (found->status() == pb::NodeInfo::RETIRED) {
          return MakeError(ErrorCode::kInvalidArgument, "node '" + node_id + "' is retired");
        }
        info = std::move(*found);
        info.set_status(retire ? pb::NodeInfo::RETIRED : pb::NodeInfo::TRUSTED);
        return membership::PutNode(tx, info);
      },
      {.rotate_secret = retire, .trusted_nodes_changed = true});
  if (!version) return Failure(version.error());
  if (retire) {
    // Raft stops replicating to a removed node as soon as the removal is
    // appended, so first give it the chance to apply its retirement.
    AwaitApplied(info, *version);
    auto removed = ChangeConfiguration([&] { return deps_.raft->Remove(info.raft_id()); });
    if (!removed) {
      return Failure({removed.error().code, "node '" + node_id + "' is retired at version " +
                                                std::to_string(*version) +
                                                " but leaving raft failed: " + removed.error().message});
    }
  }
  v1::Response response;
  response.mutable_membership()->set_version(*version);
  return response;
}

// Bounded: a node that refuses connections (it is down), or has not
// confirmed within the budget, is removed anyway (its ledger then ends before
// its retirement; see docs/REFERENCE_HOST.md). A slow or lost reply is only
// a reason to ask again.
void NodeService::AwaitApplied(const pb::NodeInfo& node, Version version) {
  rpc::RpcClient client(node.rpc_address(), {.connect_timeout_ms = 500, .request_timeout_ms = 1000,
                                             .max_redirects = 0});
  const auto deadline = Clock::now() + kRetireConfirmWaitMs;
  std::string why = "no confirmation within " + std::to_string(kRetireConfirmWaitMs.count() / 1000) + " s";
  while (Clock::now() < deadline) {
    auto status = client.GetStatus();
    if (status && status->applied_version() >= version) {
      deps_.log("node '" + node.node_id() + "' applied its retirement (version " +
                std::to_string(version) + ")");
      return;
    }
    if (!status && rpc::IsConnectionRefused(status.error())) {
      why = "it is down: " + status.error().message;
      break;
    }
    if (!PauseUnlessStopping(kRetireConfirmPollMs)) {
      why = "this node is stopping";
      break;
    }
  }
  deps_.log("node '" + node.node_id() + "' did not confirm its retirement at version " +
            std::to_string(version) + " (" + why + "); removing it from raft anyway");
}

v1::Response NodeService::FetchEntries(const v1::FetchEntriesRequest& fetch) {
  constexpr uint32_t kDefaultMaxBytes = 4u << 20;
  const uint64_t max_bytes = fetch.max_bytes() == 0 ? kDefaultMaxBytes : fetch.max_bytes();
  auto view = ledger::LedgerView::Open(deps_.ledger_dir);
  if (!view) return Failure(view.error());
  v1::Response response;
  auto* out = response.mutable_fetch_entries();
  out->set_last_version((*view)->last_version());
  if (fetch.from_version() > (*view)->last_version()) return response;
  uint64_t bytes = 0;
  auto walked = (*view)->ForEach(fetch.from_version(), [&](Version, ByteView entry) {
    out->add_entries(entry.data(), entry.size());
    bytes += entry.size();
    return bytes < max_bytes;
  });
  if (!walked) return Failure(walked.error());
  return response;
}

v1::Response NodeService::DescribeNode(const v1::StatusRequest& request) {
  v1::Response response;
  auto* out = response.mutable_status_response();
  out->set_node_id(deps_.host->node().node_id);
  out->set_raft_id(deps_.raft->id());
  out->set_is_leader(deps_.raft->IsLeader());
  out->set_term(deps_.raft->term());
  out->set_applied_version(deps_.store->applied_version());
  out->set_ledger_secret_version(deps_.secrets->latest_version());
  out->set_service_id(deps_.host->service_id());
  for (uint64_t id : deps_.raft->Voters()) out->add_voter_raft_ids(id);
  if (auto tx = deps_.host->BeginTransaction()) {
    if (auto service = membership::GetService(**tx); service && *service) {
      out->set_service_identity_algorithm((*service)->identity_algorithm());
      out->set_service_identity_public_key_der((*service)->identity_public_key_der());
      out->set_previous_service_id((*service)->previous_service_id());
      out->set_service_record((*service)->SerializeAsString());
    }
    if (auto services = membership::ListServices(**tx)) {
      for (const auto& record : *services) out->add_service_chain(record.SerializeAsString());
    }
  }
  if (const auto leader = LeaderRecord()) {
    out->set_leader_node_id(leader->node_id());
    out->set_leader_rpc_address(leader->rpc_address());
  }
  if (request.include_voters()) {
    auto tx = deps_.host->BeginTransaction();
    auto nodes = tx ? membership::ListNodes(**tx) : std::unexpected(tx.error());
    const std::vector<uint64_t> voters(out->voter_raft_ids().begin(), out->voter_raft_ids().end());
    for (auto& v : GatherVoterStatus({out->node_id(), out->service_id(), out->applied_version()}, out->raft_id(),
                                     voters, nodes ? *nodes : std::vector<pb::NodeInfo>())) {
      *out->add_voters() = std::move(v);
    }
  }
  return response;
}

}  // namespace ledgerseal::kv::node
