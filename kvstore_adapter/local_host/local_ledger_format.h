// LocalHost's byte formats (internal to //kvstore_adapter/local_host): how
// an entry's writes are encoded, sealed and opened, the secret chain link,
// and the membership record. All integers are big-endian.
//
//   write set   u32 table count, then per table (in name order):
//                 u32 name length, name, u8 domain (0 public, 1 private),
//                 u32 write count, then per write (in key order):
//                   u32 key length, key, u8 present, [u32 value length, value]
//   entry AAD   "ledgerseal local entry v2" || u64 version ||
//               u64 ledger secret version ||
//               u32 length, previous entry digest || write set(public writes)
//   entry box   AES-256-GCM(secret, AAD, plaintext = write set(private writes))
//   entry bytes entry AAD || u32 iv length, iv || u32 ciphertext length,
//               ciphertext || u32 tag length, tag
//               (the whole entry, injectively)
//   entry digest SHA-256(entry bytes) (EntryDigest): what the next entry's
//               previous entry digest and a service record's
//               recovered_tail_digest hold
//   previous entry digest  empty in entry 1; in entry V > 1 the entry digest
//               (32 bytes) of entry V - 1. Entries form a hash chain, each
//               link authenticated with its entry: an entry digest commits to
//               the whole ledger up to that entry, and replay refuses an
//               entry that does not follow the one before it (a genuine
//               sibling sealed at the same version under the same secret,
//               spliced in from a ledger that diverged, is not the entry
//               the next one chains to). "v2": v1 entries had no link.
//   chain link  key u64(V); value u64(previous version) || iv(12) ||
//               ciphertext(32) || tag(16), where the ciphertext is the
//               previous secret sealed under secret V with AAD
//               "ledgerseal local chain v1" || u64(V) || u64(previous version)
//   node record u8 status (0 pending, 1 trusted, 2 retired) ||
//               u32 sealing identity length, sealing identity || join payload
// The service record and the service key: local_service_identity.h.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_LOCAL_LEDGER_FORMAT_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_LOCAL_LEDGER_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/public/random_source.h"
#include "kvstore_adapter/local_host/public/local_host.h"
#include "kvstore_adapter/public/commit_context.h"
#include "kvstore_adapter/public/transaction.h"
#include "kvstore_adapter/public/write_set.h"

namespace ledgerseal::kv::local {

// The tables LocalHost owns. Applications and hooks must not write them.
// Public (recovery reads them before any secret is known): the secret chain,
// the service record (key kCurrentRow) and the membership.
inline constexpr Table kChainTable{"local_host.secret_chain", Domain::kPublic};
inline constexpr Table kServiceTable{"local_host.service", Domain::kPublic};
inline constexpr Table kNodesTable{"local_host.nodes", Domain::kPublic};
inline constexpr std::string_view kCurrentRow = "current";
// Private, written by the genesis and the recovered service's first commit
// only: the service identity's private key (key kCurrentRow), encrypted in
// the ledger under the ledger secret like every private write.
inline constexpr Table kServiceKeyTable{"local_host.service_key", Domain::kPrivate};

// Canonical encoding of `writes` (above). Pure.
Bytes EncodeWriteSet(const WriteSet& writes);
// Errors: kCorruption (truncated, trailing bytes, an invalid table name, a
// table in both domains).
Result<WriteSet> DecodeWriteSet(ByteView bytes);

// The size of an entry digest (SHA-256).
inline constexpr size_t kEntryDigestBytes = 32;

// Seals `writes` as the entry of `version` under `secret` (version
// `secret_version`), chained to `previous_entry_digest` (EntryDigest of
// entry version - 1; empty for version 1): public writes in the clear,
// private writes encrypted, all of it authenticated.
// Preconditions (checked): secret has kLedgerSecretBytes bytes;
// previous_entry_digest has kEntryDigestBytes bytes, 0 for version 1.
// Errors: kInternal (randomness or OpenSSL failed).
Result<LocalLedgerEntry> SealEntry(crypto::RandomSource& random, Version version,
                                   uint64_t secret_version, const SecretBytes& secret,
                                   ByteView previous_entry_digest, const WriteSet& writes);

// Authenticates `entry` (its previous_entry_digest included) under `secret`
// and returns all of its writes. Does not check that the entry follows the
// one before it: replay compares previous_entry_digest with the digest of
// the entry it replayed last.
// Errors: kCorruption (the tag does not verify: wrong secret or altered
// bytes; or the decrypted writes do not parse or are not all private).
Result<WriteSet> OpenEntry(const LocalLedgerEntry& entry, const SecretBytes& secret);

// The entry's bytes ("entry bytes" above). Pure.
Bytes EncodeEntry(const LocalLedgerEntry& entry);
// SHA-256 of EncodeEntry(entry), kEntryDigestBytes bytes: the next entry's
// previous_entry_digest and a recovered service's recovered_tail_digest.
// Computed once per entry: by the commit that seals it, by the replay that
// authenticates it. Errors: kInternal (OpenSSL failed).
Result<Bytes> EntryDigest(const LocalLedgerEntry& entry);

// Writes into `writes` the chain link that keeps `previous` (version
// `previous_version`) recoverable under `secret` (version `version`).
// Errors: kInternal (randomness or OpenSSL failed).
Status PutChainLink(WriteSet& writes, crypto::RandomSource& random, uint64_t version,
                    const SecretBytes& secret, uint64_t previous_version,
                    const SecretBytes& previous);

// Every chain link in `ledger`'s public writes, by the version it opens
// with. Errors: kCorruption (a link key or value of the wrong size).
using ChainLinks = std::map<uint64_t, Bytes>;
Result<ChainLinks> CollectChainLinks(const LocalLedger& ledger);

// Unwinds the chain from `newest` (version `newest_version`): every secret
// it reaches, by version, `newest` included. Stops at a version without a
// link. Errors: kCorruption (a link that does not open under its secret, or
// names a previous version that is not older).
Result<std::map<uint64_t, SecretBytes>> UnwindChain(const ChainLinks& links, uint64_t newest_version,
                                                    SecretBytes newest);

// The domain of every table a ledger has written, by name, recorded from
// the first entry that wrote it (types.h: a table name belongs to exactly
// one domain for the life of a ledger).
using TableDomains = std::map<std::string, Domain, std::less<>>;
struct DomainClash {
  std::string table;
  Domain recorded;  // the domain `domains` has for it; `writes` uses the other
};
// The first table of `writes` (in name order) that `domains` records under
// the other domain; std::nullopt if every table agrees or is new. Pure.
std::optional<DomainClash> FindDomainClash(const TableDomains& domains, const WriteSet& writes);
// Records the domain of every table of `writes` that `domains` lacks.
// Precondition: FindDomainClash(domains, writes) is std::nullopt.
void RecordDomains(TableDomains& domains, const WriteSet& writes);
// "public" or "private".
std::string_view DomainName(Domain domain);

enum class NodeStatus : uint8_t { kPending = 0, kTrusted = 1, kRetired = 2 };
struct NodeRecord {
  NodeStatus status = NodeStatus::kPending;
  std::string sealing_identity;
  Bytes join_payload;
};
Bytes EncodeNodeRecord(const NodeRecord& record);
// Errors: kCorruption (truncated, unknown status).
Result<NodeRecord> DecodeNodeRecord(ByteView bytes);
// Every node record as `tx` sees it (its own writes applied), by node id.
// Errors: kCorruption (a malformed record), the transaction's read errors.
Result<std::map<std::string, NodeRecord>> ListNodes(Transaction& tx);

// `size` (by default kLedgerSecretBytes) bytes from `random`.
// Errors: kInternal.
Result<SecretBytes> DrawSecret(crypto::RandomSource& random, size_t size = kLedgerSecretBytes);

}  // namespace ledgerseal::kv::local

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_LOCAL_LEDGER_FORMAT_H_
