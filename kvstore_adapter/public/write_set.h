// The writes of one transaction, grouped by table, in deterministic order.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_WRITE_SET_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_WRITE_SET_H_

#include <map>
#include <optional>
#include <string>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv {

// Writes to one table: key -> value, or std::nullopt for a removal.
struct TableWrites {
  Domain domain = Domain::kPublic;
  std::map<Bytes, std::optional<Bytes>> writes;
};

// An ordered set of writes. Later writes to the same key replace earlier
// ones. Iteration order (table name, then key) is deterministic, so two nodes
// serialising the same WriteSet produce the same bytes.
//
// Thread safety: none; a WriteSet belongs to one transaction.
class WriteSet {
 public:
  // Records `value` for `key`. Fails with kInvalidArgument if the table name
  // is invalid or the table was already written under the other domain.
  Status Put(const Table& table, ByteView key, ByteView value);
  // Records the removal of `key`. Same errors as Put.
  Status Remove(const Table& table, ByteView key);

  // The pending write for `key`: nullptr if the transaction did not touch
  // it; a pointer to std::nullopt if it removes it.
  const std::optional<Bytes>* Find(std::string_view table, ByteView key) const;

  // True if the transaction writes (or removes) anything in `table`.
  bool Touches(std::string_view table) const;

  const std::map<std::string, TableWrites, std::less<>>& tables() const { return tables_; }
  bool empty() const { return tables_.empty(); }
  // Number of individual key writes/removals.
  size_t size() const;

  // Copies every write of `other` into this set (other's writes win).
  Status Merge(const WriteSet& other);

  friend bool operator==(const WriteSet&, const WriteSet&);

 private:
  Result<TableWrites*> TableFor(const Table& table);
  std::map<std::string, TableWrites, std::less<>> tables_;
};

bool operator==(const TableWrites& a, const TableWrites& b);

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_WRITE_SET_H_
