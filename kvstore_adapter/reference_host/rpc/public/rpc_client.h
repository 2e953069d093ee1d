// A blocking RPC client: one persistent connection to a node, reopened lazily
// after errors, following NOT_PRIMARY redirects to the leader.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_PUBLIC_RPC_CLIENT_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_PUBLIC_RPC_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/proto/rpc.pb.h"

namespace ledgerseal::rpc {

struct RpcClientOptions {
  int connect_timeout_ms = 2000;           // per connection attempt (also capped by the request's)
  int request_timeout_ms = 10000;          // a whole Call: connects, redirects, send and reply
  int max_redirects = 3;                   // NOT_PRIMARY hops followed per Call
  uint32_t max_message_bytes = 64u << 20;  // largest request sent / response accepted
};

class RpcClient {
 public:
  // Does no I/O: the first Call connects. `address` is "host:port"; a
  // malformed one surfaces as kInvalidArgument from Call.
  explicit RpcClient(std::string address, RpcClientOptions options = {});
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // The address given to the constructor.
  const std::string& address() const;

  // Sends `request` and returns the node's response. Thread-safe: calls on
  // one client are serialised (one connection, one request in flight); use
  // several clients for parallelism.
  //
  // - Mutating requests (put, rotate, join, trust, retire) get a fresh random
  //   request_id unless one is set; the same id is sent on every redirect and
  //   retry of this call, so a node can deduplicate.
  // - NOT_PRIMARY with leader_rpc_address set is followed, up to
  //   max_redirects times; the client then keeps talking to that leader until
  //   a transport error sends it back to `address()`.
  // - A reused connection the peer has closed (idle timeout, restart) is
  //   reopened and the request sent once more, only when the node cannot have
  //   answered (nothing of a reply arrived).
  // - Errors: kUnavailable for transport failures ("rpc to <address>: <errno
  //   text>") and timeouts ("... timed out after <N> ms"); kInvalidArgument
  //   for a malformed address or a request above max_message_bytes.
  // A response with a non-OK status is NOT an error here: it is returned
  // as-is (see ToStatus in status_convert.h).
  kv::Result<v1::Response> Call(v1::Request request);

  // Call with the matching body, the response's status turned into an error,
  // and its body extracted. A reply with another body is kInternal.
  kv::Result<v1::PutResponse> Put(v1::PutRequest request);
  kv::Result<v1::GetResponse> Get(v1::GetRequest request);
  kv::Result<v1::RotateResponse> Rotate();
  // A rotation carrying an operator's request for a plugin
  // (RotateRequest.plugin / plugin_request). Errors: as Rotate, and the
  // plugin's refusal (kHookFailed, naming it).
  kv::Result<v1::RotateResponse> Rotate(v1::RotateRequest request);
  kv::Result<v1::JoinResponse> Join(v1::JoinRequest request);
  kv::Result<v1::MembershipResponse> Trust(std::string node_id);
  kv::Result<v1::MembershipResponse> Retire(std::string node_id);
  // include_voters: also each Raft voter's applied version and health, as
  // the node asks them (StatusRequest.include_voters).
  kv::Result<v1::StatusResponse> GetStatus(bool include_voters = false);
  kv::Result<v1::FetchEntriesResponse> FetchEntries(uint64_t from_version, uint32_t max_bytes);
  // Operator input for a node in recovery mode that waits for it (a
  // recovery member's share file): the hook's one-line answer. Errors: the
  // hook's (kInvalidArgument: refused; kUnavailable: it no longer waits),
  // kInvalidArgument from a node that serves (it is not recovering), and
  // the transport's.
  kv::Result<v1::RecoveryInputResponse> SubmitRecoveryInput(std::string input);
  // A node in coordinated recovery: its signed claim, bound to `nonce`
  // (the caller verifies it; nothing here is authenticated), or why it
  // makes none (not ready yet: still replaying or waiting for operator
  // input; or it serves its service) — answers, not errors. Errors:
  // kInvalidArgument (a nonce that is not 16 bytes), a claim the node failed
  // to make, and the transport's.
  using ClaimAnswer = std::variant<v1::RecoveryClaim, v1::RecoveryClaimRefusal>;
  kv::Result<ClaimAnswer> GetRecoveryClaim(std::string nonce);

 private:
  class Impl;  // rpc_client.cc: the connection and its mutex
  std::unique_ptr<Impl> impl_;
};

// True for the request bodies that change the ledger (and so carry a
// request_id). Pure.
bool IsMutatingRequest(const v1::Request& request);

// True if `error` (from Call) says the node refused the connection: nothing
// listens at its address, so it is down (unlike a timeout, which may be a
// slow node). Pure.
bool IsConnectionRefused(const kv::Error& error);

}  // namespace ledgerseal::rpc

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_PUBLIC_RPC_CLIENT_H_
