#include "kvstore_adapter/host_support/public/service_key.h"

namespace ledgerseal::kv {

Result<ServiceKey> ServiceKey::FromSigningKey(crypto::SigningKey key) {
  auto spki = key.PublicKeyDer();
  if (!spki) return MakeError(ErrorCode::kInternal, "service identity public key: " + spki.error().ToString());
  auto identity = ServiceIdentityFromPublicKey(static_cast<uint32_t>(key.algorithm()), *spki);
  if (!identity) return MakeError(ErrorCode::kInternal, identity.error().message);
  auto verifier = crypto::VerifyingKey::FromDer(key.algorithm(), identity->public_key_der);
  if (!verifier) return MakeError(ErrorCode::kInternal, "service identity public key: " + verifier.error().ToString());
  return ServiceKey(std::move(key), std::move(*verifier), std::move(*identity));
}

Result<ServiceKey> ServiceKey::Generate() {
  auto key = crypto::SigningKey::Generate(kServiceIdentityAlgorithm);
  if (!key) return MakeError(ErrorCode::kInternal, "generating the service identity: " + key.error().ToString());
  return FromSigningKey(std::move(*key));
}

Result<ServiceKey> ServiceKey::FromPkcs8Der(ByteView pkcs8) {
  auto key = crypto::SigningKey::FromPkcs8Der(kServiceIdentityAlgorithm, pkcs8);
  if (!key) return MakeError(ErrorCode::kCorruption, "service identity private key: " + key.error().ToString());
  return FromSigningKey(std::move(*key));
}

Result<Bytes> ServiceKey::SignAny(std::string_view domain, ByteView body) const {
  const Bytes message = ServiceSignedMessage(domain, identity_.public_key_der, body);
  auto signature = key_.Sign(message);
  if (!signature) return MakeError(ErrorCode::kInternal, "service identity signature: " + signature.error().ToString());
  // Verify what we publish (~82 us hot, once per signed record): a
  // signature that a fault corrupted must never leave this process (it can
  // leak the scalar), and one that does not verify would make every node
  // refuse the record. The same message and the key parsed from identity_'s
  // DER, as VerifyServiceSignature does, without parsing that key each time.
  if (auto ok = verifier_.Verify(message, *signature); !ok) {
    return MakeError(ErrorCode::kInternal, "service identity signature does not verify under service " +
                                               identity_.service_id + ": " + ok.error().ToString());
  }
  return std::move(*signature);
}

Result<Bytes> ServiceKey::Sign(std::string_view domain, ByteView body) const {
  if (domain.empty()) return MakeError(ErrorCode::kInvalidArgument, "a signature needs a domain");
  if (domain == kEndorsementDomain) {
    return MakeError(ErrorCode::kInvalidArgument, "only the host endorses a successor service");
  }
  return SignAny(domain, body);
}

Status ServiceKey::Endorse(ServiceRecord& successor) const {
  if (successor.previous_service_id != identity_.service_id) {
    return MakeError(ErrorCode::kInvalidArgument, "service " + identity_.service_id +
                                                      " cannot endorse a successor of " +
                                                      successor.previous_service_id);
  }
  auto signature = SignAny(kEndorsementDomain, EndorsementBody(successor));
  if (!signature) return std::unexpected(signature.error());
  // SignAny verified it: a chain we make never breaks.
  successor.endorsement = std::move(*signature);
  return {};
}

Result<SecretBytes> ServiceKey::ToPkcs8Der() const {
  auto der = key_.ToPkcs8Der();
  if (!der) return MakeError(ErrorCode::kInternal, "service identity private key: " + der.error().ToString());
  return std::move(*der);
}

}  // namespace ledgerseal::kv
