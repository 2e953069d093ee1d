// The service identity: a signing key pair per service whose private half
// lives only in nodes' memory and in the ledger's private domain, and whose
// signatures let a recovering node authenticate records it reads back from a
// disk the host controls (docs/SERVICE_IDENTITY.md, docs/FORMAT.md §4.6).
//
// Hosts own the identity (they make it at genesis and at every recovery,
// endorsing the new one with the old); plugins sign through a ServiceSigner
// in the CommitContext and never hold the key.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_SERVICE_IDENTITY_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_SERVICE_IDENTITY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "crypto/public/signature.h"
#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv {

// The only algorithm a service identity may use (docs/SERVICE_IDENTITY.md
// says why: the cheapest to sign and verify through OpenSSL 3).
inline constexpr crypto::SignatureAlgorithm kServiceIdentityAlgorithm = crypto::SignatureAlgorithm::kEcdsaP256Sha256;

// Domain separation strings of the service-identity signatures. Each
// signature covers exactly one kind of message.
inline constexpr std::string_view kSealedSharesDomain = "ledgerseal sealed shares v2";
inline constexpr std::string_view kEndorsementDomain = "ledgerseal service endorsement v1";

// The length of a service id: 32 lowercase hex digits.
inline constexpr size_t kServiceIdChars = 32;

// A service's public identity. Copyable; holds no secret.
struct ServiceIdentity {
  crypto::SignatureAlgorithm algorithm = kServiceIdentityAlgorithm;
  Bytes public_key_der;    // DER SubjectPublicKeyInfo (91 bytes for P-256)
  std::string service_id;  // == ServiceIdOf(public_key_der)

  bool operator==(const ServiceIdentity&) const = default;
};

// The service id committed to by a public key: the lowercase hex of the
// first 16 bytes of SHA-256(spki). Never fails (SHA-256 of bytes in memory);
// aborts if OpenSSL cannot run a digest, as no id would be safe to return.
std::string ServiceIdOf(ByteView spki);

// Validates a stored (algorithm, spki) pair and derives its id.
// Errors: kCorruption (an algorithm other than kServiceIdentityAlgorithm, or
// an spki that is not a P-256 public key), naming what is wrong.
[[nodiscard]] Result<ServiceIdentity> ServiceIdentityFromPublicKey(uint32_t algorithm, ByteView spki);

// The message a service-identity signature covers (FORMAT §4.6):
//   item domain || item SHA-256(signer_spki) || item body
// in the canonical item encoding (base/canonical_items.h).
Bytes ServiceSignedMessage(std::string_view domain, ByteView signer_spki, ByteView body);

// OK if `signature` is `identity`'s signature of
// ServiceSignedMessage(domain, identity.public_key_der, body).
// Errors: kCorruption ("signature does not verify": any other signature,
// malformed or empty; or an identity whose key does not parse).
[[nodiscard]] Status VerifyServiceSignature(const ServiceIdentity& identity, std::string_view domain, ByteView body,
                                            ByteView signature);

// Signs with the service identity on a plugin's behalf. Implemented by hosts
// (host_support's ServiceKey); handed to transaction hooks in the
// CommitContext. Thread safety: const methods may be called from the commit
// thread while other threads read identity(); a signer offered in
// CommitContext::next_rotation must also allow concurrent Sign calls from
// any thread (a hook signs ahead on a background thread; host_support's
// ServiceKey does, with a fresh OpenSSL context per signature). Ownership:
// the host's; valid for the duration of the hook calls only, except through
// next_rotation, which shares ownership.
class ServiceSigner {
 public:
  virtual ~ServiceSigner() = default;

  // The identity this signer signs as; its service_id equals the
  // CommitContext's service_id.
  virtual const ServiceIdentity& identity() const = 0;

  // The signature of ServiceSignedMessage(domain, identity().public_key_der,
  // body): DER ECDSA, at most 72 bytes.
  // Errors: kInvalidArgument (domain is kEndorsementDomain: only the host
  // endorses its successor, so no plugin can forge a chain link; or an empty
  // domain); kInternal (OpenSSL failed).
  [[nodiscard]] virtual Result<Bytes> Sign(std::string_view domain, ByteView body) const = 0;
};

// Makes the opaque payload a node presents for plugins (NodeMember::
// join_payload) for the service it is about to serve: the sealing plugin
// seals its recovery key bound to `identity`. Hosts call it at genesis and
// after a recovery's replay (with the NEW identity) and, on a joiner, once
// it learned the service's identity and before it asks to join; never with
// an identity the node has not checked against the service id it expects.
// Errors: the plugin's, passed through to the operator.
using JoinPayloadFactory = std::function<Result<Bytes>(const ServiceIdentity& identity)>;

// One link of the endorsement chain: what a host records about a service at
// genesis and at every recovery (the reference host's `ledger.service`
// record; docs/FORMAT.md §12.1). Hosts map their own record onto this to use
// the one verifier below.
struct ServiceRecord {
  std::string service_id;
  Version created_at_version = kNoVersion;  // the genesis / recovery transaction
  std::string previous_service_id;          // empty for a genesis
  uint64_t recovery_count = 0;
  uint32_t identity_algorithm = 0;
  Bytes identity_public_key_der;
  Version recovered_to_version = kNoVersion;  // last replayed version; 0 for a genesis
  Bytes recovered_tail_digest;                // SHA-256 of the host's entry at recovered_to_version
  Bytes endorsement;                          // the previous identity's signature; empty for a genesis
};

// The body the previous identity signs (domain kEndorsementDomain):
//   item u32(algorithm) || item spki || item u64(recovery_count)
//   || item u64(created_at_version) || item u64(recovered_to_version)
//   || item recovered_tail_digest
Bytes EndorsementBody(const ServiceRecord& record);

// Checks `record`, written at ledger version `version`, against the newest
// earlier record of the ledger (`previous`; null when there is none) and the
// digest of the host's entry at version - 1 (`tail_digest`; ignored for a
// genesis).
// Genesis (previous == null): version 1, recovery_count 0, and no previous
// id, recovered_to, tail digest or endorsement. A successor: previous id,
// count + 1, created_at == version, recovered_to == version - 1, the tail
// digest, and an endorsement that verifies under the previous identity.
// Errors: kCorruption, the message starting "broken_endorsement at version
// V:" and naming the field (a record whose identity does not parse, or whose
// service_id is not ServiceIdOf(its key), included).
[[nodiscard]] Status VerifyServiceRecord(const ServiceRecord* previous, const ServiceRecord& record, Version version,
                                         ByteView tail_digest);

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_SERVICE_IDENTITY_H_
