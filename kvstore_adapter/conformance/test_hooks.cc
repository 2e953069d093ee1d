#include "kvstore_adapter/conformance/test_hooks.h"

#include <charconv>
#include <random>
#include <utility>

namespace ledgerseal::kv::conformance {

struct EscrowPlugin::State {
  mutable std::mutex mu;
  std::vector<ObservedCommit> commits;
  std::map<uint64_t, SecretBytes> sealed;  // test memory stands in for sealing
  bool refuse_next_rotation = false;
};

namespace {

std::string MarkerValue(uint64_t secret_version, const std::string& service_id) {
  return "secret_version=" + std::to_string(secret_version) + ";service_id=" + service_id;
}

std::optional<Marker> ParseMarker(Version found_at, std::string_view value) {
  constexpr std::string_view kVersion = "secret_version=";
  constexpr std::string_view kService = ";service_id=";
  const size_t service = value.find(kService);
  if (!value.starts_with(kVersion) || service == std::string_view::npos) return std::nullopt;
  Marker marker{found_at, 0, std::string(value.substr(service + kService.size()))};
  const char* first = value.data() + kVersion.size();
  const char* last = value.data() + service;
  auto [end, ec] = std::from_chars(first, last, marker.secret_version);
  if (ec != std::errc() || end != last || marker.secret_version == 0) return std::nullopt;
  return marker;
}

class EscrowTransactionHook final : public TransactionHook {
 public:
  explicit EscrowTransactionHook(std::shared_ptr<EscrowPlugin::State> state) : state_(std::move(state)) {}

  Status OnCommit(Transaction& tx) override {
    const CommitContext& ctx = tx.commit_context();
    ObservedCommit seen;
    seen.service_id = ctx.service_id;
    if (ctx.ledger_secret) seen.secret = std::make_shared<const SecretBytes>(ctx.ledger_secret->Clone());
    seen.secret_version = ctx.ledger_secret_version;
    seen.rotates = ctx.rotates_ledger_secret;
    seen.trusted_nodes = ctx.trusted_nodes;
    seen.trusted_nodes_changed = ctx.trusted_nodes_changed;
    seen.joining_node = ctx.joining_node;
    seen.recovery = ctx.recovery;
    seen.read_version = tx.read_version();
    if (ctx.service_signer != nullptr) {
      seen.signer = ctx.service_signer->identity();
      const Bytes body = ToBytes("conformance " + std::to_string(tx.read_version()));
      auto signature = ctx.service_signer->Sign(kConformanceDomain, body);
      seen.signature_verified =
          signature && VerifyServiceSignature(*seen.signer, kConformanceDomain, body, *signature).has_value();
      auto endorsement = ctx.service_signer->Sign(kEndorsementDomain, body);
      seen.refused_endorsement = !endorsement && endorsement.error().code == ErrorCode::kInvalidArgument;
    }
    if (ctx.next_rotation) {
      const CommitContext::NextRotation& next = *ctx.next_rotation;
      if (next.ledger_secret) seen.next_secret = std::make_shared<const SecretBytes>(next.ledger_secret->Clone());
      seen.next_secret_version = next.ledger_secret_version;
      seen.next_signer_is_service = next.signer && next.signer->identity().service_id == ctx.service_id;
    }
    Status result;
    bool refuse = false;
    if (ctx.rotates_ledger_secret) {
      std::lock_guard lock(state_->mu);
      refuse = std::exchange(state_->refuse_next_rotation, false);
    }
    if (refuse) {
      seen.refused = true;
      result = MakeError(ErrorCode::kInvalidArgument, "conformance escrow: refused this rotation, as asked");
    } else if (ctx.ledger_secret == nullptr) {
      // As the sealing plugin does: a host that did not fill the context
      // fails loudly.
      result = MakeError(ErrorCode::kInvalidArgument, "conformance escrow: the commit context has no secret");
    } else if (ctx.rotates_ledger_secret || ctx.trusted_nodes_changed) {
      result = tx.Put(kMarkerTable, AsBytes(kMarkerKey),
                      AsBytes(MarkerValue(ctx.ledger_secret_version, ctx.service_id)));
      seen.sealed = result.has_value();
    }
    std::lock_guard lock(state_->mu);
    if (seen.sealed) state_->sealed.insert_or_assign(ctx.ledger_secret_version, ctx.ledger_secret->Clone());
    state_->commits.push_back(std::move(seen));
    return result;
  }

 private:
  std::shared_ptr<EscrowPlugin::State> state_;
};

class EscrowRecoveryHook final : public RecordingRecoveryHook {
 public:
  explicit EscrowRecoveryHook(std::shared_ptr<EscrowPlugin::State> state) : state_(std::move(state)) {}

  Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) override {
    UnsealCall call{ctx.node, ctx.previous_service_id, ctx.ledger->last_version(), {}, 0, std::nullopt};
    {
      std::lock_guard lock(state_->mu);
      call.commits_seen = state_->commits.size();
    }
    auto marker = FindNewestMarker(*ctx.ledger, call.versions_read);
    if (marker && *marker) call.found_at = (*marker)->found_at;
    Record(call);
    if (!marker) return std::unexpected(marker.error());
    if (!*marker) return MakeError(ErrorCode::kNotFound, "no conformance.sealed marker in the ledger");
    RecoveredSecret out;
    {
      std::lock_guard lock(state_->mu);
      auto sealed = state_->sealed.find((*marker)->secret_version);
      if (sealed == state_->sealed.end()) {
        return MakeError(ErrorCode::kNotFound, "the escrow holds no secret " +
                                                   std::to_string((*marker)->secret_version));
      }
      out.secret = sealed->second.Clone();
    }
    out.ledger_secret_version = (*marker)->secret_version;
    out.found_at_version = (*marker)->found_at;
    out.method = std::string(kEscrowMethod);
    out.identities = {std::string(kEscrowIdentity)};
    out.previous_service_id = (*marker)->service_id;
    return out;
  }

 private:
  std::shared_ptr<EscrowPlugin::State> state_;
};

}  // namespace

std::vector<UnsealCall> RecordingRecoveryHook::unseal_calls() const {
  std::lock_guard lock(mu_);
  return unseal_calls_;
}

std::vector<RecoveredCall> RecordingRecoveryHook::recovered_calls() const {
  std::lock_guard lock(mu_);
  return recovered_calls_;
}

void RecordingRecoveryHook::Record(UnsealCall call) {
  std::lock_guard lock(mu_);
  unseal_calls_.push_back(std::move(call));
}

Status RecordingRecoveryHook::OnRecovered(Transaction& tx, const RecoveredSecret& secret) {
  const CommitContext& ctx = tx.commit_context();
  {
    std::lock_guard lock(mu_);
    recovered_calls_.push_back(
        {ctx.recovery, ctx.service_id, secret.ledger_secret_version, secret.found_at_version, secret.method});
  }
  const std::string value = "found_at=" + std::to_string(secret.found_at_version) +
                            ";previous_service_id=" + secret.previous_service_id;
  return tx.Put(kRecoveredTable, AsBytes(kRecoveredKey), AsBytes(value));
}

EscrowPlugin::EscrowPlugin()
    : state_(std::make_shared<State>()),
      transaction_hook_(std::make_shared<EscrowTransactionHook>(state_)),
      recovery_hook_(std::make_shared<EscrowRecoveryHook>(state_)) {}

std::vector<ObservedCommit> EscrowPlugin::commits() const {
  std::lock_guard lock(state_->mu);
  return state_->commits;
}

void EscrowPlugin::RefuseNextRotation() {
  std::lock_guard lock(state_->mu);
  state_->refuse_next_rotation = true;
}

size_t EscrowPlugin::commit_count() const {
  std::lock_guard lock(state_->mu);
  return state_->commits.size();
}

std::optional<SecretBytes> EscrowPlugin::Sealed(uint64_t version) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->sealed.find(version);
  if (it == state_->sealed.end()) return std::nullopt;
  return it->second.Clone();
}

Result<RecoveredSecret> NotFoundHook::Unseal(const RecoveryContext& ctx) {
  UnsealCall call{ctx.node, ctx.previous_service_id, ctx.ledger->last_version(), {}, 0, std::nullopt};
  for (size_t i = 0; i < entries_to_read_; ++i) {
    auto entry = ctx.ledger->Previous();
    if (!entry || !*entry) break;
    call.versions_read.push_back((*entry)->version);
  }
  Record(std::move(call));
  return MakeError(ErrorCode::kNotFound, "conformance: this hook never applies");
}

Result<RecoveredSecret> FailingHook::Unseal(const RecoveryContext& ctx) {
  Record({ctx.node, ctx.previous_service_id, ctx.ledger->last_version(), {}, 0, std::nullopt});
  return MakeError(code_, "conformance: this hook stops the recovery");
}

Result<RecoveredSecret> WrongSecretHook::Unseal(const RecoveryContext& ctx) {
  UnsealCall call{ctx.node, ctx.previous_service_id, ctx.ledger->last_version(), {}, 0, std::nullopt};
  auto marker = FindNewestMarker(*ctx.ledger, call.versions_read);
  if (marker && *marker) call.found_at = (*marker)->found_at;
  Record(call);
  if (!marker) return std::unexpected(marker.error());
  if (!*marker) return MakeError(ErrorCode::kNotFound, "no conformance.sealed marker in the ledger");
  RecoveredSecret out;
  out.secret = SecretBytes(kLedgerSecretBytes);
  std::random_device random;
  for (uint8_t& b : out.secret.mutable_bytes()) b = static_cast<uint8_t>(random());
  out.ledger_secret_version = (*marker)->secret_version;
  out.found_at_version = (*marker)->found_at;
  out.method = "conformance_wrong_secret";
  out.previous_service_id = (*marker)->service_id;
  return out;
}

Result<RecoveredSecret> BadFoundAtHook::Unseal(const RecoveryContext& ctx) {
  const Version last = ctx.ledger->last_version();
  UnsealCall call{ctx.node, ctx.previous_service_id, last, {}, 0, std::nullopt};
  auto marker = FindNewestMarker(*ctx.ledger, call.versions_read);
  if (marker && *marker) call.found_at = (*marker)->found_at;
  Record(call);
  if (!marker) return std::unexpected(marker.error());
  if (!*marker) return MakeError(ErrorCode::kNotFound, "no conformance.sealed marker in the ledger");
  std::optional<SecretBytes> sealed = escrow_->Sealed((*marker)->secret_version);
  if (!sealed) {
    return MakeError(ErrorCode::kNotFound, "the escrow holds no secret " + std::to_string((*marker)->secret_version));
  }
  RecoveredSecret out;
  out.secret = std::move(*sealed);
  out.ledger_secret_version = (*marker)->secret_version;
  out.found_at_version = claim_ == Claim::kZero ? kNoVersion : last + 1;
  out.method = "conformance_bad_found_at";
  out.identities = {std::string(kEscrowIdentity)};
  out.previous_service_id = (*marker)->service_id;
  return out;
}

Result<std::optional<Marker>> FindNewestMarker(LedgerReader& reader, std::vector<Version>& versions_read) {
  // Bounded by the ledger's length: a reader returns each entry once.
  const Version bound = reader.last_version();
  for (Version read = 0; read <= bound; ++read) {
    auto entry = reader.Previous();
    if (!entry) return std::unexpected(entry.error());
    if (!*entry) return std::optional<Marker>();
    versions_read.push_back((*entry)->version);
    const std::optional<Bytes>* value = (*entry)->public_writes.Find(kMarkerTable.name, AsBytes(kMarkerKey));
    if (value == nullptr || !*value) continue;
    auto marker = ParseMarker((*entry)->version, AsString(**value));
    if (!marker) {
      return MakeError(ErrorCode::kCorruption,
                       "a malformed conformance.sealed marker at version " + std::to_string((*entry)->version));
    }
    return marker;
  }
  return MakeError(ErrorCode::kCorruption, "the reader returned more entries than its last version");
}

std::function<Status(HookRegistrar&)> Hooks(std::shared_ptr<EscrowPlugin> escrow,
                                            std::vector<NamedRecoveryHook> recovery_hooks) {
  return [escrow = std::move(escrow), recovery_hooks = std::move(recovery_hooks)](HookRegistrar& host) -> Status {
    if (auto s = host.RegisterTransactionHook("conformance-escrow", escrow->transaction_hook()); !s) return s;
    for (const auto& [name, hook] : recovery_hooks) {
      if (auto s = host.RegisterRecoveryHook(name, hook); !s) return s;
    }
    return {};
  };
}

}  // namespace ledgerseal::kv::conformance
