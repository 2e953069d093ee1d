// The platform boundary: a provider of SEV-SNP style derived keys.
//
// A derived key is 32 bytes that only the same chip, running the same launch
// (as selected by `guest_field_select`), can obtain again. Everything in
// ledgerseal that is "sealed to the node" is ultimately keyed by one.
#ifndef LEDGERSEAL_SNP_PUBLIC_DERIVED_KEY_H_
#define LEDGERSEAL_SNP_PUBLIC_DERIVED_KEY_H_

#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ledgerseal::snp {

// GUEST_FIELD_SELECT bits of MSG_KEY_REQ (SEV-SNP ABI spec, table "Key
// Request Message"): which launch fields are mixed into the derived key.
enum FieldSelect : uint64_t {
  kFieldGuestPolicy = 1u << 0,
  kFieldImageId = 1u << 1,
  kFieldFamilyId = 1u << 2,
  kFieldMeasurement = 1u << 3,
  kFieldGuestSvn = 1u << 4,
  kFieldTcbVersion = 1u << 5,
};
inline constexpr uint64_t kAllFieldSelectBits = 0x3f;

// Highest VM permission level (VMPL0 is the most privileged).
inline constexpr uint32_t kMaxVmpl = 3;

// ROOT_KEY_SEL, bit 0 of MSG_KEY_REQ's first word: the chip's endorsement
// root (kVcek: the VCEK or the VLEK, as KeySelect chooses) or the VM root key.
enum class RootKey : uint32_t { kVcek = 0, kVmrk = 1 };

// KEY_SEL, bits 2:1 of MSG_KEY_REQ's first word (SEV-SNP ABI 1.55 and later;
// older firmware reserves these bits as zero): which endorsement key the
// kVcek root means. Only meaningful with RootKey::kVcek.
//   kDefault  the VLEK if the host installed one, otherwise the VCEK — so the
//             root of a kDefault key changes if a VLEK is installed or removed
//   kVcek     always the VCEK (chip-unique)
//   kVlek     always the VLEK; refused (INVALID_KEY) when none is installed
// Value 3 is reserved.
enum class KeySelect : uint32_t { kDefault = 0, kVcek = 1, kVlek = 2 };

// MSG_KEY_REQ's first word: ROOT_KEY_SEL in bit 0, KEY_SEL in bits 2:1, the
// rest reserved. This word is what ledgerseal stores as `root_key_select`.
inline constexpr uint32_t kRootKeySelectMask = 0x1;
inline constexpr uint32_t kKeySelectShift = 1;
inline constexpr uint32_t kKeySelectMask = 0x3u << kKeySelectShift;

// One derived-key request; mirrors `struct snp_derived_key_req` of
// <linux/sev-guest.h>. Stored verbatim next to everything sealed with the
// resulting key, so that unsealing repeats exactly the same request.
struct DerivedKeyRequest {
  RootKey root_key = RootKey::kVcek;
  KeySelect key_select = KeySelect::kDefault;
  uint64_t guest_field_select = kFieldMeasurement | kFieldTcbVersion;
  uint32_t vmpl = 0;
  uint32_t guest_svn = 0;
  // Only meaningful when kFieldTcbVersion is selected; must not exceed the
  // platform's committed TCB (the firmware refuses, and so does `virtual`).
  uint64_t tcb_version = 0;

  friend bool operator==(const DerivedKeyRequest&, const DerivedKeyRequest&) = default;
};

enum class DerivedKeyErrorCode {
  kDeviceUnavailable,   // no /dev/sev-guest (not an SNP guest), or cannot open it
  kIoctlFailed,         // the ioctl itself failed (errno in the message)
  kFirmwareError,       // the PSP answered with a non-zero status / fw_error
  kMalformedResponse,   // short or inconsistent response
  kInvalidRequest,      // e.g. unknown field-select bits, VMPL out of range
  kTcbAboveCommitted,   // requested TCB above the platform's committed TCB
  kPlatformStateError,  // virtual platform: unreadable/invalid machine secret or state
};

// Stable, human-readable name of a code ("device_unavailable", ...), for logs
// and metrics. Returns "unknown" for a value outside the enum. Thread-safe.
std::string_view ErrorCodeName(DerivedKeyErrorCode code);

struct DerivedKeyError {
  DerivedKeyErrorCode code;
  std::string message;  // never contains key material
};

// Checks what every platform checks before asking for a key: no
// field-select bits above kAllFieldSelectBits, vmpl <= kMaxVmpl, a known
// root key and key select, and KeySelect::kDefault with RootKey::kVmrk
// (KEY_SEL names an endorsement key, which a VMRK request does not use).
// Platform-specific rules (TCB at or below committed, guest SVN at
// or below the launch SVN, ...) are left to the provider.
// Errors: kInvalidRequest naming the offending field. Thread-safe.
base::Expected<void, DerivedKeyError> ValidateRequest(const DerivedKeyRequest& request);

// MSG_KEY_REQ's first word for `request`: root_key | key_select << 1.
// Equals static_cast<uint32_t>(request.root_key) when key_select is
// kDefault, so words stored before KEY_SEL was modelled read back unchanged.
uint32_t EncodeRootKeySelect(const DerivedKeyRequest& request);

// Sets request.root_key and request.key_select from a stored first word.
// Errors: kInvalidRequest for reserved bits (3 and up), the reserved KEY_SEL
// value 3, or KEY_SEL with the VMRK root (words 3 and 5); `request` is then
// unchanged. Thread-safe.
base::Expected<void, DerivedKeyError> DecodeRootKeySelect(uint32_t word, DerivedKeyRequest& request);

// "vcek", "vmrk", "vlek" or "default (VLEK if installed, else VCEK)": the
// root a request names, for messages and logs. Thread-safe.
std::string RootKeyDescription(const DerivedKeyRequest& request);

// 32 bytes of key material; wiped (OPENSSL_cleanse) when destroyed, and the
// source is wiped when moved from. Move-only so that copies of the key are
// explicit. Never log or print bytes(). Not synchronised: share across
// threads only as const.
class DerivedKey {
 public:
  static constexpr size_t kSize = 32;
  DerivedKey() = default;  // all zero
  // Copies `bytes`; the caller still owns (and should wipe) its buffer.
  explicit DerivedKey(std::span<const uint8_t, kSize> bytes);
  DerivedKey(DerivedKey&& other) noexcept;
  DerivedKey& operator=(DerivedKey&& other) noexcept;
  DerivedKey(const DerivedKey&) = delete;
  DerivedKey& operator=(const DerivedKey&) = delete;
  ~DerivedKey();

  // Valid as long as this object lives and is not moved from.
  std::span<const uint8_t, kSize> bytes() const { return bytes_; }

 private:
  std::array<uint8_t, kSize> bytes_{};
};

// A source of derived keys. Implementations: SevGuestProvider (real
// hardware), VirtualProvider (insecure software stand-in for tests/demo).
//
// Thread safety: implementations must allow concurrent GetDerivedKey calls.
class DerivedKeyProvider {
 public:
  virtual ~DerivedKeyProvider() = default;

  // Asks the platform for the key of `request`. Deterministic: the same
  // request on the same platform state yields the same key.
  // Errors: kInvalidRequest (see ValidateRequest, plus guest SVN above the
  // launch SVN), kTcbAboveCommitted, and platform-specific codes (device,
  // ioctl, firmware, malformed response, platform state).
  virtual base::Expected<DerivedKey, DerivedKeyError> GetDerivedKey(
      const DerivedKeyRequest& request) const = 0;

  // Short platform name stored with sealed data ("sev-guest", "virtual").
  // The view is valid for the program's lifetime.
  virtual std::string_view platform_name() const = 0;

  // The platform's committed TCB version, used as the default `tcb_version`
  // of new requests. May change at runtime (a firmware update is committed),
  // so callers should not cache it across requests they intend to repeat:
  // store the tcb_version actually used instead.
  virtual base::Expected<uint64_t, DerivedKeyError> CommittedTcb() const = 0;
};

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_PUBLIC_DERIVED_KEY_H_
