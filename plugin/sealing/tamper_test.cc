// The tamper matrix: every byte of every sealed field, and every byte of the
// serialised records, is altered in turn. Each alteration must produce the
// expected typed error — never a crash, never a success, never a wrong
// plaintext — and no error message may carry the ledger secret.
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
#include "snp/public/policy.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeLedgerSecret;
using testing::SealedNode;
using testing::ToHex;

constexpr char kService[] = "service-1";
constexpr uint64_t kVersion = 7;

// One node with a default-size (3072-bit) recovery key, and a record sealing
// a ledger secret for it; built once.
class TamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nodes_ = new std::vector<SealedNode>(testing::MakeSealedNodes(2, crypto::kDefaultRsaBits));
    auto random = testing::MakeRandom("tamper");
    auto shares = SealShares(*random, kService, kVersion, MakeLedgerSecret(5),
                             testing::RecipientsOf(*nodes_, 1));
    ASSERT_TRUE(shares) << shares.error().ToString();
    shares_ = new v1::SealedShares(std::move(*shares));
  }
  static void TearDownTestSuite() {
    delete nodes_;
    delete shares_;
  }

  static const SealedNode& node0() { return (*nodes_)[0]; }
  static const v1::SealedRecoveryKey& recovery_key() { return node0().recovery_key; }

  // The record must fail with `code`, and the message must not carry the
  // ledger secret (raw or hex).
  static void ExpectSharesError(const v1::SealedShares& shares, SealingErrorCode code,
                                const std::string& where,
                                std::optional<std::string_view> service = std::nullopt,
                                std::optional<uint64_t> version = std::nullopt) {
    auto result = UnsealShares(*node0().provider, shares, "node-0", service, version);
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
  auto secret = UnsealShares(*node0().provider, *shares_, "node-0", kService, kVersion);
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_TRUE(secret->secret == MakeLedgerSecret(5));
  EXPECT_TRUE(UnsealRecoveryKey(*node0().provider, recovery_key()));
}

// --- SealedRecoveryKey fields, unsealed directly and through the copy in a share

TEST_F(TamperTest, SealedPrivateKeyIvCiphertextTag) {
  auto sealed = recovery_key();
  auto* blob = sealed.mutable_sealed_private_key();
  ASSERT_GT(blob->ciphertext().size(), 1500u);  // a 3072-bit PKCS#8 key
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

// --- SealedShares fields -------------------------------------------------------

TEST_F(TamperTest, WrappedLedgerSecretIvCiphertextTag) {
  auto shares = *shares_;
  auto* blob = shares.mutable_wrapped_ledger_secret();
  for (auto [name, field] :
       {std::pair{"iv", blob->mutable_iv()}, std::pair{"ciphertext", blob->mutable_ciphertext()},
        std::pair{"tag", blob->mutable_tag()}}) {
    ForEachByte(field, 0x01, [&, name = name](size_t i) {
      ExpectSharesError(
          shares, SealingErrorCode::kTampered,
          std::string("wrapped ledger secret ") + name + " byte " + std::to_string(i));
    });
  }
}

TEST_F(TamperTest, EncryptedWrappingKeyEveryByte) {
  auto shares = *shares_;
  auto* field = shares.mutable_shares(0)->mutable_encrypted_wrapping_key();
  ASSERT_EQ(field->size(), 384u);
  ForEachByte(field, 0x01, [&](size_t i) {
    ExpectSharesError(shares, SealingErrorCode::kTampered,
                      "encrypted wrapping key byte " + std::to_string(i));
  });
}

TEST_F(TamperTest, ShareIdentityNodeIdServiceAndVersion) {
  auto shares = *shares_;
  auto* share = shares.mutable_shares(0);
  ForEachByte(share->mutable_sealing_identity(), 0x01, [&](size_t i) {
    ExpectSharesError(shares, SealingErrorCode::kIdentityNotFound,
                      "share identity byte " + std::to_string(i));
  });
  ForEachByte(share->mutable_node_id(), 0x01, [&](size_t i) {
    ExpectSharesError(shares, SealingErrorCode::kTampered,
                      "share node id byte " + std::to_string(i));
  });
  ForEachByte(shares.mutable_service_id(), 0x01, [&](size_t i) {
    const std::string where = "service id byte " + std::to_string(i);
    ExpectSharesError(shares, SealingErrorCode::kTampered, where);
    ExpectSharesError(shares, SealingErrorCode::kWrongService, where + " (expected)", kService);
  });
  for (int bit = 0; bit < 64; ++bit) {
    shares.set_ledger_secret_version(kVersion ^ (uint64_t{1} << bit));
    const std::string where = "version bit " + std::to_string(bit);
    ExpectSharesError(shares, SealingErrorCode::kTampered, where);
    ExpectSharesError(shares, SealingErrorCode::kWrongSecretVersion, where + " (expected)",
                      std::nullopt, kVersion);
  }
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
      SealingResult<crypto::RsaPrivateKey> key =
          parsed ? UnsealRecoveryKey(*node0().provider, *parsed) : std::unexpected(parsed.error());
      ASSERT_FALSE(key) << "byte " << i << " ^ " << int(mask) << " still unseals";
      ++outcomes[std::string(SealingErrorCodeName(key.error().code))];
    }
  }
  for (const auto& [code, count] : outcomes) std::cout << "  " << code << ": " << count << "\n";
  EXPECT_GT(outcomes["tampered"], 0);
  EXPECT_GT(outcomes["malformed"], 0);
}

TEST_F(TamperTest, SerialisedSharesEveryByte) {
  google::protobuf::LogSilencer silence_utf8_warnings;
  auto bytes = SerializeRecord(*shares_);
  ASSERT_TRUE(bytes);
  std::map<std::string, int> outcomes;
  for (size_t i = 0; i < bytes->size(); ++i) {
    auto tampered = *bytes;
    tampered[i] ^= 0xff;
    auto parsed = ParseSealedShares(tampered);
    SealingResult<UnsealedLedgerSecret> secret =
        parsed ? UnsealShares(*node0().provider, *parsed, "node-0", std::nullopt, std::nullopt)
               : std::unexpected(parsed.error());
    ASSERT_FALSE(secret) << "byte " << i << " still unseals";
    ExpectNoSecretIn(secret.error(), "serialised byte " + std::to_string(i));
    ++outcomes[std::string(SealingErrorCodeName(secret.error().code))];
  }
  for (const auto& [code, count] : outcomes) std::cout << "  " << code << ": " << count << "\n";
  EXPECT_GT(outcomes["tampered"], 0);
  EXPECT_GT(outcomes["malformed"], 0);
}

TEST_F(TamperTest, TruncatedSerialisedRecordsNeverUnseal) {
  google::protobuf::LogSilencer silence;
  auto bytes = SerializeRecord(*shares_);
  ASSERT_TRUE(bytes);
  for (size_t length = 0; length < bytes->size(); ++length) {
    std::span<const uint8_t> prefix(bytes->data(), length);
    auto parsed = ParseSealedShares(prefix);
    if (!parsed) continue;
    auto secret = UnsealShares(*node0().provider, *parsed, "node-0", std::nullopt, std::nullopt);
    ASSERT_FALSE(secret) << "prefix of " << length << " bytes unseals";
  }
}

}  // namespace
}  // namespace ledgerseal::sealing
