// TEST ONLY: one conformance vector read from JSON into typed fields, with
// strict format checks (lowercase hex, "0x" u64 strings, every key present).
#ifndef LEDGERSEAL_PLUGIN_VECTORS_VECTOR_FIELDS_H_
#define LEDGERSEAL_PLUGIN_VECTORS_VECTOR_FIELDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/result.h"
#include "snp/public/derived_key.h"

namespace ledgerseal::vectors {

using Bytes = std::vector<uint8_t>;

struct BlobFields {
  Bytes iv, ciphertext, tag, aad;
};

struct VectorFields {
  std::string id, description, expect, error, failing_step, policy;  // error/step: "" on success
  uint32_t rsa_bits = 0;
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
  Bytes encrypted_wrapping_key, oaep_label;
  Bytes key_record, shares_record;

  bool expects_success() const { return expect == "success"; }
};

// Errors: the first missing or malformed field, by key.
Result<VectorFields> ReadVectorFields(const Json& vector);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_VECTOR_FIELDS_H_
