// The host conformance suite (kvstore_adapter/conformance) run on LocalHost:
// a HostFactory over LocalHost's public API, and nothing else.
#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "crypto/public/random_source.h"
#include "kvstore_adapter/conformance/host_conformance.h"
#include "kvstore_adapter/local_host/public/local_host.h"

namespace ledgerseal::kv {
namespace {

using conformance::HostUnderTest;
using conformance::kDataTable;
using conformance::RegisterHooks;
using conformance::StoppedHost;

// The suite's payloads are fixed bytes: its test plugin does not bind them
// to the service identity, so the factory hands the same bytes to every
// identity LocalHost asks for.
LocalHostOptions Options(const Bytes& join_payload) {
  return {.node = {"local-1", "local-seal-1", ""},
          .join_payload_for = [join_payload](const ServiceIdentity&) -> Result<Bytes> { return join_payload; },
          .previous_sealing_identity = "",
          .expected_previous_service_id = "",
          .service_key_pkcs8 = {},
          .random = std::make_shared<crypto::OpenSslRandomSource>()};
}

class LocalHostUnderTest final : public HostUnderTest {
 public:
  explicit LocalHostUnderTest(std::unique_ptr<LocalHost> host) : host_(std::move(host)) {}

  Result<Version> Put(const std::string& key, const std::string& value) override {
    auto tx = host_->BeginTransaction();
    if (!tx) return std::unexpected(tx.error());
    if (auto s = (*tx)->Put(kDataTable, AsBytes(key), AsBytes(value)); !s) return std::unexpected(s.error());
    return host_->Commit(std::move(*tx));
  }
  Result<std::optional<std::string>> Get(const std::string& key) override {
    auto value = host_->state().Snapshot()->Get(kDataTable.name, AsBytes(key));
    if (!value) return std::unexpected(value.error());
    if (!*value) return std::optional<std::string>();
    return std::optional<std::string>(std::string(AsString(**value)));
  }
  Result<Version> Rotate() override {
    auto tx = host_->BeginTransaction();
    if (!tx) return std::unexpected(tx.error());
    return host_->Commit(std::move(*tx), CommitOptions{.rotate_secret = true});
  }
  Result<Version> AdmitAndTrust(const std::string& node_id, const std::string& sealing_identity,
                                const Bytes& join_payload) override {
    if (auto admitted = host_->AdmitNode({node_id, sealing_identity, join_payload}); !admitted) return admitted;
    return host_->TrustNode(node_id);
  }
  Result<Version> Retire(const std::string& node_id) override { return host_->RetireNode(node_id); }
  Result<Version> LastVersion() override { return host_->state().version(); }
  std::string ServiceId() override { return host_->node().service_id; }

  std::unique_ptr<LocalHost> Release() { return std::move(host_); }

 private:
  std::unique_ptr<LocalHost> host_;
};

// A total outage of an in-memory host: its ledger is all that is left.
class StoppedLocalHost final : public StoppedHost {
 public:
  StoppedLocalHost(LocalLedger ledger, Bytes join_payload)
      : ledger_(std::move(ledger)), join_payload_(std::move(join_payload)) {}

  // SHA-256 over every field of every entry, oldest first: the version, the
  // secret version, each public table (name, domain) with each write (key,
  // present, value), the IV, the ciphertext and the tag. Each variable-length
  // field is length-prefixed, so no two ledgers share an encoding.
  Result<std::string> Fingerprint() const override {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
      return MakeError(ErrorCode::kInternal, "SHA-256 init failed");
    }
    bool ok = true;
    const auto number = [&](uint64_t v) {
      uint8_t bytes[8];
      for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
      ok = ok && EVP_DigestUpdate(ctx.get(), bytes, sizeof(bytes)) == 1;
    };
    const auto field = [&](ByteView bytes) {
      number(bytes.size());
      ok = ok && EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1;
    };
    number(ledger_.size());
    for (const LocalLedgerEntry& e : ledger_) {
      number(e.version);
      number(e.ledger_secret_version);
      number(e.public_writes.tables().size());
      for (const auto& [name, table] : e.public_writes.tables()) {
        field(AsBytes(name));
        number(static_cast<uint64_t>(table.domain));
        number(table.writes.size());
        for (const auto& [key, value] : table.writes) {
          field(key);
          number(value ? 1 : 0);
          if (value) field(*value);
        }
      }
      field(AsBytes(e.iv));
      field(AsBytes(e.ciphertext));
      field(AsBytes(e.tag));
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &digest_size) != 1) {
      return MakeError(ErrorCode::kInternal, "SHA-256 failed");
    }
    return ToHex(ByteView(digest, digest_size));
  }

  const LocalLedger& ledger() const { return ledger_; }
  const Bytes& join_payload() const { return join_payload_; }

 private:
  LocalLedger ledger_;
  Bytes join_payload_;
};

class LocalHostFactory final : public conformance::HostFactory {
 public:
  Result<std::unique_ptr<HostUnderTest>> StartService(const RegisterHooks& hooks,
                                                      const Bytes& genesis_join_payload) override {
    auto host = LocalHost::Create(Options(genesis_join_payload));
    if (!host) return std::unexpected(host.error());
    if (auto s = hooks(**host); !s) return std::unexpected(s.error());
    if (auto genesis = (*host)->Genesis(); !genesis) return std::unexpected(genesis.error());
    join_payload_ = genesis_join_payload;
    return std::make_unique<LocalHostUnderTest>(std::move(*host));
  }

  Result<std::unique_ptr<StoppedHost>> Stop(std::unique_ptr<HostUnderTest> host) override {
    auto* local = dynamic_cast<LocalHostUnderTest*>(host.get());
    if (local == nullptr) return MakeError(ErrorCode::kInvalidArgument, "not a LocalHost");
    const std::unique_ptr<LocalHost> released = local->Release();
    return std::make_unique<StoppedLocalHost>(released->ledger(), join_payload_);
  }

  Result<std::unique_ptr<HostUnderTest>> Recover(StoppedHost& stopped, const RegisterHooks& hooks) override {
    auto* local = dynamic_cast<StoppedLocalHost*>(&stopped);
    if (local == nullptr) return MakeError(ErrorCode::kInvalidArgument, "not a stopped LocalHost");
    auto host = LocalHost::Recover(local->ledger(), Options(local->join_payload()), hooks);
    if (!host) return std::unexpected(host.error());
    return std::make_unique<LocalHostUnderTest>(std::move(*host));
  }

 private:
  Bytes join_payload_;
};

INSTANTIATE_HOST_CONFORMANCE(LocalHost, [] { return std::make_unique<LocalHostFactory>(); });

}  // namespace
}  // namespace ledgerseal::kv
