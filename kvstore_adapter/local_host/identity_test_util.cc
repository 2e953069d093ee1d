#include "kvstore_adapter/local_host/identity_test_util.h"

#include <algorithm>

#include "base/check.h"
#include "crypto/public/random_source.h"
#include "kvstore_adapter/local_host/local_ledger_format.h"
#include "kvstore_adapter/local_host/local_service_identity.h"

namespace ledgerseal::kv::identity_test {

Status IdentityHook::OnCommit(Transaction& tx) {
  const CommitContext& ctx = tx.commit_context();
  SeenContext seen;
  seen.service_id = ctx.service_id;
  seen.trusted_nodes_filled = !ctx.trusted_nodes.empty();
  seen.recovery = ctx.recovery;
  if (ctx.service_signer != nullptr) {
    seen.has_signer = true;
    seen.signer = ctx.service_signer->identity();
    const Bytes body = ToBytes("body " + ctx.service_id);
    auto signature = ctx.service_signer->Sign(kTestDomain, body);
    seen.signature_verifies =
        signature && VerifyServiceSignature(seen.signer, kTestDomain, body, *signature).has_value();
    seen.endorsement_refused = !ctx.service_signer->Sign(kEndorsementDomain, body).has_value();
  }
  seen_.push_back(std::move(seen));
  return {};
}

Result<RecoveredSecret> WrappedRecoveryHook::Unseal(const RecoveryContext& ctx) {
  contexts_.emplace_back(ctx.expected_previous_service_id, ctx.node.service_id);
  auto secret = inner_->Unseal(ctx);
  if (secret && edit_) edit_(*secret);
  return secret;
}

SecretBytes NewKeyPkcs8() {
  auto key = ServiceKey::Generate();
  LEDGERSEAL_CHECK(key.has_value());
  auto pkcs8 = key->ToPkcs8Der();
  LEDGERSEAL_CHECK(pkcs8.has_value());
  return std::move(*pkcs8);
}

ServiceKey KeyOf(const SecretBytes& pkcs8) {
  auto key = ServiceKey::FromPkcs8Der(pkcs8.bytes());
  LEDGERSEAL_CHECK(key.has_value());
  return std::move(*key);
}

Bytes PrivateScalar(const SecretBytes& pkcs8) {
  // ECPrivateKey (RFC 5915): INTEGER 1, then OCTET STRING (32) privateKey.
  const Bytes marker = {0x02, 0x01, 0x01, 0x04, 0x20};
  auto at = std::search(pkcs8.bytes().begin(), pkcs8.bytes().end(), marker.begin(), marker.end());
  LEDGERSEAL_CHECK(pkcs8.bytes().end() - at >= static_cast<ptrdiff_t>(marker.size() + 32));
  return Bytes(at + static_cast<ptrdiff_t>(marker.size()), at + static_cast<ptrdiff_t>(marker.size() + 32));
}

bool Contains(ByteView haystack, ByteView needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

Result<std::optional<ServiceRecord>> RecordAt(const LocalLedger& ledger, Version version) {
  const std::optional<Bytes>* value =
      ledger.at(version - 1).public_writes.Find(local::kServiceTable.name, AsBytes(local::kCurrentRow));
  if (value == nullptr || !*value) return std::optional<ServiceRecord>();
  auto record = local::DecodeServiceRecord(**value, version);
  if (!record) return std::unexpected(record.error());
  return std::optional<ServiceRecord>(std::move(*record));
}

std::unique_ptr<LocalHost> IdentityFixture::Start(SecretBytes key) {
  auto host = LocalHost::Create({.node = {"n1", "seal-1", ""},
                                 .join_payload_for =
                                     [this](const ServiceIdentity& identity) -> Result<Bytes> {
                                       payload_requests_.push_back(identity);
                                       return ToBytes("payload for " + identity.service_id);
                                     },
                                 .previous_sealing_identity = "",
                                 .expected_previous_service_id = "",
                                 .service_key_pkcs8 = std::move(key),
                                 .random = nullptr});
  EXPECT_TRUE(host) << host.error().ToString();
  if (!host) return nullptr;
  EXPECT_TRUE(conformance::Hooks(escrow_, {})(**host));
  EXPECT_TRUE((*host)->RegisterTransactionHook("identity", identity_));
  auto genesis = (*host)->Genesis();
  EXPECT_TRUE(genesis) << genesis.error().ToString();
  return std::move(*host);
}

Result<std::unique_ptr<LocalHost>> IdentityFixture::RecoverFrom(const LocalLedger& ledger, SecretBytes key,
                                                                std::string pin,
                                                                std::shared_ptr<RecoveryHook> hook) {
  if (!hook) hook = escrow_->recovery_hook();
  return LocalHost::Recover(ledger,
                            {.node = {"n1", "seal-1", ""},
                             .join_payload_for =
                                 [this](const ServiceIdentity& identity) -> Result<Bytes> {
                                   payload_requests_.push_back(identity);
                                   return ToBytes("payload for " + identity.service_id);
                                 },
                             .previous_sealing_identity = "",
                             .expected_previous_service_id = std::move(pin),
                             .service_key_pkcs8 = std::move(key),
                             .random = nullptr},
                            [this, hook](HookRegistrar& registrar) -> Status {
                              if (auto s = conformance::Hooks(escrow_, {{"escrow", hook}})(registrar); !s) return s;
                              return registrar.RegisterTransactionHook("identity", identity_);
                            });
}

Result<Version> IdentityFixture::Write(LocalHost& host, std::string_view key) {
  auto tx = host.BeginTransaction();
  if (!tx) return std::unexpected(tx.error());
  if (auto s = (*tx)->Put(Table{"app.data", Domain::kPrivate}, AsBytes(key), AsBytes("value")); !s) {
    return std::unexpected(s.error());
  }
  return host.Commit(std::move(*tx));
}

WriteSet IdentityFixture::Open(const LocalLedger& ledger, Version version) {
  const LocalLedgerEntry& entry = ledger.at(version - 1);
  std::optional<SecretBytes> secret = escrow_->Sealed(entry.ledger_secret_version);
  LEDGERSEAL_CHECK(secret.has_value());
  auto writes = local::OpenEntry(entry, *secret);
  LEDGERSEAL_CHECK(writes.has_value());
  return std::move(*writes);
}

void IdentityFixture::Reseal(LocalLedger& ledger, Version version, const std::function<void(WriteSet&)>& edit) {
  crypto::OpenSslRandomSource random;
  // The edited entry keeps its link; each later one is resealed with its own
  // writes, chained to the resealed entry before it.
  for (Version v = version; v <= ledger.size(); ++v) {
    LocalLedgerEntry& entry = ledger.at(v - 1);
    WriteSet writes = Open(ledger, v);
    if (v == version) edit(writes);
    Bytes previous = entry.previous_entry_digest;
    if (v != version) {
      auto digest = local::EntryDigest(ledger.at(v - 2));
      ASSERT_TRUE(digest) << digest.error().ToString();
      previous = std::move(*digest);
    }
    std::optional<SecretBytes> secret = escrow_->Sealed(entry.ledger_secret_version);
    ASSERT_TRUE(secret.has_value());
    auto sealed = local::SealEntry(random, v, entry.ledger_secret_version, *secret, previous, writes);
    ASSERT_TRUE(sealed) << sealed.error().ToString();
    entry = std::move(*sealed);
  }
}

void IdentityFixture::ResealRecord(LocalLedger& ledger, Version version,
                                   const std::function<void(ServiceRecord&)>& edit) {
  Reseal(ledger, version, [&](WriteSet& writes) {
    const std::optional<Bytes>* value = writes.Find(local::kServiceTable.name, AsBytes(local::kCurrentRow));
    ASSERT_TRUE(value != nullptr && value->has_value()) << "entry " << version << " writes no service record";
    auto record = local::DecodeServiceRecord(**value, version);
    ASSERT_TRUE(record) << record.error().ToString();
    edit(*record);
    ASSERT_TRUE(writes.Put(local::kServiceTable, AsBytes(local::kCurrentRow), local::EncodeServiceRecord(*record)));
  });
}

}  // namespace ledgerseal::kv::identity_test
