// A Transaction over a store snapshot: buffered writes, read-your-writes.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_SNAPSHOT_TRANSACTION_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_SNAPSHOT_TRANSACTION_H_

#include <memory>

#include "kvstore_adapter/public/transaction.h"
#include "kvstore_adapter/host_support/public/state_snapshot.h"

namespace ledgerseal::kv {

// Reads come from the pending writes, then from `snapshot`. `owner` tags the
// host that created the transaction, so a host can refuse foreign ones.
// Thread safety: none (one transaction, one thread).
class SnapshotTransaction : public Transaction {
 public:
  SnapshotTransaction(const void* owner, std::unique_ptr<StateSnapshot> snapshot)
      : owner_(owner), snapshot_(std::move(snapshot)) {}

  Result<std::optional<Bytes>> Get(const Table& table, ByteView key) override;
  Status ForEach(const Table& table,
                 const std::function<bool(ByteView, ByteView)>& visit) override;
  Status Put(const Table& table, ByteView key, ByteView value) override;
  Status Remove(const Table& table, ByteView key) override;
  // Adds every write of `other` (host-generated writes, e.g. a rotation).
  Status MergeWrites(const WriteSet& other) { return writes_.Merge(other); }
  const WriteSet& writes() const override { return writes_; }
  Version read_version() const override { return snapshot_->version(); }

  const void* owner() const { return owner_; }

  const CommitContext& commit_context() const override { return context_; }
  // The host fills this before running the hooks.
  CommitContext& mutable_commit_context() { return context_; }

 private:
  const void* owner_;
  std::unique_ptr<StateSnapshot> snapshot_;
  WriteSet writes_;
  CommitContext context_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_SNAPSHOT_TRANSACTION_H_
