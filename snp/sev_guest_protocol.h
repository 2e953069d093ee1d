// The SEV-SNP guest-message layouts ledgerseal uses (AMD SEV-SNP ABI spec,
// #56860: MSG_KEY_REQ/MSG_KEY_RSP, MSG_REPORT_REQ/MSG_REPORT_RSP and the
// ATTESTATION_REPORT), and the two request/response exchanges over a
// GuestDevice. Internal to snp/; split from SevGuestProvider so tests can
// check encoding, decoding and buffer wiping one step at a time.
#ifndef LEDGERSEAL_SNP_SEV_GUEST_PROTOCOL_H_
#define LEDGERSEAL_SNP_SEV_GUEST_PROTOCOL_H_

#include <linux/sev-guest.h>
#include <sys/ioctl.h>  // _IOWR, used by SNP_GET_REPORT / SNP_GET_DERIVED_KEY

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>

#include "snp/public/derived_key.h"
#include "snp/public/sev_guest.h"

namespace ledgerseal::snp::sev_guest_protocol {

// snp_guest_request_ioctl.msg_version for both messages (ABI version 1).
inline constexpr uint8_t kMessageVersion = 1;

// MSG_KEY_RSP: STATUS (u32 LE) at 0x00, reserved to 0x1f, DERIVED_KEY at 0x20..0x3f.
inline constexpr size_t kKeyResponseSize = sizeof(snp_derived_key_resp::data);
inline constexpr size_t kKeyResponseStatusOffset = 0x00;
inline constexpr size_t kKeyResponseKeyOffset = 0x20;

// MSG_REPORT_RSP: STATUS (u32) at 0x00, REPORT_SIZE (u32) at 0x04, reserved
// to 0x1f, then the ATTESTATION_REPORT at 0x20.
inline constexpr size_t kReportResponseStatusOffset = 0x00;
inline constexpr size_t kReportResponseSizeOffset = 0x04;
inline constexpr size_t kReportResponseReportOffset = 0x20;

// ATTESTATION_REPORT: VERSION (u32) at 0x000, COMMITTED_TCB (u64) at 0x1E0
// (present from report version 2 on); the signed report is 0x4A0 bytes.
inline constexpr size_t kReportVersionOffset = 0x000;
inline constexpr size_t kReportCommittedTcbOffset = 0x1E0;
inline constexpr size_t kReportMinSize = 0x4A0;
inline constexpr uint32_t kReportMinVersionWithCommittedTcb = 2;

// MSG_KEY_REQ for `request`, field by field. Precondition: ValidateRequest passed.
snp_derived_key_req EncodeKeyRequest(const DerivedKeyRequest& request);

// Decodes MSG_KEY_RSP. Does not wipe `response` (the caller does).
// Errors: kFirmwareError for a non-zero STATUS; kMalformedResponse when the
// status says success but the key field is all zero (nothing was written).
base::Expected<DerivedKey, DerivedKeyError> ParseKeyResponse(
    std::span<const uint8_t, kKeyResponseSize> response);

// COMMITTED_TCB from a MSG_REPORT_RSP held in `response` (the whole
// snp_report_resp buffer). Errors: kFirmwareError (STATUS), kMalformedResponse
// (REPORT_SIZE below kReportMinSize or beyond the buffer, report version < 2).
base::Expected<uint64_t, DerivedKeyError> ParseCommittedTcb(std::span<const uint8_t> response);

// Classifies the outcome of a guest-request ioctl named `what`:
//  - errno_value == 0 with exitinfo2 == 0, or with only the driver's "no
//    firmware call" preset (0xff on Linux <= 6.3, all ones or fw_error
//    0xffffffff later) → success (the response STATUS is checked next);
//  - errno_value != 0 with that preset → kIoctlFailed, "the request did not
//    reach the firmware" (a driver- or hypervisor-level failure), with errno;
//  - errno_value != 0 with another non-zero fw_error (exitinfo2[31:0]) →
//    kFirmwareError, naming the status;
//  - errno_value != 0 otherwise → kIoctlFailed (with vmm_error from
//    exitinfo2[63:32]); ENOTTY gets a hint (not the guest device, or a VMPCK
//    the driver disabled after an earlier error);
//  - errno_value == 0 with any other exitinfo2 → kMalformedResponse.
// Every message carries errno and exitinfo2 (as fw_error and vmm_error).
base::Expected<void, DerivedKeyError> CheckIoctlOutcome(std::string_view what, int errno_value,
                                                      uint64_t exitinfo2);

// One SNP_GET_DERIVED_KEY exchange with `response_scratch` as the driver's
// response buffer. `response_scratch` is wiped (OPENSSL_cleanse) before
// returning on every path. Errors: ValidateRequest, CheckIoctlOutcome,
// ParseKeyResponse.
base::Expected<DerivedKey, DerivedKeyError> RequestDerivedKey(
    std::span<uint8_t, kKeyResponseSize> response_scratch, const GuestDevice& device,
    const DerivedKeyRequest& request);

// One SNP_GET_REPORT exchange (zero user data, VMPL `report_vmpl`), returning
// the report's COMMITTED_TCB. Errors: CheckIoctlOutcome, ParseCommittedTcb.
base::Expected<uint64_t, DerivedKeyError> RequestCommittedTcb(const GuestDevice& device,
                                                             uint32_t report_vmpl);

}  // namespace ledgerseal::snp::sev_guest_protocol

#endif  // LEDGERSEAL_SNP_SEV_GUEST_PROTOCOL_H_
