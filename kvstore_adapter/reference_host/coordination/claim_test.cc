// Claims as a host would meet them: every field changed after signing,
// another service's key, a replayed answer, a stripped signature and a
// signature moved from another claim are each refused with their name.
#include "kvstore_adapter/reference_host/coordination/public/claim.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "kvstore_adapter/host_support/public/service_key.h"

namespace ledgerseal::kv::coordination {
namespace {

Bytes Nonce(uint8_t fill) { return Bytes(kClaimNonceBytes, fill); }

Claim ClaimOf(const ServiceKey& key) {
  return {.service_id = key.identity().service_id,
          .node_id = "n2",
          .rpc_address = "127.0.0.1:7002",
          .last_version = 1234,
          .last_entry_digest = Bytes(32, 0xab),
          .configuration = {"n1", "n2", "n3"},
          .service_chain = {{1, 2, 3}},
          .vote = "n1",
          .nonce = Nonce(7)};
}

class ClaimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = ServiceKey::Generate();
    ASSERT_TRUE(key.has_value());
    key_.emplace(std::move(*key));
    auto signed_claim = SignClaim(*key_, ClaimOf(*key_));
    ASSERT_TRUE(signed_claim.has_value()) << signed_claim.error().ToString();
    signed_ = *signed_claim;
  }
  std::optional<ServiceKey> key_;
  rpc::v1::RecoveryClaim signed_;
};

TEST_F(ClaimTest, AGenuineClaimVerifies) {
  auto claim = VerifyClaim(key_->identity(), signed_, Nonce(7));
  ASSERT_TRUE(claim.has_value()) << claim.error().ToString();
  EXPECT_EQ(*claim, ClaimOf(*key_));
}

TEST_F(ClaimTest, EveryFieldChangedAfterSigningIsRefused) {
  const std::vector<std::pair<std::string, std::function<void(rpc::v1::RecoveryClaim&)>>> tampers = {
      {"node_id", [](auto& c) { c.set_node_id("n3"); }},
      {"rpc_address", [](auto& c) { c.set_rpc_address("10.0.0.9:7002"); }},
      {"last_version (lengthened)", [](auto& c) { c.set_last_version(c.last_version() + 1); }},
      {"last_version (shortened)", [](auto& c) { c.set_last_version(c.last_version() - 1); }},
      {"last_entry_digest", [](auto& c) { (*c.mutable_last_entry_digest())[5] ^= 1; }},
      {"vote", [](auto& c) { c.set_vote("n2"); }},
      {"vote removed", [](auto& c) { c.clear_vote(); }},
      {"configuration shrunk", [](auto& c) { c.mutable_configuration()->RemoveLast(); }},
      {"configuration grown", [](auto& c) { c.add_configuration("n9"); }},
      {"service_chain", [](auto& c) { (*c.mutable_service_chain(0))[0] ^= 1; }},
      {"service_chain grown", [](auto& c) { c.add_service_chain("x"); }},
      {"signature bit", [](auto& c) { (*c.mutable_signature())[10] ^= 1; }},
      {"signature truncated", [](auto& c) { c.mutable_signature()->pop_back(); }},
  };
  for (const auto& [name, tamper] : tampers) {
    rpc::v1::RecoveryClaim copy = signed_;
    tamper(copy);
    auto claim = VerifyClaim(key_->identity(), copy, Nonce(7));
    ASSERT_FALSE(claim.has_value()) << name;
    EXPECT_EQ(claim.error().code, ErrorCode::kCorruption) << name;
    EXPECT_NE(claim.error().message.find("bad_signature"), std::string::npos) << name << ": " << claim.error().message;
  }
}

TEST_F(ClaimTest, AStrippedSignatureIsRefused) {
  signed_.clear_signature();
  auto claim = VerifyClaim(key_->identity(), signed_, Nonce(7));
  ASSERT_FALSE(claim.has_value());
  EXPECT_NE(claim.error().message.find("bad_signature"), std::string::npos) << claim.error().message;
  EXPECT_NE(claim.error().message.find("not signed"), std::string::npos) << claim.error().message;
}

TEST_F(ClaimTest, AnAnswerToAnotherRequestIsRefused) {
  auto claim = VerifyClaim(key_->identity(), signed_, Nonce(8));
  ASSERT_FALSE(claim.has_value());
  EXPECT_NE(claim.error().message.find("stale_claim"), std::string::npos) << claim.error().message;
  // Changing the nonce to the expected one breaks the signature instead.
  signed_.set_nonce(std::string(kClaimNonceBytes, 8));
  claim = VerifyClaim(key_->identity(), signed_, Nonce(8));
  ASSERT_FALSE(claim.has_value());
  EXPECT_NE(claim.error().message.find("bad_signature"), std::string::npos) << claim.error().message;
}

TEST_F(ClaimTest, AnotherServicesClaimIsRefused) {
  auto other = ServiceKey::Generate();
  ASSERT_TRUE(other.has_value());
  // Signed by the other service, about the other service.
  auto theirs = SignClaim(*other, ClaimOf(*other));
  ASSERT_TRUE(theirs.has_value());
  auto claim = VerifyClaim(key_->identity(), *theirs, Nonce(7));
  ASSERT_FALSE(claim.has_value());
  EXPECT_NE(claim.error().message.find("other_service"), std::string::npos) << claim.error().message;
  // Signed by the other service, naming ours: the signature does not verify.
  auto forged = SignClaim(*other, ClaimOf(*key_));
  ASSERT_TRUE(forged.has_value());
  claim = VerifyClaim(key_->identity(), *forged, Nonce(7));
  ASSERT_FALSE(claim.has_value());
  EXPECT_NE(claim.error().message.find("bad_signature"), std::string::npos) << claim.error().message;
}

TEST_F(ClaimTest, ASignatureMovedFromAnotherClaimIsRefused) {
  Claim longer = ClaimOf(*key_);
  longer.node_id = "n3";
  longer.last_version = 9999;
  auto other = SignClaim(*key_, longer);
  ASSERT_TRUE(other.has_value());
  signed_.set_signature(other->signature());
  auto claim = VerifyClaim(key_->identity(), signed_, Nonce(7));
  ASSERT_FALSE(claim.has_value());
  EXPECT_NE(claim.error().message.find("bad_signature"), std::string::npos) << claim.error().message;
}

TEST_F(ClaimTest, AMalformedDigestIsRefusedBeforeTheSignature) {
  signed_.mutable_last_entry_digest()->push_back('x');
  auto claim = VerifyClaim(key_->identity(), signed_, Nonce(7));
  ASSERT_FALSE(claim.has_value());
  EXPECT_NE(claim.error().message.find("malformed_claim"), std::string::npos) << claim.error().message;
}

// The worked example of docs/FORMAT.md §12.4, byte for byte.
TEST(ClaimBodyTest, MatchesTheWorkedExample) {
  Claim c;
  c.service_id = "5cd252fb0ce8932436faf8ccd1040981";
  c.node_id = "n2";
  c.rpc_address = "127.0.0.1:7002";
  c.last_version = 0x122;
  c.last_entry_digest = Bytes(32, 0xab);
  c.configuration = {"n1", "n2", "n3"};
  c.service_chain = {{0x0a, 0x01, 0x78}};
  c.vote = "n1";
  for (uint8_t i = 0; i < 16; ++i) c.nonce.push_back(i);
  EXPECT_EQ(ToHex(ClaimBody(c)),
            "00000020" "3563643235326662306365383933323433366661663863636431303430393831"
            "00000002" "6e32"
            "0000000e" "3132372e302e302e313a37303032"
            "00000008" "0000000000000122"
            "00000020" "abababababababababababababababababababababababababababababababab"
            "00000004" "00000003" "00000002" "6e31" "00000002" "6e32" "00000002" "6e33"
            "00000004" "00000001" "00000003" "0a0178"
            "00000002" "6e31"
            "00000010" "000102030405060708090a0b0c0d0e0f");
}

TEST(ClaimBodyTest, FieldsCannotBorrowBytesFromTheirNeighbours) {
  Claim a;
  a.service_id = "s";
  a.node_id = "n1";
  a.rpc_address = "a:1";
  Claim b = a;
  b.node_id = "n";
  b.rpc_address = "1a:1";
  EXPECT_NE(ClaimBody(a), ClaimBody(b));
}

}  // namespace
}  // namespace ledgerseal::kv::coordination
