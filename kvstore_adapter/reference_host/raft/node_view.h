// What a RaftNode publishes from its loop thread for other threads to read:
// cached leadership, term and progress. Never touches raft.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_NODE_VIEW_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_NODE_VIEW_H_

#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/raft/public/raft_node.h"

namespace ledgerseal::replication {

// Written only by the loop thread; read by any thread.
struct NodeView {
  std::atomic<bool> is_leader{false};
  std::atomic<bool> ready_for_reads{false};
  std::atomic<RaftTerm> term{0};
  std::atomic<RaftIndex> last_applied{0};

  mutable std::mutex mu;
  std::optional<LeaderInfo> leader;  // guarded by mu
  std::vector<RaftId> voters;        // guarded by mu; ascending
  std::optional<kv::Error> fatal;    // guarded by mu

  // Raises last_applied to `index` (never lowers it).
  void RaiseLastApplied(RaftIndex index) {
    RaftIndex seen = last_applied.load();
    while (seen < index && !last_applied.compare_exchange_weak(seen, index)) {
    }
  }
};

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_NODE_VIEW_H_
