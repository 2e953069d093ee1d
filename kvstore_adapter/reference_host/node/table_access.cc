#include "kvstore_adapter/reference_host/node/table_access.h"

#include <algorithm>

#include "kvstore_adapter/reference_host/membership/public/membership.h"

namespace ledgerseal::kv::node {

bool IsReserved(std::string_view table) {
  // ledger.*: the host's; sealing.* and recovery.*: the sealing plugin's
  // (docs/RECOVERY_SHARES.md). A client write there could replace the newest
  // signed record with one no recovery accepts.
  return table.starts_with("ledger.") || table.starts_with("sealing.") || table.starts_with("recovery.");
}

bool IsHostPrivate(std::string_view table, const TableDomains& tables) {
  if (table == membership::kServiceKeyTable.name) return true;
  if (!IsReserved(table)) return false;
  return std::ranges::any_of(tables, [&](const auto& t) { return t.first == table && t.second == Domain::kPrivate; });
}

Status CheckClientWrite(const ::ledgerseal::rpc::v1::Write& w, const TableDomains& tables) {
  if (!IsValidTableName(w.table())) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid table name '" + w.table() + "'");
  }
  if (IsReserved(w.table())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "table '" + w.table() + "' is reserved (ledger.*, sealing.* and recovery.*)");
  }
  const Domain domain = w.private_domain() ? Domain::kPrivate : Domain::kPublic;
  for (const auto& [name, existing] : tables) {
    if (name == w.table() && existing != domain) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "table '" + w.table() + "' is in the " +
                           (existing == Domain::kPrivate ? "private" : "public") + " domain");
    }
  }
  return {};
}

}  // namespace ledgerseal::kv::node
