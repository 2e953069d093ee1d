#include "kvstore_adapter/reference_host/coordination/public/claim.h"

#include <algorithm>

#include "base/canonical_items.h"

namespace ledgerseal::kv::coordination {
namespace {

constexpr size_t kDigestBytes = 32;

std::string Text(ByteView bytes) { return std::string(AsString(bytes)); }

}  // namespace

Bytes ClaimBody(const Claim& claim) {
  base::CanonicalEncoder e;
  e.AddString(claim.service_id)
      .AddString(claim.node_id)
      .AddString(claim.rpc_address)
      .AddU64(claim.last_version)
      .AddBytes(claim.last_entry_digest)
      .AddU32(static_cast<uint32_t>(claim.configuration.size()));
  for (const auto& id : claim.configuration) e.AddString(id);
  e.AddU32(static_cast<uint32_t>(claim.service_chain.size()));
  for (const auto& record : claim.service_chain) e.AddBytes(record);
  e.AddString(claim.vote)
      .AddBytes(claim.nonce);
  return e.Finish();
}

Result<rpc::v1::RecoveryClaim> SignClaim(const ServiceSigner& signer, const Claim& claim) {
  auto signature = signer.Sign(kRecoveryClaimDomain, ClaimBody(claim));
  if (!signature) return std::unexpected(signature.error());
  rpc::v1::RecoveryClaim out;
  out.set_service_id(claim.service_id);
  out.set_node_id(claim.node_id);
  out.set_rpc_address(claim.rpc_address);
  out.set_last_version(claim.last_version);
  out.set_last_entry_digest(Text(claim.last_entry_digest));
  for (const auto& id : claim.configuration) out.add_configuration(id);
  for (const auto& record : claim.service_chain) out.add_service_chain(Text(record));
  out.set_vote(claim.vote);
  out.set_nonce(Text(claim.nonce));
  out.set_signature(Text(*signature));
  return out;
}

Result<Claim> VerifyClaim(const ServiceIdentity& identity, const rpc::v1::RecoveryClaim& in,
                          ByteView expected_nonce) {
  const std::string who = "the claim of '" + in.node_id().substr(0, 64) + "'";
  if (in.service_id() != identity.service_id) {
    return MakeError(ErrorCode::kInvalidArgument, "other_service: " + who + " is about service " +
                                                      in.service_id().substr(0, 64) + ", not " +
                                                      identity.service_id);
  }
  if (!std::ranges::equal(AsBytes(in.nonce()), expected_nonce)) {
    return MakeError(ErrorCode::kInvalidArgument, "stale_claim: " + who + " answers another request");
  }
  if (static_cast<size_t>(in.configuration_size()) > kMaxClaimNodes ||
      static_cast<size_t>(in.service_chain_size()) > kMaxClaimNodes) {
    return MakeError(ErrorCode::kInvalidArgument, "malformed_claim: " + who + " lists " +
                                                      std::to_string(in.configuration_size()) + " nodes and " +
                                                      std::to_string(in.service_chain_size()) + " services");
  }
  if (in.last_entry_digest().size() != kDigestBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "malformed_claim: " + who + " has a digest of " +
                                                      std::to_string(in.last_entry_digest().size()) + " bytes");
  }
  Claim claim{.service_id = in.service_id(),
              .node_id = in.node_id(),
              .rpc_address = in.rpc_address(),
              .last_version = in.last_version(),
              .last_entry_digest = Bytes(in.last_entry_digest().begin(), in.last_entry_digest().end()),
              .configuration = {in.configuration().begin(), in.configuration().end()},
              .service_chain = {},
              .vote = in.vote(),
              .nonce = Bytes(in.nonce().begin(), in.nonce().end())};
  for (const auto& record : in.service_chain()) claim.service_chain.push_back(ToBytes(record));
  if (in.signature().empty()) {
    return MakeError(ErrorCode::kCorruption, "bad_signature: " + who + " is not signed");
  }
  if (auto s = VerifyServiceSignature(identity, kRecoveryClaimDomain, ClaimBody(claim), AsBytes(in.signature())); !s) {
    return MakeError(ErrorCode::kCorruption, "bad_signature: " + who + " is not signed by service " +
                                                 identity.service_id + " (" + s.error().message + ")");
  }
  return claim;
}

}  // namespace ledgerseal::kv::coordination
