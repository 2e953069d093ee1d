#include "snp/public/virtual_platform.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <string>
#include <vector>

#include "snp/error_util.h"
#include "snp/hmac.h"
#include "snp/little_endian.h"
#include "snp/machine_secret.h"

namespace ledgerseal::snp {
namespace {

// Domain labels: a key or chip id of this platform can never collide with
// another use of the same machine secret. Changing them changes every key.
constexpr std::string_view kKeyLabel = "ledgerseal virtual SNP derived key v1";
constexpr std::string_view kChipIdLabel = "ledgerseal virtual SNP chip id v1";

std::span<const uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// u32 little-endian length, then the bytes: no two different field sequences
// encode to the same input.
void AppendLengthPrefixed(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
  AppendLittleEndian<uint32_t>(out, static_cast<uint32_t>(bytes.size()));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

template <typename T>
void AppendLengthPrefixedInteger(std::vector<uint8_t>& out, T value) {
  AppendLittleEndian<uint32_t>(out, sizeof(T));
  AppendLittleEndian<T>(out, value);
}

// The root key a request resolves to on `launch`, as mixed into the HMAC
// input. 0 and 1 are the ROOT_KEY_SEL values keys were derived with before
// KEY_SEL was modelled, so those keys are unchanged.
enum class EffectiveRoot : uint32_t { kVcek = 0, kVmrk = 1, kVlek = 2 };

EffectiveRoot ResolveRoot(const DerivedKeyRequest& request, const VirtualLaunch& launch) {
  if (request.root_key == RootKey::kVmrk) return EffectiveRoot::kVmrk;
  switch (request.key_select) {
    case KeySelect::kVcek: return EffectiveRoot::kVcek;
    case KeySelect::kVlek: return EffectiveRoot::kVlek;
    case KeySelect::kDefault: break;
  }
  return launch.vlek_installed ? EffectiveRoot::kVlek : EffectiveRoot::kVcek;
}

// The HMAC input: fixed header, then exactly the selected fields in bit
// order. Holds no secret (every part is visible in an attestation report).
std::vector<uint8_t> EncodeDerivationInput(const DerivedKeyRequest& request,
                                           const VirtualLaunch& launch) {
  const uint64_t select = request.guest_field_select;
  std::vector<uint8_t> input;
  AppendLengthPrefixed(input, AsBytes(kKeyLabel));
  AppendLengthPrefixedInteger<uint32_t>(input, static_cast<uint32_t>(ResolveRoot(request, launch)));
  AppendLengthPrefixedInteger<uint32_t>(input, request.vmpl);
  AppendLengthPrefixedInteger<uint64_t>(input, select);
  AppendLengthPrefixed(input, *launch.chip_id);
  if (select & kFieldGuestPolicy) AppendLengthPrefixedInteger<uint64_t>(input, launch.guest_policy);
  if (select & kFieldImageId) AppendLengthPrefixed(input, launch.image_id);
  if (select & kFieldFamilyId) AppendLengthPrefixed(input, launch.family_id);
  if (select & kFieldMeasurement) AppendLengthPrefixed(input, launch.measurement);
  if (select & kFieldGuestSvn) AppendLengthPrefixedInteger<uint32_t>(input, request.guest_svn);
  if (select & kFieldTcbVersion) AppendLengthPrefixedInteger<uint64_t>(input, request.tcb_version);
  return input;
}

// The rules the firmware applies to MSG_KEY_REQ beyond ValidateRequest.
base::Expected<void, DerivedKeyError> CheckAgainstLaunch(const DerivedKeyRequest& request,
                                                        const VirtualLaunch& launch) {
  if (auto valid = ValidateRequest(request); !valid) return valid;
  if (request.vmpl < launch.vmpl) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "vmpl " + std::to_string(request.vmpl) + " is more privileged than the guest's own VMPL " +
                    std::to_string(launch.vmpl));
  }
  if (request.root_key == RootKey::kVcek && request.key_select == KeySelect::kVlek &&
      !launch.vlek_installed) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "key_select VLEK, but no VLEK is installed on this platform (the firmware "
                "answers INVALID_KEY); choose root key vcek or default");
  }
  if (request.guest_svn > launch.guest_svn) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "guest_svn " + std::to_string(request.guest_svn) + " is above the launch guest SVN " +
                    std::to_string(launch.guest_svn));
  }
  if ((request.guest_field_select & kFieldTcbVersion) != 0 &&
      request.tcb_version > launch.committed_tcb) {
    return Fail(DerivedKeyErrorCode::kTcbAboveCommitted,
                "tcb_version " + HexNumber(request.tcb_version) + " is above the committed TCB " +
                    HexNumber(launch.committed_tcb));
  }
  return {};
}

}  // namespace

base::Expected<std::unique_ptr<VirtualProvider>, DerivedKeyError> VirtualProvider::Open(
    const VirtualPlatformOptions& options) {
  std::array<uint8_t, kMachineSecretSize> secret{};
  auto loaded = LoadOrCreateMachineSecret(secret, options.machine_secret_path, options.create_machine_secret);
  if (!loaded) return std::unexpected(std::move(loaded.error()));  // `secret` is zero
  auto provider = FromSecret(secret, options.launch);
  OPENSSL_cleanse(secret.data(), secret.size());
  return provider;
}

base::Expected<std::unique_ptr<VirtualProvider>, DerivedKeyError> VirtualProvider::FromSecret(
    std::span<const uint8_t, kMachineSecretSize> machine_secret, const VirtualLaunch& launch) {
  if (launch.vmpl > kMaxVmpl) {
    return Fail(DerivedKeyErrorCode::kPlatformStateError,
                "virtual launch vmpl " + std::to_string(launch.vmpl) + " is out of range (0..3)");
  }
  VirtualLaunch resolved = launch;
  if (!resolved.chip_id) {
    std::array<uint8_t, 64> chip_id{};
    if (auto r = Hmac(chip_id, HmacDigest::kSha512, machine_secret, AsBytes(kChipIdLabel)); !r) {
      return std::unexpected(std::move(r.error()));
    }
    resolved.chip_id = chip_id;
  }
  return std::unique_ptr<VirtualProvider>(new VirtualProvider(machine_secret, resolved));
}

VirtualProvider::VirtualProvider(std::span<const uint8_t, kMachineSecretSize> machine_secret,
                                 const VirtualLaunch& launch)
    : launch_(launch) {
  std::ranges::copy(machine_secret, machine_secret_.begin());
}

VirtualProvider::~VirtualProvider() {
  OPENSSL_cleanse(machine_secret_.data(), machine_secret_.size());
}

base::Expected<DerivedKey, DerivedKeyError> VirtualProvider::GetDerivedKey(
    const DerivedKeyRequest& request) const {
  if (auto allowed = CheckAgainstLaunch(request, launch_); !allowed) {
    return std::unexpected(std::move(allowed.error()));
  }
  const std::vector<uint8_t> input = EncodeDerivationInput(request, launch_);
  std::array<uint8_t, DerivedKey::kSize> key_bytes{};
  auto mac = Hmac(key_bytes, HmacDigest::kSha256, machine_secret_, input);
  if (!mac) return std::unexpected(std::move(mac.error()));  // `key_bytes` is zero
  DerivedKey key(key_bytes);
  OPENSSL_cleanse(key_bytes.data(), key_bytes.size());
  return key;
}

base::Expected<uint64_t, DerivedKeyError> VirtualProvider::CommittedTcb() const {
  return launch_.committed_tcb;
}

}  // namespace ledgerseal::snp
