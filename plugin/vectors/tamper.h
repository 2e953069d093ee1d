// TEST ONLY: how each format 2 conformance vector turns a correctly sealed
// record pair into the value it documents: the alteration of the sealed
// material or the body, then the envelope (who signs, as whom, or nobody).
// docs/SERVICE_IDENTITY.md §4.4 says which error each gives.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_TAMPER_H_
#define LEDGERSEAL_PLUGIN_VECTORS_TAMPER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kvstore_adapter/public/service_identity.h"
#include "plugin/proto/sealing.pb.h"
#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/result.h"

namespace ledgerseal::vectors {

// One recipient's records as they would sit in the ledger.
struct SealedCase {
  std::string sealing_identity;  // who unseals (the share's identity)
  std::string node_id;
  sealing::v1::SealedRecoveryKey recovery_key;  // `sealing.recovery_keys` value
  sealing::v1::SealedShares body;               // the signed body, one share
  // Set by ApplyTamper:
  sealing::v1::SignedSealedShares envelope;  // empty for Tamper::kFormat1Record
  std::vector<uint8_t> record;               // the `sealing.shares` value
  uint8_t bound_key = 1;                     // the TEST KEY the recovery key was sealed for
};

// The node's key pair sealed again on its own platform, bound to `service`.
using Resealer = std::function<Result<sealing::v1::SealedRecoveryKey>(const kv::ServiceIdentity& service)>;

// Applies spec.tamper to `sealed` (recovery key and body as SealRecoveryKey /
// SealShares made them for TEST KEY 1), keeps the share's copy of the
// recovery key equal to `recovery_key`, and builds the envelope and the
// value. Errors: the records are not as sealing makes them; signing or
// generating the replacement key failed.
Result<void> ApplyTamper(const CaseSpec& spec, const Resealer& reseal, SealedCase& sealed);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_TAMPER_H_
