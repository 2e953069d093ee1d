// A LedgerReader over entries held in memory (newest last). For hosts that
// keep recent public writes in memory, and for tests of recovery hooks.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_VECTOR_LEDGER_READER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_VECTOR_LEDGER_READER_H_

#include <vector>

#include "kvstore_adapter/public/ledger_reader.h"

namespace ledgerseal::kv {

class VectorLedgerReader : public LedgerReader {
 public:
  // `entries` must be ordered by strictly increasing version; the reader
  // does not own them and they must outlive it.
  explicit VectorLedgerReader(const std::vector<PublicEntry>& entries)
      : entries_(entries), next_(entries.size()) {}

  Version last_version() const override {
    return entries_.empty() ? kNoVersion : entries_.back().version;
  }

  Result<std::optional<PublicEntry>> Previous() override {
    if (next_ == 0) return std::optional<PublicEntry>();
    return std::optional<PublicEntry>(entries_[--next_]);
  }

  // How many entries were returned so far (tests check early stopping).
  size_t entries_read() const { return entries_.size() - next_; }

 private:
  const std::vector<PublicEntry>& entries_;
  size_t next_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_VECTOR_LEDGER_READER_H_
