#include "plugin/vectors/platform_json.h"

#include <algorithm>
#include <array>

#include "snp/public/virtual_launch.h"

namespace ledgerseal::vectors {

Result<Json> VirtualPlatformToJson(std::span<const uint8_t> machine_secret,
                                   std::string_view launch_json) {
  Json launch = Json::parse(launch_json, nullptr, /*allow_exceptions=*/false);
  if (launch.is_discarded()) return Fail("launch JSON does not parse");
  Json out;
  out["machine_secret_hex"] = Hex(machine_secret);
  out["launch"] = std::move(launch);
  return out;
}

Result<std::unique_ptr<snp::VirtualProvider>> ProviderFromJson(const Json& virtual_platform) {
  auto secret = HexField(virtual_platform, "machine_secret_hex");
  if (!secret) return Fail(secret.error());
  if (secret->size() != snp::VirtualProvider::kMachineSecretSize) {
    return Fail("machine_secret_hex is not 32 bytes");
  }
  auto launch_object = ObjectField(virtual_platform, "launch");
  if (!launch_object) return Fail(launch_object.error());
  auto launch = snp::ParseVirtualLaunchJson(launch_object->dump());
  if (!launch) return Fail("launch: " + launch.error().message);
  std::array<uint8_t, snp::VirtualProvider::kMachineSecretSize> secret_array{};
  std::ranges::copy(*secret, secret_array.begin());
  auto provider = snp::VirtualProvider::FromSecret(secret_array, *launch);
  if (!provider) return Fail("virtual platform: " + provider.error().message);
  return std::move(*provider);
}

Json RequestToJson(const snp::DerivedKeyRequest& request) {
  Json out;
  out["root_key_select"] = static_cast<uint32_t>(request.root_key);
  out["guest_field_select"] = U64Hex(request.guest_field_select);
  out["vmpl"] = request.vmpl;
  out["guest_svn"] = request.guest_svn;
  out["tcb_version"] = U64Hex(request.tcb_version);
  return out;
}

Result<snp::DerivedKeyRequest> RequestFromJson(const Json& request) {
  auto root_key = U32Field(request, "root_key_select");
  auto field_select = U64Field(request, "guest_field_select");
  auto vmpl = U32Field(request, "vmpl");
  auto guest_svn = U32Field(request, "guest_svn");
  auto tcb_version = U64Field(request, "tcb_version");
  if (!root_key) return Fail("request: " + root_key.error());
  if (!field_select) return Fail("request: " + field_select.error());
  if (!vmpl) return Fail("request: " + vmpl.error());
  if (!guest_svn) return Fail("request: " + guest_svn.error());
  if (!tcb_version) return Fail("request: " + tcb_version.error());
  snp::DerivedKeyRequest out;
  out.root_key = static_cast<snp::RootKey>(*root_key);
  out.guest_field_select = *field_select;
  out.vmpl = *vmpl;
  out.guest_svn = *guest_svn;
  out.tcb_version = *tcb_version;
  return out;
}

}  // namespace ledgerseal::vectors
