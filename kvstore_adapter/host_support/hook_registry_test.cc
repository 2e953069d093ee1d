#include "kvstore_adapter/host_support/public/hook_registry.h"

#include <gtest/gtest.h>

#include "kvstore_adapter/host_support/public/vector_ledger_reader.h"

namespace ledgerseal::kv {
namespace {

constexpr Table kPub{"t.public", Domain::kPublic};

// A recovery hook whose answer is set by the test; records what it saw.
class ScriptedRecoveryHook : public RecoveryHook {
 public:
  explicit ScriptedRecoveryHook(Result<uint64_t> answer) : answer_(std::move(answer)) {}

  Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) override {
    ++calls;
    auto newest = ctx.ledger->Previous();
    if (newest && *newest) newest_version_seen = (*newest)->version;
    if (!answer_) return std::unexpected(answer_.error());
    RecoveredSecret s;
    s.ledger_secret_version = *answer_;
    s.secret = SecretBytes(std::vector<uint8_t>(32, 1));
    s.method = "scripted";
    return s;
  }
  Status OnRecovered(Transaction& tx, const RecoveredSecret&) override {
    return tx.Put(kPub, AsBytes("recovered"), AsBytes("yes"));
  }

  int calls = 0;
  Version newest_version_seen = kNoVersion;

 private:
  Result<uint64_t> answer_;
};

class HookRegistryTest : public ::testing::Test {
 protected:
  HookRegistryTest() {
    for (Version v = 1; v <= 5; ++v) entries_.push_back(PublicEntry{v, 1, {}});
  }
  Result<RecoveryOutcome> Run() {
    return registry_.RunRecoveryHooks(RecoveryContext{}, [this]() -> Result<std::unique_ptr<LedgerReader>> {
      return std::make_unique<VectorLedgerReader>(entries_);
    });
  }
  std::vector<PublicEntry> entries_;
  HookRegistry registry_;
};

TEST_F(HookRegistryTest, NotFoundPassesToTheNextHookWhichGetsAFreshReader) {
  auto skip = std::make_shared<ScriptedRecoveryHook>(MakeError(ErrorCode::kNotFound, "no shares"));
  auto hit = std::make_shared<ScriptedRecoveryHook>(uint64_t{4});
  ASSERT_TRUE(registry_.RegisterRecoveryHook("skip", skip));
  ASSERT_TRUE(registry_.RegisterRecoveryHook("hit", hit));
  auto out = Run();
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->hook_name, "hit");
  EXPECT_EQ(out->secret.ledger_secret_version, 4u);
  EXPECT_EQ(skip->newest_version_seen, 5u);
  EXPECT_EQ(hit->newest_version_seen, 5u);  // not positioned where `skip` left off
}

TEST_F(HookRegistryTest, AnyOtherErrorStopsRecoveryAndNamesTheHook) {
  auto bad = std::make_shared<ScriptedRecoveryHook>(MakeError(ErrorCode::kCorruption, "tampered"));
  auto never = std::make_shared<ScriptedRecoveryHook>(uint64_t{1});
  ASSERT_TRUE(registry_.RegisterRecoveryHook("bad", bad));
  ASSERT_TRUE(registry_.RegisterRecoveryHook("never", never));
  auto out = Run();
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_NE(out.error().message.find("'bad'"), std::string::npos);
  EXPECT_NE(out.error().message.find("tampered"), std::string::npos);
  EXPECT_EQ(never->calls, 0);
}

TEST_F(HookRegistryTest, NoSecretAtAllIsRecoveryFailed) {
  auto out = Run();
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_NE(out.error().message.find("none registered"), std::string::npos);
}

TEST_F(HookRegistryTest, RejectsDuplicateAndNullHooks) {
  auto h = std::make_shared<ScriptedRecoveryHook>(uint64_t{1});
  ASSERT_TRUE(registry_.RegisterRecoveryHook("h", h));
  EXPECT_EQ(registry_.RegisterRecoveryHook("h", h).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(registry_.RegisterRecoveryHook("", h));
  EXPECT_FALSE(registry_.RegisterTransactionHook("t", nullptr));
}

TEST(VectorLedgerReaderTest, ReadsNewestFirstAndStopsAtTheStart) {
  std::vector<PublicEntry> entries = {PublicEntry{1, 1, {}}, PublicEntry{2, 1, {}}};
  VectorLedgerReader reader(entries);
  EXPECT_EQ(reader.last_version(), 2u);
  EXPECT_EQ((*reader.Previous())->version, 2u);
  EXPECT_EQ((*reader.Previous())->version, 1u);
  EXPECT_FALSE(reader.Previous()->has_value());
  EXPECT_EQ(reader.entries_read(), 2u);
}

}  // namespace
}  // namespace ledgerseal::kv
