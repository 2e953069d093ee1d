#include "kvstore_adapter/public/write_set.h"

namespace ledgerseal::kv {

Result<TableWrites*> WriteSet::TableFor(const Table& table) {
  if (!IsValidTableName(table.name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid table name '" + std::string(table.name) + "'");
  }
  auto it = tables_.find(table.name);
  if (it == tables_.end()) {
    it = tables_.emplace(std::string(table.name), TableWrites{table.domain, {}}).first;
  } else if (it->second.domain != table.domain) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "table '" + std::string(table.name) + "' written in both domains");
  }
  return &it->second;
}

Status WriteSet::Put(const Table& table, ByteView key, ByteView value) {
  auto t = TableFor(table);
  if (!t) return std::unexpected(t.error());
  (*t)->writes.insert_or_assign(Bytes(key.begin(), key.end()),
                                Bytes(value.begin(), value.end()));
  return {};
}

Status WriteSet::Remove(const Table& table, ByteView key) {
  auto t = TableFor(table);
  if (!t) return std::unexpected(t.error());
  (*t)->writes.insert_or_assign(Bytes(key.begin(), key.end()), std::nullopt);
  return {};
}

const std::optional<Bytes>* WriteSet::Find(std::string_view table, ByteView key) const {
  auto t = tables_.find(table);
  if (t == tables_.end()) return nullptr;
  auto w = t->second.writes.find(Bytes(key.begin(), key.end()));
  return w == t->second.writes.end() ? nullptr : &w->second;
}

bool WriteSet::Touches(std::string_view table) const { return tables_.contains(table); }

size_t WriteSet::size() const {
  size_t n = 0;
  for (const auto& [name, t] : tables_) n += t.writes.size();
  return n;
}

Status WriteSet::Merge(const WriteSet& other) {
  for (const auto& [name, t] : other.tables_) {
    auto mine = TableFor(Table{name, t.domain});
    if (!mine) return std::unexpected(mine.error());
    for (const auto& [k, v] : t.writes) (*mine)->writes.insert_or_assign(k, v);
  }
  return {};
}

bool operator==(const TableWrites& a, const TableWrites& b) {
  return a.domain == b.domain && a.writes == b.writes;
}

bool operator==(const WriteSet& a, const WriteSet& b) { return a.tables_ == b.tables_; }

}  // namespace ledgerseal::kv
