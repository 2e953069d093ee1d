#include "plugin/public/recovery_key.h"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <memory>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/aes_gcm.h"
#include "plugin/public/sealing_format.h"
#include "plugin/public/sealing_key.h"
#include "base/testing/hex.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"
#include "snp/public/policy.h"
#include "snp/public/virtual_platform.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeProvider;
using testing::MakeRandom;
using testing::ToHex;

// The identity every key of these tests is bound to (P-256 key 1, a TEST KEY).
const kv::ServiceIdentity& Service() { return testing::TestServiceIdentity(1); }

snp::DerivedKeyRequest DefaultRequest(const snp::DerivedKeyProvider& provider) {
  auto request = DefaultDerivedKeyRequest(provider);
  EXPECT_TRUE(request);
  return *request;
}

// One sealed P-256 key per suite.
class RecoveryKeyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    provider_ = MakeProvider("m1").release();
    auto random = MakeRandom("recovery key test");
    auto a =
        SealRecoveryKey(*provider_, *random, DefaultRequest(*provider_), "node-a", "n-a", Service());
    ASSERT_TRUE(a) << a.error().ToString();
    sealed_a_ = new v1::SealedRecoveryKey(std::move(*a));
    auto b =
        SealRecoveryKey(*provider_, *random, DefaultRequest(*provider_), "node-b", "n-b", Service());
    ASSERT_TRUE(b) << b.error().ToString();
    sealed_b_ = new v1::SealedRecoveryKey(std::move(*b));
  }
  static void TearDownTestSuite() {
    delete provider_;
    delete sealed_a_;
    delete sealed_b_;
  }

  static void ExpectError(const snp::DerivedKeyProvider& provider,
                          const v1::SealedRecoveryKey& sealed, SealingErrorCode code) {
    auto key = UnsealRecoveryKey(provider, sealed);
    ASSERT_FALSE(key) << "expected " << SealingErrorCodeName(code);
    EXPECT_EQ(key.error().code, code) << key.error().ToString();
  }

  static testing::FakeDerivedKeyProvider* provider_;
  static v1::SealedRecoveryKey* sealed_a_;
  static v1::SealedRecoveryKey* sealed_b_;
};
testing::FakeDerivedKeyProvider* RecoveryKeyTest::provider_ = nullptr;
v1::SealedRecoveryKey* RecoveryKeyTest::sealed_a_ = nullptr;
v1::SealedRecoveryKey* RecoveryKeyTest::sealed_b_ = nullptr;

TEST_F(RecoveryKeyTest, RecordCarriesEverythingNeededToUnseal) {
  const v1::SealedRecoveryKey& s = *sealed_a_;
  EXPECT_EQ(s.format_version(), kFormatVersion);
  EXPECT_EQ(s.sealing_identity(), "node-a");
  EXPECT_EQ(s.node_id(), "n-a");
  EXPECT_EQ(s.derivation().derivation_version(), kDerivationVersion);
  EXPECT_EQ(s.derivation().platform(), "virtual");
  EXPECT_EQ(s.derivation().tcb_version(), testing::kTestCommittedTcb);
  EXPECT_EQ(s.key_id().size(), kKeyIdBytes);
  auto key = DeriveSealingKey(*provider_, s.derivation());
  ASSERT_TRUE(key);
  EXPECT_EQ(ToHex(kv::AsBytes(s.key_id())), ToHex(key->key_id));
  EXPECT_EQ(s.sealed_private_key().iv().size(), crypto::kAesGcmIvBytes);
  EXPECT_EQ(s.sealed_private_key().tag().size(), crypto::kAesGcmTagBytes);
  EXPECT_EQ(s.public_key_der().size(), crypto::kP256SpkiBytes);
  auto pub = crypto::EcdhPublicKey::FromDer(kv::AsBytes(s.public_key_der()));
  ASSERT_TRUE(pub);
  EXPECT_TRUE(ValidateSealedRecoveryKey(s));
}

TEST_F(RecoveryKeyTest, IvIsTheFirstDrawOfTheRandomSource) {
  auto expected = MakeRandom("recovery key test");
  std::array<uint8_t, 12> first_iv{};
  ASSERT_TRUE(expected->Fill(first_iv));
  EXPECT_EQ(ToHex(kv::AsBytes(sealed_a_->sealed_private_key().iv())), ToHex(first_iv));
  std::array<uint8_t, 12> second_iv{};
  ASSERT_TRUE(expected->Fill(second_iv));
  EXPECT_EQ(ToHex(kv::AsBytes(sealed_b_->sealed_private_key().iv())), ToHex(second_iv));
}

TEST_F(RecoveryKeyTest, PlaintextIsThePkcs8PrivateKeyOfThePublicKey) {
  auto key = UnsealRecoveryKey(*provider_, *sealed_a_);
  ASSERT_TRUE(key) << key.error().ToString();
  auto pkcs8 = key->private_key.ToPkcs8Der();
  ASSERT_TRUE(pkcs8);
  EXPECT_EQ(pkcs8->size(), sealed_a_->sealed_private_key().ciphertext().size());
  EXPECT_EQ(kv::AsString(*key->private_key.PublicKeyDer()), sealed_a_->public_key_der());
  EXPECT_EQ(key->service, Service()) << "the binding comes back with the key";
}

TEST(RecoveryKeyRoundTripTest, SealThenUnseal) {
  auto provider = MakeProvider("m-size");
  auto random = MakeRandom("size");
  auto sealed =
      SealRecoveryKey(*provider, *random, DefaultRequest(*provider), "id", "node", Service());
  ASSERT_TRUE(sealed) << sealed.error().ToString();
  auto key = UnsealRecoveryKey(*provider, *sealed);
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(kv::AsString(*key->private_key.PublicKeyDer()), sealed->public_key_der());
}


TEST_F(RecoveryKeyTest, UnsealUsesStoredParamsAfterTcbUpgrade) {
  auto provider = MakeProvider("m1");
  provider->set_committed_tcb(testing::kTestCommittedTcb + 5);  // firmware update
  EXPECT_NE(DefaultRequest(*provider).tcb_version, sealed_a_->derivation().tcb_version());
  auto key = UnsealRecoveryKey(*provider, *sealed_a_);
  EXPECT_TRUE(key) << key.error().ToString();
}

TEST_F(RecoveryKeyTest, TcbRollbackBelowStoredIsPlatformError) {
  auto provider = MakeProvider("m1");
  provider->set_committed_tcb(testing::kTestCommittedTcb - 1);
  ExpectError(*provider, *sealed_a_, SealingErrorCode::kPlatformError);
}

TEST_F(RecoveryKeyTest, OtherMachineIsPlatformMismatch) {
  ExpectError(*MakeProvider("m2"), *sealed_a_, SealingErrorCode::kPlatformMismatch);
}

TEST_F(RecoveryKeyTest, OtherPlatformNameIsPlatformMismatch) {
  testing::FakeDerivedKeyProvider sev("sev-guest", "machine secret of m1",
                                      testing::kTestCommittedTcb);
  ExpectError(sev, *sealed_a_, SealingErrorCode::kPlatformMismatch);
}

TEST_F(RecoveryKeyTest, ProviderRefusalIsPlatformError) {
  auto provider = MakeProvider("m1");
  provider->FailWith(snp::DerivedKeyErrorCode::kFirmwareError);
  auto key = UnsealRecoveryKey(*provider, *sealed_a_);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, SealingErrorCode::kPlatformError);
  EXPECT_NE(key.error().message.find("firmware_error"), std::string::npos);
  EXPECT_NE(key.error().message.find("'node-a'"), std::string::npos);
}

TEST_F(RecoveryKeyTest, UnknownVersions) {
  auto sealed = *sealed_a_;
  sealed.set_format_version(4);
  ExpectError(*provider_, sealed, SealingErrorCode::kUnknownFormatVersion);
  // Format 2 holds an RSA key: refused, saying so, before the platform is asked.
  sealed.set_format_version(2);
  {
    const int calls2 = provider_->calls();
    auto v2_key = UnsealRecoveryKey(*provider_, sealed);
    ASSERT_FALSE(v2_key);
    EXPECT_EQ(v2_key.error().code, SealingErrorCode::kUnknownFormatVersion);
    EXPECT_NE(v2_key.error().message.find("RSA-OAEP"), std::string::npos) << v2_key.error().message;
    EXPECT_EQ(provider_->calls(), calls2);
    EXPECT_FALSE(ValidateSealedRecoveryKey(sealed));
  }
  // Format 1 binds no service: refused, saying so, before the platform is asked.
  sealed.set_format_version(1);
  const int calls = provider_->calls();
  auto v1_key = UnsealRecoveryKey(*provider_, sealed);
  ASSERT_FALSE(v1_key);
  EXPECT_EQ(v1_key.error().code, SealingErrorCode::kUnknownFormatVersion);
  EXPECT_NE(v1_key.error().message.find("binds no service"), std::string::npos) << v1_key.error().message;
  EXPECT_EQ(provider_->calls(), calls);
  EXPECT_FALSE(ValidateSealedRecoveryKey(sealed));
  sealed = *sealed_a_;
  sealed.mutable_derivation()->set_derivation_version(2);
  ExpectError(*provider_, sealed, SealingErrorCode::kUnknownDerivationVersion);
}

TEST_F(RecoveryKeyTest, WrongFieldSizesAreMalformed) {
  std::vector<std::function<void(v1::SealedRecoveryKey&)>> edits = {
      [](auto& s) { s.mutable_sealed_private_key()->mutable_iv()->pop_back(); },
      [](auto& s) { s.mutable_sealed_private_key()->mutable_iv()->push_back('x'); },
      [](auto& s) { s.mutable_sealed_private_key()->mutable_tag()->push_back('x'); },
      [](auto& s) { s.mutable_sealed_private_key()->mutable_tag()->pop_back(); },
      [](auto& s) { s.mutable_sealed_private_key()->clear_ciphertext(); },
      [](auto& s) { s.clear_sealed_private_key(); },
      [](auto& s) { s.mutable_key_id()->pop_back(); },
      [](auto& s) { s.mutable_key_id()->push_back('x'); },
      [](auto& s) { s.clear_derivation(); },
      [](auto& s) { s.clear_public_key_der(); },
      [](auto& s) { s.clear_sealing_identity(); },
      [](auto& s) { s.clear_node_id(); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    auto sealed = *sealed_a_;
    edits[i](sealed);
    auto key = UnsealRecoveryKey(*provider_, sealed);
    ASSERT_FALSE(key) << i;
    EXPECT_EQ(key.error().code, SealingErrorCode::kMalformed) << i << " " << key.error().ToString();
    EXPECT_FALSE(ValidateSealedRecoveryKey(sealed)) << i;
  }
}

TEST_F(RecoveryKeyTest, ContextIsBoundByTheAad) {
  auto sealed = *sealed_a_;
  sealed.set_sealing_identity("node-b");
  ExpectError(*provider_, sealed, SealingErrorCode::kTampered);
  sealed = *sealed_a_;
  sealed.set_node_id("n-b");
  ExpectError(*provider_, sealed, SealingErrorCode::kTampered);
  sealed = *sealed_a_;
  sealed.set_public_key_der(sealed_b_->public_key_der());
  ExpectError(*provider_, sealed, SealingErrorCode::kTampered);
  // node-a's sealed blob moved into node-b's record (same platform, so the
  // key id still matches).
  sealed = *sealed_b_;
  *sealed.mutable_sealed_private_key() = sealed_a_->sealed_private_key();
  ExpectError(*provider_, sealed, SealingErrorCode::kTampered);
}

TEST_F(RecoveryKeyTest, ChangedDerivationParamsChangeTheKey) {
  auto sealed = *sealed_a_;
  sealed.mutable_derivation()->set_tcb_version(sealed.derivation().tcb_version() - 1);
  ExpectError(*provider_, sealed, SealingErrorCode::kPlatformMismatch);
  sealed = *sealed_a_;
  sealed.mutable_derivation()->set_guest_field_select(snp::kFieldMeasurement);
  ExpectError(*provider_, sealed, SealingErrorCode::kPlatformMismatch);
}

TEST_F(RecoveryKeyTest, SealRejectsInvalidArguments) {
  auto random = MakeRandom("x");
  const auto request = DefaultRequest(*provider_);
  auto expect_invalid = [&](auto result, const char* what) {
    ASSERT_FALSE(result) << what;
    EXPECT_EQ(result.error().code, SealingErrorCode::kInvalidArgument) << what;
  };
  expect_invalid(SealRecoveryKey(*provider_, *random, request, "", "n", Service()), "empty identity");
  expect_invalid(SealRecoveryKey(*provider_, *random, request, "a", "", Service()), "empty node id");
  expect_invalid(SealRecoveryKey(*provider_, *random, request, "a\xff", "n", Service()), "bad utf-8");
  expect_invalid(SealRecoveryKey(*provider_, *random, request, std::string(1025, 'a'), "n", Service()),
                 "long identity");
  auto bad_request = request;
  bad_request.vmpl = 4;
  expect_invalid(SealRecoveryKey(*provider_, *random, bad_request, "a", "n", Service()), "vmpl");
  EXPECT_EQ(random->drawn_bytes(), 0u) << "nothing drawn for rejected calls";
}

TEST_F(RecoveryKeyTest, SealReportsPlatformErrors) {
  auto random = MakeRandom("x");
  auto provider = MakeProvider("m1");
  auto request = DefaultRequest(*provider);
  request.tcb_version += 1;
  auto above = SealRecoveryKey(*provider, *random, request, "a", "n", Service());
  ASSERT_FALSE(above);
  EXPECT_EQ(above.error().code, SealingErrorCode::kPlatformError);
  EXPECT_NE(above.error().message.find("tcb_above_committed"), std::string::npos);
  provider->FailWith(snp::DerivedKeyErrorCode::kDeviceUnavailable);
  auto refused =
      SealRecoveryKey(*provider, *random, DefaultRequest(*MakeProvider("m1")), "a", "n", Service());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, SealingErrorCode::kPlatformError);
}

TEST_F(RecoveryKeyTest, ValidateRejectsAnUnparsablePublicKey) {
  auto sealed = *sealed_a_;
  sealed.set_public_key_der("not a key");
  auto status = ValidateSealedRecoveryKey(sealed);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, SealingErrorCode::kMalformed);
}

// Error messages name what failed but never carry key material: neither the
// sealing key nor the key id's secret siblings, raw or in hex.
TEST_F(RecoveryKeyTest, ErrorMessagesCarryNoKeyMaterial) {
  auto key = DeriveSealingKey(*provider_, sealed_a_->derivation());
  ASSERT_TRUE(key);
  const std::string key_hex = ToHex(key->key.bytes());
  const std::string key_raw(kv::AsString(key->key.bytes()));
  auto unsealed = UnsealRecoveryKey(*provider_, *sealed_a_);
  ASSERT_TRUE(unsealed);
  auto pkcs8 = unsealed->private_key.ToPkcs8Der();
  ASSERT_TRUE(pkcs8);
  // 16 bytes from the middle of the private key (inside the secret primes).
  const auto secret_window = pkcs8->bytes().subspan(pkcs8->size() / 2, 16);

  std::vector<SealingError> errors;
  auto collect = [&](const v1::SealedRecoveryKey& s, const snp::DerivedKeyProvider& p) {
    auto r = UnsealRecoveryKey(p, s);
    ASSERT_FALSE(r);
    errors.push_back(r.error());
  };
  auto tampered = *sealed_a_;
  (*tampered.mutable_sealed_private_key()->mutable_ciphertext())[10] ^= 1;
  collect(tampered, *provider_);
  tampered = *sealed_a_;
  (*tampered.mutable_key_id())[0] ^= 1;
  collect(tampered, *provider_);
  collect(*sealed_a_, *MakeProvider("m2"));
  for (const SealingError& e : errors) {
    const std::string text = e.ToString();
    EXPECT_EQ(text.find(key_hex.substr(0, 16)), std::string::npos) << text;
    EXPECT_EQ(text.find(key_raw.substr(0, 8)), std::string::npos) << text;
    EXPECT_EQ(text.find(ToHex(secret_window)), std::string::npos) << text;
    EXPECT_EQ(text.find(kv::AsString(secret_window)), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace ledgerseal::sealing

namespace ledgerseal::sealing {
namespace {

// Why stored parameters must bind the code: on one chip, a derived key that
// selects no code field is the same for every guest, so a guest the host
// launches could seal a recovery key this node would then derive and trust.
// Unsealing refuses such parameters before deriving anything.
TEST(WeakPolicyTest, AKeyNotBoundToTheCodeIsSharedByEveryGuestOnTheChipSoItIsRefused) {
  std::array<uint8_t, snp::VirtualProvider::kMachineSecretSize> machine_secret{};
  machine_secret.fill(0x42);
  snp::VirtualLaunch genuine_launch, host_launch;
  genuine_launch.measurement.fill(0x11);
  host_launch.measurement.fill(0x22);  // another image, same chip
  genuine_launch.committed_tcb = host_launch.committed_tcb = 7;
  auto genuine = snp::VirtualProvider::FromSecret(machine_secret, genuine_launch);
  auto host = snp::VirtualProvider::FromSecret(machine_secret, host_launch);
  ASSERT_TRUE(genuine && host);

  snp::DerivedKeyRequest weak;
  weak.guest_field_select = snp::kFieldTcbVersion;
  weak.tcb_version = 7;
  auto weak_genuine = (*genuine)->GetDerivedKey(weak);
  auto weak_host = (*host)->GetDerivedKey(weak);
  ASSERT_TRUE(weak_genuine && weak_host);
  EXPECT_EQ(ToHex(weak_genuine->bytes()), ToHex(weak_host->bytes())) << "the danger: one key for every guest on the chip";
  snp::DerivedKeyRequest strong = weak;
  strong.guest_field_select |= snp::kFieldMeasurement;
  EXPECT_NE(ToHex((*genuine)->GetDerivedKey(strong)->bytes()), ToHex((*host)->GetDerivedKey(strong)->bytes()));

  auto random = testing::MakeRandom("weak policy test");
  auto sealed = SealRecoveryKey(**genuine, *random, strong, "node-a", "n-a", Service());
  ASSERT_TRUE(sealed) << sealed.error().ToString();
  ASSERT_TRUE(UnsealRecoveryKey(**genuine, *sealed));
  for (uint64_t bits : {uint64_t{0}, uint64_t{snp::kFieldTcbVersion},
                        uint64_t{snp::kFieldGuestSvn | snp::kFieldTcbVersion}}) {
    auto weakened = *sealed;
    weakened.mutable_derivation()->set_guest_field_select(bits);
    auto refused = UnsealRecoveryKey(**genuine, weakened);
    ASSERT_FALSE(refused) << bits;
    EXPECT_EQ(refused.error().code, SealingErrorCode::kWeakPolicy) << refused.error().ToString();
    EXPECT_NE(refused.error().message.find("do not bind the key to the code"), std::string::npos);
  }
  // Sealing never writes such parameters either.
  auto refused_seal = SealRecoveryKey(**genuine, *random, weak, "node-a", "n-a", Service());
  ASSERT_FALSE(refused_seal);
  EXPECT_NE(refused_seal.error().message.find("bind"), std::string::npos) << refused_seal.error().ToString();
}

}  // namespace
}  // namespace ledgerseal::sealing
