#include "base/result.h"

namespace ledgerseal::base {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kCorruption: return "corruption";
    case ErrorCode::kIoError: return "io_error";
    case ErrorCode::kWrongKey: return "wrong_key";
    case ErrorCode::kHookFailed: return "hook_failed";
    case ErrorCode::kNotPrimary: return "not_primary";
    case ErrorCode::kAborted: return "aborted";
    case ErrorCode::kRecoveryFailed: return "recovery_failed";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code));
  out += ": ";
  out += message;
  return out;
}

}  // namespace ledgerseal::base
