#include "crypto/public/crypto_status.h"

namespace ledgerseal::crypto {

std::string_view CryptoErrorCodeName(CryptoErrorCode code) {
  switch (code) {
    case CryptoErrorCode::kInvalidArgument: return "invalid_argument";
    case CryptoErrorCode::kAuthenticationFailed: return "authentication_failed";
    case CryptoErrorCode::kDecryptionFailed: return "decryption_failed";
    case CryptoErrorCode::kDecodeFailed: return "decode_failed";
    case CryptoErrorCode::kUnsupportedKey: return "unsupported_key";
    case CryptoErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string CryptoError::ToString() const {
  std::string out(CryptoErrorCodeName(code));
  out += ": ";
  out += message;
  return out;
}

}  // namespace ledgerseal::crypto
