// A recorded coordinated-recovery decision as a host with the disk could
// alter it: every claim field changed after signing, a claim signed by
// another service, votes removed, an opener that was not the longest —
// each reported; the genuine record verifies.
#include "tools/audit/recovery_decision_audit.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/reference_host/coordination/public/claim.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"

namespace ledgerseal::tools {
namespace {

namespace pb = ::ledgerseal::ledger::v1;
using kv::coordination::Claim;

constexpr char kNewService[] = "0123456789abcdef0123456789abcdef";

class RecoveryDecisionAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = kv::ServiceKey::Generate();
    ASSERT_TRUE(key.has_value());
    key_.emplace(std::move(*key));
    previous_.service_id = key_->identity().service_id;
    previous_.identity_algorithm = static_cast<uint32_t>(key_->identity().algorithm);
    previous_.identity_public_key_der = key_->identity().public_key_der;
    decision_.set_previous_service_id(previous_.service_id);
    // What the opener n1 claims below: version 30, its last entry's digest.
    successor_.service_id = kNewService;
    successor_.recovered_to_version = 30;
    successor_.recovered_tail_digest = kv::Bytes(32, 7);
    for (const char* id : {"n1", "n2", "n3"}) decision_.add_configuration(id);
    decision_.set_opened_by("n1");
    AddClaim(*key_, "n1", 30, "n1");
    AddClaim(*key_, "n2", 29, "n1");
    AddClaim(*key_, "n3", 12, "");
  }

  void AddClaim(const kv::ServiceKey& key, const std::string& node, uint64_t version, const std::string& vote) {
    Claim c{.service_id = key.identity().service_id, .node_id = node, .rpc_address = node + ":1",
            .last_version = version, .last_entry_digest = kv::Bytes(32, 7),
            .configuration = {"n1", "n2", "n3"}, .service_chain = {kv::Bytes(5, 1)}, .vote = vote,
            .nonce = kv::Bytes(16, static_cast<uint8_t>(version))};
    auto signed_claim = kv::coordination::SignClaim(key, c);
    ASSERT_TRUE(signed_claim.has_value());
    auto* out = decision_.add_claims();
    out->set_node_id(node);
    out->set_rpc_address(signed_claim->rpc_address());
    out->set_last_version(version);
    out->set_last_entry_digest(signed_claim->last_entry_digest());
    out->set_vote(vote);
    out->set_nonce(signed_claim->nonce());
    out->set_signature(signed_claim->signature());
    *out->mutable_configuration() = signed_claim->configuration();
    *out->mutable_service_chain() = signed_claim->service_chain();
  }

  std::optional<RecoveryDecisionAudit> Audit(const pb::RecoveryDecision& d) {
    kv::WriteSet writes;
    const std::string bytes = d.SerializeAsString();
    EXPECT_TRUE(writes.Put(kv::membership::kRecoveryDecisionsTable, kv::AsBytes(kNewService), kv::AsBytes(bytes)));
    return AuditRecoveryDecision(writes, successor_, previous_);
  }

  std::optional<kv::ServiceKey> key_;
  kv::ServiceRecord previous_;
  kv::ServiceRecord successor_;
  pb::RecoveryDecision decision_;
};

TEST_F(RecoveryDecisionAuditTest, TheGenuineDecisionVerifies) {
  auto audit = Audit(decision_);
  ASSERT_TRUE(audit.has_value());
  EXPECT_TRUE(audit->problems.empty()) << audit->problems.front();
  EXPECT_EQ(audit->Summary(), "opened by n1 with votes of n1, n2 (2 of 3); claims: n1 30, n2 29, n3 12");
  EXPECT_EQ(audit->ToJson()["verified"], true);
}

TEST_F(RecoveryDecisionAuditTest, NoRecordNoDecision) {
  EXPECT_FALSE(AuditRecoveryDecision(kv::WriteSet(), successor_, previous_).has_value());
}

TEST_F(RecoveryDecisionAuditTest, EveryTamperIsReported) {
  const std::vector<std::pair<std::string, std::function<void(pb::RecoveryDecision&)>>> tampers = {
      {"a claim lengthened", [](auto& d) { d.mutable_claims(2)->set_last_version(99); }},
      {"a vote moved", [](auto& d) { d.mutable_claims(2)->set_vote("n1"); }},
      {"a node renamed", [](auto& d) { d.mutable_claims(1)->set_node_id("n4"); }},
      {"an address changed", [](auto& d) { d.mutable_claims(0)->set_rpc_address("10.0.0.1:1"); }},
      {"a digest changed", [](auto& d) { (*d.mutable_claims(0)->mutable_last_entry_digest())[0] ^= 1; }},
      {"a nonce changed", [](auto& d) { (*d.mutable_claims(1)->mutable_nonce())[0] ^= 1; }},
      {"a signature stripped", [](auto& d) { d.mutable_claims(1)->clear_signature(); }},
      {"a configuration changed", [](auto& d) { d.mutable_claims(0)->add_configuration("n9"); }},
      {"a service record changed", [](auto& d) { d.mutable_claims(0)->set_service_chain(0, "x"); }},
      {"a vote counted twice", [](auto& d) { *d.add_claims() = d.claims(1); }},
      {"a vote removed", [](auto& d) { d.mutable_claims()->DeleteSubrange(1, 1); }},
      {"another opener", [](auto& d) { d.set_opened_by("n2"); }},
      {"the override claimed", [](auto& d) {
         d.set_opened_by("n3");
         d.set_without_majority(true);
       }},
      {"another previous service", [](auto& d) { d.set_previous_service_id("ffffffffffffffffffffffffffffffff"); }},
      {"the voters shrunk to the opener", [](auto& d) {
         d.clear_configuration();
         d.add_configuration("n1");
       }},
  };
  for (const auto& [name, tamper] : tampers) {
    pb::RecoveryDecision copy = decision_;
    tamper(copy);
    auto audit = Audit(copy);
    ASSERT_TRUE(audit.has_value()) << name;
    EXPECT_FALSE(audit->problems.empty()) << name;
    EXPECT_EQ(audit->ToJson()["verified"], false) << name;
  }
}

TEST_F(RecoveryDecisionAuditTest, AClaimOfAnotherServiceIsNamed) {
  auto other = kv::ServiceKey::Generate();
  ASSERT_TRUE(other.has_value());
  pb::RecoveryDecision copy = decision_;
  decision_.clear_claims();
  AddClaim(*other, "n2", 29, "n1");
  *copy.mutable_claims(1) = decision_.claims(0);
  auto audit = Audit(copy);
  ASSERT_TRUE(audit.has_value());
  ASSERT_FALSE(audit->problems.empty());
  EXPECT_NE(audit->problems.front().find("bad_recovery_claim: the claim of n2"), std::string::npos)
      << audit->problems.front();
}

// A genuine decision pasted into another recovery of the same predecessor
// (one that recovered to another version) is not that recovery's.
TEST_F(RecoveryDecisionAuditTest, ADecisionOfAnotherRecoveryIsAProblem) {
  successor_.recovered_to_version = 29;
  auto audit = Audit(decision_);
  ASSERT_TRUE(audit.has_value());
  ASSERT_FALSE(audit->problems.empty());
  EXPECT_NE(audit->problems.front().find("is not what service"), std::string::npos) << audit->problems.front();
}

TEST_F(RecoveryDecisionAuditTest, AnUnparsableRecordIsAProblem) {
  kv::WriteSet writes;
  ASSERT_TRUE(writes.Put(kv::membership::kRecoveryDecisionsTable, kv::AsBytes(kNewService), kv::AsBytes("\xff\xff")));
  auto audit = AuditRecoveryDecision(writes, successor_, previous_);
  ASSERT_TRUE(audit.has_value());
  EXPECT_EQ(audit->problems, std::vector<std::string>{"the recovery decision record does not parse"});
}

}  // namespace
}  // namespace ledgerseal::tools
