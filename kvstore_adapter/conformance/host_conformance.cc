// The conformance cases about commits: the commit context on every commit,
// rotations and membership changes, and what hooks write committing in the
// same transaction. Recovery cases: recovery_conformance.cc.
#include "kvstore_adapter/conformance/host_conformance.h"

#include <algorithm>

#include "kvstore_adapter/conformance/test_hooks.h"

namespace ledgerseal::kv::conformance {
namespace {

const Bytes kGenesisPayload = ToBytes("conformance genesis payload");
const Bytes kJoinerPayload = ToBytes("conformance joiner payload");
constexpr const char* kJoiner = "conformance-joiner";
constexpr const char* kJoinerIdentity = "conformance-joiner-identity";

// The duties every context must meet (commit_context.h).
void ExpectFilled(const ObservedCommit& c, const std::string& service_id, size_t index) {
  SCOPED_TRACE("commit #" + std::to_string(index) + " the hooks saw");
  ASSERT_NE(c.secret, nullptr) << "no ledger secret in the commit context";
  EXPECT_EQ(c.secret->size(), kLedgerSecretBytes);
  EXPECT_GE(c.secret_version, 1u);
  EXPECT_FALSE(c.service_id.empty());
  EXPECT_EQ(c.service_id, service_id);
  EXPECT_TRUE(std::is_sorted(c.trusted_nodes.begin(), c.trusted_nodes.end(),
                             [](const NodeMember& a, const NodeMember& b) { return a.node_id < b.node_id; }))
      << "trusted nodes are not sorted by node id";
  // Hosting duty 9: wherever hooks act (the trusted nodes must be filled),
  // they can sign as the service, whose id is a commitment to its key.
  const bool acts = c.rotates || c.trusted_nodes_changed || c.joining_node.has_value() || c.recovery;
  if (acts) {
    ASSERT_TRUE(c.signer.has_value()) << "no service signer in a context hooks act on";
    EXPECT_EQ(c.signer->service_id, c.service_id) << "the signer is not the commit's service";
    EXPECT_EQ(ServiceIdOf(c.signer->public_key_der), c.service_id) << "the service id is not its key's id";
    EXPECT_TRUE(c.signature_verified) << "the signer's signature does not verify under its identity";
    EXPECT_TRUE(c.refused_endorsement) << "the signer signs endorsements for a plugin";
  }
}

const NodeMember* FindNode(const std::vector<NodeMember>& nodes, const std::string& node_id) {
  for (const NodeMember& n : nodes) {
    if (n.node_id == node_id) return &n;
  }
  return nullptr;
}

bool HasNodeWithPayload(const std::vector<NodeMember>& nodes, const Bytes& payload) {
  return std::any_of(nodes.begin(), nodes.end(), [&](const NodeMember& n) { return n.join_payload == payload; });
}

TEST_P(HostConformanceTest, EveryCommitHasAFilledCommitContext) {
  auto escrow = std::make_shared<EscrowPlugin>();
  auto host = factory_->StartService(Hooks(escrow, {}), kGenesisPayload);
  ASSERT_TRUE(host) << host.error().ToString();
  const size_t genesis_commits = escrow->commit_count();
  ASSERT_GE(genesis_commits, 1u) << "the transaction hook did not run on the genesis commit";

  auto put = (*host)->Put("k", "v");
  ASSERT_TRUE(put) << put.error().ToString();
  auto last = (*host)->LastVersion();
  ASSERT_TRUE(last) << last.error().ToString();
  EXPECT_EQ(*last, *put);
  EXPECT_EQ((*host)->Get("k"), Result<std::optional<std::string>>(std::string("v")));
  auto rotated = (*host)->Rotate();
  ASSERT_TRUE(rotated) << rotated.error().ToString();
  auto second = (*host)->Put("k2", "v2");
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_GT(*rotated, *put);
  EXPECT_GT(*second, *rotated);

  const std::vector<ObservedCommit> commits = escrow->commits();
  ASSERT_EQ(commits.size(), genesis_commits + 3) << "one hook run per commit";
  const std::string service_id = (*host)->ServiceId();
  for (size_t i = 0; i < commits.size(); ++i) ExpectFilled(commits[i], service_id, i);
  ASSERT_FALSE(HasFatalFailure());

  // The genesis rotates in the first secret and trusts the genesis node,
  // which presents its join payload.
  const ObservedCommit& genesis = commits.front();
  EXPECT_TRUE(genesis.rotates);
  EXPECT_TRUE(HasNodeWithPayload(genesis.trusted_nodes, kGenesisPayload))
      << "the genesis node and its join payload are not among the trusted nodes";
  EXPECT_FALSE(genesis.recovery);

  // An ordinary commit: the same secret, nothing else to act on.
  const ObservedCommit& before = commits[genesis_commits - 1];
  const ObservedCommit& ordinary = commits[genesis_commits];
  EXPECT_FALSE(ordinary.rotates);
  EXPECT_FALSE(ordinary.trusted_nodes_changed);
  EXPECT_FALSE(ordinary.joining_node.has_value());
  EXPECT_FALSE(ordinary.recovery);
  EXPECT_FALSE(ordinary.sealed);
  EXPECT_EQ(ordinary.secret_version, before.secret_version);
  EXPECT_TRUE(*ordinary.secret == *before.secret);
}

TEST_P(HostConformanceTest, ARotationSaysSoAndWhatItsHookWritesCommitsWithIt) {
  auto escrow = std::make_shared<EscrowPlugin>();
  auto host = factory_->StartService(Hooks(escrow, {}), kGenesisPayload);
  ASSERT_TRUE(host) << host.error().ToString();
  CONFORMANCE_ASSERT_OK((*host)->Put("a", "1"));
  const ObservedCommit previous = escrow->commits().back();

  const size_t before = escrow->commit_count();
  auto rotated = (*host)->Rotate();
  ASSERT_TRUE(rotated) << rotated.error().ToString();
  auto after = (*host)->Put("b", "2");
  ASSERT_TRUE(after) << after.error().ToString();
  const std::vector<ObservedCommit> commits = escrow->commits();
  ASSERT_EQ(commits.size(), before + 2);
  const ObservedCommit& rotation = commits[before];
  const ObservedCommit& next = commits[before + 1];
  ExpectFilled(rotation, (*host)->ServiceId(), before);
  ExpectFilled(next, (*host)->ServiceId(), before + 1);
  ASSERT_FALSE(HasFatalFailure());

  // The context names the NEW secret, in force after the rotation.
  EXPECT_TRUE(rotation.rotates);
  EXPECT_GT(rotation.secret_version, previous.secret_version);
  EXPECT_FALSE(*rotation.secret == *previous.secret) << "a rotation must make a new secret";
  EXPECT_TRUE(rotation.sealed);
  EXPECT_FALSE(next.rotates);
  EXPECT_EQ(next.secret_version, rotation.secret_version);
  EXPECT_TRUE(*next.secret == *rotation.secret);

  // The marker the hook wrote during the rotation is in the rotation's own
  // entry: recovery finds it at exactly the version Rotate() returned.
  auto stopped = factory_->Stop(std::move(*host));
  ASSERT_TRUE(stopped) << stopped.error().ToString();
  auto recovered = factory_->Recover(**stopped, Hooks(escrow, {{"escrow", escrow->recovery_hook()}}));
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  const std::vector<UnsealCall> calls = escrow->recovery_hook()->unseal_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].found_at, std::optional<Version>(*rotated))
      << "the hook's marker did not commit in the rotation's transaction";
  const std::vector<RecoveredCall> recovered_calls = escrow->recovery_hook()->recovered_calls();
  ASSERT_EQ(recovered_calls.size(), 1u);
  EXPECT_EQ(recovered_calls[0].secret_version, rotation.secret_version);
  EXPECT_EQ((*recovered)->Get("a"), Result<std::optional<std::string>>(std::string("1")));
  EXPECT_EQ((*recovered)->Get("b"), Result<std::optional<std::string>>(std::string("2")));
}

// CommitContext::next_rotation (optional): a host that offers its next
// secret puts exactly that secret in force when it makes that rotation,
// uses a drawn secret for one rotation attempt at most — a refused attempt
// spends it — and never puts one secret in force twice.
TEST_P(HostConformanceTest, AnOfferedNextSecretIsPutInForceByThatRotationOnlyAndNeverTwice) {
  auto escrow = std::make_shared<EscrowPlugin>();
  auto host = factory_->StartService(Hooks(escrow, {}), kGenesisPayload);
  ASSERT_TRUE(host) << host.error().ToString();
  ASSERT_TRUE((*host)->Rotate());
  ASSERT_TRUE((*host)->Rotate());
  escrow->RefuseNextRotation();
  EXPECT_FALSE((*host)->Rotate()) << "the hook refused the rotation";
  ASSERT_TRUE((*host)->Rotate());
  ASSERT_TRUE((*host)->Rotate());

  const std::vector<ObservedCommit> commits = escrow->commits();
  const ObservedCommit* offer = nullptr;  // the latest offer seen
  std::vector<const ObservedCommit*> in_force;  // committed rotations
  for (const ObservedCommit& c : commits) {
    if (c.rotates && offer != nullptr && offer->next_secret_version == c.secret_version) {
      EXPECT_TRUE(*c.secret == *offer->next_secret)
          << "rotation to secret " << c.secret_version << " did not put the secret offered for it in force";
    }
    if (c.rotates && !c.refused) in_force.push_back(&c);
    if (c.next_secret) {
      EXPECT_EQ(c.next_secret->size(), kLedgerSecretBytes);
      EXPECT_EQ(c.next_secret_version, c.secret_version + 1);
      EXPECT_TRUE(c.next_signer_is_service) << "the offered signer is not the commit's service";
      EXPECT_FALSE(*c.next_secret == *c.secret) << "the secret in force offered as the next one";
      offer = &c;
    }
  }
  // A refused attempt's secret, drawn or not, is spent: never in force.
  for (const ObservedCommit& c : commits) {
    if (!c.refused) continue;
    for (const ObservedCommit* r : in_force) EXPECT_FALSE(*r->secret == *c.secret) << "a refused rotation's secret";
  }
  for (size_t i = 0; i < in_force.size(); ++i) {
    for (size_t j = i + 1; j < in_force.size(); ++j) {
      EXPECT_FALSE(*in_force[i]->secret == *in_force[j]->secret) << "one secret put in force twice";
    }
  }
  if (offer == nullptr) GTEST_SKIP() << "this host offers no next rotation (optional; the checks above still ran)";
}

TEST_P(HostConformanceTest, MembershipChangesShowTheJoinerAndTheTrustedNodesWithPayloads) {
  auto escrow = std::make_shared<EscrowPlugin>();
  auto host = factory_->StartService(Hooks(escrow, {}), kGenesisPayload);
  ASSERT_TRUE(host) << host.error().ToString();
  const std::string service_id = (*host)->ServiceId();

  const size_t before_join = escrow->commit_count();
  auto trusted = (*host)->AdmitAndTrust(kJoiner, kJoinerIdentity, kJoinerPayload);
  ASSERT_TRUE(trusted) << trusted.error().ToString();
  std::vector<ObservedCommit> commits = escrow->commits();
  for (size_t i = before_join; i < commits.size(); ++i) ExpectFilled(commits[i], service_id, i);
  ASSERT_FALSE(HasFatalFailure());

  // Admission: the joiner with its payload; not trusted yet.
  auto admitting = std::find_if(commits.begin() + static_cast<ptrdiff_t>(before_join), commits.end(),
                                [](const ObservedCommit& c) { return c.joining_node.has_value(); });
  ASSERT_NE(admitting, commits.end()) << "no commit named the joining node";
  EXPECT_EQ(admitting->joining_node->node_id, kJoiner);
  EXPECT_EQ(admitting->joining_node->sealing_identity, kJoinerIdentity);
  EXPECT_EQ(admitting->joining_node->join_payload, kJoinerPayload);
  EXPECT_EQ(FindNode(admitting->trusted_nodes, kJoiner), nullptr) << "admitted is not trusted";

  // Trust: a trusted-nodes change whose list holds the joiner (with its
  // payload) and the genesis node (with its own).
  auto trusting = std::find_if(admitting + 1, commits.end(),
                               [](const ObservedCommit& c) { return c.trusted_nodes_changed; });
  ASSERT_NE(trusting, commits.end()) << "no commit after the admission changed the trusted nodes";
  const NodeMember* joiner = FindNode(trusting->trusted_nodes, kJoiner);
  ASSERT_NE(joiner, nullptr) << "the trusted node is not among the trusted nodes";
  EXPECT_EQ(joiner->sealing_identity, kJoinerIdentity);
  EXPECT_EQ(joiner->join_payload, kJoinerPayload);
  EXPECT_TRUE(HasNodeWithPayload(trusting->trusted_nodes, kGenesisPayload));
  EXPECT_TRUE(trusting->sealed);

  // Retirement: another change, without the joiner.
  const size_t before_retire = escrow->commit_count();
  auto retired = (*host)->Retire(kJoiner);
  ASSERT_TRUE(retired) << retired.error().ToString();
  commits = escrow->commits();
  for (size_t i = before_retire; i < commits.size(); ++i) ExpectFilled(commits[i], service_id, i);
  auto retiring = std::find_if(commits.begin() + static_cast<ptrdiff_t>(before_retire), commits.end(),
                               [](const ObservedCommit& c) { return c.trusted_nodes_changed; });
  ASSERT_NE(retiring, commits.end()) << "retiring a node did not change the trusted nodes";
  EXPECT_EQ(FindNode(retiring->trusted_nodes, kJoiner), nullptr) << "a retired node is still trusted";
  EXPECT_TRUE(HasNodeWithPayload(retiring->trusted_nodes, kGenesisPayload));
  auto last = (*host)->LastVersion();
  ASSERT_TRUE(last) << last.error().ToString();
  EXPECT_EQ(*last, *retired);
}

}  // namespace
}  // namespace ledgerseal::kv::conformance
