// Constants of the sealed formats (docs/FORMAT.md): versions, table names,
// sizes and the domain-separation labels. Changing any value here changes
// the bytes on the ledger: bump the matching version instead.
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_SEALING_FORMAT_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_SEALING_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ledgerseal::sealing {

// `format_version` of SealedRecoveryKey, of the SealedShares body and of its
// SignedSealedShares envelope (the `sealing.shares` value). Format 2 bound
// every recovery key to a service identity and signed every shares record
// (docs/SERVICE_IDENTITY.md); format 3 keeps that binding, envelope and
// signature, and replaces the RSA-OAEP recovery keys with ECIES P-256 ones
// (crypto/public/ecies.h): P-256 SPKI and PKCS#8 in SealedRecoveryKey, and
// NodeShare.encrypted_wrapping_key = EciesP256Seal(.., info = L_wk).
inline constexpr uint32_t kFormatVersion = 3;
// Format 2: signed, but with RSA-OAEP recovery keys. Recognised only to be
// refused with a message saying so (a format 2 ledger is recovered by the
// build that wrote it).
inline constexpr uint32_t kRsaFormatVersion = 2;
// Format 1: written before service identities. Its records bind no service,
// so they cannot be told apart from a forgery made from public data; they
// are recognised only to be refused with a message saying so.
inline constexpr uint32_t kUnsignedFormatVersion = 1;
// `format_version` of LastRecovery: its layout did not change with format 2.
inline constexpr uint32_t kLastRecoveryFormatVersion = 1;
// `DerivationParams.derivation_version`: request layout + HKDF labels below.
inline constexpr uint32_t kDerivationVersion = 1;

// Public-domain tables (docs/FORMAT.md §5).
inline constexpr std::string_view kRecoveryKeysTable = "sealing.recovery_keys";
inline constexpr std::string_view kSharesTable = "sealing.shares";
inline constexpr std::string_view kLastRecoveryTable = "sealing.last_recovery";

// HKDF-SHA256 info strings (salt empty, ikm = the 32-byte derived key).
inline constexpr std::string_view kSealingKeyInfo = "ledgerseal local sealing key v1";
inline constexpr std::string_view kKeyIdInfo = "ledgerseal sealing key id v1";

// First item of each AAD / ECIES info (domain separation). The recovery
// key's AAD gained the service identity in format 2 ("v2") and seals a P-256
// key in format 3 ("v3").
inline constexpr std::string_view kRecoveryKeyAadLabel = "ledgerseal sealed recovery key v3";
inline constexpr std::string_view kWrappedLedgerSecretAadLabel =
    "ledgerseal wrapped ledger secret v1";
// First item of L_wk, the ECIES info of NodeShare.encrypted_wrapping_key
// (the RSA-OAEP label of format 2, unchanged; hence the name).
inline constexpr std::string_view kWrappingKeyOaepLabel = "ledgerseal wrapping key v1";

inline constexpr size_t kSealingKeyBytes = 32;
inline constexpr size_t kKeyIdBytes = 16;
inline constexpr size_t kWrappingKeyBytes = 32;
inline constexpr size_t kLedgerSecretBytes = 32;
// NodeShare.encrypted_wrapping_key in format 3: ECIES overhead (93 bytes)
// plus the wrapping key.
inline constexpr size_t kEncryptedWrappingKeyBytes = 93 + kWrappingKeyBytes;

// Sealing identities, node ids and service ids: 1..kMaxNameBytes bytes of
// well-formed UTF-8 (they are proto3 `string` fields).
inline constexpr size_t kMaxNameBytes = 1024;
// Platform names stored in DerivationParams: 1..kMaxPlatformNameBytes bytes.
inline constexpr size_t kMaxPlatformNameBytes = 64;

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_SEALING_FORMAT_H_
