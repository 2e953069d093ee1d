#include "kvstore_adapter/reference_host/rpc/testing/memory_handler.h"

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/public/status_convert.h"

namespace ledgerseal::rpc::testing {
namespace {

constexpr size_t kRememberedRequestIds = 4096;

v1::Response Invalid(std::string message) {
  return ErrorResponse({kv::ErrorCode::kInvalidArgument, std::move(message)});
}

}  // namespace

v1::Response MemoryHandler::Handle(const v1::Request& request) {
  std::lock_guard lock(mu_);
  ++requests_handled_;
  switch (request.body_case()) {
    case v1::Request::kPut: return Put(request);
    case v1::Request::kGet: return Get(request.get());
    case v1::Request::kRotate: return Rotate();
    case v1::Request::kStatus: return Status();
    case v1::Request::kJoin:
    case v1::Request::kTrust:
    case v1::Request::kRetire:
    case v1::Request::kFetchEntries:
    case v1::Request::kRecoveryInput:
    case v1::Request::kRecoveryClaim:
    case v1::Request::BODY_NOT_SET: break;
  }
  return Invalid("MemoryHandler does not serve this request");
}

v1::Response MemoryHandler::Put(const v1::Request& request) {
  v1::Response response;
  if (auto seen = committed_ids_.find(request.request_id());
      !request.request_id().empty() && seen != committed_ids_.end()) {
    response.mutable_put()->set_version(seen->second);  // a retry: answer as the first time
    return response;
  }
  for (const v1::Write& write : request.put().writes()) {
    if (!kv::IsValidTableName(write.table())) return Invalid("bad table name");
    auto [domain, inserted] = table_domains_.emplace(write.table(), write.private_domain());
    if (!inserted && domain->second != write.private_domain()) {
      return Invalid("table " + write.table() + " is in the other domain");
    }
  }
  for (const v1::Write& write : request.put().writes()) {
    auto key = std::make_pair(write.table(), write.key());
    if (write.remove()) {
      values_.erase(key);
    } else {
      values_[key] = write.value();
    }
  }
  ++version_;
  if (!request.request_id().empty()) {
    committed_ids_[request.request_id()] = version_;
    id_order_.push_back(request.request_id());
    if (id_order_.size() > kRememberedRequestIds) {
      committed_ids_.erase(id_order_.front());
      id_order_.pop_front();
    }
  }
  response.mutable_put()->set_version(version_);
  return response;
}

v1::Response MemoryHandler::Get(const v1::GetRequest& get) const {
  if (get.min_version() > version_) {
    return ErrorResponse({kv::ErrorCode::kUnavailable, "version not applied yet"});
  }
  v1::Response response;
  v1::GetResponse* out = response.mutable_get();
  out->set_version(version_);
  if (auto it = values_.find({get.table(), get.key()}); it != values_.end()) {
    out->set_found(true);
    out->set_value(it->second);
  }
  return response;
}

v1::Response MemoryHandler::Rotate() {
  ++version_;
  ++ledger_secret_version_;
  v1::Response response;
  response.mutable_rotate()->set_version(version_);
  response.mutable_rotate()->set_ledger_secret_version(ledger_secret_version_);
  return response;
}

v1::Response MemoryHandler::Status() const {
  v1::Response response;
  v1::StatusResponse* out = response.mutable_status_response();
  out->set_node_id(node_id_);
  out->set_raft_id(1);
  out->set_is_leader(true);
  out->set_leader_node_id(node_id_);
  out->set_term(1);
  out->set_applied_version(version_);
  out->set_ledger_secret_version(ledger_secret_version_);
  out->set_service_id("memory");
  return response;
}

uint64_t MemoryHandler::version() const {
  std::lock_guard lock(mu_);
  return version_;
}

uint64_t MemoryHandler::requests_handled() const {
  std::lock_guard lock(mu_);
  return requests_handled_;
}

}  // namespace ledgerseal::rpc::testing
