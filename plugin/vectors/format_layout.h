// TEST ONLY: the AAD and OAEP-label layouts of docs/FORMAT.md §4, written
// again from the document rather than taken from plugin/sealing, so that the
// conformance vectors check the reference implementation against the spec.
// (plugin/sealing/context_binding.h is internal to //plugin.)
#ifndef LEDGERSEAL_PLUGIN_VECTORS_FORMAT_LAYOUT_H_
#define LEDGERSEAL_PLUGIN_VECTORS_FORMAT_LAYOUT_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ledgerseal::vectors {

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

// FORMAT.md §4.2: AAD_rk. Pure.
std::vector<uint8_t> EncodeRecoveryKeyAad(std::span<const uint8_t> public_key_der,
                                          std::string_view sealing_identity,
                                          std::string_view node_id, const DerivationFields& params,
                                          std::span<const uint8_t> key_id);

// FORMAT.md §4.3: AAD_ls. Pure.
std::vector<uint8_t> EncodeWrappedLedgerSecretAad(std::string_view service_id,
                                                  uint64_t ledger_secret_version);

// FORMAT.md §4.4: L_wk. Pure.
std::vector<uint8_t> EncodeWrappingKeyLabel(std::string_view sealing_identity,
                                            std::string_view node_id, std::string_view service_id,
                                            uint64_t ledger_secret_version);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_FORMAT_LAYOUT_H_
