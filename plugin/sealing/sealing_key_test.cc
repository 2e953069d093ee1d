#include "plugin/public/sealing_key.h"

#include <gtest/gtest.h>

#include <array>
#include <utility>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/hkdf.h"
#include "base/testing/hex.h"
#include "plugin/testing/sealing_test_util.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeProvider;
using testing::ToHex;

v1::DerivationParams DefaultParams(const snp::DerivedKeyProvider& provider) {
  auto request = DefaultDerivedKeyRequest(provider);
  EXPECT_TRUE(request);
  return MakeDerivationParams(provider.platform_name(), *request);
}

TEST(SealingKeyTest, DefaultRequestUsesCommittedTcbAndDefaultFields) {
  auto provider = MakeProvider("m1");
  auto request = DefaultDerivedKeyRequest(*provider);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->tcb_version, testing::kTestCommittedTcb);
  EXPECT_EQ(request->guest_field_select, snp::kFieldMeasurement | snp::kFieldTcbVersion);
  EXPECT_EQ(request->root_key, snp::RootKey::kVcek);
  EXPECT_EQ(request->vmpl, 0u);
}

TEST(SealingKeyTest, ParamsRoundTripThroughRequest) {
  snp::DerivedKeyRequest request;
  request.root_key = snp::RootKey::kVmrk;
  request.guest_field_select = snp::kFieldFamilyId | snp::kFieldImageId;
  request.vmpl = 2;
  request.guest_svn = 9;
  request.tcb_version = 77;
  const auto params = MakeDerivationParams("virtual", request);
  EXPECT_EQ(params.derivation_version(), kDerivationVersion);
  EXPECT_EQ(params.platform(), "virtual");
  auto back = ToDerivedKeyRequest(params);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, request);
}

TEST(SealingKeyTest, KeyAndKeyIdAreHkdfOfTheDerivedKeyWithTheDocumentedLabels) {
  auto provider = MakeProvider("m1");
  const auto params = DefaultParams(*provider);
  auto key = DeriveSealingKey(*provider, params);
  ASSERT_TRUE(key) << key.error().ToString();
  ASSERT_EQ(key->key.size(), kSealingKeyBytes);

  // Recompute from the provider's raw derived key and the labels of FORMAT.md.
  auto derived = provider->GetDerivedKey(*ToDerivedKeyRequest(params));
  ASSERT_TRUE(derived);
  std::array<uint8_t, 32> expected_key{};
  std::array<uint8_t, 16> expected_id{};
  ASSERT_TRUE(crypto::HkdfSha256(expected_key, derived->bytes(), {},
                                 kv::AsBytes("ledgerseal local sealing key v1")));
  ASSERT_TRUE(crypto::HkdfSha256(expected_id, derived->bytes(), {},
                                 kv::AsBytes("ledgerseal sealing key id v1")));
  EXPECT_EQ(ToHex(key->key.bytes()), ToHex(expected_key));
  EXPECT_EQ(ToHex(key->key_id), ToHex(expected_id));
  // The key id is not a prefix of the key (independent HKDF outputs).
  EXPECT_NE(ToHex(key->key_id), ToHex(std::span(expected_key).first(16)));
}

TEST(SealingKeyTest, DeterministicPerPlatformAndDistinctAcrossPlatforms) {
  auto m1 = MakeProvider("m1");
  auto m1_again = MakeProvider("m1");
  auto m2 = MakeProvider("m2");
  const auto params = DefaultParams(*m1);
  auto a = DeriveSealingKey(*m1, params);
  auto b = DeriveSealingKey(*m1_again, params);
  auto c = DeriveSealingKey(*m2, params);
  ASSERT_TRUE(a && b && c);
  EXPECT_TRUE(a->key == b->key);
  EXPECT_EQ(a->key_id, b->key_id);
  EXPECT_FALSE(a->key == c->key);
  EXPECT_NE(a->key_id, c->key_id);
}

TEST(SealingKeyTest, EveryRequestFieldChangesTheKey) {
  auto provider = MakeProvider("m1");
  const auto base = DefaultParams(*provider);
  auto base_key = DeriveSealingKey(*provider, base);
  ASSERT_TRUE(base_key);
  std::vector<v1::DerivationParams> variants(5, base);
  variants[0].set_root_key_select(1);
  variants[1].set_guest_field_select(snp::kFieldMeasurement);
  variants[2].set_vmpl(1);
  variants[3].set_guest_svn(1);
  variants[4].set_tcb_version(base.tcb_version() - 1);
  for (size_t i = 0; i < variants.size(); ++i) {
    auto key = DeriveSealingKey(*provider, variants[i]);
    ASSERT_TRUE(key) << i << ": " << key.error().ToString();
    EXPECT_NE(key->key_id, base_key->key_id) << i;
  }
}

TEST(SealingKeyTest, KeySelectIsCarriedInRootKeySelect) {
  for (const auto& [key_select, word] : {std::pair{snp::KeySelect::kDefault, 0u},
                                         std::pair{snp::KeySelect::kVcek, 2u},
                                         std::pair{snp::KeySelect::kVlek, 4u}}) {
    snp::DerivedKeyRequest request;
    request.key_select = key_select;
    const auto params = MakeDerivationParams("virtual", request);
    EXPECT_EQ(params.root_key_select(), word);
    auto back = ToDerivedKeyRequest(params);
    ASSERT_TRUE(back) << back.error().ToString();
    EXPECT_EQ(*back, request);
  }
}

TEST(SealingKeyTest, UnknownDerivationVersion) {
  auto provider = MakeProvider("m1");
  for (uint32_t version : {0u, 2u, 1000u}) {
    auto params = DefaultParams(*provider);
    params.set_derivation_version(version);
    auto key = DeriveSealingKey(*provider, params);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, SealingErrorCode::kUnknownDerivationVersion) << version;
    EXPECT_EQ(provider->calls(), 0) << "the platform must not be asked";
  }
}

TEST(SealingKeyTest, InvalidStoredParamsAreMalformed) {
  auto provider = MakeProvider("m1");
  const auto base = DefaultParams(*provider);
  std::vector<v1::DerivationParams> bad(5, base);
  bad[0].set_root_key_select(8);  // reserved bit (2 = KEY_SEL VCEK is valid)
  bad[1].set_guest_field_select(0x40);
  bad[2].set_vmpl(4);
  bad[3].set_platform("");
  bad[4].set_platform(std::string(65, 'p'));
  for (size_t i = 0; i < bad.size(); ++i) {
    auto key = DeriveSealingKey(*provider, bad[i]);
    ASSERT_FALSE(key) << i;
    EXPECT_EQ(key.error().code, SealingErrorCode::kMalformed) << i << key.error().ToString();
  }
}

TEST(SealingKeyTest, OtherPlatformNameIsPlatformMismatch) {
  auto provider = MakeProvider("m1");
  auto params = DefaultParams(*provider);
  params.set_platform("sev-guest");
  auto key = DeriveSealingKey(*provider, params);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, SealingErrorCode::kPlatformMismatch);
  EXPECT_NE(key.error().message.find("'sev-guest'"), std::string::npos);
  EXPECT_NE(key.error().message.find("'virtual'"), std::string::npos);
}

TEST(SealingKeyTest, ProviderErrorIsPlatformErrorNamingTheCode) {
  auto provider = MakeProvider("m1");
  const auto params = DefaultParams(*provider);
  provider->FailWith(snp::DerivedKeyErrorCode::kDeviceUnavailable);
  auto key = DeriveSealingKey(*provider, params);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, SealingErrorCode::kPlatformError);
  EXPECT_NE(key.error().message.find("device_unavailable"), std::string::npos);

  auto request = DefaultDerivedKeyRequest(*provider);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code, SealingErrorCode::kPlatformError);
}

TEST(SealingKeyTest, TcbAboveCommittedIsPlatformError) {
  auto provider = MakeProvider("m1");
  auto params = DefaultParams(*provider);
  params.set_tcb_version(testing::kTestCommittedTcb + 1);
  auto key = DeriveSealingKey(*provider, params);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, SealingErrorCode::kPlatformError);
  EXPECT_NE(key.error().message.find("tcb_above_committed"), std::string::npos);
}

}  // namespace
}  // namespace ledgerseal::sealing
