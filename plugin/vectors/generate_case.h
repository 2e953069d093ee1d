// TEST ONLY: produces one format 2 conformance vector with the production
// sealing code on the `virtual` platform: SealRecoveryKey (bound to TEST
// KEY 1) and SealShares (signed by TEST KEY 1) with the deterministic random
// source, the private key recovered with UnsealRecoveryKey, the wrapping key
// by OAEP-decrypting it (and checked against the deterministic stream), then
// the case's tampering, then a check that the production UnsealShares gives
// the outcome the vector promises.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_GENERATE_CASE_H_
#define LEDGERSEAL_PLUGIN_VECTORS_GENERATE_CASE_H_

#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/result.h"

namespace ledgerseal::vectors {

// Errors: a message naming the case and the failed step. Slow for RSA-4096
// (key generation). Thread-safe.
Result<Json> GenerateCase(const CaseSpec& spec);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_GENERATE_CASE_H_
