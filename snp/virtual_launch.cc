#include "snp/public/virtual_launch.h"

#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>

#include "base/hex.h"
#include "snp/error_util.h"

namespace ledgerseal::snp {
namespace {

using nlohmann::json;

constexpr char kMeasurement[] = "measurement";
constexpr char kGuestPolicy[] = "guest_policy";
constexpr char kFamilyId[] = "family_id";
constexpr char kImageId[] = "image_id";
constexpr char kGuestSvn[] = "guest_svn";
constexpr char kCommittedTcb[] = "committed_tcb";
constexpr char kVmpl[] = "vmpl";
constexpr char kChipId[] = "chip_id";
constexpr char kVlekInstalled[] = "vlek_installed";

std::unexpected<DerivedKeyError> FieldError(std::string_view key, const std::string& what) {
  return Fail(DerivedKeyErrorCode::kPlatformStateError,
              "virtual launch JSON: \"" + std::string(key) + "\" " + what);
}

template <size_t N>
base::Expected<std::array<uint8_t, N>, DerivedKeyError> ParseHexBytes(std::string_view key,
                                                                     const json& value) {
  if (!value.is_string()) return FieldError(key, "must be a hex string");
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() != 2 * N) {
    return FieldError(key, "must be " + std::to_string(2 * N) + " hex digits (" +
                               std::to_string(N) + " bytes), got " +
                               std::to_string(text.size()) + " characters");
  }
  const auto decoded = base::FromHex(text);
  if (!decoded) return FieldError(key, "contains a non-hex character");
  std::array<uint8_t, N> bytes{};
  std::copy(decoded->begin(), decoded->end(), bytes.begin());
  return bytes;
}

// A JSON number, or a "0x..." string: u64 values such as TCB versions are
// conventionally written in hex, and exceed what some JSON tools keep exact.
template <typename T>
base::Expected<T, DerivedKeyError> ParseUnsigned(std::string_view key, const json& value,
                                                bool allow_hex_string) {
  uint64_t parsed = 0;
  if (value.is_number_unsigned()) {
    parsed = value.get<uint64_t>();
  } else if (allow_hex_string && value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() < 3 || text.size() > 18 || !text.starts_with("0x")) {
      return FieldError(key, "must be a \"0x\" hex string of 1..16 digits");
    }
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data() + 2, end, parsed, 16);
    if (ec != std::errc() || ptr != end) return FieldError(key, "is not a valid hex number");
  } else {
    return FieldError(key, allow_hex_string ? "must be a non-negative integer or a \"0x...\" string"
                                            : "must be a non-negative integer");
  }
  if (parsed > std::numeric_limits<T>::max()) {
    return FieldError(key, "is out of range (maximum " +
                               std::to_string(std::numeric_limits<T>::max()) + ")");
  }
  return static_cast<T>(parsed);
}

// Assigns the parsed value to `out`, or returns the error.
template <typename T>
base::Expected<void, DerivedKeyError> Assign(T& out, base::Expected<T, DerivedKeyError> parsed) {
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  out = std::move(*parsed);
  return {};
}

base::Expected<void, DerivedKeyError> ParseField(VirtualLaunch& out, std::string_view key,
                                                const json& value) {
  if (key == kMeasurement) return Assign(out.measurement, ParseHexBytes<48>(key, value));
  if (key == kGuestPolicy) return Assign(out.guest_policy, ParseUnsigned<uint64_t>(key, value, true));
  if (key == kFamilyId) return Assign(out.family_id, ParseHexBytes<16>(key, value));
  if (key == kImageId) return Assign(out.image_id, ParseHexBytes<16>(key, value));
  if (key == kGuestSvn) return Assign(out.guest_svn, ParseUnsigned<uint32_t>(key, value, false));
  if (key == kCommittedTcb) return Assign(out.committed_tcb, ParseUnsigned<uint64_t>(key, value, true));
  if (key == kVmpl) {
    if (auto r = Assign(out.vmpl, ParseUnsigned<uint32_t>(key, value, false)); !r) return r;
    if (out.vmpl > kMaxVmpl) return FieldError(key, "is out of range (0..3)");
    return {};
  }
  if (key == kVlekInstalled) {
    if (!value.is_boolean()) return FieldError(key, "must be true or false");
    out.vlek_installed = value.get<bool>();
    return {};
  }
  if (key == kChipId) {
    std::array<uint8_t, 64> chip_id{};
    if (auto r = Assign(chip_id, ParseHexBytes<64>(key, value)); !r) return r;
    out.chip_id = chip_id;
    return {};
  }
  return FieldError(key, "is not a known field (known: measurement, guest_policy, family_id, "
                         "image_id, guest_svn, committed_tcb, vmpl, vlek_installed, chip_id)");
}

base::Expected<VirtualLaunch, DerivedKeyError> ParseObject(const json& document) {
  if (!document.is_object()) {
    return Fail(DerivedKeyErrorCode::kPlatformStateError,
                "virtual launch JSON: the document must be a JSON object");
  }
  VirtualLaunch launch;
  for (const auto& [key, value] : document.items()) {
    if (auto r = ParseField(launch, key, value); !r) return std::unexpected(std::move(r.error()));
  }
  return launch;
}

}  // namespace

base::Expected<VirtualLaunch, DerivedKeyError> ParseVirtualLaunchJson(std::string_view json_text) {
  // nlohmann throws on type misuse; nothing may escape this public API.
  try {
    const json document = json::parse(json_text, /*cb=*/nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) {
      return Fail(DerivedKeyErrorCode::kPlatformStateError,
                  "virtual launch JSON: not valid JSON");
    }
    return ParseObject(document);
  } catch (const json::exception& e) {
    return Fail(DerivedKeyErrorCode::kPlatformStateError,
                std::string("virtual launch JSON: ") + e.what());
  }
}

std::string VirtualLaunchToJson(const VirtualLaunch& launch) {
  json document = json::object();
  document[kMeasurement] = base::ToHex(launch.measurement);
  document[kGuestPolicy] = HexNumber(launch.guest_policy);
  document[kFamilyId] = base::ToHex(launch.family_id);
  document[kImageId] = base::ToHex(launch.image_id);
  document[kGuestSvn] = launch.guest_svn;
  document[kCommittedTcb] = HexNumber(launch.committed_tcb);
  document[kVmpl] = launch.vmpl;
  if (launch.vlek_installed) document[kVlekInstalled] = true;
  if (launch.chip_id) document[kChipId] = base::ToHex(*launch.chip_id);
  return document.dump(2);
}

}  // namespace ledgerseal::snp
