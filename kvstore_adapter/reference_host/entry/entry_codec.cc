#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

#include <openssl/crypto.h>

#include <array>
#include <cassert>

#include "kvstore_adapter/reference_host/entry/write_set_codec.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "plugin/crypto/public/aes_gcm.h"

namespace ledgerseal::kv::entry {

namespace pb = ::ledgerseal::ledger::v1;
namespace {

using Iv = std::array<uint8_t, crypto::kAesGcmIvBytes>;
using Tag = std::array<uint8_t, crypto::kAesGcmTagBytes>;

// Wipes a serialised private write set when it goes out of scope.
struct WipedString {
  std::string bytes;
  ~WipedString() {
    if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
  }
};

std::span<const uint8_t, kLedgerSecretBytes> KeyOf(const SecretBytes& secret) {
  assert(secret.size() == kLedgerSecretBytes);
  return std::span<const uint8_t, kLedgerSecretBytes>(secret.bytes().data(), kLedgerSecretBytes);
}

std::string SerializePublic(const EntryHeader& header, const WriteSet& writes) {
  pb::EntryPublic pub;
  auto* h = pub.mutable_header();
  h->set_format_version(kEntryFormatVersion);
  h->set_version(header.version);
  h->set_ledger_secret_version(header.ledger_secret_version);
  h->set_flags(header.flags);
  h->set_service_id(header.service_id);
  h->set_term(header.term);
  ToProto(*pub.mutable_public_writes(), writes, Domain::kPublic);
  return pub.SerializeAsString();
}

Result<pb::Entry> ParseEntry(ByteView bytes) {
  pb::Entry entry;
  if (!entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return MakeError(ErrorCode::kCorruption, "entry bytes do not parse");
  }
  if (entry.iv().size() != crypto::kAesGcmIvBytes || entry.tag().size() != crypto::kAesGcmTagBytes) {
    return MakeError(ErrorCode::kCorruption, "entry IV or tag has the wrong size");
  }
  return entry;
}

Result<PublicView> ParsePublic(const std::string& public_part) {
  pb::EntryPublic pub;
  if (!pub.ParseFromString(public_part)) {
    return MakeError(ErrorCode::kCorruption, "entry public part does not parse");
  }
  const auto& h = pub.header();
  if (h.format_version() != kEntryFormatVersion) {
    return MakeError(ErrorCode::kCorruption,
                     "unknown entry format version " + std::to_string(h.format_version()));
  }
  if (h.version() == kNoVersion) return MakeError(ErrorCode::kCorruption, "entry has version 0");
  PublicView view;
  view.header = EntryHeader{h.version(), h.ledger_secret_version(), h.flags(), h.service_id(), h.term()};
  if (auto s = FromProto(view.public_writes, pub.public_writes(), Domain::kPublic); !s) {
    return std::unexpected(s.error());
  }
  return view;
}

}  // namespace

Result<Bytes> EncodeEntry(crypto::RandomSource& random, const EntryHeader& header,
                          const WriteSet& writes, const SecretBytes& secret) {
  if (secret.size() != kLedgerSecretBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "a ledger secret is 32 bytes");
  }
  if (header.version == kNoVersion) return MakeError(ErrorCode::kInvalidArgument, "version 0");
  pb::Entry entry;
  entry.set_public_part(SerializePublic(header, writes));

  WipedString plaintext;
  {
    pb::WriteSet priv;
    ToProto(priv, writes, Domain::kPrivate);
    plaintext.bytes = priv.SerializeAsString();
  }
  Iv iv{};
  Tag tag{};
  if (auto r = random.Fill(iv); !r) return MakeError(ErrorCode::kInternal, "no IV: " + r.error().message);
  std::string ciphertext(plaintext.bytes.size(), '\0');
  auto sealed = crypto::Aes256GcmSeal(
      std::span(reinterpret_cast<uint8_t*>(ciphertext.data()), ciphertext.size()), tag,
      KeyOf(secret), iv, AsBytes(plaintext.bytes), AsBytes(entry.public_part()));
  if (!sealed) return MakeError(ErrorCode::kInternal, "entry encryption failed: " + sealed.error().message);
  entry.set_iv(iv.data(), iv.size());
  entry.set_private_ciphertext(std::move(ciphertext));
  entry.set_tag(tag.data(), tag.size());
  const std::string out = entry.SerializeAsString();
  return Bytes(out.begin(), out.end());
}

Result<PublicView> DecodePublic(ByteView bytes) {
  auto entry = ParseEntry(bytes);
  if (!entry) return std::unexpected(entry.error());
  return ParsePublic(entry->public_part());
}

namespace {

// Verifies and decrypts an entry already parsed into `entry` and `view`.
Result<DecodedEntry> OpenParsed(const pb::Entry& entry, PublicView view, const SecretBytes& secret) {
  if (secret.size() != kLedgerSecretBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "a ledger secret is 32 bytes");
  }

  WipedString plaintext;
  plaintext.bytes.assign(entry.private_ciphertext().size(), '\0');
  const auto iv = std::span<const uint8_t, crypto::kAesGcmIvBytes>(
      reinterpret_cast<const uint8_t*>(entry.iv().data()), crypto::kAesGcmIvBytes);
  const auto tag = std::span<const uint8_t, crypto::kAesGcmTagBytes>(
      reinterpret_cast<const uint8_t*>(entry.tag().data()), crypto::kAesGcmTagBytes);
  auto opened = crypto::Aes256GcmOpen(
      std::span(reinterpret_cast<uint8_t*>(plaintext.bytes.data()), plaintext.bytes.size()),
      KeyOf(secret), iv, AsBytes(entry.private_ciphertext()), tag, AsBytes(entry.public_part()));
  if (!opened) {
    return MakeError(ErrorCode::kCorruption,
                     "entry at version " + std::to_string(view.header.version) +
                         " does not authenticate under ledger secret " +
                         std::to_string(view.header.ledger_secret_version));
  }
  pb::WriteSet priv;
  if (!priv.ParseFromString(plaintext.bytes)) {
    return MakeError(ErrorCode::kCorruption, "private writes of version " +
                                                 std::to_string(view.header.version) +
                                                 " do not parse");
  }
  DecodedEntry out{std::move(view.header), std::move(view.public_writes)};
  if (auto s = FromProto(out.writes, priv, Domain::kPrivate); !s) return std::unexpected(s.error());
  return out;
}

}  // namespace

Result<DecodedEntry> DecodeAndVerify(ByteView bytes, const SecretBytes& secret) {
  auto entry = ParseEntry(bytes);
  if (!entry) return std::unexpected(entry.error());
  auto view = ParsePublic(entry->public_part());
  if (!view) return std::unexpected(view.error());
  return OpenParsed(*entry, std::move(*view), secret);
}

Result<DecodedEntry> DecodeAndVerifyWith(ByteView bytes, const SecretLookup& secret_of) {
  auto entry = ParseEntry(bytes);
  if (!entry) return std::unexpected(entry.error());
  auto view = ParsePublic(entry->public_part());
  if (!view) return std::unexpected(view.error());
  auto secret = secret_of(view->header.ledger_secret_version);
  if (!secret) return std::unexpected(secret.error());
  return OpenParsed(*entry, std::move(*view), *secret);
}

}  // namespace ledgerseal::kv::entry
