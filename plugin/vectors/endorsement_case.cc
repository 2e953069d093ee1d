#include "plugin/vectors/endorsement_case.h"

#include <array>
#include <string>

#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/public/service_identity.h"
#include "plugin/testing/service_keys.h"
#include "plugin/vectors/case_json.h"
#include "plugin/vectors/format_layout.h"

namespace ledgerseal::vectors {
namespace {

constexpr std::array kSpecs = {
    EndorsementSpec{"endorsement-1-to-2",
                    "TEST KEY 1's service (genesis at version 1) endorses its successor TEST KEY 2, "
                    "recovered to version 0x64 and started at 0x65: the worked example M_end of "
                    "SERVICE_IDENTITY.md §8",
                    EndorsementDefect::kNone},
    EndorsementSpec{"broken-endorsement-wrong-key",
                    "negative: the successor's record endorsed by TEST KEY 3, not by its predecessor",
                    EndorsementDefect::kWrongKey},
    EndorsementSpec{"broken-endorsement-wrong-count",
                    "negative: recovery_count 2 after a genesis (count 0), endorsed by the predecessor",
                    EndorsementDefect::kWrongCount},
    EndorsementSpec{"broken-endorsement-wrong-tail-digest",
                    "negative: recovered_tail_digest (01 x 32) is not the digest of entry 0x64 (00 x "
                    "32), endorsed by the predecessor",
                    EndorsementDefect::kWrongTailDigest},
};

kv::ServiceRecord Genesis() {
  const kv::ServiceIdentity& one = testing::TestServiceIdentity(1);
  kv::ServiceRecord r;
  r.service_id = one.service_id;
  r.created_at_version = 1;
  r.identity_algorithm = static_cast<uint32_t>(one.algorithm);
  r.identity_public_key_der = one.public_key_der;
  return r;
}

Result<kv::ServiceRecord> Successor(EndorsementDefect defect) {
  const kv::ServiceIdentity& two = testing::TestServiceIdentity(2);
  kv::ServiceRecord r;
  r.service_id = two.service_id;
  r.created_at_version = kSuccessorVersion;
  r.previous_service_id = testing::TestServiceIdentity(1).service_id;
  r.recovery_count = defect == EndorsementDefect::kWrongCount ? 2 : 1;
  r.identity_algorithm = static_cast<uint32_t>(two.algorithm);
  r.identity_public_key_der = two.public_key_der;
  r.recovered_to_version = kSuccessorVersion - 1;
  r.recovered_tail_digest.assign(32, defect == EndorsementDefect::kWrongTailDigest ? 0x01 : 0x00);
  // The endorsement body does not cover previous_service_id, so key 3
  // endorsing "its" successor makes the wrong-key signature of this body.
  const bool wrong_key = defect == EndorsementDefect::kWrongKey;
  if (wrong_key) r.previous_service_id = testing::TestServiceIdentity(3).service_id;
  if (auto s = testing::TestServiceKey(wrong_key ? 3 : 1).Endorse(r); !s) {
    return Fail("Endorse: " + s.error().ToString());
  }
  r.previous_service_id = testing::TestServiceIdentity(1).service_id;
  return r;
}

Json RecordToJson(const kv::ServiceRecord& r) {
  Json out;
  out["service_id"] = r.service_id;
  out["created_at_version"] = U64Hex(r.created_at_version);
  out["previous_service_id"] = r.previous_service_id;
  out["recovery_count"] = U64Hex(r.recovery_count);
  out["identity_algorithm"] = r.identity_algorithm;
  out["identity_public_key_der_hex"] = Hex(r.identity_public_key_der);
  out["recovered_to_version"] = U64Hex(r.recovered_to_version);
  out["recovered_tail_digest_hex"] = Hex(r.recovered_tail_digest);
  out["endorsement_hex"] = Hex(r.endorsement);
  return out;
}

Result<Json> Generate(const EndorsementSpec& spec) {
  const kv::ServiceRecord previous = Genesis();
  auto record = Successor(spec.defect);
  if (!record) return Fail(record.error());
  const std::vector<uint8_t> tail_digest(32, 0x00);
  auto verified = kv::VerifyServiceRecord(&previous, *record, kSuccessorVersion, tail_digest);
  const bool expect_success = spec.defect == EndorsementDefect::kNone;
  if (verified.has_value() != expect_success) {
    return Fail(std::string("VerifyServiceRecord: ") +
                (verified ? "accepted a broken endorsement" : verified.error().ToString()));
  }
  if (!verified && !verified.error().message.starts_with("broken_endorsement at version 101:")) {
    return Fail("VerifyServiceRecord: " + verified.error().message);
  }
  auto previous_identity = ServiceIdentityToJson(1);
  auto successor_identity = ServiceIdentityToJson(2);
  if (!previous_identity || !successor_identity) return Fail("PEM encoding a service key");
  const auto body = EncodeEndorsementBody(record->identity_algorithm, record->identity_public_key_der,
                                          record->recovery_count, record->created_at_version,
                                          record->recovered_to_version, record->recovered_tail_digest);
  Json out;
  out["id"] = std::string(spec.id);
  out["description"] = std::string(spec.description) + std::string(kTestKeyNote);
  out["expect"] = expect_success ? "success" : "error";
  if (!expect_success) out["error"] = "broken_endorsement";
  out["previous_service_identity"] = std::move(*previous_identity);
  out["service_identity"] = std::move(*successor_identity);
  out["previous"] = RecordToJson(previous);
  out["record"] = RecordToJson(*record);
  out["version"] = U64Hex(kSuccessorVersion);
  out["tail_digest_hex"] = Hex(tail_digest);
  out["endorsement_body_hex"] = Hex(body);
  out["signed_message_hex"] =
      Hex(EncodeSignedMessage(kv::kEndorsementDomain, previous.identity_public_key_der, body));
  out["signature_hex"] = Hex(record->endorsement);
  return out;
}

}  // namespace

std::span<const EndorsementSpec> AllEndorsementSpecs() { return kSpecs; }

Result<Json> GenerateEndorsementCase(const EndorsementSpec& spec) {
  auto out = Generate(spec);
  if (!out) return Fail("endorsement case " + std::string(spec.id) + ": " + out.error());
  return out;
}

}  // namespace ledgerseal::vectors
