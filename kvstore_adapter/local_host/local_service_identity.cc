#include "kvstore_adapter/local_host/local_service_identity.h"

#include <string>

#include "base/check.h"
#include "kvstore_adapter/local_host/local_codec.h"
#include "kvstore_adapter/local_host/local_ledger_format.h"

namespace ledgerseal::kv::local {
namespace {

constexpr uint32_t kAlgorithm = static_cast<uint32_t>(kServiceIdentityAlgorithm);

std::string At(Version version) { return "entry " + std::to_string(version); }

Error RecoveryFailed(std::string message) { return Error{ErrorCode::kRecoveryFailed, std::move(message)}; }

// A record whose first four bytes are not a format number this code knows of
// is a format 1 record: a bare service id (printable, so never a small u32).
bool IsFormatNumber(ByteView bytes, uint32_t& format) {
  Reader in(bytes);
  return in.U32(format) && format >= kServiceRecordFormat && format <= 0xff;
}

}  // namespace

Result<std::optional<ServiceKey>> PrepareOptions(LocalHostOptions& options) {
  if (options.node.node_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "LocalHost needs a node id");
  }
  if (!options.random) options.random = std::make_shared<crypto::OpenSslRandomSource>();
  std::optional<ServiceKey> injected;
  if (!options.service_key_pkcs8.empty()) {
    const SecretBytes pkcs8 = std::move(options.service_key_pkcs8);  // wiped when it goes
    auto key = ServiceKey::FromPkcs8Der(pkcs8.bytes());
    if (!key) {
      return MakeError(ErrorCode::kInvalidArgument, "LocalHostOptions::service_key_pkcs8: " + key.error().message);
    }
    injected.emplace(std::move(*key));
  }
  const std::string& chosen = options.node.service_id;
  if (!chosen.empty() && (!injected || chosen != injected->identity().service_id)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "service id '" + chosen + "' cannot be chosen: a service id is the id of the service's "
                     "identity key (leave LocalHostOptions::node.service_id empty)");
  }
  return injected;
}

Bytes EncodeServiceRecord(const ServiceRecord& r) {
  Bytes out(4 + (4 + r.service_id.size()) + 8 + (4 + r.previous_service_id.size()) + 8 + 4 +
            (4 + r.identity_public_key_der.size()) + 8 + (4 + r.recovered_tail_digest.size()) +
            (4 + r.endorsement.size()));
  Writer w(out);
  w.U32(kServiceRecordFormat);
  w.Field(AsBytes(r.service_id));
  w.U64(r.created_at_version);
  w.Field(AsBytes(r.previous_service_id));
  w.U64(r.recovery_count);
  w.U32(r.identity_algorithm);
  w.Field(r.identity_public_key_der);
  w.U64(r.recovered_to_version);
  w.Field(r.recovered_tail_digest);
  w.Field(r.endorsement);
  LEDGERSEAL_CHECK(w.done());
  return out;
}

Result<ServiceRecord> DecodeServiceRecord(ByteView bytes, Version version) {
  uint32_t format = 0;
  if (!IsFormatNumber(bytes, format)) {
    return std::unexpected(RecoveryFailed(
        At(version) + "'s local_host.service record has no service identity: a format 1 ledger (written before "
                      "service identities) cannot be authenticated and is refused; recover it with the build that "
                      "wrote it"));
  }
  if (format != kServiceRecordFormat) {
    return MakeError(ErrorCode::kCorruption, At(version) + "'s local_host.service record has unknown format " +
                                                 std::to_string(format));
  }
  Reader in(bytes);
  ServiceRecord r;
  ByteView id, previous, spki, digest, endorsement;
  if (!in.U32(format) || !in.Field(id) || !in.U64(r.created_at_version) || !in.Field(previous) ||
      !in.U64(r.recovery_count) || !in.U32(r.identity_algorithm) || !in.Field(spki) ||
      !in.U64(r.recovered_to_version) || !in.Field(digest) || !in.Field(endorsement) || !in.done()) {
    return MakeError(ErrorCode::kCorruption, At(version) + " holds a malformed local_host.service record");
  }
  r.service_id = std::string(AsString(id));
  r.previous_service_id = std::string(AsString(previous));
  r.identity_public_key_der.assign(spki.begin(), spki.end());
  r.recovered_tail_digest.assign(digest.begin(), digest.end());
  r.endorsement.assign(endorsement.begin(), endorsement.end());
  return r;
}

Result<SecretBytes> EncodeServiceKey(const ServiceKey& key) {
  auto pkcs8 = key.ToPkcs8Der();
  if (!pkcs8) return std::unexpected(pkcs8.error());
  SecretBytes out(4 + 4 + 4 + pkcs8->size());
  Writer w(out.mutable_bytes());
  w.U32(kServiceKeyFormat);
  w.U32(kAlgorithm);
  w.Field(pkcs8->bytes());
  LEDGERSEAL_CHECK(w.done());
  return out;
}

Result<ServiceKey> DecodeServiceKey(ByteView bytes) {
  Reader in(bytes);
  uint32_t format = 0, algorithm = 0;
  ByteView pkcs8;
  if (!in.U32(format) || format != kServiceKeyFormat || !in.U32(algorithm) || algorithm != kAlgorithm ||
      !in.Field(pkcs8) || !in.done()) {
    return MakeError(ErrorCode::kCorruption, "a malformed local_host.service_key record");
  }
  return ServiceKey::FromPkcs8Der(pkcs8);
}

ServiceRecord GenesisRecord(const ServiceIdentity& identity) {
  ServiceRecord record{.service_id = identity.service_id,
                       .created_at_version = 1,
                       .previous_service_id = "",
                       .recovery_count = 0,
                       .identity_algorithm = static_cast<uint32_t>(identity.algorithm),
                       .identity_public_key_der = identity.public_key_der,
                       .recovered_to_version = kNoVersion,
                       .recovered_tail_digest = {},
                       .endorsement = {}};
  LEDGERSEAL_CHECK(VerifyServiceRecord(nullptr, record, 1, {}).has_value());
  return record;
}

Result<ServiceRecord> SuccessorRecord(const ServiceRecord& previous, const ServiceKey& previous_key,
                                      const ServiceIdentity& next, Version last_version, const Bytes& last_digest) {
  LEDGERSEAL_CHECK(previous_key.identity().service_id == previous.service_id &&
                   previous_key.identity().public_key_der == previous.identity_public_key_der);
  ServiceRecord record{.service_id = next.service_id,
                       .created_at_version = last_version + 1,
                       .previous_service_id = previous.service_id,
                       .recovery_count = previous.recovery_count + 1,
                       .identity_algorithm = static_cast<uint32_t>(next.algorithm),
                       .identity_public_key_der = next.public_key_der,
                       .recovered_to_version = last_version,
                       .recovered_tail_digest = last_digest,
                       .endorsement = {}};
  if (auto s = previous_key.Endorse(record); !s) return std::unexpected(s.error());
  // The chain this host writes is one its own replay (and inspect) accepts.
  LEDGERSEAL_CHECK(VerifyServiceRecord(&previous, record, record.created_at_version, last_digest).has_value());
  return record;
}

Status ServiceChain::Apply(Version version, const WriteSet& writes, const Bytes& previous_digest) {
  auto table = writes.tables().find(kServiceTable.name);
  if (table == writes.tables().end()) return {};
  for (const auto& [key, value] : table->second.writes) {
    if (AsString(key) != kCurrentRow || !value) {
      return MakeError(ErrorCode::kCorruption, At(version) + " writes local_host.service other than a record under '" +
                                                   std::string(kCurrentRow) + "'");
    }
  }
  const std::optional<Bytes>* value = writes.Find(kServiceTable.name, AsBytes(kCurrentRow));
  LEDGERSEAL_CHECK(value != nullptr && value->has_value());
  auto record = DecodeServiceRecord(**value, version);
  if (!record) return std::unexpected(record.error());
  // A successor binds the digest of the entry before it; a genesis nothing
  // (VerifyServiceRecord ignores the digest for it, and refuses a first
  // record anywhere but version 1).
  LEDGERSEAL_CHECK(previous_digest.empty() == (version == 1));
  if (auto ok = VerifyServiceRecord(newest(), *record, version, previous_digest); !ok) {
    return std::unexpected(RecoveryFailed(ok.error().message));
  }
  newest_ = std::move(*record);
  newest_version_ = version;
  return {};
}

Result<ServiceKey> CheckChainEnd(const ServiceChain& chain, const StateSnapshot& state, std::string_view hook_name,
                                 std::string_view hook_service_id, std::string_view pin) {
  const ServiceRecord* last = chain.newest();
  if (last == nullptr) return MakeError(ErrorCode::kCorruption, "the ledger holds no local_host.service record");
  const auto broken = [&](const std::string& what) {
    return std::unexpected(
        RecoveryFailed("broken_endorsement at version " + std::to_string(chain.newest_version()) + ": " + what));
  };
  if (last->service_id != hook_service_id) {
    return broken("the ledger's last service is " + last->service_id + ", but recovery hook '" +
                  std::string(hook_name) + "' authenticated its material as service '" +
                  std::string(hook_service_id) + "'");
  }
  if (!pin.empty() && last->service_id != pin) {
    return broken("the ledger's last service is " + last->service_id + ", not the expected previous service " +
                  std::string(pin));
  }
  // Decoded in place: no copy of the private key outlives this call but the
  // ServiceKey (OpenSSL wipes it when freed).
  std::optional<Result<ServiceKey>> stored;
  auto scanned = state.ForEach(kServiceKeyTable.name, [&](ByteView key, ByteView value) {
    if (AsString(key) != kCurrentRow) return true;
    stored.emplace(DecodeServiceKey(value));
    return false;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (!stored) return broken("the ledger holds no local_host.service_key for service " + last->service_id);
  if (!*stored) return broken("the stored service key: " + stored->error().message);
  const ServiceIdentity& key = (*stored)->identity();
  if (static_cast<uint32_t>(key.algorithm) != last->identity_algorithm ||
      key.public_key_der != last->identity_public_key_der) {
    return broken("the stored service key is not the key of service " + last->service_id);
  }
  return std::move(**stored);
}

}  // namespace ledgerseal::kv::local
