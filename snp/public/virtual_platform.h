// The `virtual` platform: an INSECURE software stand-in for SEV-SNP derived
// keys, for machines without SNP (tests, CI, demos).
//
// It mirrors the firmware's behaviour — which fields a key is bound to,
// which requests are refused — but the "chip" is a 32-byte secret in a file
// that anyone with access to that file (or to this process's memory) can
// use to derive every key. Nothing sealed with it is protected. Callers
// must show banner() in every log line and in --help.
#ifndef LEDGERSEAL_SNP_PUBLIC_VIRTUAL_PLATFORM_H_
#define LEDGERSEAL_SNP_PUBLIC_VIRTUAL_PLATFORM_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>

#include "snp/public/derived_key.h"
#include "snp/public/virtual_launch.h"

namespace ledgerseal::snp {

inline constexpr std::string_view kInsecureBanner =
    "INSECURE virtual SNP platform: keys are derived in software, for tests and demos only";
inline constexpr std::string_view kVirtualPlatformName = "virtual";

struct VirtualPlatformOptions {
  // File holding the per-machine secret; created (mode 0600) on first use
  // when `create_machine_secret` is true. Required: an empty path is an
  // error. Every node sharing this file is "on the same chip".
  std::filesystem::path machine_secret_path;
  // false: a missing machine secret is an error and nothing is created.
  // Recovery must pass false: a new secret is a different machine, which
  // can only fail to unseal, and the file would be left behind.
  bool create_machine_secret = true;
  VirtualLaunch launch{};
};

// Derives keys as HMAC-SHA256(key = machine secret, message = encoding of the request and of
// the selected launch fields); docs/SNP.md gives the exact byte layout. The
// VCEK, VLEK and VMRK roots derive different keys; KeySelect::kDefault is
// the VLEK when launch.vlek_installed, else the VCEK (as on hardware).
//
// Thread safety: immutable after construction; all methods may be called
// concurrently.
class VirtualProvider final : public DerivedKeyProvider {
 public:
  static constexpr size_t kMachineSecretSize = 32;

  // Loads (or creates) the machine secret at options.machine_secret_path.
  // Errors: kPlatformStateError — empty path; the file is not a regular
  // file, is accessible by group/others, is not exactly 32 bytes, or cannot
  // be created or read (the message names the path); launch.vmpl > 3.
  static base::Expected<std::unique_ptr<VirtualProvider>, DerivedKeyError> Open(
      const VirtualPlatformOptions& options);

  // Uses `machine_secret` directly (copied; the caller wipes its buffer).
  // Errors: kPlatformStateError for launch.vmpl > 3 or an OpenSSL failure.
  static base::Expected<std::unique_ptr<VirtualProvider>, DerivedKeyError> FromSecret(
      std::span<const uint8_t, kMachineSecretSize> machine_secret, const VirtualLaunch& launch);

  VirtualProvider(const VirtualProvider&) = delete;
  VirtualProvider& operator=(const VirtualProvider&) = delete;
  ~VirtualProvider() override;  // wipes the machine secret

  // kInsecureBanner, to print with every log line of a process using this platform.
  std::string_view banner() const { return kInsecureBanner; }

  // The simulated launch; chip_id is always set (derived from the machine
  // secret when the options left it empty).
  const VirtualLaunch& launch() const { return launch_; }

  // Mirrors the firmware's refusals. Errors: kInvalidRequest for
  // ValidateRequest failures, vmpl below the launch VMPL (a guest may not ask
  // for a more privileged level's key), KeySelect::kVlek without
  // launch().vlek_installed (INVALID_KEY on hardware), or guest_svn above
  // the launch guest SVN; kTcbAboveCommitted when kFieldTcbVersion is
  // selected and tcb_version > launch().committed_tcb; kPlatformStateError
  // if OpenSSL fails.
  base::Expected<DerivedKey, DerivedKeyError> GetDerivedKey(
      const DerivedKeyRequest& request) const override;

  std::string_view platform_name() const override { return kVirtualPlatformName; }

  // launch().committed_tcb; never fails.
  base::Expected<uint64_t, DerivedKeyError> CommittedTcb() const override;

 private:
  VirtualProvider(std::span<const uint8_t, kMachineSecretSize> machine_secret,
                  const VirtualLaunch& launch);

  std::array<uint8_t, kMachineSecretSize> machine_secret_{};
  VirtualLaunch launch_;
};

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_PUBLIC_VIRTUAL_PLATFORM_H_
