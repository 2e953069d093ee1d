// Maps canonical raft's RAFT_* return codes to kv::Error values.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_RAFT_ERRORS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_RAFT_ERRORS_H_

#include <string>
#include <string_view>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::replication {

// The kv::ErrorCode a raft code means for a caller:
//   NOTLEADER -> kNotPrimary; LEADERSHIPLOST, CANCELED -> kAborted;
//   SHUTDOWN, BUSY, CANTCHANGE, NOCONNECTION, TOOMANY, NOMEM -> kUnavailable;
//   IOERR, NOSPACE, UNAUTHORIZED -> kIoError; CORRUPT, MALFORMED -> kCorruption;
//   NOTFOUND -> kNotFound; BADID, DUPLICATEID, DUPLICATEADDRESS, BADROLE,
//   INVALID, NAMETOOLONG, TOOBIG, CANTBOOTSTRAP -> kInvalidArgument;
//   anything else (including 0, which is not an error) -> kInternal.
kv::ErrorCode RaftErrorCode(int raft_rv);

// Stable name of a raft code, e.g. "RAFT_NOTLEADER"; "RAFT_<n>" if unknown.
std::string RaftCodeName(int raft_rv);

// kv::Error{RaftErrorCode(rv), "<what>: <raft_strerror> (RAFT_X)[: <detail>]"}.
// `detail` is raft's errmsg when one is available; it never holds payloads.
kv::Error RaftError(int raft_rv, std::string_view what, std::string_view detail = {});

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_RAFT_ERRORS_H_
