#include "kvstore_adapter/reference_host/recovery/public/ledger_file_reader.h"

#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

namespace ledgerseal::kv {

Result<std::optional<PublicEntry>> LedgerFileReader::Previous() {
  auto next = iterator_.Previous();
  if (!next) return std::unexpected(next.error());
  if (!next->has_value()) return std::optional<PublicEntry>();
  auto view = entry::DecodePublic((*next)->payload);
  if (!view) {
    return MakeError(ErrorCode::kCorruption, "ledger entry " + std::to_string((*next)->version) +
                                                 ": " + view.error().message);
  }
  if (view->header.version != (*next)->version) {
    return MakeError(ErrorCode::kCorruption,
                     "ledger frame " + std::to_string((*next)->version) + " holds entry " +
                         std::to_string(view->header.version));
  }
  return std::optional<PublicEntry>(PublicEntry{view->header.version,
                                                view->header.ledger_secret_version,
                                                std::move(view->public_writes)});
}

}  // namespace ledgerseal::kv
