#include "snp/error_util.h"

#include <charconv>
#include <system_error>

namespace ledgerseal::snp {

std::string HexNumber(uint64_t value) {
  char digits[16];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), value, 16);
  (void)ec;  // 16 hex digits always fit a uint64_t
  return "0x" + std::string(digits, end);
}

std::string ErrnoText(int errno_value) {
  return "errno " + std::to_string(errno_value) + " (" +
         std::error_code(errno_value, std::generic_category()).message() + ")";
}

}  // namespace ledgerseal::snp
