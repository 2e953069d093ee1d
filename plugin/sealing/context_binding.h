// Internal: the exact bytes that bind each sealed blob to its context — the
// AES-GCM AADs and the ECIES info of the wrapping key (L_wk, the RSA-OAEP
// label of format 2). Built with CanonicalEncoder; the
// layouts are specified in docs/FORMAT.md and pinned by
// context_binding_test.cc. Sealer and unsealer call the same functions, so
// they cannot drift apart.
#ifndef LEDGERSEAL_PLUGIN_SEALING_CONTEXT_BINDING_H_
#define LEDGERSEAL_PLUGIN_SEALING_CONTEXT_BINDING_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "plugin/proto/sealing.pb.h"

namespace ledgerseal::sealing::internal {

// The derivation parameters as one item list:
// u32 derivation_version, platform, u32 root_key_select,
// u64 guest_field_select, u32 vmpl, u32 guest_svn, u64 tcb_version.
std::vector<uint8_t> EncodeDerivationParams(const v1::DerivationParams& params);

// AAD_rk3 of SealedRecoveryKey.sealed_private_key (format 3: format 2's
// AAD_rk2 construction with the label "... v3"; docs/FORMAT.md §4.2): label, public_key_der, sealing_identity, node_id,
// EncodeDerivationParams(params) (as one item), key_id,
// u32 service_identity_algorithm, service_identity_public_key_der.
// The whole service SPKI is bound, not a hash of it: the unsealer trusts
// exactly the key it verifies signatures with.
std::vector<uint8_t> RecoveryKeyAad(std::span<const uint8_t> public_key_der,
                                    std::string_view sealing_identity, std::string_view node_id,
                                    const v1::DerivationParams& params,
                                    std::span<const uint8_t> key_id,
                                    uint32_t service_identity_algorithm,
                                    std::span<const uint8_t> service_identity_public_key_der);

// AAD of SealedShares.wrapped_ledger_secret:
// label, service_id, u64 ledger_secret_version.
std::vector<uint8_t> WrappedLedgerSecretAad(std::string_view service_id,
                                            uint64_t ledger_secret_version);

// L_wk, the ECIES info of NodeShare.encrypted_wrapping_key (the OAEP label
// of format 2):
// label, sealing_identity, node_id, service_id, u64 ledger_secret_version.
std::vector<uint8_t> WrappingKeyOaepLabel(std::string_view sealing_identity,
                                          std::string_view node_id, std::string_view service_id,
                                          uint64_t ledger_secret_version);

}  // namespace ledgerseal::sealing::internal

#endif  // LEDGERSEAL_PLUGIN_SEALING_CONTEXT_BINDING_H_
