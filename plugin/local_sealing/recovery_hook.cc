#include <iostream>

#include "plugin/local_sealing/sealing_hooks.h"
#include "plugin/public/records.h"
#include "plugin/public/sealing_format.h"
#include "snp/public/provider_factory.h"

namespace ledgerseal::sealing::internal {
namespace {

constexpr kv::Table kLastRecovery{kLastRecoveryTable, kv::Domain::kPublic};

}  // namespace

void Log(const LocalSealingOptions& options, const std::string& line) {
  if (options.log) {
    options.log("local sealing: " + line);
  } else {
    std::cerr << "[local sealing] " << line << std::endl;
  }
}

kv::Result<kv::RecoveredSecret> LocalUnsealingHook::Fail(kv::Error error) const {
  if (options_->fail_on_unseal_error) {
    // kNotFound would let the next hook run: under the `fail` policy nothing
    // but local unsealing may supply the secret.
    if (error.code == kv::ErrorCode::kNotFound) error.code = kv::ErrorCode::kRecoveryFailed;
    return std::unexpected(std::move(error));
  }
  Log(*options_, "local unsealing failed; falling back to the next recovery hook: " + error.ToString());
  return kv::MakeError(kv::ErrorCode::kNotFound, "local unsealing failed (fallback enabled)");
}

kv::Result<kv::RecoveredSecret> LocalUnsealingHook::Unseal(const kv::RecoveryContext& ctx) {
  const std::string identity = ctx.previous_sealing_identity.empty() ? ctx.node.sealing_identity
                                                                     : ctx.previous_sealing_identity;
  if (identity.empty()) {
    return Fail({kv::ErrorCode::kInvalidArgument,
                 "no sealing identity to unseal as (set previous_local_sealing_identity)"});
  }
  // The newest record: read backwards and stop at the first entry that
  // carries one, so the cost depends on the distance from the tail, not on
  // the ledger's length.
  for (;;) {
    auto entry = ctx.ledger->Previous();
    if (!entry) return Fail(entry.error());
    if (!*entry) {
      return Fail({kv::ErrorCode::kNotFound, "the ledger holds no sealing.shares record"});
    }
    const auto* value = (*entry)->public_writes.Find(kSharesTable, kv::AsBytes(kSharesKey));
    if (value == nullptr || !value->has_value()) continue;
    auto shares = ParseSealedShares(**value);
    if (!shares) {
      return Fail({kv::ErrorCode::kCorruption, "sealing.shares at version " +
                                                   std::to_string((*entry)->version) + ": " +
                                                   shares.error().ToString()});
    }
    auto secret = UnsealShares(*options_->provider, *shares, identity, std::nullopt, std::nullopt);
    if (!secret) {
      return Fail({kv::ErrorCode::kRecoveryFailed,
                   "unsealing sealing.shares of version " + std::to_string((*entry)->version) +
                       " as '" + identity + "': " + secret.error().ToString()});
    }
    {
      std::lock_guard lock(mu_);
      identity_used_ = identity;
      previous_service_id_ = shares->service_id();
    }
    Log(*options_, "unsealed ledger secret " + std::to_string(secret->ledger_secret_version) +
                       " as '" + identity + "' from the record at version " +
                       std::to_string((*entry)->version));
    return kv::RecoveredSecret{secret->ledger_secret_version, std::move(secret->secret),
                               (*entry)->version, "local_unsealing"};
  }
}

kv::Status LocalUnsealingHook::OnRecovered(kv::Transaction& tx, const kv::RecoveredSecret& secret) {
  std::lock_guard lock(mu_);
  auto record = SerializeRecord(MakeLastRecovery(v1::LOCAL_UNSEALING, secret.found_at_version,
                                                 identity_used_, previous_service_id_,
                                                 secret.ledger_secret_version));
  if (!record) return kv::MakeError(kv::ErrorCode::kInternal, record.error().ToString());
  return tx.Put(kLastRecovery, kv::AsBytes(kLastRecoveryKey), *record);
}

}  // namespace ledgerseal::sealing::internal
