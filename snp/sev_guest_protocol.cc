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

// exitinfo2 values the sev-guest driver leaves when the request never reached
// the firmware (it failed in the driver: bad msg_version, disabled VMPCK,
// unknown command, copy or encryption failure, ...). Linux up to 6.3 presets
// the whole word to 0xff (`fw_err = 0xff`); later kernels preset it to
// SEV_RET_NO_FW_CALL (-1), i.e. all ones. 0xff is no firmware status (the
// ABI's codes end at 0x27), so neither is one.
constexpr uint64_t kLegacyNoFirmwareCall = 0xff;
constexpr uint64_t kNoFirmwareCall = ~uint64_t{0};
// fw_error half of SEV_RET_NO_FW_CALL, as a driver that fills only fw_error
// (or a hypervisor error next to it) leaves it.
constexpr uint32_t kNoFirmwareCallFwError = 0xffffffffu;

// SEV-SNP firmware status codes (ABI spec #56860, "Status Codes"; the same
// values as sev_ret_code in <linux/psp-sev.h>). 0x1E is not assigned.
struct FirmwareStatus {
  uint32_t code;
  std::string_view name;
};
constexpr std::array<FirmwareStatus, 39> kFirmwareStatuses = {{
    {0x00, "SUCCESS"},
    {0x01, "INVALID_PLATFORM_STATE"},
    {0x02, "INVALID_GUEST_STATE"},
    {0x03, "INVALID_CONFIG"},
    {0x04, "INVALID_LENGTH"},
    {0x05, "ALREADY_OWNED"},
    {0x06, "INVALID_CERTIFICATE"},
    {0x07, "POLICY_FAILURE"},
    {0x08, "INACTIVE"},
    {0x09, "INVALID_ADDRESS"},
    {0x0a, "BAD_SIGNATURE"},
    {0x0b, "BAD_MEASUREMENT"},
    {0x0c, "ASID_OWNED"},
    {0x0d, "INVALID_ASID"},
    {0x0e, "WBINVD_REQUIRED"},
    {0x0f, "DF_FLUSH_REQUIRED"},
    {0x10, "INVALID_GUEST"},
    {0x11, "INVALID_COMMAND"},
    {0x12, "ACTIVE"},
    {0x13, "HWERROR_PLATFORM"},
    {0x14, "HWERROR_UNSAFE"},
    {0x15, "UNSUPPORTED"},
    {0x16, "INVALID_PARAM"},
    {0x17, "RESOURCE_LIMIT"},
    {0x18, "SECURE_DATA_INVALID"},
    {0x19, "INVALID_PAGE_SIZE"},
    {0x1a, "INVALID_PAGE_STATE"},
    {0x1b, "INVALID_MDATA_ENTRY"},
    {0x1c, "INVALID_PAGE_OWNER"},
    {0x1d, "AEAD_OFLOW"},
    {0x1f, "RING_BUFFER_EXIT"},
    {0x20, "RMP_INIT_REQUIRED"},
    {0x21, "BAD_SVN"},
    {0x22, "BAD_VERSION"},
    {0x23, "SHUTDOWN_REQUIRED"},
    {0x24, "UPDATE_FAILED"},
    {0x25, "RESTORE_REQUIRED"},
    {0x26, "RMP_INITIALIZATION_FAILED"},
    {0x27, "INVALID_KEY"},
}};
constexpr uint32_t kStatusInvalidParam = 0x16;
constexpr uint32_t kStatusInvalidKey = 0x27;

std::string FirmwareStatusText(uint32_t status) {
  if (status == kNoFirmwareCallFwError) return "none (the request did not reach the firmware)";
  std::string text = HexNumber(status);
  const auto* known = std::ranges::find(kFirmwareStatuses, status, &FirmwareStatus::code);
  text += known != kFirmwareStatuses.end() ? " (" + std::string(known->name) + ")"
                                           : " (not a status code of the SNP ABI)";
  if (status == kStatusInvalidParam) {
    text += " (e.g. TCB version above the committed TCB, guest SVN above the launch SVN, "
            "VMPL below the guest's own, or a reserved field-select bit)";
  }
  if (status == kStatusInvalidKey) {
    text += " (the selected root key is not available: KEY_SEL VLEK while no VLEK is installed)";
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
  encoded.root_key_select = EncodeRootKeySelect(request);
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

static bool RequestDidNotReachFirmware(uint64_t exitinfo2) {
  return exitinfo2 == kLegacyNoFirmwareCall || exitinfo2 == kNoFirmwareCall ||
         static_cast<uint32_t>(exitinfo2 & 0xffffffffu) == kNoFirmwareCallFwError;
}

base::Expected<void, DerivedKeyError> CheckIoctlOutcome(std::string_view what, int errno_value,
                                                      uint64_t exitinfo2) {
  const auto fw_error = static_cast<uint32_t>(exitinfo2 & 0xffffffffu);
  const auto vmm_error = static_cast<uint32_t>(exitinfo2 >> SNP_GUEST_VMM_ERR_SHIFT);
  const bool no_firmware_call = RequestDidNotReachFirmware(exitinfo2);
  const std::string name(what);
  std::string codes;
  if (exitinfo2 == kLegacyNoFirmwareCall || exitinfo2 == kNoFirmwareCall) {
    codes = "exitinfo2 " + HexNumber(exitinfo2) +
            " (the driver's marker for a request that did not reach the firmware; "
            "not a firmware status)";
  } else {
    codes = "fw_error " + FirmwareStatusText(fw_error) + ", vmm_error " + VmmErrorText(vmm_error);
  }
  const bool firmware_refused = !no_firmware_call && fw_error != 0;
  if (errno_value == 0) {
    // A driver that succeeded may leave its "no firmware call" preset in
    // place (Linux 6.1 writes exitinfo2 only on failure); the response's own
    // STATUS word is checked next.
    const bool preset_only = exitinfo2 == kLegacyNoFirmwareCall || exitinfo2 == kNoFirmwareCall ||
                             exitinfo2 == kNoFirmwareCallFwError;
    if (exitinfo2 == 0 || preset_only) return {};
    return Fail(DerivedKeyErrorCode::kMalformedResponse,
                name + ": the ioctl succeeded but exitinfo2 reports an error (" + codes + ")");
  }
  if (firmware_refused) {
    return Fail(DerivedKeyErrorCode::kFirmwareError,
                name + ": refused by the firmware: " + codes + "; " + ErrnoText(errno_value));
  }
  std::string hint;
  if (errno_value == ENOTTY) {
    hint = " (the device refused the request: either the file is not the SNP guest device "
           "/dev/sev-guest, or the sev-guest driver has disabled its VMPCK after an earlier "
           "failed guest request and refuses every request since; look for \"VMPCK is "
           "disabled\" in the kernel log; only a restart of the guest restores it)";
  }
  const std::string where = no_firmware_call
                                ? "the request did not reach the firmware (it failed in the "
                                  "driver or the hypervisor)"
                                : "ioctl failed";
  return Fail(DerivedKeyErrorCode::kIoctlFailed,
              name + ": " + where + ": " + ErrnoText(errno_value) + hint + "; " + codes);
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
