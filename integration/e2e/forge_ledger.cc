#include "integration/e2e/forge_ledger.h"

#include "crypto/public/random_source.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;

// The newest public value of (table, key) in `w`, if it writes one.
const std::optional<kv::Bytes>* Find(const kv::WriteSet& w, std::string_view table, std::string_view key) {
  return w.Find(table, kv::AsBytes(key));
}

}  // namespace

kv::Result<PublicCopy> CopyPublicRecords(const fs::path& ledger_dir, const std::string& node_id,
                                         const std::string& sealing_identity) {
  auto view = kv::ledger::LedgerView::Open(ledger_dir);
  if (!view) return std::unexpected(view.error());
  PublicCopy copy;
  copy.last_version = (*view)->last_version();
  kv::Status failed;
  auto first = (*view)->first_version();
  if (!first) return std::unexpected(first.error());
  auto walked = (*view)->ForEach(*first, [&](kv::Version v, kv::ByteView bytes) {
    auto entry = kv::entry::DecodePublic(bytes);
    if (!entry) {
      failed = std::unexpected(entry.error());
      return false;
    }
    const kv::WriteSet& w = entry->public_writes;
    if (auto* r = Find(w, "sealing.recovery_keys", sealing_identity); r && r->has_value()) copy.recovery_key = **r;
    if (auto* r = Find(w, "ledger.nodes", node_id); r && r->has_value()) copy.node_record = **r;
    if (auto* r = Find(w, "ledger.service", "current"); r && r->has_value() && v == 1) {
      copy.genesis_service_record = **r;
    }
    if (auto* r = Find(w, "sealing.shares", "latest"); r && r->has_value()) {
      copy.newest_shares = **r;
      copy.newest_shares_version = v;
    }
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  if (!failed) return std::unexpected(failed.error());
  if (copy.recovery_key.empty() || copy.node_record.empty() || copy.genesis_service_record.empty() ||
      copy.newest_shares.empty()) {
    return kv::MakeError(kv::ErrorCode::kNotFound, "the ledger lacks a record the forger needs");
  }
  return copy;
}

kv::Status WriteForgedLedger(const fs::path& ledger_dir, const std::string& service_id,
                             const kv::SecretBytes& secret, const std::vector<kv::WriteSet>& entries) {
  std::error_code ec;
  fs::remove_all(ledger_dir, ec);
  if (ec) return kv::MakeError(kv::ErrorCode::kIoError, "removing " + ledger_dir.string() + ": " + ec.message());
  kv::ledger::LedgerOptions options;
  options.dir = ledger_dir;
  auto writer = kv::ledger::LedgerWriter::Open(options);
  if (!writer) return std::unexpected(writer.error());
  crypto::OpenSslRandomSource random;
  kv::Bytes previous;  // digest of the entry before (docs/FORMAT.md §10.3)
  for (size_t i = 0; i < entries.size(); ++i) {
    const kv::Version v = i + 1;
    const uint32_t flags = v == 1 ? kv::entry::kFlagRotation : 0;
    auto bytes = kv::entry::EncodeEntry(random, {v, 1, flags, service_id, 1, previous}, entries[i], secret);
    if (!bytes) return std::unexpected(bytes.error());
    auto digest = kv::entry::EntryDigest(*bytes);
    if (!digest) return std::unexpected(digest.error());
    previous = std::move(*digest);
    if (auto s = (*writer)->Append(v, *bytes); !s) return s;
  }
  return (*writer)->Sync();
}

}  // namespace ledgerseal::e2e
