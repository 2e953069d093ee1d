// Vocabulary of the adapter interface: bytes, versions, tables and domains.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_TYPES_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/hex.h"
#include "base/result.h"
#include "base/secret_bytes.h"

namespace ledgerseal::kv {

// The project's base vocabulary (base/), named here as the interface uses it.
using base::AsBytes;
using base::AsString;
using base::Bytes;
using base::ByteView;
using base::Error;
using base::ErrorCode;
using base::ErrorCodeName;
using base::MakeError;
using base::Result;
using base::SecretBytes;
using base::Status;
using base::ToBytes;
using base::ToHex;
using base::WipedString;
using base::WipeString;

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

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_TYPES_H_
