// The format 1 vector file itself (frozen input): size, the frozen case
// list, coverage, and the documented constants and layouts it relies on
// (docs/FORMAT.md).
#include <set>
#include <string>

#include "plugin/public/sealing_error.h"
#include "plugin/vectors/case_json.h"
#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/vectors_fixture.h"

namespace ledgerseal::vectors {
namespace {

constexpr size_t kMaxFileBytes = 300 * 1024;

TEST_F(SealingVectorsTest, FileIsSmallAndHasTheFrozenCasesInOrder) {
  EXPECT_LT(file_.text.size(), kMaxFileBytes);
  const auto specs = V1CaseSpecs();
  ASSERT_EQ(cases_.size(), specs.size()) << "sealing_v1.json is frozen input: restore it";
  for (size_t i = 0; i < specs.size(); ++i) {
    SCOPED_TRACE(specs[i].id);
    const VectorFields& v = cases_[i];
    EXPECT_EQ(v.id, specs[i].id);
    EXPECT_NE(v.description.find(kTestKeyNote), std::string::npos);
    EXPECT_EQ(v.policy, specs[i].policy);
    EXPECT_EQ(v.rsa_bits, specs[i].rsa_bits);
    // What format 1 documented; format 3 refuses every case (production_test.cc).
    const auto error = ExpectedError(specs[i]);
    EXPECT_EQ(v.expect, error ? "error" : "success");
    EXPECT_EQ(v.error, error ? sealing::SealingErrorCodeName(*error) : "");
    EXPECT_EQ(v.failing_step, FailingStep(specs[i]));
  }
}

TEST_F(SealingVectorsTest, CoversEveryPresetEverySizeAndEveryFailingStep) {
  std::set<std::string> policies, errors, steps;
  std::multiset<uint32_t> sizes;
  for (const VectorFields& v : cases_) {
    if (v.expects_success()) {
      policies.insert(v.policy);
      sizes.insert(v.rsa_bits);
    } else {
      errors.insert(v.error);
      steps.insert(v.failing_step);
    }
  }
  EXPECT_EQ(policies, (std::set<std::string>{"measurement+tcb", "family+image+svn+tcb"}));
  EXPECT_GE(sizes.count(2048), 1u);
  EXPECT_GE(sizes.count(3072), 1u);
  EXPECT_EQ(sizes.count(4096), 1u);
  EXPECT_EQ(errors, (std::set<std::string>{"tampered", "platform_mismatch"}));
  EXPECT_EQ(steps,
            (std::set<std::string>{std::string(kStepKeyId), std::string(kStepSealedRecoveryKey),
                                   std::string(kStepEncryptedWrappingKey),
                                   std::string(kStepWrappedLedgerSecret)}));
}

// FORMAT.md §3, table of info strings.
TEST_F(SealingVectorsTest, HkdfInfoStringsAreTheDocumentedOnes) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    EXPECT_EQ(Hex(v.hkdf_info), "6c65646765727365616c206c6f63616c207365616c696e67206b6579207631");
    EXPECT_EQ(Hex(v.key_id_info), "6c65646765727365616c207365616c696e67206b6579206964207631");
    EXPECT_EQ(v.platform, "virtual");
    EXPECT_EQ(v.derivation_version, 1u);
  }
}

// The layout encoder the independent checks use reproduces FORMAT.md §4.5.
TEST(FormatLayoutTest, ReproducesTheWorkedExamplesOfFormatMd) {
  const DerivationFields p{1, "virtual", 0, 0x28, 0, 0, 0x1234};
  const std::string p_hex =
      "0000000400000001"
      "000000077669727475616c"
      "0000000400000000"
      "000000080000000000000028"
      "0000000400000000"
      "0000000400000000"
      "000000080000000000001234";
  EXPECT_EQ(Hex(EncodeP(p)), p_hex);
  const std::vector<uint8_t> der = {0x30, 0x82};
  std::vector<uint8_t> key_id(16);
  for (size_t i = 0; i < key_id.size(); ++i) key_id[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Hex(EncodeRecoveryKeyAad(der, "node-a", "n1", p, key_id)),
            "000000216c65646765727365616c207365616c6564207265636f76657279206b6579207631"
            "000000023082"
            "000000066e6f64652d61"
            "000000026e31"
            "00000043" +
                p_hex + "00000010000102030405060708090a0b0c0d0e0f");
  EXPECT_EQ(Hex(EncodeWrappedLedgerSecretAad("svc-1", 7)),
            "000000236c65646765727365616c2077726170706564206c656467657220736563726574207631"
            "000000057376632d31"
            "000000080000000000000007");
  EXPECT_EQ(Hex(EncodeWrappingKeyLabel("node-a", "n1", "svc-1", 0x0102030405060708)),
            "0000001a6c65646765727365616c207772617070696e67206b6579207631"
            "000000066e6f64652d61"
            "000000026e31"
            "000000057376632d31"
            "000000080102030405060708");
}

}  // namespace
}  // namespace ledgerseal::vectors
