// The recovery hook for recovery members' shares (docs/RECOVERY_SHARES.md).
#include <algorithm>

#include "plugin/local_sealing/public/local_sealing.h"
#include "plugin/local_sealing/public/shares_inbox.h"
#include "plugin/local_sealing/sealing_hooks.h"
#include "plugin/public/records.h"
#include "plugin/public/sealing_format.h"

namespace ledgerseal::sealing {
namespace {

constexpr kv::Table kLastRecovery{kLastRecoveryTable, kv::Domain::kPublic};

// The newest recovery.shares record, authenticated under the pin, made
// complete by `complete` (the shares given on the command line, or those
// submitted to an inbox), then combined.
using Completer = std::function<kv::Result<recovery::SharesCollector>(recovery::SharesCollector, kv::Version)>;

class SharesRecoveryHook final : public kv::RecoveryHook {
 public:
  SharesRecoveryHook(Completer complete, std::function<void(std::string_view)> log)
      : complete_(std::move(complete)), log_(std::move(log)) {}

  kv::Result<kv::RecoveredSecret> Unseal(const kv::RecoveryContext& ctx) override {
    // The newest record decides, as for sealed shares: an older one would
    // recover an older secret, i.e. a truncated ledger.
    const kv::Version max_entries = ctx.ledger->last_version();
    for (kv::Version read = 0; read <= max_entries; ++read) {
      auto entry = ctx.ledger->Previous();
      if (!entry) return std::unexpected(entry.error());
      if (!*entry) break;
      const auto* value =
          (*entry)->public_writes.Find(recovery::kRecoverySharesTable, kv::AsBytes(recovery::kRecoverySharesKey));
      if (value == nullptr || !value->has_value()) continue;
      return FromRecord(**value, (*entry)->version, ctx.expected_previous_service_id);
    }
    return kv::MakeError(kv::ErrorCode::kRecoveryFailed,
                         "recovery from shares: the ledger holds no recovery.shares record");
  }

  kv::Status OnRecovered(kv::Transaction& tx, const kv::RecoveredSecret& secret) override {
    v1::LastRecovery last = MakeLastRecovery(v1::RECOVERY_SHARES_FALLBACK, secret.found_at_version, "",
                                             secret.previous_service_id, secret.ledger_secret_version);
    for (const auto& member : secret.identities) last.add_recovery_members(member);
    auto record = SerializeRecord(last);
    if (!record) return std::unexpected(ToKvError(record.error()));
    return tx.Put(kLastRecovery, kv::AsBytes(kLastRecoveryKey), *record);
  }

 private:
  kv::Result<kv::RecoveredSecret> FromRecord(kv::ByteView record, kv::Version version, std::string_view pin) {
    auto fail = [version](const SealingError& e) {
      kv::Error error = ToKvError(e);
      // Not enough shares, a pin missing: this recovery cannot go on.
      if (error.code == kv::ErrorCode::kInvalidArgument || error.code == kv::ErrorCode::kNotFound) {
        error.code = kv::ErrorCode::kRecoveryFailed;
      }
      error.message = "recovery shares at version " + std::to_string(version) + ": " + error.message;
      return std::unexpected(std::move(error));
    };
    auto opened = recovery::SharesCollector::Open(record, pin);
    if (!opened) return fail(opened.error());
    auto completed = complete_(std::move(*opened), version);
    if (!completed) return std::unexpected(completed.error());
    auto recovered = completed->Recover();
    if (!recovered) return fail(recovered.error());
    for (const auto& r : recovered->rejected) internal::Log(log_, "rejected the share of " + r);
    internal::Log(log_, "recovered ledger secret " + std::to_string(recovered->ledger_secret_version) +
                            " of service " + recovered->service_id + " from the shares of " +
                            std::to_string(recovered->used_members.size()) + " recovery member(s) (record at version " +
                            std::to_string(version) + ", signature verified)");
    kv::RecoveredSecret out;
    out.ledger_secret_version = recovered->ledger_secret_version;
    out.secret = std::move(recovered->secret);
    out.found_at_version = version;
    out.method = "recovery_shares";
    out.identities = recovered->used_members;
    out.previous_service_id = recovered->service_id;
    return out;
  }

  const Completer complete_;
  const std::function<void(std::string_view)> log_;
};

}  // namespace

std::shared_ptr<kv::RecoveryHook> NewRecoverySharesHook(std::vector<recovery::MemberShareFile> shares,
                                                        std::function<void(std::string_view)> log) {
  auto given = std::make_shared<std::vector<recovery::MemberShareFile>>(std::move(shares));
  return std::make_shared<SharesRecoveryHook>(
      [given](recovery::SharesCollector collector, kv::Version) -> kv::Result<recovery::SharesCollector> {
        for (const auto& share : *given) (void)collector.Add(share);  // rejections are kept and logged
        return collector;
      },
      std::move(log));
}

std::shared_ptr<kv::RecoveryHook> NewAwaitingRecoverySharesHook(std::shared_ptr<SharesInbox> inbox,
                                                                std::function<void(std::string_view)> log) {
  return std::make_shared<SharesRecoveryHook>(
      [inbox, log](recovery::SharesCollector collector, kv::Version version) {
        return inbox->Await(std::move(collector), version, log);
      },
      log);
}

}  // namespace ledgerseal::sealing
