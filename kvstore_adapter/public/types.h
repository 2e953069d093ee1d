// Vocabulary of the adapter interface: bytes, versions, tables and domains.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_TYPES_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_TYPES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ledgerseal::kv {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// Sequence number of a committed transaction. Versions start at 1 and grow by
// one per committed transaction; 0 means "nothing committed yet".
using Version = uint64_t;
inline constexpr Version kNoVersion = 0;

// Public-domain writes are stored in the ledger in the clear (but integrity-
// protected); private-domain writes are encrypted under the ledger secret.
// Recovery can read public writes before any ledger secret is known.
enum class Domain : uint8_t { kPublic = 0, kPrivate = 1 };

// A table: a name and the domain it lives in. A name belongs to exactly one
// domain for the life of a ledger; writing it under the other domain is an
// kInvalidArgument error.
struct Table {
  std::string_view name;
  Domain domain;
};

// Table names: 1..128 bytes of [a-z0-9_.:-]. Returns false otherwise.
bool IsValidTableName(std::string_view name);

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline Bytes ToBytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}
// Lowercase hex, two digits per byte. Pure.
std::string ToHex(ByteView bytes);

inline std::string_view AsString(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_TYPES_H_
