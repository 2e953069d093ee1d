// inspect's chain audit on hand-built entries: the endorsement chain, each
// entry's service and link to its predecessor, and the pins.
#include "tools/audit/service_chain_audit.h"

#include <gtest/gtest.h>

#include "crypto/public/sha256.h"
#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"

namespace ledgerseal::tools {
namespace {

kv::Bytes Digest(const kv::Bytes& bytes) {
  auto d = crypto::Sha256(bytes);
  return kv::Bytes(d->begin(), d->end());
}

kv::WriteSet ServiceWrite(const ledger::v1::ServiceInfo& info) {
  kv::WriteSet w;
  const std::string bytes = info.SerializeAsString();
  EXPECT_TRUE(w.Put(kv::membership::kServiceTable, kv::AsBytes(kv::membership::kServiceKey), kv::AsBytes(bytes)));
  return w;
}

class ServiceChainAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = kv::ServiceKey::Generate();
    ASSERT_TRUE(key);
    key_.emplace(std::move(*key));
    id_ = key_->identity().service_id;
  }
  // Entry v: arbitrary bytes, linked to the previous entry unless told otherwise.
  void Feed(ServiceChainAuditor& auditor, uint64_t v, const kv::WriteSet& writes, const std::string& service,
            bool linked = true) {
    const kv::Bytes bytes = kv::ToBytes("entry " + std::to_string(v));
    kv::Bytes link = v == 1 ? kv::Bytes() : Digest(previous_);
    if (!linked) link = kv::Bytes(32, 0xee);
    auditor.Entry(v, bytes, writes, service, link);
    previous_ = bytes;
  }
  std::optional<kv::ServiceKey> key_;
  std::string id_;
  kv::Bytes previous_;
};

TEST_F(ServiceChainAuditTest, AGenesisAndLinkedEntriesVerifyAndThePinAuthenticates) {
  ServiceChainAuditor auditor;
  Feed(auditor, 1, ServiceWrite(kv::membership::NewServiceRecord(key_->identity(), 1)), id_);
  Feed(auditor, 2, {}, id_);
  Feed(auditor, 3, {}, id_);
  const ServiceChainAudit audit = auditor.Finish(id_, id_);
  EXPECT_TRUE(audit.ok());
  EXPECT_TRUE(audit.genesis_pinned);
  ASSERT_EQ(audit.links.size(), 1u);
  EXPECT_TRUE(audit.links[0].verified);
}

TEST_F(ServiceChainAuditTest, EachFindingIsTypedWithItsVersion) {
  ServiceChainAuditor auditor;
  Feed(auditor, 1, ServiceWrite(kv::membership::NewServiceRecord(key_->identity(), 1)), id_);
  Feed(auditor, 2, {}, id_);
  Feed(auditor, 3, {}, id_, /*linked=*/false);
  Feed(auditor, 4, {}, "0123456789abcdef0123456789abcdef");
  const ServiceChainAudit audit = auditor.Finish("ffffffffffffffffffffffffffffffff", "");
  EXPECT_FALSE(audit.ok());
  EXPECT_FALSE(audit.genesis_pinned);
  std::vector<std::pair<std::string, uint64_t>> found;
  for (const auto& f : audit.failures) found.emplace_back(f.error, f.version);
  EXPECT_EQ(found, (std::vector<std::pair<std::string, uint64_t>>{
                       {"broken_entry_chain", 3}, {"foreign_entry", 4}, {"wrong_genesis", 1}}));
}

TEST_F(ServiceChainAuditTest, AFormat1GenesisAndAMissingRecordAreNamed) {
  ServiceChainAuditor format1;
  auto record = kv::membership::NewServiceRecord(key_->identity(), 1);
  record.clear_identity_public_key_der();
  record.clear_identity_algorithm();
  Feed(format1, 1, ServiceWrite(record), id_);
  EXPECT_EQ(format1.Finish("", "").failures.at(0).error, "format_1_ledger");

  ServiceChainAuditor none;
  previous_.clear();
  Feed(none, 1, {}, id_);
  EXPECT_EQ(none.Finish("", "").failures.at(0).error, "no_service_record");
}

}  // namespace
}  // namespace ledgerseal::tools
