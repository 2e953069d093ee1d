// Internal to the node: which tables clients may write and read through the
// RPC interface. Tables the host (ledger.*) and the plugins (sealing.*) own
// are not writable by clients, and their private-domain tables (keys: the
// service identity's private key) are not readable either.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_TABLE_ACCESS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_TABLE_ACCESS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/proto/rpc.pb.h"

namespace ledgerseal::kv::node {

// The tables a store holds, with their domains (Store::tables()).
using TableDomains = std::vector<std::pair<std::string, Domain>>;

// ledger.*, sealing.* and recovery.*: written by the host and its plugins only.
bool IsReserved(std::string_view table);

// A reserved table in the private domain (or the service key table, even
// before it exists): never readable by a client.
bool IsHostPrivate(std::string_view table, const TableDomains& tables);

// A client's write: a valid table name, not reserved, and in the domain the
// table already has (a clash must be caught before proposing, because every
// node's store would refuse the entry). Errors: kInvalidArgument naming it.
Status CheckClientWrite(const ::ledgerseal::rpc::v1::Write& w, const TableDomains& tables);

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_TABLE_ACCESS_H_
