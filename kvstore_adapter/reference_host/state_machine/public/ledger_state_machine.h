// The replicated state machine of the reference host: what every node does,
// identically, with each committed entry.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_STATE_MACHINE_PUBLIC_LEDGER_STATE_MACHINE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_STATE_MACHINE_PUBLIC_LEDGER_STATE_MACHINE_H_

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "kvstore_adapter/store/public/store.h"
#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"

namespace ledgerseal::ledger::v1 {
class EncryptedSnapshot;
}  // namespace ledgerseal::ledger::v1

namespace ledgerseal::kv {

// What happened to one committed entry.
enum class ApplyResult : uint8_t {
  kApplied = 0,   // appended to the ledger files and applied to the store
  kStale = 1,     // its version was not applied+1 (a conflicting or duplicate
                  // proposal): skipped by every node alike
};

struct ApplyOutcome {
  ApplyResult result = ApplyResult::kApplied;
  Version version = kNoVersion;  // the entry's version
  Version applied_version = kNoVersion;  // the node's applied version afterwards
};

// Encoding of an ApplyOutcome for Raft's opaque result bytes.
Bytes EncodeOutcome(const ApplyOutcome& outcome);
Result<ApplyOutcome> DecodeOutcome(ByteView bytes);

struct StateMachineDeps {
  std::string node_id;
  const crypto::RsaPrivateKey* node_key = nullptr;  // decrypts this node's secret copies
  ledger::LedgerOptions ledger_options;  // the state machine opens (and owns) the writer
  Store* store = nullptr;
  secrets::LedgerSecrets* secrets = nullptr;
  crypto::RandomSource* random = nullptr;  // snapshot IVs
  // Optional: called (on the applying thread) with every ledger secret this
  // node learns from a rotation entry, after it is added to `secrets`.
  std::function<void(uint64_t version, const SecretBytes& secret)> on_secret_learned{};
  // Optional: where a node behind a Raft snapshot gets the entries it lacks
  // (docs/REFERENCE_HOST.md, "Snapshots"): committed entries from version
  // `from` on, about `max_bytes` at most, as a peer's ledger files hold
  // them; an empty batch when no peer has `from` yet; kUnavailable when no
  // peer answers. Hostile bytes: Restore verifies every entry as Apply does.
  // Called on the applying thread, inside Restore, so it must not wait on
  // Raft. Null: Restore installs the snapshot's image and starts the ledger
  // anew after it (the ledger then begins after version 1).
  std::function<Result<std::vector<Bytes>>(Version from, uint32_t max_bytes)> fetch_entries{};
  // How long one Restore may spend fetching entries from peers.
  uint32_t restore_fetch_budget_ms = 60'000;
};

// Not thread-safe: Raft calls it from its loop thread only. Reads of the
// store may run concurrently (the store allows it).
class LedgerStateMachine {
 public:
  // Opens the ledger files and brings the store up to the ledger's last
  // version (a crash between a ledger append and the store apply leaves the
  // store one entry behind; the missing entries are verified and re-applied).
  // All pointers in `deps` must be non-null and outlive the state machine.
  // Errors: kCorruption (the store is ahead of the ledger, or an entry does
  // not verify), kNotFound (a secret needed to catch up is unknown), kIoError.
  static Result<std::unique_ptr<LedgerStateMachine>> Open(StateMachineDeps deps);

  // Applies one committed entry. Deterministic across nodes: the same entry
  // sequence leaves the same ledger files and store everywhere.
  //  - version != applied + 1  -> kStale, nothing written;
  //  - otherwise the entry is verified under its ledger secret, its
  //    previous_entry_digest must be the digest of the entry applied before
  //    it (docs/FORMAT.md §10.3), this node's copy of a rotated secret is
  //    learnt, the entry is appended to the ledger files and its writes
  //    applied to the store.
  // Errors (the node must stop; it cannot stay consistent): kCorruption (the
  // entry does not verify, or "entry V does not follow entry V-1
  // (previous_entry_digest mismatch)": a genuine entry of another history),
  // kNotFound (the node lacks the secret), kIoError.
  Result<ApplyOutcome> Apply(ByteView entry);

  // An encrypted image of the store at the applied version, under the
  // latest ledger secret. Errors: kNotFound (no secret yet), kIoError.
  Result<Bytes> Snapshot();

  // Brings a node behind a snapshot's version up to it. A snapshot at or
  // below the applied version is ignored.
  //  - With deps.fetch_entries: the entries between the ledger's end and the
  //    snapshot are fetched from peers and applied as Apply applies them
  //    (verified, chained, rotated secrets learnt), so the ledger keeps
  //    starting at version 1 with no gap and a node that missed rotations
  //    learns their secrets; then the snapshot, now decryptable, must end
  //    with the digest of the entry the node holds at its version. Bounded
  //    by deps.restore_fetch_budget_ms (kUnavailable, naming how far it got).
  //  - Without: the snapshot's image replaces the store and the ledger
  //    starts anew after its version (docs/FORMAT.md §9); the secret it is
  //    under must be known.
  // Errors (the node must stop): kCorruption (the snapshot or a fetched
  // entry does not authenticate or chain, or they disagree), kNotFound
  // (unknown secret, no peer source), kUnavailable (peers did not supply
  // the entries in time), kIoError.
  Status Restore(ByteView snapshot);


  Version applied_version() const;

  // The applied version and the digest of the entry at it (entry::EntryDigest;
  // empty at version 0): what the next entry's previous_entry_digest must be.
  // Set by Open (from the ledger files' last entry), Apply and Restore (from
  // the snapshot). The digest is std::nullopt when it is not known (never
  // expected: a ledger restarted after a snapshot knows it from the
  // snapshot). Thread-safe: the primary reads it while Raft applies.
  struct LastEntry {
    Version version = kNoVersion;
    std::optional<Bytes> digest;
  };
  LastEntry last_entry() const;

  // The ledger writer's recovery report from Open (torn tail dropped, if any).
  const ledger::RecoveryReport& ledger_recovery_report() const;

 private:
  LedgerStateMachine(StateMachineDeps deps, std::unique_ptr<ledger::LedgerWriter> ledger);
  Result<entry::DecodedEntry> Verify(ByteView entry) const;
  Status CatchUpStore();
  Status CatchUpFromPeers(const ::ledgerseal::ledger::v1::EncryptedSnapshot& snapshot);
  Status InstallImage(const ::ledgerseal::ledger::v1::EncryptedSnapshot& snapshot);
  void SetLastEntry(Version version, std::optional<Bytes> digest);
  // True if a rotation's secret record for this node id is of a version
  // this node already holds. A record it cannot decrypt is then no error: a
  // node that rejoined under its id after a recovery meets the records its
  // predecessor's key received, of secrets its admission already gave it.
  bool HoldsOwnSecretOf(const WriteSet& public_writes) const;

  StateMachineDeps deps_;
  std::unique_ptr<ledger::LedgerWriter> ledger_;
  mutable std::mutex last_mu_;  // guards last_ (written on the Raft thread, read by commits)
  LastEntry last_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_STATE_MACHINE_PUBLIC_LEDGER_STATE_MACHINE_H_
