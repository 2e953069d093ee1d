// The simulated launch of a guest on the `virtual` platform: the fields an
// SEV-SNP guest gets from its launch (measurement, policy, ID block, TCB,
// chip) that a derived key can be bound to. Serialisable to and from JSON so
// tests and node configuration can describe a platform.
#ifndef LEDGERSEAL_SNP_PUBLIC_VIRTUAL_LAUNCH_H_
#define LEDGERSEAL_SNP_PUBLIC_VIRTUAL_LAUNCH_H_

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "snp/public/derived_key.h"

namespace ledgerseal::snp {

struct VirtualLaunch {
  std::array<uint8_t, 48> measurement{};  // MEASUREMENT (SHA-384 of the launch image)
  uint64_t guest_policy = 0x30000;        // GUEST_POLICY; bit 17 is reserved-one, bit 16 SMT allowed
  std::array<uint8_t, 16> family_id{};    // FAMILY_ID of the ID block
  std::array<uint8_t, 16> image_id{};     // IMAGE_ID of the ID block
  uint32_t guest_svn = 0;                 // GUEST_SVN of the ID block
  uint64_t committed_tcb = 0;             // the platform's COMMITTED_TCB
  uint32_t vmpl = 0;                      // the guest's own VMPL (requests may not go below it)
  // Whether the host installed a VLEK (SNP_VLEK_LOAD): decides the root of
  // KeySelect::kDefault requests, and whether kVlek requests are refused.
  bool vlek_installed = false;
  // CHIP_ID; when absent, the platform derives one from its machine secret
  // (one chip per machine secret, like real hardware).
  std::optional<std::array<uint8_t, 64>> chip_id;

  friend bool operator==(const VirtualLaunch&, const VirtualLaunch&) = default;
};

// Parses a JSON object. Every key is optional (missing ones keep the
// defaults above); unknown keys are rejected so that a typo cannot silently
// leave a field at its default. Byte fields are lower- or upper-case hex
// strings of exactly their size; guest_svn and vmpl are numbers,
// vlek_installed a boolean; guest_policy
// and committed_tcb are numbers or "0x..." hex strings. Example:
//   {"measurement": "ab…(96 hex digits)", "guest_policy": "0x30000",
//    "family_id": "00…(32)", "image_id": "00…(32)", "guest_svn": 2,
//    "committed_tcb": "0xdb18000000000004", "vmpl": 0, "vlek_installed": false,
//    "chip_id": "…(128)"}
// Errors: kPlatformStateError naming the key and what is wrong. Thread-safe.
base::Expected<VirtualLaunch, DerivedKeyError> ParseVirtualLaunchJson(std::string_view json_text);

// The JSON object ParseVirtualLaunchJson reads back to an equal VirtualLaunch
// (u64 fields as "0x..." strings; chip_id omitted when absent, vlek_installed
// when false). Thread-safe.
std::string VirtualLaunchToJson(const VirtualLaunch& launch);

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_PUBLIC_VIRTUAL_LAUNCH_H_
