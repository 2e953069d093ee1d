// TEST ONLY: unseals a conformance vector from its documented fields alone,
// step by step as docs/FORMAT.md describes, with the plugin's crypto
// wrappers and this package's own layout encoder — never through the
// plugin's sealing code. Each step also checks that the vector's
// intermediate values (sealing key, key id, AADs, label, PEM keys, wrapping
// key) are what the step computes.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_INDEPENDENT_UNSEAL_H_
#define LEDGERSEAL_PLUGIN_VECTORS_INDEPENDENT_UNSEAL_H_

#include <string>

#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/result.h"
#include "plugin/vectors/vector_fields.h"

namespace ledgerseal::vectors {

struct ChainOutcome {
  // The first step whose check or decryption failed (kStep... of
  // case_spec.h), or "" when the ledger secret was recovered.
  std::string failing_step;
  Bytes ledger_secret;  // when failing_step is ""
};

// Format 1: HKDF -> key id -> AES-GCM open of the PKCS#8 key (AAD_rk) ->
// RSA-OAEP decrypt of the wrapping key -> AES-GCM open of the ledger secret.
// Errors: the vector contradicts itself (an intermediate value differs from
// what the step computes, or a decrypted value differs from the documented
// one) — distinct from a step failing, which is the outcome.
Result<ChainOutcome> RunIndependentChain(const VectorFields& vector);

// Format 2, in the order of docs/SERVICE_IDENTITY.md §4.4, from the
// vector's fields alone: the value is format 2 and signed -> key id ->
// AES-GCM open of the PKCS#8 key under AAD_rk2 (the clear binding) -> the
// signer and service are the binding's -> the pin -> the signature of the
// signed message verifies under the signer -> RSA-OAEP -> AES-GCM.
// Errors as RunIndependentChain.
Result<ChainOutcome> RunIndependentChainV2(const VectorFields& vector);

// Format 3: the same order with AAD_rk3, a P-256 PKCS#8 key, and ECIES
// (crypto::EciesP256Open, info L_wk) instead of RSA-OAEP.
// Errors as RunIndependentChain.
Result<ChainOutcome> RunIndependentChainV3(const VectorFields& vector);

// The derivation parameters (FORMAT.md §4.1) that the vector documents.
DerivationFields DerivationFieldsOf(const VectorFields& vector);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_INDEPENDENT_UNSEAL_H_
