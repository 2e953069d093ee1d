#include "kvstore_adapter/local_host/local_ledger_format.h"

#include <algorithm>
#include <span>
#include <tuple>

#include "base/check.h"
#include "crypto/public/aead_box.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/public/sha256.h"
#include "kvstore_adapter/local_host/local_codec.h"

namespace ledgerseal::kv::local {
namespace {

constexpr std::string_view kEntryAadLabel = "ledgerseal local entry v2";
constexpr std::string_view kChainAadLabel = "ledgerseal local chain v1";
static_assert(std::tuple_size_v<crypto::Sha256Digest> == kEntryDigestBytes);
constexpr size_t kChainLinkBytes = 8 + crypto::kAesGcmIvBytes + kLedgerSecretBytes + crypto::kAesGcmTagBytes;

size_t EncodedSize(const WriteSet& writes) {
  size_t size = 4;
  for (const auto& [name, table] : writes.tables()) {
    size += 4 + name.size() + 1 + 4;
    for (const auto& [key, value] : table.writes) size += 4 + key.size() + 1 + (value ? 4 + value->size() : 0);
  }
  return size;
}

// Precondition: out.size() == EncodedSize(writes).
void EncodeInto(const WriteSet& writes, std::span<uint8_t> out) {
  Writer w(out);
  w.U32(static_cast<uint32_t>(writes.tables().size()));
  for (const auto& [name, table] : writes.tables()) {
    w.Field(AsBytes(name));
    w.U8(static_cast<uint8_t>(table.domain));
    w.U32(static_cast<uint32_t>(table.writes.size()));
    for (const auto& [key, value] : table.writes) {
      w.Field(key);
      w.U8(value ? 1 : 0);
      if (value) w.Field(*value);
    }
  }
  LEDGERSEAL_CHECK(w.done());
}

Bytes EntryAad(Version version, uint64_t secret_version, ByteView previous_entry_digest,
               const WriteSet& public_writes) {
  Bytes aad = ToBytes(kEntryAadLabel);
  PutU64(aad, version);
  PutU64(aad, secret_version);
  PutField(aad, previous_entry_digest);
  const Bytes encoded = EncodeWriteSet(public_writes);
  aad.insert(aad.end(), encoded.begin(), encoded.end());
  return aad;
}

Bytes ChainAad(uint64_t version, uint64_t previous_version) {
  Bytes aad = ToBytes(kChainAadLabel);
  PutU64(aad, version);
  PutU64(aad, previous_version);
  return aad;
}

Bytes U64Key(uint64_t v) {
  Bytes key;
  PutU64(key, v);
  return key;
}

}  // namespace

Bytes EncodeWriteSet(const WriteSet& writes) {
  Bytes out(EncodedSize(writes));
  EncodeInto(writes, out);
  return out;
}

Result<WriteSet> DecodeWriteSet(ByteView bytes) {
  const auto malformed = [] { return MakeError(ErrorCode::kCorruption, "a malformed write set"); };
  Reader in(bytes);
  WriteSet writes;
  uint32_t tables = 0;
  if (!in.U32(tables)) return malformed();
  for (uint32_t t = 0; t < tables; ++t) {
    ByteView name;
    uint8_t domain = 0;
    uint32_t count = 0;
    if (!in.Field(name) || !in.U8(domain) || domain > 1 || !in.U32(count)) return malformed();
    const Table table{AsString(name), static_cast<Domain>(domain)};
    for (uint32_t w = 0; w < count; ++w) {
      ByteView key, value;
      uint8_t present = 0;
      if (!in.Field(key) || !in.U8(present) || present > 1) return malformed();
      if (present == 1 && !in.Field(value)) return malformed();
      auto written = present == 1 ? writes.Put(table, key, value) : writes.Remove(table, key);
      if (!written) return MakeError(ErrorCode::kCorruption, written.error().message);
    }
  }
  if (!in.done()) return malformed();
  return writes;
}

Result<LocalLedgerEntry> SealEntry(crypto::RandomSource& random, Version version,
                                   uint64_t secret_version, const SecretBytes& secret,
                                   ByteView previous_entry_digest, const WriteSet& writes) {
  LEDGERSEAL_CHECK(secret.size() == kLedgerSecretBytes);
  LEDGERSEAL_CHECK(previous_entry_digest.size() == (version == 1 ? 0 : kEntryDigestBytes));
  LocalLedgerEntry entry;
  entry.version = version;
  entry.ledger_secret_version = secret_version;
  entry.previous_entry_digest.assign(previous_entry_digest.begin(), previous_entry_digest.end());
  WriteSet private_writes;
  for (const auto& [name, table] : writes.tables()) {
    WriteSet& half = table.domain == Domain::kPublic ? entry.public_writes : private_writes;
    for (const auto& [key, value] : table.writes) {
      auto s = value ? half.Put({name, table.domain}, key, *value) : half.Remove({name, table.domain}, key);
      LEDGERSEAL_CHECK(s.has_value());  // names and domains come from a valid WriteSet
    }
  }
  WipedString plaintext(EncodedSize(private_writes));
  EncodeInto(private_writes, plaintext.mutable_span());
  auto box = crypto::SealAeadBox(random, secret.bytes(), plaintext.span(),
                                 EntryAad(version, secret_version, entry.previous_entry_digest,
                                          entry.public_writes));
  if (!box) return MakeError(ErrorCode::kInternal, "sealing entry " + std::to_string(version) + ": " +
                                                       box.error().ToString());
  entry.iv = std::move(box->iv);
  entry.ciphertext = std::move(box->ciphertext);
  entry.tag = std::move(box->tag);
  return entry;
}

Result<WriteSet> OpenEntry(const LocalLedgerEntry& entry, const SecretBytes& secret) {
  const std::string where = "entry " + std::to_string(entry.version) + " (secret " +
                            std::to_string(entry.ledger_secret_version) + ")";
  WipedString plaintext(entry.ciphertext.size());
  auto opened = crypto::OpenAeadBox(plaintext.mutable_span(), secret.bytes(), AsBytes(entry.iv),
                                    AsBytes(entry.ciphertext), AsBytes(entry.tag),
                                    EntryAad(entry.version, entry.ledger_secret_version,
                                             entry.previous_entry_digest, entry.public_writes));
  if (!opened) {
    return MakeError(ErrorCode::kCorruption, where + " does not authenticate: " + opened.error().ToString());
  }
  auto writes = DecodeWriteSet(plaintext.span());
  if (!writes) return MakeError(ErrorCode::kCorruption, where + ": " + writes.error().message);
  for (const auto& [name, table] : writes->tables()) {
    if (table.domain != Domain::kPrivate) {
      return MakeError(ErrorCode::kCorruption, where + " holds public table '" + name + "' encrypted");
    }
  }
  for (const auto& [name, table] : entry.public_writes.tables()) {
    if (table.domain != Domain::kPublic) {
      return MakeError(ErrorCode::kCorruption, where + " holds private table '" + name + "' in the clear");
    }
  }
  if (auto merged = writes->Merge(entry.public_writes); !merged) {
    return MakeError(ErrorCode::kCorruption, where + ": " + merged.error().message);
  }
  return writes;
}

Bytes EncodeEntry(const LocalLedgerEntry& entry) {
  Bytes out =
      EntryAad(entry.version, entry.ledger_secret_version, entry.previous_entry_digest, entry.public_writes);
  const size_t aad_size = out.size();
  out.resize(aad_size + 12 + entry.iv.size() + entry.ciphertext.size() + entry.tag.size());
  Writer w(std::span<uint8_t>(out).subspan(aad_size));
  for (const std::string* part : {&entry.iv, &entry.ciphertext, &entry.tag}) w.Field(AsBytes(*part));
  LEDGERSEAL_CHECK(w.done());
  return out;
}

Result<Bytes> EntryDigest(const LocalLedgerEntry& entry) {
  auto digest = crypto::Sha256(EncodeEntry(entry));
  if (!digest) {
    return MakeError(ErrorCode::kInternal, "digest of entry " + std::to_string(entry.version) + ": " +
                                               digest.error().ToString());
  }
  return Bytes(digest->begin(), digest->end());
}

Status PutChainLink(WriteSet& writes, crypto::RandomSource& random, uint64_t version,
                    const SecretBytes& secret, uint64_t previous_version, const SecretBytes& previous) {
  LEDGERSEAL_CHECK(previous_version < version && previous.size() == kLedgerSecretBytes);
  auto box = crypto::SealAeadBox(random, secret.bytes(), previous.bytes(), ChainAad(version, previous_version));
  if (!box) return MakeError(ErrorCode::kInternal, "sealing the chain link: " + box.error().ToString());
  Bytes value;
  PutU64(value, previous_version);
  for (const std::string* part : {&box->iv, &box->ciphertext, &box->tag}) {
    value.insert(value.end(), part->begin(), part->end());
  }
  LEDGERSEAL_CHECK(value.size() == kChainLinkBytes);
  return writes.Put(kChainTable, U64Key(version), value);
}

Result<ChainLinks> CollectChainLinks(const LocalLedger& ledger) {
  ChainLinks links;
  for (const LocalLedgerEntry& entry : ledger) {
    auto table = entry.public_writes.tables().find(kChainTable.name);
    if (table == entry.public_writes.tables().end()) continue;
    for (const auto& [key, value] : table->second.writes) {
      uint64_t version = 0;
      Reader k(key);
      if (!k.U64(version) || !k.done() || !value || value->size() != kChainLinkBytes) {
        return MakeError(ErrorCode::kCorruption,
                         "a malformed chain link in entry " + std::to_string(entry.version));
      }
      links[version] = *value;
    }
  }
  return links;
}

Result<std::map<uint64_t, SecretBytes>> UnwindChain(const ChainLinks& links, uint64_t newest_version,
                                                    SecretBytes newest) {
  std::map<uint64_t, SecretBytes> secrets;
  uint64_t version = newest_version;
  secrets.emplace(version, std::move(newest));
  for (auto link = links.find(version); link != links.end(); link = links.find(version)) {
    Reader in(link->second);
    uint64_t previous_version = 0;
    LEDGERSEAL_CHECK(in.U64(previous_version));  // CollectChainLinks checked the size
    if (previous_version >= version) {
      return MakeError(ErrorCode::kCorruption, "the chain link of secret " + std::to_string(version) +
                                                   " names a newer secret");
    }
    const ByteView rest = in.Rest();
    const ByteView iv = rest.first(crypto::kAesGcmIvBytes);
    const ByteView ciphertext = rest.subspan(crypto::kAesGcmIvBytes, kLedgerSecretBytes);
    const ByteView tag = rest.last(crypto::kAesGcmTagBytes);
    SecretBytes previous(kLedgerSecretBytes);
    auto opened = crypto::OpenAeadBox(previous.mutable_bytes(), secrets.at(version).bytes(), iv, ciphertext,
                                      tag, ChainAad(version, previous_version));
    if (!opened) {
      return MakeError(ErrorCode::kCorruption, "the chain link of secret " + std::to_string(version) +
                                                   " does not open: " + opened.error().ToString());
    }
    secrets.emplace(previous_version, std::move(previous));
    version = previous_version;
  }
  return secrets;
}

std::optional<DomainClash> FindDomainClash(const TableDomains& domains, const WriteSet& writes) {
  for (const auto& [name, table] : writes.tables()) {
    auto recorded = domains.find(name);
    if (recorded != domains.end() && recorded->second != table.domain) {
      return DomainClash{name, recorded->second};
    }
  }
  return std::nullopt;
}

void RecordDomains(TableDomains& domains, const WriteSet& writes) {
  for (const auto& [name, table] : writes.tables()) {
    auto [recorded, inserted] = domains.try_emplace(name, table.domain);
    LEDGERSEAL_CHECK(inserted || recorded->second == table.domain);  // the caller checked for a clash
  }
}

std::string_view DomainName(Domain domain) { return domain == Domain::kPublic ? "public" : "private"; }

Bytes EncodeNodeRecord(const NodeRecord& record) {
  Bytes out(1 + 4 + record.sealing_identity.size());
  Writer w(out);
  w.U8(static_cast<uint8_t>(record.status));
  w.Field(AsBytes(record.sealing_identity));
  LEDGERSEAL_CHECK(w.done());
  out.insert(out.end(), record.join_payload.begin(), record.join_payload.end());
  return out;
}

Result<NodeRecord> DecodeNodeRecord(ByteView bytes) {
  Reader in(bytes);
  uint8_t status = 0;
  ByteView identity;
  if (!in.U8(status) || status > 2 || !in.Field(identity)) {
    return MakeError(ErrorCode::kCorruption, "a malformed node record");
  }
  const ByteView payload = in.Rest();
  return NodeRecord{static_cast<NodeStatus>(status), std::string(AsString(identity)),
                    Bytes(payload.begin(), payload.end())};
}

Result<std::map<std::string, NodeRecord>> ListNodes(Transaction& tx) {
  std::map<std::string, NodeRecord> nodes;
  Status malformed;
  auto scanned = tx.ForEach(kNodesTable, [&](ByteView key, ByteView value) {
    auto record = DecodeNodeRecord(value);
    if (!record) {
      malformed = MakeError(ErrorCode::kCorruption, "node '" + std::string(AsString(key)) + "': " +
                                                        record.error().message);
      return false;
    }
    nodes.emplace(std::string(AsString(key)), std::move(*record));
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (!malformed) return std::unexpected(malformed.error());
  return nodes;
}

Result<SecretBytes> DrawSecret(crypto::RandomSource& random, size_t size) {
  SecretBytes out(size);
  if (auto s = random.Fill(out.mutable_bytes()); !s) {
    return MakeError(ErrorCode::kInternal, "drawing random bytes: " + s.error().ToString());
  }
  return out;
}

}  // namespace ledgerseal::kv::local
