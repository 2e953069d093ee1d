#include "snp/public/derived_key.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "snp/error_util.h"

namespace ledgerseal::snp {

std::string_view ErrorCodeName(DerivedKeyErrorCode code) {
  switch (code) {
    case DerivedKeyErrorCode::kDeviceUnavailable: return "device_unavailable";
    case DerivedKeyErrorCode::kIoctlFailed: return "ioctl_failed";
    case DerivedKeyErrorCode::kFirmwareError: return "firmware_error";
    case DerivedKeyErrorCode::kMalformedResponse: return "malformed_response";
    case DerivedKeyErrorCode::kInvalidRequest: return "invalid_request";
    case DerivedKeyErrorCode::kTcbAboveCommitted: return "tcb_above_committed";
    case DerivedKeyErrorCode::kPlatformStateError: return "platform_state_error";
  }
  return "unknown";
}

base::Expected<void, DerivedKeyError> ValidateRequest(const DerivedKeyRequest& request) {
  if ((request.guest_field_select & ~kAllFieldSelectBits) != 0) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "guest_field_select " + HexNumber(request.guest_field_select) +
                    " has unknown bits " +
                    HexNumber(request.guest_field_select & ~kAllFieldSelectBits) +
                    " (only bits 0..5, mask 0x3f, are defined)");
  }
  if (request.vmpl > kMaxVmpl) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "vmpl " + std::to_string(request.vmpl) + " is out of range (0..3)");
  }
  if (request.root_key != RootKey::kVcek && request.root_key != RootKey::kVmrk) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "root_key_select " + std::to_string(static_cast<uint32_t>(request.root_key)) +
                    " is unknown (0 = VCEK/VLEK, 1 = VMRK)");
  }
  if (request.key_select != KeySelect::kDefault && request.key_select != KeySelect::kVcek &&
      request.key_select != KeySelect::kVlek) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "key_select (KEY_SEL) " + std::to_string(static_cast<uint32_t>(request.key_select)) +
                    " is unknown (0 = VLEK if installed else VCEK, 1 = VCEK, 2 = VLEK; 3 is reserved)");
  }
  if (request.root_key == RootKey::kVmrk && request.key_select != KeySelect::kDefault) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "key_select (KEY_SEL) " + std::to_string(static_cast<uint32_t>(request.key_select)) +
                    " chooses an endorsement key, but the request uses the VMRK root; "
                    "KEY_SEL must be 0 with the VMRK");
  }
  return {};
}

uint32_t EncodeRootKeySelect(const DerivedKeyRequest& request) {
  return static_cast<uint32_t>(request.root_key) |
         (static_cast<uint32_t>(request.key_select) << kKeySelectShift);
}

base::Expected<void, DerivedKeyError> DecodeRootKeySelect(uint32_t word, DerivedKeyRequest& request) {
  if ((word & ~(kRootKeySelectMask | kKeySelectMask)) != 0) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "root_key_select " + HexNumber(word) + " sets reserved bits " +
                    HexNumber(word & ~(kRootKeySelectMask | kKeySelectMask)) +
                    " (only bit 0, ROOT_KEY_SEL, and bits 2:1, KEY_SEL, are defined)");
  }
  DerivedKeyRequest roots_only;  // checks the two root fields alone
  roots_only.root_key = static_cast<RootKey>(word & kRootKeySelectMask);
  roots_only.key_select = static_cast<KeySelect>((word & kKeySelectMask) >> kKeySelectShift);
  if (auto valid = ValidateRequest(roots_only); !valid) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "root_key_select " + HexNumber(word) + ": " + valid.error().message);
  }
  request.root_key = roots_only.root_key;
  request.key_select = roots_only.key_select;
  return {};
}

std::string RootKeyDescription(const DerivedKeyRequest& request) {
  if (request.root_key == RootKey::kVmrk) return "vmrk";
  switch (request.key_select) {
    case KeySelect::kDefault: return "default (VLEK if installed, else VCEK)";
    case KeySelect::kVcek: return "vcek";
    case KeySelect::kVlek: return "vlek";
  }
  return "unknown (KEY_SEL " + std::to_string(static_cast<uint32_t>(request.key_select)) + ")";
}

DerivedKey::DerivedKey(std::span<const uint8_t, kSize> bytes) {
  std::ranges::copy(bytes, bytes_.begin());
}

DerivedKey::DerivedKey(DerivedKey&& other) noexcept : bytes_(other.bytes_) {
  OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
}

DerivedKey& DerivedKey::operator=(DerivedKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

DerivedKey::~DerivedKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

}  // namespace ledgerseal::snp
