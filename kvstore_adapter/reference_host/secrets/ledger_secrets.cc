#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"

#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "crypto/public/aead_box.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/public/rsa_oaep.h"

namespace ledgerseal::kv::secrets {

namespace pb = ::ledgerseal::ledger::v1;

// A ledger secret (of the interface's size) is an AES-256-GCM key: each
// chain link is sealed under the newer secret.
static_assert(kSecretBytes == kLedgerSecretBytes && kSecretBytes == crypto::kAes256KeyBytes);

namespace {

constexpr uint32_t kFormatVersion = 1;
constexpr std::string_view kOaepLabel = "ledgerseal ledger secret v1";
constexpr std::string_view kChainAadLabel = "ledgerseal secret chain v1";
constexpr uint64_t kMaxChainSteps = 1u << 20;  // bound on the walk; far above any real chain

void AppendU64(Bytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

Bytes VersionKey(uint64_t version) {
  Bytes key;
  AppendU64(key, version);
  return key;
}

// label || u64 BE version || node id
Bytes OaepLabel(uint64_t version, std::string_view node_id) {
  Bytes label(kOaepLabel.begin(), kOaepLabel.end());
  AppendU64(label, version);
  label.insert(label.end(), node_id.begin(), node_id.end());
  return label;
}

// label || u64 BE version || u64 BE previous version
Bytes ChainAad(uint64_t version, uint64_t previous_version) {
  Bytes aad(kChainAadLabel.begin(), kChainAadLabel.end());
  AppendU64(aad, version);
  AppendU64(aad, previous_version);
  return aad;
}

Status WriteNodeSecret(WriteSet& writes, uint64_t version, const SecretBytes& secret,
                       const SecretRecipient& r) {
  if (r.encryption_key == nullptr || r.node_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "a recipient needs a node id and a key");
  }
  auto ct = crypto::RsaOaepSha256Encrypt(*r.encryption_key, secret.bytes(),
                                         OaepLabel(version, r.node_id));
  if (!ct) return MakeError(ErrorCode::kInternal, "encrypting for " + r.node_id + ": " + ct.error().message);
  pb::NodeSecret record;
  record.set_format_version(kFormatVersion);
  record.set_ledger_secret_version(version);
  record.set_encrypted_secret(ct->data(), ct->size());
  return writes.Put(kNodeSecretsTable, AsBytes(r.node_id), AsBytes(record.SerializeAsString()));
}

Status WriteChainLink(WriteSet& writes, crypto::RandomSource& random, uint64_t version,
                      const SecretBytes& secret, const PreviousSecret& previous) {
  if (previous.secret == nullptr || previous.secret->size() != kSecretBytes ||
      previous.version >= version) {
    return MakeError(ErrorCode::kInvalidArgument, "the previous secret must be older and 32 bytes");
  }
  auto box = crypto::SealAeadBox(random, secret.bytes(), previous.secret->bytes(),
                                 ChainAad(version, previous.version));
  if (!box) return MakeError(ErrorCode::kInternal, "chain link encryption failed: " + box.error().message);
  pb::ChainLink link;
  link.set_format_version(kFormatVersion);
  link.set_ledger_secret_version(version);
  link.set_previous_version(previous.version);
  link.set_iv(std::move(box->iv));
  link.set_ciphertext(std::move(box->ciphertext));
  link.set_tag(std::move(box->tag));
  return writes.Put(kSecretChainTable, VersionKey(version), AsBytes(link.SerializeAsString()));
}

// Decrypts one link with the newer secret; returns {previous version, secret}.
Result<VersionedSecret> OpenLink(ByteView bytes, uint64_t version, const SecretBytes& newer) {
  pb::ChainLink link;
  if (!link.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      link.format_version() != kFormatVersion || link.ledger_secret_version() != version ||
      link.previous_version() >= version || link.iv().size() != crypto::kAesGcmIvBytes ||
      link.tag().size() != crypto::kAesGcmTagBytes || link.ciphertext().size() != kSecretBytes) {
    return MakeError(ErrorCode::kCorruption, "malformed chain link for secret " + std::to_string(version));
  }
  SecretBytes previous(kSecretBytes);
  auto opened = crypto::OpenAeadBox(previous.mutable_bytes(), newer.bytes(), AsBytes(link.iv()),
                                    AsBytes(link.ciphertext()), AsBytes(link.tag()),
                                    ChainAad(version, link.previous_version()));
  if (!opened) {
    return MakeError(ErrorCode::kCorruption,
                     "chain link of secret " + std::to_string(version) + " does not authenticate");
  }
  return VersionedSecret{link.previous_version(), std::move(previous)};
}

}  // namespace

Result<SecretBytes> NewSecret(crypto::RandomSource& random) {
  SecretBytes s(kSecretBytes);
  if (!random.Fill(s.mutable_bytes())) return MakeError(ErrorCode::kInternal, "no randomness");
  return s;
}

Status WriteRotation(WriteSet& writes, crypto::RandomSource& random, uint64_t new_version,
                     const SecretBytes& new_secret, std::optional<PreviousSecret> previous,
                     std::span<const SecretRecipient> recipients) {
  if (new_secret.size() != kSecretBytes || new_version == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "a new secret is 32 bytes with version > 0");
  }
  if (recipients.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "a rotation needs at least one recipient");
  }
  for (const auto& r : recipients) {
    if (auto s = WriteNodeSecret(writes, new_version, new_secret, r); !s) return s;
  }
  if (previous) return WriteChainLink(writes, random, new_version, new_secret, *previous);
  return {};
}

Result<uint64_t> SecretVersionOfNodeSecretRecord(ByteView bytes) {
  pb::NodeSecret record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      record.format_version() != kFormatVersion || record.ledger_secret_version() == 0) {
    return MakeError(ErrorCode::kCorruption, "malformed ledger secret record");
  }
  return record.ledger_secret_version();
}

Result<std::optional<VersionedSecret>> ReadOwnSecret(const WriteSet& public_writes,
                                                     std::string_view node_id,
                                                     const crypto::RsaPrivateKey& key) {
  const std::optional<Bytes>* value = public_writes.Find(kNodeSecretsTable.name, AsBytes(node_id));
  if (value == nullptr || !value->has_value()) return std::optional<VersionedSecret>();
  pb::NodeSecret record;
  if (!record.ParseFromArray((*value)->data(), static_cast<int>((*value)->size())) ||
      record.format_version() != kFormatVersion || record.ledger_secret_version() == 0) {
    return MakeError(ErrorCode::kCorruption, "malformed ledger secret record for " + std::string(node_id));
  }
  auto secret = crypto::RsaOaepSha256Decrypt(key, AsBytes(record.encrypted_secret()),
                                             OaepLabel(record.ledger_secret_version(), node_id));
  if (!secret || secret->size() != kSecretBytes) {
    return MakeError(ErrorCode::kCorruption, "this node cannot decrypt ledger secret " +
                                                 std::to_string(record.ledger_secret_version()));
  }
  return std::optional<VersionedSecret>(
      VersionedSecret{record.ledger_secret_version(), std::move(*secret)});
}

std::map<uint64_t, Bytes> ChainLinksIn(const WriteSet& public_writes) {
  std::map<uint64_t, Bytes> out;
  auto it = public_writes.tables().find(kSecretChainTable.name);
  if (it == public_writes.tables().end()) return out;
  for (const auto& [key, value] : it->second.writes) {
    if (key.size() != 8 || !value) continue;  // OpenLink rejects what does not match
    uint64_t version = 0;
    for (uint8_t b : key) version = (version << 8) | b;
    out.emplace(version, *value);
  }
  return out;
}

Status LedgerSecrets::Add(uint64_t version, SecretBytes secret) {
  // Checked here, once, for every source (rotations, joins, recovery hooks
  // of any plugin): readers take 32-byte views of what is stored.
  if (secret.size() != kSecretBytes || version == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a ledger secret is " + std::to_string(kSecretBytes) +
                         " bytes with a version > 0 (got " + std::to_string(secret.size()) +
                         " bytes, version " + std::to_string(version) + ")");
  }
  std::lock_guard lock(mu_);
  secrets_.insert_or_assign(version, std::move(secret));
  return {};
}

Result<SecretBytes> LedgerSecrets::Get(uint64_t version) const {
  std::lock_guard lock(mu_);
  auto it = secrets_.find(version);
  if (it == secrets_.end()) {
    return MakeError(ErrorCode::kNotFound, "ledger secret " + std::to_string(version) + " is not known");
  }
  return it->second.Clone();
}

std::vector<uint64_t> LedgerSecrets::versions() const {
  std::lock_guard lock(mu_);
  std::vector<uint64_t> out;
  for (const auto& [version, secret] : secrets_) out.push_back(version);
  return out;
}

uint64_t LedgerSecrets::latest_version() const {
  std::lock_guard lock(mu_);
  return secrets_.empty() ? 0 : secrets_.rbegin()->first;
}

Status LedgerSecrets::UnwindChain(uint64_t from_version, const std::map<uint64_t, Bytes>& links) {
  auto current = Get(from_version);
  if (!current) return std::unexpected(current.error());
  uint64_t version = from_version;
  SecretBytes secret = std::move(*current);
  for (uint64_t steps = 0; steps < kMaxChainSteps; ++steps) {
    auto link = links.find(version);
    if (link == links.end()) {
      // The oldest secret has no link; any other missing link breaks the chain.
      if (links.empty() || version <= links.begin()->first) return {};
      return MakeError(ErrorCode::kNotFound, "no chain link for secret " + std::to_string(version));
    }
    auto previous = OpenLink(link->second, version, secret);
    if (!previous) return std::unexpected(previous.error());
    version = previous->version;
    secret = previous->secret.Clone();
    // A chain link that decrypts to a secret of the wrong size is corrupt.
    if (auto added = Add(version, std::move(previous->secret)); !added) {
      return MakeError(ErrorCode::kCorruption, "secret chain link for secret " + std::to_string(version) +
                                                   ": " + added.error().message);
    }
  }
  return MakeError(ErrorCode::kCorruption, "secret chain longer than the supported bound");
}

}  // namespace ledgerseal::kv::secrets
