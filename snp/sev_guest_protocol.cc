#include "snp/sev_guest_protocol.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <memory>
#include <string>

#include "snp/error_util.h"
#include "snp/little_endian.h"

namespace ledgerseal::snp::sev_guest_protocol {
namespace {

// The kernel uapi structures must have exactly the ABI layout the firmware
// and driver expect; a mismatch would silently send garbage to the PSP.
static_assert(sizeof(snp_derived_key_req) == 0x20);
static_assert(offsetof(snp_derived_key_req, root_key_select) == 0x00);
static_assert(offsetof(snp_derived_key_req, rsvd) == 0x04);
static_assert(offsetof(snp_derived_key_req, guest_field_select) == 0x08);
static_assert(offsetof(snp_derived_key_req, vmpl) == 0x10);
static_assert(offsetof(snp_derived_key_req, guest_svn) == 0x14);
static_assert(offsetof(snp_derived_key_req, tcb_version) == 0x18);
static_assert(sizeof(snp_derived_key_resp) == 64);
static_assert(kKeyResponseKeyOffset + DerivedKey::kSize == kKeyResponseSize);
static_assert(sizeof(snp_report_req) == 96);
static_assert(offsetof(snp_report_req, user_data) == 0);
static_assert(offsetof(snp_report_req, vmpl) == 64);
static_assert(sizeof(snp_report_resp) == 4000);
static_assert(kReportResponseReportOffset + kReportMinSize <= sizeof(snp_report_resp));
static_assert(sizeof(snp_guest_request_ioctl) == 32);
static_assert(offsetof(snp_guest_request_ioctl, msg_version) == 0);
static_assert(offsetof(snp_guest_request_ioctl, req_data) == 8);
static_assert(offsetof(snp_guest_request_ioctl, resp_data) == 16);
static_assert(offsetof(snp_guest_request_ioctl, exitinfo2) == 24);

// fw_error value the driver reports when the request never reached the
// firmware (SEV_RET_NO_FW_CALL in <linux/psp-sev.h>).
constexpr uint32_t kNoFirmwareCall = 0xffffffffu;

// Names of SEV firmware status codes (<linux/psp-sev.h>, ABI spec "Status Codes").
constexpr std::array<std::string_view, 25> kFirmwareStatusNames = {
    "SUCCESS",          "INVALID_PLATFORM_STATE", "INVALID_GUEST_STATE",
    "INVALID_CONFIG",   "INVALID_LEN",            "ALREADY_OWNED",
    "INVALID_CERTIFICATE", "POLICY_FAILURE",      "INACTIVE",
    "INVALID_ADDRESS",  "BAD_SIGNATURE",          "BAD_MEASUREMENT",
    "ASID_OWNED",       "INVALID_ASID",           "WBINVD_REQUIRED",
    "DFFLUSH_REQUIRED", "INVALID_GUEST",          "INVALID_COMMAND",
    "ACTIVE",           "HWSEV_RET_PLATFORM",     "HWSEV_RET_UNSAFE",
    "UNSUPPORTED",      "INVALID_PARAM",          "RESOURCE_LIMIT",
    "SECURE_DATA_INVALID",
};
constexpr uint32_t kStatusInvalidParam = 0x16;

std::string FirmwareStatusText(uint32_t status) {
  if (status == kNoFirmwareCall) return "none (the request did not reach the firmware)";
  std::string text = HexNumber(status);
  if (status < kFirmwareStatusNames.size()) text += " (" + std::string(kFirmwareStatusNames[status]) + ")";
  if (status == kStatusInvalidParam) {
    text += " (e.g. TCB version above the committed TCB, guest SVN above the launch SVN, "
            "VMPL below the guest's own, or a reserved field-select bit)";
  }
  return text;
}

std::string VmmErrorText(uint32_t vmm_error) {
  std::string text = HexNumber(vmm_error);
  if (vmm_error == SNP_GUEST_VMM_ERR_INVALID_LEN) text += " (INVALID_LEN)";
  if (vmm_error == SNP_GUEST_VMM_ERR_BUSY) {
    text += " (BUSY: the hypervisor is throttling guest requests; retry later)";
  }
  return text;
}

// Wipes a response buffer when the exchange ends, however it ends.
class ScopedCleanse {
 public:
  explicit ScopedCleanse(std::span<uint8_t> bytes) : bytes_(bytes) {}
  ScopedCleanse(const ScopedCleanse&) = delete;
  ScopedCleanse& operator=(const ScopedCleanse&) = delete;
  ~ScopedCleanse() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

 private:
  std::span<uint8_t> bytes_;
};

snp_guest_request_ioctl MakeIoctl(const void* request, void* response) {
  snp_guest_request_ioctl io{};
  io.msg_version = kMessageVersion;
  io.req_data = reinterpret_cast<uintptr_t>(request);
  io.resp_data = reinterpret_cast<uintptr_t>(response);
  io.exitinfo2 = 0;
  return io;
}

}  // namespace

snp_derived_key_req EncodeKeyRequest(const DerivedKeyRequest& request) {
  snp_derived_key_req encoded{};
  encoded.root_key_select = static_cast<uint32_t>(request.root_key);
  encoded.rsvd = 0;
  encoded.guest_field_select = request.guest_field_select;
  encoded.vmpl = request.vmpl;
  encoded.guest_svn = request.guest_svn;
  encoded.tcb_version = request.tcb_version;
  return encoded;
}

base::Expected<DerivedKey, DerivedKeyError> ParseKeyResponse(
    std::span<const uint8_t, kKeyResponseSize> response) {
  const auto status = LoadLittleEndian<uint32_t>(response, kKeyResponseStatusOffset);
  if (status != 0) {
    return Fail(DerivedKeyErrorCode::kFirmwareError,
                "SNP_GET_DERIVED_KEY: firmware status " + FirmwareStatusText(status));
  }
  const auto key = response.subspan<kKeyResponseKeyOffset, DerivedKey::kSize>();
  // A real KDF output is all zero with probability 2^-256; an all-zero key
  // means the driver reported success without writing the response.
  if (std::ranges::all_of(key, [](uint8_t b) { return b == 0; })) {
    return Fail(DerivedKeyErrorCode::kMalformedResponse,
                "SNP_GET_DERIVED_KEY: status is success but the key field is all zero "
                "(the response was not written)");
  }
  return DerivedKey(key);
}

base::Expected<uint64_t, DerivedKeyError> ParseCommittedTcb(std::span<const uint8_t> response) {
  if (response.size() < kReportResponseReportOffset + kReportMinSize) {
    return Fail(DerivedKeyErrorCode::kMalformedResponse,
                "SNP_GET_REPORT: response buffer of " + std::to_string(response.size()) +
                    " bytes is too small for an attestation report");
  }
  const auto status = LoadLittleEndian<uint32_t>(response, kReportResponseStatusOffset);
  if (status != 0) {
    return Fail(DerivedKeyErrorCode::kFirmwareError,
                "SNP_GET_REPORT: firmware status " + FirmwareStatusText(status));
  }
  const auto report_size = LoadLittleEndian<uint32_t>(response, kReportResponseSizeOffset);
  if (report_size < kReportMinSize ||
      report_size > response.size() - kReportResponseReportOffset) {
    return Fail(DerivedKeyErrorCode::kMalformedResponse,
                "SNP_GET_REPORT: REPORT_SIZE " + std::to_string(report_size) +
                    " is outside the valid range " + std::to_string(kReportMinSize) + ".." +
                    std::to_string(response.size() - kReportResponseReportOffset));
  }
  const auto report = response.subspan(kReportResponseReportOffset, report_size);
  const auto version = LoadLittleEndian<uint32_t>(report, kReportVersionOffset);
  if (version < kReportMinVersionWithCommittedTcb) {
    return Fail(DerivedKeyErrorCode::kMalformedResponse,
                "SNP_GET_REPORT: attestation report version " + std::to_string(version) +
                    " has no COMMITTED_TCB field (needs version 2 or later; update the "
                    "SEV firmware)");
  }
  return LoadLittleEndian<uint64_t>(report, kReportCommittedTcbOffset);
}

base::Expected<void, DerivedKeyError> CheckIoctlOutcome(std::string_view what, int errno_value,
                                                      uint64_t exitinfo2) {
  const auto fw_error = static_cast<uint32_t>(exitinfo2 & 0xffffffffu);
  const auto vmm_error = static_cast<uint32_t>(exitinfo2 >> SNP_GUEST_VMM_ERR_SHIFT);
  const bool firmware_refused = fw_error != 0 && fw_error != kNoFirmwareCall;
  const std::string codes =
      "fw_error " + FirmwareStatusText(fw_error) + ", vmm_error " + VmmErrorText(vmm_error);
  const std::string name(what);
  if (errno_value == 0) {
    if (!firmware_refused && vmm_error == 0) return {};
    return Fail(DerivedKeyErrorCode::kMalformedResponse,
                name + ": the ioctl succeeded but exitinfo2 reports an error (" + codes + ")");
  }
  if (firmware_refused) {
    return Fail(DerivedKeyErrorCode::kFirmwareError,
                name + ": refused by the firmware: " + codes + "; " + ErrnoText(errno_value));
  }
  std::string hint;
  if (errno_value == ENOTTY) {
    hint = " (the file does not accept SNP guest requests: is it really /dev/sev-guest?)";
  }
  return Fail(DerivedKeyErrorCode::kIoctlFailed,
              name + ": ioctl failed: " + ErrnoText(errno_value) + hint + "; " + codes);
}

base::Expected<DerivedKey, DerivedKeyError> RequestDerivedKey(
    std::span<uint8_t, kKeyResponseSize> response_scratch, const GuestDevice& device,
    const DerivedKeyRequest& request) {
  const ScopedCleanse wipe_response(response_scratch);
  std::ranges::fill(response_scratch, uint8_t{0});
  if (auto valid = ValidateRequest(request); !valid) return std::unexpected(valid.error());

  const snp_derived_key_req encoded = EncodeKeyRequest(request);
  snp_guest_request_ioctl io = MakeIoctl(&encoded, response_scratch.data());
  const int errno_value = device.Ioctl(SNP_GET_DERIVED_KEY, io);
  if (auto outcome = CheckIoctlOutcome("SNP_GET_DERIVED_KEY", errno_value, io.exitinfo2);
      !outcome) {
    return std::unexpected(outcome.error());
  }
  return ParseKeyResponse(response_scratch);
}

base::Expected<uint64_t, DerivedKeyError> RequestCommittedTcb(const GuestDevice& device,
                                                             uint32_t report_vmpl) {
  snp_report_req encoded{};
  encoded.vmpl = report_vmpl;
  auto response = std::make_unique<snp_report_resp>();  // 4000 bytes: keep off the stack
  snp_guest_request_ioctl io = MakeIoctl(&encoded, response.get());
  const int errno_value = device.Ioctl(SNP_GET_REPORT, io);
  if (auto outcome = CheckIoctlOutcome("SNP_GET_REPORT", errno_value, io.exitinfo2); !outcome) {
    return std::unexpected(outcome.error());
  }
  return ParseCommittedTcb(response->data);
}

}  // namespace ledgerseal::snp::sev_guest_protocol
