#include "kvstore_adapter/reference_host/recovery/service_chain.h"

#include "base/check.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"

namespace ledgerseal::kv::recovery_internal {
namespace {

std::unexpected<Error> Failed(Version v, const std::string& what) {
  return MakeError(ErrorCode::kRecoveryFailed, "entry " + std::to_string(v) + ": " + what);
}

}  // namespace

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
    if (auto s = VerifyServiceRecord(last_ ? &*last_ : nullptr, record, v, decoded.header.previous_entry_digest);
        !s) {
      return MakeError(ErrorCode::kRecoveryFailed, s.error().message);
    }
    chain_.push_back(record);
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
  last_entry_digest_ = entry_digest;
  return {};
}

}  // namespace ledgerseal::kv::recovery_internal
