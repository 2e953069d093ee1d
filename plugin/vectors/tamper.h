// TEST ONLY: how each negative conformance vector alters a correctly sealed
// record pair (docs/FORMAT.md §6 says which error each alteration gives).
#ifndef LEDGERSEAL_PLUGIN_VECTORS_TAMPER_H_
#define LEDGERSEAL_PLUGIN_VECTORS_TAMPER_H_

#include <string>

#include "plugin/proto/sealing.pb.h"
#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/result.h"

namespace ledgerseal::vectors {

// One recipient's records as they would sit in the ledger.
struct SealedCase {
  std::string sealing_identity;  // who unseals (the share's identity)
  std::string node_id;
  sealing::v1::SealedRecoveryKey recovery_key;  // `sealing.recovery_keys` value
  sealing::v1::SealedShares shares;             // `sealing.shares` value, one share
};

// Applies `tamper` to `sealed`, keeping the share's copy of the recovery key
// equal to `recovery_key`. kNone and kWrongKey change nothing (a wrong key
// is a property of the unsealing platform). Errors: the records are not as
// SealRecoveryKey/SealShares make them; generating the replacement key.
Result<void> ApplyTamper(Tamper tamper, SealedCase& sealed);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_TAMPER_H_
