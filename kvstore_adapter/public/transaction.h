// A transaction: reads and writes on named tables, committed atomically.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_TRANSACTION_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_TRANSACTION_H_

#include <functional>
#include <optional>

#include "kvstore_adapter/public/commit_context.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/write_set.h"

namespace ledgerseal::kv {

// Reads see the transaction's own pending writes first, then the committed
// state as of `read_version()`. Writes are buffered until the host commits
// the transaction (Host::Commit); nothing is visible to others before that.
//
// Thread safety: none; use a transaction from one thread at a time.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // The value of `key` in `table`, or std::nullopt if absent or removed.
  // Errors: kIoError / kCorruption from the underlying store.
  [[nodiscard]] virtual Result<std::optional<Bytes>> Get(const Table& table, ByteView key) = 0;

  // Calls `visit(key, value)` for every live key of `table` in key order
  // (committed state merged with pending writes). Stops early when `visit`
  // returns false.
  [[nodiscard]] virtual Status ForEach(const Table& table,
                         const std::function<bool(ByteView key, ByteView value)>& visit) = 0;

  // Buffers a write. Errors: kInvalidArgument (bad table name, domain clash).
  [[nodiscard]] virtual Status Put(const Table& table, ByteView key, ByteView value) = 0;
  // Buffers a removal. Same errors as Put.
  [[nodiscard]] virtual Status Remove(const Table& table, ByteView key) = 0;

  // The pending writes so far (including those added by hooks).
  virtual const WriteSet& writes() const = 0;

  // The committed version this transaction reads from.
  virtual Version read_version() const = 0;

  // What the host knows about this transaction when hooks run (see
  // commit_context.h). Every host must implement it and fill it before
  // running the hooks; outside Host::Commit it is empty.
  virtual const CommitContext& commit_context() const = 0;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_TRANSACTION_H_
