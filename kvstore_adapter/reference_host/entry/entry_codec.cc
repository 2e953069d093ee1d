#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

#include <string>

#include "kvstore_adapter/reference_host/entry/write_set_codec.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "crypto/public/aead_box.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/public/sha256.h"

namespace ledgerseal::kv::entry {

namespace pb = ::ledgerseal::ledger::v1;
namespace {

std::string SerializePublic(const EntryHeader& header, const WriteSet& writes) {
  pb::EntryPublic pub;
  auto* h = pub.mutable_header();
  h->set_format_version(kEntryFormatVersion);
  h->set_version(header.version);
  h->set_ledger_secret_version(header.ledger_secret_version);
  h->set_flags(header.flags);
  h->set_service_id(header.service_id);
  h->set_term(header.term);
  h->set_previous_entry_digest(header.previous_entry_digest.data(), header.previous_entry_digest.size());
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
  if (h.format_version() == 1) {
    return MakeError(ErrorCode::kCorruption,
                     "entry at version " + std::to_string(h.version()) +
                         " is entry format 1 (written before entries were chained: it has no "
                         "previous_entry_digest); this build reads entry format " +
                         std::to_string(kEntryFormatVersion) + " only");
  }
  if (h.format_version() != kEntryFormatVersion) {
    return MakeError(ErrorCode::kCorruption,
                     "unknown entry format version " + std::to_string(h.format_version()));
  }
  if (h.version() == kNoVersion) return MakeError(ErrorCode::kCorruption, "entry has version 0");
  if (h.previous_entry_digest().size() != (h.version() == 1 ? 0 : kEntryDigestBytes)) {
    return MakeError(ErrorCode::kCorruption, "entry at version " + std::to_string(h.version()) +
                                                 " has a previous_entry_digest of " +
                                                 std::to_string(h.previous_entry_digest().size()) + " bytes");
  }
  PublicView view;
  view.header = EntryHeader{h.version(), h.ledger_secret_version(), h.flags(), h.service_id(), h.term(),
                            Bytes(h.previous_entry_digest().begin(), h.previous_entry_digest().end())};
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
  if (header.previous_entry_digest.size() != (header.version == 1 ? 0 : kEntryDigestBytes)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "entry " + std::to_string(header.version) + ": previous_entry_digest must be " +
                         (header.version == 1 ? "empty for version 1" : "32 bytes"));
  }
  pb::Entry entry;
  entry.set_public_part(SerializePublic(header, writes));

  pb::WriteSet priv;
  ToProto(priv, writes, Domain::kPrivate);
  const WipedString plaintext(priv.SerializeAsString());
  auto box = crypto::SealAeadBox(random, secret.bytes(), plaintext.span(), AsBytes(entry.public_part()));
  if (!box) return MakeError(ErrorCode::kInternal, "entry encryption failed: " + box.error().message);
  entry.set_iv(std::move(box->iv));
  entry.set_private_ciphertext(std::move(box->ciphertext));
  entry.set_tag(std::move(box->tag));
  const std::string out = entry.SerializeAsString();
  return Bytes(out.begin(), out.end());
}

Result<Bytes> EntryDigest(ByteView entry) {
  auto digest = crypto::Sha256(entry);
  if (!digest) return MakeError(ErrorCode::kInternal, "entry digest: " + digest.error().ToString());
  return Bytes(digest->begin(), digest->end());
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

  WipedString plaintext(entry.private_ciphertext().size());
  auto opened = crypto::OpenAeadBox(plaintext.mutable_span(), secret.bytes(),
                                    AsBytes(entry.iv()), AsBytes(entry.private_ciphertext()),
                                    AsBytes(entry.tag()), AsBytes(entry.public_part()));
  if (!opened) {
    return MakeError(ErrorCode::kCorruption,
                     "entry at version " + std::to_string(view.header.version) +
                         " does not authenticate under ledger secret " +
                         std::to_string(view.header.ledger_secret_version));
  }
  pb::WriteSet priv;
  if (!priv.ParseFromString(plaintext.str())) {
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
