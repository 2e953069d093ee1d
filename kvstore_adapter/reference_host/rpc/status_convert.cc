#include "kvstore_adapter/reference_host/rpc/public/status_convert.h"

#include <utility>

namespace ledgerseal::rpc {

using Code = v1::ResponseStatus::Code;

Code ToWireCode(kv::ErrorCode code) {
  switch (code) {
    case kv::ErrorCode::kInvalidArgument: return v1::ResponseStatus::INVALID_ARGUMENT;
    case kv::ErrorCode::kNotFound: return v1::ResponseStatus::NOT_FOUND;
    case kv::ErrorCode::kCorruption: return v1::ResponseStatus::CORRUPTION;
    case kv::ErrorCode::kIoError: return v1::ResponseStatus::IO_ERROR;
    case kv::ErrorCode::kWrongKey: return v1::ResponseStatus::WRONG_KEY;
    case kv::ErrorCode::kHookFailed: return v1::ResponseStatus::HOOK_FAILED;
    case kv::ErrorCode::kNotPrimary: return v1::ResponseStatus::NOT_PRIMARY;
    case kv::ErrorCode::kAborted: return v1::ResponseStatus::ABORTED;
    case kv::ErrorCode::kRecoveryFailed: return v1::ResponseStatus::RECOVERY_FAILED;
    case kv::ErrorCode::kUnavailable: return v1::ResponseStatus::UNAVAILABLE;
    case kv::ErrorCode::kInternal: return v1::ResponseStatus::INTERNAL;
  }
  return v1::ResponseStatus::INTERNAL;  // an ErrorCode value outside the enum: a bug
}

kv::ErrorCode FromWireCode(Code code) {
  switch (code) {
    case v1::ResponseStatus::INVALID_ARGUMENT: return kv::ErrorCode::kInvalidArgument;
    case v1::ResponseStatus::NOT_FOUND: return kv::ErrorCode::kNotFound;
    case v1::ResponseStatus::CORRUPTION: return kv::ErrorCode::kCorruption;
    case v1::ResponseStatus::IO_ERROR: return kv::ErrorCode::kIoError;
    case v1::ResponseStatus::WRONG_KEY: return kv::ErrorCode::kWrongKey;
    case v1::ResponseStatus::HOOK_FAILED: return kv::ErrorCode::kHookFailed;
    case v1::ResponseStatus::NOT_PRIMARY: return kv::ErrorCode::kNotPrimary;
    case v1::ResponseStatus::ABORTED: return kv::ErrorCode::kAborted;
    case v1::ResponseStatus::RECOVERY_FAILED: return kv::ErrorCode::kRecoveryFailed;
    case v1::ResponseStatus::UNAVAILABLE: return kv::ErrorCode::kUnavailable;
    case v1::ResponseStatus::INTERNAL: return kv::ErrorCode::kInternal;
    default: return kv::ErrorCode::kInternal;  // OK (not an error) or a newer peer's code
  }
}

v1::Response ErrorResponse(const kv::Error& error) {
  v1::Response response;
  response.mutable_status()->set_code(ToWireCode(error.code));
  response.mutable_status()->set_message(error.message);
  return response;
}

v1::Response NotPrimaryResponse(std::string message,
                                std::optional<std::string> leader_rpc_address) {
  v1::Response response = ErrorResponse(kv::Error{kv::ErrorCode::kNotPrimary, std::move(message)});
  if (leader_rpc_address) response.set_leader_rpc_address(std::move(*leader_rpc_address));
  return response;
}

kv::Status ToStatus(const v1::Response& response) {
  const Code code = response.status().code();
  if (code == v1::ResponseStatus::OK) return {};
  std::string message = response.status().message();
  if (FromWireCode(code) == kv::ErrorCode::kInternal && code != v1::ResponseStatus::INTERNAL) {
    message = "unknown status code " + std::to_string(static_cast<int>(code)) + ": " + message;
  }
  if (code == v1::ResponseStatus::NOT_PRIMARY && response.has_leader_rpc_address()) {
    message += " (leader at " + response.leader_rpc_address() + ")";
  }
  return kv::MakeError(FromWireCode(code), std::move(message));
}

}  // namespace ledgerseal::rpc
