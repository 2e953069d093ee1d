#include "integration/bench/synthetic_ledger.h"

#include <fstream>

#include <iterator>

#include "kvstore_adapter/host_support/public/memory_state.h"
#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"
#include "plugin/local_sealing/public/local_sealing.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_format.h"
#include "plugin/public/sealing_key.h"

namespace ledgerseal::bench {
namespace {

namespace fs = std::filesystem;
constexpr size_t kValueBytes = 1024;

kv::Error Failed(const std::string& what) { return {kv::ErrorCode::kInternal, what}; }

// Everything needed to write entries: secrets, the node's keys, the writer.
struct Generator {
  crypto::OpenSslRandomSource random;
  std::shared_ptr<snp::VirtualProvider> provider;
  std::unique_ptr<crypto::RsaPrivateKey> node_key;
  std::unique_ptr<crypto::RsaPublicKey> node_public;
  std::optional<sealing::PreparedRecipient> recipient;
  std::unique_ptr<kv::ledger::LedgerWriter> writer;
  kv::SecretBytes secret;
  uint64_t secret_version = 0;
  uint64_t bytes = 0;
  std::string latest_shares;  // the serialised SignedSealedShares
  std::optional<kv::ServiceKey> service_key;

  kv::Status Append(const kv::WriteSet& writes, uint32_t flags, const kv::SecretBytes& under,
                    uint64_t under_version) {
    const kv::Version v = writer->next_version();
    auto entry = kv::entry::EncodeEntry(random, {v, under_version, flags, service_key->identity().service_id, 1},
                                        writes, under);
    if (!entry) return std::unexpected(entry.error());
    bytes += entry->size();
    return writer->Append(v, *entry);
  }

  // A rotation: the new secret for the node, the chain link, and its sealed
  // shares, all in one entry under the previous secret (genesis: the new).
  kv::Status Rotate() {
    auto fresh = kv::secrets::NewSecret(random);
    if (!fresh) return std::unexpected(fresh.error());
    const uint64_t version = secret_version + 1;
    kv::WriteSet writes;
    std::optional<kv::secrets::PreviousSecret> previous;
    if (secret_version != 0) previous = kv::secrets::PreviousSecret{secret_version, &secret};
    const kv::secrets::SecretRecipient r{"n1", node_public.get()};
    if (auto s = kv::secrets::WriteRotation(writes, random, version, *fresh, previous, {&r, 1}); !s) return s;
    auto shares = sealing::SealShares(random, *service_key, version, *fresh, std::span(&*recipient, 1));
    if (!shares) return std::unexpected(Failed(shares.error().ToString()));
    auto record = sealing::SerializeRecord(*shares);
    if (!record) return std::unexpected(Failed(record.error().ToString()));
    latest_shares.assign(record->begin(), record->end());
    if (secret_version == 0) {  // the genesis: the service record and its key
      const kv::MemoryState empty;
      kv::SnapshotTransaction tx(nullptr, empty.Snapshot());
      if (auto s = kv::membership::PutService(tx, kv::membership::NewServiceRecord(service_key->identity(), 1)); !s) {
        return s;
      }
      if (auto s = kv::membership::PutServiceKey(tx, *service_key); !s) return s;
      if (auto s = writes.Merge(tx.writes()); !s) return s;
    }
    if (auto put = writes.Put({sealing::kSharesTable, kv::Domain::kPublic}, kv::AsBytes(sealing::kSharesKey), *record);
        !put) {
      return put;
    }
    const bool genesis = secret_version == 0;
    auto s = Append(writes, kv::entry::kFlagRotation, genesis ? *fresh : secret,
                    genesis ? version : secret_version);
    secret = std::move(*fresh);
    secret_version = version;
    return s;
  }

  kv::Status Filler(uint64_t i) {
    kv::WriteSet writes;
    kv::Bytes value(kValueBytes);
    if (!random.Fill(value)) return std::unexpected(Failed("random"));
    const std::string key = "account-" + std::to_string(i);
    if (auto s = writes.Put({"app.private", kv::Domain::kPrivate}, kv::AsBytes(key), value); !s) return s;
    if (auto s = writes.Put({"app.public", kv::Domain::kPublic}, kv::AsBytes(key), kv::AsBytes("v")); !s) return s;
    return Append(writes, 0, secret, secret_version);
  }
};

kv::Status Setup(Generator& g, const fs::path& dir) {
  snp::VirtualPlatformOptions options;
  options.machine_secret_path = dir / "machine.secret";
  auto provider = snp::VirtualProvider::Open(options);
  if (!provider) return std::unexpected(Failed(provider.error().message));
  g.provider = std::move(*provider);
  auto key = crypto::RsaPrivateKey::Generate(2048);
  if (!key) return std::unexpected(Failed("rsa"));
  g.node_key = std::make_unique<crypto::RsaPrivateKey>(std::move(*key));
  g.node_public = std::make_unique<crypto::RsaPublicKey>(*crypto::RsaPublicKey::FromDer(*g.node_key->PublicKeyDer()));
  auto request = sealing::DefaultDerivedKeyRequest(*g.provider);
  if (!request) return std::unexpected(Failed(request.error().ToString()));
  auto service_key = kv::ServiceKey::Generate();
  if (!service_key) return std::unexpected(service_key.error());
  g.service_key.emplace(std::move(*service_key));
  auto sealed = sealing::SealRecoveryKey(*g.provider, g.random, *request, kIdentity, "n1", g.service_key->identity());
  if (!sealed) return std::unexpected(Failed(sealed.error().ToString()));
  auto prepared = sealing::PreparedRecipient::Prepare({kIdentity, "n1", *sealed});
  if (!prepared) return std::unexpected(Failed(prepared.error().ToString()));
  g.recipient = std::move(*prepared);
  kv::ledger::LedgerOptions ledger;
  ledger.dir = dir / "ledger";
  ledger.sync_every_append = false;
  auto writer = kv::ledger::LedgerWriter::Open(ledger);
  if (!writer) return std::unexpected(writer.error());
  g.writer = std::move(*writer);
  return {};
}

kv::Result<SyntheticLedger> Reuse(const fs::path& dir) {
  std::ifstream marker(dir / "complete");
  SyntheticLedger out;
  if (!(marker >> out.entries >> out.bytes)) return kv::MakeError(kv::ErrorCode::kNotFound, "incomplete");
  std::ifstream record(dir / "latest_shares", std::ios::binary);
  out.latest_shares.assign(std::istreambuf_iterator<char>(record), {});
  if (out.latest_shares.empty()) return kv::MakeError(kv::ErrorCode::kNotFound, "no record");
  snp::VirtualPlatformOptions options;
  options.machine_secret_path = dir / "machine.secret";
  auto provider = snp::VirtualProvider::Open(options);
  if (!provider) return kv::MakeError(kv::ErrorCode::kNotFound, provider.error().message);
  out.provider = std::move(*provider);
  out.data_dir = dir;
  return out;
}

}  // namespace

kv::Result<SyntheticLedger> MakeSyntheticLedger(const fs::path& root, const std::string& name,
                                                uint64_t target_bytes) {
  const fs::path dir = root / name;
  if (auto reused = Reuse(dir)) return reused;
  fs::remove_all(dir);
  fs::create_directories(dir);
  Generator g;
  if (auto s = Setup(g, dir); !s) return std::unexpected(s.error());
  if (auto s = g.Rotate(); !s) return std::unexpected(s.error());
  uint64_t i = 0;
  while (g.bytes < target_bytes) {
    if (auto s = g.Filler(i++); !s) return std::unexpected(s.error());
  }
  if (auto s = g.Rotate(); !s) return std::unexpected(s.error());
  for (uint64_t k = 0; k < kEntriesAfterLastRotation; ++k) {
    if (auto s = g.Filler(i++); !s) return std::unexpected(s.error());
  }
  if (auto s = g.writer->Sync(); !s) return std::unexpected(s.error());
  SyntheticLedger out{dir, g.writer->last_version(), g.bytes, g.provider, g.latest_shares};
  std::ofstream(dir / "latest_shares", std::ios::binary) << g.latest_shares;
  std::ofstream(dir / "complete") << out.entries << " " << out.bytes << "\n";
  return out;
}

}  // namespace ledgerseal::bench
