// Read-only, backwards access to a ledger's committed entries, for recovery.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_LEDGER_READER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_LEDGER_READER_H_

#include <optional>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/write_set.h"

namespace ledgerseal::kv {

// What recovery may see of one committed entry before any secret is known:
// its version, the ledger secret version it was encrypted under, and its
// public-domain writes. These writes are NOT yet authenticated: the host
// verifies every entry's tag during replay, after the secrets are recovered.
struct PublicEntry {
  Version version = kNoVersion;
  uint64_t ledger_secret_version = 0;
  WriteSet public_writes;  // only Domain::kPublic tables
};

// Iterates committed entries from the newest to the oldest.
//
// Cost: reading one entry costs O(size of that entry), independent of the
// ledger's length, so a reader that stops early never pays for the whole
// ledger. Thread safety: none.
class LedgerReader {
 public:
  virtual ~LedgerReader() = default;

  // The version of the newest complete entry (kNoVersion for an empty ledger).
  virtual Version last_version() const = 0;

  // The next older entry; std::nullopt once the oldest entry was returned.
  // Errors: kCorruption (an entry's frame fails its checksum), kIoError.
  virtual Result<std::optional<PublicEntry>> Previous() = 0;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_LEDGER_READER_H_
