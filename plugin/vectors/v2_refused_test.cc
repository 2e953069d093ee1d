// The format 2 vectors (sealing_v2.json, frozen input since format 3
// replaced its RSA-OAEP recovery keys with ECIES P-256 ones): the file still
// unseals step by step from its documented fields (the historical reading of
// FORMAT.md's format 2, with RSA-OAEP), and the format 3 production code
// refuses every one of its records by name — nothing in a format 2 ledger is
// taken for format 3.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/vectors/independent_unseal.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/platform_json.h"
#include "plugin/vectors/vector_fields.h"
#include "plugin/vectors/vector_file.h"

namespace ledgerseal::vectors {
namespace {

using sealing::SealingErrorCode;

class SealingVectorsV2Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto file = LoadVectorFile(kVectorFileV2);
    if (!file) {
      load_error_ = file.error();
      return;
    }
    for (const Json& vector : file->cases["shares"]) {
      auto fields = ReadVectorFieldsV2(vector);
      if (!fields) {
        load_error_ = fields.error();
        return;
      }
      cases_.push_back(std::move(*fields));
    }
  }
  void SetUp() override {
    ASSERT_EQ(load_error_, "");
    ASSERT_EQ(cases_.size(), 26u) << "sealing_v2.json is frozen";
  }

  static inline std::string load_error_;
  static inline std::vector<VectorFields> cases_;
};

TEST_F(SealingVectorsV2Test, IndependentUnsealingStillReachesTheDocumentedOutcome) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto outcome = RunIndependentChainV2(v);
    ASSERT_TRUE(outcome) << outcome.error();
    EXPECT_EQ(outcome->failing_step, v.failing_step);
    if (v.expects_success()) {
      EXPECT_EQ(Hex(outcome->ledger_secret), Hex(v.ledger_secret));
    }
  }
}

TEST_F(SealingVectorsV2Test, ProductionRefusesEveryFormat2RecoveryKeyNamingRsa) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto parsed = sealing::ParseSealedRecoveryKey(v.key_record);
    ASSERT_FALSE(parsed) << "parsed a format 2 recovery key";
    EXPECT_EQ(parsed.error().code, SealingErrorCode::kUnknownFormatVersion);
    EXPECT_NE(parsed.error().message.find("RSA-OAEP recovery keys"), std::string::npos) << parsed.error().message;
  }
}

// Whatever a format 2 value claims (format 2, the unsigned format 1, an
// envelope relabelled 3), it holds a format 2 key: nothing unseals.
TEST_F(SealingVectorsV2Test, ProductionUnsealSharesRefusesEveryFormat2Record) {
  int format2_envelopes = 0;
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto provider = ProviderFromJson(v.virtual_platform);
    ASSERT_TRUE(provider) << provider.error();
    auto result = sealing::UnsealShares(**provider, v.shares_record, v.sealing_identity, 1,
                                        v.expected_previous_service_id);
    ASSERT_FALSE(result) << "unsealed a format 2 record";
    if (v.record_format_version == 2) {
      ++format2_envelopes;
      EXPECT_EQ(result.error().code, SealingErrorCode::kUnknownFormatVersion) << result.error().ToString();
    }
  }
  EXPECT_GE(format2_envelopes, 20);
}

}  // namespace
}  // namespace ledgerseal::vectors
