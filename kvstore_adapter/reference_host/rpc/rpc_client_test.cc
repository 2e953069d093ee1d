#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "kvstore_adapter/reference_host/rpc/message_io.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_server.h"
#include "kvstore_adapter/reference_host/rpc/public/status_convert.h"
#include "kvstore_adapter/reference_host/rpc/tcp.h"
#include "kvstore_adapter/reference_host/rpc/testing/memory_handler.h"

namespace ledgerseal::rpc {
namespace {

using std::chrono::milliseconds;
using testing::MemoryHandler;

std::unique_ptr<RpcServer> MustStart(RpcHandler* handler, std::string address = "127.0.0.1:0",
                                     RpcServerOptions options = {}) {
  auto server = RpcServer::Start(std::move(address), handler, std::move(options));
  EXPECT_TRUE(server.has_value()) << server.error().ToString();
  return server ? std::move(*server) : nullptr;
}

v1::PutRequest OnePut(std::string table, std::string key, std::string value) {
  v1::PutRequest put;
  v1::Write* write = put.add_writes();
  write->set_table(std::move(table));
  write->set_key(std::move(key));
  write->set_value(std::move(value));
  return put;
}

v1::GetRequest OneGet(std::string table, std::string key) {
  v1::GetRequest get;
  get.set_table(std::move(table));
  get.set_key(std::move(key));
  return get;
}

// Wraps a handler and records every request id it sees. Thread-safe.
class RecordingHandler : public RpcHandler {
 public:
  explicit RecordingHandler(RpcHandler* inner) : inner_(inner) {}
  v1::Response Handle(const v1::Request& request) override {
    {
      std::lock_guard lock(mu_);
      ids_.push_back(request.request_id());
    }
    return inner_->Handle(request);
  }
  std::vector<std::string> ids() {
    std::lock_guard lock(mu_);
    return ids_;
  }

 private:
  RpcHandler* inner_;
  std::mutex mu_;
  std::vector<std::string> ids_;
};

// Answers everything with NOT_PRIMARY naming `leader` (settable later, for loops).
class RedirectingHandler : public RpcHandler {
 public:
  v1::Response Handle(const v1::Request& request) override {
    std::lock_guard lock(mu_);
    ++handled_;
    ids_.push_back(request.request_id());
    return NotPrimaryResponse("not the leader", leader_);
  }
  void set_leader(std::optional<std::string> leader) {
    std::lock_guard lock(mu_);
    leader_ = std::move(leader);
  }
  int handled() {
    std::lock_guard lock(mu_);
    return handled_;
  }
  std::vector<std::string> ids() {
    std::lock_guard lock(mu_);
    return ids_;
  }

 private:
  std::mutex mu_;
  std::optional<std::string> leader_;
  int handled_ = 0;
  std::vector<std::string> ids_;
};

bool IsRequestId(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// ---- Basic calls ------------------------------------------------------------

TEST(RpcClient, WrappersRoundTripThroughARealServer) {
  MemoryHandler handler;
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  RpcClient client(server->address());
  EXPECT_EQ(client.address(), server->address());

  v1::PutRequest put = OnePut("accounts", "alice", "100");
  *put.add_writes() = OnePut("secrets", "k", std::string("\0\x01\x02", 3)).writes(0);
  put.mutable_writes(1)->set_private_domain(true);
  auto put_reply = client.Put(put);
  ASSERT_TRUE(put_reply.has_value()) << put_reply.error().ToString();
  EXPECT_EQ(put_reply->version(), 1u);

  auto got = client.Get(OneGet("secrets", "k"));
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_TRUE(got->found());
  EXPECT_EQ(got->value(), std::string("\0\x01\x02", 3));
  EXPECT_EQ(got->version(), 1u);

  auto missing = client.Get(OneGet("accounts", "bob"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->found());

  auto rotated = client.Rotate();
  ASSERT_TRUE(rotated.has_value());
  EXPECT_EQ(rotated->ledger_secret_version(), 2u);
  EXPECT_EQ(rotated->version(), 2u);

  auto status = client.GetStatus();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->node_id(), "n1");
  EXPECT_EQ(status->applied_version(), 2u);
}

TEST(RpcClient, NonOkStatusIsAResponseForCallAndAnErrorForWrappers) {
  MemoryHandler handler;  // does not serve join/trust/retire
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  RpcClient client(server->address());

  v1::Request request;
  request.mutable_trust()->set_node_id("n2");
  auto response = client.Call(request);
  ASSERT_TRUE(response.has_value()) << response.error().ToString();
  EXPECT_EQ(response->status().code(), v1::ResponseStatus::INVALID_ARGUMENT);

  auto trusted = client.Trust("n2");
  ASSERT_FALSE(trusted.has_value());
  EXPECT_EQ(trusted.error().code, kv::ErrorCode::kInvalidArgument);
  auto joined = client.Join(v1::JoinRequest());
  ASSERT_FALSE(joined.has_value());
  EXPECT_EQ(joined.error().code, kv::ErrorCode::kInvalidArgument);
  EXPECT_FALSE(client.Retire("n2").has_value());
}

TEST(RpcClient, MutatingRequestsCarryAFreshRequestId) {
  MemoryHandler memory;
  RecordingHandler handler(&memory);
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  RpcClient client(server->address());
  ASSERT_TRUE(client.Put(OnePut("t", "k", "1")).has_value());
  ASSERT_TRUE(client.Put(OnePut("t", "k", "2")).has_value());
  ASSERT_TRUE(client.Get(OneGet("t", "k")).has_value());
  ASSERT_TRUE(client.Rotate().has_value());
  v1::Request preset;
  preset.set_request_id("caller-chosen");
  *preset.mutable_put() = OnePut("t", "k", "3");
  ASSERT_TRUE(client.Call(preset).has_value());

  const std::vector<std::string> ids = handler.ids();
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_TRUE(IsRequestId(ids[0])) << ids[0];
  EXPECT_TRUE(IsRequestId(ids[1])) << ids[1];
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_EQ(ids[2], "");  // reads carry none
  EXPECT_TRUE(IsRequestId(ids[3])) << ids[3];
  EXPECT_EQ(ids[4], "caller-chosen");
}

// Answers every request with an OK status response body.
class StatusOnlyHandler : public RpcHandler {
 public:
  v1::Response Handle(const v1::Request&) override {
    v1::Response response;
    response.mutable_status_response()->set_node_id("odd");
    return response;
  }
};

TEST(RpcClient, WrapperRejectsAMismatchedBody) {
  StatusOnlyHandler handler;
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  RpcClient client(server->address());
  auto put = client.Put(OnePut("t", "k", "v"));
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, kv::ErrorCode::kInternal);
  EXPECT_EQ(put.error().message, "the node answered with body status_response, expected put");
}

// Answers claim requests as recovering and serving nodes do: a claim for
// nonce "claim", a refusal with the reason the nonce names otherwise.
class ClaimHandler : public RpcHandler {
 public:
  v1::Response Handle(const v1::Request& request) override {
    v1::Response response;
    const std::string& nonce = request.recovery_claim().nonce();
    if (nonce == "claim") {
      response.mutable_recovery_claim()->set_node_id("n2");
    } else if (nonce == "fail") {
      response.mutable_status()->set_code(v1::ResponseStatus::INVALID_ARGUMENT);
      response.mutable_status()->set_message("bad nonce");
    } else {
      auto* refusal = response.mutable_recovery_claim_refusal();
      refusal->set_reason(nonce == "serving" ? v1::RecoveryClaimRefusal::SERVING
                                             : v1::RecoveryClaimRefusal::NOT_READY);
      refusal->set_detail("replaying 10 of 20");
    }
    return response;
  }
};

// The coordinator branches on the reason, never on error text: a refusal
// is an answer, distinct from a claim and from an error.
TEST(RpcClient, AClaimRequestIsAnsweredWithAClaimARefusalOrAnError) {
  ClaimHandler handler;
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  RpcClient client(server->address());
  auto claim = client.GetRecoveryClaim("claim");
  ASSERT_TRUE(claim) << claim.error().ToString();
  ASSERT_TRUE(std::holds_alternative<v1::RecoveryClaim>(*claim));
  EXPECT_EQ(std::get<v1::RecoveryClaim>(*claim).node_id(), "n2");
  for (const auto& [nonce, reason] : {std::pair{"serving", v1::RecoveryClaimRefusal::SERVING},
                                      std::pair{"not ready", v1::RecoveryClaimRefusal::NOT_READY}}) {
    auto refused = client.GetRecoveryClaim(nonce);
    ASSERT_TRUE(refused) << refused.error().ToString();
    ASSERT_TRUE(std::holds_alternative<v1::RecoveryClaimRefusal>(*refused)) << nonce;
    EXPECT_EQ(std::get<v1::RecoveryClaimRefusal>(*refused).reason(), reason);
    EXPECT_EQ(std::get<v1::RecoveryClaimRefusal>(*refused).detail(), "replaying 10 of 20");
  }
  auto failed = client.GetRecoveryClaim("fail");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, kv::ErrorCode::kInvalidArgument);
}

TEST(RpcClient, OnlyARefusedConnectionCountsAsRefused) {
  EXPECT_TRUE(IsConnectionRefused({kv::ErrorCode::kUnavailable, "connecting to h:1: Connection refused"}));
  EXPECT_FALSE(IsConnectionRefused({kv::ErrorCode::kUnavailable, "connecting to h:1: timed out after 5 ms"}));
  EXPECT_FALSE(IsConnectionRefused({kv::ErrorCode::kInternal, "Connection refused"}));
}

TEST(RpcClient, InvalidOptionsAreRefused) {
  RpcClient client("127.0.0.1:1", {.request_timeout_ms = 0});
  auto status = client.GetStatus();
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, kv::ErrorCode::kInvalidArgument);
}

TEST(RpcClient, HostnameAddressesResolve) {
  MemoryHandler handler;
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  const std::string port = server->address().substr(server->address().rfind(':') + 1);
  RpcClient client("localhost:" + port);  // may resolve ::1 first: the client tries each address
  auto status = client.GetStatus();
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
}

// ---- Concurrency ------------------------------------------------------------

TEST(RpcClient, ConcurrentClients) {
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 200;
  MemoryHandler handler;
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  std::mutex mu;
  std::set<uint64_t> versions;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      RpcClient client(server->address());
      for (int i = 0; i < kCallsPerThread / 2; ++i) {
        const std::string key = std::to_string(t) + "/" + std::to_string(i);
        auto put = client.Put(OnePut("t", key, "v" + key));
        auto got = client.Get(OneGet("t", key));
        if (!put || !got || !got->found() || got->value() != "v" + key) {
          ++failures;
          continue;
        }
        std::lock_guard lock(mu);
        versions.insert(put->version());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(versions.size(), size_t{kThreads * kCallsPerThread / 2});  // no lost or repeated write
  EXPECT_EQ(handler.version(), uint64_t{kThreads * kCallsPerThread / 2});
}

TEST(RpcClient, OneClientSharedByManyThreads) {
  MemoryHandler handler;
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  RpcClient client(server->address());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto status = client.GetStatus();
        if (!status || status->node_id() != "n1") ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(handler.requests_handled(), 400u);
}

// ---- Redirects --------------------------------------------------------------

TEST(RpcClient, FollowsARedirectAndSticksToTheLeader) {
  MemoryHandler memory;
  RecordingHandler leader_handler(&memory);
  auto leader = MustStart(&leader_handler);
  RedirectingHandler follower_handler;
  auto follower = MustStart(&follower_handler);
  ASSERT_NE(leader, nullptr);
  ASSERT_NE(follower, nullptr);
  follower_handler.set_leader(leader->address());

  RpcClient client(follower->address());
  auto put = client.Put(OnePut("t", "k", "v"));
  ASSERT_TRUE(put.has_value()) << put.error().ToString();
  EXPECT_EQ(memory.version(), 1u);
  ASSERT_EQ(follower_handler.handled(), 1);
  // The same id on both hops, so the leader could deduplicate a retry.
  EXPECT_EQ(follower_handler.ids().at(0), leader_handler.ids().at(0));
  EXPECT_TRUE(IsRequestId(leader_handler.ids().at(0)));

  ASSERT_TRUE(client.GetStatus().has_value());
  EXPECT_EQ(follower_handler.handled(), 1);  // went straight to the leader
}

TEST(RpcClient, RedirectLoopsAreBoundedAndReturnTheLastAnswer) {
  RedirectingHandler a_handler, b_handler;
  auto a = MustStart(&a_handler);
  auto b = MustStart(&b_handler);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  a_handler.set_leader(b->address());
  b_handler.set_leader(a->address());

  RpcClient client(a->address(), {.max_redirects = 3});
  v1::Request request;
  request.mutable_status();
  auto response = client.Call(request);
  ASSERT_TRUE(response.has_value()) << response.error().ToString();
  EXPECT_EQ(response->status().code(), v1::ResponseStatus::NOT_PRIMARY);
  EXPECT_EQ(a_handler.handled() + b_handler.handled(), 4);  // the first try + 3 redirects

  auto status = client.GetStatus();
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, kv::ErrorCode::kNotPrimary);
  EXPECT_NE(status.error().message.find("leader at"), std::string::npos);
}

TEST(RpcClient, NotPrimaryWithoutALeaderIsReturnedAsIs) {
  RedirectingHandler handler;  // no leader known
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  RpcClient client(server->address());
  auto put = client.Put(OnePut("t", "k", "v"));
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, kv::ErrorCode::kNotPrimary);
  EXPECT_EQ(handler.handled(), 1);
}

// ---- Failures and recovery from them ----------------------------------------

TEST(RpcClient, ReconnectsAfterTheServerRestartsOnTheSamePort) {
  MemoryHandler first;
  auto server = MustStart(&first);
  ASSERT_NE(server, nullptr);
  const std::string address = server->address();
  RpcClient client(address);
  ASSERT_TRUE(client.GetStatus().has_value());

  // Restarted between calls: the kept connection is dead and must be replaced.
  server->Stop();
  MemoryHandler second("n2");
  server = MustStart(&second, address);
  ASSERT_NE(server, nullptr);
  auto status = client.GetStatus();
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  EXPECT_EQ(status->node_id(), "n2");

  // Down during a call: kUnavailable naming the address; the next call reconnects.
  server->Stop();
  auto down = client.GetStatus();
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().code, kv::ErrorCode::kUnavailable);
  EXPECT_NE(down.error().message.find(address), std::string::npos) << down.error().message;
  EXPECT_NE(down.error().message.find("Connection refused"), std::string::npos)
      << down.error().message;
  EXPECT_TRUE(IsConnectionRefused(down.error())) << down.error().message;
  MemoryHandler third("n3");
  server = MustStart(&third, address);
  ASSERT_NE(server, nullptr);
  status = client.GetStatus();
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  EXPECT_EQ(status->node_id(), "n3");
}

// A scripted peer: on connection i it answers answers[i] requests with OK, then
// reads one more request, records it, and closes without answering.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<int> answers) : answers_(std::move(answers)) {
    auto fd = ListenTcp("127.0.0.1:0", 8);
    EXPECT_TRUE(fd.has_value());
    listen_fd_ = std::move(*fd);
    address_ = LocalAddressOfListener();
    thread_ = std::thread([this] { Run(); });
  }
  ~ScriptedServer() { thread_.join(); }

  const std::string& address() const { return address_; }
  int accepted() const { return accepted_.load(); }
  std::vector<std::string> ids() {
    std::lock_guard lock(mu_);
    return ids_;
  }

 private:
  std::string LocalAddressOfListener();

  void Run() {
    for (int answers : answers_) {
      // Bounded: give up on a connection that never comes.
      if (!WaitFor(listen_fd_.get(), POLLIN, DeadlineAfterMs(5000)).ok()) return;
      auto accepted = AcceptTcp(listen_fd_.get());
      if (!accepted || !accepted->has_value()) return;
      ++accepted_;
      UniqueFd fd = std::move(**accepted);
      for (int i = 0; i <= answers; ++i) {
        v1::Request request;
        if (!ReceiveMessage(fd.get(), &request, 1 << 20, DeadlineAfterMs(5000))) break;
        {
          std::lock_guard lock(mu_);
          ids_.push_back(request.request_id());
        }
        if (i == answers) break;  // close without answering
        v1::Response response;
        response.mutable_put()->set_version(7);
        if (!SendMessage(fd.get(), response, 1 << 20, DeadlineAfterMs(5000))) break;
      }
    }
  }

  const std::vector<int> answers_;
  UniqueFd listen_fd_;
  std::string address_;
  std::atomic<int> accepted_{0};
  std::mutex mu_;
  std::vector<std::string> ids_;
  std::thread thread_;
};

}  // namespace
}  // namespace ledgerseal::rpc

#include "kvstore_adapter/reference_host/rpc/address.h"

namespace ledgerseal::rpc {
namespace {

std::string ScriptedServer::LocalAddressOfListener() { return LocalAddressOf(listen_fd_.get()); }

TEST(RpcClient, ResendsOnceWhenAReusedConnectionClosesBeforeAnswering) {
  ScriptedServer peer({1, 1});
  RpcClient client(peer.address());
  ASSERT_TRUE(client.Put(OnePut("t", "k", "1")).has_value());  // connection 1, answered
  auto second = client.Put(OnePut("t", "k", "2"));             // connection 1 closes; resent on 2
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(peer.accepted(), 2);
  const std::vector<std::string> ids = peer.ids();
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[1], ids[2]);  // the resend is the same request
  EXPECT_NE(ids[0], ids[1]);
}

TEST(RpcClient, DoesNotResendOnAFreshConnection) {
  ScriptedServer peer({0});
  RpcClient client(peer.address());
  auto put = client.Put(OnePut("t", "k", "1"));
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, kv::ErrorCode::kUnavailable);
  EXPECT_NE(put.error().message.find("rpc to " + peer.address()), std::string::npos)
      << put.error().message;
  EXPECT_EQ(peer.accepted(), 1);
}

// Blocks every request until released; counts arrivals.
class BlockingHandler : public RpcHandler {
 public:
  v1::Response Handle(const v1::Request& request) override {
    std::unique_lock lock(mu_);
    ++arrived_;
    changed_.notify_all();
    // Bounded so a broken test cannot hang the server's Stop forever.
    changed_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
    v1::Response response;
    if (request.has_put()) response.mutable_put()->set_version(111);
    if (request.has_status()) response.mutable_status_response()->set_node_id("blocking");
    return response;
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int arrived_ = 0;
  bool released_ = false;
};

TEST(RpcClient, RequestTimeoutAgainstASlowHandler) {
  BlockingHandler handler;
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  RpcClient client(server->address(), {.request_timeout_ms = 300});
  const auto start = std::chrono::steady_clock::now();
  auto put = client.Put(OnePut("t", "k", "v"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  handler.Release();
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, kv::ErrorCode::kUnavailable);
  EXPECT_NE(put.error().message.find("timed out after 300 ms"), std::string::npos)
      << put.error().message;
  EXPECT_GE(elapsed, milliseconds(290));
  EXPECT_LT(elapsed, milliseconds(2000));
  // The late answer to the put must not be taken for the next call's.
  auto status = client.GetStatus();
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  EXPECT_EQ(status->node_id(), "blocking");
}

TEST(RpcClient, BadAddressesAreErrorsNotCrashes) {
  RpcClient malformed("no-port-here");
  auto a = malformed.GetStatus();
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code, kv::ErrorCode::kInvalidArgument);

  RpcClient unknown("no-such-host.invalid:1");
  auto b = unknown.GetStatus();
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, kv::ErrorCode::kUnavailable);
}

TEST(RpcClient, OversizeRequestIsRefusedAndTheClientCarriesOn) {
  MemoryHandler handler;
  auto server = MustStart(&handler);
  ASSERT_NE(server, nullptr);
  RpcClient client(server->address(), {.max_message_bytes = 256});
  ASSERT_TRUE(client.GetStatus().has_value());
  auto put = client.Put(OnePut("t", "k", std::string(1000, 'x')));
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, kv::ErrorCode::kInvalidArgument);
  EXPECT_NE(put.error().message.find("exceeds the maximum of 256 bytes"), std::string::npos);
  EXPECT_EQ(handler.requests_handled(), 1u);
  EXPECT_TRUE(client.GetStatus().has_value());
}

}  // namespace
}  // namespace ledgerseal::rpc
