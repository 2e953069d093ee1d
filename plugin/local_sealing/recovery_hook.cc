#include <iostream>

#include "plugin/local_sealing/sealing_hooks.h"
#include "plugin/public/records.h"
#include "plugin/public/sealing_format.h"
#include "snp/public/provider_factory.h"

namespace ledgerseal::sealing::internal {
namespace {

constexpr kv::Table kLastRecovery{kLastRecoveryTable, kv::Domain::kPublic};

// `error` with `context` before its message (the code is kept).
kv::Error Prefixed(kv::Error error, const std::string& context) {
  error.message = context + error.message;
  return error;
}

}  // namespace

void Log(const std::function<void(std::string_view)>& log, const std::string& line) {
  if (log) {
    log("local sealing: " + line);
  } else {
    std::cerr << "[local sealing] " << line << std::endl;
  }
}

void Log(const LocalSealingOptions& options, const std::string& line) { Log(options.log, line); }

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
  // Bounded by the ledger's length: a reader returns each entry once.
  const kv::Version max_entries = ctx.ledger->last_version();
  for (kv::Version read = 0; read <= max_entries; ++read) {
    auto entry = ctx.ledger->Previous();
    if (!entry) return Fail(entry.error());
    if (!*entry) {
      return Fail({kv::ErrorCode::kNotFound, "the ledger holds no sealing.shares record"});
    }
    const auto* value = (*entry)->public_writes.Find(kSharesTable, kv::AsBytes(kSharesKey));
    if (value == nullptr || !value->has_value()) continue;
    // The newest record decides: an older one is never tried instead, since
    // a record that fails here is either forged or damaged, and falling back
    // to an older secret would recover a truncated ledger.
    const kv::Version version = (*entry)->version;
    auto secret = UnsealShares(*options_->provider, **value, identity, version,
                               ctx.expected_previous_service_id);
    if (!secret) return Fail(Prefixed(ToKvError(secret.error()), "unsealing as '" + identity + "': "));
    Log(*options_, "unsealed ledger secret " + std::to_string(secret->ledger_secret_version) +
                       " of service " + secret->service.service_id + " as '" + identity +
                       "' from the record at version " + std::to_string(version) +
                       " (signature verified)");
    kv::RecoveredSecret recovered;
    recovered.ledger_secret_version = secret->ledger_secret_version;
    recovered.secret = std::move(secret->secret);
    recovered.found_at_version = version;
    recovered.method = "local_unsealing";
    recovered.identities = {identity};
    // Authenticated: the identity this node's own sealed key is bound to,
    // whose signature of the record verified.
    recovered.previous_service_id = secret->service.service_id;
    return recovered;
  }
  return Fail({kv::ErrorCode::kCorruption, "the ledger reader returned more entries than its last version"});
}

kv::Status LocalUnsealingHook::OnRecovered(kv::Transaction& tx, const kv::RecoveredSecret& secret) {
  if (secret.identities.size() != 1) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "local unsealing: the recovered secret names " + std::to_string(secret.identities.size()) +
                             " identities; this hook unseals as exactly one");
  }
  auto record = SerializeRecord(MakeLastRecovery(v1::LOCAL_UNSEALING, secret.found_at_version,
                                                 secret.identities.front(), secret.previous_service_id,
                                                 secret.ledger_secret_version));
  if (!record) return std::unexpected(ToKvError(record.error()));
  return tx.Put(kLastRecovery, kv::AsBytes(kLastRecoveryKey), *record);
}

}  // namespace ledgerseal::sealing::internal
