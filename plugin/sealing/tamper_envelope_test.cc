// The tamper matrix, sealing.shares half: every byte of every field of the
// signed body, of the envelope (signature, signer key, body bytes) and of
// the serialised value is altered in turn. Each alteration must produce the
// expected typed error — never a crash, never a success, never a wrong
// plaintext — and no error message may carry the ledger secret. Body fields
// are checked twice: re-signed by the genuine key (so the defect itself is
// caught) and as they are (so the signature catches it).
#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "base/testing/hex.h"
#include "crypto/public/rsa_key.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_format.h"
#include "plugin/testing/sealed_nodes.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeLedgerSecret;
using testing::SealedNode;
using testing::TestServiceKey;
using testing::ToHex;
using Codes = std::set<SealingErrorCode>;

constexpr uint64_t kVersion = 7;

class TamperEnvelopeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nodes_ = new std::vector<SealedNode>(testing::MakeSealedNodes(1));
    auto random = testing::MakeRandom("tamper envelope");
    auto envelope = SealShares(*random, TestServiceKey(1), kVersion, MakeLedgerSecret(5),
                               testing::RecipientsOf(*nodes_, 1));
    ASSERT_TRUE(envelope) << envelope.error().ToString();
    envelope_ = new v1::SignedSealedShares(std::move(*envelope));
    body_ = new v1::SealedShares();
    ASSERT_TRUE(body_->ParseFromString(envelope_->body()));
  }
  static void TearDownTestSuite() {
    delete nodes_;
    delete envelope_;
    delete body_;
  }

  static SealingResult<UnsealedLedgerSecret> Unseal(std::span<const uint8_t> value) {
    return UnsealShares(*(*nodes_)[0].provider, value, "node-0", 11, "");
  }

  // The value must fail with one of `codes`; returns the code.
  static SealingErrorCode ExpectValueError(std::span<const uint8_t> value, const Codes& codes,
                                           const std::string& where) {
    auto result = Unseal(value);
    EXPECT_FALSE(result) << where << ": unsealed despite tampering";
    if (result) return SealingErrorCode::kInvalidArgument;
    EXPECT_TRUE(codes.contains(result.error().code)) << where << ": " << result.error().ToString();
    ExpectNoSecretIn(result.error(), where);
    return result.error().code;
  }
  static void ExpectError(const v1::SignedSealedShares& envelope, SealingErrorCode code,
                          const std::string& where) {
    ExpectValueError(*SerializeRecord(envelope), {code}, where);
  }

  // `body` with its defect: re-signed by the genuine key it fails with
  // `resigned`; under the original signature, with kBadSignature unless
  // `resigned` comes first in the order of checks (rows 5-8).
  static void ExpectBodyError(const v1::SealedShares& body, SealingErrorCode resigned,
                              const std::string& where, bool before_signature = false) {
    auto signed_again = SignSealedShares(TestServiceKey(1), body);
    ASSERT_TRUE(signed_again);
    ExpectError(*signed_again, resigned, where + " (re-signed)");
    auto as_is = *envelope_;
    as_is.set_body(body.SerializeAsString());
    ExpectError(as_is, before_signature ? resigned : SealingErrorCode::kBadSignature, where);
  }

  static void ExpectNoSecretIn(const SealingError& error, const std::string& where) {
    const auto secret = MakeLedgerSecret(5);
    const std::string text = error.ToString();
    EXPECT_EQ(text.find(ToHex(secret.bytes().first(8))), std::string::npos) << where;
    EXPECT_EQ(text.find(kv::AsString(secret.bytes().first(8))), std::string::npos) << where;
  }

  // Calls `check(i)` after XOR-ing byte i of *field with `mask`, for every i.
  static void ForEachByte(std::string* field, uint8_t mask, const std::function<void(size_t)>& check) {
    ASSERT_FALSE(field->empty());
    for (size_t i = 0; i < field->size(); ++i) {
      (*field)[i] = static_cast<char>((*field)[i] ^ mask);
      check(i);
      (*field)[i] = static_cast<char>((*field)[i] ^ mask);
    }
  }

  static void Print(const std::map<std::string, int>& outcomes) {
    for (const auto& [code, count] : outcomes) std::cout << "  " << code << ": " << count << "\n";
  }

  static std::vector<SealedNode>* nodes_;
  static v1::SignedSealedShares* envelope_;
  static v1::SealedShares* body_;
};
std::vector<SealedNode>* TamperEnvelopeTest::nodes_ = nullptr;
v1::SignedSealedShares* TamperEnvelopeTest::envelope_ = nullptr;
v1::SealedShares* TamperEnvelopeTest::body_ = nullptr;

TEST_F(TamperEnvelopeTest, UntouchedRecordUnseals) {
  auto secret = Unseal(*SerializeRecord(*envelope_));
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_TRUE(secret->secret == MakeLedgerSecret(5));
}

// --- the body's fields ------------------------------------------------------------

TEST_F(TamperEnvelopeTest, WrappedLedgerSecretIvCiphertextTag) {
  auto body = *body_;
  auto* blob = body.mutable_wrapped_ledger_secret();
  for (auto [name, field] : {std::pair{"iv", blob->mutable_iv()}, std::pair{"ciphertext", blob->mutable_ciphertext()},
                             std::pair{"tag", blob->mutable_tag()}}) {
    ForEachByte(field, 0x01, [&, name = name](size_t i) {
      ExpectBodyError(body, SealingErrorCode::kTampered,
                      std::string("wrapped ledger secret ") + name + " byte " + std::to_string(i));
    });
  }
}

TEST_F(TamperEnvelopeTest, EncryptedWrappingKeyEveryByte) {
  auto body = *body_;
  auto* field = body.mutable_shares(0)->mutable_encrypted_wrapping_key();
  ASSERT_EQ(field->size(), sealing::kEncryptedWrappingKeyBytes);
  ForEachByte(field, 0x01, [&](size_t i) {
    ExpectBodyError(body, SealingErrorCode::kTampered, "encrypted wrapping key byte " + std::to_string(i));
  });
}

TEST_F(TamperEnvelopeTest, ShareIdentityNodeIdServiceAndVersion) {
  auto body = *body_;
  auto* share = body.mutable_shares(0);
  ForEachByte(share->mutable_sealing_identity(), 0x01, [&](size_t i) {
    ExpectBodyError(body, SealingErrorCode::kIdentityNotFound, "share identity byte " + std::to_string(i),
                    /*before_signature=*/true);
  });
  ForEachByte(share->mutable_node_id(), 0x01, [&](size_t i) {
    ExpectBodyError(body, SealingErrorCode::kTampered, "share node id byte " + std::to_string(i),
                    /*before_signature=*/true);
  });
  // The service id is the signer's: another one is another service (row 7).
  ForEachByte(body.mutable_service_id(), 0x01, [&](size_t i) {
    ExpectBodyError(body, SealingErrorCode::kOtherService, "service id byte " + std::to_string(i),
                    /*before_signature=*/true);
  });
  for (int bit = 0; bit < 64; ++bit) {
    body.set_ledger_secret_version(kVersion ^ (uint64_t{1} << bit));
    ExpectBodyError(body, SealingErrorCode::kTampered, "version bit " + std::to_string(bit));
  }
}

// --- the envelope's fields ------------------------------------------------------------

TEST_F(TamperEnvelopeTest, SignatureEveryByte) {
  auto envelope = *envelope_;
  for (uint8_t mask : {0x01, 0x80}) {
    ForEachByte(envelope.mutable_signature(), mask, [&](size_t i) {
      ExpectError(envelope, SealingErrorCode::kBadSignature, "signature byte " + std::to_string(i));
    });
  }
  envelope.mutable_signature()->pop_back();
  ExpectError(envelope, SealingErrorCode::kBadSignature, "truncated signature");
  envelope.set_signature(envelope_->signature() + "x");
  ExpectError(envelope, SealingErrorCode::kBadSignature, "trailing byte");
}

// A flipped signer key is no P-256 key (malformed) or, should the flip land
// on another valid key, not the trusted one (other_service).
TEST_F(TamperEnvelopeTest, SignerKeyEveryByte) {
  auto envelope = *envelope_;
  std::map<std::string, int> outcomes;
  ForEachByte(envelope.mutable_signer_public_key_der(), 0x01, [&](size_t i) {
    const auto code = ExpectValueError(*SerializeRecord(envelope),
                                       {SealingErrorCode::kMalformed, SealingErrorCode::kOtherService},
                                       "signer key byte " + std::to_string(i));
    ++outcomes[std::string(SealingErrorCodeName(code))];
  });
  Print(outcomes);
  EXPECT_GT(outcomes["malformed"], 0);
  envelope = *envelope_;
  envelope.set_signer_public_key_der(std::string(kv::AsString(testing::TestServiceIdentity(2).public_key_der)));
  ExpectError(envelope, SealingErrorCode::kOtherService, "another valid signer");
}

TEST_F(TamperEnvelopeTest, FormatVersionAndAlgorithm) {
  for (uint32_t version : {0u, 1u, 2u, 4u, 0xffffffffu}) {
    auto envelope = *envelope_;
    envelope.set_format_version(version);
    ExpectError(envelope, version == 1 ? SealingErrorCode::kUnsigned : SealingErrorCode::kUnknownFormatVersion,
                "format " + std::to_string(version));
  }
  for (uint32_t algorithm : {0u, 1u, 3u, 0xffffffffu}) {
    auto envelope = *envelope_;
    envelope.set_signature_algorithm(algorithm);
    ExpectError(envelope, SealingErrorCode::kMalformed, "algorithm " + std::to_string(algorithm));
  }
}

// The signed body bytes themselves, never re-signed: whatever a flip does to
// the encoding, the record is refused, and a flip that still parses into a
// consistent record is caught by the signature.
TEST_F(TamperEnvelopeTest, BodyBytesEveryByte) {
  google::protobuf::LogSilencer silence_utf8_warnings;
  auto envelope = *envelope_;
  std::map<std::string, int> outcomes;
  ForEachByte(envelope.mutable_body(), 0xff, [&](size_t i) {
    auto result = Unseal(*SerializeRecord(envelope));
    ASSERT_FALSE(result) << "body byte " << i << " still unseals";
    ExpectNoSecretIn(result.error(), "body byte " + std::to_string(i));
    ++outcomes[std::string(SealingErrorCodeName(result.error().code))];
  });
  Print(outcomes);
  EXPECT_GT(outcomes["bad_signature"], 0);
  EXPECT_GT(outcomes["malformed"], 0);
}

// --- the serialised value -------------------------------------------------------

TEST_F(TamperEnvelopeTest, SerialisedValueEveryByte) {
  google::protobuf::LogSilencer silence_utf8_warnings;
  auto bytes = SerializeRecord(*envelope_);
  ASSERT_TRUE(bytes);
  std::map<std::string, int> outcomes;
  for (size_t i = 0; i < bytes->size(); ++i) {
    auto tampered = *bytes;
    tampered[i] ^= 0xff;
    auto secret = Unseal(tampered);
    ASSERT_FALSE(secret) << "byte " << i << " still unseals";
    ExpectNoSecretIn(secret.error(), "serialised byte " + std::to_string(i));
    ++outcomes[std::string(SealingErrorCodeName(secret.error().code))];
  }
  Print(outcomes);
  EXPECT_GT(outcomes["bad_signature"], 0);
  EXPECT_GT(outcomes["malformed"], 0);
}

TEST_F(TamperEnvelopeTest, TruncatedValuesNeverUnseal) {
  google::protobuf::LogSilencer silence;
  auto bytes = SerializeRecord(*envelope_);
  ASSERT_TRUE(bytes);
  for (size_t length = 0; length < bytes->size(); ++length) {
    auto secret = Unseal(std::span<const uint8_t>(bytes->data(), length));
    ASSERT_FALSE(secret) << "prefix of " << length << " bytes unseals";
  }
}

}  // namespace
}  // namespace ledgerseal::sealing
