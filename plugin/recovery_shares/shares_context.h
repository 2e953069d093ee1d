// The byte strings that bind recovery shares to their context
// (docs/RECOVERY_SHARES.md, "Bindings"), and the checks records share.
#ifndef LEDGERSEAL_PLUGIN_RECOVERY_SHARES_SHARES_CONTEXT_H_
#define LEDGERSEAL_PLUGIN_RECOVERY_SHARES_SHARES_CONTEXT_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "plugin/public/recovery_shares.h"

namespace ledgerseal::recovery::internal {

// 1..kMaxMemberNameBytes of [A-Za-z0-9._-].
bool ValidMemberName(std::string_view name);

// AAD of the wrapped ledger secret.
std::vector<uint8_t> WrappedSecretAad(std::string_view service_id, uint64_t version);
// ECIES info L_ms of member share x of n (threshold k).
std::vector<uint8_t> ShareInfo(std::string_view service_id, uint64_t version, std::string_view member,
                               uint32_t x, uint32_t threshold, uint32_t share_count);
// SHA-256 of the commitment message over (service id, version, member, x, y).
kv::Bytes ShareCommitment(std::string_view service_id, uint64_t version, std::string_view member, uint32_t x,
                          std::span<const uint8_t> y);

// A parsed, shape-checked record. Errors: kMalformed, kUnknownFormatVersion,
// kUnsigned, with messages starting "recovery.shares: ".
struct ParsedRecord {
  v1::SignedRecoveryShares envelope;
  v1::RecoveryShares body;
};
SealingResult<ParsedRecord> ParseRecord(kv::ByteView record);

// kOk if the envelope's signature verifies under `identity`.
SealingStatus CheckSignature(const ParsedRecord& record, const kv::ServiceIdentity& identity);

}  // namespace ledgerseal::recovery::internal

#endif  // LEDGERSEAL_PLUGIN_RECOVERY_SHARES_SHARES_CONTEXT_H_
