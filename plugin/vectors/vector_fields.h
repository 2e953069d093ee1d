// TEST ONLY: one conformance vector read from JSON into typed fields, with
// strict format checks (lowercase hex, "0x" u64 strings, every key present).
#ifndef LEDGERSEAL_PLUGIN_VECTORS_VECTOR_FIELDS_H_
#define LEDGERSEAL_PLUGIN_VECTORS_VECTOR_FIELDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/vectors/field_reader.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/result.h"
#include "snp/public/derived_key.h"

namespace ledgerseal::vectors {

// {"private_key_pem", "public_key_der_hex", "service_id"} (format 2).
struct ServiceIdentityFields {
  std::string private_key_pem;
  Bytes public_key_der;
  std::string service_id;
};

// The fields of a shares vector; those marked (2) only in formats 2 and 3.
struct VectorFields {
  std::string id, description, expect, error, failing_step, policy;  // error/step: "" on success
  uint32_t rsa_bits = 0;              // formats 1-2
  std::string recovery_key_algorithm;  // format 3: kRecoveryKeyAlgorithmP256
  Json virtual_platform;
  std::string platform;
  uint32_t derivation_version = 0;
  snp::DerivedKeyRequest request;
  Bytes derived_key, hkdf_info, sealing_key, key_id_info, key_id;
  Bytes recovery_key_seed, shares_seed;
  std::string service_id;
  uint64_t ledger_secret_version = 0;
  std::string sealing_identity, node_id;
  std::string private_key_pem, public_key_pem;
  Bytes stored_key_id;  // sealed_recovery_key.key_id_hex
  BlobFields sealed_key;
  Bytes ledger_secret, wrapping_key;
  BlobFields wrapped_secret;
  Bytes encrypted_wrapping_key;
  Bytes wrapping_key_label;  // L_wk: oaep_label_hex (formats 1-2) or ecies_info_hex (format 3)
  Bytes key_record;
  Bytes shares_record;  // format 1: sealed_shares_record_hex; later: signed_shares_record_hex

  // (2) The identity the recovery key was sealed for, and the pin.
  ServiceIdentityFields service_identity;
  std::string expected_previous_service_id;
  // (2) The clear binding stored in the sealed recovery key.
  uint32_t binding_algorithm = 0;
  Bytes binding_public_key_der;
  // (2) The envelope as a reader sees it.
  uint32_t record_format_version = 0;
  uint32_t signature_algorithm = 0;
  Bytes signer_public_key_der, signed_message, signature;

  bool expects_success() const { return expect == "success"; }
};

// Errors: the first missing or malformed field, by key.
Result<VectorFields> ReadVectorFields(const Json& vector);    // format 1
Result<VectorFields> ReadVectorFieldsV2(const Json& vector);  // format 2
Result<VectorFields> ReadVectorFieldsV3(const Json& vector);  // format 3

// The body inside a signed message (its last item), or "" if the message is
// not three items. Pure.
Bytes BodyOfSignedMessage(const Bytes& message);

struct ServiceRecordFields {
  std::string service_id;
  uint64_t created_at_version = 0;
  std::string previous_service_id;
  uint64_t recovery_count = 0;
  uint32_t identity_algorithm = 0;
  Bytes identity_public_key_der;
  uint64_t recovered_to_version = 0;
  Bytes recovered_tail_digest, endorsement;
};

// An endorsement vector (formats 2 and 3: unchanged).
struct EndorsementFields {
  std::string id, description, expect, error;
  ServiceIdentityFields previous_service_identity, service_identity;
  ServiceRecordFields previous, record;
  uint64_t version = 0;
  Bytes tail_digest, endorsement_body, signed_message, signature;

  bool expects_success() const { return expect == "success"; }
};

Result<EndorsementFields> ReadEndorsementFields(const Json& vector);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_VECTOR_FIELDS_H_
