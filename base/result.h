// Errors as values, for every layer: every fallible call returns a Result<T>
// (or Expected<T, E> with a typed error of its own layer); nothing throws
// across a public API. Both are [[nodiscard]]: a dropped result does not
// compile (-Werror), so no status is lost by accident.
#ifndef LEDGERSEAL_BASE_RESULT_H_
#define LEDGERSEAL_BASE_RESULT_H_

#include <expected>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ledgerseal::base {

// std::expected<T, E> that must not be ignored. It adds nothing else: every
// constructor and accessor is std::expected's (no monadic helpers are used in
// the project; they would return plain std::expected).
template <typename T, typename E>
class [[nodiscard]] Expected : public std::expected<T, E> {
  struct Nothing {};
  using ValueOrNothing = std::conditional_t<std::is_void_v<T>, Nothing, T>;

 public:
  using std::expected<T, E>::expected;
  Expected(const std::expected<T, E>& other) : std::expected<T, E>(other) {}
  Expected(std::expected<T, E>&& other) : std::expected<T, E>(std::move(other)) {}

  // Comparisons as std::expected's. Without them a comparison involving an
  // Expected would pick std::expected's value comparison (an Expected is not
  // a std::expected specialisation) and recurse. Each wins over the standard
  // templates: the non-templates by being non-templates, the value template
  // by its exact first parameter.
  friend bool operator==(const Expected& a, const Expected& b) {
    return static_cast<const std::expected<T, E>&>(a) == static_cast<const std::expected<T, E>&>(b);
  }
  friend bool operator==(const Expected& a, const ValueOrNothing& value)
    requires(!std::is_void_v<T>)
  {
    return a.has_value() && *a == value;
  }
  template <typename U>
    requires(!std::is_void_v<T> && !std::is_base_of_v<std::expected<T, E>, U> &&
             !std::is_same_v<U, std::unexpected<E>> && !std::is_same_v<U, T>)
  friend bool operator==(const Expected& a, const U& value) {
    return a.has_value() && *a == value;
  }
  friend bool operator==(const Expected& a, const std::unexpected<E>& error) {
    return !a.has_value() && a.error() == error.error();
  }
};

// The error codes of the project's common error. Few and stable: callers
// branch on them; messages are for people.
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
using Result = Expected<T, Error>;
using Status = Result<void>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_RESULT_H_
