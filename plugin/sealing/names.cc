#include "plugin/sealing/names.h"

#include <cstdint>

namespace ledgerseal::sealing::internal {
namespace {

// Length of the UTF-8 sequence starting at text[i], or 0 if ill-formed
// (Unicode 15, table 3-7 "Well-Formed UTF-8 Byte Sequences").
size_t SequenceBytes(std::string_view text, size_t i) {
  const auto at = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = at(i);
  if (b0 < 0x80) return 1;
  size_t n = 0;
  uint8_t lo = 0x80, hi = 0xbf;  // range of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 == 0xe0) lo = 0xa0;  // overlong
    if (b0 == 0xed) hi = 0x9f;  // surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 == 0xf0) lo = 0x90;  // overlong
    if (b0 == 0xf4) hi = 0x8f;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (at(i + k) < 0x80 || at(i + k) > 0xbf) return 0;
  }
  return n;
}

}  // namespace

bool IsWellFormedUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = SequenceBytes(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

SealingStatus ValidateName(std::string_view what, std::string_view value, size_t max_bytes,
                           SealingErrorCode code) {
  if (value.empty()) return MakeSealingError(code, std::string(what) + " is empty");
  if (value.size() > max_bytes) {
    return MakeSealingError(
        code, std::string(what) + " is longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (!IsWellFormedUtf8(value)) {
    return MakeSealingError(code, std::string(what) + " " + Quote(value) + " is not valid UTF-8");
  }
  return {};
}

std::string Quote(std::string_view value) {
  constexpr size_t kMaxShownBytes = 64;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < value.size() && i < kMaxShownBytes; ++i) {
    const auto c = static_cast<uint8_t>(value[i]);
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  if (value.size() > kMaxShownBytes) out += "...";
  out += "'";
  return out;
}

}  // namespace ledgerseal::sealing::internal
