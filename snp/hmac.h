// HMAC through OpenSSL 3's EVP_MAC interface. Internal to snp/.
#ifndef LEDGERSEAL_SNP_HMAC_H_
#define LEDGERSEAL_SNP_HMAC_H_

#include <cstdint>
#include <expected>
#include <span>

#include "snp/public/derived_key.h"

namespace ledgerseal::snp {

enum class HmacDigest { kSha256, kSha512 };

// Writes HMAC-<digest>(key, message) to `out`, whose size must equal the
// digest size (32 or 64 bytes). Intermediate state is freed by OpenSSL
// (EVP_MAC_CTX_free cleanses it). Errors: kPlatformStateError if OpenSSL
// fails or `out` has the wrong size; `out` is then zeroed. Thread-safe.
base::Expected<void, DerivedKeyError> Hmac(std::span<uint8_t> out, HmacDigest digest,
                                          std::span<const uint8_t> key,
                                          std::span<const uint8_t> message);

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_HMAC_H_
