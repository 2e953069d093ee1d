// What `ledgerseal inspect` prints for an audit (text and JSON), and its
// errors. Audits of real ledgers are checked end to end by the sealing e2e
// tests (`inspect --json` on the nodes' data directories).
#include "tools/audit/ledger_audit.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "kvstore_adapter/ledger/public/ledger_files.h"

namespace ledgerseal::tools {
namespace {

LedgerAudit RecoveredAudit() {
  LedgerAudit a;
  a.first_version = 1;
  a.last_version = 508;
  a.service_id = "new-service";
  a.rotations = {{1, 1, {"n1"}}, {339, 3, {"n1", "n2", "n3"}}};
  a.shares_records = 2;
  a.latest_shares = SharesInfo{508, 4, "new-service", {"sealing-n2"}};
  a.can_unseal_latest = {"sealing-n2"};
  a.recovery_keys["sealing-n2"] = {508, "n2", "virtual", "measurement+tcb", 0x1f};
  a.nodes["n1"] = {"retired", "sealing-n1", false};
  a.nodes["n2"] = {"trusted", "sealing-n2", true};
  a.nodes["n4"] = {"trusted", "sealing-n4", false};
  a.trusted_without_recovery_key = {"n4"};
  a.warnings = {"1 trusted node(s) have no sealed recovery key"};
  a.last_recovery = LastRecoveryInfo{508, "local_unsealing", 339, "sealing-n2", "old-service", 3, {}};
  return a;
}

TEST(LedgerAuditTest, TextSaysHowTheLastRecoveryGotItsSecret) {
  const std::string text = AuditToText(RecoveredAudit());
  EXPECT_NE(text.find("last recovery    local_unsealing by sealing-n2 at version 508: secret 3 "
                      "from the record at version 339 of service old-service"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("can unseal latest sealing-n2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tcb 0x1f"), std::string::npos) << text;
  EXPECT_NE(text.find("  n4: trusted, NO sealed recovery key\n"), std::string::npos) << text;
  EXPECT_NE(text.find("WARNING: 1 trusted node(s) have no sealed recovery key"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("UNAUTHENTICATED  read from disk, not authenticated", 0), 0u) << "first line: " << text;
}

TEST(LedgerAuditTest, TextOfANeverRecoveredLedgerThatNobodyCanUnseal) {
  LedgerAudit a;
  const std::string text = AuditToText(a);
  EXPECT_NE(text.find("last recovery    none (never recovered)"), std::string::npos) << text;
  EXPECT_NE(text.find("can unseal latest (nobody)"), std::string::npos) << text;
}

TEST(LedgerAuditTest, JsonCarriesEveryFact) {
  const auto doc = nlohmann::json::parse(AuditToJson(RecoveredAudit()));
  EXPECT_EQ(doc["last_recovery"]["method"], "local_unsealing");
  EXPECT_EQ(doc["last_recovery"]["recovered_at_version"], 339u);
  EXPECT_EQ(doc["last_recovery"]["ledger_secret_version"], 3u);
  EXPECT_EQ(doc["latest_shares"]["identities"], nlohmann::json::array({"sealing-n2"}));
  EXPECT_EQ(doc["nodes"]["n4"]["has_recovery_key"], false);
  EXPECT_EQ(doc["trusted_without_recovery_key"], nlohmann::json::array({"n4"}));
  EXPECT_EQ(doc["rotations"].size(), 2u);
  EXPECT_EQ(doc["recovery_keys"]["sealing-n2"]["tcb_version"], 0x1fu);

  EXPECT_EQ(doc["authenticated"], false) << "inspect cannot authenticate what it reads";
  EXPECT_NE(doc["authentication"].get<std::string>().find("not authenticated"), std::string::npos);

  const auto empty = nlohmann::json::parse(AuditToJson(LedgerAudit{}));
  EXPECT_TRUE(empty["last_recovery"].is_null());
  EXPECT_TRUE(empty["latest_shares"].is_null());
}

TEST(LedgerAuditTest, ADirectoryWithoutALedgerIsNotFound) {
  const auto audit = AuditLedger(::testing::TempDir() + "/no-such-node");
  ASSERT_FALSE(audit);
  EXPECT_EQ(audit.error().code, kv::ErrorCode::kNotFound);
  EXPECT_NE(audit.error().message.find("no ledger in"), std::string::npos) << audit.error().ToString();
}

// The audit vouches for the whole ledger directory, not only for what a
// walk reads: a chunk file past a gap behind a ledger of one chunk (found
// through the writer's newest-chunk hint, which a walk of that one chunk
// never lists past) is refused, naming it.
TEST(LedgerAuditTest, AChunkPastAGapIsRefusedNamingIt) {
  const std::filesystem::path data = std::filesystem::path(::testing::TempDir()) / "gap-node";
  std::filesystem::remove_all(data);
  {
    auto writer = kv::ledger::LedgerWriter::Open({.dir = data / "ledger"});
    ASSERT_TRUE(writer) << writer.error().ToString();
    for (kv::Version v = 1; v <= 3; ++v) ASSERT_TRUE((*writer)->Append(v, kv::AsBytes(std::string("entry"))));
  }
  const std::string stray = "ledger_00000000000000000009.chunk";
  std::ofstream(data / "ledger" / stray) << "not a chunk";
  const auto audit = AuditLedger(data);
  ASSERT_FALSE(audit);
  EXPECT_EQ(audit.error().code, kv::ErrorCode::kCorruption);
  EXPECT_NE(audit.error().message.find(stray), std::string::npos) << audit.error().ToString();
}

}  // namespace
}  // namespace ledgerseal::tools
