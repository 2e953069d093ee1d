// Internal to recovery: the replay checks that tie a recovered ledger to the
// services that wrote it (docs/SERVICE_IDENTITY.md §6). Once the recovered
// secret is authentic, every entry that authenticates was written by the
// service; these checks make sure the ledger's own account of its services
// (the endorsement chain) is whole, and that each entry is of the service
// its place in the chain says.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_SERVICE_CHAIN_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_SERVICE_CHAIN_H_

#include <optional>
#include <vector>

#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

namespace ledgerseal::kv::recovery_internal {

// Fed every entry in order, after it authenticated. Not thread-safe.
class ServiceChainCheck {
 public:
  // Checks entry `decoded` at version v, whose bytes have the digest
  // `entry_digest` (entry::EntryDigest, computed once by replay for the
  // entry chain). Precondition: replay checked the entry chain, so the
  // header's previous_entry_digest is the digest of entry v - 1 (what an
  // endorsement at v binds).
  //  - a `ledger.service` write passes VerifyServiceRecord against the one
  //    before it (a genesis record without an identity is a format 1
  //    ledger, refused as such);
  //  - the header's service id is the newest record's (the genesis and
  //    recovery entries carry their own new id).
  // Errors: kRecoveryFailed naming v ("broken_endorsement at version v"
  // for the chain).
  [[nodiscard]] Status OnEntry(Version v, const Bytes& entry_digest, const entry::DecodedEntry& decoded);

  // The newest service record replayed, if any.
  const std::optional<ServiceRecord>& last_record() const { return last_; }
  // Every service record replayed, the genesis first (the endorsement chain).
  const std::vector<ServiceRecord>& chain() const { return chain_; }
  // SHA-256 of the last entry's bytes (filled once OnEntry saw it).
  const Bytes& last_entry_digest() const { return last_entry_digest_; }

 private:
  std::optional<ServiceRecord> last_;
  std::vector<ServiceRecord> chain_;
  Bytes last_entry_digest_;
};

}  // namespace ledgerseal::kv::recovery_internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_SERVICE_CHAIN_H_
