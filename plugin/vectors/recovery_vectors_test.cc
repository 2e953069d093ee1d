// The recovery-shares conformance vectors (testdata/vectors/
// recovery_shares_v1.json), checked two ways:
//  - production: RecoverFromMemberShares over the record and the submitted
//    share files gives the documented outcome, and DecryptMemberShare gives
//    every member the documented share;
//  - independent: from the documented fields alone, following
//    docs/RECOVERY_SHARES.md — the signed message (this package's encoder),
//    the ECDSA signature, each member's ECIES info and decryption, each
//    commitment, libgfshare's own combine (not crypto/shamir.h), and the
//    AES-GCM unwrap under the documented AAD.
#include <gtest/gtest.h>
extern "C" {
#include <libgfshare.h>  // a C header without extern "C" of its own
}

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "base/testing/hex.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/public/ecies.h"
#include "crypto/public/pem.h"
#include "crypto/public/sha256.h"
#include "crypto/public/signature.h"
#include "plugin/public/recovery_shares.h"
#include "plugin/vectors/recovery_layout.h"

namespace ledgerseal::vectors {
namespace {

namespace layout = recovery_layout;
namespace rs = ::ledgerseal::recovery;
using Json = nlohmann::json;
using ::ledgerseal::testing::FromHex;
using ::ledgerseal::testing::ToHex;

Json LoadVectors() {
  std::ifstream in("testdata/vectors/recovery_shares_v1.json");
  EXPECT_TRUE(in) << "cannot read testdata/vectors/recovery_shares_v1.json";
  return Json::parse(in);
}

const Json& Cases() {
  static const Json file = LoadVectors();
  return file.at("cases");
}

const Json& MemberOf(const Json& c, const std::string& name) {
  for (const auto& m : c.at("members")) {
    if (m.at("name") == name) return m;
  }
  ADD_FAILURE() << "no member " << name;
  static const Json none;
  return none;
}

crypto::EcdhPrivateKey KeyOf(const Json& member) {
  auto der = crypto::PemToDer(crypto::kPrivateKeyPemLabel, member.at("private_key_pem").get<std::string>());
  EXPECT_TRUE(der);
  auto key = crypto::EcdhPrivateKey::FromPkcs8Der(*der);
  EXPECT_TRUE(key);
  return std::move(*key);
}

std::string ProductionOutcome(const Json& c, std::vector<std::string>& rejected, std::string& secret_hex) {
  std::vector<rs::MemberShareFile> shares;
  for (const auto& s : c.value("submitted", Json::array())) {
    rs::MemberShareFile f;
    f.service_id = c.at("service_id");
    f.ledger_secret_version = c.at("ledger_secret_version");
    f.member_name = s.at("member");
    f.x = MemberOf(c, f.member_name).at("x");
    f.y = kv::SecretBytes(FromHex(s.at("share_hex").get<std::string>()));
    shares.push_back(std::move(f));
  }
  auto r = rs::RecoverFromMemberShares(FromHex(c.at("record_hex").get<std::string>()), shares,
                                       c.at("expected_service_id").get<std::string>());
  if (!r) {
    for (const auto& s : c.value("submitted", Json::array())) {
      if (r.error().message.find(s.at("member").get<std::string>() + ":") != std::string::npos) {
        rejected.push_back(s.at("member"));
      }
    }
    return std::string(sealing::SealingErrorCodeName(r.error().code));
  }
  for (const auto& line : r->rejected) rejected.push_back(line.substr(0, line.find(':')));  // "member: why"
  secret_hex = ToHex(r->secret.bytes());
  return "success";
}

TEST(RecoveryVectors, FileHasTheDocumentedCases) {
  std::set<std::string> ids;
  for (const auto& c : Cases()) ids.insert(c.at("id"));
  EXPECT_EQ(ids, (std::set<std::string>{"2-of-3", "corrupted-share", "3-of-5", "other-service", "stripped-signature",
                                        "signature-over-other-record"}));
}

TEST(RecoveryVectors, ProductionCodeGivesEveryDocumentedOutcome) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    std::vector<std::string> rejected;
    std::string secret;
    EXPECT_EQ(ProductionOutcome(c, rejected, secret), c.at("expect").get<std::string>());
    if (c.at("expect") == "success") {
      EXPECT_EQ(secret, c.at("ledger_secret_hex").get<std::string>());
    }
    if (c.contains("expect_rejected")) {
      EXPECT_EQ(rejected, c.at("expect_rejected").get<std::vector<std::string>>());
    }
    // Every member of a verifiable record opens the documented share.
    for (const auto& m : c.at("members")) {
      if (!m.contains("share_hex")) continue;
      auto share = rs::DecryptMemberShare(FromHex(c.at("record_hex").get<std::string>()), KeyOf(m));
      ASSERT_TRUE(share) << m.at("name") << ": " << share.error().ToString();
      EXPECT_EQ(ToHex(share->y.bytes()), m.at("share_hex").get<std::string>());
      EXPECT_EQ(share->x, m.at("x").get<uint32_t>());
    }
  }
}

// From the documented fields, as an implementation written from
// docs/RECOVERY_SHARES.md would: the outcome name, and the rejected members.
std::string IndependentOutcome(const Json& c, std::vector<std::string>& rejected) {
  const auto record = FromHex(c.at("record_hex").get<std::string>());
  rs::v1::SignedRecoveryShares envelope;
  rs::v1::RecoveryShares body;
  EXPECT_TRUE(envelope.ParseFromArray(record.data(), static_cast<int>(record.size())));
  EXPECT_TRUE(body.ParseFromString(envelope.body()));
  if (envelope.signature().empty()) return "unsigned";
  const auto pin_spki = FromHex(c.at("expected_service_public_key_der_hex").get<std::string>());
  if (ToHex(kv::AsBytes(envelope.signer_public_key_der())) != ToHex(pin_spki) ||
      body.service_id() != c.at("expected_service_id")) {
    return "wrong_service";
  }
  const auto digest = *crypto::Sha256(pin_spki);
  const auto message = layout::SignedMessage("ledgerseal recovery shares v1", {digest.begin(), digest.end()},
                                             {envelope.body().begin(), envelope.body().end()});
  EXPECT_EQ(ToHex(message), c.at("signed_message_hex").get<std::string>());
  auto verifier = crypto::VerifyingKey::FromDer(crypto::SignatureAlgorithm::kEcdsaP256Sha256, pin_spki);
  EXPECT_TRUE(verifier);
  if (!verifier->Verify(message, kv::AsBytes(envelope.signature()))) return "bad_signature";

  const uint32_t k = body.threshold(), n = static_cast<uint32_t>(body.shares_size());
  std::map<std::string, const rs::v1::MemberShare*> by_name;
  for (const auto& s : body.shares()) by_name[s.member_name()] = &s;
  // Each member: the ECIES info, the decryption, the commitment.
  for (const auto& m : c.at("members")) {
    const auto* share = by_name.at(m.at("name"));
    const auto info = layout::ShareInfo(body.service_id(), body.ledger_secret_version(), share->member_name(),
                                        share->x(), k, n);
    EXPECT_EQ(ToHex(info), m.at("ecies_info_hex").get<std::string>());
    auto y = crypto::EciesP256Open(KeyOf(m), kv::AsBytes(share->encrypted_share()), info);
    EXPECT_TRUE(y) << m.at("name");
    EXPECT_EQ(ToHex(y->bytes()), m.at("share_hex").get<std::string>());
  }
  // The submitted shares: checked against their commitments, then combined
  // by libgfshare itself.
  std::vector<unsigned char> xs;
  std::vector<layout::Bytes> ys;
  for (const auto& s : c.at("submitted")) {
    const auto* share = by_name.at(s.at("member"));
    const layout::Bytes y = FromHex(s.at("share_hex").get<std::string>());
    const auto commitment = *crypto::Sha256(layout::CommitmentMessage(
        body.service_id(), body.ledger_secret_version(), share->member_name(), share->x(), y));
    if (ToHex(kv::AsBytes(share->share_commitment())) != ToHex(commitment)) {
      rejected.push_back(share->member_name());
      continue;
    }
    xs.push_back(static_cast<unsigned char>(share->x()));
    ys.push_back(y);
  }
  if (xs.size() < k) return "invalid_argument";
  gfshare_ctx* ctx = gfshare_ctx_init_dec(xs.data(), static_cast<unsigned>(xs.size()), 32);
  for (size_t i = 0; i < xs.size(); ++i) gfshare_ctx_dec_giveshare(ctx, static_cast<unsigned char>(i), ys[i].data());
  std::array<uint8_t, 32> w{};
  gfshare_ctx_dec_extract(ctx, w.data());
  gfshare_ctx_free(ctx);
  const auto aad = layout::WrappedSecretAad(body.service_id(), body.ledger_secret_version());
  EXPECT_EQ(ToHex(aad), c.at("wrapped_secret_aad_hex").get<std::string>());
  std::array<uint8_t, 32> secret{};
  const auto iv = kv::AsBytes(body.wrapped_ledger_secret_iv());
  const auto tag = kv::AsBytes(body.wrapped_ledger_secret_tag());
  EXPECT_EQ(iv.size(), 12u);
  EXPECT_EQ(tag.size(), 16u);
  if (!crypto::Aes256GcmOpen(secret, w, iv.first<12>(), kv::AsBytes(body.wrapped_ledger_secret()), tag.first<16>(),
                             aad)) {
    return "tampered";
  }
  EXPECT_EQ(ToHex(secret), c.at("ledger_secret_hex").get<std::string>());
  return "success";
}

TEST(RecoveryVectors, AnIndependentReaderGivesEveryDocumentedOutcome) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    std::vector<std::string> rejected;
    EXPECT_EQ(IndependentOutcome(c, rejected), c.at("expect").get<std::string>());
    EXPECT_EQ(rejected, c.value("expect_rejected", std::vector<std::string>{}));
  }
}

}  // namespace
}  // namespace ledgerseal::vectors
