// TEST ONLY: one format 3 conformance vector as JSON, written from the
// (possibly tampered) records and the deterministic parts of its case. The
// fields are described in testdata/vectors/README.md.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_CASE_JSON_H_
#define LEDGERSEAL_PLUGIN_VECTORS_CASE_JSON_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/deterministic_parts.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/result.h"
#include "plugin/vectors/tamper.h"

namespace ledgerseal::vectors {

// Appended to every description: the keys in the file are published test keys.
inline constexpr std::string_view kTestKeyNote =
    " [TEST KEYS ONLY: every key and secret in this file is public; never use them]";

// `pkcs8_der` is the sealed private key; `wrapping_key` the key SealShares
// drew (both known to the generator even when the records are tampered).
// AADs, the ECIES info and the signed message are those an unsealer builds
// from the records. Errors: PEM encoding or record serialisation failed.
Result<Json> CaseToJson(const CaseSpec& spec, const DeterministicParts& parts, const SealedCase& sealed,
                        std::span<const uint8_t> pkcs8_der, std::span<const uint8_t> wrapping_key);

// {"private_key_pem", "public_key_der_hex", "service_id"} of TEST KEY n.
Result<Json> ServiceIdentityToJson(uint8_t n);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_CASE_JSON_H_
