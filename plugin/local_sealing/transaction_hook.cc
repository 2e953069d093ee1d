#include <vector>

#include "base/text.h"
#include "plugin/local_sealing/sealing_hooks.h"
#include "plugin/public/records.h"
#include "plugin/public/sealing_format.h"

namespace ledgerseal::sealing::internal {
namespace {

constexpr kv::Table kRecoveryKeys{kRecoveryKeysTable, kv::Domain::kPublic};
constexpr kv::Table kShares{kSharesTable, kv::Domain::kPublic};

// The signer the commit must carry to admit a node or seal: present, and
// speaking for the service the transaction belongs to.
kv::Result<const kv::ServiceSigner*> SignerOf(const kv::CommitContext& ctx, std::string_view why) {
  if (ctx.service_signer == nullptr) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "the host did not put a service signer in the commit context: local "
                         "sealing cannot " + std::string(why) + " (a record no node can verify "
                         "would be refused at recovery)");
  }
  const std::string& signer_id = ctx.service_signer->identity().service_id;
  if (signer_id != ctx.service_id) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "the commit context's service signer is service " + signer_id +
                             ", the transaction belongs to service " + ctx.service_id +
                             ": local sealing cannot " + std::string(why));
  }
  return ctx.service_signer;
}

std::string MemberNames(const recovery::v1::RecoveryConfig& config) {
  std::vector<std::string> names;
  for (const auto& m : config.members()) names.push_back(m.name());
  return base::JoinedByCommas(names);
}

}  // namespace

kv::Status SealingTransactionHook::OnCommit(kv::Transaction& tx) {
  const kv::CommitContext& ctx = tx.commit_context();
  // Filling the context is a hosting duty (commit_context.h): a host that
  // does not must not get commits that silently skip sealing.
  if (ctx.ledger_secret == nullptr) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "the host did not fill the commit context (no ledger secret in force): "
                         "local sealing cannot seal this transaction");
  }
  if (ctx.joining_node && !ctx.joining_node->join_payload.empty()) {
    auto signer = SignerOf(ctx, "check the joiner's binding");
    if (!signer) return std::unexpected(signer.error());
    // One sealing identity belongs to one live node: a joiner claiming a
    // trusted node's would overwrite its sealing.recovery_keys row (and make
    // every reseal fail on the duplicate).
    for (const kv::NodeMember& trusted : ctx.trusted_nodes) {
      if (trusted.sealing_identity == ctx.joining_node->sealing_identity &&
          trusted.node_id != ctx.joining_node->node_id) {
        return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                             "node '" + ctx.joining_node->node_id + "' claims sealing identity '" +
                                 trusted.sealing_identity + "', which trusted node '" + trusted.node_id + "' holds");
      }
    }
    if (auto s = RecordJoiner(tx, *ctx.joining_node, **signer); !s) return s;
  }
  if (auto s = WriteRecoveryShares(tx, ctx); !s) return s;
  if (!ctx.rotates_ledger_secret && !ctx.trusted_nodes_changed) return {};
  auto signer = SignerOf(ctx, "sign the sealed shares");
  if (!signer) return std::unexpected(signer.error());
  return Reseal(tx, ctx, **signer);
}

// The members after an operator's change request, logged. Errors:
// kInvalidArgument (the stored configuration or the change is refused,
// naming why: the transaction does not commit).
kv::Result<recovery::v1::RecoveryConfig> SealingTransactionHook::ApplyMembersChange(
    const std::optional<kv::Bytes>& stored, const kv::Bytes& change) const {
  std::optional<recovery::v1::RecoveryConfig> current;
  if (stored) {
    auto parsed = recovery::ParseRecoveryConfig(*stored);
    if (!parsed) return kv::MakeError(kv::ErrorCode::kInvalidArgument, "recovery.members: " + parsed.error().ToString());
    current = std::move(*parsed);
  }
  auto next = recovery::ApplyMembersChange(current ? &*current : nullptr, change);
  if (!next) return kv::MakeError(kv::ErrorCode::kInvalidArgument, next.error().ToString());
  Log(options_, "applying a recovery members change (it commits with this rotation, or not at all): " +
                    MemberNames(*next) +
                    " (" + std::to_string(next->threshold()) + " to recover)");
  return std::move(*next);
}

kv::Status SealingTransactionHook::WriteRecoveryShares(kv::Transaction& tx, const kv::CommitContext& ctx) {
  constexpr kv::Table kMembers{recovery::kRecoveryMembersTable, kv::Domain::kPublic};
  constexpr kv::Table kRecoveryShares{recovery::kRecoverySharesTable, kv::Domain::kPublic};
  const auto members_key = kv::AsBytes(recovery::kRecoveryMembersKey);
  const bool changed = tx.writes().Find(kMembers.name, members_key) != nullptr;
  const bool requested = ctx.plugin_request && ctx.plugin_request->plugin == recovery::kMembersChangeRequest;
  // A change of members must come with a new secret: a removed member's
  // share of the current one would still recover it. Checked here too, not
  // only by the host, so that no host can commit a change silently dropped.
  if ((changed || requested) && !ctx.rotates_ledger_secret) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "a change of recovery.members must rotate the ledger secret in the same transaction");
  }
  // Ordinary commits (most of them) neither rotate nor change the members:
  // no read on their path.
  if (!ctx.rotates_ledger_secret) return {};
  auto stored = tx.Get(kMembers, members_key);
  if (!stored) return std::unexpected(stored.error());
  if (requested) {
    // An operator's change, by request (docs/RECOVERY_SHARES.md, "Changing
    // the members"): applied to what is stored, in this transaction, which
    // rotates, so the shares below are the new members' only.
    auto next = ApplyMembersChange(*stored, ctx.plugin_request->payload);
    if (!next) return std::unexpected(next.error());
    const kv::Bytes value = recovery::SerializeRecoveryConfig(*next);
    if (auto s = tx.Put(kMembers, members_key, value); !s) return s;
    stored = std::optional<kv::Bytes>(value);
  }
  if (!*stored) {
    // Members are set by the genesis node's configuration, in the service's
    // very first commit (ledger secret 1), and never later from a node's
    // configuration: the host writes every node's configuration, and could
    // otherwise give a running service members whose keys it holds.
    if (!options_.recovery_members || ctx.ledger_secret_version != 1 || ctx.recovery) return {};
    const kv::Bytes value = recovery::SerializeRecoveryConfig(*options_.recovery_members);
    if (auto s = tx.Put(kMembers, members_key, value); !s) return s;
    Log(options_, "recovery members of the new service: " + MemberNames(*options_.recovery_members) + " (" +
                      std::to_string(options_.recovery_members->threshold()) + " to recover)");
    stored = std::optional<kv::Bytes>(value);
  }
  auto prepared = PreparedMembers(**stored);
  if (!prepared) return std::unexpected(prepared.error());
  const recovery::v1::RecoveryConfig& config = (*prepared)->config();
  auto signer = SignerOf(ctx, "sign the recovery shares");
  if (!signer) return std::unexpected(signer.error());
  const uint64_t version = ctx.ledger_secret_version;
  auto presealed = TakeRecoveryPresealed((*signer)->identity().service_id, version, config);
  // Finished for another secret than the one in force (the host drew anew):
  // its wrapping key is spent, so the shares are made afresh.
  if (presealed && presealed->finished() && !presealed->FinishedFor(*ctx.ledger_secret)) presealed.reset();
  const char* const how = !presealed ? "" : presealed->finished() ? " (pre-sealed and signed)" : " (pre-sealed)";
  if (!presealed) {
    auto made = recovery::PresealedRecoveryShares::Make(*options_.random, (*signer)->identity(), version, **prepared);
    if (!made) return std::unexpected(ToKvError(made.error()));
    presealed = std::move(*made);
  }
  auto record = recovery::SealPresealedRecoveryShares(**signer, version, *ctx.ledger_secret, std::move(*presealed));
  if (!record) return std::unexpected(ToKvError(record.error()));
  Log(options_, "split ledger secret " + std::to_string(version) + " for " + std::to_string(config.members_size()) +
                    " recovery member(s), " + std::to_string(config.threshold()) + " to recover" + how);
  if (auto s = tx.Put(kRecoveryShares, kv::AsBytes(recovery::kRecoverySharesKey), *record); !s) return s;
  PostRecoveryPreseal((*signer)->identity(), version + 1, std::move(*prepared), ctx.next_rotation);
  return {};
}

kv::Result<std::shared_ptr<const recovery::PreparedRecoveryConfig>> SealingTransactionHook::PreparedMembers(
    const kv::Bytes& stored) {
  std::lock_guard lock(mu_);
  if (members_ != nullptr && members_->value() == stored) return members_;
  auto prepared = recovery::PreparedRecoveryConfig::Parse(stored);
  if (!prepared) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument, "recovery.members: " + prepared.error().ToString());
  }
  members_ = std::move(*prepared);
  return members_;
}

// A joiner's record is checked before it enters the ledger, so a bad one is
// refused at join time rather than discovered at the next rotation. It is
// prepared (its public key parsed) now, and the result kept for the reseal
// that trusting the node triggers.
kv::Status SealingTransactionHook::RecordJoiner(kv::Transaction& tx, const kv::NodeMember& joiner,
                                                const kv::ServiceSigner& signer) {
  // The joiner's input, so its defects are kInvalidArgument (a format 1
  // payload included: it binds no service).
  auto refuse = [&joiner](const kv::Error& error) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "node '" + joiner.node_id + "' presented an unusable recovery key: " + error.message);
  };
  auto record = ParseSealedRecoveryKey(joiner.join_payload);
  if (!record) return refuse(ToKvError(record.error()));
  if (record->sealing_identity() != joiner.sealing_identity || record->node_id() != joiner.node_id) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "node '" + joiner.node_id + "' presented the recovery key of '" +
                             record->sealing_identity() + "' / node '" + record->node_id() + "'");
  }
  auto prepared = Prepare(joiner);
  if (!prepared) return refuse(prepared.error());
  // A key bound elsewhere would be useless here (its node would refuse our
  // records): the joiner was told another identity than this service's.
  if (prepared->service() != signer.identity()) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "node '" + joiner.node_id + "' presented a recovery key bound to service " +
                             prepared->service().service_id + ", but this service is " +
                             signer.identity().service_id);
  }
  return tx.Put(kRecoveryKeys, kv::AsBytes(joiner.sealing_identity), joiner.join_payload);
}

kv::Result<PreparedRecipient> SealingTransactionHook::Prepare(const kv::NodeMember& member) {
  std::lock_guard lock(mu_);
  if (auto it = prepared_.find(member.join_payload); it != prepared_.end()) return it->second;
  auto record = ParseSealedRecoveryKey(member.join_payload);
  if (!record) return std::unexpected(ToKvError(record.error()));
  auto prepared = PreparedRecipient::Prepare({member.sealing_identity, member.node_id, *record});
  if (!prepared) return std::unexpected(ToKvError(prepared.error()));
  prepared_.emplace(member.join_payload, *prepared);
  return *prepared;
}

kv::Status SealingTransactionHook::Reseal(kv::Transaction& tx, const kv::CommitContext& ctx,
                                          const kv::ServiceSigner& signer) {
  std::vector<PreparedRecipient> recipients;
  std::string missing, elsewhere;
  for (const kv::NodeMember& m : ctx.trusted_nodes) {
    if (m.sealing_identity.empty() || m.join_payload.empty()) {
      missing += (missing.empty() ? "" : ", ") + m.node_id;
      continue;
    }
    auto prepared = Prepare(m);
    if (!prepared) return std::unexpected(prepared.error());
    // Unreachable for a host that obtains payloads for its own identity
    // (docs/SERVICE_IDENTITY.md §2); such a node could never use a share.
    if (prepared->service() != signer.identity()) {
      elsewhere += (elsewhere.empty() ? "" : ", ") + m.node_id + " (service " +
                   prepared->service().service_id + ")";
      continue;
    }
    recipients.push_back(std::move(*prepared));
    // Genesis and recovered nodes present their key in their own record.
    auto stored = tx.Get(kRecoveryKeys, kv::AsBytes(m.sealing_identity));
    if (!stored) return std::unexpected(stored.error());
    if (!*stored || **stored != m.join_payload) {
      if (auto s = tx.Put(kRecoveryKeys, kv::AsBytes(m.sealing_identity), m.join_payload); !s) return s;
    }
  }
  if (!missing.empty()) {
    Log(options_, "WARNING: trusted nodes without a sealed recovery key cannot recover by local "
                   "sealing: " + missing);
  }
  if (!elsewhere.empty()) {
    Log(options_, "WARNING: trusted nodes whose recovery key is bound to another service than " +
                      signer.identity().service_id + " cannot recover by local sealing: " + elsewhere);
  }
  if (recipients.empty()) return {};
  const uint64_t version = ctx.ledger_secret_version;
  auto presealed = TakePresealed(signer.identity().service_id, version, recipients);
  // As for the recovery shares: finished for another secret is unusable.
  if (presealed && presealed->finished() && !presealed->FinishedFor(*ctx.ledger_secret)) presealed.reset();
  const char* const how = !presealed ? "" : presealed->finished() ? " (pre-sealed and signed)" : " (pre-sealed)";
  auto shares = presealed
                    ? SealPresealedShares(signer, version, *ctx.ledger_secret, std::move(*presealed))
                    : SealShares(*options_.random, signer, version, *ctx.ledger_secret, recipients);
  if (!shares) return std::unexpected(ToKvError(shares.error()));
  auto bytes = SerializeRecord(*shares);
  if (!bytes) return std::unexpected(ToKvError(bytes.error()));
  Log(options_, "sealed ledger secret " + std::to_string(version) + " for " +
                     std::to_string(recipients.size()) + " trusted node(s)" +
                     how + ", signed by service " +
                     signer.identity().service_id);
  if (auto s = tx.Put(kShares, kv::AsBytes(kSharesKey), *bytes); !s) return s;
  // The next record is the next rotation's (a trust change keeps the
  // version but changes the recipients, and then seals on its own).
  PostPreseal(signer.identity(), version + 1, std::move(recipients), ctx.next_rotation);
  return {};
}

namespace {

// The slot's content if `matches` it; the slot is emptied either way
// (shares are used at most once). Nothing if the background holds the slot
// at this instant: the commit seals on its own rather than wait for an
// idle-priority thread.
template <typename T, typename Matches>
std::optional<T> TakeFrom(PresealSlot<T>& slot, Matches matches) {
  std::optional<T> ready;
  {
    std::unique_lock lock(slot.mu, std::try_to_lock);
    if (!lock.owns_lock()) return std::nullopt;
    ready.swap(slot.ready);
  }
  if (!ready || !matches(*ready)) return std::nullopt;
  return ready;
}

// Posts `make` (returning SealingResult<T>) to the background; its result
// fills the slot unless a newer request superseded it meanwhile. The task
// holds no reference to the hook: it may run after the hook is gone.
// With `next` (the host's next secret, CommitContext::next_rotation) for
// the service of the record being made, the task also finishes it: wraps
// that secret and signs, so that the rotation that puts it in force only
// takes the record.
template <typename T, typename Make>
void PostTo(const LocalSealingOptions& options, const std::shared_ptr<PresealSlot<T>>& slot, std::string what,
            const kv::ServiceIdentity& service, uint64_t version,
            const std::optional<kv::CommitContext::NextRotation>& next, Make make) {
  if (!options.background) return;
  // A newer request supersedes the one being made; what an older one left
  // in the slot is dropped when the slot is free (and is never used for
  // anything it does not match exactly, SealedFor, if it is not).
  const uint64_t generation = slot->requested.fetch_add(1) + 1;
  {
    std::unique_lock lock(slot->mu, std::try_to_lock);
    if (lock.owns_lock()) slot->ready.reset();
  }
  std::optional<kv::CommitContext::NextRotation> finish_with;
  if (next && next->ledger_secret_version == version && next->ledger_secret && next->signer &&
      next->signer->identity() == service) {
    finish_with = next;
  }
  options.background([slot, log = options.log, what = std::move(what), make = std::move(make), generation,
                      finish_with = std::move(finish_with)] {
    // Superseded while it waited (a newer record asked for other shares):
    // its public-key work would only be thrown away.
    if (slot->requested.load() != generation) return;
    auto made = make();
    if (!made) {
      Log(log, "WARNING: pre-sealing " + what + " failed (the rotation will seal on its own): " +
                   made.error().message);
      return;
    }
    if (finish_with) {
      // On failure the wrapping key may have wrapped that secret already:
      // dropped, never used for another (one wrap per key).
      if (auto s = made->Finish(*finish_with->signer, *finish_with->ledger_secret); !s) {
        Log(log, "WARNING: signing " + what + " ahead failed (the rotation will seal and sign it): " +
                     s.error().message);
        return;
      }
    }
    std::lock_guard lock(slot->mu);
    if (slot->requested.load() == generation) slot->ready = std::move(*made);
  });
}

}  // namespace

std::optional<PresealedShares> SealingTransactionHook::TakePresealed(
    const std::string& service_id, uint64_t version, const std::vector<PreparedRecipient>& recipients) {
  return TakeFrom(*preseal_, [&](const PresealedShares& p) { return p.SealedFor(service_id, version, recipients); });
}

void SealingTransactionHook::PostPreseal(const kv::ServiceIdentity& service, uint64_t version,
                                         std::vector<PreparedRecipient> recipients,
                                         const std::optional<kv::CommitContext::NextRotation>& next) {
  PostTo(options_, preseal_, "ledger secret " + std::to_string(version), service, version, next,
         [random = options_.random, service, version, recipients = std::move(recipients)] {
           return PresealedShares::Make(*random, service, version, recipients);
         });
}

std::optional<recovery::PresealedRecoveryShares> SealingTransactionHook::TakeRecoveryPresealed(
    const std::string& service_id, uint64_t version, const recovery::v1::RecoveryConfig& config) {
  return TakeFrom(*recovery_preseal_, [&](const recovery::PresealedRecoveryShares& p) {
    return p.SealedFor(service_id, version, config);
  });
}

void SealingTransactionHook::PostRecoveryPreseal(const kv::ServiceIdentity& service, uint64_t version,
                                                 std::shared_ptr<const recovery::PreparedRecoveryConfig> members,
                                                 const std::optional<kv::CommitContext::NextRotation>& next) {
  PostTo(options_, recovery_preseal_, "the recovery shares of ledger secret " + std::to_string(version), service,
         version, next, [random = options_.random, service, version, members = std::move(members)] {
           return recovery::PresealedRecoveryShares::Make(*random, service, version, *members);
         });
}

}  // namespace ledgerseal::sealing::internal
