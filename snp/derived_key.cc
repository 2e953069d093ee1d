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
                    " is unknown (0 = VCEK, 1 = VMRK)");
  }
  return {};
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
