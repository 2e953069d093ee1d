#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/store/aes_ctr_encryption.h"
#include "kvstore_adapter/store/public/store.h"

#include <rocksdb/db.h>
#include <rocksdb/env_encryption.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <cassert>
#include <map>
#include <mutex>
#include <shared_mutex>

namespace ledgerseal::kv {
namespace {

using store_internal::AesCtrEncryptionProvider;

// Store metadata lives in RocksDB's default column family; tables never use it.
constexpr std::string_view kAppliedVersionKey = "meta/applied_version";
constexpr std::string_view kTableDomainPrefix = "meta/table/";

rocksdb::Slice ToSlice(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
ByteView FromSlice(const rocksdb::Slice& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string EncodeVersion(Version v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

Result<Version> DecodeVersion(std::string_view s) {
  if (s.size() != 8) return MakeError(ErrorCode::kCorruption, "applied version is not 8 bytes");
  Version v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

Error FromRocks(const rocksdb::Status& s, std::string_view what) {
  const ErrorCode code = s.IsCorruption() ? ErrorCode::kCorruption
                         : s.IsNotFound() ? ErrorCode::kNotFound
                         : s.IsInvalidArgument() ? ErrorCode::kInvalidArgument
                                                 : ErrorCode::kIoError;
  return Error{code, std::string(what) + ": " + s.ToString()};
}

// Column family handles by table name. Grows when Apply sees a new table;
// read by concurrent readers.
class Tables {
 public:
  void Add(const std::string& name, rocksdb::ColumnFamilyHandle* cf, Domain domain) {
    std::unique_lock lock(mu_);
    entries_[name] = {cf, domain};
  }
  // nullptr if the table was never written.
  rocksdb::ColumnFamilyHandle* Find(std::string_view name) const {
    std::shared_lock lock(mu_);
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : it->second.cf;
  }
  std::optional<Domain> DomainOf(std::string_view name) const {
    std::shared_lock lock(mu_);
    auto it = entries_.find(name);
    if (it == entries_.end()) return std::nullopt;
    return it->second.domain;
  }
  std::vector<std::pair<std::string, Domain>> List() const {
    std::shared_lock lock(mu_);
    std::vector<std::pair<std::string, Domain>> out;
    for (const auto& [name, e] : entries_) out.emplace_back(name, e.domain);
    return out;
  }

 private:
  struct Entry {
    rocksdb::ColumnFamilyHandle* cf;
    Domain domain;
  };
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;
};

Result<std::optional<Bytes>> ReadKey(rocksdb::DB& db, const rocksdb::ReadOptions& ro,
                                     const Tables& tables, std::string_view table, ByteView key) {
  rocksdb::ColumnFamilyHandle* cf = tables.Find(table);
  if (cf == nullptr) return std::optional<Bytes>();
  std::string value;
  const rocksdb::Status s = db.Get(ro, cf, ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<Bytes>();
  if (!s.ok()) return std::unexpected(FromRocks(s, "read of table " + std::string(table)));
  return std::optional<Bytes>(Bytes(value.begin(), value.end()));
}

class RocksSnapshot : public StateSnapshot {
 public:
  // The version is read from the snapshot itself, so it always matches the
  // data the snapshot shows.
  RocksSnapshot(rocksdb::DB* db, const Tables* tables)
      : db_(db), tables_(tables), snapshot_(db->GetSnapshot()) {
    read_options_.snapshot = snapshot_;
    std::string value;
    if (db_->Get(read_options_, kAppliedVersionKey, &value).ok()) {
      version_ = DecodeVersion(value).value_or(kNoVersion);
    }
  }
  ~RocksSnapshot() override { db_->ReleaseSnapshot(snapshot_); }

  Version version() const override { return version_; }

  Result<std::optional<Bytes>> Get(std::string_view table, ByteView key) const override {
    return ReadKey(*db_, read_options_, *tables_, table, key);
  }

  Status ForEach(std::string_view table,
                 const std::function<bool(ByteView, ByteView)>& visit) const override {
    rocksdb::ColumnFamilyHandle* cf = tables_->Find(table);
    if (cf == nullptr) return {};
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options_, cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!visit(FromSlice(it->key()), FromSlice(it->value()))) break;
    }
    if (!it->status().ok()) {
      return std::unexpected(FromRocks(it->status(), "scan of table " + std::string(table)));
    }
    return {};
  }

 private:
  rocksdb::DB* db_;
  const Tables* tables_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions read_options_;
  Version version_ = kNoVersion;
};

class RocksStore : public Store {
 public:
  RocksStore(std::unique_ptr<rocksdb::Env> env, std::unique_ptr<rocksdb::DB> db,
             std::vector<rocksdb::ColumnFamilyHandle*> handles, bool sync_writes)
      : env_(std::move(env)), db_(std::move(db)), handles_(std::move(handles)) {
    write_options_.sync = sync_writes;
  }

  ~RocksStore() override {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_.reset();  // close before the Env it uses
  }

  Status LoadMetadata() {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), kAppliedVersionKey, &value);
    if (s.ok()) {
      auto v = DecodeVersion(value);
      if (!v) return std::unexpected(v.error());
      applied_.store(*v);
    } else if (!s.IsNotFound()) {
      return std::unexpected(FromRocks(s, "read of the applied version"));
    }
    for (auto* h : handles_) {
      if (h->GetName() == rocksdb::kDefaultColumnFamilyName) continue;
      s = db_->Get(rocksdb::ReadOptions(), std::string(kTableDomainPrefix) + h->GetName(), &value);
      // A column family created by an Apply that crashed before its batch
      // was written has no domain record; it holds no data and is adopted
      // by the next Apply that writes the table.
      if (s.IsNotFound()) {
        orphan_cfs_[h->GetName()] = h;
        continue;
      }
      if (!s.ok()) return std::unexpected(FromRocks(s, "read of table metadata"));
      if (value.size() != 1 || static_cast<uint8_t>(value[0]) > 1) {
        return MakeError(ErrorCode::kCorruption, "bad domain record for table " + h->GetName());
      }
      tables_.Add(h->GetName(), h, static_cast<Domain>(value[0]));
    }
    return {};
  }

  Version applied_version() const override { return applied_.load(); }

  Result<bool> Apply(Version version, const WriteSet& writes) override {
    return ApplyRun(version, std::span(&writes, 1));
  }

  Result<bool> ApplyRun(Version first, std::span<const WriteSet> run) override {
    if (first == kNoVersion) return MakeError(ErrorCode::kInvalidArgument, "version 0");
    if (run.empty()) return MakeError(ErrorCode::kInvalidArgument, "an empty run");
    const Version last = first + run.size() - 1;
    if (last <= applied_.load()) return false;
    if (first <= applied_.load()) {
      return MakeError(ErrorCode::kInvalidArgument, "run " + std::to_string(first) + ".." + std::to_string(last) +
                                                        " overlaps applied version " +
                                                        std::to_string(applied_.load()));
    }
    auto written = WriteRun(last, run);
    if (!written) {
      // Tables this run created but did not record: the next write that
      // uses one adopts it, with its domain record (as after a crash).
      for (const auto& [name, cf] : pending_cfs_) orphan_cfs_[name] = cf;
      pending_cfs_.clear();
      return std::unexpected(written.error());
    }
    return true;
  }

  std::unique_ptr<StateSnapshot> Snapshot() const override {
    return std::make_unique<RocksSnapshot>(db_.get(), &tables_);
  }

  Result<std::optional<Bytes>> Get(std::string_view table, ByteView key) const override {
    return ReadKey(*db_, rocksdb::ReadOptions(), tables_, table, key);
  }

  Status Flush() override {
    rocksdb::FlushOptions fo;
    const rocksdb::Status s = db_->Flush(fo, handles_);
    if (!s.ok()) return std::unexpected(FromRocks(s, "flush"));
    return {};
  }

  std::vector<std::pair<std::string, Domain>> tables() const override { return tables_.List(); }

 private:
  // ApplyRun's batch: every write of `run`, then `version` as applied.
  Status WriteRun(Version version, std::span<const WriteSet> run) {
    rocksdb::WriteBatch batch;
    std::vector<std::pair<std::string, Domain>> new_tables;
    for (const WriteSet& writes : run) {
      for (const auto& [name, table_writes] : writes.tables()) {
        auto cf = HandleForWrite(name, table_writes.domain, batch, new_tables);
        if (!cf) return std::unexpected(cf.error());
        for (const auto& [key, value] : table_writes.writes) {
          const rocksdb::Status s = value ? batch.Put(*cf, ToSlice(key), ToSlice(*value))
                                          : batch.Delete(*cf, ToSlice(key));
          if (!s.ok()) return std::unexpected(FromRocks(s, "batching a write"));
        }
      }
    }
    const rocksdb::Status s = batch.Put(kAppliedVersionKey, EncodeVersion(version));
    if (!s.ok()) return std::unexpected(FromRocks(s, "batching the applied version"));
    const rocksdb::Status w = db_->Write(write_options_, &batch);
    if (!w.ok()) return std::unexpected(FromRocks(w, "write of version " + std::to_string(version)));
    for (const auto& [name, domain] : new_tables) tables_.Add(name, pending_cfs_.at(name), domain);
    pending_cfs_.clear();
    applied_.store(version);
    return {};
  }

  // The column family for `name`, creating it (and batching its domain
  // record) the first time the table is written.
  Result<rocksdb::ColumnFamilyHandle*> HandleForWrite(
      const std::string& name, Domain domain, rocksdb::WriteBatch& batch,
      std::vector<std::pair<std::string, Domain>>& new_tables) {
    if (auto known = tables_.DomainOf(name)) {
      if (*known != domain) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "table " + name + " was created in the other domain");
      }
      return tables_.Find(name);
    }
    // Made earlier in the same run (ApplyRun): one table, one domain.
    if (auto pending = pending_cfs_.find(name); pending != pending_cfs_.end()) {
      for (const auto& [made, made_domain] : new_tables) {
        if (made == name && made_domain != domain) {
          return MakeError(ErrorCode::kInvalidArgument, "table " + name + " was created in the other domain");
        }
      }
      return pending->second;
    }
    rocksdb::ColumnFamilyHandle* cf = nullptr;
    if (auto orphan = orphan_cfs_.find(name); orphan != orphan_cfs_.end()) {
      cf = orphan->second;
      orphan_cfs_.erase(orphan);
    } else {
      const rocksdb::Status s = db_->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), name, &cf);
      if (!s.ok()) return std::unexpected(FromRocks(s, "creating table " + name));
      handles_.push_back(cf);
    }
    const char domain_byte = static_cast<char>(domain);
    const rocksdb::Status s =
        batch.Put(std::string(kTableDomainPrefix) + name, rocksdb::Slice(&domain_byte, 1));
    if (!s.ok()) return std::unexpected(FromRocks(s, "batching table metadata"));
    pending_cfs_[name] = cf;
    new_tables.emplace_back(name, domain);
    return cf;
  }

  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_
  rocksdb::WriteOptions write_options_;
  Tables tables_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> orphan_cfs_;    // Apply thread only
  std::map<std::string, rocksdb::ColumnFamilyHandle*> pending_cfs_;   // Apply thread only
  std::atomic<Version> applied_{kNoVersion};
};

Result<std::vector<std::string>> ExistingColumnFamilies(const rocksdb::DBOptions& db_options,
                                                        const StoreOptions& options,
                                                        const AesCtrEncryptionProvider& provider) {
  std::error_code ec;
  if (!std::filesystem::exists(options.dir / "CURRENT", ec)) {
    if (!options.create_if_missing) {
      return MakeError(ErrorCode::kNotFound, "no store in " + options.dir.string());
    }
    return std::vector<std::string>{rocksdb::kDefaultColumnFamilyName};
  }
  std::vector<std::string> names;
  const rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, options.dir, &names);
  if (provider.key_mismatch_seen()) {
    return MakeError(ErrorCode::kWrongKey, "the store in " + options.dir.string() +
                                               " is encrypted under a different key");
  }
  if (!s.ok()) return std::unexpected(FromRocks(s, "listing tables of " + options.dir.string()));
  return names;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.encryption_key == nullptr ||
      options.encryption_key->size() != store_internal::kStoreKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "the store needs a 32-byte encryption key");
  }
  std::error_code ec;
  if (options.create_if_missing) std::filesystem::create_directories(options.dir, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "cannot create " + options.dir.string());

  auto provider = std::make_shared<AesCtrEncryptionProvider>(*options.encryption_key);
  std::unique_ptr<rocksdb::Env> env(rocksdb::NewEncryptedEnv(rocksdb::Env::Default(), provider));
  rocksdb::DBOptions db_options;
  db_options.env = env.get();
  db_options.create_if_missing = options.create_if_missing;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // RocksDB reserves ~70 MB per store up front (write-ahead log and manifest
  // fallocate). A node keeps small stores, and tests and the demo start many
  // nodes: allocate as data arrives instead.
  db_options.allow_fallocate = false;

  auto names = ExistingColumnFamilies(db_options, options, *provider);
  if (!names) return std::unexpected(names.error());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : *names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  const rocksdb::Status s =
      rocksdb::DB::Open(db_options, options.dir, descriptors, &handles, &raw_db);
  if (provider->key_mismatch_seen()) {
    return MakeError(ErrorCode::kWrongKey, "the store in " + options.dir.string() +
                                               " is encrypted under a different key");
  }
  if (!s.ok()) return std::unexpected(FromRocks(s, "opening the store in " + options.dir.string()));

  auto store = std::make_unique<RocksStore>(std::move(env), std::unique_ptr<rocksdb::DB>(raw_db),
                                            std::move(handles), options.sync_writes);
  if (auto loaded = store->LoadMetadata(); !loaded) return std::unexpected(loaded.error());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace ledgerseal::kv
