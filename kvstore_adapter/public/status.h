// Errors as values across the adapter interface: every fallible call returns
// Result<T> (std::expected<T, Error>); nothing throws across this boundary.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_STATUS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_STATUS_H_

#include <expected>
#include <string>
#include <string_view>

namespace ledgerseal::kv {

enum class ErrorCode {
  kInvalidArgument,  // the caller broke a documented precondition
  kNotFound,         // a named thing (table, entry, file) does not exist
  kCorruption,       // stored bytes fail a checksum/tag or do not parse
  kIoError,          // the operating system or RocksDB reported an I/O failure
  kWrongKey,         // data exists but the supplied key does not open it
  kHookFailed,       // a registered hook refused; the transaction did not commit
  kNotPrimary,       // the operation must run on the primary (leader)
  kAborted,          // the operation was abandoned (e.g. leadership lost); may be retried
  kRecoveryFailed,   // recovery stopped; nothing was written
  kUnavailable,      // the service cannot take the request now
  kInternal,         // an invariant broke inside ledgerseal (a bug)
};

// Stable lower_snake_case name of a code, e.g. "hook_failed".
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;  // says what failed and where; never key material

  // "<code name>: <message>"
  std::string ToString() const;

  friend bool operator==(const Error&, const Error&) = default;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_STATUS_H_
