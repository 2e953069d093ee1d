#include "kvstore_adapter/reference_host/recovery/service_chain.h"

#include "base/check.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"

namespace ledgerseal::kv::recovery_internal {
namespace {

std::unexpected<Error> Failed(Version v, const std::string& what) {
  return MakeError(ErrorCode::kRecoveryFailed, "entry " + std::to_string(v) + ": " + what);
}

}  // namespace

std::set<Version> ServiceRecordVersionsIn(Version version, const WriteSet& public_writes) {
  if (public_writes.Find(membership::kServiceTable.name, AsBytes(membership::kServiceKey)) != nullptr) {
    return {version};
  }
  return {};
}

Status ServiceChainCheck::OnEntry(Version v, const Bytes& entry_digest, const entry::DecodedEntry& decoded) {
  const auto* write = decoded.writes.Find(membership::kServiceTable.name, AsBytes(membership::kServiceKey));
  if (write != nullptr) {
    if (!write->has_value()) return Failed(v, "broken_endorsement at version " + std::to_string(v) + ": the service record is removed");
    auto info = membership::DecodeServiceRecord(**write);
    if (!info) return Failed(v, "broken_endorsement at version " + std::to_string(v) + ": " + info.error().message);
    ServiceRecord record = membership::ToServiceRecord(*info);
    if (!last_ && record.identity_public_key_der.empty()) {
      return Failed(v, "the genesis service record has no service identity: a format 1 ledger (written before "
                       "service identities, so its sealing records are forgeable from public data); this build "
                       "refuses it, recover it with the build that wrote it");
    }
    if (last_ && previous_digest_.empty()) {
      // The scan before replay saw no service record here: the files changed
      // under the recovery.
      return Failed(v, "broken_endorsement at version " + std::to_string(v) +
                           ": a service record the scan before replay did not see");
    }
    if (auto s = VerifyServiceRecord(last_ ? &*last_ : nullptr, record, v, previous_digest_); !s) {
      return MakeError(ErrorCode::kRecoveryFailed, s.error().message);
    }
    last_ = std::move(record);
  }
  if (!last_) {
    return Failed(v, "no service record precedes it (a ledger starts with its genesis service record; a format 1 "
                     "ledger, or not a ledger of this host)");
  }
  if (decoded.header.service_id != last_->service_id) {
    return Failed(v, "claims service " + decoded.header.service_id + "; the ledger's service there is " +
                         last_->service_id);
  }
  previous_digest_.clear();
  if (record_versions_.contains(v + 1) || v == last_version_) {
    if (v == last_version_) last_entry_digest_ = entry_digest;
    previous_digest_ = entry_digest;
  }
  return {};
}

}  // namespace ledgerseal::kv::recovery_internal
