// kv::Error <-> the status carried by an rpc::v1::Response.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_PUBLIC_STATUS_CONVERT_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_PUBLIC_STATUS_CONVERT_H_

#include <optional>
#include <string>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/proto/rpc.pb.h"

namespace ledgerseal::rpc {

// The wire code of `code` (a bijection onto the non-OK codes). Pure.
v1::ResponseStatus::Code ToWireCode(kv::ErrorCode code);

// The kv code of a non-OK wire code. OK and codes unknown to this build (a
// newer peer) map to kInternal. Pure.
kv::ErrorCode FromWireCode(v1::ResponseStatus::Code code);

// A response carrying `error` and no body.
v1::Response ErrorResponse(const kv::Error& error);

// A NOT_PRIMARY response; with `leader_rpc_address` set, clients follow it.
v1::Response NotPrimaryResponse(std::string message, std::optional<std::string> leader_rpc_address);

// OK, or the response's error. NOT_PRIMARY messages gain " (leader at X)"
// when the response names a leader. Pure.
kv::Status ToStatus(const v1::Response& response);

}  // namespace ledgerseal::rpc

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_PUBLIC_STATUS_CONVERT_H_
