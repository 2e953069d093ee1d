// The reference host's materialised state: a RocksDB database, one column
// family per table, encrypted at rest, advancing one committed version at a
// time.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_STORE_PUBLIC_STORE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_STORE_PUBLIC_STORE_H_

#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/host_support/public/state_snapshot.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/write_set.h"

namespace ledgerseal::kv {

struct StoreOptions {
  std::filesystem::path dir;  // created if missing (when create_if_missing)
  // 32-byte key encrypting every file of the store (AES-256-CTR). Required.
  // Open copies it; the caller keeps ownership of its own copy.
  const SecretBytes* encryption_key = nullptr;
  bool create_if_missing = true;
  // fsync the WAL on every Apply. Off only for benchmarks/tests that don't
  // need durability against power loss (a killed process loses nothing
  // either way: the WAL write reaches the OS before Apply returns).
  bool sync_writes = true;
};

class Store {
 public:
  // Opens (or creates) the store in options.dir.
  // Errors: kInvalidArgument (no key / wrong key size), kWrongKey (the store
  // exists but was encrypted under another key), kNotFound (missing and
  // !create_if_missing), kIoError, kCorruption.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  virtual ~Store() = default;

  // The newest version whose writes are in the store (kNoVersion if none).
  virtual Version applied_version() const = 0;

  // Applies the writes of committed `version` and records it as the applied
  // version, in one RocksDB WriteBatch: after a crash the store holds either
  // all of it or none of it.
  //
  // Returns true if applied, false if `version <= applied_version()` (already
  // applied: replay is idempotent, nothing is written).
  // Errors: kInvalidArgument (version 0, or a table's domain differs from the
  // domain it was first written with), kIoError.
  // Thread safety: Apply calls must not run concurrently with each other;
  // reads may run concurrently with Apply.
  virtual Result<bool> Apply(Version version, const WriteSet& writes) = 0;

  // Applies the writes of the consecutive versions first, first + 1, ...,
  // first + writes.size() - 1 in ONE WriteBatch and records the last as the
  // applied version: after a crash the store holds all of the run or none
  // of it. For bulk loads (recovery's replay into its scratch store), where
  // one write per entry costs more than the entry.
  // Returns true if applied, false if the whole run is at or below
  // applied_version() (nothing is written). Errors: as Apply;
  // kInvalidArgument for an empty run, version 0, or a run that overlaps
  // applied_version() (part applied, part not). Thread safety: as Apply.
  virtual Result<bool> ApplyRun(Version first, std::span<const WriteSet> writes) = 0;

  // A snapshot at the current applied version.
  virtual std::unique_ptr<StateSnapshot> Snapshot() const = 0;

  // Reads the latest applied state. Same semantics as StateSnapshot.
  virtual Result<std::optional<Bytes>> Get(std::string_view table, ByteView key) const = 0;

  // Flushes memtables to SST files (the WAL already makes applied versions
  // durable; this is for snapshots and tests of what reaches the disk).
  virtual Status Flush() = 0;

  // Every table ever written, with its domain, in name order.
  virtual std::vector<std::pair<std::string, Domain>> tables() const = 0;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_STORE_PUBLIC_STORE_H_
