#include "base/canonical_items.h"

#include <cstdlib>
#include <limits>

namespace ledgerseal::base {
namespace {

void AppendBigEndian(std::vector<uint8_t>& out, uint64_t value, int width_bytes) {
  for (int shift = (width_bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(value >> shift));
  }
}

}  // namespace

CanonicalEncoder& CanonicalEncoder::AddBytes(std::span<const uint8_t> bytes) {
  // A silent truncation of the length would break injectivity; this cannot
  // happen with validated inputs, so it is a bug: stop.
  if (bytes.size() > std::numeric_limits<uint32_t>::max()) std::abort();
  AppendBigEndian(out_, bytes.size(), 4);
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  return *this;
}

CanonicalEncoder& CanonicalEncoder::AddString(std::string_view text) {
  return AddBytes({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

CanonicalEncoder& CanonicalEncoder::AddU32(uint32_t value) {
  AppendBigEndian(out_, 4, 4);
  AppendBigEndian(out_, value, 4);
  return *this;
}

CanonicalEncoder& CanonicalEncoder::AddU64(uint64_t value) {
  AppendBigEndian(out_, 8, 4);
  AppendBigEndian(out_, value, 8);
  return *this;
}

}  // namespace ledgerseal::base
