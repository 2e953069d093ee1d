// Small text helpers for messages and logs.
#ifndef LEDGERSEAL_BASE_TEXT_H_
#define LEDGERSEAL_BASE_TEXT_H_

#include <span>
#include <string>

namespace ledgerseal::base {

// "a, b, c"; "" for no items. For messages that list names.
inline std::string JoinedByCommas(std::span<const std::string> items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_TEXT_H_
