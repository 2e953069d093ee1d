#include "snp/public/sev_guest.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <utility>

#include "snp/error_util.h"
#include "snp/sev_guest_protocol.h"

namespace ledgerseal::snp {
namespace {

// The kernel device behind a file descriptor; closes it on destruction.
class FileGuestDevice final : public GuestDevice {
 public:
  explicit FileGuestDevice(int fd) : fd_(fd) {}
  FileGuestDevice(const FileGuestDevice&) = delete;
  FileGuestDevice& operator=(const FileGuestDevice&) = delete;
  ~FileGuestDevice() override { ::close(fd_); }

  int Ioctl(unsigned long command, snp_guest_request_ioctl& io) const override {
    return ::ioctl(fd_, command, &io) == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

std::string OpenFailureMessage(const std::string& path, int errno_value) {
  if (errno_value == ENOENT) {
    return "this machine is not an SEV-SNP guest: " + path +
           " is absent (inside an SNP guest, load the driver with `modprobe sev-guest`). "
           "For tests and demos use the `virtual` platform (insecure).";
  }
  if (errno_value == EACCES || errno_value == EPERM) {
    return "cannot open " + path + ": permission denied; run as root or grant this user "
           "read-write access to the device";
  }
  return "cannot open " + path + ": " + ErrnoText(errno_value);
}

}  // namespace

base::Expected<std::unique_ptr<GuestDevice>, DerivedKeyError> OpenGuestDevice(std::string_view path) {
  const std::string path_string(path);
  const int fd = ::open(path_string.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return Fail(DerivedKeyErrorCode::kDeviceUnavailable, OpenFailureMessage(path_string, errno));
  }
  return std::make_unique<FileGuestDevice>(fd);
}

base::Expected<std::unique_ptr<SevGuestProvider>, DerivedKeyError> SevGuestProvider::Open(
    const SevGuestOptions& options) {
  if (options.report_vmpl > kMaxVmpl) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "report_vmpl " + std::to_string(options.report_vmpl) + " is out of range (0..3)");
  }
  auto device = OpenGuestDevice(options.device_path);
  if (!device) return std::unexpected(std::move(device.error()));
  return std::make_unique<SevGuestProvider>(std::move(*device), options.report_vmpl);
}

SevGuestProvider::SevGuestProvider(std::unique_ptr<GuestDevice> device, uint32_t report_vmpl)
    : device_(std::move(device)), report_vmpl_(report_vmpl) {}

base::Expected<DerivedKey, DerivedKeyError> SevGuestProvider::GetDerivedKey(
    const DerivedKeyRequest& request) const {
  // Per-call buffer (not a member): concurrent calls must not share it.
  std::array<uint8_t, sev_guest_protocol::kKeyResponseSize> response{};
  return sev_guest_protocol::RequestDerivedKey(response, *device_, request);
}

base::Expected<uint64_t, DerivedKeyError> SevGuestProvider::CommittedTcb() const {
  return sev_guest_protocol::RequestCommittedTcb(*device_, report_vmpl_);
}

}  // namespace ledgerseal::snp
