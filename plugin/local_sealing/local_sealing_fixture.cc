#include "plugin/local_sealing/local_sealing_fixture.h"

#include "plugin/public/records.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_format.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::sealing {
namespace {

// A store snapshot with nothing in it: transactions start empty.
class EmptySnapshot final : public kv::StateSnapshot {
 public:
  kv::Version version() const override { return 0; }
  kv::Result<std::optional<kv::Bytes>> Get(std::string_view, kv::ByteView) const override {
    return std::optional<kv::Bytes>();
  }
  kv::Status ForEach(std::string_view, const std::function<bool(kv::ByteView, kv::ByteView)>&) const override {
    return {};
  }
};

}  // namespace

std::vector<testing::SealedNode>* LocalSealingTest::nodes_ = nullptr;

void LocalSealingTest::SetUpTestSuite() {
  nodes_ = new std::vector<testing::SealedNode>(testing::MakeSealedNodes(3));
}

void LocalSealingTest::TearDownTestSuite() { delete nodes_; }

std::unique_ptr<LocalSealing> LocalSealingTest::PluginFor(size_t i, bool fail_on_error,
                                                          std::vector<std::string>* log,
                                                          std::function<void(std::function<void()>)> background) {
  LocalSealingOptions o;
  o.node_id = (*nodes_)[i].node_id;
  o.sealing_identity = (*nodes_)[i].sealing_identity;
  o.fail_on_unseal_error = fail_on_error;
  // Not owned: the fixture's provider outlives the plugin.
  o.provider = std::shared_ptr<const snp::DerivedKeyProvider>(std::shared_ptr<void>(), (*nodes_)[i].provider.get());
  o.log = [log](std::string_view line) {
    if (log != nullptr) log->emplace_back(line);
  };
  o.background = std::move(background);
  auto plugin = LocalSealing::Create(std::move(o));
  EXPECT_TRUE(plugin) << plugin.error().ToString();
  return std::move(*plugin);
}

const std::string& LocalSealingTest::Id(uint8_t key) { return testing::TestServiceIdentity(key).service_id; }

kv::Bytes LocalSealingTest::SharesRecord(uint64_t secret_version, uint8_t secret_tag, size_t node_count,
                                         uint8_t key) {
  auto random = testing::MakeRandom("shares");
  auto shares = SealShares(*random, testing::TestServiceKey(key), secret_version,
                           testing::MakeLedgerSecret(secret_tag), testing::RecipientsOf(*nodes_, node_count));
  EXPECT_TRUE(shares) << shares.error().ToString();
  return *SerializeRecord(*shares);
}

void LocalSealingTest::AddFiller(std::vector<kv::PublicEntry>& entries, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    kv::PublicEntry e;
    e.version = entries.size() + 1;
    (void)e.public_writes.Put({"app.public", kv::Domain::kPublic}, kv::AsBytes("k"), kv::AsBytes("v"));
    entries.push_back(std::move(e));
  }
}

void LocalSealingTest::AddShares(std::vector<kv::PublicEntry>& entries, const kv::Bytes& record) {
  kv::PublicEntry e;
  e.version = entries.size() + 1;
  (void)e.public_writes.Put({kSharesTable, kv::Domain::kPublic}, kv::AsBytes(kSharesKey), record);
  entries.push_back(std::move(e));
}

kv::RecoveryContext LocalSealingTest::Context(kv::LedgerReader& reader, size_t i, std::string pin) {
  kv::RecoveryContext ctx;
  ctx.node = {(*nodes_)[i].node_id, (*nodes_)[i].sealing_identity, "new"};
  ctx.expected_previous_service_id = std::move(pin);
  ctx.ledger = &reader;
  return ctx;
}

std::unique_ptr<kv::SnapshotTransaction> LocalSealingTest::NewTransaction() const {
  return std::make_unique<kv::SnapshotTransaction>(this, std::make_unique<EmptySnapshot>());
}

std::unique_ptr<kv::SnapshotTransaction> LocalSealingTest::Rotation(const kv::ServiceSigner* signer,
                                                                     uint8_t key) const {
  auto tx = NewTransaction();
  auto& ctx = tx->mutable_commit_context();
  ctx.service_id = Id(key);
  ctx.ledger_secret = &rotation_secret_;
  ctx.ledger_secret_version = 7;
  ctx.rotates_ledger_secret = true;
  ctx.trusted_nodes = {Member((*nodes_)[0]), Member((*nodes_)[1]), {"n-nokey", "", {}}};
  ctx.service_signer = signer;
  return tx;
}

kv::NodeMember LocalSealingTest::Member(const testing::SealedNode& n) {
  return {n.node_id, n.sealing_identity, *SerializeRecord(n.recovery_key)};
}

}  // namespace ledgerseal::sealing
