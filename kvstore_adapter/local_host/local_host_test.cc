#include "kvstore_adapter/local_host/public/local_host.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace ledgerseal::kv {
namespace {

constexpr Table kApp{"app.data", Domain::kPrivate};
constexpr Table kAudit{"audit.log", Domain::kPublic};

// Appends its name to a shared trace, optionally writes, optionally refuses.
class TracingHook : public TransactionHook {
 public:
  TracingHook(std::string name, std::vector<std::string>* trace, bool refuse = false)
      : name_(std::move(name)), trace_(trace), refuse_(refuse) {}

  Status OnCommit(Transaction& tx) override {
    // Record which earlier hooks' writes are visible to this one.
    std::string seen;
    (void)tx.ForEach(kAudit, [&](ByteView k, ByteView) {
      seen += std::string(AsString(k)) + ",";
      return true;
    });
    trace_->push_back(name_ + "(" + seen + ")");
    if (refuse_) return MakeError(ErrorCode::kInvalidArgument, name_ + " says no");
    return tx.Put(kAudit, AsBytes(name_), AsBytes("ran"));
  }

 private:
  std::string name_;
  std::vector<std::string>* trace_;
  bool refuse_;
};

class LocalHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = LocalHost::Create({.node = {"n1", "seal-1", ""}});
    ASSERT_TRUE(host) << host.error().ToString();
    host_ = std::move(*host);
  }

  Result<Version> CommitValue(std::string_view key, std::string_view value) {
    auto tx = host_->BeginTransaction();
    EXPECT_TRUE(tx);
    EXPECT_TRUE((*tx)->Put(kApp, AsBytes(key), AsBytes(value)));
    return host_->Commit(std::move(*tx));
  }

  std::unique_ptr<LocalHost> host_;
};

TEST_F(LocalHostTest, HooksRunInOrderSeeEarlierWritesAndCommitAtomically) {
  std::vector<std::string> trace;
  ASSERT_TRUE(host_->RegisterTransactionHook("a", std::make_shared<TracingHook>("a", &trace)));
  ASSERT_TRUE(host_->RegisterTransactionHook("b", std::make_shared<TracingHook>("b", &trace)));
  auto v = CommitValue("k", "v");
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(*v, 1u);
  EXPECT_EQ(trace, (std::vector<std::string>{"a()", "b(a,)"}));
  EXPECT_EQ(host_->state().Snapshot()->Get("audit.log", AsBytes("b")),
            Result<std::optional<Bytes>>(ToBytes("ran")));
  EXPECT_EQ(host_->state().Snapshot()->Get("app.data", AsBytes("k")),
            Result<std::optional<Bytes>>(ToBytes("v")));
}

TEST_F(LocalHostTest, AFailingHookStopsTheCommitAndTheErrorReachesTheCaller) {
  std::vector<std::string> trace;
  ASSERT_TRUE(host_->RegisterTransactionHook("a", std::make_shared<TracingHook>("a", &trace)));
  ASSERT_TRUE(host_->RegisterTransactionHook("veto", std::make_shared<TracingHook>("veto", &trace, true)));
  ASSERT_TRUE(host_->RegisterTransactionHook("c", std::make_shared<TracingHook>("c", &trace)));
  auto v = CommitValue("k", "v");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kHookFailed);
  EXPECT_NE(v.error().message.find("'veto'"), std::string::npos) << v.error().message;
  EXPECT_NE(v.error().message.find("veto says no"), std::string::npos);
  EXPECT_EQ(trace, (std::vector<std::string>{"a()", "veto(a,)"}));  // c never ran
  // Nothing of the transaction, nor of hook a's write, committed.
  EXPECT_EQ(host_->state().version(), kNoVersion);
  EXPECT_EQ(host_->state().Snapshot()->Get("audit.log", AsBytes("a")),
            Result<std::optional<Bytes>>(std::nullopt));
}

TEST_F(LocalHostTest, ConflictingTransactionIsAbortedNotLost) {
  auto first = host_->BeginTransaction();
  auto second = host_->BeginTransaction();
  ASSERT_TRUE((*first)->Put(kApp, AsBytes("k"), AsBytes("1")));
  ASSERT_TRUE((*second)->Put(kApp, AsBytes("k"), AsBytes("2")));
  ASSERT_TRUE(host_->Commit(std::move(*first)));
  auto late = host_->Commit(std::move(*second));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kAborted);
  EXPECT_EQ(host_->state().Snapshot()->Get("app.data", AsBytes("k")),
            Result<std::optional<Bytes>>(ToBytes("1")));
}

TEST_F(LocalHostTest, ReadsSeeOwnWritesAndEmptyTransactionsAreRejected) {
  ASSERT_TRUE(CommitValue("k", "old"));
  auto tx = host_->BeginTransaction();
  EXPECT_EQ((*tx)->Get(kApp, AsBytes("k")), Result<std::optional<Bytes>>(ToBytes("old")));
  ASSERT_TRUE((*tx)->Remove(kApp, AsBytes("k")));
  EXPECT_EQ((*tx)->Get(kApp, AsBytes("k")), Result<std::optional<Bytes>>(std::nullopt));

  auto empty = host_->Commit(std::move(*host_->BeginTransaction()));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledgerseal::kv
