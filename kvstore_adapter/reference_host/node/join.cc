// Joining a service: ask its primary for admission (it answers with the
// ledger secrets, encrypted to this node's key), copy and verify its ledger
// up to the admitting entry, start Raft without a configuration of our own,
// and report ready once the leader made this node a voter.
#include <algorithm>

#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/node/join_secrets.h"
#include "kvstore_adapter/reference_host/node/node.h"

namespace ledgerseal::kv::node {
namespace {

// Reaching a primary to join: it may be electing, or busy with another
// membership change, for a while.
constexpr std::chrono::milliseconds kJoinTimeoutMs{30'000};
constexpr std::chrono::milliseconds kJoinRetryPauseMs{200};
constexpr uint32_t kFetchBatchBytes = 4u << 20;
// The ledger copy has no limit on its total time: a large ledger is fetched,
// verified and applied entry by entry (about 1.5 MB/s with synced writes,
// BENCHMARKS.md), so a 1 GB ledger takes over ten minutes and a total cap
// would fail joins that are progressing. What bounds it is this stall limit:
// caught up with what the service has written but still short of the entry
// that admitted this node, the service writes that entry soon after it
// commits, so this long without a new entry means the service lost it (e.g.
// a leader change dropped the admission). The stop flag ends it at once.
constexpr std::chrono::milliseconds kLedgerCopyStallMs{30'000};
constexpr std::chrono::milliseconds kLedgerCopyPollMs{20};
// The leader promotes a joiner after a catch-up round; see WaitUntilVoter.
constexpr std::chrono::milliseconds kVoterWaitMs{45'000};
constexpr std::chrono::milliseconds kVoterPollMs{10};

bool IsTransient(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kNotPrimary || code == ErrorCode::kAborted;
}

}  // namespace

Status Node::JoinService() {
  if (auto s = OpenStore(); !s) return s;
  if (auto s = OpenStateMachine(); !s) return s;
  rpc::RpcClient client(join_address_);
  // Learn, then seal, then join (docs/SERVICE_IDENTITY.md §2): the payload
  // is bound to the identity of the service this node is about to serve, so
  // no unbound payload is ever written anywhere.
  auto identity = LearnServiceIdentity(client);
  if (!identity) return std::unexpected(identity.error());
  // A node that lost a coordinated recovery checked the successor's record
  // before it moved anything; the service answering now must be that one
  // (the status is the host's to forge) before this node seals or joins.
  if (follow_ && identity->public_key_der != follow_->successor.identity_public_key_der) {
    return MakeError(ErrorCode::kCorruption, "the service at " + join_address_ + " announces identity " +
                                                 identity->service_id + ", not service " +
                                                 follow_->successor.service_id +
                                                 " whose endorsed record this node checked; not joining it");
  }
  auto payload = JoinPayloadFor(*identity);
  if (!payload) return std::unexpected(payload.error());
  auto joined = AskToJoin(client, *payload);
  if (!joined) return std::unexpected(joined.error());
  if (joined->service_id() != identity->service_id) {
    return MakeError(ErrorCode::kUnavailable, "the service at " + join_address_ + " announced service " +
                                                  identity->service_id + " but admitted this node to " +
                                                  joined->service_id() + " (it recovered meanwhile?); join again");
  }
  auto secrets = DecryptJoinSecrets(*key_, c_.node_id, AsBytes(joined->encrypted_secrets()));
  if (!secrets) return std::unexpected(secrets.error());
  for (auto& s : *secrets) {
    if (s.version == secrets->back().version) KeepInsecureTestSecret(s.version, s.secret);
    if (auto added = secrets_.Add(s.version, std::move(s.secret)); !added) return added;
  }
  host_->SetServiceId(joined->service_id());
  const auto start = Clock::now();
  if (auto s = CopyLedger(client, joined->version()); !s) return s;
  if (auto s = CheckCopiedService(*identity); !s) return s;
  Log("copied the ledger to version " + std::to_string(sm_->applied_version()) + " in " +
      std::to_string(static_cast<int>(MsSince(start))) + " ms");
  if (auto s = StartRaft(joined->raft_id(), /*bootstrap=*/false); !s) return s;
  Log("joined service " + joined->service_id() + " as raft id " + std::to_string(joined->raft_id()));
  return WaitUntilVoter(joined->raft_id());
}

// Retries transient refusals for kJoinTimeoutMs, every kJoinRetryPauseMs;
// the Join call in flight is itself bounded by the RPC client's request
// timeout. Any other error ends the join at once.
// Bounded like AskToJoin: transient failures are retried for kJoinTimeoutMs.
Result<ServiceIdentity> Node::LearnServiceIdentity(rpc::RpcClient& client) {
  const auto deadline = Clock::now() + kJoinTimeoutMs;
  auto status = client.GetStatus();
  while ((!status && IsTransient(status.error().code) && Clock::now() <= deadline) ||
         (status && status->service_id().empty() && Clock::now() <= deadline)) {  // before its genesis
    if (!SleepUnlessStopped(*o_.stop, kJoinRetryPauseMs)) {
      return MakeError(ErrorCode::kUnavailable, "stopped while joining via " + join_address_);
    }
    status = client.GetStatus();
  }
  const std::string from = "joining via " + join_address_ + ": the service";
  if (!status) {
    return MakeError(status.error().code, "joining via " + join_address_ + ": asking for the service identity: " +
                                              status.error().message);
  }
  if (status->service_identity_public_key_der().empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     from + " announces no service identity (a format 1 service, or one that has not started): "
                            "this build joins only services with an identity");
  }
  auto identity = ServiceIdentityFromPublicKey(status->service_identity_algorithm(),
                                               AsBytes(status->service_identity_public_key_der()));
  if (!identity) return MakeError(ErrorCode::kInvalidArgument, from + ": " + identity.error().message);
  if (identity->service_id != status->service_id()) {
    return MakeError(ErrorCode::kInvalidArgument, from + " announces service " + status->service_id() +
                                                      " with the identity of service " + identity->service_id);
  }
  if (!c_.expected_service_identity.empty() && identity->service_id != c_.expected_service_identity) {
    return MakeError(ErrorCode::kInvalidArgument, from + " is service " + identity->service_id +
                                                      ", not the expected_service_identity " +
                                                      c_.expected_service_identity);
  }
  Log("joining service " + identity->service_id);
  return identity;
}

// The copy authenticated every entry under the secrets the primary sent;
// its ledger.service record is the service's own word on its identity.
Status Node::CheckCopiedService(const ServiceIdentity& identity) {
  auto tx = host_->BeginTransaction();
  if (!tx) return std::unexpected(tx.error());
  auto service = membership::GetService(**tx);
  if (!service) return std::unexpected(service.error());
  if (!*service || (*service)->identity_public_key_der() != AsString(identity.public_key_der)) {
    return MakeError(ErrorCode::kCorruption,
                     "the copied ledger's service is " + (*service ? (*service)->service_id() : std::string("none")) +
                         ", not service " + identity.service_id + " this node sealed its recovery key for");
  }
  // A node that lost a coordinated recovery joins only a successor of the
  // service its own ledger ended in, endorsed by that service's identity
  // (which no host has), that recovered at least what this node's ledger
  // holds: a longer ledger is never given up for a shorter one.
  if (follow_) {
    const ServiceRecord successor = membership::ToServiceRecord(**service);
    if (auto s = VerifyServiceRecord(&follow_->previous_service, successor, successor.created_at_version,
                                     successor.recovered_tail_digest);
        !s) {
      return MakeError(ErrorCode::kCorruption, "the service at " + join_address_ + " (" + successor.service_id +
                                                   ") is not a successor endorsed by service " +
                                                   follow_->previous_service.service_id + ": " +
                                                   s.error().message + "; not joining it");
    }
    if (successor.recovered_to_version < follow_->own_last_version ||
        (successor.recovered_to_version == follow_->own_last_version &&
         successor.recovered_tail_digest != follow_->own_last_digest)) {
      return MakeError(ErrorCode::kRecoveryFailed,
                       "longer_ledger: service " + successor.service_id + " was recovered from version " +
                           std::to_string(successor.recovered_to_version) + ", but this node's ledger holds " +
                           std::to_string(follow_->own_last_version) +
                           (successor.recovered_to_version == follow_->own_last_version
                                ? " with another last entry"
                                : "") +
                           ": not joining it (recover from this node's ledger instead)");
    }
    // And this node's last entry is in the copy (same history, not only
    // as long), compared as CopyLedger verified it.
    if (copied_own_last_digest_ != follow_->own_last_digest) {
      return MakeError(ErrorCode::kRecoveryFailed,
                       "conflicting_histories: the copied ledger of service " + successor.service_id +
                           " holds another entry at version " + std::to_string(follow_->own_last_version) +
                           " than this node's ledger: not joining it; a person must decide (ledgerseal inspect)");
    }
  }
  return {};
}

Result<rpc::v1::JoinResponse> Node::AskToJoin(rpc::RpcClient& client, const Bytes& join_payload) {
  rpc::v1::JoinRequest join;
  join.set_node_id(c_.node_id);
  join.set_raft_address(c_.raft_address);
  join.set_rpc_address(c_.rpc_address);
  auto der = key_->PublicKeyDer();
  if (!der) return MakeError(ErrorCode::kInternal, "exporting the node key");
  join.set_encryption_public_key_der(der->data(), der->size());
  join.set_sealing_identity(c_.sealing.sealing_identity);
  join.set_sealed_recovery_key(join_payload.data(), join_payload.size());
  const auto deadline = Clock::now() + kJoinTimeoutMs;
  auto response = client.Join(join);
  while (!response && IsTransient(response.error().code) && Clock::now() <= deadline) {
    if (!SleepUnlessStopped(*o_.stop, kJoinRetryPauseMs)) {
      return MakeError(ErrorCode::kUnavailable, "stopped while joining via " + join_address_);
    }
    response = client.Join(join);
  }
  if (!response) {
    return MakeError(response.error().code, "joining via " + join_address_ + ": " + response.error().message);
  }
  return response;
}

// Copies the ledger from the service, verifying and applying each entry,
// up to at least `admitted_at`. No total time limit (a large ledger takes
// as long as it takes); kLedgerCopyStallMs without a new entry while short
// of `admitted_at` ends it with kUnavailable naming the peer and both
// versions. Looks at the stop flag between batches (one FetchEntries call in
// flight is bounded by the RPC client).
Status Node::CopyLedger(rpc::RpcClient& client, Version admitted_at) {
  const std::string from = "copying the ledger from " + join_address_;
  auto short_of = [&] {
    return "at version " + std::to_string(sm_->applied_version()) + ", short of version " +
           std::to_string(admitted_at) + " that admitted this node";
  };
  auto last_entry = Clock::now();
  // Each pass applies at least one new verified entry, returns, or waits
  // kLedgerCopyPollMs towards the stall limit (only a new entry resets it):
  // the loop runs only while the copy progresses, and the stop flag ends it.
  for (;;) {
    if (Stopping()) return MakeError(ErrorCode::kUnavailable, "stopped while " + from);
    auto batch = client.FetchEntries(sm_->applied_version() + 1, kFetchBatchBytes);
    if (!batch) return std::unexpected(batch.error());
    for (const auto& entry : batch->entries()) {
      auto outcome = sm_->Apply(AsBytes(entry));
      if (!outcome) return std::unexpected(outcome.error());
      if (outcome->result != ApplyResult::kApplied) {
        return MakeError(ErrorCode::kCorruption,
                         "the service sent entry " + std::to_string(outcome->version) + " out of order");
      }
      // Following a coordinated recovery: the digest of the entry at this
      // node's own last version, as Apply verified it and computed it for
      // the chain (not read back from a disk the host could rewrite), for
      // CheckCopiedService.
      if (follow_ && outcome->version == follow_->own_last_version) {
        const auto applied = sm_->last_entry();
        if (applied.version != outcome->version || !applied.digest) {
          return MakeError(ErrorCode::kInternal, "the state machine did not record the digest of entry " +
                                                     std::to_string(outcome->version) + " it applied");
        }
        copied_own_last_digest_ = *applied.digest;
      }
    }
    if (!batch->entries().empty()) {
      last_entry = Clock::now();
      continue;  // more may follow at once
    }
    if (sm_->applied_version() >= admitted_at) return {};
    if (Clock::now() - last_entry > kLedgerCopyStallMs) {
      return MakeError(ErrorCode::kUnavailable, from + ": the service sent no new entry for " +
                                                    std::to_string(kLedgerCopyStallMs.count()) + " ms, " +
                                                    short_of());
    }
    if (!SleepUnlessStopped(*o_.stop, kLedgerCopyPollMs)) {
      return MakeError(ErrorCode::kUnavailable, "stopped while " + from);
    }
  }
}

// A joiner takes part in commits only once the leader promoted it (after
// a catch-up round), so it reports ready only then. The promotion is the
// admitting leader's background work: a leader change during it drops it,
// and this node then gives up after kVoterWaitMs, saying so.
Status Node::WaitUntilVoter(uint64_t raft_id) {
  const auto start = Clock::now();
  while (Clock::now() - start <= kVoterWaitMs) {
    const auto voters = raft_->Voters();
    if (std::find(voters.begin(), voters.end(), raft_id) != voters.end()) {
      Log("a raft voter " + std::to_string(static_cast<int>(MsSince(start))) + " ms after joining");
      return {};
    }
    if (auto fatal = raft_->fatal_error()) return std::unexpected(*fatal);
    if (!SleepUnlessStopped(*o_.stop, kVoterPollMs)) {
      return MakeError(ErrorCode::kUnavailable, "stopped before becoming a raft voter");
    }
  }
  return MakeError(ErrorCode::kUnavailable,
                   "the leader did not make this node a raft voter within " +
                       std::to_string(kVoterWaitMs.count() / 1000) +
                       " s (a leader change during the join drops the promotion; see the leader's log, "
                       "then join again with an empty data directory)");
}

Result<std::vector<Bytes>> Node::FetchFromPeers(Version from, uint32_t max_bytes) {
  // Short: a peer that does not answer is skipped for the next one, and the
  // caller's own budget bounds the whole.
  constexpr int kPeerTimeoutMs = 5'000;
  auto tx = host_->BeginTransaction();
  if (!tx) return std::unexpected(tx.error());
  auto nodes = membership::ListNodes(**tx);
  if (!nodes) return std::unexpected(nodes.error());
  std::string problems;
  for (const auto& n : *nodes) {
    if (n.node_id() == c_.node_id || n.status() == ::ledgerseal::ledger::v1::NodeInfo::RETIRED || n.rpc_address().empty()) continue;
    rpc::RpcClient client(n.rpc_address(), {.connect_timeout_ms = 1'000, .request_timeout_ms = kPeerTimeoutMs});
    auto batch = client.FetchEntries(from, max_bytes);
    if (!batch) {
      problems += (problems.empty() ? "" : "; ") + n.node_id() + ": " + batch.error().message;
      continue;
    }
    if (batch->entries().empty()) {
      problems += (problems.empty() ? "" : "; ") + n.node_id() + " ends at version " +
                  std::to_string(batch->last_version());
      continue;
    }
    std::vector<Bytes> entries;
    for (const auto& e : batch->entries()) entries.push_back(ToBytes(e));
    return entries;
  }
  return MakeError(ErrorCode::kUnavailable, "no peer supplied entry " + std::to_string(from) +
                                                (problems.empty() ? std::string(" (no peer known)") : " (" + problems + ")"));
}

}  // namespace ledgerseal::kv::node
