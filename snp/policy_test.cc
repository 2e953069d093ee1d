#include "snp/public/policy.h"

#include <gtest/gtest.h>

#include <string>

namespace ledgerseal::snp {
namespace {

TEST(PolicyTest, PresetsMapToTheirFieldSelectBits) {
  EXPECT_EQ(ParsePolicy("measurement+tcb"), kFieldMeasurement | kFieldTcbVersion);
  EXPECT_EQ(ParsePolicy("measurement+tcb"), 0x28u);
  EXPECT_EQ(ParsePolicy("family+image+svn+tcb"),
            kFieldFamilyId | kFieldImageId | kFieldGuestSvn | kFieldTcbVersion);
  EXPECT_EQ(ParsePolicy("family+image+svn+tcb"), 0x36u);
}

TEST(PolicyTest, DefaultIsTheFirstPresetAndMatchesCcf) {
  ASSERT_FALSE(PolicyPresets().empty());
  EXPECT_EQ(PolicyPresets().front().name, kDefaultPolicyName);
  EXPECT_EQ(ParsePolicy(kDefaultPolicyName), DerivedKeyRequest{}.guest_field_select);
}

TEST(PolicyTest, RawBitsInHexOrDecimal) {
  EXPECT_EQ(ParsePolicy("raw:0x2a"), 0x2au);
  EXPECT_EQ(ParsePolicy("raw:0X3F"), 0x3fu);
  EXPECT_EQ(ParsePolicy("raw:8"), 0x8u);
  EXPECT_EQ(ParsePolicy("raw:0x0000000c"), 0xcu);
}

TEST(PolicyTest, BadPoliciesAreInvalidRequestsListingTheValidNames) {
  struct Case {
    const char* text;
    const char* why;
  };
  const Case cases[] = {
      {"", "is unknown"},
      {"measurement", "is unknown"},
      {"MEASUREMENT+TCB", "is unknown"},
      {"raw:", "is not a number"},
      {"raw:0x", "is not a number"},
      {"raw:0xzz", "is not a number"},
      {"raw:-8", "is not a number"},
      {"raw:0x2a ", "is not a number"},
      {"raw:0x48", "outside 0x3f"},
      {"raw:0x100000000000000008", "is not a number"},  // overflows u64
      {"raw:0x20", "does not bind the key to the code"},
      {"raw:0x0", "does not bind the key to the code"},
      {"raw:0x31", "does not bind the key to the code"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const auto bits = ParsePolicy(c.text);
    ASSERT_FALSE(bits.has_value());
    EXPECT_EQ(bits.error().code, DerivedKeyErrorCode::kInvalidRequest);
    const std::string& message = bits.error().message;
    EXPECT_NE(message.find(c.why), std::string::npos) << message;
    EXPECT_NE(message.find("measurement+tcb"), std::string::npos) << message;
    EXPECT_NE(message.find("family+image+svn+tcb"), std::string::npos) << message;
    EXPECT_NE(message.find("raw:"), std::string::npos) << message;
  }
}

TEST(PolicyTest, NamesPresetsAndFallsBackToRaw) {
  EXPECT_EQ(PolicyName(0x28), "measurement+tcb");
  EXPECT_EQ(PolicyName(0x36), "family+image+svn+tcb");
  EXPECT_EQ(PolicyName(0x2a), "raw:0x2a");
  EXPECT_EQ(PolicyName(0x140), "raw:0x140");
}

TEST(PolicyTest, EveryValidPolicyRoundTripsThroughItsName) {
  int valid = 0;
  for (uint64_t bits = 0; bits <= kAllFieldSelectBits; ++bits) {
    const auto parsed = ParsePolicy(PolicyName(bits));
    const bool binds_code = (bits & (kFieldMeasurement | kFieldImageId | kFieldFamilyId)) != 0;
    EXPECT_EQ(parsed.has_value(), binds_code) << PolicyName(bits);
    if (parsed) {
      EXPECT_EQ(*parsed, bits);
      ++valid;
    }
  }
  EXPECT_EQ(valid, 56);  // 64 combinations minus the 8 without a code-identity bit
}

TEST(RootKeyTest, ParsesEveryChoiceAndNamesItBack) {
  EXPECT_EQ(RootKeyChoices().front().name, kDefaultRootKeyName);
  for (const auto& choice : RootKeyChoices()) {
    EXPECT_EQ(ParseRootKey(choice.name), choice.key_select);
    EXPECT_EQ(RootKeyName(choice.key_select), choice.name);
  }
  EXPECT_EQ(ParseRootKey("vcek"), KeySelect::kVcek);
  EXPECT_EQ(ParseRootKey("vlek"), KeySelect::kVlek);
  EXPECT_EQ(ParseRootKey("default"), KeySelect::kDefault);
}

TEST(RootKeyTest, UnknownRootKeysListTheValidOnes) {
  for (std::string_view bad : {"", "VCEK", "vmrk", "default "}) {
    const auto parsed = ParseRootKey(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, DerivedKeyErrorCode::kInvalidRequest);
    EXPECT_NE(parsed.error().message.find("default, vcek, vlek"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(SealingPolicyTest, DefaultsMatchTheDefaultRequest) {
  const auto policy = MakeSealingPolicy(kDefaultPolicyName);
  ASSERT_TRUE(policy.has_value()) << policy.error().message;
  DerivedKeyRequest request;
  request.guest_svn = 3;
  request.tcb_version = 0x44;
  DerivedKeyRequest applied = request;
  ApplySealingPolicy(*policy, applied);
  EXPECT_EQ(applied, request);
}

TEST(SealingPolicyTest, ChoosesFieldsRootKeyAndVmpl) {
  const auto policy = MakeSealingPolicy("family+image+svn+tcb", "vlek", 2);
  ASSERT_TRUE(policy.has_value()) << policy.error().message;
  DerivedKeyRequest request;
  request.root_key = RootKey::kVmrk;  // a sealing policy always uses the endorsement-key root
  request.guest_svn = 3;
  ApplySealingPolicy(*policy, request);
  EXPECT_EQ(request.guest_field_select, 0x36u);
  EXPECT_EQ(request.root_key, RootKey::kVcek);
  EXPECT_EQ(request.key_select, KeySelect::kVlek);
  EXPECT_EQ(request.vmpl, 2u);
  EXPECT_EQ(request.guest_svn, 3u);
  EXPECT_EQ(EncodeRootKeySelect(request), 4u);
}

TEST(SealingPolicyTest, RefusesBadSettings) {
  EXPECT_FALSE(MakeSealingPolicy("nonsense").has_value());
  EXPECT_FALSE(MakeSealingPolicy(kDefaultPolicyName, "vmrk").has_value());
  const auto vmpl = MakeSealingPolicy(kDefaultPolicyName, "vcek", 4);
  ASSERT_FALSE(vmpl.has_value());
  EXPECT_EQ(vmpl.error().code, DerivedKeyErrorCode::kInvalidRequest);
  EXPECT_NE(vmpl.error().message.find("vmpl 4"), std::string::npos) << vmpl.error().message;
}

}  // namespace
}  // namespace ledgerseal::snp
