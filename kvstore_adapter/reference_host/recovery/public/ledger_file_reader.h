// kv::LedgerReader over a node's ledger files: newest entry first, public
// writes only (nothing here needs, or uses, a ledger secret).
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_LEDGER_FILE_READER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_LEDGER_FILE_READER_H_

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/public/ledger_reader.h"

namespace ledgerseal::kv {

// Reading one entry costs O(that entry): the ledger files are read backwards
// through frame trailers. Thread safety: none. `view` must outlive the reader.
class LedgerFileReader : public LedgerReader {
 public:
  explicit LedgerFileReader(const ledger::LedgerView& view)
      : view_(view), iterator_(view.NewBackwardIterator()) {}

  Version last_version() const override { return view_.last_version(); }

  // Errors: kCorruption (a frame fails its checksum, or an entry's public
  // part does not parse), kIoError.
  Result<std::optional<PublicEntry>> Previous() override;

 private:
  const ledger::LedgerView& view_;
  ledger::BackwardIterator iterator_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_LEDGER_FILE_READER_H_
