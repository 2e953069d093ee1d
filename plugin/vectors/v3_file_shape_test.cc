// The format 3 vector file itself: size, the generator's case lists, what
// the cases cover (docs/SERVICE_IDENTITY.md §8 "Vectors v2", as format 3
// regenerated them: testdata/vectors/README.md), and the
// documented constants and layouts it relies on.
#include <map>
#include <set>
#include <string>

#include "crypto/public/signature.h"
#include "plugin/public/sealing_error.h"
#include "plugin/vectors/case_json.h"
#include "plugin/vectors/endorsement_case.h"
#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/vectors_fixture_v3.h"

namespace ledgerseal::vectors {
namespace {

// ECIES ciphertexts, sealed P-256 keys and records of 26 cases, each record
// holding its key record again (format 2's RSA file needed 720 KiB).
constexpr size_t kMaxFileBytes = 320 * 1024;

TEST_F(SealingVectorsV3Test, FileHasTheGeneratorsCasesInOrder) {
  EXPECT_LT(file_.text.size(), kMaxFileBytes);
  const auto specs = AllCaseSpecs();
  ASSERT_EQ(cases_.size(), specs.size()) << "regenerate: bazel run //plugin/vectors:generate_vectors";
  for (size_t i = 0; i < specs.size(); ++i) {
    SCOPED_TRACE(specs[i].id);
    const VectorFields& v = cases_[i];
    EXPECT_EQ(v.id, specs[i].id);
    EXPECT_NE(v.description.find(kTestKeyNote), std::string::npos);
    EXPECT_EQ(v.policy, specs[i].policy);
    EXPECT_EQ(v.recovery_key_algorithm, kRecoveryKeyAlgorithmP256);
    const auto error = ExpectedError(specs[i]);
    EXPECT_EQ(v.expect, error ? "error" : "success");
    EXPECT_EQ(v.error, error ? sealing::SealingErrorCodeName(*error) : "");
    EXPECT_EQ(v.failing_step, FailingStep(specs[i]));
  }
  const auto endorsement_specs = AllEndorsementSpecs();
  ASSERT_EQ(endorsements_.size(), endorsement_specs.size());
  for (size_t i = 0; i < endorsement_specs.size(); ++i) {
    const EndorsementFields& e = endorsements_[i];
    EXPECT_EQ(e.id, endorsement_specs[i].id);
    EXPECT_NE(e.description.find(kTestKeyNote), std::string::npos);
    const bool success = endorsement_specs[i].defect == EndorsementDefect::kNone;
    EXPECT_EQ(e.expect, success ? "success" : "error") << e.id;
    EXPECT_EQ(e.error, success ? "" : "broken_endorsement") << e.id;
  }
}

TEST_F(SealingVectorsV3Test, CoversWhatTheDesignAsksFor) {
  std::set<std::string> policies, steps;
  std::map<std::string, int> errors;
  bool pinned_success = false;
  for (const VectorFields& v : cases_) {
    if (v.expects_success()) {
      policies.insert(v.policy);
      pinned_success |= !v.expected_previous_service_id.empty();
    } else {
      ++errors[v.error];
      steps.insert(v.failing_step);
    }
  }
  EXPECT_TRUE(policies.contains("measurement+tcb"));
  EXPECT_TRUE(policies.contains("raw:0x8")) << "the measurement policy";
  EXPECT_TRUE(pinned_success);
  EXPECT_EQ(errors["unsigned"], 3);
  EXPECT_EQ(errors["other_service"], 3);
  EXPECT_EQ(errors["bad_signature"], 3);
  EXPECT_GE(errors["tampered"], 8);
  EXPECT_EQ(errors["wrong_service"], 1);
  EXPECT_EQ(errors["unknown_format_version"], 1);
  EXPECT_EQ(errors["platform_mismatch"], 2);
  EXPECT_EQ(steps.size(), 8u) << "every failing step of the chain";
  std::map<std::string, int> endorsement_outcomes;
  for (const EndorsementFields& e : endorsements_) ++endorsement_outcomes[e.expect + " " + e.error];
  EXPECT_EQ(endorsement_outcomes["success "], 1);
  EXPECT_EQ(endorsement_outcomes["error broken_endorsement"], 3);
}

// FORMAT.md §3, table of info strings.
TEST_F(SealingVectorsV3Test, HkdfInfoStringsAreTheDocumentedOnes) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    EXPECT_EQ(Hex(v.hkdf_info), "6c65646765727365616c206c6f63616c207365616c696e67206b6579207631");
    EXPECT_EQ(Hex(v.key_id_info), "6c65646765727365616c207365616c696e67206b6579206964207631");
    EXPECT_EQ(v.platform, "virtual");
    EXPECT_EQ(v.derivation_version, 1u);
  }
}

// Every service identity in the file: its PEM private key has the SPKI
// given, and the id is the SPKI's (SERVICE_IDENTITY.md §1).
void ExpectIdentity(const ServiceIdentityFields& identity) {
  auto der = PemToDer(kPrivateKeyPemLabel, identity.private_key_pem);
  ASSERT_TRUE(der) << der.error();
  auto key = crypto::SigningKey::FromPkcs8Der(crypto::SignatureAlgorithm::kEcdsaP256Sha256, *der);
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(Hex(*key->PublicKeyDer()), Hex(identity.public_key_der));
  EXPECT_EQ(identity.service_id, ServiceIdOfSpki(identity.public_key_der));
}

TEST_F(SealingVectorsV3Test, ServiceIdentitiesAreConsistent) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    ExpectIdentity(v.service_identity);
  }
  for (const EndorsementFields& e : endorsements_) {
    SCOPED_TRACE(e.id);
    ExpectIdentity(e.previous_service_identity);
    ExpectIdentity(e.service_identity);
  }
  // TEST KEY 1 is the worked example of SERVICE_IDENTITY.md §8.
  EXPECT_EQ(Hex(cases_[0].service_identity.public_key_der),
            "3059301306072a8648ce3d020106082a8648ce3d03010703420004"
            "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
            "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
  EXPECT_EQ(cases_[0].service_identity.service_id, "5cd252fb0ce8932436faf8ccd1040981");
}

// The v3 layouts of this package's encoder reproduce SERVICE_IDENTITY.md §8
// (AAD_rk3 is AAD_rk2 with the label's last byte "3").
TEST(FormatLayoutV3Test, ReproducesTheWorkedExamples) {
  const std::string spki1 =
      "3059301306072a8648ce3d020106082a8648ce3d03010703420004"
      "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
      "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
  const auto spki = *ParseHex(spki1);
  EXPECT_EQ(ServiceIdOfSpki(spki), "5cd252fb0ce8932436faf8ccd1040981");
  const DerivationFields p{1, "virtual", 0, 0x28, 0, 0, 0x1234};
  std::vector<uint8_t> key_id(16);
  for (size_t i = 0; i < key_id.size(); ++i) key_id[i] = static_cast<uint8_t>(i);
  const std::vector<uint8_t> der = {0x30, 0x82};
  const auto v1 = EncodeRecoveryKeyAad(der, "node-a", "n1", p, key_id);
  auto expected = v1;
  expected[4 + 32] = 0x33;  // the label's last byte: "v3"
  const auto tail = *ParseHex("0000000400000002" "0000005b" + spki1);
  expected.insert(expected.end(), tail.begin(), tail.end());
  EXPECT_EQ(Hex(EncodeRecoveryKeyAadV3(der, "node-a", "n1", p, key_id, 2, spki)), Hex(expected));
  auto v2 = expected;
  v2[4 + 32] = 0x32;
  EXPECT_EQ(Hex(EncodeRecoveryKeyAadV2(der, "node-a", "n1", p, key_id, 2, spki)), Hex(v2));
  const std::vector<uint8_t> body = {0x08, 0x02};
  const auto m_ss = EncodeSignedMessage("ledgerseal sealed shares v2", spki, body);
  EXPECT_EQ(m_ss.size(), 73u);
  EXPECT_EQ(Hex(m_ss), "0000001b6c65646765727365616c207365616c656420736861726573207632"
                       "000000205cd252fb0ce8932436faf8ccd1040981b89ee4ad6b9fe9e2a2b7e71aacb27cd3"
                       "000000020802");
}

}  // namespace
}  // namespace ledgerseal::vectors
