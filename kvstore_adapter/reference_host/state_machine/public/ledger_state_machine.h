// The replicated state machine of the reference host: what every node does,
// identically, with each committed entry.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_STATE_MACHINE_PUBLIC_LEDGER_STATE_MACHINE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_STATE_MACHINE_PUBLIC_LEDGER_STATE_MACHINE_H_

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "kvstore_adapter/store/public/store.h"
#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"

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

  // Installs a snapshot: a node behind the snapshot's version replaces its
  // store contents and continues its ledger after the snapshot's version
  // (ledger files must then start at version + 1: see docs/FORMAT.md §9). A
  // snapshot at or below the applied version is ignored. Errors:
  // kCorruption (does not authenticate), kNotFound (unknown secret).
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
  void SetLastEntry(Version version, std::optional<Bytes> digest);

  StateMachineDeps deps_;
  std::unique_ptr<ledger::LedgerWriter> ledger_;
  mutable std::mutex last_mu_;  // guards last_ (written on the Raft thread, read by commits)
  LastEntry last_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_STATE_MACHINE_PUBLIC_LEDGER_STATE_MACHINE_H_
