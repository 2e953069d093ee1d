// Replay-based recovery by local sealing, end to end: real node processes on
// the virtual SNP platform, SIGKILL, recovery with --recover.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "kvstore_adapter/public/types.h"
#include "base/testing/test_dir.h"
#include "integration/e2e/e2e_util.h"
#include "kvstore_adapter/testing/dir_scan.h"
#include "integration/e2e/ledger_tamper.h"
#include "integration/e2e/sealing_cluster.h"
#include "plugin/public/records.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;
using namespace ::ledgerseal::e2e::sealing_cluster;  // NOLINT: the shared test vocabulary

TEST(SealingE2E, RecoverFromEachNodeInTurnThenAChainOfRecoveries) {
  Platforms platforms;
  cluster::ProcessCluster c(SealingOptions(&platforms));
  Acked acked;
  ServeWithTwoRotationsThenKillAll(c, acked, 60);
  // The audit, offline: three rotations (genesis + 2), every node can
  // unseal the latest secret, no trusted node lacks a recovery key.
  const auto audit = Inspect(c.data_dir("n1"));
  ASSERT_FALSE(audit.is_discarded());
  EXPECT_EQ(audit["rotations"].size(), 3u);
  EXPECT_EQ(audit["can_unseal_latest"], nlohmann::json({"seal-n1", "seal-n2", "seal-n3"}));
  EXPECT_TRUE(audit["trusted_without_recovery_key"].empty());
  EXPECT_TRUE(audit["last_recovery"].is_null());

  for (const char* node : {"n1", "n2", "n3"}) {
    auto s = c.StartRecovery(node);
    ASSERT_TRUE(s) << s.error().ToString();
    auto verified = VerifyAcked(c, node, kTable, acked);
    EXPECT_TRUE(verified) << node << ": " << verified.error().ToString();
    ExpectAudit(c, node, acked.max_version + 1);
    if (std::string(node) != "n3") c.Kill(node);
  }
  // n3 runs the recovered service: more work, another outage, recover again.
  Write(c, acked, 180, 30);
  QuiesceAndKillAll(c, acked);
  auto again = c.StartRecovery("n3");
  ASSERT_TRUE(again) << again.error().ToString();
  auto verified = VerifyAcked(c, "n3", kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
  c.Kill("n3");
  const auto after = Inspect(c.data_dir("n3"));
  EXPECT_EQ(after["last_recovery"]["method"], "local_unsealing");
  EXPECT_EQ(after["last_recovery"]["recovering_identity"], "seal-n3");
  EXPECT_EQ(after["can_unseal_latest"], nlohmann::json({"seal-n3"}));
  // Two recoveries on n3's ledger: genesis -> recovered -> recovered again,
  // each link signed by the identity before it.
  ASSERT_EQ(after["service_chain"].size(), 3u) << after.dump(2);
  EXPECT_TRUE(after["service_chain_verified"].get<bool>()) << after["failures"].dump(2);
  EXPECT_EQ(after["service_chain"][1]["previous_service_id"], after["service_chain"][0]["service_id"]);
  EXPECT_EQ(after["service_chain"][2]["previous_service_id"], after["service_chain"][1]["service_id"]);
  EXPECT_EQ(after["service_chain"][2]["recovery_count"], 2);
  const std::string genesis = after["service_chain"][0]["service_id"];
  EXPECT_FALSE(after["service_chain_genesis_pinned"].get<bool>());
  const auto pinned = Inspect(c.data_dir("n3"), "--expect-genesis-identity " + genesis);
  EXPECT_TRUE(pinned["service_chain_verified"].get<bool>());
  EXPECT_TRUE(pinned["service_chain_genesis_pinned"].get<bool>());
  const auto mispinned = RunLedgerseal("inspect " + c.data_dir("n3").string() +
                                       " --expect-genesis-identity ffffffffffffffffffffffffffffffff");
  EXPECT_EQ(mispinned.exit_code, 1) << mispinned.output;
  EXPECT_NE(mispinned.output.find("wrong_genesis"), std::string::npos) << mispinned.output;
  for (const char* node : {"n1", "n2", "n3"}) {
    EXPECT_EQ(kv::testing::FilesContaining(c.data_dir(node), kMarker), std::vector<std::string>());
  }
}

TEST(SealingE2E, ARetiredNodeCannotUnsealLaterSharesANewlyTrustedNodeCan) {
  Platforms platforms;
  cluster::ProcessCluster c(SealingOptions(&platforms));
  StartNodes(c, {"n1", "n2", "n3", "n4"});
  Acked acked;
  Write(c, acked, 0, 30);
  auto before = c.Client("n1").GetStatus();
  ASSERT_TRUE(before) << before.error().ToString();
  auto retired = c.Client("n1").Retire("n3");
  ASSERT_TRUE(retired) << retired.error().ToString();
  // The leader removed n3 from Raft only after n3 applied its retirement.
  auto n3 = c.Client("n3").GetStatus();
  ASSERT_TRUE(n3) << n3.error().ToString();
  ASSERT_GE(n3->applied_version(), retired->version()) << c.LogTail("n1");
  // Retiring rotated the secret in the same transaction: the service moved
  // on to a secret n3 was never given.
  auto after = c.Client("n1").GetStatus();
  ASSERT_TRUE(after) << after.error().ToString();
  EXPECT_EQ(after->ledger_secret_version(), before->ledger_secret_version() + 1);
  EXPECT_EQ(n3->ledger_secret_version(), before->ledger_secret_version()) << "the retired node learned the new secret";
  ASSERT_TRUE(RotateWithFailover(c, acked));
  Write(c, acked, 30, 30);
  c.Kill("n3");
  QuiesceAndKillAll(c, acked);

  auto expect_refused = [&](const char* which) {
    const std::string before = LedgerOf(c, "n3");
    auto refused = c.StartRecovery("n3");
    ASSERT_FALSE(refused) << which << ": a retired node unsealed shares that leave it out";
    EXPECT_NE(refused.error().message.find("identity_not_found"), std::string::npos)
        << which << ": " << refused.error().message;
    EXPECT_EQ(LedgerOf(c, "n3"), before) << which << ": a failed recovery must write nothing";
  };
  // n3's own ledger ends with the reshuffle that left it out.
  expect_refused("its own ledger");
  // The full ledger, as an operator could hand it over: the shares of the
  // later rotation do not open for n3 either.
  const fs::path ledger = c.data_dir("n3") / "ledger";
  fs::remove_all(ledger);
  fs::copy(c.data_dir("n4") / "ledger", ledger);
  ASSERT_EQ(LedgerOf(c, "n3"), LedgerOf(c, "n4"));
  expect_refused("the full ledger");

  auto recovered = c.StartRecovery("n4");
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  auto verified = VerifyAcked(c, "n4", kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
}

// Scenario 7 with real processes: the same secret sealed again at every
// trust, one rotation request delivered twice at once (a client retry after
// a lost reply), and a joiner whose ledger copy overlaps what Raft then
// sends it. None of it breaks replay: the joiner's ledger recovers.
TEST(SealingE2E, DuplicateSealingRecordsDoNotBreakReplay) {
  Platforms platforms;
  cluster::ProcessCluster c(SealingOptions(&platforms));
  StartNodes(c, {"n1", "n2", "n3"});
  Acked acked;
  Write(c, acked, 0, 20);
  rpc::v1::Request rotate;
  rotate.set_request_id("5eed5eed5eed5eed5eed5eed5eed5eed");
  rotate.mutable_rotate();
  // Sent at the same time, as a retry after a broken connection can be (n2
  // redirects its copy to the leader).
  rpc::RpcClient& via_n1 = c.Client("n1");
  rpc::RpcClient& via_n2 = c.Client("n2");
  auto first_call = std::async(std::launch::async, [&] { return via_n1.Call(rotate); });
  auto retried = via_n2.Call(rotate);
  auto first = first_call.get();
  ASSERT_TRUE(first && retried);
  ASSERT_EQ(first->status().code(), rpc::v1::ResponseStatus::OK) << first->status().message();
  ASSERT_EQ(retried->status().code(), rpc::v1::ResponseStatus::OK) << retried->status().message();
  EXPECT_EQ(retried->rotate().version(), first->rotate().version()) << "the retry rotated again";
  acked.max_version = std::max(acked.max_version, first->rotate().version());
  auto joined = c.StartJoiner("n4", "n1");
  ASSERT_TRUE(joined) << joined.error().ToString();
  auto trusted = c.Client("n1").Trust("n4");
  ASSERT_TRUE(trusted) << trusted.error().ToString();
  Write(c, acked, 20, 20);
  QuiesceAndKillAll(c, acked);

  const auto audit = Inspect(c.data_dir("n4"));
  ASSERT_FALSE(audit.is_discarded());
  EXPECT_EQ(audit["rotations"].size(), 2u) << "genesis and the one rotation";
  // Genesis, trust n2, trust n3, the rotation, trust n4: five records, two
  // secret versions.
  EXPECT_EQ(audit["shares_records"], 5u);
  auto recovered = c.StartRecovery("n4");
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  auto verified = VerifyAcked(c, "n4", kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
  ExpectAudit(c, "n4", acked.max_version + 1);
}

TEST(SealingE2E, WrongPlatformFailsTypedAndWritesNothingTcbUpgradeRecovers) {
  Platforms platforms;
  cluster::ProcessCluster c(SealingOptions(&platforms));
  StartNodes(c, {"n1", "n2", "n3"});
  Acked acked;
  Write(c, acked, 0, 40);
  ASSERT_TRUE(RotateWithFailover(c, acked));
  QuiesceAndKillAll(c, acked);
  const fs::path dir = c.data_dir("n1");
  const std::string ledger_before = LedgerOf(c, "n1");
  const auto files_before = kv::testing::CountFiles(dir);

  auto expect_refused = [&](const char* what, const char* error_name) {
    auto s = c.StartRecovery("n1");
    ASSERT_FALSE(s) << what << ": recovered on the wrong platform";
    EXPECT_NE(s.error().message.find(error_name), std::string::npos) << what << ": " << s.error().message;
    EXPECT_EQ(LedgerOf(c, "n1"), ledger_before) << what;
    EXPECT_EQ(kv::testing::CountFiles(dir), files_before) << what << ": the data directory changed";
  };
  // Another chip: a different per-machine secret.
  const fs::path secret = c.node("n1").config.sealing.virtual_machine_secret_path;
  fs::rename(secret, secret.string() + ".real");
  {
    std::ofstream other(secret, std::ios::binary);
    other << std::string(32, '\x5c');
  }
  fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write);
  expect_refused("another machine", "platform_mismatch");
  // No machine secret at all: recovery says so and creates none (a new
  // secret would be another machine).
  fs::remove(secret);
  expect_refused("no machine secret", "does not exist, and it is not created here");
  EXPECT_FALSE(fs::exists(secret)) << "recovery created a machine secret";
  fs::rename(secret.string() + ".real", secret);
  // Another measurement (different code), then a TCB rollback.
  platforms.measurement["n1"] = kMeasurementB;
  expect_refused("another measurement", "platform_mismatch");
  platforms.measurement["n1"] = kMeasurementA;
  platforms.committed_tcb["n1"] = "0x8";
  expect_refused("TCB rollback", "tcb_above_committed");

  // A TCB upgrade: unsealing uses the stored TCB; the new service reseals
  // at the new one, and a second outage recovers from that.
  platforms.committed_tcb["n1"] = "0x20";
  auto upgraded = c.StartRecovery("n1");
  ASSERT_TRUE(upgraded) << upgraded.error().ToString();
  EXPECT_TRUE(VerifyAcked(c, "n1", kTable, acked));
  Write(c, acked, 40, 10);
  QuiesceAndKillAll(c, acked);
  auto again = c.StartRecovery("n1");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(VerifyAcked(c, "n1", kTable, acked));
}

sealing::v1::NodeShare* ShareOf(sealing::v1::SealedShares& r, const std::string& identity) {
  for (auto& s : *r.mutable_shares()) {
    if (s.sealing_identity() == identity) return &s;
  }
  return nullptr;
}

TEST(SealingE2E, TamperedSealingRecordsFailLoudlyAndWriteNothing) {
  Platforms platforms;
  cluster::ProcessCluster c(SealingOptions(&platforms));
  Acked acked;
  ServeWithTwoRotationsThenKillAll(c, acked, 20);
  const fs::path ledger = c.data_dir("n1") / "ledger", pristine = c.data_dir("n1").parent_path() / "pristine";
  fs::copy(ledger, pristine);
  const auto older = SharesRecord(ledger, 1);
  ASSERT_TRUE(older);

  auto attempt = [&](const char* what, const std::function<kv::Status()>& tamper,
                     std::initializer_list<const char*> any_of) {
    fs::remove_all(ledger);
    fs::copy(pristine, ledger);
    ASSERT_TRUE(tamper()) << what;
    const std::string tampered = LedgerOf(c, "n1");
    auto s = c.StartRecovery("n1");
    ASSERT_FALSE(s) << what << ": recovered from a tampered ledger";
    const std::string& message = s.error().message;
    EXPECT_NE(message.find("(status 256)"), std::string::npos) << what << ": not a clean exit 1: " << message;
    bool named = false;
    for (const char* needle : any_of) named = named || message.find(needle) != std::string::npos;
    EXPECT_TRUE(named) << what << ": " << message;
    EXPECT_EQ(LedgerOf(c, "n1"), tampered) << what << ": a failed recovery wrote to the ledger";
  };
  // A host without the service key can edit the body but not re-sign it:
  // edits that the steps before the signature check do not catch are caught
  // by it, before anything is decrypted.
  auto edit_newest = [&](const std::function<void(sealing::v1::SealedShares&)>& f) {
    return [&ledger, f] { return EditSharesBody(ledger, f); };
  };
  attempt("flipped wrapping key", edit_newest([](auto& r) {
            (*ShareOf(r, "seal-n1")->mutable_encrypted_wrapping_key())[7] ^= 1;
          }),
          {"bad_signature"});
  attempt("share moved to another identity", edit_newest([](auto& r) {
            auto* a = ShareOf(r, "seal-n1");
            auto* b = ShareOf(r, "seal-n2");
            a->set_sealing_identity("seal-n2");
            a->set_node_id("n2");
            b->set_sealing_identity("seal-n1");
            b->set_node_id("n1");
          }),
          {"tampered"});
  attempt("flipped sealed recovery key", edit_newest([](auto& r) {
            (*ShareOf(r, "seal-n1")->mutable_recovery_key()->mutable_sealed_private_key()->mutable_ciphertext())[3] ^= 1;
          }),
          {"tampered"});
  attempt("signature stripped", [&] {
            return EditSharesRecord(ledger, [](uint64_t, sealing::v1::SignedSealedShares& r) {
              r.clear_signature();
              return true;
            });
          },
          {"unsigned"});
  attempt("signature flipped", [&] {
            return EditSharesRecord(ledger, [](uint64_t, sealing::v1::SignedSealedShares& r) {
              (*r.mutable_signature())[10] ^= 1;
              return true;
            });
          },
          {"bad_signature"});
  attempt("older shares record replayed at the tail",
          [&] {
            return EditSharesRecord(ledger, [&](uint64_t, sealing::v1::SignedSealedShares& r) {
              r = *older;
              return true;
            });
          },
          {"failed verification", "unknown ledger secret", "is not the secret in force"});
  attempt("flipped sealing.recovery_keys record",
          [&] { return FlipRecoveryKeyRecord(ledger, "seal-n1"); }, {"failed verification"});

  fs::remove_all(ledger);
  fs::copy(pristine, ledger);
  auto recovered = c.StartRecovery("n1");
  ASSERT_TRUE(recovered) << "the untouched ledger must still recover: " << recovered.error().ToString();
  EXPECT_TRUE(VerifyAcked(c, "n1", kTable, acked));
}

// A rotation in flight when every node dies is either committed with its
// sealed shares or not at all: recovery works in both cases.
TEST(SealingE2E, ARotationInFlightAtTheOutageIsAllOrNothing) {
  for (int delay_ms : {0, 5}) {
    SCOPED_TRACE("kill " + std::to_string(delay_ms) + " ms after the rotation request");
    Platforms platforms;
    auto options = SealingOptions(&platforms);
    options.root /= "delay-" + std::to_string(delay_ms);
    cluster::ProcessCluster c(options);
    StartNodes(c, {"n1", "n2", "n3"});
    Acked acked;
    Write(c, acked, 0, 10);
    ASSERT_TRUE(c.WaitApplied(acked.max_version));
    std::optional<uint64_t> rotated;
    std::thread rotation([&] {
      auto r = rpc::RpcClient(c.node("n1").config.rpc_address).Rotate();
      if (r) rotated = r->ledger_secret_version();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    c.KillAll();
    rotation.join();

    auto s = c.StartRecovery("n1");
    ASSERT_TRUE(s) << s.error().ToString();
    EXPECT_TRUE(VerifyAcked(c, "n1", kTable, acked));
    auto status = c.Client("n1").GetStatus();
    ASSERT_TRUE(status);
    // Genesis is secret 1, the recovery rotates once more: 2 without the
    // in-flight rotation, 3 with it; acknowledged means it must be there.
    EXPECT_TRUE(status->ledger_secret_version() == 2 || status->ledger_secret_version() == 3);
    if (rotated) {
      EXPECT_EQ(status->ledger_secret_version(), 3u);
    }
  }
}

}  // namespace
}  // namespace ledgerseal::e2e
