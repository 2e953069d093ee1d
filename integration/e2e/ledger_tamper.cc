#include "integration/e2e/ledger_tamper.h"

#include <vector>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "plugin/local_sealing/public/local_sealing.h"
#include "plugin/public/sealing_format.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;
namespace pb = ::ledgerseal::ledger::v1;

struct Entries {
  uint64_t first = 0;
  std::vector<std::string> bytes;
};

kv::Result<Entries> ReadAll(const fs::path& dir) {
  auto view = kv::ledger::LedgerView::Open(dir);
  if (!view) return std::unexpected(view.error());
  auto first = (*view)->first_version();
  if (!first) return std::unexpected(first.error());
  Entries out{*first, {}};
  auto walked = (*view)->ForEach(out.first, [&](kv::Version, kv::ByteView b) {
    out.bytes.emplace_back(kv::AsString(b));
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  return out;
}

kv::Status WriteAll(const fs::path& dir, const Entries& entries) {
  const fs::path fresh = dir.string() + ".rewriting";
  fs::remove_all(fresh);
  {
    kv::ledger::LedgerOptions options;
    options.dir = fresh;
    options.start_version = entries.first;
    options.sync_every_append = false;
    auto writer = kv::ledger::LedgerWriter::Open(options);
    if (!writer) return std::unexpected(writer.error());
    for (size_t i = 0; i < entries.bytes.size(); ++i) {
      if (auto s = (*writer)->Append(entries.first + i, kv::AsBytes(entries.bytes[i])); !s) return s;
    }
    if (auto s = (*writer)->Sync(); !s) return s;
  }
  fs::remove_all(dir);
  fs::rename(fresh, dir);
  return {};
}

// Applies `edit` to the public writes of entry bytes `raw`; false if unchanged.
bool EditPublicWrites(std::string& raw, const std::function<bool(pb::WriteSet&)>& edit) {
  pb::Entry entry;
  pb::EntryPublic pub;
  if (!entry.ParseFromString(raw) || !pub.ParseFromString(entry.public_part())) return false;
  if (!edit(*pub.mutable_public_writes())) return false;
  entry.set_public_part(pub.SerializeAsString());
  raw = entry.SerializeAsString();
  return true;
}

pb::KeyWrite* FindWrite(pb::WriteSet& writes, std::string_view table, std::string_view key) {
  for (auto& t : *writes.mutable_tables()) {
    if (t.table() != table) continue;
    for (auto& w : *t.mutable_writes()) {
      if (w.key() == key && !w.removed()) return &w;
    }
  }
  return nullptr;
}

}  // namespace

kv::Status EditSharesRecord(const fs::path& dir,
                            const std::function<bool(uint64_t, sealing::v1::SignedSealedShares&)>& edit) {
  auto entries = ReadAll(dir);
  if (!entries) return std::unexpected(entries.error());
  for (size_t i = entries->bytes.size(); i-- > 0;) {
    const uint64_t version = entries->first + i;
    const bool edited = EditPublicWrites(entries->bytes[i], [&](pb::WriteSet& writes) {
      auto* w = FindWrite(writes, sealing::kSharesTable, sealing::kSharesKey);
      sealing::v1::SignedSealedShares record;
      if (w == nullptr || !record.ParseFromString(w->value()) || !edit(version, record)) return false;
      w->set_value(record.SerializeAsString());
      return true;
    });
    if (edited) return WriteAll(dir, *entries);
  }
  return kv::MakeError(kv::ErrorCode::kNotFound, "no sealed-shares record was edited");
}

kv::Status EditSharesBody(const fs::path& dir, const std::function<void(sealing::v1::SealedShares&)>& edit) {
  return EditSharesRecord(dir, [&](uint64_t, sealing::v1::SignedSealedShares& envelope) {
    sealing::v1::SealedShares body;
    if (!body.ParseFromString(envelope.body())) return false;
    edit(body);
    envelope.set_body(body.SerializeAsString());  // the signature is left as it was
    return true;
  });
}

std::optional<sealing::v1::SignedSealedShares> SharesRecord(const fs::path& dir, int n) {
  auto entries = ReadAll(dir);
  if (!entries) return std::nullopt;
  int seen = 0;
  for (size_t i = entries->bytes.size(); i-- > 0;) {
    auto view = kv::entry::DecodePublic(kv::AsBytes(entries->bytes[i]));
    if (!view) return std::nullopt;
    const auto* value = view->public_writes.Find(sealing::kSharesTable, kv::AsBytes(sealing::kSharesKey));
    if (value == nullptr || !value->has_value() || seen++ != n) continue;
    sealing::v1::SignedSealedShares record;
    if (!record.ParseFromArray((*value)->data(), static_cast<int>((*value)->size()))) return std::nullopt;
    return record;
  }
  return std::nullopt;
}

kv::Status FlipRecoveryKeyRecord(const fs::path& dir, const std::string& identity) {
  auto entries = ReadAll(dir);
  if (!entries) return std::unexpected(entries.error());
  for (size_t i = entries->bytes.size(); i-- > 0;) {
    const bool edited = EditPublicWrites(entries->bytes[i], [&](pb::WriteSet& writes) {
      auto* w = FindWrite(writes, sealing::kRecoveryKeysTable, identity);
      if (w == nullptr || w->value().empty()) return false;
      (*w->mutable_value())[w->value().size() / 2] ^= 0x01;
      return true;
    });
    if (edited) return WriteAll(dir, *entries);
  }
  return kv::MakeError(kv::ErrorCode::kNotFound, "no recovery key record of " + identity);
}

}  // namespace ledgerseal::e2e
