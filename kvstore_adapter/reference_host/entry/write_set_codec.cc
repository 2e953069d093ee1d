#include "kvstore_adapter/reference_host/entry/write_set_codec.h"

namespace ledgerseal::kv::entry {

void ToProto(pb::WriteSet& out, const WriteSet& writes, Domain domain) {
  for (const auto& [name, table] : writes.tables()) {
    if (table.domain != domain) continue;
    auto* t = out.add_tables();
    t->set_table(name);
    for (const auto& [key, value] : table.writes) {
      auto* w = t->add_writes();
      w->set_key(key.data(), key.size());
      if (value) w->set_value(value->data(), value->size());
      else w->set_removed(true);
    }
  }
}

Status FromProto(WriteSet& out, const pb::WriteSet& in, Domain domain) {
  for (const auto& t : in.tables()) {
    const Table table{t.table(), domain};
    for (const auto& w : t.writes()) {
      if (w.removed() && !w.value().empty()) {
        return MakeError(ErrorCode::kCorruption, "a removal in table " + t.table() + " has a value");
      }
      auto s = w.removed() ? out.Remove(table, AsBytes(w.key()))
                           : out.Put(table, AsBytes(w.key()), AsBytes(w.value()));
      if (!s) return MakeError(ErrorCode::kCorruption, "bad write in entry: " + s.error().message);
    }
  }
  return {};
}

}  // namespace ledgerseal::kv::entry
