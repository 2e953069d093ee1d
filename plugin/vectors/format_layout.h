// TEST ONLY: the AAD, label (OAEP label / ECIES info) and signed-message layouts of
// docs/FORMAT.md §4 and docs/SERVICE_IDENTITY.md §3-§5, written again from
// the documents rather than taken from plugin/sealing or kvstore_adapter, so
// that the conformance vectors check the reference implementation against
// the specification. (plugin/sealing/context_binding.h is internal to //plugin.)
#ifndef LEDGERSEAL_PLUGIN_VECTORS_FORMAT_LAYOUT_H_
#define LEDGERSEAL_PLUGIN_VECTORS_FORMAT_LAYOUT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ledgerseal::vectors {

// The vectors' name for the recovery keys of format 3 (ECDH P-256, sealed
// to with ECIES: crypto/public/ecies.h), field "recovery_key_algorithm".
inline constexpr std::string_view kRecoveryKeyAlgorithmP256 = "ecdh-p256";

// The stored derivation parameters (FORMAT.md §2, §5.1).
struct DerivationFields {
  uint32_t derivation_version = 0;
  std::string_view platform;
  uint32_t root_key_select = 0;
  uint64_t guest_field_select = 0;
  uint32_t vmpl = 0;
  uint32_t guest_svn = 0;
  uint64_t tcb_version = 0;
};

// FORMAT.md §4.1: P. Pure.
std::vector<uint8_t> EncodeP(const DerivationFields& params);

// FORMAT.md §4.2: AAD_rk of format 1. Pure.
std::vector<uint8_t> EncodeRecoveryKeyAad(std::span<const uint8_t> public_key_der,
                                          std::string_view sealing_identity,
                                          std::string_view node_id, const DerivationFields& params,
                                          std::span<const uint8_t> key_id);

// SERVICE_IDENTITY.md §3: AAD_rk2 of format 2 (label "... v2", then the
// service identity's algorithm and whole SPKI). Pure.
std::vector<uint8_t> EncodeRecoveryKeyAadV2(std::span<const uint8_t> public_key_der,
                                            std::string_view sealing_identity,
                                            std::string_view node_id, const DerivationFields& params,
                                            std::span<const uint8_t> key_id,
                                            uint32_t service_identity_algorithm,
                                            std::span<const uint8_t> service_identity_spki);

// FORMAT.md §4.2: AAD_rk3 of format 3, AAD_rk2 with the label "... v3" (the
// sealed key is an ECDH P-256 key). Pure.
std::vector<uint8_t> EncodeRecoveryKeyAadV3(std::span<const uint8_t> public_key_der,
                                            std::string_view sealing_identity,
                                            std::string_view node_id, const DerivationFields& params,
                                            std::span<const uint8_t> key_id,
                                            uint32_t service_identity_algorithm,
                                            std::span<const uint8_t> service_identity_spki);

// SERVICE_IDENTITY.md §4.1: the message a service signature covers,
// item domain || item SHA-256(signer_spki) || item body. Pure.
std::vector<uint8_t> EncodeSignedMessage(std::string_view domain, std::span<const uint8_t> signer_spki,
                                         std::span<const uint8_t> body);

// SERVICE_IDENTITY.md §5: the endorsement body, item u32(algorithm) ||
// item spki || item u64(recovery_count) || item u64(created_at_version) ||
// item u64(recovered_to_version) || item tail_digest. Pure.
std::vector<uint8_t> EncodeEndorsementBody(uint32_t algorithm, std::span<const uint8_t> spki,
                                           uint64_t recovery_count, uint64_t created_at_version,
                                           uint64_t recovered_to_version,
                                           std::span<const uint8_t> tail_digest);

// The lowercase hex of the first 16 bytes of SHA-256(spki): a service id
// (SERVICE_IDENTITY.md §1). Aborts if OpenSSL cannot digest. Pure.
std::string ServiceIdOfSpki(std::span<const uint8_t> spki);

// SHA-256 of `bytes`; aborts if OpenSSL cannot digest. Pure.
std::vector<uint8_t> Sha256Of(std::span<const uint8_t> bytes);

// FORMAT.md §4.3: AAD_ls. Pure.
std::vector<uint8_t> EncodeWrappedLedgerSecretAad(std::string_view service_id,
                                                  uint64_t ledger_secret_version);

// FORMAT.md §4.4: L_wk, the RSA-OAEP label of formats 1-2 and the ECIES
// info of format 3. Pure.
std::vector<uint8_t> EncodeWrappingKeyLabel(std::string_view sealing_identity,
                                            std::string_view node_id, std::string_view service_id,
                                            uint64_t ledger_secret_version);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_FORMAT_LAYOUT_H_
