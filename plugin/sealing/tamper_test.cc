// The tamper matrix, recovery-key half: every byte of every field of a
// SealedRecoveryKey (the service binding of format 2 included), and every
// byte of its serialised form, is altered in turn. Each alteration must
// produce the expected typed error — never a crash, never a success. The
// sealing.shares half (body, envelope, signature, signer) is
// tamper_envelope_test.cc.
#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <map>
#include <string>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/rsa_key.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "base/testing/hex.h"
#include "plugin/testing/sealed_nodes.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"
#include "snp/public/policy.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeLedgerSecret;
using testing::SealedNode;
using testing::ToHex;

constexpr uint64_t kVersion = 7;

// One node with a default-size (3072-bit) recovery key bound to service
// key 1 (TEST KEY), and a signed record sealing a ledger secret for it;
// built once.
class TamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nodes_ = new std::vector<SealedNode>(testing::MakeSealedNodes(2));
    auto random = testing::MakeRandom("tamper");
    auto shares = SealShares(*random, testing::TestServiceKey(1), kVersion, MakeLedgerSecret(5),
                             testing::RecipientsOf(*nodes_, 1));
    ASSERT_TRUE(shares) << shares.error().ToString();
    shares_ = new v1::SealedShares();
    ASSERT_TRUE(shares_->ParseFromString(shares->body()));
  }
  static void TearDownTestSuite() {
    delete nodes_;
    delete shares_;
  }

  static const SealedNode& node0() { return (*nodes_)[0]; }
  static const v1::SealedRecoveryKey& recovery_key() { return node0().recovery_key; }

  // `shares` signed by the genuine key 1 must fail with `code` (so the
  // defect itself is caught, not the signature), and the message must not
  // carry the ledger secret (raw or hex).
  static void ExpectSharesError(const v1::SealedShares& shares, SealingErrorCode code,
                                const std::string& where) {
    auto envelope = SignSealedShares(testing::TestServiceKey(1), shares);
    ASSERT_TRUE(envelope) << envelope.error().ToString();
    auto result = UnsealShares(*node0().provider, *SerializeRecord(*envelope), "node-0", 7, "");
    ASSERT_FALSE(result) << where << ": unsealed despite tampering";
    EXPECT_EQ(result.error().code, code) << where << ": " << result.error().ToString();
    ExpectNoSecretIn(result.error(), where);
  }

  static void ExpectRecoveryKeyError(const v1::SealedRecoveryKey& sealed, SealingErrorCode code,
                                     const std::string& where) {
    auto result = UnsealRecoveryKey(*node0().provider, sealed);
    ASSERT_FALSE(result) << where << ": unsealed despite tampering";
    EXPECT_EQ(result.error().code, code) << where << ": " << result.error().ToString();
  }

  static void ExpectNoSecretIn(const SealingError& error, const std::string& where) {
    const auto secret = MakeLedgerSecret(5);
    const std::string text = error.ToString();
    EXPECT_EQ(text.find(ToHex(secret.bytes().first(8))), std::string::npos) << where;
    EXPECT_EQ(text.find(kv::AsString(secret.bytes().first(8))), std::string::npos) << where;
  }

  // Calls `check(i)` after XOR-ing byte i of *field with `mask`, for every i.
  static void ForEachByte(std::string* field, uint8_t mask,
                          const std::function<void(size_t)>& check) {
    ASSERT_FALSE(field->empty());
    for (size_t i = 0; i < field->size(); ++i) {
      (*field)[i] = static_cast<char>((*field)[i] ^ mask);
      check(i);
      (*field)[i] = static_cast<char>((*field)[i] ^ mask);
    }
  }

  static std::vector<SealedNode>* nodes_;
  static v1::SealedShares* shares_;
};
std::vector<SealedNode>* TamperTest::nodes_ = nullptr;
v1::SealedShares* TamperTest::shares_ = nullptr;

TEST_F(TamperTest, UntouchedRecordsUnseal) {
  auto envelope = SignSealedShares(testing::TestServiceKey(1), *shares_);
  ASSERT_TRUE(envelope);
  auto secret = UnsealShares(*node0().provider, *SerializeRecord(*envelope), "node-0", 7, "");
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_TRUE(secret->secret == MakeLedgerSecret(5));
  EXPECT_TRUE(UnsealRecoveryKey(*node0().provider, recovery_key()));
}

// --- SealedRecoveryKey fields, unsealed directly and through the copy in a share

TEST_F(TamperTest, SealedPrivateKeyIvCiphertextTag) {
  auto sealed = recovery_key();
  auto* blob = sealed.mutable_sealed_private_key();
  ASSERT_GT(blob->ciphertext().size(), 100u);  // a P-256 PKCS#8 key (138 bytes)
  for (auto [name, field] :
       {std::pair{"iv", blob->mutable_iv()}, std::pair{"ciphertext", blob->mutable_ciphertext()},
        std::pair{"tag", blob->mutable_tag()}}) {
    for (uint8_t mask : {0x01, 0xff}) {
      ForEachByte(field, mask, [&, name = name](size_t i) {
        ExpectRecoveryKeyError(
            sealed, SealingErrorCode::kTampered,
            std::string("sealed private key ") + name + " byte " + std::to_string(i));
      });
    }
  }
}

TEST_F(TamperTest, SealedPrivateKeyInsideSharesRecord) {
  auto shares = *shares_;
  auto* blob = shares.mutable_shares(0)->mutable_recovery_key()->mutable_sealed_private_key();
  for (auto [name, field] :
       {std::pair{"iv", blob->mutable_iv()}, std::pair{"ciphertext", blob->mutable_ciphertext()},
        std::pair{"tag", blob->mutable_tag()}}) {
    ForEachByte(field, 0xff, [&, name = name](size_t i) {
      ExpectSharesError(
          shares, SealingErrorCode::kTampered,
          std::string("copied sealed private key ") + name + " byte " + std::to_string(i));
    });
  }
}

TEST_F(TamperTest, PublicKeyDer) {
  auto sealed = recovery_key();
  ForEachByte(sealed.mutable_public_key_der(), 0x01, [&](size_t i) {
    ExpectRecoveryKeyError(sealed, SealingErrorCode::kTampered,
                           "public key byte " + std::to_string(i));
  });
}

TEST_F(TamperTest, KeyIdMeansAnotherPlatform) {
  auto sealed = recovery_key();
  ForEachByte(sealed.mutable_key_id(), 0x01, [&](size_t i) {
    ExpectRecoveryKeyError(sealed, SealingErrorCode::kPlatformMismatch,
                           "key id byte " + std::to_string(i));
  });
}

TEST_F(TamperTest, IdentityAndNodeIdAreBound) {
  auto sealed = recovery_key();
  ForEachByte(sealed.mutable_sealing_identity(), 0x01, [&](size_t i) {
    ExpectRecoveryKeyError(sealed, SealingErrorCode::kTampered,
                           "identity byte " + std::to_string(i));
  });
  ForEachByte(sealed.mutable_node_id(), 0x01, [&](size_t i) {
    ExpectRecoveryKeyError(sealed, SealingErrorCode::kTampered,
                           "node id byte " + std::to_string(i));
  });
}

TEST_F(TamperTest, DerivationParams) {
  const auto& original = recovery_key().derivation();
  auto sealed = recovery_key();
  auto* params = sealed.mutable_derivation();
  ForEachByte(params->mutable_platform(), 0x01, [&](size_t i) {
    ExpectRecoveryKeyError(sealed, SealingErrorCode::kPlatformMismatch,
                           "platform byte " + std::to_string(i));
  });
  for (uint32_t v : {0u, 2u, 0xffffffffu}) {
    params->set_derivation_version(v);
    ExpectRecoveryKeyError(sealed, SealingErrorCode::kUnknownDerivationVersion, "version");
  }
  params->set_derivation_version(original.derivation_version());

  params->set_root_key_select(1);
  ExpectRecoveryKeyError(sealed, SealingErrorCode::kPlatformMismatch, "root key 1");
  params->set_root_key_select(6);  // KEY_SEL 3 is reserved (2 and 4 name the VCEK and the VLEK)
  ExpectRecoveryKeyError(sealed, SealingErrorCode::kMalformed, "root key 6");
  params->set_root_key_select(original.root_key_select());

  for (int bit = 0; bit < 64; ++bit) {
    const uint64_t flipped = original.guest_field_select() ^ (uint64_t{1} << bit);
    params->set_guest_field_select(flipped);
    // Clearing the only code-binding bit weakens the policy below what
    // sealing allows: refused before any key is derived.
    const SealingErrorCode expected = bit >= 6                    ? SealingErrorCode::kMalformed
                                      : !snp::BindsCode(flipped) ? SealingErrorCode::kWeakPolicy
                                                                 : SealingErrorCode::kPlatformMismatch;
    ExpectRecoveryKeyError(sealed, expected, "field select bit " + std::to_string(bit));
  }
  params->set_guest_field_select(original.guest_field_select());

  for (uint32_t vmpl : {1u, 2u, 3u, 4u, 0xffffffffu}) {
    params->set_vmpl(vmpl);
    ExpectRecoveryKeyError(
        sealed, vmpl <= 3 ? SealingErrorCode::kPlatformMismatch : SealingErrorCode::kMalformed,
        "vmpl " + std::to_string(vmpl));
  }
  params->set_vmpl(original.vmpl());

  params->set_guest_svn(original.guest_svn() + 1);
  ExpectRecoveryKeyError(sealed, SealingErrorCode::kPlatformMismatch, "guest svn");
  params->set_guest_svn(original.guest_svn());

  // A TCB above the committed one is refused by the platform; below, it
  // derives another key.
  for (int bit = 0; bit < 64; ++bit) {
    const uint64_t tcb = original.tcb_version() ^ (uint64_t{1} << bit);
    params->set_tcb_version(tcb);
    ExpectRecoveryKeyError(sealed,
                           tcb > testing::kTestCommittedTcb ? SealingErrorCode::kPlatformError
                                                            : SealingErrorCode::kPlatformMismatch,
                           "tcb bit " + std::to_string(bit));
  }
}

// --- The service binding (format 2) --------------------------------------------

// Every byte of the bound SPKI: a flip either makes it no P-256 key
// (malformed, before the platform is asked) or another key, which the AAD
// catches (tampered). Directly, and through the copy in a signed record.
TEST_F(TamperTest, ServiceBindingEveryByte) {
  auto sealed = recovery_key();
  auto shares = *shares_;
  auto* copy = shares.mutable_shares(0)->mutable_recovery_key();
  std::map<std::string, int> outcomes;
  ForEachByte(sealed.mutable_service_identity_public_key_der(), 0x01, [&](size_t i) {
    auto result = UnsealRecoveryKey(*node0().provider, sealed);
    ASSERT_FALSE(result) << "binding byte " << i << " still unseals";
    const auto code = result.error().code;
    EXPECT_TRUE(code == SealingErrorCode::kMalformed || code == SealingErrorCode::kTampered)
        << i << ": " << result.error().ToString();
    ++outcomes[std::string(SealingErrorCodeName(code))];
    *copy = sealed;
    ExpectSharesError(shares, code, "copied binding byte " + std::to_string(i));
  });
  for (const auto& [code, count] : outcomes) std::cout << "  " << code << ": " << count << "\n";
  EXPECT_GT(outcomes["malformed"], 0);
}

TEST_F(TamperTest, ServiceBindingAlgorithmAndKey) {
  auto sealed = recovery_key();
  for (uint32_t algorithm : {0u, 1u, 3u, 0xffffffffu}) {
    sealed.set_service_identity_algorithm(algorithm);
    ExpectRecoveryKeyError(sealed, SealingErrorCode::kMalformed, "algorithm " + std::to_string(algorithm));
  }
  sealed = recovery_key();
  // Another valid identity: only the tag can tell.
  sealed.set_service_identity_public_key_der(std::string(kv::AsString(testing::TestServiceIdentity(2).public_key_der)));
  ExpectRecoveryKeyError(sealed, SealingErrorCode::kTampered, "another service's key");
}

// --- Serialised records ----------------------------------------------------------

// Whatever a flipped byte does to the wire format — a different field, a
// different length, invalid UTF-8 — the outcome is a typed error.
TEST_F(TamperTest, SerialisedRecoveryKeyEveryByte) {
  google::protobuf::LogSilencer silence_utf8_warnings;
  auto bytes = SerializeRecord(recovery_key());
  ASSERT_TRUE(bytes);
  std::map<std::string, int> outcomes;
  for (size_t i = 0; i < bytes->size(); ++i) {
    for (uint8_t mask : {0x01, 0xff}) {
      auto tampered = *bytes;
      tampered[i] ^= mask;
      auto parsed = ParseSealedRecoveryKey(tampered);
      SealingResult<UnsealedRecoveryKey> key =
          parsed ? UnsealRecoveryKey(*node0().provider, *parsed) : std::unexpected(parsed.error());
      ASSERT_FALSE(key) << "byte " << i << " ^ " << int(mask) << " still unseals";
      ++outcomes[std::string(SealingErrorCodeName(key.error().code))];
    }
  }
  for (const auto& [code, count] : outcomes) std::cout << "  " << code << ": " << count << "\n";
  EXPECT_GT(outcomes["tampered"], 0);
  EXPECT_GT(outcomes["malformed"], 0);
}

}  // namespace
}  // namespace ledgerseal::sealing
