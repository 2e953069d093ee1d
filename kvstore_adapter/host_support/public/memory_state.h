// A host's committed state held in memory, one immutable image per version:
// the state a small host (LocalHost) or a test needs without a database.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_MEMORY_STATE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_MEMORY_STATE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kvstore_adapter/host_support/public/state_snapshot.h"
#include "kvstore_adapter/public/write_set.h"

namespace ledgerseal::kv {

// Applying a version copies the tables it writes (copy on write per table),
// so a snapshot taken earlier keeps seeing its own version. Cost: O(size of
// each written table) per Apply; meant for small states.
//
// Thread safety: every method may be called concurrently.
class MemoryState {
 public:
  using Rows = std::map<Bytes, Bytes>;
  using Tables = std::map<std::string, std::shared_ptr<const Rows>, std::less<>>;

  // The newest applied version (kNoVersion before the first Apply).
  Version version() const;

  // A consistent view of the newest version; it stays valid and unchanged
  // after later Applies.
  std::unique_ptr<StateSnapshot> Snapshot() const;

  // Applies `writes` as `version`. Precondition: version == version() + 1
  // (checked: a host that skips a version has a bug).
  void Apply(Version version, const WriteSet& writes);

 private:
  mutable std::mutex mu_;
  Version version_ = kNoVersion;
  std::shared_ptr<const Tables> tables_ = std::make_shared<Tables>();
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_MEMORY_STATE_H_
