#include "plugin/public/sealing_error.h"

namespace ledgerseal::sealing {

std::string_view SealingErrorCodeName(SealingErrorCode code) {
  switch (code) {
    case SealingErrorCode::kUnknownDerivationVersion: return "unknown_derivation_version";
    case SealingErrorCode::kUnknownFormatVersion: return "unknown_format_version";
    case SealingErrorCode::kPlatformMismatch: return "platform_mismatch";
    case SealingErrorCode::kPlatformError: return "platform_error";
    case SealingErrorCode::kTampered: return "tampered";
    case SealingErrorCode::kIdentityNotFound: return "identity_not_found";
    case SealingErrorCode::kWrongSecretVersion: return "wrong_secret_version";
    case SealingErrorCode::kWrongService: return "wrong_service";
    case SealingErrorCode::kMalformed: return "malformed";
    case SealingErrorCode::kWeakPolicy: return "weak_policy";
    case SealingErrorCode::kInvalidArgument: return "invalid_argument";
    case SealingErrorCode::kCryptoError: return "crypto_error";
    case SealingErrorCode::kUnsigned: return "unsigned";
    case SealingErrorCode::kBadSignature: return "bad_signature";
    case SealingErrorCode::kOtherService: return "other_service";
  }
  return "unknown";
}

std::string SealingError::ToString() const {
  std::string out(SealingErrorCodeName(code));
  out += ": ";
  out += message;
  return out;
}

namespace {

kv::ErrorCode KvCodeFor(SealingErrorCode code) {
  switch (code) {
    case SealingErrorCode::kIdentityNotFound: return kv::ErrorCode::kNotFound;
    case SealingErrorCode::kTampered:
    case SealingErrorCode::kMalformed: return kv::ErrorCode::kCorruption;
    case SealingErrorCode::kPlatformMismatch: return kv::ErrorCode::kWrongKey;
    case SealingErrorCode::kInvalidArgument: return kv::ErrorCode::kInvalidArgument;
    case SealingErrorCode::kCryptoError: return kv::ErrorCode::kInternal;
    case SealingErrorCode::kUnknownDerivationVersion:
    case SealingErrorCode::kUnknownFormatVersion:
    case SealingErrorCode::kPlatformError:
    case SealingErrorCode::kWrongSecretVersion:
    case SealingErrorCode::kWrongService:
    case SealingErrorCode::kWeakPolicy:
    case SealingErrorCode::kUnsigned:
    case SealingErrorCode::kBadSignature:
    case SealingErrorCode::kOtherService: return kv::ErrorCode::kRecoveryFailed;
  }
  return kv::ErrorCode::kInternal;
}

}  // namespace

kv::Error ToKvError(const SealingError& error) { return {KvCodeFor(error.code), error.ToString()}; }

}  // namespace ledgerseal::sealing
