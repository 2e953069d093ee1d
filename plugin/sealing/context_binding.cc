#include "plugin/sealing/context_binding.h"

#include "plugin/public/sealing_format.h"
#include "base/canonical_items.h"

namespace ledgerseal::sealing::internal {

using base::CanonicalEncoder;

std::vector<uint8_t> EncodeDerivationParams(const v1::DerivationParams& params) {
  return CanonicalEncoder()
      .AddU32(params.derivation_version())
      .AddString(params.platform())
      .AddU32(params.root_key_select())
      .AddU64(params.guest_field_select())
      .AddU32(params.vmpl())
      .AddU32(params.guest_svn())
      .AddU64(params.tcb_version())
      .Finish();
}

std::vector<uint8_t> RecoveryKeyAad(std::span<const uint8_t> public_key_der,
                                    std::string_view sealing_identity, std::string_view node_id,
                                    const v1::DerivationParams& params,
                                    std::span<const uint8_t> key_id,
                                    uint32_t service_identity_algorithm,
                                    std::span<const uint8_t> service_identity_public_key_der) {
  return CanonicalEncoder()
      .AddString(kRecoveryKeyAadLabel)
      .AddBytes(public_key_der)
      .AddString(sealing_identity)
      .AddString(node_id)
      .AddBytes(EncodeDerivationParams(params))
      .AddBytes(key_id)
      .AddU32(service_identity_algorithm)
      .AddBytes(service_identity_public_key_der)
      .Finish();
}

std::vector<uint8_t> WrappedLedgerSecretAad(std::string_view service_id,
                                            uint64_t ledger_secret_version) {
  return CanonicalEncoder()
      .AddString(kWrappedLedgerSecretAadLabel)
      .AddString(service_id)
      .AddU64(ledger_secret_version)
      .Finish();
}

std::vector<uint8_t> WrappingKeyOaepLabel(std::string_view sealing_identity,
                                          std::string_view node_id, std::string_view service_id,
                                          uint64_t ledger_secret_version) {
  return CanonicalEncoder()
      .AddString(kWrappingKeyOaepLabel)
      .AddString(sealing_identity)
      .AddString(node_id)
      .AddString(service_id)
      .AddU64(ledger_secret_version)
      .Finish();
}

}  // namespace ledgerseal::sealing::internal
