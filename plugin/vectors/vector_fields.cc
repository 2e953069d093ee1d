#include "plugin/vectors/vector_fields.h"

#include "plugin/vectors/platform_json.h"

namespace ledgerseal::vectors {
namespace {

// Reads fields of one object and keeps the first error, so that a case is
// read in a straight line and checked once at the end. Owns a copy of the
// object (nested readers are built from temporaries).
class FieldReader {
 public:
  explicit FieldReader(Json object) : object_(std::move(object)) {}

  std::string String(std::string_view key) { return Take(StringField(object_, key), key); }
  Bytes Hex(std::string_view key) { return Take(HexField(object_, key), key); }
  uint64_t U64(std::string_view key) { return Take(U64Field(object_, key), key); }
  uint32_t U32(std::string_view key) { return Take(U32Field(object_, key), key); }
  Json Object(std::string_view key) { return Take(ObjectField(object_, key), key); }
  BlobFields Blob(std::string_view key) {
    FieldReader blob(Object(key));
    BlobFields out{blob.Hex("iv_hex"), blob.Hex("ciphertext_hex"), blob.Hex("tag_hex"),
                   blob.Hex("aad_hex")};
    Merge(blob, key);
    return out;
  }
  void Merge(const FieldReader& inner, std::string_view key) {
    if (error_.empty() && !inner.error_.empty()) error_ = std::string(key) + "." + inner.error_;
  }
  const std::string& error() const { return error_; }

  // The value, or T{} after recording the first error.
  template <typename T>
  T Take(Result<T> result, std::string_view key) {
    if (result) return std::move(*result);
    if (error_.empty()) error_ = std::string(key) + ": " + result.error();
    return T{};
  }

 private:
  Json object_;
  std::string error_;
};

void ReadOutcome(FieldReader& r, const Json& vector, VectorFields& f) {
  f.id = r.String("id");
  f.description = r.String("description");
  f.expect = r.String("expect");
  if (vector.contains("error")) f.error = r.String("error");
  if (vector.contains("failing_step")) f.failing_step = r.String("failing_step");
  f.policy = r.String("policy");
  f.rsa_bits = r.U32("rsa_bits");
}

void ReadPlatform(FieldReader& r, VectorFields& f) {
  f.virtual_platform = r.Object("virtual_platform");
  f.platform = r.String("platform");
  f.derivation_version = r.U32("derivation_version");
  f.request = r.Take(RequestFromJson(r.Object("request")), "request");
  f.derived_key = r.Hex("derived_key_hex");
  f.hkdf_info = r.Hex("hkdf_info_hex");
  f.sealing_key = r.Hex("sealing_key_hex");
  f.key_id_info = r.Hex("key_id_info_hex");
  f.key_id = r.Hex("key_id_hex");
  FieldReader random(r.Object("random"));
  f.recovery_key_seed = random.Hex("recovery_key_seed_hex");
  f.shares_seed = random.Hex("shares_seed_hex");
  r.Merge(random, "random");
}

void ReadSealed(FieldReader& r, VectorFields& f) {
  f.service_id = r.String("service_id");
  f.ledger_secret_version = r.U64("ledger_secret_version");
  f.sealing_identity = r.String("sealing_identity");
  f.node_id = r.String("node_id");
  f.private_key_pem = r.String("recovery_private_key_pem");
  f.public_key_pem = r.String("recovery_public_key_pem");
  FieldReader key(r.Object("sealed_recovery_key"));
  f.stored_key_id = key.Hex("key_id_hex");
  r.Merge(key, "sealed_recovery_key");
  f.sealed_key = r.Blob("sealed_recovery_key");
  f.ledger_secret = r.Hex("ledger_secret_hex");
  f.wrapping_key = r.Hex("wrapping_key_hex");
  f.wrapped_secret = r.Blob("wrapped_ledger_secret");
  f.encrypted_wrapping_key = r.Hex("encrypted_wrapping_key_hex");
  f.oaep_label = r.Hex("oaep_label_hex");
  f.key_record = r.Hex("sealed_recovery_key_record_hex");
  f.shares_record = r.Hex("sealed_shares_record_hex");
}

}  // namespace

Result<VectorFields> ReadVectorFields(const Json& vector) {
  VectorFields f;
  FieldReader r(vector);
  ReadOutcome(r, vector, f);
  ReadPlatform(r, f);
  ReadSealed(r, f);
  if (!r.error().empty()) return Fail("vector '" + f.id + "': " + r.error());
  return f;
}

}  // namespace ledgerseal::vectors
