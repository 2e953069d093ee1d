// Issue 13, online path: a node recovering with `--recover` waits for
// recovery members to submit their shares over the network (`ledgerseal
// client submit-share`), reports progress in `client status`, names a wrong
// share and does not count it, counts a member once, and recovers once k
// valid shares are in — when its local unsealing fails and the config
// allows the fallback, or when asked with --await-shares. With
// on_failure "fail" it never waits; past its deadline it gives up and
// writes nothing. Real node processes.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "integration/e2e/e2e_util.h"
#include "integration/e2e/sealing_cluster.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;
namespace sc = sealing_cluster;

constexpr char kWaiting[] = "waiting for recovery shares of ledger secret";

// A 3-node service with local sealing and recovery members alice, bob and
// carol (2 to recover), written to, rotated, then killed; bob's and carol's
// shares decrypted from n2's ledger (and a corrupted copy of bob's).
class SubmitSharesE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster::ClusterOptions o = sc::SealingOptions(&platforms_);
    members_ = o.root / "members";
    fs::create_directories(members_);
    for (const char* name : {"alice", "bob", "carol"}) {
      auto keygen = sc::RunLedgerseal("operator keygen --out " + (members_ / name).string());
      ASSERT_EQ(keygen.exit_code, 0) << keygen.output;
    }
    o.customize = [base = o.customize, this](kv::NodeConfig& c) {
      base(c);
      c.recovery_shares.threshold = 2;
      for (const char* name : {"alice", "bob", "carol"}) {
        c.recovery_shares.members.emplace_back(name, members_ / (std::string(name) + ".pub.pem"));
      }
      c.sealing.on_failure = on_failure_;
      if (!pin_.empty()) c.expected_previous_service_identity = pin_;
    };
    c_ = std::make_unique<cluster::ProcessCluster>(o);
    ASSERT_NO_FATAL_FAILURE(sc::StartNodes(*c_, {"n1", "n2", "n3"}));
    sc::Write(*c_, acked_, 0, 20);
    auto rotated = RotateWithFailover(*c_, acked_);
    ASSERT_TRUE(rotated) << rotated.error().ToString();
    secret_version_ = *rotated;
    sc::Write(*c_, acked_, 20, 20);
    auto status = c_->Client("n1").GetStatus();
    ASSERT_TRUE(status) << status.error().ToString();
    service_id_ = status->service_id();
    sc::QuiesceAndKillAll(*c_, acked_);
    for (const char* name : {"bob", "carol"}) {
      auto share = sc::RunLedgerseal("operator decrypt-share --key " + (members_ / (std::string(name) + ".key.pem")).string() +
                                     " --ledger " + c_->data_dir("n2").string() + " --out " +
                                     (members_ / (std::string(name) + ".share")).string());
      ASSERT_EQ(share.exit_code, 0) << share.output;
    }
    sc::CorruptShareFile(Share("bob"), members_ / "bob-bad.share");
    pin_ = service_id_;
    // n3 comes back with other code: its local unsealing must fail.
    platforms_.measurement["n3"] = sc::kMeasurementB;
  }

  fs::path Share(const std::string& name) const { return members_ / (name + ".share"); }

  sc::ToolRun Submit(const std::string& node, const fs::path& share) {
    return sc::RunLedgerseal("client --node " + c_->node(node).config.rpc_address + " submit-share --share " +
                             share.string());
  }

  std::string Status(const std::string& node) {
    return sc::RunLedgerseal("client --node " + c_->node(node).config.rpc_address + " status").output;
  }

  sc::Platforms platforms_;
  fs::path members_;
  kv::SealingFailurePolicy on_failure_ = kv::SealingFailurePolicy::kFallbackRecoveryShares;
  std::string pin_;
  std::unique_ptr<cluster::ProcessCluster> c_;
  Acked acked_;
  uint64_t secret_version_ = 0;
  std::string service_id_;
};

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(SubmitSharesE2E, LocalUnsealingFailsThenTwoSubmittedSharesRecoverTheService) {
  auto waiting = c_->StartRecoveryUntil("n3", {}, kWaiting);
  ASSERT_TRUE(waiting) << waiting.error().ToString();
  EXPECT_TRUE(Has(c_->LogTail("n3", 40), "platform_mismatch")) << c_->LogTail("n3", 40);

  EXPECT_TRUE(Has(Status("n3"), "0 of 2 shares")) << Status("n3");
  const auto bad = Submit("n3", members_ / "bob-bad.share");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_TRUE(Has(bad.output, "bob: the share does not match its commitment")) << bad.output;
  const auto bob = Submit("n3", Share("bob"));
  EXPECT_EQ(bob.exit_code, 0) << bob.output;
  EXPECT_TRUE(Has(bob.output, "accepted bob's share: 1 of 2 shares of ledger secret " +
                                  std::to_string(secret_version_)))
      << bob.output;
  const auto bob_again = Submit("n3", Share("bob"));
  EXPECT_TRUE(Has(bob_again.output, "1 of 2 shares")) << "a member counts once: " << bob_again.output;
  const std::string progress = Status("n3");
  EXPECT_TRUE(Has(progress, "recovering")) << progress;
  EXPECT_TRUE(Has(progress, "1 of 2 shares (bob); rejected bob: the share does not match")) << progress;
  // A recovering node serves nothing else.
  rpc::v1::GetRequest get;
  get.set_table(sc::kTable);
  get.set_key("k0");
  auto refused = c_->Client("n3").Get(get);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(Has(refused.error().message, "is recovering")) << refused.error().message;

  const auto carol = Submit("n3", Share("carol"));
  EXPECT_EQ(carol.exit_code, 0) << carol.output;
  EXPECT_TRUE(Has(carol.output, "2 of 2 shares")) << carol.output;
  auto ready = c_->AwaitReady("n3");
  ASSERT_TRUE(ready) << ready.error().ToString();
  auto verified = VerifyAcked(*c_, "n3", sc::kTable, acked_);
  EXPECT_TRUE(verified) << verified.error().ToString();
  const auto audit = sc::Inspect(c_->data_dir("n3"));
  EXPECT_EQ(audit["last_recovery"]["method"], "recovery_shares") << audit.dump(2);
  EXPECT_EQ(audit["last_recovery"]["recovery_members"], nlohmann::json({"bob", "carol"})) << audit.dump(2);
  // The recovered service seals for n3's platform and splits for its members.
  EXPECT_EQ(audit["can_unseal_latest"], nlohmann::json({"seal-n3"})) << audit.dump(2);
  EXPECT_EQ(audit["latest_recovery_shares"]["holders"], nlohmann::json({"alice", "bob", "carol"}));
  // A serving node takes no shares.
  const auto late = Submit("n3", Share("bob"));
  EXPECT_EQ(late.exit_code, 1) << late.output;
  EXPECT_TRUE(Has(late.output, "not recovering")) << late.output;
}

TEST_F(SubmitSharesE2E, WithFailItNeverWaitsAndPastItsDeadlineItWritesNothing) {
  const auto before = sc::Snapshot(c_->data_dir("n3"));
  on_failure_ = kv::SealingFailurePolicy::kFail;
  auto refused = c_->StartRecovery("n3");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(Has(refused.error().message, "platform_mismatch")) << refused.error().message;
  EXPECT_FALSE(Has(c_->LogTail("n3", 60), kWaiting)) << "on_failure fail never falls back";

  // Asked to wait (the hardware is gone), with one share in 3 s: it gives up.
  auto waiting = c_->StartRecoveryUntil("n3", {"--await-shares", "--shares-wait-s", "3"}, kWaiting);
  ASSERT_TRUE(waiting) << waiting.error().ToString();
  EXPECT_EQ(Submit("n3", Share("bob")).exit_code, 0);
  auto gave_up = c_->AwaitReady("n3");
  ASSERT_FALSE(gave_up);
  EXPECT_TRUE(Has(gave_up.error().message, "the deadline passed while waiting: 1 of 2 shares"))
      << gave_up.error().message;
  EXPECT_EQ(sc::Snapshot(c_->data_dir("n3")), before) << "a failed recovery leaves the data directory as it was";
}

}  // namespace
}  // namespace ledgerseal::e2e
