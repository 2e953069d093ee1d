// Request ids: 16 random bytes as 32 lowercase hex digits, unique enough that
// a node can deduplicate retried writes by id alone.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_REQUEST_ID_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_REQUEST_ID_H_

#include <string>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::rpc {

inline constexpr size_t kRequestIdBytes = 16;

// A fresh id from getrandom(2). Errors: kInternal if the kernel refuses.
// Thread-safe.
kv::Result<std::string> NewRequestId();

}  // namespace ledgerseal::rpc

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_REQUEST_ID_H_
