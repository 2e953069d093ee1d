#include "kvstore_adapter/reference_host/node/recovery_rpc.h"

#include <openssl/crypto.h>

#include <string>

#include "kvstore_adapter/reference_host/rpc/public/status_convert.h"

namespace ledgerseal::kv::node {

rpc::v1::Response RecoveryRpcHandler::Handle(const rpc::v1::Request& request) {
  namespace v1 = ::ledgerseal::rpc::v1;
  std::function<std::string()> coordination;
  {
    std::lock_guard lock(mu_);
    coordination = coordination_;
  }
  const std::string progress = coordination ? coordination()
                               : input_.progress ? input_.progress()
                                                 : "recovering";
  v1::Response response;
  switch (request.body_case()) {
    case v1::Request::kRecoveryInput: {
      if (!input_.submit) {
        return rpc::ErrorResponse({ErrorCode::kInvalidArgument,
                                   "node " + node_id_ + " is recovering but its recovery hooks take no input"});
      }
      auto answer = input_.submit(request.recovery_input().input());
      // The input is a secret (a member's share): wiped once handed over.
      // The request object is the server's own, not const.
      auto& input = const_cast<std::string&>(request.recovery_input().input());
      OPENSSL_cleanse(input.data(), input.size());
      if (!answer) return rpc::ErrorResponse(answer.error());
      response.mutable_recovery_input()->set_message(std::move(*answer));
      return response;
    }
    case v1::Request::kStatus: {
      auto* status = response.mutable_status_response();
      status->set_node_id(node_id_);
      status->set_recovering(true);
      status->set_recovery_progress(progress);
      return response;
    }
    case v1::Request::kRecoveryClaim: {
      ClaimSource claims;
      {
        std::lock_guard lock(mu_);
        claims = claims_;
      }
      if (!claims) {
        auto* refusal = response.mutable_recovery_claim_refusal();
        refusal->set_reason(v1::RecoveryClaimRefusal::NOT_READY);
        refusal->set_detail("node " + node_id_ + " is not ready to claim: " + progress);
        return response;
      }
      auto claim = claims(request.recovery_claim().nonce());
      if (!claim) return rpc::ErrorResponse(claim.error());
      *response.mutable_recovery_claim() = std::move(*claim);
      return response;
    }
    default:
      return rpc::ErrorResponse({ErrorCode::kUnavailable, "node " + node_id_ + " is recovering: " + progress});
  }
}

void RecoveryRpcHandler::SetCoordination(ClaimSource claims, std::function<std::string()> progress) {
  std::lock_guard lock(mu_);
  claims_ = std::move(claims);
  coordination_ = std::move(progress);
}

}  // namespace ledgerseal::kv::node
