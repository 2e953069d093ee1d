// Errors of the crypto wrappers: every failure is a typed value, never an
// exception and never a silent success.
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_CRYPTO_STATUS_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_CRYPTO_STATUS_H_

#include <expected>

#include "base/result.h"
#include <string>
#include <string_view>

namespace ledgerseal::crypto {

enum class CryptoErrorCode {
  kInvalidArgument,       // a documented precondition was broken (sizes, ranges)
  kAuthenticationFailed,  // AES-GCM tag check failed: wrong key, IV, AAD or bytes
  kDecryptionFailed,      // RSA-OAEP decryption failed: wrong key or label, or bad bytes
  kDecodeFailed,          // DER input does not parse as the expected structure
  kUnsupportedKey,        // parses, but is not RSA or not a supported size
  kInternal,              // OpenSSL failed where it should not (allocation, provider)
};

// Stable lower_snake_case name, e.g. "authentication_failed".
std::string_view CryptoErrorCodeName(CryptoErrorCode code);

struct CryptoError {
  CryptoErrorCode code;
  // Names the operation and, for kInternal, OpenSSL's reason. Never contains
  // key material, plaintext or ciphertext bytes.
  std::string message;

  // "<code name>: <message>"
  std::string ToString() const;
};

template <typename T>
using CryptoResult = base::Expected<T, CryptoError>;
using CryptoStatus = CryptoResult<void>;

inline std::unexpected<CryptoError> MakeCryptoError(CryptoErrorCode code, std::string message) {
  return std::unexpected(CryptoError{code, std::move(message)});
}

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_CRYPTO_STATUS_H_
