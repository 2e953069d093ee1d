// Small helpers for building DerivedKeyError values (internal to snp/).
#ifndef LEDGERSEAL_SNP_ERROR_UTIL_H_
#define LEDGERSEAL_SNP_ERROR_UTIL_H_

#include <cstdint>
#include <expected>
#include <string>
#include <utility>

#include "snp/public/derived_key.h"

namespace ledgerseal::snp {

// `return Fail(code, "...")` from any function returning base::Expected<T, DerivedKeyError>.
inline std::unexpected<DerivedKeyError> Fail(DerivedKeyErrorCode code, std::string message) {
  return std::unexpected(DerivedKeyError{code, std::move(message)});
}

// "0x" followed by lower-case hex digits, no padding ("0x16").
std::string HexNumber(uint64_t value);

// "errno 2 (No such file or directory)"; thread-safe, unlike strerror().
std::string ErrnoText(int errno_value);

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_ERROR_UTIL_H_
