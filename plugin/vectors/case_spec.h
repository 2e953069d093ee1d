// TEST ONLY: the inputs of every conformance vector in
// testdata/vectors/sealing_v1.json. The generator seals from these; the test
// re-derives every deterministic value from them and compares it with the
// checked-in file, so the two cannot drift apart silently.
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

// What a negative case alters after sealing.
enum class Tamper {
  kNone,
  kSealedKeyCiphertext,      // one byte of sealed_private_key.ciphertext
  kSealedKeyTag,             // one byte of sealed_private_key.tag
  kSealedKeyAadPublicKey,    // public_key_der replaced by another RSA key (AAD_rk)
  kSealedKeyAadIdentity,     // share and key copy renamed to another identity/node (AAD_rk)
  kEncryptedWrappingKey,     // one byte of the RSA-OAEP ciphertext
  kWrappedSecretCiphertext,  // one byte of wrapped_ledger_secret.ciphertext
  kWrappedSecretTag,         // one byte of wrapped_ledger_secret.tag
  kWrongKey,                 // unsealed on another platform (spec.unsealer != spec.sealer)
};

// The first step of the unsealing chain that fails, as named in the vectors.
inline constexpr std::string_view kStepKeyId = "key_id";
inline constexpr std::string_view kStepSealedRecoveryKey = "sealed_recovery_key";
inline constexpr std::string_view kStepEncryptedWrappingKey = "encrypted_wrapping_key";
inline constexpr std::string_view kStepWrappedLedgerSecret = "wrapped_ledger_secret";

struct CaseSpec {
  std::string_view id;  // unique, stable; the test matches file cases by it
  std::string_view description;
  size_t rsa_bits = 0;
  std::string_view policy;  // snp preset name (ParsePolicy)
  PlatformSpec sealer;      // where the recovery key was sealed
  PlatformSpec unsealer;    // where the vector's derived key comes from
  RequestSpec request;
  std::string_view sealing_identity;
  std::string_view node_id;
  std::string_view service_id;
  uint64_t ledger_secret_version = 0;
  Tamper tamper = Tamper::kNone;
};

// Every case, in file order. Ids are unique. Valid for the program's lifetime.
std::span<const CaseSpec> AllCaseSpecs();

// The error the production UnsealShares must return for `tamper`, and the
// failing step; std::nullopt / "" for kNone.
std::optional<sealing::SealingErrorCode> ExpectedError(Tamper tamper);
std::string_view FailingStep(Tamper tamper);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_CASE_SPEC_H_
