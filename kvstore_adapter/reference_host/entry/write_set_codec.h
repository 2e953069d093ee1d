// Internal: WriteSet <-> ledger.v1.WriteSet for one domain.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_ENTRY_WRITE_SET_CODEC_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_ENTRY_WRITE_SET_CODEC_H_

#include "kvstore_adapter/public/write_set.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"

namespace ledgerseal::kv::entry {

namespace pb = ::ledgerseal::ledger::v1;

// Copies the tables of `domain` from `writes` into `out` (in the WriteSet's
// deterministic order: table name, then key).
void ToProto(pb::WriteSet& out, const WriteSet& writes, Domain domain);

// Adds every write of `in` to `out` under `domain`. Errors: kCorruption for an
// invalid table name, a table written in both domains, or a removal that
// carries a value.
Status FromProto(WriteSet& out, const pb::WriteSet& in, Domain domain);

}  // namespace ledgerseal::kv::entry

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_ENTRY_WRITE_SET_CODEC_H_
