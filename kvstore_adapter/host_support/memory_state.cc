#include "kvstore_adapter/host_support/public/memory_state.h"

#include "base/check.h"

namespace ledgerseal::kv {
namespace {

class MemorySnapshot final : public StateSnapshot {
 public:
  MemorySnapshot(Version version, std::shared_ptr<const MemoryState::Tables> tables)
      : version_(version), tables_(std::move(tables)) {}

  Version version() const override { return version_; }

  Result<std::optional<Bytes>> Get(std::string_view table, ByteView key) const override {
    auto t = tables_->find(table);
    if (t == tables_->end()) return std::optional<Bytes>();
    auto row = t->second->find(Bytes(key.begin(), key.end()));
    if (row == t->second->end()) return std::optional<Bytes>();
    return std::optional<Bytes>(row->second);
  }

  Status ForEach(std::string_view table, const std::function<bool(ByteView, ByteView)>& visit) const override {
    auto t = tables_->find(table);
    if (t == tables_->end()) return {};
    for (const auto& [key, value] : *t->second) {
      if (!visit(key, value)) break;
    }
    return {};
  }

 private:
  Version version_;
  std::shared_ptr<const MemoryState::Tables> tables_;
};

}  // namespace

Version MemoryState::version() const {
  std::lock_guard lock(mu_);
  return version_;
}

std::unique_ptr<StateSnapshot> MemoryState::Snapshot() const {
  std::lock_guard lock(mu_);
  return std::make_unique<MemorySnapshot>(version_, tables_);
}

void MemoryState::Apply(Version version, const WriteSet& writes) {
  std::lock_guard lock(mu_);
  LEDGERSEAL_CHECK(version == version_ + 1);
  auto next = std::make_shared<Tables>(*tables_);
  for (const auto& [name, table] : writes.tables()) {
    auto it = next->find(name);
    auto rows = it == next->end() ? std::make_shared<Rows>() : std::make_shared<Rows>(*it->second);
    for (const auto& [key, value] : table.writes) {
      if (value) {
        (*rows)[key] = *value;
      } else {
        rows->erase(key);
      }
    }
    (*next)[name] = std::move(rows);
  }
  tables_ = std::move(next);
  version_ = version;
}

}  // namespace ledgerseal::kv
