#include "kvstore_adapter/reference_host/state_machine/public/ledger_state_machine.h"

#include <openssl/crypto.h>

#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "base/check.h"

#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "crypto/public/aead_box.h"

namespace ledgerseal::kv {

namespace pb = ::ledgerseal::ledger::v1;
namespace {

// 2: the image carries the digest of the entry at its version (entries are
// chained). Format 1 snapshots are refused.
constexpr uint32_t kSnapshotFormatVersion = 2;
constexpr std::string_view kSnapshotAadLabel = "ledgerseal snapshot v2";
// Restore's fetches from peers: batch size, and the pause after a batch
// that brought nothing.
constexpr uint32_t kRestoreFetchBatchBytes = 4u << 20;
constexpr int kRestoreFetchPollMs = 50;
// The most entry bytes Restore holds in memory while it checks a run from
// peers (a run is applied only once all of it checked).
constexpr uint64_t kRestoreMaxRunBytes = 512ull << 20;

// An entry whose previous_entry_digest is not the digest of the entry the
// node holds before it: authentic (it verified), but of another history
// (e.g. a proposal that lost its version, spliced in by the host).
std::unexpected<Error> NotChained(Version version) {
  return MakeError(ErrorCode::kCorruption, "entry " + std::to_string(version) + " does not follow entry " +
                                               std::to_string(version - 1) +
                                               " (previous_entry_digest mismatch)");
}

Bytes SnapshotAad(Version version, uint64_t secret_version) {
  Bytes aad(kSnapshotAadLabel.begin(), kSnapshotAadLabel.end());
  for (uint64_t v : {version, secret_version}) {
    for (int shift = 56; shift >= 0; shift -= 8) aad.push_back(static_cast<uint8_t>(v >> shift));
  }
  return aad;
}

// The store's image at `snapshot`: every live key of every table, the
// tables of each domain apart. Tables without keys are left out.
Result<pb::StoreImage> ImageOf(const Store& store, const StateSnapshot& snapshot) {
  pb::StoreImage image;
  image.set_version(snapshot.version());
  for (const auto& [name, domain] : store.tables()) {
    auto* tables = domain == Domain::kPublic ? image.mutable_public_tables() : image.mutable_private_tables();
    auto* table = tables->add_tables();
    table->set_table(name);
    auto scanned = snapshot.ForEach(name, [&](ByteView k, ByteView v) {
      auto* w = table->add_writes();
      w->set_key(k.data(), k.size());
      w->set_value(v.data(), v.size());
      return true;
    });
    if (!scanned) return std::unexpected(scanned.error());
    if (table->writes().empty()) tables->mutable_tables()->RemoveLast();
  }
  return image;
}

// Overwrites the private keys and values an image holds in memory.
void WipePrivate(pb::StoreImage& image) {
  for (auto& table : *image.mutable_private_tables()->mutable_tables()) {
    for (auto& w : *table.mutable_writes()) {
      OPENSSL_cleanse(w.mutable_key()->data(), w.key().size());
      OPENSSL_cleanse(w.mutable_value()->data(), w.value().size());
    }
  }
}

}  // namespace

Bytes EncodeOutcome(const ApplyOutcome& outcome) {
  Bytes out{static_cast<uint8_t>(outcome.result)};
  for (uint64_t v : {outcome.version, outcome.applied_version}) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
  }
  return out;
}

Result<ApplyOutcome> DecodeOutcome(ByteView bytes) {
  if (bytes.size() != 17 || bytes[0] > 1) return MakeError(ErrorCode::kCorruption, "bad apply outcome");
  ApplyOutcome out{static_cast<ApplyResult>(bytes[0]), 0, 0};
  for (size_t i = 1; i < 9; ++i) out.version = (out.version << 8) | bytes[i];
  for (size_t i = 9; i < 17; ++i) out.applied_version = (out.applied_version << 8) | bytes[i];
  return out;
}

LedgerStateMachine::LedgerStateMachine(StateMachineDeps deps,
                                       std::unique_ptr<ledger::LedgerWriter> ledger)
    : deps_(std::move(deps)), ledger_(std::move(ledger)) {}

Result<std::unique_ptr<LedgerStateMachine>> LedgerStateMachine::Open(StateMachineDeps deps) {
  LEDGERSEAL_CHECK(deps.node_key && deps.store && deps.secrets && deps.random);
  auto writer = ledger::LedgerWriter::Open(deps.ledger_options);
  if (!writer) return std::unexpected(writer.error());
  std::unique_ptr<LedgerStateMachine> sm(new LedgerStateMachine(std::move(deps), std::move(*writer)));
  if (auto s = sm->CatchUpStore(); !s) return std::unexpected(s.error());
  return sm;
}

// The ledger files are the record: their last version is the applied one.
// (next_version() - 1 also covers a ledger restarted empty after a snapshot.)
Version LedgerStateMachine::applied_version() const { return ledger_->next_version() - 1; }

const ledger::RecoveryReport& LedgerStateMachine::ledger_recovery_report() const {
  return ledger_->recovery_report();
}

LedgerStateMachine::LastEntry LedgerStateMachine::last_entry() const {
  std::lock_guard lock(last_mu_);
  return last_;
}

void LedgerStateMachine::SetLastEntry(Version version, std::optional<Bytes> digest) {
  std::lock_guard lock(last_mu_);
  last_ = LastEntry{version, std::move(digest)};
}

// Also finds the digest of the ledger's last entry (one frame read when the
// store is up to date), and checks the chain of the entries it re-applies.
Status LedgerStateMachine::CatchUpStore() {
  const Version store_version = deps_.store->applied_version();
  const Version ledger_version = applied_version();
  if (store_version > ledger_version) {
    return MakeError(ErrorCode::kCorruption,
                     "the store is at version " + std::to_string(store_version) +
                         " but the ledger files end at " + std::to_string(ledger_version));
  }
  if (ledger_->last_version() == kNoVersion) {
    // A new ledger (nothing before version 1), or one restarted after a
    // snapshot whose last entry is not in the files.
    SetLastEntry(ledger_version, ledger_version == kNoVersion ? std::optional<Bytes>(Bytes{}) : std::nullopt);
    return {};
  }
  auto view = ledger::LedgerView::Open(deps_.ledger_options.dir);
  if (!view) return std::unexpected(view.error());
  // The digest of the entry at store_version: what the next one chains to.
  std::optional<Bytes> previous;
  if (store_version == kNoVersion) {
    previous = Bytes{};
  } else if (auto first = (*view)->first_version(); !first) {
    return std::unexpected(first.error());
  } else if (store_version >= *first) {
    auto at = (*view)->Get(store_version);
    if (!at) return std::unexpected(at.error());
    auto digest = entry::EntryDigest(at->payload);
    if (!digest) return std::unexpected(digest.error());
    previous = std::move(*digest);
  }  // else: before the files (they start after a snapshot): that link was checked when applied
  Status failed;
  if (store_version < ledger_version) {
    auto walked = (*view)->ForEach(store_version + 1, [&](Version v, ByteView bytes) {
      auto decoded = Verify(bytes);
      if (!decoded) {
        failed = std::unexpected(decoded.error());
        return false;
      }
      if (previous && decoded->header.previous_entry_digest != *previous) {
        failed = NotChained(v);
        return false;
      }
      auto digest = entry::EntryDigest(bytes);
      if (!digest) {
        failed = std::unexpected(digest.error());
        return false;
      }
      previous = std::move(*digest);
      if (auto applied = deps_.store->Apply(v, decoded->writes); !applied) {
        failed = std::unexpected(applied.error());
      }
      return failed.has_value();
    });
    if (!walked) return walked;
    if (!failed) return failed;
  }
  SetLastEntry(ledger_version, std::move(previous));
  return failed;
}

bool LedgerStateMachine::HoldsOwnSecretOf(const WriteSet& public_writes) const {
  const std::optional<Bytes>* value = public_writes.Find(secrets::kNodeSecretsTable.name, AsBytes(deps_.node_id));
  if (value == nullptr || !value->has_value()) return false;
  auto version = secrets::SecretVersionOfNodeSecretRecord(**value);
  return version && deps_.secrets->Get(*version).has_value();
}

Result<entry::DecodedEntry> LedgerStateMachine::Verify(ByteView bytes) const {
  return entry::DecodeAndVerifyWith(bytes, [this](uint64_t v) { return deps_.secrets->Get(v); });
}

Result<ApplyOutcome> LedgerStateMachine::Apply(ByteView bytes) {
  auto pub = entry::DecodePublic(bytes);
  if (!pub) return std::unexpected(pub.error());
  const Version applied = applied_version();
  const Version version = pub->header.version;
  if (version != applied + 1) return ApplyOutcome{ApplyResult::kStale, version, applied};

  auto decoded = Verify(bytes);
  if (!decoded) return std::unexpected(decoded.error());
  {
    std::lock_guard lock(last_mu_);
    if (!last_.digest) {
      return MakeError(ErrorCode::kCorruption, "entry " + std::to_string(version) +
                                                   " cannot be checked: the digest of entry " +
                                                   std::to_string(applied) + " is not known");
    }
    if (decoded->header.previous_entry_digest != *last_.digest) return NotChained(version);
  }
  auto digest = entry::EntryDigest(bytes);
  if (!digest) return std::unexpected(digest.error());
  if (decoded->header.flags & entry::kFlagRotation) {
    auto own = secrets::ReadOwnSecret(pub->public_writes, deps_.node_id, *deps_.node_key);
    if (!own && !HoldsOwnSecretOf(pub->public_writes)) return std::unexpected(own.error());
    if (own && *own) {
      if (deps_.on_secret_learned) deps_.on_secret_learned((*own)->version, (*own)->secret);
      if (auto added = deps_.secrets->Add((*own)->version, std::move((*own)->secret)); !added) {
        return std::unexpected(added.error());
      }
    }
  }
  // The ledger files first: they are the durable record; a crash before the
  // store apply is repaired by CatchUpStore at the next open.
  if (auto s = ledger_->Append(version, bytes); !s) return std::unexpected(s.error());
  // Before the store: a commit that sees the store at `version` must find
  // this digest (one that still sees version - 1 then aborts as a conflict).
  SetLastEntry(version, std::move(*digest));
  auto stored = deps_.store->Apply(version, decoded->writes);
  if (!stored) return std::unexpected(stored.error());
  // Open (CatchUpStore) brought the store level with the ledger, and both
  // took this version just now: bookkeeping, not file contents.
  LEDGERSEAL_CHECK(applied_version() == version && deps_.store->applied_version() == version);
  return ApplyOutcome{ApplyResult::kApplied, version, version};
}

Result<Bytes> LedgerStateMachine::Snapshot() {
  const uint64_t secret_version = deps_.secrets->latest_version();
  auto secret = deps_.secrets->Get(secret_version);
  if (!secret) return std::unexpected(secret.error());
  auto snapshot = deps_.store->Snapshot();
  const LastEntry last = last_entry();  // this thread is the only one that applies
  if (last.version != snapshot->version() || !last.digest) {
    return MakeError(ErrorCode::kInternal, "snapshot at version " + std::to_string(snapshot->version()) +
                                               ": the digest of that entry is not known");
  }
  auto image = ImageOf(*deps_.store, *snapshot);
  if (!image) return std::unexpected(image.error());
  image->set_last_entry_digest(last.digest->data(), last.digest->size());
  const WipedString plaintext(image->SerializeAsString());
  WipePrivate(*image);
  auto box = crypto::SealAeadBox(*deps_.random, secret->bytes(), plaintext.span(),
                                 SnapshotAad(snapshot->version(), secret_version));
  if (!box) return MakeError(ErrorCode::kInternal, "snapshot encryption failed: " + box.error().message);
  pb::EncryptedSnapshot out;
  out.set_format_version(kSnapshotFormatVersion);
  out.set_version(snapshot->version());
  out.set_ledger_secret_version(secret_version);
  out.set_iv(std::move(box->iv));
  out.set_ciphertext(std::move(box->ciphertext));
  out.set_tag(std::move(box->tag));
  const std::string bytes = out.SerializeAsString();
  return Bytes(bytes.begin(), bytes.end());
}

namespace {

// Parses the image an encrypted snapshot holds. The decrypted bytes are
// wiped before returning; the caller wipes the returned image's private part.
Result<pb::StoreImage> DecryptSnapshot(const pb::EncryptedSnapshot& in,
                                       const std::function<Result<SecretBytes>(uint64_t)>& secret_of) {
  if (in.format_version() == 1) {
    return MakeError(ErrorCode::kCorruption,
                     "snapshot at version " + std::to_string(in.version()) +
                         " is snapshot format 1 (written before entries were chained: it has no "
                         "last_entry_digest); this build reads snapshot format " +
                         std::to_string(kSnapshotFormatVersion) + " only");
  }
  if (in.format_version() != kSnapshotFormatVersion) {
    return MakeError(ErrorCode::kCorruption, "malformed snapshot: unknown format version " +
                                                 std::to_string(in.format_version()));
  }
  auto secret = secret_of(in.ledger_secret_version());
  if (!secret) return std::unexpected(secret.error());
  WipedString plaintext(in.ciphertext().size());
  auto opened = crypto::OpenAeadBox(plaintext.mutable_span(), secret->bytes(),
                                    AsBytes(in.iv()), AsBytes(in.ciphertext()), AsBytes(in.tag()),
                                    SnapshotAad(in.version(), in.ledger_secret_version()));
  if (!opened && opened.error().code == crypto::CryptoErrorCode::kInvalidArgument) {
    return MakeError(ErrorCode::kCorruption, "malformed snapshot: " + opened.error().message);
  }
  if (!opened) {
    return MakeError(ErrorCode::kCorruption,
                     "snapshot at version " + std::to_string(in.version()) + " does not authenticate");
  }
  pb::StoreImage image;
  if (!image.ParseFromString(plaintext.str()) || image.version() != in.version()) {
    WipePrivate(image);
    return MakeError(ErrorCode::kCorruption, "snapshot image does not parse or match its version");
  }
  if (image.last_entry_digest().size() != (image.version() == kNoVersion ? 0 : entry::kEntryDigestBytes)) {
    WipePrivate(image);
    return MakeError(ErrorCode::kCorruption, "snapshot at version " + std::to_string(in.version()) +
                                                 " has a last_entry_digest of " +
                                                 std::to_string(image.last_entry_digest().size()) + " bytes");
  }
  return image;
}

// The writes that turn the store's current contents into `image`.
Result<WriteSet> WritesToInstall(const Store& store, const pb::StoreImage& image) {
  WriteSet ws;
  for (const auto& [domain, tables] : {std::pair{Domain::kPublic, &image.public_tables()},
                                       std::pair{Domain::kPrivate, &image.private_tables()}}) {
    for (const auto& t : tables->tables()) {
      for (const auto& w : t.writes()) {
        if (auto s = ws.Put(Table{t.table(), domain}, AsBytes(w.key()), AsBytes(w.value())); !s) {
          return MakeError(ErrorCode::kCorruption, "snapshot: " + s.error().message);
        }
      }
    }
  }
  auto current = store.Snapshot();
  for (const auto& [name, domain] : store.tables()) {
    Status inner;
    auto scanned = current->ForEach(name, [&](ByteView k, ByteView) {
      if (ws.Find(name, k) == nullptr) inner = ws.Remove(Table{name, domain}, k);
      return inner.has_value();
    });
    if (!scanned) return std::unexpected(scanned.error());
    if (!inner) return std::unexpected(inner.error());
  }
  return ws;
}

}  // namespace

Status LedgerStateMachine::Restore(ByteView bytes) {
  pb::EncryptedSnapshot in;
  if (!in.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return MakeError(ErrorCode::kCorruption, "snapshot does not parse");
  }
  if (in.version() <= applied_version()) return {};  // nothing newer in it
  return deps_.fetch_entries ? CatchUpFromPeers(in) : InstallImage(in);
}

// The ledger is the record of the service, so a node behind a snapshot does
// not skip what it missed: it fetches those entries from peers and applies
// them as Raft would have. Peers are hostile until checked, and an entry
// can be authentic yet not committed (a proposal that lost its version, a
// host may have kept), so nothing is applied before the whole run is
// checked: each entry verified under a secret the node holds or learnt
// from an earlier entry of the run, chained to the one before, and the last
// one's digest equal to the one the snapshot (which opens only then)
// records. Raft's loop waits meanwhile: the fetch is bounded in time and
// bytes, and pre-vote keeps the pause from disturbing the leader.
Status LedgerStateMachine::CatchUpFromPeers(const pb::EncryptedSnapshot& in) {
  using Clock = std::chrono::steady_clock;
  const Version target = in.version();
  const Version start = applied_version();
  const auto deadline = Clock::now() + std::chrono::milliseconds(deps_.restore_fetch_budget_ms);
  const auto last = last_entry();
  if (!last.digest) {
    return MakeError(ErrorCode::kCorruption, "the digest of entry " + std::to_string(start) +
                                                 " is not known: cannot chain entries fetched from peers to it");
  }
  std::optional<Bytes> previous = last.digest;
  std::map<uint64_t, SecretBytes> learnt;  // secrets rotated within the run
  auto secret_of = [&](uint64_t v) -> Result<SecretBytes> {
    if (auto it = learnt.find(v); it != learnt.end()) return it->second.Clone();
    return deps_.secrets->Get(v);
  };
  std::vector<Bytes> run;
  uint64_t run_bytes = 0;
  std::string last_problem = "no peer had the entries";
  auto failed = [&](ErrorCode code, const std::string& why) {
    return MakeError(code, "a raft snapshot of version " + std::to_string(target) + " arrived at version " +
                               std::to_string(start) + "; the entries in between, fetched from peers: " + why +
                               " (nothing applied)");
  };
  // Each pass checks at least one more entry, or waits kRestoreFetchPollMs
  // towards the deadline: bounded whatever peers answer.
  while (start + run.size() < target) {
    if (Clock::now() > deadline) {
      return failed(ErrorCode::kUnavailable, "reached version " + std::to_string(start + run.size()) + " in " +
                                                 std::to_string(deps_.restore_fetch_budget_ms) + " ms (" +
                                                 last_problem + ")");
    }
    const Version from = start + run.size() + 1;
    auto batch = deps_.fetch_entries(from, kRestoreFetchBatchBytes);
    bool progressed = false;
    if (!batch) {
      last_problem = batch.error().message;
    } else {
      for (Bytes& bytes : *batch) {
        const Version expected = start + run.size() + 1;
        if (expected > target) break;  // Raft delivers those
        auto pub = entry::DecodePublic(bytes);
        if (!pub) return failed(ErrorCode::kCorruption, pub.error().message);
        if (pub->header.version != expected) {
          return failed(ErrorCode::kCorruption, "entry " + std::to_string(pub->header.version) + " came where entry " +
                                                    std::to_string(expected) + " was asked for");
        }
        auto decoded = entry::DecodeAndVerifyWith(bytes, secret_of);
        if (!decoded) return failed(decoded.error().code, decoded.error().message);
        if (decoded->header.previous_entry_digest != *previous) {
          return failed(ErrorCode::kCorruption, NotChained(expected).error().message);
        }
        if (decoded->header.flags & entry::kFlagRotation) {
          auto own = secrets::ReadOwnSecret(pub->public_writes, deps_.node_id, *deps_.node_key);
          if (!own && !HoldsOwnSecretOf(pub->public_writes)) return failed(own.error().code, own.error().message);
          if (own && *own) learnt.insert_or_assign((*own)->version, std::move((*own)->secret));
        }
        auto digest = entry::EntryDigest(bytes);
        if (!digest) return failed(ErrorCode::kCorruption, digest.error().message);
        previous = std::move(*digest);
        run_bytes += bytes.size();
        if (run_bytes > kRestoreMaxRunBytes) {
          return failed(ErrorCode::kUnavailable, "more than " + std::to_string(kRestoreMaxRunBytes >> 20) +
                                                     " MiB; this node is too far behind: join anew");
        }
        run.push_back(std::move(bytes));
        progressed = true;
      }
      if (!progressed) last_problem = "peers had nothing from version " + std::to_string(from);
    }
    if (!progressed) std::this_thread::sleep_for(std::chrono::milliseconds(kRestoreFetchPollMs));
  }
  // The snapshot opens now (its secret is held or learnt), and must record
  // the entry the run ends with: else the run is another history.
  auto image = DecryptSnapshot(in, secret_of);
  if (!image) return std::unexpected(image.error());
  const bool same_end = ToBytes(image->last_entry_digest()) == *previous;
  WipePrivate(*image);
  if (!same_end) {
    return failed(ErrorCode::kCorruption, "they do not end with the entry the snapshot records at version " +
                                              std::to_string(target));
  }
  for (const Bytes& bytes : run) {
    auto outcome = Apply(bytes);
    if (!outcome) return std::unexpected(outcome.error());
    LEDGERSEAL_CHECK(outcome->result == ApplyResult::kApplied);  // checked above, in order
  }
  LEDGERSEAL_CHECK(applied_version() == target && last_entry().digest == previous);
  return {};
}

Status LedgerStateMachine::InstallImage(const pb::EncryptedSnapshot& in) {
  const Version version = in.version();
  auto image = DecryptSnapshot(in, [this](uint64_t v) { return deps_.secrets->Get(v); });
  if (!image) return std::unexpected(image.error());
  Bytes last_digest(image->last_entry_digest().begin(), image->last_entry_digest().end());
  auto ws = WritesToInstall(*deps_.store, *image);
  WipePrivate(*image);
  if (!ws) return std::unexpected(ws.error());
  if (auto applied = deps_.store->Apply(version, *ws); !applied) return std::unexpected(applied.error());
  // The next entry must chain to the snapshot's last one.
  SetLastEntry(version, std::move(last_digest));
  // The ledger cannot have a gap: keep the old files aside and start anew
  // after the snapshot's version.
  ledger_.reset();
  const auto dir = deps_.ledger_options.dir;
  std::error_code ec;
  std::filesystem::rename(dir, dir.string() + ".before-snapshot-" + std::to_string(version), ec);
  if (ec) return MakeError(ErrorCode::kIoError, "cannot move the ledger aside: " + ec.message());
  auto options = deps_.ledger_options;
  options.start_version = version + 1;
  auto writer = ledger::LedgerWriter::Open(options);
  if (!writer) return std::unexpected(writer.error());
  ledger_ = std::move(*writer);
  // The directory was just moved away, so the writer should have started it
  // anew; but it is on the host's disk, and a directory the host put back
  // with chunks in it continues from their last version instead.
  if (applied_version() != version) {
    return MakeError(ErrorCode::kCorruption,
                     "after restoring the snapshot of version " + std::to_string(version) + ", the ledger in " +
                         dir.string() + " continues from version " + std::to_string(applied_version()) +
                         " (it was moved aside and should have started empty)");
  }
  return {};
}

}  // namespace ledgerseal::kv
