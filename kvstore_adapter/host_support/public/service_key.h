// A host's service identity key: the ServiceSigner every host hands to
// transaction hooks, and the one place an endorsement of a successor is made
// (docs/SERVICE_IDENTITY.md). The private key lives in this object's memory
// (OpenSSL wipes it when freed); a host persists it only through
// ToPkcs8Der() into a private-domain table, encrypted under ledger secrets.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_SERVICE_KEY_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_SERVICE_KEY_H_

#include <string_view>

#include "crypto/public/signature.h"
#include "kvstore_adapter/public/service_identity.h"

namespace ledgerseal::kv {

// Immutable once made; move-only. Thread safety: const methods may be
// called concurrently.
class ServiceKey final : public ServiceSigner {
 public:
  // A fresh P-256 identity from OpenSSL's DRBG. Errors: kInternal.
  [[nodiscard]] static Result<ServiceKey> Generate();

  // The key a host persisted with ToPkcs8Der(). Does not retain `pkcs8`.
  // Errors: kCorruption (not a P-256 PKCS#8 private key).
  [[nodiscard]] static Result<ServiceKey> FromPkcs8Der(ByteView pkcs8);

  ServiceKey(ServiceKey&&) = default;
  ServiceKey& operator=(ServiceKey&&) = default;

  const ServiceIdentity& identity() const override { return identity_; }

  // ServiceSigner: refuses kEndorsementDomain and an empty domain
  // (kInvalidArgument).
  [[nodiscard]] Result<Bytes> Sign(std::string_view domain, ByteView body) const override;

  // Fills `successor.endorsement` with this key's signature of
  // EndorsementBody(successor) (domain kEndorsementDomain), after checking
  // that successor.previous_service_id is this identity.
  // Errors: kInvalidArgument (a successor of another service); kInternal.
  [[nodiscard]] Status Endorse(ServiceRecord& successor) const;

  // The PKCS#8 encoding, in wiped-on-free memory. Never write it to a disk
  // in the clear. Errors: kInternal.
  [[nodiscard]] Result<SecretBytes> ToPkcs8Der() const;

 private:
  ServiceKey(crypto::SigningKey key, crypto::VerifyingKey verifier, ServiceIdentity identity)
      : key_(std::move(key)), verifier_(std::move(verifier)), identity_(std::move(identity)) {}
  [[nodiscard]] static Result<ServiceKey> FromSigningKey(crypto::SigningKey key);
  [[nodiscard]] Result<Bytes> SignAny(std::string_view domain, ByteView body) const;

  crypto::SigningKey key_;
  crypto::VerifyingKey verifier_;  // identity_.public_key_der, parsed once
  ServiceIdentity identity_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_HOST_SUPPORT_PUBLIC_SERVICE_KEY_H_
