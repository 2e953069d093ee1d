// Sealing policies: which launch fields a derived key is bound to, by name.
//
//   measurement+tcb       (default, as CCF) MEASUREMENT and TCB_VERSION:
//                         only this exact code image on this chip, at this
//                         TCB or later, can derive the key again.
//   family+image+svn+tcb  FAMILY_ID, IMAGE_ID, GUEST_SVN and TCB_VERSION: any
//                         image signed into the same ID block family/image,
//                         at this SVN or later, can derive it, so sealed data
//                         survives a code upgrade.
//   raw:0x2a              explicit GUEST_FIELD_SELECT bits, for experts.
#ifndef LEDGERSEAL_SNP_PUBLIC_POLICY_H_
#define LEDGERSEAL_SNP_PUBLIC_POLICY_H_

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "snp/public/derived_key.h"

namespace ledgerseal::snp {

struct PolicyPreset {
  std::string_view name;
  uint64_t field_select;
  std::string_view description;  // one line, for --help
};

inline constexpr std::string_view kDefaultPolicyName = "measurement+tcb";
inline constexpr std::string_view kRawPolicyPrefix = "raw:";

// The named presets, default first. Valid for the program's lifetime.
std::span<const PolicyPreset> PolicyPresets();

// Fields that identify the code running in the guest.
inline constexpr uint64_t kCodeIdentityBits = kFieldMeasurement | kFieldImageId | kFieldFamilyId;

// True if a key derived with `field_select` is bound to the code in the
// guest (at least one of MEASUREMENT, IMAGE_ID, FAMILY_ID). A key bound to
// the chip alone is derivable by any guest on that machine, including one
// the host launches: no policy may select that, and unsealing refuses stored
// parameters that do. Thread-safe.
bool BindsCode(uint64_t field_select);

// Field-select bits for a preset name or "raw:<bits>" (bits in hex with a 0x
// prefix, or decimal). A raw policy must bind the key to the code — select
// at least one of MEASUREMENT, IMAGE_ID, FAMILY_ID — because a key bound to
// the chip alone is derivable by any guest on that machine.
// Errors: kInvalidRequest, naming the valid presets and the raw syntax, for
// an unknown name, a malformed number, bits above 0x3f, or a raw policy
// that does not bind the code. Thread-safe.
base::Expected<uint64_t, DerivedKeyError> ParsePolicy(std::string_view text);

// Display name of `field_select`: the preset name when one matches exactly,
// otherwise "raw:0x.." (which ParsePolicy reads back when the bits are
// valid). Thread-safe.
std::string PolicyName(uint64_t field_select);

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_PUBLIC_POLICY_H_
