#include "kvstore_adapter/public/service_identity.h"

#include <cstdlib>

#include "base/canonical_items.h"
#include "base/check.h"
#include "crypto/public/sha256.h"

namespace ledgerseal::kv {
namespace {

Bytes DigestOf(ByteView bytes) {
  auto digest = crypto::Sha256(bytes);
  // No id or message would be safe to return without the digest; OpenSSL
  // fails here only when it cannot allocate.
  LEDGERSEAL_CHECK(digest.has_value());
  return Bytes(digest->begin(), digest->end());
}

Status Broken(Version version, const std::string& what) {
  return MakeError(ErrorCode::kCorruption, "broken_endorsement at version " + std::to_string(version) + ": " + what);
}

}  // namespace

std::string ServiceIdOf(ByteView spki) {
  const Bytes digest = DigestOf(spki);
  std::string id = ToHex(ByteView(digest).first(kServiceIdChars / 2));
  LEDGERSEAL_CHECK(id.size() == kServiceIdChars);
  return id;
}

Result<ServiceIdentity> ServiceIdentityFromPublicKey(uint32_t algorithm, ByteView spki) {
  if (algorithm != static_cast<uint32_t>(kServiceIdentityAlgorithm)) {
    return MakeError(ErrorCode::kCorruption,
                     "service identity algorithm " + std::to_string(algorithm) + " is not " +
                         std::to_string(static_cast<uint32_t>(kServiceIdentityAlgorithm)) + " (" +
                         std::string(crypto::SignatureAlgorithmName(kServiceIdentityAlgorithm)) + ")");
  }
  if (auto key = crypto::VerifyingKey::FromDer(kServiceIdentityAlgorithm, spki); !key) {
    return MakeError(ErrorCode::kCorruption, "service identity public key: " + key.error().ToString());
  }
  return ServiceIdentity{.algorithm = kServiceIdentityAlgorithm,
                         .public_key_der = Bytes(spki.begin(), spki.end()),
                         .service_id = ServiceIdOf(spki)};
}

Bytes ServiceSignedMessage(std::string_view domain, ByteView signer_spki, ByteView body) {
  return base::CanonicalEncoder().AddString(domain).AddBytes(DigestOf(signer_spki)).AddBytes(body).Finish();
}

Status VerifyServiceSignature(const ServiceIdentity& identity, std::string_view domain, ByteView body,
                              ByteView signature) {
  auto key = crypto::VerifyingKey::FromDer(identity.algorithm, identity.public_key_der);
  if (!key) return MakeError(ErrorCode::kCorruption, "service identity public key: " + key.error().ToString());
  if (signature.empty()) return MakeError(ErrorCode::kCorruption, "signature is empty");
  const Bytes message = ServiceSignedMessage(domain, identity.public_key_der, body);
  if (auto ok = key->Verify(message, signature); !ok) {
    return MakeError(ErrorCode::kCorruption, "signature does not verify under service " + identity.service_id);
  }
  return {};
}

Bytes EndorsementBody(const ServiceRecord& record) {
  return base::CanonicalEncoder()
      .AddU32(record.identity_algorithm)
      .AddBytes(record.identity_public_key_der)
      .AddU64(record.recovery_count)
      .AddU64(record.created_at_version)
      .AddU64(record.recovered_to_version)
      .AddBytes(record.recovered_tail_digest)
      .Finish();
}

Status VerifyServiceRecord(const ServiceRecord* previous, const ServiceRecord& record, Version version,
                           ByteView tail_digest) {
  auto identity = ServiceIdentityFromPublicKey(record.identity_algorithm, record.identity_public_key_der);
  if (!identity) return Broken(version, identity.error().message);
  if (record.service_id != identity->service_id) {
    return Broken(version, "service id " + record.service_id + " is not the id of its key (" +
                               identity->service_id + ")");
  }
  if (record.created_at_version != version) {
    return Broken(version, "created_at_version is " + std::to_string(record.created_at_version));
  }
  if (previous == nullptr) {
    if (version != 1) return Broken(version, "a first service record must be at version 1 (genesis)");
    if (record.recovery_count != 0 || !record.previous_service_id.empty() || record.recovered_to_version != 0 ||
        !record.recovered_tail_digest.empty() || !record.endorsement.empty()) {
      return Broken(version, "a genesis record names a predecessor");
    }
    return {};
  }
  if (record.previous_service_id != previous->service_id) {
    return Broken(version, "previous_service_id " + record.previous_service_id + " is not the service before it (" +
                               previous->service_id + ")");
  }
  if (record.recovery_count != previous->recovery_count + 1) {
    return Broken(version, "recovery_count " + std::to_string(record.recovery_count) + " does not follow " +
                               std::to_string(previous->recovery_count));
  }
  if (record.recovered_to_version + 1 != version) {
    return Broken(version, "recovered_to_version " + std::to_string(record.recovered_to_version) +
                               " is not the version before it");
  }
  if (record.recovered_tail_digest.size() != 32 ||
      !std::equal(record.recovered_tail_digest.begin(), record.recovered_tail_digest.end(), tail_digest.begin(),
                  tail_digest.end())) {
    return Broken(version, "recovered_tail_digest is not the digest of entry " +
                               std::to_string(record.recovered_to_version));
  }
  auto prev_identity = ServiceIdentityFromPublicKey(previous->identity_algorithm, previous->identity_public_key_der);
  if (!prev_identity) return Broken(version, "previous " + prev_identity.error().message);
  if (auto ok = VerifyServiceSignature(*prev_identity, kEndorsementDomain, EndorsementBody(record), record.endorsement);
      !ok) {
    return Broken(version, "endorsement by " + previous->service_id + ": " + ok.error().message);
  }
  return {};
}

}  // namespace ledgerseal::kv
