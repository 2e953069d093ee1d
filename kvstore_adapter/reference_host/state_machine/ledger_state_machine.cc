#include "kvstore_adapter/reference_host/state_machine/public/ledger_state_machine.h"

#include <openssl/crypto.h>

#include <array>
#include <cassert>

#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "plugin/crypto/public/aes_gcm.h"

namespace ledgerseal::kv {

namespace pb = ::ledgerseal::ledger::v1;
namespace {

constexpr uint32_t kSnapshotFormatVersion = 1;
constexpr std::string_view kSnapshotAadLabel = "ledgerseal snapshot v1";

Bytes SnapshotAad(Version version, uint64_t secret_version) {
  Bytes aad(kSnapshotAadLabel.begin(), kSnapshotAadLabel.end());
  for (uint64_t v : {version, secret_version}) {
    for (int shift = 56; shift >= 0; shift -= 8) aad.push_back(static_cast<uint8_t>(v >> shift));
  }
  return aad;
}

std::span<const uint8_t, 32> Key32(const SecretBytes& s) {
  assert(s.size() == 32);
  return std::span<const uint8_t, 32>(s.bytes().data(), 32);
}

// Every live key of every table of `snapshot`, as a WriteSet.
Result<WriteSet> ImageOf(const Store& store, const StoreSnapshot& snapshot) {
  WriteSet image;
  for (const auto& [name, domain] : store.tables()) {
    Status inner;
    auto scanned = snapshot.ForEach(name, [&](ByteView k, ByteView v) {
      inner = image.Put(Table{name, domain}, k, v);
      return inner.has_value();
    });
    if (!scanned) return std::unexpected(scanned.error());
    if (!inner) return std::unexpected(inner.error());
  }
  return image;
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
  assert(deps.node_key && deps.store && deps.secrets && deps.random);
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

Status LedgerStateMachine::CatchUpStore() {
  const Version store_version = deps_.store->applied_version();
  const Version ledger_version = applied_version();
  if (store_version > ledger_version) {
    return MakeError(ErrorCode::kCorruption,
                     "the store is at version " + std::to_string(store_version) +
                         " but the ledger files end at " + std::to_string(ledger_version));
  }
  if (store_version == ledger_version) return {};
  auto view = ledger::LedgerView::Open(deps_.ledger_options.dir);
  if (!view) return std::unexpected(view.error());
  Status failed;
  auto walked = (*view)->ForEach(store_version + 1, [&](Version v, ByteView bytes) {
    auto decoded = Verify(bytes);
    if (!decoded) failed = std::unexpected(decoded.error());
    else if (auto applied = deps_.store->Apply(v, decoded->writes); !applied) {
      failed = std::unexpected(applied.error());
    }
    return failed.has_value();
  });
  if (!walked) return walked;
  return failed;
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
  if (decoded->header.flags & entry::kFlagRotation) {
    auto own = secrets::ReadOwnSecret(pub->public_writes, deps_.node_id, *deps_.node_key);
    if (!own) return std::unexpected(own.error());
    if (*own) {
      if (deps_.on_secret_learned) deps_.on_secret_learned((*own)->version, (*own)->secret);
      if (auto added = deps_.secrets->Add((*own)->version, std::move((*own)->secret)); !added) {
        return std::unexpected(added.error());
      }
    }
  }
  // The ledger files first: they are the durable record; a crash before the
  // store apply is repaired by CatchUpStore at the next open.
  if (auto s = ledger_->Append(version, bytes); !s) return std::unexpected(s.error());
  auto stored = deps_.store->Apply(version, decoded->writes);
  if (!stored) return std::unexpected(stored.error());
  assert(applied_version() == version && deps_.store->applied_version() == version);
  return ApplyOutcome{ApplyResult::kApplied, version, version};
}

Result<Bytes> LedgerStateMachine::Snapshot() {
  auto snapshot = deps_.store->Snapshot();
  auto image = ImageOf(*deps_.store, *snapshot);
  if (!image) return std::unexpected(image.error());
  pb::StoreImage proto;
  proto.set_version(snapshot->version());
  for (const auto& [name, t] : image->tables()) {
    auto* out = t.domain == Domain::kPublic ? proto.mutable_public_tables() : proto.mutable_private_tables();
    auto* table = out->add_tables();
    table->set_table(name);
    for (const auto& [k, v] : t.writes) {
      auto* w = table->add_writes();
      w->set_key(k.data(), k.size());
      w->set_value(v->data(), v->size());
    }
  }
  std::string plaintext = proto.SerializeAsString();
  const uint64_t secret_version = deps_.secrets->latest_version();
  auto secret = deps_.secrets->Get(secret_version);
  if (!secret) return std::unexpected(secret.error());
  std::array<uint8_t, crypto::kAesGcmIvBytes> iv{};
  std::array<uint8_t, crypto::kAesGcmTagBytes> tag{};
  std::string ciphertext(plaintext.size(), '\0');
  const bool ok = deps_.random->Fill(iv).has_value() &&
                  crypto::Aes256GcmSeal(
                      std::span(reinterpret_cast<uint8_t*>(ciphertext.data()), ciphertext.size()),
                      tag, Key32(*secret), iv, AsBytes(plaintext),
                      SnapshotAad(snapshot->version(), secret_version))
                      .has_value();
  OPENSSL_cleanse(plaintext.data(), plaintext.size());
  if (!ok) return MakeError(ErrorCode::kInternal, "snapshot encryption failed");
  pb::EncryptedSnapshot out;
  out.set_format_version(kSnapshotFormatVersion);
  out.set_version(snapshot->version());
  out.set_ledger_secret_version(secret_version);
  out.set_iv(iv.data(), iv.size());
  out.set_ciphertext(std::move(ciphertext));
  out.set_tag(tag.data(), tag.size());
  const std::string bytes = out.SerializeAsString();
  return Bytes(bytes.begin(), bytes.end());
}

namespace {

Result<Bytes> DecryptSnapshot(const pb::EncryptedSnapshot& in,
                              const secrets::LedgerSecrets& secrets) {
  auto secret = secrets.Get(in.ledger_secret_version());
  if (!secret) return std::unexpected(secret.error());
  if (in.format_version() != kSnapshotFormatVersion || in.iv().size() != crypto::kAesGcmIvBytes ||
      in.tag().size() != crypto::kAesGcmTagBytes) {
    return MakeError(ErrorCode::kCorruption, "malformed snapshot");
  }
  Bytes plaintext(in.ciphertext().size());
  auto opened = crypto::Aes256GcmOpen(
      plaintext, Key32(*secret),
      std::span<const uint8_t, crypto::kAesGcmIvBytes>(
          reinterpret_cast<const uint8_t*>(in.iv().data()), crypto::kAesGcmIvBytes),
      AsBytes(in.ciphertext()),
      std::span<const uint8_t, crypto::kAesGcmTagBytes>(
          reinterpret_cast<const uint8_t*>(in.tag().data()), crypto::kAesGcmTagBytes),
      SnapshotAad(in.version(), in.ledger_secret_version()));
  if (!opened) {
    return MakeError(ErrorCode::kCorruption,
                     "snapshot at version " + std::to_string(in.version()) + " does not authenticate");
  }
  return plaintext;
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
  const Version version = in.version();
  if (version <= applied_version()) return {};  // nothing newer in it
  auto plaintext = DecryptSnapshot(in, *deps_.secrets);
  if (!plaintext) return std::unexpected(plaintext.error());
  pb::StoreImage image;
  const bool parsed = image.ParseFromArray(plaintext->data(), static_cast<int>(plaintext->size()));
  OPENSSL_cleanse(plaintext->data(), plaintext->size());
  if (!parsed || image.version() != version) {
    return MakeError(ErrorCode::kCorruption, "snapshot image does not parse or match its version");
  }
  auto ws = WritesToInstall(*deps_.store, image);
  if (!ws) return std::unexpected(ws.error());
  if (auto applied = deps_.store->Apply(version, *ws); !applied) return std::unexpected(applied.error());
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
  assert(applied_version() == version);
  return {};
}

}  // namespace ledgerseal::kv
