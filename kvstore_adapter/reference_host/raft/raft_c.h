// canonical raft's C headers, made usable from C++: they have no
// `extern "C"` of their own. In C++ name request types with `struct`
// (`struct raft_apply`): the function of the same name hides the type.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_RAFT_C_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_RAFT_C_H_

extern "C" {
#include <raft.h>
#include <raft/uv.h>
}

#include <type_traits>

#include "kvstore_adapter/reference_host/raft/public/raft_node.h"

namespace ledgerseal::replication {
static_assert(std::is_same_v<RaftId, ::raft_id>);
static_assert(std::is_same_v<RaftIndex, ::raft_index>);
static_assert(std::is_same_v<RaftTerm, ::raft_term>);
}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_RAFT_C_H_
