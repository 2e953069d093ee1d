#include "kvstore_adapter/host_support/public/snapshot_transaction.h"

#include <map>

namespace ledgerseal::kv {

Result<std::optional<Bytes>> SnapshotTransaction::Get(const Table& table, ByteView key) {
  if (const std::optional<Bytes>* pending = writes_.Find(table.name, key)) return *pending;
  return snapshot_->Get(table.name, key);
}

Status SnapshotTransaction::ForEach(const Table& table,
                                    const std::function<bool(ByteView, ByteView)>& visit) {
  // Merge committed keys with pending writes (pending wins; removals hide).
  std::map<Bytes, Bytes> merged;
  auto scanned = snapshot_->ForEach(table.name, [&](ByteView k, ByteView v) {
    merged.emplace(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
    return true;
  });
  if (!scanned) return scanned;
  if (auto it = writes_.tables().find(table.name); it != writes_.tables().end()) {
    for (const auto& [k, v] : it->second.writes) {
      if (v) merged.insert_or_assign(k, *v);
      else merged.erase(k);
    }
  }
  for (const auto& [k, v] : merged) {
    if (!visit(k, v)) break;
  }
  return {};
}

Status SnapshotTransaction::Put(const Table& table, ByteView key, ByteView value) {
  return writes_.Put(table, key, value);
}

Status SnapshotTransaction::Remove(const Table& table, ByteView key) {
  return writes_.Remove(table, key);
}

}  // namespace ledgerseal::kv
