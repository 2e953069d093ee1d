// The service-identity binding of a sealed recovery key (format 2,
// docs/SERVICE_IDENTITY.md §3): what is bound, that it comes back only from
// the hardware, and that one key pair can be resealed for a new service.
#include <gtest/gtest.h>

#include "base/testing/hex.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealing_format.h"
#include "plugin/public/sealing_key.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeProvider;
using testing::MakeRandom;
using testing::TestServiceIdentity;
using testing::ToHex;

class RecoveryKeyBindingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    provider_ = MakeProvider("m1").release();
    auto key = crypto::EcdhPrivateKey::Generate();
    ASSERT_TRUE(key);
    key_ = new crypto::EcdhPrivateKey(std::move(*key));
    auto sealed = Seal(TestServiceIdentity(1), "binding");
    ASSERT_TRUE(sealed) << sealed.error().ToString();
    sealed_ = new v1::SealedRecoveryKey(std::move(*sealed));
  }
  static void TearDownTestSuite() {
    delete provider_;
    delete key_;
    delete sealed_;
  }

  static SealingResult<v1::SealedRecoveryKey> Seal(const kv::ServiceIdentity& service,
                                                   const std::string& seed) {
    auto random = MakeRandom(seed);
    auto request = DefaultDerivedKeyRequest(*provider_);
    EXPECT_TRUE(request);
    return SealExistingRecoveryKey(*provider_, *random, *request, "node-a", "n-a", service, *key_);
  }

  static SealingErrorCode UnsealError(const v1::SealedRecoveryKey& sealed) {
    auto key = UnsealRecoveryKey(*provider_, sealed);
    EXPECT_FALSE(key);
    return key ? SealingErrorCode::kInvalidArgument : key.error().code;
  }

  static testing::FakeDerivedKeyProvider* provider_;
  static crypto::EcdhPrivateKey* key_;
  static v1::SealedRecoveryKey* sealed_;
};
testing::FakeDerivedKeyProvider* RecoveryKeyBindingTest::provider_ = nullptr;
crypto::EcdhPrivateKey* RecoveryKeyBindingTest::key_ = nullptr;
v1::SealedRecoveryKey* RecoveryKeyBindingTest::sealed_ = nullptr;

TEST_F(RecoveryKeyBindingTest, TheBindingIsStoredInTheClearAndReturnedAfterUnsealing) {
  EXPECT_EQ(sealed_->format_version(), 3u);
  EXPECT_EQ(sealed_->service_identity_algorithm(), 2u);
  EXPECT_EQ(ToHex(kv::AsBytes(sealed_->service_identity_public_key_der())),
            ToHex(TestServiceIdentity(1).public_key_der));
  auto unsealed = UnsealRecoveryKey(*provider_, *sealed_);
  ASSERT_TRUE(unsealed) << unsealed.error().ToString();
  EXPECT_EQ(unsealed->service, TestServiceIdentity(1));
  auto parsed = ParseSealedRecoveryPublicKey(*sealed_);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->service, TestServiceIdentity(1));
}

// How a recovered node reseals: the same key pair, bound to the new service.
TEST_F(RecoveryKeyBindingTest, OneKeyPairResealedForAnotherService) {
  auto resealed = Seal(TestServiceIdentity(2), "reseal");
  ASSERT_TRUE(resealed) << resealed.error().ToString();
  EXPECT_EQ(resealed->public_key_der(), sealed_->public_key_der());
  EXPECT_NE(resealed->sealed_private_key().iv(), sealed_->sealed_private_key().iv());
  auto unsealed = UnsealRecoveryKey(*provider_, *resealed);
  ASSERT_TRUE(unsealed) << unsealed.error().ToString();
  EXPECT_EQ(unsealed->service, TestServiceIdentity(2));
  EXPECT_EQ(ToHex(unsealed->private_key.ToPkcs8Der()->bytes()), ToHex(key_->ToPkcs8Der()->bytes()));
}

// The clear fields are bound by the AAD: rewriting them to another valid
// identity is caught by the tag; rewriting them to something invalid is
// caught before the platform is asked.
TEST_F(RecoveryKeyBindingTest, AlteringTheClearBindingIsRefused) {
  auto rebound = *sealed_;
  rebound.set_service_identity_public_key_der(std::string(kv::AsString(TestServiceIdentity(2).public_key_der)));
  EXPECT_EQ(UnsealError(rebound), SealingErrorCode::kTampered);
  // Swapping the clear binding of a record sealed for 2 back to 1 likewise.
  auto for_two = Seal(TestServiceIdentity(2), "two");
  ASSERT_TRUE(for_two);
  for_two->set_service_identity_public_key_der(sealed_->service_identity_public_key_der());
  EXPECT_EQ(UnsealError(*for_two), SealingErrorCode::kTampered);

  const int calls = provider_->calls();
  for (uint32_t algorithm : {0u, 1u, 3u}) {
    auto other = *sealed_;
    other.set_service_identity_algorithm(algorithm);
    EXPECT_EQ(UnsealError(other), SealingErrorCode::kMalformed) << algorithm;
    EXPECT_FALSE(ValidateSealedRecoveryKey(other)) << algorithm;
  }
  auto truncated = *sealed_;
  truncated.mutable_service_identity_public_key_der()->pop_back();
  EXPECT_EQ(UnsealError(truncated), SealingErrorCode::kMalformed);
  auto absent = *sealed_;
  absent.clear_service_identity_public_key_der();
  EXPECT_EQ(UnsealError(absent), SealingErrorCode::kMalformed);
  EXPECT_EQ(provider_->calls(), calls) << "malformed bindings never reach the platform";
}

TEST_F(RecoveryKeyBindingTest, SealingRefusesAnInvalidIdentity) {
  auto random = MakeRandom("invalid");
  auto request = DefaultDerivedKeyRequest(*provider_);
  ASSERT_TRUE(request);
  auto expect_invalid = [&](const kv::ServiceIdentity& service, const char* what) {
    auto sealed = SealRecoveryKey(*provider_, *random, *request, "a", "n", service);
    ASSERT_FALSE(sealed) << what;
    EXPECT_EQ(sealed.error().code, SealingErrorCode::kInvalidArgument) << what;
    auto existing = SealExistingRecoveryKey(*provider_, *random, *request, "a", "n", service, *key_);
    ASSERT_FALSE(existing) << what;
    EXPECT_EQ(existing.error().code, SealingErrorCode::kInvalidArgument) << what;
  };
  kv::ServiceIdentity wrong_id = TestServiceIdentity(1);
  wrong_id.service_id = TestServiceIdentity(2).service_id;
  expect_invalid(wrong_id, "id of another key");
  kv::ServiceIdentity not_a_key = TestServiceIdentity(1);
  not_a_key.public_key_der = {1, 2, 3};
  not_a_key.service_id = kv::ServiceIdOf(not_a_key.public_key_der);
  expect_invalid(not_a_key, "not a key");
  kv::ServiceIdentity ed25519 = TestServiceIdentity(1);
  ed25519.algorithm = crypto::SignatureAlgorithm::kEd25519;
  expect_invalid(ed25519, "another algorithm");
  expect_invalid(kv::ServiceIdentity{}, "empty");
  EXPECT_EQ(random->drawn_bytes(), 0u) << "nothing drawn for rejected calls";
}

}  // namespace
}  // namespace ledgerseal::sealing
