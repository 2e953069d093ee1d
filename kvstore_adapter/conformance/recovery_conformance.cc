// The conformance cases about recovery: when recovery hooks run and what
// they read, how their errors chain or stop, that the host refuses a hook's
// found_at_version outside the ledger, that replay refuses a wrong secret,
// that older secrets come from the ledger, and how the recovered service
// starts. Commit cases: host_conformance.cc.
#include <memory>
#include <string>
#include <vector>

#include "kvstore_adapter/conformance/host_conformance.h"
#include "kvstore_adapter/conformance/test_hooks.h"

namespace ledgerseal::kv::conformance {
namespace {

const Bytes kGenesisPayload = ToBytes("conformance genesis payload");

using Value = Result<std::optional<std::string>>;
Value Is(const char* value) { return std::optional<std::string>(value); }

// Hooks with the escrow's recovery hook alone.
std::function<Status(HookRegistrar&)> EscrowOnly(const std::shared_ptr<EscrowPlugin>& escrow) {
  return Hooks(escrow, {{"escrow", escrow->recovery_hook()}});
}

// What a total outage after a few writes leaves: the escrow whose hooks the
// service ran, the stopped host, its fingerprint and the escrow's commit
// count then.
struct Outage {
  std::shared_ptr<EscrowPlugin> escrow;
  std::unique_ptr<StoppedHost> stopped;
  std::string fingerprint;
  size_t commits_before = 0;
};

// Starts a service with the escrow's hooks, writes a=1 (then, if `rotate`,
// rotates and writes b=2) and stops it. Call it in ASSERT_NO_FATAL_FAILURE.
void MakeOutage(HostFactory& factory, bool rotate, Outage& outage) {
  outage.escrow = std::make_shared<EscrowPlugin>();
  auto host = factory.StartService(Hooks(outage.escrow, {}), kGenesisPayload);
  ASSERT_TRUE(host) << host.error().ToString();
  CONFORMANCE_ASSERT_OK((*host)->Put("a", "1"));
  if (rotate) {
    CONFORMANCE_ASSERT_OK((*host)->Rotate());
    CONFORMANCE_ASSERT_OK((*host)->Put("b", "2"));
  }
  auto stopped = factory.Stop(std::move(*host));
  ASSERT_TRUE(stopped) << stopped.error().ToString();
  outage.stopped = std::move(*stopped);
  auto fingerprint = outage.stopped->Fingerprint();
  ASSERT_TRUE(fingerprint) << fingerprint.error().ToString();
  outage.fingerprint = *fingerprint;
  outage.commits_before = outage.escrow->commit_count();
}

void ExpectStrictlyDecreasing(const std::vector<Version>& versions) {
  for (size_t i = 1; i < versions.size(); ++i) {
    EXPECT_LT(versions[i], versions[i - 1]) << "the reader went forwards at read #" << i;
  }
}

TEST_P(HostConformanceTest, RecoveryHooksRunBeforeReplayWithABackwardsReaderAtTheNewestEntry) {
  auto escrow = std::make_shared<EscrowPlugin>();
  auto host = factory_->StartService(Hooks(escrow, {}), kGenesisPayload);
  ASSERT_TRUE(host) << host.error().ToString();
  auto genesis = (*host)->LastVersion();
  ASSERT_TRUE(genesis) << genesis.error().ToString();
  for (const char* key : {"a", "b", "c"}) CONFORMANCE_ASSERT_OK((*host)->Put(key, key));
  auto last = (*host)->LastVersion();
  ASSERT_TRUE(last) << last.error().ToString();
  const std::string old_service = (*host)->ServiceId();

  auto stopped = factory_->Stop(std::move(*host));
  ASSERT_TRUE(stopped) << stopped.error().ToString();
  const size_t commits_before = escrow->commit_count();
  auto recovered = factory_->Recover(**stopped, EscrowOnly(escrow));
  ASSERT_TRUE(recovered) << recovered.error().ToString();

  const std::vector<UnsealCall> calls = escrow->recovery_hook()->unseal_calls();
  ASSERT_EQ(calls.size(), 1u);
  const UnsealCall& call = calls[0];
  EXPECT_EQ(call.commits_seen, commits_before) << "the recovered service committed before its recovery hook ran";
  EXPECT_EQ(call.reader_last_version, *last) << "the reader is not positioned at the newest entry";
  ASSERT_FALSE(call.versions_read.empty());
  EXPECT_EQ(call.versions_read.front(), *last) << "the first entry read is not the newest";
  ExpectStrictlyDecreasing(call.versions_read);
  // The newest marker is the genesis's: the hook read back to it and stopped.
  EXPECT_EQ(call.versions_read.back(), *genesis);
  EXPECT_EQ(call.found_at, std::optional<Version>(*genesis));
  EXPECT_EQ(call.previous_service_id, old_service);
  EXPECT_FALSE(call.node.node_id.empty());
  for (const char* key : {"a", "b", "c"}) EXPECT_EQ((*recovered)->Get(key), Is(key)) << key;
}

TEST_P(HostConformanceTest, NotFoundChainsToTheNextHookWhichGetsAFreshReader) {
  auto escrow = std::make_shared<EscrowPlugin>();
  auto host = factory_->StartService(Hooks(escrow, {}), kGenesisPayload);
  ASSERT_TRUE(host) << host.error().ToString();
  CONFORMANCE_ASSERT_OK((*host)->Put("a", "1"));
  CONFORMANCE_ASSERT_OK((*host)->Put("b", "2"));
  auto last = (*host)->LastVersion();
  ASSERT_TRUE(last) << last.error().ToString();
  auto stopped = factory_->Stop(std::move(*host));
  ASSERT_TRUE(stopped) << stopped.error().ToString();

  auto not_found = std::make_shared<NotFoundHook>(2);
  auto recovered = factory_->Recover(
      **stopped, Hooks(escrow, {{"not-found", not_found}, {"escrow", escrow->recovery_hook()}}));
  ASSERT_TRUE(recovered) << recovered.error().ToString();

  const std::vector<UnsealCall> skipped = not_found->unseal_calls();
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].versions_read, (std::vector<Version>{*last, *last - 1}));
  const std::vector<UnsealCall> calls = escrow->recovery_hook()->unseal_calls();
  ASSERT_EQ(calls.size(), 1u) << "kNotFound did not pass recovery to the next hook";
  EXPECT_EQ(calls[0].reader_last_version, *last);
  ASSERT_FALSE(calls[0].versions_read.empty());
  EXPECT_EQ(calls[0].versions_read.front(), *last) << "the next hook's reader is not fresh";
  EXPECT_TRUE(not_found->recovered_calls().empty());
  EXPECT_EQ(escrow->recovery_hook()->recovered_calls().size(), 1u);
  EXPECT_EQ((*recovered)->Get("a"), Is("1"));
  EXPECT_EQ((*recovered)->Get("b"), Is("2"));
}

TEST_P(HostConformanceTest, AnyOtherHookErrorStopsRecoveryAndWritesNothing) {
  Outage outage;
  ASSERT_NO_FATAL_FAILURE(MakeOutage(*factory_, /*rotate=*/false, outage));
  const auto& [escrow, stopped, fingerprint, commits_before] = outage;

  auto failing = std::make_shared<FailingHook>(ErrorCode::kCorruption);
  auto refused = factory_->Recover(
      *stopped, Hooks(escrow, {{"failing", failing}, {"escrow", escrow->recovery_hook()}}));
  ASSERT_FALSE(refused) << "recovery went on after a hook failed";
  EXPECT_EQ(refused.error().code, ErrorCode::kRecoveryFailed) << refused.error().ToString();
  EXPECT_NE(refused.error().message.find("failing"), std::string::npos)
      << "the error does not name the hook: " << refused.error().ToString();
  EXPECT_EQ(failing->unseal_calls().size(), 1u);
  EXPECT_TRUE(escrow->recovery_hook()->unseal_calls().empty()) << "a later hook ran after an error";
  EXPECT_EQ(escrow->commit_count(), commits_before) << "a failed recovery committed";
  EXPECT_EQ(stopped->Fingerprint(), fingerprint) << "a failed recovery changed what the host keeps";

  // The ledger is intact: a recovery with good hooks succeeds.
  auto recovered = factory_->Recover(*stopped, EscrowOnly(escrow));
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  EXPECT_EQ((*recovered)->Get("a"), Is("1"));
}

TEST_P(HostConformanceTest, AWrongSecretIsRefusedByReplayAndWritesNothing) {
  Outage outage;
  ASSERT_NO_FATAL_FAILURE(MakeOutage(*factory_, /*rotate=*/true, outage));
  const auto& [escrow, stopped, fingerprint, commits_before] = outage;

  auto wrong = std::make_shared<WrongSecretHook>();
  auto refused = factory_->Recover(*stopped, Hooks(escrow, {{"wrong-secret", wrong}}));
  ASSERT_FALSE(refused) << "the host accepted a wrong ledger secret";
  const std::vector<UnsealCall> calls = wrong->unseal_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(calls[0].found_at.has_value()) << "the hook found no marker, so replay was never tried";
  EXPECT_TRUE(wrong->recovered_calls().empty()) << "OnRecovered ran for a wrong secret";
  EXPECT_EQ(escrow->commit_count(), commits_before) << "a refused recovery committed";
  EXPECT_EQ(stopped->Fingerprint(), fingerprint) << "a refused recovery changed what the host keeps";
}

// Without a rotation after the genesis there is no chain to unwind: the
// wrong secret reaches replay, which must refuse it.
TEST_P(HostConformanceTest, AWrongSecretWithoutRotationsIsRefusedByReplayWithRecoveryFailed) {
  auto escrow = std::make_shared<EscrowPlugin>();
  auto host = factory_->StartService(Hooks(escrow, {}), kGenesisPayload);
  ASSERT_TRUE(host) << host.error().ToString();
  CONFORMANCE_ASSERT_OK((*host)->Put("a", "1"));
  CONFORMANCE_ASSERT_OK((*host)->Put("b", "2"));
  const std::vector<ObservedCommit> commits = escrow->commits();
  ASSERT_FALSE(commits.empty());
  ASSERT_EQ(commits.back().secret_version, commits.front().secret_version)
      << "the ledger must hold one secret only for this case";
  auto stopped = factory_->Stop(std::move(*host));
  ASSERT_TRUE(stopped) << stopped.error().ToString();
  auto fingerprint = (*stopped)->Fingerprint();
  ASSERT_TRUE(fingerprint) << fingerprint.error().ToString();
  const size_t commits_before = escrow->commit_count();

  auto wrong = std::make_shared<WrongSecretHook>();
  auto refused = factory_->Recover(**stopped, Hooks(escrow, {{"wrong-secret", wrong}}));
  ASSERT_FALSE(refused) << "the host accepted a wrong ledger secret";
  EXPECT_EQ(refused.error().code, ErrorCode::kRecoveryFailed) << refused.error().ToString();
  const std::vector<UnsealCall> calls = wrong->unseal_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(calls[0].found_at.has_value()) << "the hook found no marker, so replay was never tried";
  EXPECT_TRUE(wrong->recovered_calls().empty()) << "OnRecovered ran for a wrong secret";
  EXPECT_EQ(escrow->commit_count(), commits_before) << "a refused recovery committed";
  EXPECT_EQ((*stopped)->Fingerprint(), fingerprint) << "a refused recovery changed what the host keeps";
}

// RecoveredSecret::found_at_version names the entry replay must authenticate
// from: a host refuses one outside 1..(the ledger's last version), even with
// the right secret, naming the hook, and writes nothing (never an abort).
TEST_P(HostConformanceTest, AFoundAtVersionOutsideTheLedgerIsRefusedAndWritesNothing) {
  Outage outage;
  ASSERT_NO_FATAL_FAILURE(MakeOutage(*factory_, /*rotate=*/false, outage));
  const auto& [escrow, stopped, fingerprint, commits_before] = outage;

  for (const auto claim : {BadFoundAtHook::Claim::kZero, BadFoundAtHook::Claim::kPastTheNewest}) {
    SCOPED_TRACE(claim == BadFoundAtHook::Claim::kZero ? "found at version 0" : "found past the newest entry");
    auto bad = std::make_shared<BadFoundAtHook>(escrow, claim);
    auto refused = factory_->Recover(*stopped, Hooks(escrow, {{"bad-found-at", bad}}));
    ASSERT_FALSE(refused) << "the host accepted a found_at_version outside the ledger";
    EXPECT_EQ(refused.error().code, ErrorCode::kRecoveryFailed) << refused.error().ToString();
    EXPECT_NE(refused.error().message.find("bad-found-at"), std::string::npos)
        << "the error does not name the hook: " << refused.error().ToString();
    ASSERT_EQ(bad->unseal_calls().size(), 1u);
    EXPECT_TRUE(bad->unseal_calls()[0].found_at.has_value()) << "the hook found no marker";
    EXPECT_TRUE(bad->recovered_calls().empty()) << "OnRecovered ran for a refused secret";
    EXPECT_EQ(escrow->commit_count(), commits_before) << "a refused recovery committed";
    EXPECT_EQ(stopped->Fingerprint(), fingerprint) << "a refused recovery changed what the host keeps";
  }

  // The secret itself was right: with an honest hook the ledger recovers.
  auto recovered = factory_->Recover(*stopped, EscrowOnly(escrow));
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  EXPECT_EQ((*recovered)->Get("a"), Is("1"));
}

TEST_P(HostConformanceTest, OlderSecretsComeFromTheLedgerAndTheRecoveredServiceStartsInRecovery) {
  auto escrow = std::make_shared<EscrowPlugin>();
  auto host = factory_->StartService(Hooks(escrow, {}), kGenesisPayload);
  ASSERT_TRUE(host) << host.error().ToString();
  CONFORMANCE_ASSERT_OK((*host)->Put("a", "1"));
  CONFORMANCE_ASSERT_OK((*host)->Rotate());
  CONFORMANCE_ASSERT_OK((*host)->Put("b", "2"));
  auto newest_rotation = (*host)->Rotate();
  ASSERT_TRUE(newest_rotation) << newest_rotation.error().ToString();
  CONFORMANCE_ASSERT_OK((*host)->Put("c", "3"));
  const uint64_t newest_secret = escrow->commits().back().secret_version;
  const std::string old_service = (*host)->ServiceId();

  auto stopped = factory_->Stop(std::move(*host));
  ASSERT_TRUE(stopped) << stopped.error().ToString();
  const size_t commits_before = escrow->commit_count();
  auto recovered = factory_->Recover(**stopped, EscrowOnly(escrow));
  ASSERT_TRUE(recovered) << recovered.error().ToString();

  // The hook handed over only the newest secret; every value reads back.
  const std::vector<UnsealCall> calls = escrow->recovery_hook()->unseal_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].found_at, std::optional<Version>(*newest_rotation));
  EXPECT_EQ((*recovered)->Get("a"), Is("1")) << "the oldest secret was not recovered from the ledger";
  EXPECT_EQ((*recovered)->Get("b"), Is("2")) << "the middle secret was not recovered from the ledger";
  EXPECT_EQ((*recovered)->Get("c"), Is("3"));

  // A new service, whose first transaction is the recovery.
  const std::string new_service = (*recovered)->ServiceId();
  EXPECT_FALSE(new_service.empty());
  EXPECT_NE(new_service, old_service);
  const std::vector<RecoveredCall> recovered_calls = escrow->recovery_hook()->recovered_calls();
  ASSERT_EQ(recovered_calls.size(), 1u);
  EXPECT_TRUE(recovered_calls[0].context_recovery) << "OnRecovered ran outside the recovery transaction";
  EXPECT_EQ(recovered_calls[0].service_id, new_service);
  EXPECT_EQ(recovered_calls[0].secret_version, newest_secret);
  EXPECT_EQ(recovered_calls[0].found_at, *newest_rotation);
  EXPECT_EQ(recovered_calls[0].method, kEscrowMethod);
  const std::vector<ObservedCommit> commits = escrow->commits();
  ASSERT_GT(commits.size(), commits_before);
  const ObservedCommit& first = commits[commits_before];
  EXPECT_TRUE(first.recovery) << "the recovered service's first commit does not say recovery";
  EXPECT_TRUE(first.rotates) << "the recovered service did not start with a new secret";
  EXPECT_GT(first.secret_version, newest_secret);
  EXPECT_EQ(first.service_id, new_service);
  EXPECT_TRUE(first.sealed);
  // The recovery commit signs as the NEW service's identity.
  ASSERT_TRUE(first.signer.has_value()) << "no service signer in the recovery commit";
  EXPECT_EQ(first.signer->service_id, new_service);
  EXPECT_EQ(ServiceIdOf(first.signer->public_key_der), new_service);
  EXPECT_TRUE(first.signature_verified);
  for (size_t i = commits_before + 1; i < commits.size(); ++i) EXPECT_FALSE(commits[i].recovery);

  // The recovered service serves, and its ledger recovers in turn (the
  // chain continues across services).
  CONFORMANCE_ASSERT_OK((*recovered)->Put("d", "4"));
  auto stopped_again = factory_->Stop(std::move(*recovered));
  ASSERT_TRUE(stopped_again) << stopped_again.error().ToString();
  auto again = factory_->Recover(**stopped_again, EscrowOnly(escrow));
  ASSERT_TRUE(again) << again.error().ToString();
  const std::vector<UnsealCall> second = escrow->recovery_hook()->unseal_calls();
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].previous_service_id, new_service);
  const std::vector<std::pair<const char*, const char*>> values = {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}};
  for (const auto& [key, value] : values) {
    EXPECT_EQ((*again)->Get(key), Is(value)) << key;
  }
}

}  // namespace
}  // namespace ledgerseal::kv::conformance
