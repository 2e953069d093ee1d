// A recovering node's claim (docs/REFERENCE_HOST.md, "Coordinated
// recovery"): which service its ledger ends in, how far its replay
// authenticated it, and whom it votes to open — signed by that service's
// identity key, which the node read from its own replayed private domain.
//
// Why the service identity and not a key of the node: a restarted node has
// no key of its own that survived (its encryption key lived in memory only),
// and the identity key is one the host cannot have (it is on disk only
// under ledger secrets). A genuine node signs only its own node id and what
// its own replay found, so a host can neither write a claim nor lengthen
// one; it can only withhold claims or show a node a shorter ledger.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_COORDINATION_PUBLIC_CLAIM_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_COORDINATION_PUBLIC_CLAIM_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/proto/rpc.pb.h"

namespace ledgerseal::kv::coordination {

inline constexpr std::string_view kRecoveryClaimDomain = "ledgerseal recovery claim v1";
// A fresh random nonce per request; claims answer exactly one request.
inline constexpr size_t kClaimNonceBytes = 16;
// More node ids than any configuration holds (a host could send millions).
inline constexpr size_t kMaxClaimNodes = 1024;

struct Claim {
  std::string service_id;   // the service the claimer's ledger ends in
  std::string node_id;
  std::string rpc_address;  // where it serves if it opens
  Version last_version = kNoVersion;
  Bytes last_entry_digest;  // SHA-256 of the entry at last_version (32 bytes)
  // The node ids not retired at the end of the claimer's ledger, sorted.
  std::vector<std::string> configuration;
  // Every ledger.service value of its ledger, the genesis first (ServiceInfo
  // bytes).
  std::vector<Bytes> service_chain;
  std::string vote;         // the node it votes to open; empty: none yet
  Bytes nonce;              // the request's (kClaimNonceBytes)

  bool operator==(const Claim&) const = default;
};

// What the signature covers: every field of `claim` in the order above, in
// the canonical item encoding (base/canonical_items.h); the configuration
// and the service chain each as u32(count) followed by one item per
// element. Pure.
Bytes ClaimBody(const Claim& claim);

// `claim` and `signer`'s signature of ClaimBody(claim) under
// kRecoveryClaimDomain, as sent. Errors: the signer's (kInternal).
[[nodiscard]] Result<rpc::v1::RecoveryClaim> SignClaim(const ServiceSigner& signer, const Claim& claim);

// The claim in `signed_claim` if it is a claim about service `identity`,
// signed by `identity`, answering `expected_nonce`. Nothing in
// `signed_claim` is trusted before this returns. Errors, each naming the
// claimer as the claim states it:
//  - kInvalidArgument "other_service": a claim about another service;
//  - kInvalidArgument "stale_claim": it answers another nonce (a replay);
//  - kInvalidArgument "malformed_claim": a digest that is not 32 bytes, or
//    more than kMaxClaimNodes node ids or service records;
//  - kCorruption "bad_signature": no signature, or one that does not verify
//    (a field changed, another signer, a signature of another claim).
[[nodiscard]] Result<Claim> VerifyClaim(const ServiceIdentity& identity, const rpc::v1::RecoveryClaim& signed_claim,
                                        ByteView expected_nonce);

}  // namespace ledgerseal::kv::coordination

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_COORDINATION_PUBLIC_CLAIM_H_
