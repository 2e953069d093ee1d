// Replay's service checks (docs/SERVICE_IDENTITY.md §6): the endorsement
// chain, each entry's service, the end of the ledger and the operator's pin,
// on ledgers written through the real state machine.
#include <gtest/gtest.h>

#include "base/testing/test_dir.h"
#include "kvstore_adapter/reference_host/recovery/public/file_secret_hook.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"
#include "kvstore_adapter/reference_host/recovery/testing/test_ledger.h"

namespace ledgerseal::kv {
namespace {

namespace fs = std::filesystem;
using Flaw = testing::TestLedgerOptions::Flaw;
constexpr Version kEntries = 20;
constexpr Version kSuccessorAt = 12;

class ServiceChainTest : public ::testing::Test {
 protected:
  // Writes a ledger with `options` (dir and entries filled in).
  void Write(testing::TestLedgerOptions options) {
    root_ = ::ledgerseal::testing::FreshDir("ledger" + std::to_string(++ledgers_));
    options.dir = root_;
    options.entries = kEntries;
    auto ledger = testing::WriteTestLedger(options);
    ASSERT_TRUE(ledger) << ledger.error().ToString();
    ledger_ = std::move(*ledger);
    ASSERT_TRUE(WriteSecretFile(root_ / "secret", ledger_.latest_version, ledger_.latest));
  }

  // Recovers it into a fresh store with the latest secret from a file hook.
  Result<RecoverResult> Recover(std::string pin = "") {
    HookRegistry hooks;
    EXPECT_TRUE(hooks.RegisterRecoveryHook("file", std::make_shared<FileSecretRecoveryHook>(root_ / "secret")));
    auto store = Store::Open(StoreOptions{.dir = root_ / ("fresh" + std::to_string(++recoveries_)),
                                          .encryption_key = &store_key_});
    EXPECT_TRUE(store);
    store_ = std::move(*store);
    RecoverOptions recover;
    recover.ledger_dir = ledger_.ledger_dir;
    recover.store = store_.get();
    recover.hooks = &hooks;
    recover.context.expected_previous_service_id = std::move(pin);
    secrets::LedgerSecrets secrets;
    return RecoverLedger(recover, secrets);
  }

  Result<RecoverResult> WriteAndRecover(testing::TestLedgerOptions options) {
    Write(std::move(options));
    return Recover();
  }

  void ExpectRefused(const Result<RecoverResult>& r, std::string_view what) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
    EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
  }

  fs::path root_;
  testing::TestLedger ledger_;
  int recoveries_ = 0;
  int ledgers_ = 0;
  SecretBytes store_key_{std::vector<uint8_t>(32, 5)};
  std::unique_ptr<Store> store_;
};

TEST_F(ServiceChainTest, AnEndorsedSuccessorRecovers) {
  auto r = WriteAndRecover({.successor_at = kSuccessorAt});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->replayed_to, kEntries);
  ASSERT_TRUE(r->last_service.has_value());
  EXPECT_EQ(r->last_service->service_id, ledger_.service_id);
  EXPECT_EQ(r->last_service->previous_service_id, ledger_.genesis_service_id);
  EXPECT_NE(ledger_.service_id, ledger_.genesis_service_id);
  EXPECT_EQ(r->last_entry_digest.size(), 32u);
}

TEST_F(ServiceChainTest, AWrongTailDigestBreaksTheChain) {
  ExpectRefused(WriteAndRecover({.successor_at = kSuccessorAt, .successor_flaw = Flaw::kWrongTailDigest}),
                "broken_endorsement at version 12: recovered_tail_digest");
}

TEST_F(ServiceChainTest, ASelfEndorsedSuccessorBreaksTheChain) {
  ExpectRefused(WriteAndRecover({.successor_at = kSuccessorAt, .successor_flaw = Flaw::kSelfEndorsed}),
                "broken_endorsement at version 12: endorsement by");
}

TEST_F(ServiceChainTest, AFormat1LedgerIsRefusedAsSuch) {
  ExpectRefused(WriteAndRecover({.genesis_identity = false}), "a format 1 ledger");
}

TEST_F(ServiceChainTest, AnEntryOfAnotherServiceIsRefused) {
  ExpectRefused(WriteAndRecover({.foreign_service_at = 7}),
                "entry 7: claims service 0123456789abcdef0123456789abcdef");
}

TEST_F(ServiceChainTest, ThePinMustNameTheLastService) {
  Write({.successor_at = kSuccessorAt});
  ExpectRefused(Recover("ffffffffffffffffffffffffffffffff"), "wrong_service: the ledger ends in service");
  ExpectRefused(Recover(ledger_.genesis_service_id), "wrong_service");  // not the last one
  auto r = Recover(ledger_.service_id);
  ASSERT_TRUE(r) << r.error().ToString();
}

}  // namespace
}  // namespace ledgerseal::kv
