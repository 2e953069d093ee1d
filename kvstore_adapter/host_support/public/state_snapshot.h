// A consistent, read-only view of a host's committed state as of one
// version: what a SnapshotTransaction reads through. Each host implements it
// over its own storage (the reference host over RocksDB, LocalHost over
// memory).
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_STATE_SNAPSHOT_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_STATE_SNAPSHOT_H_

#include <functional>
#include <optional>
#include <string_view>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv {

// Thread safety: const methods may be called concurrently.
class StateSnapshot {
 public:
  virtual ~StateSnapshot() = default;
  // The committed version this view shows.
  virtual Version version() const = 0;
  // The value of `key` in `table`, std::nullopt if absent. A table never
  // written is empty (not an error). Errors: kIoError, kCorruption.
  [[nodiscard]] virtual Result<std::optional<Bytes>> Get(std::string_view table, ByteView key) const = 0;
  // Visits live keys of `table` in key order until `visit` returns false.
  // A table never written is empty (not an error). Errors: as Get.
  [[nodiscard]] virtual Status ForEach(std::string_view table,
                                       const std::function<bool(ByteView, ByteView)>& visit) const = 0;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_STATE_SNAPSHOT_H_
