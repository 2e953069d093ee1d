// TEST ONLY: the inputs of every conformance vector: the format 3 cases of
// testdata/vectors/sealing_v3.json (the generator seals from these) and the
// frozen format 1 cases of sealing_v1.json (kept as input: format 3 refuses
// every one of them; so it does the frozen sealing_v2.json, whose cases are
// those of this file before format 3, with RSA keys). The tests re-derive every deterministic value from
// these specs and compare it with the checked-in files, so the two cannot
// drift apart silently.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_CASE_SPEC_H_
#define LEDGERSEAL_PLUGIN_VECTORS_CASE_SPEC_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "plugin/public/sealing_error.h"
#include "snp/public/derived_key.h"

namespace ledgerseal::vectors {

// A simulated SEV-SNP launch on the `virtual` platform. Byte fields are
// derived from the labels (deterministic_parts.h); chip_id comes from the
// machine secret, as VirtualProvider::FromSecret does by default.
struct PlatformSpec {
  std::string_view machine;      // machine secret = SHA-256(prefix || machine)
  std::string_view measurement;  // MEASUREMENT = SHA-384(prefix || measurement)
  std::string_view family;       // FAMILY_ID = SHA-256(prefix || family)[0..16)
  std::string_view image;        // IMAGE_ID = SHA-256(prefix || image)[0..16)
  uint32_t guest_svn = 0;
  uint64_t committed_tcb = 0;
  uint32_t vmpl = 0;
};

// The derived-key request stored with the sealed recovery key; the
// field-select bits come from the case's policy name.
struct RequestSpec {
  snp::RootKey root_key = snp::RootKey::kVcek;
  uint32_t vmpl = 0;
  uint32_t guest_svn = 0;
  uint64_t tcb_version = 0;
};

// What a negative case alters after sealing. The service keys are the P-256
// TEST KEYS with private scalar 1 (the genuine service), 2 (another or an
// older service) and 3 (a forger).
enum class Tamper {
  kNone,
  // The sealed material (every format). Since format 2 the record is re-signed
  // by the genuine key, so that the alteration itself is what fails.
  kSealedKeyCiphertext,      // one byte of sealed_private_key.ciphertext
  kSealedKeyTag,             // one byte of sealed_private_key.tag
  kSealedKeyAadPublicKey,    // public_key_der replaced by another key of its type (AAD_rk)
  kSealedKeyAadIdentity,     // share and key copy renamed to another identity/node (AAD_rk)
  kEncryptedWrappingKey,     // one byte of the OAEP / ECIES ciphertext
  kWrappedSecretCiphertext,  // one byte of wrapped_ledger_secret.ciphertext
  kWrappedSecretTag,         // one byte of wrapped_ledger_secret.tag
  kWrongKey,                 // unsealed on another platform (spec.unsealer != spec.sealer)
  // The signature and the service (format 2 on; SERVICE_IDENTITY.md §8).
  kFormat1Record,          // the value as format 1 wrote it: the body alone, format_version 1
  kEmptySignature,         // the genuine envelope with its signature removed
  kUnsignedForgery,        // the forgery from public data: an envelope with no signer and no signature
  kSignedByOtherService,   // the body names service 2 and is signed by key 2 as signer 2
  kServiceIdNotSigner,     // signer 1 signs a body that names service 2
  kSignedByForger,         // the forgery signed by key 3 as signer 3 (the body names service 1)
  kBorrowedSignature,      // signer 1 claimed, key 2's signature of the body
  kBodyBitFlip,            // one bit of the wrapped secret flipped after signing
  kOlderBindingCopy,       // the copy swapped for the node's key bound to service 2, signer and
                           // service relabelled to 2, key 1's signature kept
  kClearBindingAltered,    // the copy's clear binding rewritten to service 2, re-signed by key 2
  kFormat4,                // the envelope's format_version is 4
};

// The first step of the unsealing chain that fails, as named in the vectors
// (testdata/vectors/README.md). Format 1 used the four middle ones only.
inline constexpr std::string_view kStepRecord = "record";  // probe, version, signature present
inline constexpr std::string_view kStepKeyId = "key_id";
inline constexpr std::string_view kStepSealedRecoveryKey = "sealed_recovery_key";
inline constexpr std::string_view kStepService = "service";      // signer and service are the binding's
inline constexpr std::string_view kStepPin = "pin";              // expected_previous_service_id
inline constexpr std::string_view kStepSignature = "signature";  // verifies under the binding
inline constexpr std::string_view kStepEncryptedWrappingKey = "encrypted_wrapping_key";
inline constexpr std::string_view kStepWrappedLedgerSecret = "wrapped_ledger_secret";

// The service id of P-256 TEST KEY 1 (docs/SERVICE_IDENTITY.md §8).
inline constexpr std::string_view kServiceId1 = "5cd252fb0ce8932436faf8ccd1040981";

struct CaseSpec {
  std::string_view id;  // unique, stable; the test matches file cases by it
  std::string_view description;
  size_t rsa_bits = 0;  // format 1 only; format 3 keys are P-256
  std::string_view policy;  // snp preset name or raw:0x.. (ParsePolicy)
  PlatformSpec sealer;      // where the recovery key was sealed
  PlatformSpec unsealer;    // where the vector's derived key comes from
  RequestSpec request;
  std::string_view sealing_identity;
  std::string_view node_id;
  // Format 1: any name. Format 3: the genuine service's id (TEST KEY 1's,
  // kServiceId1), which the generator checks.
  std::string_view service_id;
  uint64_t ledger_secret_version = 0;
  Tamper tamper = Tamper::kNone;
  // Format 3: the operator's pin, the service id of TEST KEY n; 0: no pin.
  uint8_t pin_key = 0;
};

// The format 3 cases, in file order. Ids are unique. Valid for the
// program's lifetime.
std::span<const CaseSpec> AllCaseSpecs();

// The format 1 cases of sealing_v1.json, frozen (case_spec_v1.cc).
std::span<const CaseSpec> V1CaseSpecs();

// The error the production UnsealShares returns for a format 3 `spec` (a
// format 1 spec: the error format 1 documented), and the failing step;
// std::nullopt / "" for a success.
std::optional<sealing::SealingErrorCode> ExpectedError(const CaseSpec& spec);
std::string_view FailingStep(const CaseSpec& spec);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_CASE_SPEC_H_
