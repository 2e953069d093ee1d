#include "snp/public/policy.h"

#include <array>
#include <charconv>

#include "snp/error_util.h"

namespace ledgerseal::snp {
namespace {

constexpr std::array<PolicyPreset, 2> kPresets = {{
    {"measurement+tcb", kFieldMeasurement | kFieldTcbVersion,
     "bind to the exact launch measurement and the TCB (default; as CCF)"},
    {"family+image+svn+tcb", kFieldFamilyId | kFieldImageId | kFieldGuestSvn | kFieldTcbVersion,
     "bind to the ID block's family and image ids, guest SVN and TCB (survives code upgrades)"},
}};


constexpr std::array<RootKeyChoice, 3> kRootKeys = {{
    {"default", KeySelect::kDefault,
     "the VLEK if the host installed one, else the VCEK (default; as before KEY_SEL existed)"},
    {"vcek", KeySelect::kVcek, "always the VCEK: bound to this chip"},
    {"vlek", KeySelect::kVlek,
     "always the VLEK: shared by the cloud provider's chips, refused without one"},
}};

std::string ValidChoices() {
  std::string text = "valid policies: ";
  for (const auto& preset : kPresets) text += std::string(preset.name) + ", ";
  return text + "or raw:<field-select bits, e.g. raw:0x2a>";
}

std::unexpected<DerivedKeyError> PolicyError(std::string_view text, const std::string& why) {
  return Fail(DerivedKeyErrorCode::kInvalidRequest,
              "policy \"" + std::string(text) + "\" " + why + "; " + ValidChoices());
}

base::Expected<uint64_t, DerivedKeyError> ParseRawBits(std::string_view text) {
  std::string_view digits = text.substr(kRawPolicyPrefix.size());
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
    base = 16;
  }
  uint64_t bits = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, bits, base);
  if (digits.empty() || ec != std::errc() || ptr != end) {
    return PolicyError(text, "is not a number");
  }
  if ((bits & ~kAllFieldSelectBits) != 0) {
    return PolicyError(text, "sets field-select bits outside 0x3f");
  }
  if (!BindsCode(bits)) {
    return PolicyError(text, "does not bind the key to the code (select measurement 0x8, image id "
                             "0x2 or family id 0x4): any guest on the machine could derive it");
  }
  return bits;
}

}  // namespace

std::span<const PolicyPreset> PolicyPresets() { return kPresets; }

bool BindsCode(uint64_t field_select) { return (field_select & kCodeIdentityBits) != 0; }

base::Expected<uint64_t, DerivedKeyError> ParsePolicy(std::string_view text) {
  for (const auto& preset : kPresets) {
    if (text == preset.name) return preset.field_select;
  }
  if (text.starts_with(kRawPolicyPrefix)) return ParseRawBits(text);
  return PolicyError(text, "is unknown");
}

std::span<const RootKeyChoice> RootKeyChoices() { return kRootKeys; }

base::Expected<KeySelect, DerivedKeyError> ParseRootKey(std::string_view text) {
  std::string valid;
  for (const auto& choice : kRootKeys) {
    if (text == choice.name) return choice.key_select;
    valid += (valid.empty() ? "" : ", ") + std::string(choice.name);
  }
  return Fail(DerivedKeyErrorCode::kInvalidRequest,
              "root key \"" + std::string(text) + "\" is unknown; valid root keys: " + valid);
}

std::string_view RootKeyName(KeySelect key_select) {
  for (const auto& choice : kRootKeys) {
    if (key_select == choice.key_select) return choice.name;
  }
  return "unknown";
}

base::Expected<SealingPolicy, DerivedKeyError> MakeSealingPolicy(std::string_view policy,
                                                                std::string_view root_key,
                                                                uint32_t vmpl) {
  SealingPolicy out;
  auto bits = ParsePolicy(policy);
  if (!bits) return std::unexpected(std::move(bits.error()));
  out.field_select = *bits;
  auto key_select = ParseRootKey(root_key);
  if (!key_select) return std::unexpected(std::move(key_select.error()));
  out.key_select = *key_select;
  if (vmpl > kMaxVmpl) {
    return Fail(DerivedKeyErrorCode::kInvalidRequest,
                "vmpl " + std::to_string(vmpl) + " is out of range (0..3; the guest's own VMPL "
                "or a less privileged one)");
  }
  out.vmpl = vmpl;
  return out;
}

void ApplySealingPolicy(const SealingPolicy& policy, DerivedKeyRequest& request) {
  request.guest_field_select = policy.field_select;
  request.root_key = RootKey::kVcek;
  request.key_select = policy.key_select;
  request.vmpl = policy.vmpl;
}

std::string PolicyName(uint64_t field_select) {
  for (const auto& preset : kPresets) {
    if (field_select == preset.field_select) return std::string(preset.name);
  }
  return std::string(kRawPolicyPrefix) + HexNumber(field_select);
}

}  // namespace ledgerseal::snp
