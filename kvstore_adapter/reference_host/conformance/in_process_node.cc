#include "kvstore_adapter/reference_host/conformance/in_process_node.h"

#include <iostream>
#include <utility>

#include "base/check.h"

namespace ledgerseal::kv::conformance {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

InProcessNode::InProcessNode(NodeConfig config, node::StartMode mode, std::unique_ptr<HookRegistry> hooks,
                             Bytes join_payload)
    : hooks_(std::move(hooks)), client_(config.rpc_address, {.request_timeout_ms = kRpcTimeoutMs}) {
  options_.config = std::move(config);
  options_.mode = mode;
  options_.hooks = hooks_.get();
  // The conformance hooks' payloads are opaque and the same for every
  // service identity.
  options_.join_payload_for = [payload = std::move(join_payload)](const ServiceIdentity&) -> Result<Bytes> {
    return payload;
  };
  options_.log = [this](std::string_view line) { Log(line); };
  options_.stop = &stop_;
}

Result<std::unique_ptr<InProcessNode>> InProcessNode::Start(NodeConfig config, node::StartMode mode,
                                                            std::unique_ptr<HookRegistry> hooks,
                                                            Bytes join_payload) {
  if (hooks == nullptr) return MakeError(ErrorCode::kInvalidArgument, "InProcessNode needs a hook registry");
  std::unique_ptr<InProcessNode> node(
      new InProcessNode(std::move(config), mode, std::move(hooks), std::move(join_payload)));
  InProcessNode* n = node.get();
  n->thread_ = std::thread([n] {
    Status status = node::RunNode(n->options_);
    {
      std::lock_guard lock(n->mu_);
      n->finished_ = true;
      n->run_status_ = std::move(status);
    }
    n->finished_cv_.notify_all();
  });
  if (auto ready = n->WaitReady(); !ready) {
    // The error of interest is WaitReady's (RunNode's own, or the timeout);
    // what the stop returns adds nothing to it.
    static_cast<void>(n->Stop());
    return std::unexpected(ready.error());
  }
  return node;
}

InProcessNode::~InProcessNode() { static_cast<void>(Stop()); }

Status InProcessNode::WaitReady() {
  rpc::RpcClient status_client(config().rpc_address, {.connect_timeout_ms = kStatusRpcTimeoutMs,
                                                      .request_timeout_ms = kStatusRpcTimeoutMs,
                                                      .max_redirects = 0});
  const auto deadline = Clock::now() + kReadyTimeoutMs;
  std::string last = "no answer yet";
  while (Clock::now() < deadline) {
    if (WaitFinished(kReadyPollMs)) {
      std::lock_guard lock(mu_);
      if (!*run_status_) return std::unexpected(run_status_->error());
      return MakeError(ErrorCode::kUnavailable, "node '" + config().node_id +
                                                    "': RunNode returned OK before the node was ready");
    }
    auto status = status_client.GetStatus();
    const bool must_lead = !config().join_address.has_value();
    if (status && !status->service_id().empty() && (status->is_leader() || !must_lead)) {
      ready_status_ = std::move(*status);
      return {};
    }
    last = status ? "it answers but does not lead its service yet" : status.error().ToString();
  }
  return MakeError(ErrorCode::kUnavailable, "node '" + config().node_id + "' was not ready within " +
                                                std::to_string(kReadyTimeoutMs.count()) + " ms (" + last +
                                                "); its last log lines:\n" + LogTail());
}

bool InProcessNode::WaitFinished(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return finished_cv_.wait_for(lock, timeout, [this] { return finished_; });
}

Status InProcessNode::Stop() {
  stop_.store(true);
  if (thread_.joinable()) {
    const bool returned = WaitFinished(kStopTimeoutMs);
    if (!returned) {
      std::cerr << "node '" << config().node_id << "' did not stop within " << kStopTimeoutMs.count()
                << " ms; its last log lines:\n"
                << LogTail() << std::endl;
    }
    LEDGERSEAL_CHECK(returned);
    thread_.join();
  }
  std::lock_guard lock(mu_);
  if (!run_status_) return MakeError(ErrorCode::kInternal, "the node never ran");
  return *run_status_;
}

void InProcessNode::Log(std::string_view line) {
  // The node never logs key material (node_process.h); one write per line
  // keeps concurrent nodes' lines whole.
  std::string text = "[node " + config().node_id + "] " + std::string(line) + "\n";
  std::cerr << text << std::flush;
  std::lock_guard lock(mu_);
  text.pop_back();
  log_tail_.push_back(std::move(text));
  if (log_tail_.size() > kLogTailLines) log_tail_.pop_front();
}

std::string InProcessNode::LogTail() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& line : log_tail_) out += line + "\n";
  return out;
}

}  // namespace ledgerseal::kv::conformance
