// The `sev-guest` platform: derived keys from the AMD secure processor,
// requested through the Linux sev-guest driver (/dev/sev-guest).
//
// Only works inside an SEV-SNP guest. Everywhere else, opening the device
// fails with kDeviceUnavailable; use the `virtual` platform for tests.
#ifndef LEDGERSEAL_SNP_PUBLIC_SEV_GUEST_H_
#define LEDGERSEAL_SNP_PUBLIC_SEV_GUEST_H_

#include <linux/sev-guest.h>
#include <sys/ioctl.h>  // _IOWR, used by SNP_GET_REPORT / SNP_GET_DERIVED_KEY

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "snp/public/derived_key.h"

namespace ledgerseal::snp {

inline constexpr std::string_view kSevGuestDevicePath = "/dev/sev-guest";
inline constexpr std::string_view kSevGuestPlatformName = "sev-guest";

// The one seam between SevGuestProvider and the kernel: an open guest
// device that executes SNP guest-request ioctls. The real implementation is
// returned by OpenGuestDevice(); tests substitute a fake because the ioctl
// cannot run outside an SNP guest.
//
// Thread safety: Ioctl may be called concurrently (the kernel driver
// serialises guest requests itself).
class GuestDevice {
 public:
  virtual ~GuestDevice() = default;

  // Performs ioctl(device, command, &io) where `command` is SNP_GET_REPORT or
  // SNP_GET_DERIVED_KEY. `io.req_data` / `io.resp_data` point at the request
  // and response structures, which the caller owns and keeps alive. The
  // driver writes io.exitinfo2 (fw_error, vmm_error) and the response.
  // Returns 0 on success, otherwise the errno of the failed call.
  virtual int Ioctl(unsigned long command, snp_guest_request_ioctl& io) const = 0;
};

// Opens the guest device at `path` (read-write, close-on-exec).
// Errors: kDeviceUnavailable — absent (this machine is not an SEV-SNP guest),
// permission denied, or any other open failure; the message says which and
// suggests the `virtual` platform when the device is absent.
base::Expected<std::unique_ptr<GuestDevice>, DerivedKeyError> OpenGuestDevice(
    std::string_view path = kSevGuestDevicePath);

struct SevGuestOptions {
  std::string device_path = std::string(kSevGuestDevicePath);
  // VMPL written into the SNP_GET_REPORT request that CommittedTcb() issues;
  // must be at or above the guest's own VMPL.
  uint32_t report_vmpl = 0;
};

// DerivedKeyProvider backed by the SNP_GET_DERIVED_KEY ioctl (message
// version 1). Checks both the ioctl result and the firmware status word of
// MSG_KEY_RSP, and wipes the response buffer on every path.
//
// Thread safety: all methods may be called concurrently.
class SevGuestProvider final : public DerivedKeyProvider {
 public:
  // Opens options.device_path. Errors: as OpenGuestDevice; kInvalidRequest
  // if options.report_vmpl > kMaxVmpl.
  static base::Expected<std::unique_ptr<SevGuestProvider>, DerivedKeyError> Open(
      const SevGuestOptions& options = {});

  // Takes ownership of an already open device (tests pass a fake).
  // Precondition: device != nullptr, report_vmpl <= kMaxVmpl.
  explicit SevGuestProvider(std::unique_ptr<GuestDevice> device, uint32_t report_vmpl = 0);

  // Errors: kInvalidRequest (ValidateRequest); kIoctlFailed (errno, with
  // vmm_error when the hypervisor refused); kFirmwareError (fw_error of the
  // ioctl, or a non-zero MSG_KEY_RSP status); kMalformedResponse (success
  // reported but the response is inconsistent). The firmware itself enforces
  // TCB and SVN limits and reports them as kFirmwareError (INVALID_PARAM).
  base::Expected<DerivedKey, DerivedKeyError> GetDerivedKey(
      const DerivedKeyRequest& request) const override;

  std::string_view platform_name() const override { return kSevGuestPlatformName; }

  // COMMITTED_TCB of a fresh attestation report (SNP_GET_REPORT).
  // Errors: kIoctlFailed, kFirmwareError, kMalformedResponse (short report,
  // or a report version older than 2, which has no COMMITTED_TCB).
  base::Expected<uint64_t, DerivedKeyError> CommittedTcb() const override;

 private:
  std::unique_ptr<GuestDevice> device_;
  uint32_t report_vmpl_;
};

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_PUBLIC_SEV_GUEST_H_
