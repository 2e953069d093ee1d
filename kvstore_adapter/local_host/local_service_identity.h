// LocalHost's service identity (internal to //kvstore_adapter/local_host,
// docs/SERVICE_IDENTITY.md §1 duty 9, §5, §6): the record of each service in
// the public table local_host.service, the private key in the private table
// local_host.service_key, how the genesis and a recovery make their record,
// and the replay checks over them. All integers are big-endian.
//
//   service record  local_host.service / "current" (public), a
//                   kv::ServiceRecord field for field:
//     u32 format (2) || u32 length, service_id || u64 created_at_version ||
//     u32 length, previous_service_id || u64 recovery_count ||
//     u32 identity_algorithm || u32 length, identity SPKI ||
//     u64 recovered_to_version || u32 length, recovered_tail_digest ||
//     u32 length, endorsement
//   Format 1 (before service identities) was the bare service id: nothing
//   authenticates such a ledger's service, so it is refused, not read.
//
//   service key     local_host.service_key / "current" (private):
//     u32 format (1) || u32 algorithm (2) || u32 length, PKCS#8 private key
//
// recovered_tail_digest is EntryDigest (local_ledger_format.h) of the entry
// at recovered_to_version (which, entries being chained, commits to every
// entry up to it); the successor's own entry chains to that same digest.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_LOCAL_SERVICE_IDENTITY_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_LOCAL_SERVICE_IDENTITY_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/host_support/public/state_snapshot.h"
#include "kvstore_adapter/local_host/public/local_host.h"
#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/write_set.h"

namespace ledgerseal::kv::local {

// The checks Create and Recover make of `options` before anything else:
// defaults options.random, and takes the injected key out of
// options.service_key_pkcs8 (leaving it empty; the bytes are wiped).
// Returns that key; std::nullopt if none was given.
// Errors: kInvalidArgument (no node id; a service_key_pkcs8 that is not a
// P-256 PKCS#8 key; a node.service_id that is not the injected key's id, or
// set without one).
Result<std::optional<ServiceKey>> PrepareOptions(LocalHostOptions& options);

inline constexpr uint32_t kServiceRecordFormat = 2;
inline constexpr uint32_t kServiceKeyFormat = 1;

// The record's bytes (above). Pure.
Bytes EncodeServiceRecord(const ServiceRecord& record);
// `version` is the entry the bytes come from (for messages only).
// Errors: kRecoveryFailed (a format 1 record: "format 1 ledger", refused);
// kCorruption (truncated, trailing bytes, an unknown format).
Result<ServiceRecord> DecodeServiceRecord(ByteView bytes, Version version);

// The key's bytes (above), in wiped-on-free memory. Never logged.
// Errors: kInternal (OpenSSL failed).
Result<SecretBytes> EncodeServiceKey(const ServiceKey& key);
// Errors: kCorruption (malformed, another algorithm or format, not a P-256
// PKCS#8 key); messages never quote the key's bytes.
Result<ServiceKey> DecodeServiceKey(ByteView bytes);

// The genesis record of `identity` (created at version 1, no predecessor).
// Postcondition (checked): VerifyServiceRecord accepts it at version 1.
ServiceRecord GenesisRecord(const ServiceIdentity& identity);

// The record of the service recovered from a ledger whose last entry is at
// `last_version`, with digest `last_digest` (EntryDigest, as replay computed
// it), and whose last service is `previous` (with its key `previous_key`):
// created at last_version + 1, recovered_to last_version with that digest,
// endorsed by `previous_key`.
// Preconditions (checked): previous_key is previous's key.
// Postcondition (checked): VerifyServiceRecord accepts it after `previous`.
// Errors: kInternal (the signature failed).
Result<ServiceRecord> SuccessorRecord(const ServiceRecord& previous, const ServiceKey& previous_key,
                                      const ServiceIdentity& next, Version last_version, const Bytes& last_digest);

// Replay check §6.1: the endorsement chain, one authenticated entry at a
// time, oldest first. Thread safety: none (one replay).
class ServiceChain {
 public:
  // Checks the service record `writes` (all the writes of the entry at
  // `version`, authenticated and following the entry before it) write, if
  // any, against the newest one so far (kv::VerifyServiceRecord, with
  // `previous_digest`: EntryDigest of entry version - 1, as replay computed
  // it; empty for version 1), and makes it the newest.
  // Errors: kRecoveryFailed ("broken_endorsement at version V: ...", or a
  // format 1 record); kCorruption (a malformed record, or a write to
  // local_host.service other than a record under "current"); kInternal.
  Status Apply(Version version, const WriteSet& writes, const Bytes& previous_digest);

  // The newest record applied and its version; null / kNoVersion if none.
  const ServiceRecord* newest() const { return newest_ ? &*newest_ : nullptr; }
  Version newest_version() const { return newest_version_; }

 private:
  std::optional<ServiceRecord> newest_;
  Version newest_version_ = kNoVersion;
};

// Replay check §6.4, once every entry is replayed into `state`: the last
// service record's id must be `hook_service_id` (what recovery hook
// `hook_name` authenticated, RecoveredSecret::previous_service_id) and `pin`
// (RecoveryContext::expected_previous_service_id; empty: none), and the
// private key in local_host.service_key must be that record's key. Returns
// that key: the one that endorses the successor.
// Errors: kRecoveryFailed ("broken_endorsement at version V: ...", V the
// last record's version); kCorruption (no service record); the state's
// read errors.
Result<ServiceKey> CheckChainEnd(const ServiceChain& chain, const StateSnapshot& state, std::string_view hook_name,
                                 std::string_view hook_service_id, std::string_view pin);

}  // namespace ledgerseal::kv::local

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_LOCAL_SERVICE_IDENTITY_H_
