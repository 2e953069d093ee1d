// TEST ONLY: writes testdata/vectors/recovery_shares_v1.json, the
// recovery-shares conformance vectors (docs/RECOVERY_SHARES.md,
// testdata/vectors/README.md): records made by the plugin's
// SealRecoveryShares, signed by TEST KEY 1 (or 2), to members with fresh
// TEST keys, with every intermediate value an independent implementation
// needs; negative cases altered after sealing. The ECIES ephemeral keys and
// Shamir's coefficients come from OpenSSL's DRBG, so a run writes different
// bytes: the file is generated once and frozen, and
// :recovery_vectors_test checks it (production code and an independent
// path) instead of regenerating it.
//
//   bazel run //plugin/vectors:generate_recovery_vectors > testdata/vectors/recovery_shares_v1.json
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/hex.h"
#include "crypto/public/pem.h"
#include "crypto/public/sha256.h"
#include "plugin/public/recovery_shares.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"
#include "plugin/vectors/recovery_layout.h"

namespace ledgerseal::vectors {
namespace {

namespace layout = recovery_layout;
namespace rs = ::ledgerseal::recovery;
using Json = nlohmann::ordered_json;
using ::ledgerseal::testing::MakeLedgerSecret;
using ::ledgerseal::testing::MakeRandom;
using ::ledgerseal::testing::TestServiceIdentity;
using ::ledgerseal::testing::TestServiceKey;

constexpr uint64_t kVersion = 2;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "generate_recovery_vectors: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Must(T value, const char* what) {
  if (!value) Die(what);
  return value;
}

std::string Hex(std::span<const uint8_t> b) { return base::ToHex(b); }
std::string Hex(const std::string& s) { return base::ToHex(kv::AsBytes(s)); }

struct TestMember {
  std::string name;
  crypto::EcdhPrivateKey key;
};

std::vector<TestMember> MakeMembers(std::initializer_list<const char*> names) {
  std::vector<TestMember> out;
  for (const char* n : names) out.push_back({n, *Must(crypto::EcdhPrivateKey::Generate(), "member key")});
  return out;
}

struct Sealed {
  rs::v1::RecoveryConfig config;
  kv::Bytes record;
};

Sealed Seal(const std::vector<TestMember>& members, uint32_t k, uint8_t signer, const std::string& seed) {
  std::vector<rs::Member> list;
  for (const auto& m : members) list.push_back({m.name, *Must(m.key.PublicKeyDer(), "spki")});
  auto config = Must(rs::MakeRecoveryConfig(list, k), "config");
  auto random = MakeRandom(seed);
  auto record = rs::SealRecoveryShares(*random, TestServiceKey(signer), kVersion, MakeLedgerSecret(7), *config);
  if (!record) Die("seal: " + record.error().ToString());
  return {*config, *record};
}

// Every member's documented values, opened with the production reader.
Json MembersJson(const std::vector<TestMember>& members, const Sealed& s, bool open) {
  rs::v1::SignedRecoveryShares envelope;
  rs::v1::RecoveryShares body;
  if (!envelope.ParseFromArray(s.record.data(), static_cast<int>(s.record.size())) ||
      !body.ParseFromString(envelope.body())) {
    Die("record does not parse");
  }
  Json out = Json::array();
  for (const auto& m : members) {
    const rs::v1::MemberShare* share = nullptr;
    for (const auto& candidate : body.shares()) {
      if (candidate.member_name() == m.name) share = &candidate;
    }
    if (share == nullptr) Die("no share for " + m.name);
    auto pkcs8 = Must(m.key.ToPkcs8Der(), "pkcs8");
    Json j;
    j["name"] = m.name;
    j["x"] = share->x();
    j["private_key_pem"] = *Must(crypto::DerToPem(crypto::kPrivateKeyPemLabel, pkcs8->bytes()), "pem");
    j["public_key_der_hex"] = Hex(share->member_public_key_der());
    j["ecies_info_hex"] = base::ToHex(layout::ShareInfo(body.service_id(), body.ledger_secret_version(), m.name,
                                                        share->x(), body.threshold(), body.shares_size()));
    j["encrypted_share_hex"] = Hex(share->encrypted_share());
    if (open) {
      auto file = rs::DecryptMemberShare(s.record, m.key);
      if (!file) Die("decrypt " + m.name + ": " + file.error().ToString());
      const layout::Bytes y(file->y.bytes().begin(), file->y.bytes().end());
      const auto message = layout::CommitmentMessage(body.service_id(), body.ledger_secret_version(), m.name,
                                                     share->x(), y);
      j["share_hex"] = base::ToHex(y);
      j["commitment_message_hex"] = base::ToHex(message);
    }
    j["commitment_hex"] = Hex(share->share_commitment());
    out.push_back(std::move(j));
  }
  return out;
}

Json CaseJson(const char* id, const char* description, const char* expect, uint8_t pin,
              const std::vector<TestMember>& members, const Sealed& s, bool open) {
  rs::v1::SignedRecoveryShares envelope;
  rs::v1::RecoveryShares body;
  envelope.ParseFromArray(s.record.data(), static_cast<int>(s.record.size()));
  body.ParseFromString(envelope.body());
  const auto spki_digest = *Must(crypto::Sha256(kv::AsBytes(envelope.signer_public_key_der())), "sha");
  const layout::Bytes body_bytes(envelope.body().begin(), envelope.body().end());
  Json j;
  j["id"] = id;
  j["description"] = description;
  j["expect"] = expect;
  j["expected_service_id"] = TestServiceIdentity(pin).service_id;
  j["expected_service_public_key_der_hex"] = Hex(TestServiceIdentity(pin).public_key_der);
  j["service_id"] = body.service_id();
  j["ledger_secret_version"] = body.ledger_secret_version();
  j["ledger_secret_hex"] = base::ToHex(MakeLedgerSecret(7).bytes());
  j["threshold"] = body.threshold();
  j["wrapped_secret_aad_hex"] = base::ToHex(layout::WrappedSecretAad(body.service_id(), body.ledger_secret_version()));
  j["signed_message_hex"] = base::ToHex(layout::SignedMessage(
      rs::kRecoverySharesDomain, layout::Bytes(spki_digest.begin(), spki_digest.end()), body_bytes));
  j["members"] = MembersJson(members, s, open);
  j["record_hex"] = base::ToHex(s.record);
  return j;
}

int Main() {
  Json cases = Json::array();
  {  // 2 of 3, alice and carol submit
    auto members = MakeMembers({"alice", "bob", "carol"});
    auto s = Seal(members, 2, 1, "recovery vectors 2-of-3");
    Json c = CaseJson("2-of-3", "3 members, threshold 2: alice and carol recover the ledger secret", "success", 1,
                      members, s, true);
    c["submitted"] = Json::array({{{"member", "alice"}, {"share_hex", c["members"][0]["share_hex"]}},
                                  {{"member", "carol"}, {"share_hex", c["members"][2]["share_hex"]}}});
    cases.push_back(std::move(c));
    // The same record; alice's share has one bit flipped: its commitment
    // names her, and bob's alone is below the threshold.
    Json bad = CaseJson("corrupted-share",
                        "the 2-of-3 record; alice's submitted share has bit 0 of byte 0 flipped: rejected by its "
                        "commitment, named, not counted; bob's alone is 1 of 2",
                        "invalid_argument", 1, members, s, true);
    std::string flipped = bad["members"][0]["share_hex"];
    flipped[1] = "0123456789abcdef"[std::stoi(flipped.substr(1, 1), nullptr, 16) ^ 1];
    bad["submitted"] = Json::array({{{"member", "alice"}, {"share_hex", flipped}},
                                    {{"member", "bob"}, {"share_hex", bad["members"][1]["share_hex"]}}});
    bad["expect_rejected"] = Json::array({"alice"});
    cases.push_back(std::move(bad));
  }
  {  // 3 of 5
    auto members = MakeMembers({"dave", "erin", "frank", "grace", "heidi"});
    auto s = Seal(members, 3, 1, "recovery vectors 3-of-5");
    Json c = CaseJson("3-of-5", "5 members, threshold 3: erin, grace and heidi recover the ledger secret",
                      "success", 1, members, s, true);
    c["submitted"] = Json::array({{{"member", "erin"}, {"share_hex", c["members"][1]["share_hex"]}},
                                  {{"member", "grace"}, {"share_hex", c["members"][3]["share_hex"]}},
                                  {{"member", "heidi"}, {"share_hex", c["members"][4]["share_hex"]}}});
    cases.push_back(std::move(c));
  }
  {  // Signed by another service (TEST KEY 2) than the pin (TEST KEY 1).
    auto members = MakeMembers({"alice", "bob"});
    auto s = Seal(members, 1, 2, "recovery vectors other service");
    Json c = CaseJson("other-service",
                      "a genuine record of TEST KEY 2's service, presented to a recovery pinned to TEST KEY 1's: "
                      "refused before any share is looked at",
                      "wrong_service", 1, members, s, true);
    c["submitted"] = Json::array({{{"member", "alice"}, {"share_hex", c["members"][0]["share_hex"]}}});
    cases.push_back(std::move(c));
  }
  for (const char* defect : {"stripped-signature", "signature-over-other-record"}) {
    auto members = MakeMembers({"alice", "bob"});
    auto s = Seal(members, 1, 1, std::string("recovery vectors ") + defect);
    rs::v1::SignedRecoveryShares envelope;
    envelope.ParseFromArray(s.record.data(), static_cast<int>(s.record.size()));
    const bool stripped = std::string_view(defect) == "stripped-signature";
    if (stripped) {
      envelope.clear_signature();
    } else {  // the signature of a record for the same members, over other bytes
      auto other = Seal(members, 2, 1, "recovery vectors other record");
      rs::v1::SignedRecoveryShares other_envelope;
      other_envelope.ParseFromArray(other.record.data(), static_cast<int>(other.record.size()));
      envelope.set_signature(other_envelope.signature());
    }
    std::string bytes;
    envelope.SerializeToString(&bytes);
    s.record.assign(bytes.begin(), bytes.end());
    Json c = CaseJson(defect,
                      stripped ? "the signature field removed from a genuine record"
                               : "a genuine record whose signature is the same signer's over another record",
                      stripped ? "unsigned" : "bad_signature", 1, members, s, false);
    cases.push_back(std::move(c));
  }
  Json file;
  file["format"] = "ledgerseal recovery shares vectors v1";
  file["note"] = "TEST KEYS ONLY: every private key here is published; docs/RECOVERY_SHARES.md";
  file["cases"] = std::move(cases);
  std::cout << file.dump(2) << "\n";
  return 0;
}

}  // namespace
}  // namespace ledgerseal::vectors

int main() { return ledgerseal::vectors::Main(); }
