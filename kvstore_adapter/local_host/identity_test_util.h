// TEST ONLY: what the service-identity tests of LocalHost share: hooks that
// record the identity side of each context, a fixture that starts and
// recovers services with known keys, and helpers that rewrite an entry of a
// ledger and reseal it (LocalHost's internal formats), so a test can build a
// ledger that authenticates but breaks one identity check.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_IDENTITY_TEST_UTIL_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_IDENTITY_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kvstore_adapter/conformance/test_hooks.h"
#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/local_host/public/local_host.h"

namespace ledgerseal::kv::identity_test {

inline constexpr std::string_view kTestDomain = "local host identity test";

// What one commit context said about the service identity.
struct SeenContext {
  std::string service_id;
  bool trusted_nodes_filled = false;
  bool recovery = false;
  bool has_signer = false;
  ServiceIdentity signer;            // when has_signer
  bool signature_verifies = false;   // a Sign(kTestDomain) verified under `signer`
  bool endorsement_refused = false;  // Sign(kEndorsementDomain) was refused
};

// A transaction hook that records every context (and tries the signer).
class IdentityHook final : public TransactionHook {
 public:
  Status OnCommit(Transaction& tx) override;
  std::vector<SeenContext> seen() const { return seen_; }
  size_t count() const { return seen_.size(); }

 private:
  std::vector<SeenContext> seen_;
};

// Wraps a recovery hook: records the contexts it is called with and may
// edit what the inner hook returns.
class WrappedRecoveryHook final : public RecoveryHook {
 public:
  WrappedRecoveryHook(std::shared_ptr<RecoveryHook> inner, std::function<void(RecoveredSecret&)> edit)
      : inner_(std::move(inner)), edit_(std::move(edit)) {}
  Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) override;
  Status OnRecovered(Transaction& tx, const RecoveredSecret& secret) override {
    return inner_->OnRecovered(tx, secret);
  }
  // (expected_previous_service_id, node.service_id) of each Unseal call.
  std::vector<std::pair<std::string, std::string>> contexts() const { return contexts_; }

 private:
  std::shared_ptr<RecoveryHook> inner_;
  std::function<void(RecoveredSecret&)> edit_;
  std::vector<std::pair<std::string, std::string>> contexts_;
};

// A fresh P-256 key as PKCS#8 (test keys: kept to sign and to search for).
SecretBytes NewKeyPkcs8();
ServiceKey KeyOf(const SecretBytes& pkcs8);
// The 32-byte private scalar inside a P-256 PKCS#8 key.
Bytes PrivateScalar(const SecretBytes& pkcs8);
// True if `needle` occurs in `haystack`.
bool Contains(ByteView haystack, ByteView needle);

// The service record `ledger`'s entry `version` writes; std::nullopt if
// none. Errors: DecodeServiceRecord's.
Result<std::optional<ServiceRecord>> RecordAt(const LocalLedger& ledger, Version version);

class IdentityFixture : public ::testing::Test {
 protected:
  // Starts a service (its genesis committed) with `key` (PKCS#8; empty: a
  // generated one), the escrow and identity_ registered.
  std::unique_ptr<LocalHost> Start(SecretBytes key = {});
  // Recovers `ledger` with the escrow's recovery hook (or `hook`), the
  // escrow and identity_; `key` and `pin` go to the options.
  Result<std::unique_ptr<LocalHost>> RecoverFrom(const LocalLedger& ledger, SecretBytes key = {},
                                                 std::string pin = "",
                                                 std::shared_ptr<RecoveryHook> hook = nullptr);
  // Commits one private write.
  static Result<Version> Write(LocalHost& host, std::string_view key);

  // Opens `ledger`'s entry `version` under the escrow's copy of its secret,
  // lets `edit` change its writes and reseals it in place: the entry
  // authenticates again, with the edit, and keeps its previous entry digest.
  // Every later entry is resealed too, chained to the new bytes, so the
  // ledger still chains (a later successor record's recovered_tail_digest
  // is not updated: it no longer matches).
  void Reseal(LocalLedger& ledger, Version version, const std::function<void(WriteSet&)>& edit);
  // Reseal, editing the entry's service record.
  void ResealRecord(LocalLedger& ledger, Version version, const std::function<void(ServiceRecord&)>& edit);
  // The writes of `ledger`'s entry `version`, opened as Reseal does.
  WriteSet Open(const LocalLedger& ledger, Version version);

  std::shared_ptr<conformance::EscrowPlugin> escrow_ = std::make_shared<conformance::EscrowPlugin>();
  std::shared_ptr<IdentityHook> identity_ = std::make_shared<IdentityHook>();
  // Every identity LocalHost asked a join payload for, in order.
  std::vector<ServiceIdentity> payload_requests_;
};

}  // namespace ledgerseal::kv::identity_test

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_IDENTITY_TEST_UTIL_H_
