// Fuzz target: every sealing record a recovering node reads from the ledger
// (sealing.shares, sealing.recovery_keys, sealing.last_recovery) is public
// data a host can write; parsing and validating any bytes must give a record
// or a typed SealingError, never a crash.
#include <cstddef>
#include <cstdint>
#include <span>

#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sealing = ::ledgerseal::sealing;
  const std::span<const uint8_t> bytes(data, size);
  if (auto shares = sealing::ParseSignedShares(bytes)) {
    for (const auto& share : shares->body.shares()) {
      if (share.has_recovery_key()) (void)sealing::ValidateSealedRecoveryKey(share.recovery_key());
    }
  }
  if (auto key = sealing::ParseSealedRecoveryKey(bytes)) (void)sealing::ValidateSealedRecoveryKey(*key);
  (void)sealing::ParseLastRecovery(bytes);
  return 0;
}
