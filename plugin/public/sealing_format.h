// Constants of the sealed formats (docs/FORMAT.md): versions, table names,
// sizes and the domain-separation labels. Changing any value here changes
// the bytes on the ledger: bump the matching version instead.
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_SEALING_FORMAT_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_SEALING_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ledgerseal::sealing {

// `format_version` of SealedRecoveryKey, SealedShares and LastRecovery.
inline constexpr uint32_t kFormatVersion = 1;
// `DerivationParams.derivation_version`: request layout + HKDF labels below.
inline constexpr uint32_t kDerivationVersion = 1;

// Public-domain tables (docs/FORMAT.md §5).
inline constexpr std::string_view kRecoveryKeysTable = "sealing.recovery_keys";
inline constexpr std::string_view kSharesTable = "sealing.shares";
inline constexpr std::string_view kLastRecoveryTable = "sealing.last_recovery";

// HKDF-SHA256 info strings (salt empty, ikm = the 32-byte derived key).
inline constexpr std::string_view kSealingKeyInfo = "ledgerseal local sealing key v1";
inline constexpr std::string_view kKeyIdInfo = "ledgerseal sealing key id v1";

// First item of each AAD / OAEP label (domain separation).
inline constexpr std::string_view kRecoveryKeyAadLabel = "ledgerseal sealed recovery key v1";
inline constexpr std::string_view kWrappedLedgerSecretAadLabel =
    "ledgerseal wrapped ledger secret v1";
inline constexpr std::string_view kWrappingKeyOaepLabel = "ledgerseal wrapping key v1";

inline constexpr size_t kSealingKeyBytes = 32;
inline constexpr size_t kKeyIdBytes = 16;
inline constexpr size_t kWrappingKeyBytes = 32;
inline constexpr size_t kLedgerSecretBytes = 32;

// Sealing identities, node ids and service ids: 1..kMaxNameBytes bytes of
// well-formed UTF-8 (they are proto3 `string` fields).
inline constexpr size_t kMaxNameBytes = 1024;
// Platform names stored in DerivationParams: 1..kMaxPlatformNameBytes bytes.
inline constexpr size_t kMaxPlatformNameBytes = 64;

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_SEALING_FORMAT_H_
