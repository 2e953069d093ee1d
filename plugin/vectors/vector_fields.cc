#include "plugin/vectors/vector_fields.h"

#include "plugin/vectors/field_reader.h"
#include "plugin/vectors/platform_json.h"

namespace ledgerseal::vectors {
namespace {

void ReadOutcome(FieldReader& r, const Json& vector, VectorFields& f) {
  f.id = r.String("id");
  f.description = r.String("description");
  f.expect = r.String("expect");
  if (vector.contains("error")) f.error = r.String("error");
  if (vector.contains("failing_step")) f.failing_step = r.String("failing_step");
  f.policy = r.String("policy");
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
  f.key_record = r.Hex("sealed_recovery_key_record_hex");
}

ServiceIdentityFields ReadServiceIdentity(FieldReader& r, std::string_view key) {
  FieldReader inner(r.Object(key));
  ServiceIdentityFields out{inner.String("private_key_pem"), inner.Hex("public_key_der_hex"),
                            inner.String("service_id")};
  r.Merge(inner, key);
  return out;
}

void ReadSigned(FieldReader& r, VectorFields& f) {
  f.service_identity = ReadServiceIdentity(r, "service_identity");
  f.expected_previous_service_id = r.String("expected_previous_service_id");
  FieldReader key(r.Object("sealed_recovery_key"));
  f.binding_algorithm = key.U32("service_identity_algorithm");
  f.binding_public_key_der = key.Hex("service_identity_public_key_der_hex");
  r.Merge(key, "sealed_recovery_key");
  f.record_format_version = r.U32("record_format_version");
  f.signature_algorithm = r.U32("signature_algorithm");
  f.signer_public_key_der = r.Hex("signer_public_key_der_hex");
  f.signed_message = r.Hex("signed_message_hex");
  f.signature = r.Hex("signature_hex");
  f.shares_record = r.Hex("signed_shares_record_hex");
}

ServiceRecordFields ReadRecord(FieldReader& r, std::string_view key) {
  FieldReader inner(r.Object(key));
  ServiceRecordFields out;
  out.service_id = inner.String("service_id");
  out.created_at_version = inner.U64("created_at_version");
  out.previous_service_id = inner.String("previous_service_id");
  out.recovery_count = inner.U64("recovery_count");
  out.identity_algorithm = inner.U32("identity_algorithm");
  out.identity_public_key_der = inner.Hex("identity_public_key_der_hex");
  out.recovered_to_version = inner.U64("recovered_to_version");
  out.recovered_tail_digest = inner.Hex("recovered_tail_digest_hex");
  out.endorsement = inner.Hex("endorsement_hex");
  r.Merge(inner, key);
  return out;
}

}  // namespace

Result<VectorFields> ReadVectorFields(const Json& vector) {
  VectorFields f;
  FieldReader r(vector);
  ReadOutcome(r, vector, f);
  f.rsa_bits = r.U32("rsa_bits");
  ReadPlatform(r, f);
  ReadSealed(r, f);
  f.wrapping_key_label = r.Hex("oaep_label_hex");
  f.shares_record = r.Hex("sealed_shares_record_hex");
  if (!r.error().empty()) return Fail("vector '" + f.id + "': " + r.error());
  return f;
}

Result<VectorFields> ReadVectorFieldsV2(const Json& vector) {
  VectorFields f;
  FieldReader r(vector);
  ReadOutcome(r, vector, f);
  f.rsa_bits = r.U32("rsa_bits");
  ReadPlatform(r, f);
  ReadSealed(r, f);
  f.wrapping_key_label = r.Hex("oaep_label_hex");
  ReadSigned(r, f);
  if (!r.error().empty()) return Fail("vector '" + f.id + "': " + r.error());
  return f;
}

Result<VectorFields> ReadVectorFieldsV3(const Json& vector) {
  VectorFields f;
  FieldReader r(vector);
  ReadOutcome(r, vector, f);
  f.recovery_key_algorithm = r.String("recovery_key_algorithm");
  ReadPlatform(r, f);
  ReadSealed(r, f);
  f.wrapping_key_label = r.Hex("ecies_info_hex");
  ReadSigned(r, f);
  if (!r.error().empty()) return Fail("vector '" + f.id + "': " + r.error());
  return f;
}

Bytes BodyOfSignedMessage(const Bytes& message) {
  // Three items: u32be length, then bytes; the body is the last.
  size_t at = 0;
  Bytes last;
  for (int item = 0; item < 3; ++item) {
    if (message.size() - at < 4) return {};
    const size_t length = size_t{message[at]} << 24 | size_t{message[at + 1]} << 16 |
                          size_t{message[at + 2]} << 8 | size_t{message[at + 3]};
    at += 4;
    if (message.size() - at < length) return {};
    last.assign(message.begin() + static_cast<std::ptrdiff_t>(at),
                message.begin() + static_cast<std::ptrdiff_t>(at + length));
    at += length;
  }
  return at == message.size() ? last : Bytes{};
}

Result<EndorsementFields> ReadEndorsementFields(const Json& vector) {
  EndorsementFields f;
  FieldReader r(vector);
  f.id = r.String("id");
  f.description = r.String("description");
  f.expect = r.String("expect");
  if (vector.contains("error")) f.error = r.String("error");
  f.previous_service_identity = ReadServiceIdentity(r, "previous_service_identity");
  f.service_identity = ReadServiceIdentity(r, "service_identity");
  f.previous = ReadRecord(r, "previous");
  f.record = ReadRecord(r, "record");
  f.version = r.U64("version");
  f.tail_digest = r.Hex("tail_digest_hex");
  f.endorsement_body = r.Hex("endorsement_body_hex");
  f.signed_message = r.Hex("signed_message_hex");
  f.signature = r.Hex("signature_hex");
  if (!r.error().empty()) return Fail("endorsement vector '" + f.id + "': " + r.error());
  return f;
}

}  // namespace ledgerseal::vectors
