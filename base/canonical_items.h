// The one canonical byte encoding behind every AAD, OAEP label and signed
// message (sealing records and service-identity signatures).
//
// A message is a sequence of items; each item is written as its length
// (u32, big-endian) followed by its bytes. Integers are items of fixed width,
// big-endian (u32 -> 4 bytes, u64 -> 8 bytes), so they are length-prefixed
// too. Length prefixes make the encoding injective: no two different item
// sequences share an encoding, so no field can "borrow" bytes of its
// neighbour (docs/FORMAT.md §"Canonical encoding").
#ifndef LEDGERSEAL_BASE_CANONICAL_ITEMS_H_
#define LEDGERSEAL_BASE_CANONICAL_ITEMS_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ledgerseal::base {

// Thread safety: none; one encoder per message.
class CanonicalEncoder {
 public:
  // Precondition (asserted): bytes.size() < 2^32. Callers bound every
  // variable-length input long before that (names, DER keys).
  CanonicalEncoder& AddBytes(std::span<const uint8_t> bytes);
  CanonicalEncoder& AddString(std::string_view text);
  CanonicalEncoder& AddU32(uint32_t value);
  CanonicalEncoder& AddU64(uint64_t value);

  // The encoding so far; the encoder is left empty.
  std::vector<uint8_t> Finish() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_CANONICAL_ITEMS_H_
