#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <utility>

#include "kvstore_adapter/reference_host/rpc/address.h"
#include "kvstore_adapter/reference_host/rpc/message_io.h"
#include "kvstore_adapter/reference_host/rpc/public/status_convert.h"
#include "kvstore_adapter/reference_host/rpc/request_id.h"
#include "kvstore_adapter/reference_host/rpc/socket_io.h"
#include "kvstore_adapter/reference_host/rpc/tcp.h"
#include "kvstore_adapter/reference_host/rpc/unique_fd.h"

namespace ledgerseal::rpc {
namespace {

using Kind = FrameError::Kind;

// A failed request/reply exchange, and whether sending it again on a new
// connection is safe (the node cannot have received the whole request, or
// closed before answering a connection it had already given up on).
struct ExchangeError {
  kv::Error error;
  bool retryable_if_reused = false;
};

}  // namespace

class RpcClient::Impl {
 public:
  Impl(std::string address, RpcClientOptions options)
      : home_address_(std::move(address)), options_(options), target_address_(home_address_) {}

  const std::string& home_address() const { return home_address_; }
  kv::Result<v1::Response> Call(v1::Request request);

 private:
  kv::Result<v1::Response> CallLocked(const v1::Request& request, Deadline deadline);
  kv::Result<v1::Response> Exchange(const std::string& target, const v1::Request& request,
                                    Deadline deadline);
  base::Expected<v1::Response, ExchangeError> ExchangeOnce(const std::string& target,
                                                          const v1::Request& request,
                                                          Deadline deadline);
  kv::Status EnsureConnected(const std::string& target, Deadline deadline);
  kv::Error TransportError(const std::string& target, const FrameError& error) const;
  void Disconnect();

  const std::string home_address_;
  const RpcClientOptions options_;

  std::mutex mu_;                  // held for a whole Call: one request in flight per connection
  std::string target_address_;     // guarded by mu_: where the next Call starts (sticky leader)
  UniqueFd fd_;                    // guarded by mu_
  std::string connected_address_;  // guarded by mu_: what fd_ is connected to
};

kv::Result<v1::Response> RpcClient::Impl::Call(v1::Request request) {
  if (options_.connect_timeout_ms < 1 || options_.request_timeout_ms < 1 ||
      options_.max_redirects < 0 || options_.max_message_bytes < 1) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "RpcClientOptions: timeouts and message size must be positive, "
                         "max_redirects not negative");
  }
  std::lock_guard lock(mu_);
  const Deadline deadline = DeadlineAfterMs(options_.request_timeout_ms);
  if (!IsMutatingRequest(request) || !request.request_id().empty()) {
    return CallLocked(request, deadline);
  }
  auto id = NewRequestId();
  if (!id) return std::unexpected(id.error());
  request.set_request_id(std::move(*id));
  return CallLocked(request, deadline);
}

kv::Result<v1::Response> RpcClient::Impl::CallLocked(const v1::Request& request,
                                                     Deadline deadline) {
  std::string target = target_address_;
  for (int hop = 0;; ++hop) {  // bounded by max_redirects
    auto response = Exchange(target, request, deadline);
    if (!response) {
      target_address_ = home_address_;  // the leader we followed may be gone: start over
      return response;
    }
    const bool redirect = response->status().code() == v1::ResponseStatus::NOT_PRIMARY &&
                          response->has_leader_rpc_address() &&
                          !response->leader_rpc_address().empty() &&
                          response->leader_rpc_address() != target;
    if (!redirect || hop >= options_.max_redirects) {
      target_address_ = target;
      return response;
    }
    target = response->leader_rpc_address();
  }
}

kv::Result<v1::Response> RpcClient::Impl::Exchange(const std::string& target,
                                                   const v1::Request& request, Deadline deadline) {
  // A connection kept from an earlier call may have been closed by the node
  // meanwhile; anything readable on it now means exactly that.
  if (fd_.valid() && (connected_address_ != target || !IdleConnectionLooksHealthy(fd_.get()))) {
    Disconnect();
  }
  const bool reused = fd_.valid();
  auto response = ExchangeOnce(target, request, deadline);
  if (response) return std::move(*response);
  if (!reused || !response.error().retryable_if_reused)
    return std::unexpected(response.error().error);
  // The node closed a connection it had idled out (or restarted) just as we
  // sent: try once more on a fresh connection, within the same deadline.
  auto retried = ExchangeOnce(target, request, deadline);
  if (retried) return std::move(*retried);
  return std::unexpected(retried.error().error);
}

base::Expected<v1::Response, ExchangeError> RpcClient::Impl::ExchangeOnce(const std::string& target,
                                                                         const v1::Request& request,
                                                                         Deadline deadline) {
  if (auto connected = EnsureConnected(target, deadline); !connected) {
    return std::unexpected(ExchangeError{connected.error()});
  }
  auto sent = SendMessage(fd_.get(), request, options_.max_message_bytes, deadline);
  if (!sent) {
    if (sent.error().kind == Kind::kTooLarge) {  // nothing was written: the connection is fine
      return std::unexpected(
          ExchangeError{{kv::ErrorCode::kInvalidArgument, "request: " + sent.error().message}});
    }
    Disconnect();
    // An incomplete request is never handled, so resending is always safe.
    const bool closed =
        sent.error().kind == Kind::kClosedBeforeFrame || sent.error().kind == Kind::kClosedMidFrame;
    return std::unexpected(ExchangeError{TransportError(target, sent.error()), closed});
  }
  v1::Response response;
  auto received = ReceiveMessage(fd_.get(), &response, options_.max_message_bytes, deadline);
  if (!received) {
    Disconnect();  // out of step (or dead): a late reply must not answer the next call
    return std::unexpected(ExchangeError{TransportError(target, received.error()),
                                         received.error().kind == Kind::kClosedBeforeFrame});
  }
  return response;
}

kv::Status RpcClient::Impl::EnsureConnected(const std::string& target, Deadline deadline) {
  if (fd_.valid()) return {};
  const Deadline connect_deadline =
      std::min(deadline, DeadlineAfterMs(options_.connect_timeout_ms));
  const int timeout_ms =
      connect_deadline == deadline ? options_.request_timeout_ms : options_.connect_timeout_ms;
  auto fd = ConnectTcp(target, connect_deadline, timeout_ms);
  if (!fd) return std::unexpected(fd.error());
  fd_ = std::move(*fd);
  connected_address_ = target;
  return {};
}

kv::Error RpcClient::Impl::TransportError(const std::string& target,
                                          const FrameError& error) const {
  if (error.kind == Kind::kTimedOut) {
    return {kv::ErrorCode::kUnavailable, "rpc to " + target + ": timed out after " +
                                             std::to_string(options_.request_timeout_ms) + " ms (" +
                                             error.message + ")"};
  }
  return {kv::ErrorCode::kUnavailable, "rpc to " + target + ": " + error.message};
}

void RpcClient::Impl::Disconnect() {
  fd_.reset();
  connected_address_.clear();
}

// ---- RpcClient --------------------------------------------------------------

namespace {

// "put", "status_response", ... or "none": the field name of a body case
// (body cases are numbered by their field numbers).
std::string BodyName(v1::Response::BodyCase body_case) {
  const auto* field = v1::Response::descriptor()->FindFieldByNumber(static_cast<int>(body_case));
  return field != nullptr ? field->name() : "none";
}

// The response's body of type `Body`, or why there is none.
template <typename Body>
kv::Result<Body> ExtractBody(kv::Result<v1::Response> response, v1::Response::BodyCase expected,
                             Body* (v1::Response::*mutable_body)()) {
  if (!response) return std::unexpected(response.error());
  if (auto ok = ToStatus(*response); !ok) return std::unexpected(ok.error());
  if (response->body_case() != expected) {
    return kv::MakeError(kv::ErrorCode::kInternal, "the node answered with body " +
                                                       BodyName(response->body_case()) +
                                                       ", expected " + BodyName(expected));
  }
  return std::move(*((*response).*mutable_body)());
}

}  // namespace

RpcClient::RpcClient(std::string address, RpcClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(address), options)) {}

RpcClient::~RpcClient() = default;

const std::string& RpcClient::address() const { return impl_->home_address(); }

kv::Result<v1::Response> RpcClient::Call(v1::Request request) {
  return impl_->Call(std::move(request));
}

kv::Result<v1::PutResponse> RpcClient::Put(v1::PutRequest body) {
  v1::Request request;
  *request.mutable_put() = std::move(body);
  return ExtractBody(Call(std::move(request)), v1::Response::kPut, &v1::Response::mutable_put);
}

kv::Result<v1::GetResponse> RpcClient::Get(v1::GetRequest body) {
  v1::Request request;
  *request.mutable_get() = std::move(body);
  return ExtractBody(Call(std::move(request)), v1::Response::kGet, &v1::Response::mutable_get);
}

kv::Result<v1::RotateResponse> RpcClient::Rotate() {
  v1::Request request;
  request.mutable_rotate();
  return ExtractBody(Call(std::move(request)), v1::Response::kRotate, &v1::Response::mutable_rotate);
}

kv::Result<v1::RotateResponse> RpcClient::Rotate(v1::RotateRequest rotate) {
  v1::Request request;
  *request.mutable_rotate() = std::move(rotate);
  return ExtractBody(Call(std::move(request)), v1::Response::kRotate, &v1::Response::mutable_rotate);
}

kv::Result<v1::JoinResponse> RpcClient::Join(v1::JoinRequest body) {
  v1::Request request;
  *request.mutable_join() = std::move(body);
  return ExtractBody(Call(std::move(request)), v1::Response::kJoin, &v1::Response::mutable_join);
}

kv::Result<v1::MembershipResponse> RpcClient::Trust(std::string node_id) {
  v1::Request request;
  request.mutable_trust()->set_node_id(std::move(node_id));
  return ExtractBody(Call(std::move(request)), v1::Response::kMembership, &v1::Response::mutable_membership);
}

kv::Result<v1::MembershipResponse> RpcClient::Retire(std::string node_id) {
  v1::Request request;
  request.mutable_retire()->set_node_id(std::move(node_id));
  return ExtractBody(Call(std::move(request)), v1::Response::kMembership, &v1::Response::mutable_membership);
}

kv::Result<v1::StatusResponse> RpcClient::GetStatus(bool include_voters) {
  v1::Request request;
  request.mutable_status()->set_include_voters(include_voters);
  return ExtractBody(Call(std::move(request)), v1::Response::kStatusResponse,
                     &v1::Response::mutable_status_response);
}

kv::Result<v1::FetchEntriesResponse> RpcClient::FetchEntries(uint64_t from_version,
                                                              uint32_t max_bytes) {
  v1::Request request;
  request.mutable_fetch_entries()->set_from_version(from_version);
  request.mutable_fetch_entries()->set_max_bytes(max_bytes);
  return ExtractBody(Call(std::move(request)), v1::Response::kFetchEntries,
                     &v1::Response::mutable_fetch_entries);
}

kv::Result<v1::RecoveryInputResponse> RpcClient::SubmitRecoveryInput(std::string input) {
  v1::Request request;
  request.mutable_recovery_input()->set_input(std::move(input));
  return ExtractBody(Call(std::move(request)), v1::Response::kRecoveryInput, &v1::Response::mutable_recovery_input);
}

kv::Result<RpcClient::ClaimAnswer> RpcClient::GetRecoveryClaim(std::string nonce) {
  v1::Request request;
  request.mutable_recovery_claim()->set_nonce(std::move(nonce));
  auto response = Call(std::move(request));
  if (response && ToStatus(*response) && response->body_case() == v1::Response::kRecoveryClaimRefusal) {
    return ClaimAnswer(std::move(*response->mutable_recovery_claim_refusal()));
  }
  auto claim = ExtractBody(std::move(response), v1::Response::kRecoveryClaim, &v1::Response::mutable_recovery_claim);
  if (!claim) return std::unexpected(claim.error());
  return ClaimAnswer(std::move(*claim));
}

bool IsMutatingRequest(const v1::Request& request) {
  switch (request.body_case()) {
    case v1::Request::kPut:
    case v1::Request::kRotate:
    case v1::Request::kJoin:
    case v1::Request::kTrust:
    case v1::Request::kRetire: return true;
    case v1::Request::kGet:
    case v1::Request::kStatus:
    case v1::Request::kFetchEntries:
    case v1::Request::kRecoveryInput:  // idempotent: a member's share counts once
    case v1::Request::kRecoveryClaim:
    case v1::Request::BODY_NOT_SET: return false;
  }
  return false;
}

bool IsConnectionRefused(const kv::Error& error) {
  // Transport errors carry the errno text (tcp.cc, framing.cc).
  static const std::string refused = ErrnoText(ECONNREFUSED);
  return error.code == kv::ErrorCode::kUnavailable && error.message.find(refused) != std::string::npos;
}

}  // namespace ledgerseal::rpc
