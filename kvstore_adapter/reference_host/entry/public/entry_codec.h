// Ledger entries: one committed transaction, public writes in the clear,
// private writes encrypted under the ledger secret in force, and one AES-GCM
// tag authenticating both (the public part is the AAD).
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_ENTRY_PUBLIC_ENTRY_CODEC_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_ENTRY_PUBLIC_ENTRY_CODEC_H_

#include <functional>
#include <string>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/write_set.h"
#include "crypto/public/random_source.h"

namespace ledgerseal::kv::entry {

// 2: entries are chained (EntryHeader.previous_entry_digest). Format 1
// entries (written before the chain) are refused.
inline constexpr uint32_t kEntryFormatVersion = 2;
inline constexpr size_t kEntryDigestBytes = 32;
inline constexpr uint32_t kFlagRotation = 1u << 0;
inline constexpr size_t kLedgerSecretBytes = 32;

struct EntryHeader {
  Version version = kNoVersion;
  uint64_t ledger_secret_version = 0;
  uint32_t flags = 0;
  std::string service_id;
  // The Raft term of the leader that proposed the entry (audit only: the
  // version, not the term, orders entries).
  uint64_t term = 0;
  // EntryDigest of the entry at version - 1 (kEntryDigestBytes), empty for
  // version 1. Inside the public part, so the GCM tag authenticates it.
  Bytes previous_entry_digest{};

  friend bool operator==(const EntryHeader&, const EntryHeader&) = default;
};

// What can be read without the ledger secret: NOT authenticated until the
// entry is verified with DecodeAndVerify.
struct PublicView {
  EntryHeader header;
  WriteSet public_writes;
};

struct DecodedEntry {
  EntryHeader header;
  WriteSet writes;  // public and private, each table tagged with its domain
};

// Serialises and encrypts one entry. A fresh 96-bit IV comes from `random`
// for every call (IVs never depend on the version: a proposal that is
// skipped may share its version with the one that commits).
// Preconditions: secret.size() == kLedgerSecretBytes, header.version > 0,
// header.previous_entry_digest empty for version 1 and kEntryDigestBytes
// long otherwise.
// Errors: kInvalidArgument, kInternal (randomness or encryption failed).
Result<Bytes> EncodeEntry(crypto::RandomSource& random, const EntryHeader& header,
                          const WriteSet& writes, const SecretBytes& secret);

// SHA-256 of an entry's complete bytes (what EncodeEntry returned, i.e. the
// ledger frame payload): the next entry's previous_entry_digest.
// Errors: kInternal (the digest could not be computed).
Result<Bytes> EntryDigest(ByteView entry);

// Parses the public part only. Errors: kCorruption (does not parse, unknown
// format version (format 1 is named as such), a previous_entry_digest of the
// wrong size, or malformed public writes; see docs/FORMAT.md §10).
Result<PublicView> DecodePublic(ByteView entry);

// Verifies the tag under `secret` and decrypts the private writes.
// Errors: kCorruption naming the entry's version when the tag fails (wrong
// secret, or any byte of the entry changed) or the bytes do not parse.
Result<DecodedEntry> DecodeAndVerify(ByteView entry, const SecretBytes& secret);

// Returns the secret of a ledger secret version; kNotFound when unknown.
using SecretLookup = std::function<Result<SecretBytes>(uint64_t ledger_secret_version)>;

// DecodeAndVerify under the secret the entry's header names, parsing the
// entry once. Errors: those of `secret_of` (e.g. kNotFound), then those of
// DecodeAndVerify.
Result<DecodedEntry> DecodeAndVerifyWith(ByteView entry, const SecretLookup& secret_of);

}  // namespace ledgerseal::kv::entry

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_ENTRY_PUBLIC_ENTRY_CODEC_H_
