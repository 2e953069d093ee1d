#include "kvstore_adapter/reference_host/node/recovery_coordinator.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "base/text.h"
#include "crypto/public/random_source.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/node/node.h"
#include "kvstore_adapter/reference_host/node/recovery_rpc.h"

namespace ledgerseal::kv::node {
namespace {

namespace pb = ::ledgerseal::ledger::v1;
using coordination::Claim;

// How often the peers are asked; each request gives up after kAskTimeoutMs
// (a paused peer must not hold the round up for long).
constexpr std::chrono::milliseconds kRoundMs{200};
constexpr int kAskTimeoutMs = 1000;

pb::RecoveryDecision::Claim Evidence(const rpc::v1::RecoveryClaim& c) {
  pb::RecoveryDecision::Claim out;
  out.set_node_id(c.node_id());
  out.set_rpc_address(c.rpc_address());
  out.set_last_version(c.last_version());
  out.set_last_entry_digest(c.last_entry_digest());
  out.set_vote(c.vote());
  out.set_nonce(c.nonce());
  out.set_signature(c.signature());
  *out.mutable_configuration() = c.configuration();
  *out.mutable_service_chain() = c.service_chain();
  return out;
}

}  // namespace

Result<std::unique_ptr<RecoveryCoordinator>> RecoveryCoordinator::Make(CoordinatorOptions options,
                                                                       const RecoverResult& recovered,
                                                                       Store& scratch) {
  SnapshotTransaction tx(nullptr, scratch.Snapshot());
  auto key = membership::GetServiceKey(tx);
  if (!key) {
    return MakeError(ErrorCode::kRecoveryFailed,
                     "recovery coordination: the replayed ledger holds no service identity key: " +
                         key.error().ToString());
  }
  // Replay checked the stored key against the ledger's last service record;
  // a claim signed with it speaks for that service only.
  if (!recovered.last_service || key->identity().service_id != recovered.last_service->service_id) {
    return MakeError(ErrorCode::kRecoveryFailed,
                     "recovery coordination: the stored identity key is not the key of the service the ledger "
                     "ends in");
  }
  // Sorted: every node signs the same list alike. From the replay's
  // authenticated entries, not the scratch store read back from disk.
  const std::vector<std::string>& configuration = recovered.configuration;
  Claim self{.service_id = key->identity().service_id,
             .node_id = options.node_id,
             .rpc_address = options.rpc_address,
             .last_version = recovered.replayed_to,
             .last_entry_digest = recovered.last_entry_digest,
             .configuration = {configuration.begin(), configuration.end()},
             .service_chain = {},
             .vote = "",
             .nonce = {}};
  for (const auto& record : recovered.service_chain) {
    self.service_chain.push_back(ToBytes(membership::FromServiceRecord(record).SerializeAsString()));
  }
  auto election = coordination::Election::Make(
      std::move(self), {.min_voters = options.peers.size() + 1,
                        .wait_for_all_ms = static_cast<uint64_t>(options.wait_for_all.count())});
  if (!election) return MakeError(ErrorCode::kRecoveryFailed, "recovery coordination: " + election.error().message);
  return std::unique_ptr<RecoveryCoordinator>(
      new RecoveryCoordinator(std::move(options), std::move(*key), *recovered.last_service, std::move(*election)));
}

RecoveryCoordinator::RecoveryCoordinator(CoordinatorOptions options, ServiceKey key, ServiceRecord last_service,
                                         coordination::Election election)
    : options_(std::move(options)),
      key_(std::move(key)),
      last_service_(std::move(last_service)),
      election_(std::move(election)) {
  for (const auto& peer : options_.peers) {
    clients_[peer] = std::make_unique<rpc::RpcClient>(
        peer, rpc::RpcClientOptions{.connect_timeout_ms = kAskTimeoutMs / 2,
                                    .request_timeout_ms = kAskTimeoutMs,
                                    .max_message_bytes = kRecoveryRpcMaxBytes});
  }
}

Result<rpc::v1::RecoveryClaim> RecoveryCoordinator::Answer(std::string_view nonce) const {
  if (nonce.size() != coordination::kClaimNonceBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "a recovery claim request needs a nonce of " +
                                                      std::to_string(coordination::kClaimNonceBytes) + " bytes");
  }
  Claim claim;
  {
    std::lock_guard lock(mu_);
    claim = election_.self();
  }
  claim.nonce = ToBytes(nonce);
  return coordination::SignClaim(key_, claim);
}

std::string RecoveryCoordinator::Progress() const {
  std::lock_guard lock(mu_);
  return "coordinated recovery: " + election_.Describe() +
         (election_.voted() ? "; voted for " + election_.self().vote : "; not voted yet");
}

void RecoveryCoordinator::LogOnce(const std::string& peer, const std::string& kind, const std::string& line) {
  // Keyed by kind, not text: a peer (or a host) whose answers change every
  // round adds a line only when the kind of answer changes.
  if (last_note_[peer] == kind) return;
  last_note_[peer] = kind;
  options_.log("recovery coordination: " + line.substr(0, 400));
}

CoordinationOutcome RecoveryCoordinator::Following(const std::string& node, const std::string& address,
                                                   ServiceRecord successor) const {
  return CoordinationOutcome{.kind = CoordinationOutcome::Kind::kFollow,
                             .previous_service = last_service_,
                             .successor = std::move(successor),
                             .own_last_version = election_.self().last_version,
                             .own_last_digest = election_.self().last_entry_digest,
                             .follow_node = node,
                             .follow_address = address,
                             .decision = {}};
}

Result<ServiceRecord> RecoveryCoordinator::EndorsedSuccessor(std::string_view service_record) const {
  pb::ServiceInfo info;
  if (service_record.empty() || !info.ParseFromString(std::string(service_record))) {
    return MakeError(ErrorCode::kCorruption, "no service record");
  }
  // Only the previous identity can endorse a successor: a host cannot make
  // one up.
  ServiceRecord record = membership::ToServiceRecord(info);
  if (auto s = VerifyServiceRecord(&last_service_, record, record.created_at_version, record.recovered_tail_digest);
      !s) {
    return MakeError(ErrorCode::kCorruption,
                     "not endorsed by service " + last_service_.service_id + " (" + s.error().message + ")");
  }
  return record;
}

std::optional<std::string> RecoveryCoordinator::CheckSuccessor(std::string_view service_record,
                                                               ServiceRecord& checked) const {
  auto record = EndorsedSuccessor(service_record);
  if (!record) return "its service record is " + record.error().message;
  const Claim& self = election_.self();
  if (record->recovered_to_version < self.last_version ||
      (record->recovered_to_version == self.last_version &&
       record->recovered_tail_digest != self.last_entry_digest)) {
    return "longer_ledger: service " + record->service_id + " was recovered from version " +
           std::to_string(record->recovered_to_version) + ", but this node's ledger holds " +
           std::to_string(self.last_version) +
           (record->recovered_to_version == self.last_version ? " with another last entry" : "") +
           ": not joining it; nothing was written here (recover from this node's ledger)";
  }
  checked = std::move(*record);
  return std::nullopt;
}

std::optional<std::string> RecoveryCoordinator::SuccessorIn(
    const google::protobuf::RepeatedPtrField<std::string>& service_chain, const std::string& holder,
    const std::string& holder_service) const {
  // Bounded: each record costs a signature check.
  if (static_cast<size_t>(service_chain.size()) > coordination::kMaxClaimNodes) return std::nullopt;
  for (const auto& bytes : service_chain) {
    auto record = EndorsedSuccessor(bytes);
    if (!record) continue;
    return "already_recovered: this service (" + last_service_.service_id + ") was recovered at version " +
           std::to_string(record->recovered_to_version) + " into service " + record->service_id +
           " (endorsed by it); " + holder.substr(0, 64) + " holds service " + holder_service.substr(0, 64) +
           ", its descendant. A second recovery of this service would fork it: recover " +
           holder_service.substr(0, 64) + " (its nodes with --recover) and let this node join that service; "
           "nothing was written here";
  }
  return std::nullopt;
}

std::optional<Result<CoordinationOutcome>> RecoveryCoordinator::Ask(const std::string& peer, uint64_t now_ms) {
  rpc::RpcClient& client = *clients_.at(peer);
  Bytes nonce(coordination::kClaimNonceBytes);
  crypto::OpenSslRandomSource random;
  if (!random.Fill(nonce)) return std::nullopt;  // no randomness: ask again next round
  auto answer = client.GetRecoveryClaim(std::string(AsString(nonce)));
  const rpc::v1::RecoveryClaimRefusal* refusal =
      answer ? std::get_if<rpc::v1::RecoveryClaimRefusal>(&*answer) : nullptr;
  {
    // A peer that answers but cannot claim yet (replaying, waiting for
    // shares) may hold the longest ledger: the override waits for it.
    std::lock_guard lock(mu_);
    not_ready_[peer] = refusal != nullptr && refusal->reason() == rpc::v1::RecoveryClaimRefusal::NOT_READY;
  }
  if (refusal != nullptr) {
    // A node that serves does not claim: it may serve our successor (a
    // hint only, as the answer is unauthenticated: the join checks the
    // successor's endorsement).
    if (refusal->reason() == rpc::v1::RecoveryClaimRefusal::SERVING) {
      auto status = client.GetStatus();
      if (status && !status->recovering() && status->previous_service_id() == key_.identity().service_id) {
        // Checked before anything moves: the successor's record must carry
        // our identity's endorsement, and must have recovered at least
        // what this node's ledger holds.
        std::lock_guard lock(mu_);
        ServiceRecord successor;
        auto problem = CheckSuccessor(status->service_record(), successor);
        if (!problem) {
          options_.log("recovery coordination: " + status->node_id().substr(0, 64) + " at " + peer +
                       " serves service " + status->service_id().substr(0, 64) + ", recovered from service " +
                       key_.identity().service_id + " (endorsed by it): joining it");
          return Following(status->node_id(), peer, std::move(successor));
        }
        if (problem->starts_with("longer_ledger")) return MakeError(ErrorCode::kRecoveryFailed, *problem);
        LogOnce(peer, "bad successor", peer + " serves a service that names ours as its predecessor: " + *problem);
        return std::nullopt;
      }
      // A later descendant serves (our successor was itself recovered).
      if (status) {
        if (auto successor = SuccessorIn(status->service_chain(), status->node_id(), status->service_id())) {
          return MakeError(ErrorCode::kRecoveryFailed, *successor);
        }
      }
      LogOnce(peer, "serves", peer + " serves a service that is not the successor of service " +
                                  key_.identity().service_id);
      return std::nullopt;
    }
    LogOnce(peer, "no claim " + rpc::v1::RecoveryClaimRefusal::Reason_Name(refusal->reason()),
            "no claim from " + peer + " yet: " + refusal->detail().substr(0, 256));
    return std::nullopt;
  }
  if (!answer) {
    LogOnce(peer, "no claim " + std::string(ErrorCodeName(answer.error().code)),
            "no claim from " + peer + " yet: " + answer.error().message);
    return std::nullopt;
  }
  const rpc::v1::RecoveryClaim& signed_claim = std::get<rpc::v1::RecoveryClaim>(*answer);
  auto claim = coordination::VerifyClaim(key_.identity(), signed_claim, nonce);
  if (!claim) {
    if (auto successor =
            SuccessorIn(signed_claim.service_chain(), signed_claim.node_id(), signed_claim.service_id())) {
      return MakeError(ErrorCode::kRecoveryFailed, *successor);
    }
    LogOnce(peer, "refused", "refused the answer of " + peer + ": " + claim.error().message);
    return std::nullopt;
  }
  std::lock_guard lock(mu_);
  if (!election_.Observe(*claim, now_ms)) {
    LogOnce(peer, "own id", "ignored the claim at " + peer + ": it names this node");
    return std::nullopt;
  }
  signed_[claim->node_id] = signed_claim;
  LogOnce(peer, "claim " + claim->node_id + " " + claim->vote,
          claim->node_id + " at " + peer + " claims version " + std::to_string(claim->last_version) +
              (claim->vote.empty() ? "" : ", votes " + claim->vote));
  return std::nullopt;
}

CoordinationOutcome RecoveryCoordinator::Opening(bool without_majority) const {
  CoordinationOutcome out;
  pb::RecoveryDecision& d = out.decision;
  d.set_previous_service_id(key_.identity().service_id);
  for (const auto& id : election_.voters()) d.add_configuration(id);
  // Its own claim, signed like the others (over an empty nonce).
  if (auto own = coordination::SignClaim(key_, election_.self())) *d.add_claims() = Evidence(*own);
  for (const auto& [id, claim] : signed_) *d.add_claims() = Evidence(claim);
  d.set_opened_by(options_.node_id);
  d.set_without_majority(without_majority);
  return out;
}

Result<CoordinationOutcome> RecoveryCoordinator::Run() {
  const auto start = Clock::now();
  options_.log("recovery coordination: " + options_.node_id + " claims version " +
               std::to_string(election_.self().last_version) + " of service " + key_.identity().service_id +
               "; its ledger's configuration is " + base::JoinedByCommas(election_.self().configuration) +
               " (a majority is " + std::to_string(election_.majority()) + " while no longer claim is known); asking " +
               (options_.peers.empty() ? std::string("no peer") : base::JoinedByCommas(options_.peers)));
  // Bounded by the deadline (or the stop flag).
  for (;;) {
    if (options_.stop->load()) return MakeError(ErrorCode::kAborted, "stopped during recovery coordination");
    const auto now_ms = static_cast<uint64_t>(MsSince(start));
    for (const auto& peer : options_.peers) {
      if (auto ended = Ask(peer, now_ms)) return *ended;
    }
    if (auto decided = Decide(now_ms, start)) return *decided;
    if (!SleepUnlessStopped(*options_.stop, kRoundMs)) {
      return MakeError(ErrorCode::kAborted, "stopped during recovery coordination");
    }
  }
}

std::optional<Result<CoordinationOutcome>> RecoveryCoordinator::Decide(uint64_t now_ms, Clock::time_point start) {
  std::lock_guard lock(mu_);
  const size_t n = std::max(election_.voters().size(), options_.peers.size() + 1);
  if (auto conflict = election_.Conflict()) {
    return MakeError(ErrorCode::kRecoveryFailed,
                     "conflicting_histories: " + *conflict + ": no rule can choose between them; nothing was "
                     "written (compare the data directories with ledgerseal inspect DIR DIR ...)");
  }
  if (options_.without_majority) {
    const bool heard_all = election_.claims().size() == options_.peers.size() + 1;
    const bool one_not_ready = std::ranges::any_of(not_ready_, [](const auto& p) { return p.second; });
    if (heard_all || (!one_not_ready && now_ms >= static_cast<uint64_t>(options_.wait_for_all.count()))) {
      for (const auto& [id, claim] : election_.claims()) {
        if (claim.last_version > election_.self().last_version) {
          return MakeError(ErrorCode::kRecoveryFailed,
                           "longer_ledger: " + id + " at " + claim.rpc_address + " holds version " +
                               std::to_string(claim.last_version) + ", this node only " +
                               std::to_string(election_.self().last_version) +
                               ": recover from it (nothing was written here)");
        }
      }
      options_.log("recovery coordination: opening WITHOUT a majority (--open-without-majority); claims: " +
                   election_.Describe());
      return Opening(true);
    }
  } else {
    if (election_.Tick(now_ms)) {
      const Claim& best = election_.Best();
      options_.log("recovery coordination: voted for " + best.node_id + " (version " +
                   std::to_string(best.last_version) + "); claims: " + election_.Describe());
    }
    if (election_.Won()) {
      options_.log("recovery coordination: opening with votes from " + base::JoinedByCommas(election_.VotesForSelf()) + " of " +
                   std::to_string(n) + "; claims: " + election_.Describe());
      // A shorter claim is a ledger that lags (or that its host truncated):
      // say by how much; the chosen ledger holds what it lacks.
      for (const auto& [id, claim] : election_.claims()) {
        if (claim.last_version < election_.self().last_version) {
          options_.log("recovery coordination: " + id + "'s ledger is " +
                       std::to_string(election_.self().last_version - claim.last_version) +
                       " version(s) behind this one");
        }
      }
      return Opening(false);
    }
  }
  if (Clock::now() - start > options_.deadline) {
    const std::string within = " within " + std::to_string(options_.deadline.count() / 1000) + " s (" +
                               election_.Describe() + "). Nothing was written. ";
    if (election_.voted() && election_.self().vote != options_.node_id) {
      return MakeError(ErrorCode::kUnavailable,
                       "no majority: this node voted for " + election_.self().vote +
                           ", and no successor service was seen serving" + within +
                           "Restart the nodes with --recover and their peers");
    }
    return MakeError(ErrorCode::kUnavailable,
                     "no majority: no node won votes from " + std::to_string(election_.majority()) + " of the " +
                         std::to_string(n) + " voters" + within +
                         (options_.without_majority
                              ? std::string("(--open-without-majority was given, but a peer that answers could not claim yet: it may hold the longest ledger)")
                              : std::string("Start the other nodes with --recover and their peers, or, if they are "
                                            "lost for good, restart this one with --recover "
                                            "--open-without-majority")));
  }
  return std::nullopt;
}

}  // namespace ledgerseal::kv::node
