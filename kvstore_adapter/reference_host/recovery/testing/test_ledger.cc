#include "kvstore_adapter/reference_host/recovery/testing/test_ledger.h"

#include <memory>
#include <utility>

#include "crypto/public/random_source.h"
#include "crypto/public/sha256.h"
#include "crypto/public/rsa_key.h"
#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "kvstore_adapter/reference_host/state_machine/public/ledger_state_machine.h"
#include "kvstore_adapter/store/public/store.h"

namespace ledgerseal::kv::testing {
namespace {

namespace fs = std::filesystem;
namespace pb = ::ledgerseal::ledger::v1;
constexpr Table kApp{"app.private", Domain::kPrivate};
constexpr char kNodeId[] = "n0";

// Node n0's key pair, generated once per test binary (RSA generation is slow).
struct NodeKeys {
  crypto::RsaPrivateKey key;
  crypto::RsaPublicKey pub;
};

Result<const NodeKeys*> Keys() {
  static const auto keys = []() -> crypto::CryptoResult<std::unique_ptr<const NodeKeys>> {
    auto key = crypto::RsaPrivateKey::Generate(2048);
    if (!key) return std::unexpected(key.error());
    auto der = key->PublicKeyDer();
    if (!der) return std::unexpected(der.error());
    auto pub = crypto::RsaPublicKey::FromDer(*der);
    if (!pub) return std::unexpected(pub.error());
    return std::make_unique<const NodeKeys>(NodeKeys{std::move(*key), std::move(*pub)});
  }();
  if (!keys) return MakeError(ErrorCode::kInternal, "test node key: " + keys.error().ToString());
  return keys->get();
}

// Writes the entries through a state machine over a store in `store_dir`.
// A service record and its key as one entry's writes (membership writes
// through a Transaction, so a scratch one over the store collects them).
Status PutService(WriteSet& ws, Store& store, const pb::ServiceInfo& record, const ServiceKey& key) {
  SnapshotTransaction tx(nullptr, store.Snapshot());
  if (auto s = membership::PutService(tx, record); !s) return s;
  if (auto s = membership::PutServiceKey(tx, key); !s) return s;
  return ws.Merge(tx.writes());
}

// The record a recovery at `v` writes, endorsed as `flaw` says.
Result<pb::ServiceInfo> SuccessorRecord(const ServiceKey& old_key, const ServiceKey& new_key, Version v,
                                        ByteView previous_entry, TestLedgerOptions::Flaw flaw) {
  auto digest = crypto::Sha256(previous_entry);
  if (!digest) return MakeError(ErrorCode::kInternal, digest.error().ToString());
  ServiceRecord r;
  r.service_id = new_key.identity().service_id;
  r.created_at_version = v;
  r.previous_service_id = old_key.identity().service_id;
  r.recovery_count = 1;
  r.identity_algorithm = static_cast<uint32_t>(kServiceIdentityAlgorithm);
  r.identity_public_key_der = new_key.identity().public_key_der;
  r.recovered_to_version = v - 1;
  r.recovered_tail_digest.assign(digest->begin(), digest->end());
  if (flaw == TestLedgerOptions::Flaw::kWrongTailDigest) r.recovered_tail_digest[0] ^= 1;
  if (flaw == TestLedgerOptions::Flaw::kSelfEndorsed) {
    ServiceRecord as_own = r;
    as_own.previous_service_id = new_key.identity().service_id;
    if (auto s = new_key.Endorse(as_own); !s) return std::unexpected(s.error());
    r.endorsement = as_own.endorsement;
  } else if (auto s = old_key.Endorse(r); !s) {
    return std::unexpected(s.error());
  }
  return membership::FromServiceRecord(r);
}

Status WriteEntries(const TestLedgerOptions& options, const NodeKeys& keys, const fs::path& store_dir,
                    crypto::RandomSource& random, TestLedger& out, Bytes& sibling) {
  auto service_key = ServiceKey::Generate();
  if (!service_key) return std::unexpected(service_key.error());
  out.service_id = out.genesis_service_id = service_key->identity().service_id;
  Bytes previous_entry;
  const SecretBytes store_key{std::vector<uint8_t>(32, 7)};
  auto store = Store::Open(StoreOptions{.dir = store_dir, .encryption_key = &store_key});
  if (!store) return std::unexpected(store.error());
  secrets::LedgerSecrets known;
  if (auto s = known.Add(1, out.chain[0].Clone()); !s) return s;
  StateMachineDeps deps{kNodeId, &keys.key, {}, store->get(), &known, &random};
  deps.ledger_options.dir = out.ledger_dir;
  deps.ledger_options.max_chunk_bytes = options.max_chunk_bytes;
  auto sm = LedgerStateMachine::Open(std::move(deps));
  if (!sm) return std::unexpected(sm.error());
  for (Version v = 1; v <= options.entries; ++v) {
    const std::string key = "k" + std::to_string(v);
    const std::string value = "v" + std::to_string(v);
    WriteSet ws;
    if (auto s = ws.Put(kApp, AsBytes(key), AsBytes(value)); !s) return s;
    if (v == 1) {
      auto record = membership::NewServiceRecord(service_key->identity(), 1);
      if (!options.genesis_identity) {
        record.clear_identity_algorithm();
        record.clear_identity_public_key_der();
      }
      if (auto s = PutService(ws, **store, record, *service_key); !s) return s;
    }
    if (v == options.successor_at) {
      auto next_key = ServiceKey::Generate();
      if (!next_key) return std::unexpected(next_key.error());
      auto record = SuccessorRecord(*service_key, *next_key, v, previous_entry, options.successor_flaw);
      if (!record) return std::unexpected(record.error());
      if (auto s = PutService(ws, **store, *record, *next_key); !s) return s;
      service_key.emplace(std::move(*next_key));
      out.service_id = service_key->identity().service_id;
    }
    const std::string header_service = v == options.foreign_service_at ? "0123456789abcdef0123456789abcdef"
                                                                        : out.service_id;
    uint32_t flags = 0;
    const uint64_t current = out.chain.size();
    if (options.rotate_at.contains(v)) {
      auto next = secrets::NewSecret(random);
      if (!next) return std::unexpected(next.error());
      out.chain.push_back(std::move(*next));
      const secrets::SecretRecipient r[] = {{kNodeId, &keys.pub}};
      if (auto s = secrets::WriteRotation(ws, random, current + 1, out.chain.back(),
                                          secrets::PreviousSecret{current, &out.chain[current - 1]}, r);
          !s) {
        return s;
      }
      flags = entry::kFlagRotation;
    }
    const auto last = (*sm)->last_entry();
    if (!last.digest) return MakeError(ErrorCode::kInternal, "test ledger: no digest of the last entry");
    const entry::EntryHeader header{v, current, flags, header_service, 0, *last.digest};
    auto e = entry::EncodeEntry(random, header, ws, out.chain[current - 1]);
    if (!e) return std::unexpected(e.error());
    if (v == options.sibling_at) {
      WriteSet other;
      if (auto s = other.Put(kApp, AsBytes(key), AsBytes("sibling" + std::to_string(v))); !s) return s;
      auto s = entry::EncodeEntry(random, header, other, out.chain[current - 1]);
      if (!s) return std::unexpected(s.error());
      sibling = std::move(*s);
    }
    auto applied = (*sm)->Apply(*e);
    if (!applied) return std::unexpected(applied.error());
    if (applied->result != ApplyResult::kApplied) {
      return MakeError(ErrorCode::kInternal, "test ledger: entry " + std::to_string(v) + " was not applied");
    }
    out.expected.emplace(key, value);
    previous_entry = std::move(*e);
  }
  return {};
}

// Rewrites the ledger in `dir` with `replacement` in place of entry `at`.
Status SpliceIn(const fs::path& dir, const TestLedgerOptions& options, Version at, const Bytes& replacement) {
  std::vector<Bytes> entries;
  {
    auto view = ledger::LedgerView::Open(dir);
    if (!view) return std::unexpected(view.error());
    auto walked = (*view)->ForEach(1, [&](Version v, ByteView bytes) {
      entries.push_back(v == at ? replacement : Bytes(bytes.begin(), bytes.end()));
      return true;
    });
    if (!walked) return walked;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "test ledger: removing " + dir.string() + ": " + ec.message());
  ledger::LedgerOptions ledger_options;
  ledger_options.dir = dir;
  ledger_options.max_chunk_bytes = options.max_chunk_bytes;
  auto writer = ledger::LedgerWriter::Open(ledger_options);
  if (!writer) return std::unexpected(writer.error());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (auto s = (*writer)->Append(i + 1, entries[i]); !s) return s;
  }
  return {};
}

}  // namespace

Result<TestLedger> WriteTestLedger(const TestLedgerOptions& options) {
  auto keys = Keys();
  if (!keys) return std::unexpected(keys.error());
  crypto::OpenSslRandomSource random;
  TestLedger out;
  out.ledger_dir = options.dir / "ledger";
  auto first = secrets::NewSecret(random);
  if (!first) return std::unexpected(first.error());
  out.chain.push_back(std::move(*first));
  const fs::path store_dir = options.dir / "writer-store";
  Bytes sibling;
  if (auto s = WriteEntries(options, **keys, store_dir, random, out, sibling); !s) {
    return std::unexpected(s.error());
  }
  std::error_code ec;
  fs::remove_all(store_dir, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "test ledger: removing " + store_dir.string() + ": " + ec.message());
  if (!sibling.empty()) {
    if (auto s = SpliceIn(out.ledger_dir, options, options.sibling_at, sibling); !s) return std::unexpected(s.error());
  }
  out.latest_version = out.chain.size();
  out.latest = out.chain.back().Clone();
  return out;
}

}  // namespace ledgerseal::kv::testing
