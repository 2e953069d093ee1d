// TEST ONLY: the `virtual_platform` and `request` objects of a conformance
// vector — everything the `virtual` platform needs to derive the vector's
// derived_key_hex again (docs/SNP.md "Key derivation").
//
//   "virtual_platform": {"machine_secret_hex": "<32 bytes>",
//                        "launch": <VirtualLaunch JSON, chip_id included>}
//   "request": {"root_key_select": 0, "guest_field_select": "0x28", "vmpl": 0,
//               "guest_svn": 0, "tcb_version": "0xdb18000000000004"}
#ifndef LEDGERSEAL_PLUGIN_VECTORS_PLATFORM_JSON_H_
#define LEDGERSEAL_PLUGIN_VECTORS_PLATFORM_JSON_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/result.h"
#include "snp/public/derived_key.h"
#include "snp/public/virtual_platform.h"

namespace ledgerseal::vectors {

// `launch_json` is VirtualLaunchToJson output. Errors: it does not parse.
Result<Json> VirtualPlatformToJson(std::span<const uint8_t> machine_secret,
                                   std::string_view launch_json);

// VirtualProvider::FromSecret of the object above. Errors: missing or
// malformed fields; the launch is refused by ParseVirtualLaunchJson.
Result<std::unique_ptr<snp::VirtualProvider>> ProviderFromJson(const Json& virtual_platform);

Json RequestToJson(const snp::DerivedKeyRequest& request);
Result<snp::DerivedKeyRequest> RequestFromJson(const Json& request);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_PLATFORM_JSON_H_
