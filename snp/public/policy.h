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

// ------------------------------------------------------------- root key
// Which endorsement key a sealing key derives from (KEY_SEL of MSG_KEY_REQ,
// ROOT_KEY_SEL always VCEK/VLEK — never the VMRK, which on hardware is new
// for every launch unless a migration agent supplies it). Config values:
//   default  the VLEK if the host installed one, else the VCEK (what every
//            key sealed before this choice existed used; stored word 0).
//            Installing or removing a VLEK changes the key.
//   vcek     always the VCEK: bound to this one chip (stored word 2).
//   vlek     always the VLEK: shared by every chip the cloud provider loaded
//            it on (at that TCB), so NOT bound to one chip; refused where no
//            VLEK is installed (stored word 4).
struct RootKeyChoice {
  std::string_view name;
  KeySelect key_select;
  std::string_view description;  // one line, for --help
};
inline constexpr std::string_view kDefaultRootKeyName = "default";

// The choices above, default first. Valid for the program's lifetime.
std::span<const RootKeyChoice> RootKeyChoices();

// KEY_SEL for "default", "vcek" or "vlek". Errors: kInvalidRequest naming
// the valid choices. Thread-safe.
base::Expected<KeySelect, DerivedKeyError> ParseRootKey(std::string_view text);

// The config name of `key_select` ("default", "vcek", "vlek"). Thread-safe.
std::string_view RootKeyName(KeySelect key_select);

// ------------------------------------------------------- sealing policy
// Everything configuration decides about a sealing request: field-select
// bits (ParsePolicy), root key (ParseRootKey) and the request VMPL. A guest
// at VMPL n (n >= 1 under an SVSM) must ask with vmpl >= n: the firmware
// refuses a more privileged level (INVALID_PARAM), and so does `virtual`.
// The VMPL is mixed into the key, so it is stored and must stay the same.
struct SealingPolicy {
  uint64_t field_select = kFieldMeasurement | kFieldTcbVersion;
  KeySelect key_select = KeySelect::kDefault;
  uint32_t vmpl = 0;

  friend bool operator==(const SealingPolicy&, const SealingPolicy&) = default;
};

// Parses the three settings. Errors: kInvalidRequest from ParsePolicy or
// ParseRootKey, or for vmpl > kMaxVmpl. Thread-safe.
base::Expected<SealingPolicy, DerivedKeyError> MakeSealingPolicy(
    std::string_view policy, std::string_view root_key = kDefaultRootKeyName, uint32_t vmpl = 0);

// Writes the policy into `request`: guest_field_select, root_key (always
// RootKey::kVcek, the endorsement-key root), key_select and vmpl; leaves
// guest_svn and tcb_version alone. Thread-safe.
void ApplySealingPolicy(const SealingPolicy& policy, DerivedKeyRequest& request);

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_PUBLIC_POLICY_H_
