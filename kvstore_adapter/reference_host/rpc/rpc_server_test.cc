#include "kvstore_adapter/reference_host/rpc/public/rpc_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kvstore_adapter/reference_host/rpc/framing.h"
#include "kvstore_adapter/reference_host/rpc/testing/memory_handler.h"
#include "kvstore_adapter/reference_host/rpc/testing/raw_connection.h"

namespace ledgerseal::rpc {
namespace {

using std::chrono::milliseconds;
using testing::MemoryHandler;
using testing::RawConnection;
using testing::StatusRequest;

// Collects the server's log lines; tests wait on them instead of sleeping.
class LogCapture {
 public:
  std::function<void(std::string_view)> Sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mu_);
      lines_.emplace_back(line);
      changed_.notify_all();
    };
  }

  // True once a line containing every one of `needles` has been logged,
  // within `timeout_ms`.
  bool WaitFor(std::initializer_list<std::string_view> needles, int timeout_ms = 3000) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, milliseconds(timeout_ms), [&] {
      for (const std::string& line : lines_) {
        bool all = true;
        for (std::string_view needle : needles) all = all && line.find(needle) != std::string::npos;
        if (all) return true;
      }
      return false;
    });
  }

  std::string All() {
    std::lock_guard lock(mu_);
    std::string all;
    for (const std::string& line : lines_) all += line + "\n";
    return all;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

class RpcServerTest : public ::testing::Test {
 protected:
  void StartServer(RpcServerOptions options = {}) {
    options.log = log_.Sink();
    auto server = RpcServer::Start("127.0.0.1:0", &handler_, std::move(options));
    ASSERT_TRUE(server.has_value()) << server.error().ToString();
    server_ = std::move(*server);
  }

  // A fresh connection answers a status request.
  void ExpectServing() {
    RawConnection connection(server_->address());
    ASSERT_TRUE(connection.valid());
    auto response = connection.RoundTrip(StatusRequest());
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status().code(), v1::ResponseStatus::OK);
  }

  MemoryHandler handler_;
  LogCapture log_;
  std::unique_ptr<RpcServer> server_;
};

TEST_F(RpcServerTest, ServesManyRequestsOnOnePersistentConnection) {
  StartServer();
  EXPECT_EQ(server_->address().rfind("127.0.0.1:", 0), 0u) << server_->address();
  EXPECT_NE(server_->address(), "127.0.0.1:0");
  RawConnection connection(server_->address());
  ASSERT_TRUE(connection.valid());
  for (int i = 0; i < 5; ++i) {
    auto response = connection.RoundTrip(StatusRequest());
    ASSERT_TRUE(response.has_value()) << i;
    EXPECT_EQ(response->status_response().node_id(), "n1");
  }
  EXPECT_EQ(handler_.requests_handled(), 5u);
}

TEST_F(RpcServerTest, StartRejectsBadArguments) {
  auto malformed = RpcServer::Start("127.0.0.1", &handler_);
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().code, kv::ErrorCode::kInvalidArgument);

  auto no_handler = RpcServer::Start("127.0.0.1:0", nullptr);
  ASSERT_FALSE(no_handler.has_value());
  EXPECT_EQ(no_handler.error().code, kv::ErrorCode::kInvalidArgument);

  auto bad_options = RpcServer::Start("127.0.0.1:0", &handler_, {.max_connections = 0});
  ASSERT_FALSE(bad_options.has_value());
  EXPECT_EQ(bad_options.error().code, kv::ErrorCode::kInvalidArgument);

  StartServer();
  auto port_taken = RpcServer::Start(server_->address(), &handler_);
  ASSERT_FALSE(port_taken.has_value());
  EXPECT_EQ(port_taken.error().code, kv::ErrorCode::kUnavailable);
  EXPECT_NE(port_taken.error().message.find(server_->address()), std::string::npos);
  EXPECT_NE(port_taken.error().message.find("in use"), std::string::npos)
      << port_taken.error().message;
}

TEST_F(RpcServerTest, PeerDisconnectingMidMessageIsLoggedAndHarmless) {
  StartServer();
  {
    RawConnection connection(server_->address());
    ASSERT_TRUE(connection.valid());
    kv::Bytes partial(kFrameHeaderBytes + 10, 0x42);
    EncodeFrameHeader(100,
                      std::span<uint8_t, kFrameHeaderBytes>(partial.data(), kFrameHeaderBytes));
    ASSERT_TRUE(connection.SendBytes(partial));
  }  // closed here
  EXPECT_TRUE(log_.WaitFor(
      {"closing the connection from 127.0.0.1:", "reading a 100-byte frame", "after 10 bytes"}))
      << log_.All();
  ExpectServing();
  EXPECT_EQ(handler_.requests_handled(), 1u);  // only ExpectServing's
}

TEST_F(RpcServerTest, OversizeLengthClosesTheConnection) {
  StartServer({.max_message_bytes = 1024});
  RawConnection connection(server_->address());
  ASSERT_TRUE(connection.valid());
  ASSERT_TRUE(connection.SendBytes(kv::ToBytes("\xff\xff\xff\xff garbage")));
  EXPECT_TRUE(connection.WaitForClose(3000));
  EXPECT_TRUE(log_.WaitFor({"exceeds the maximum of 1024 bytes"})) << log_.All();
  ExpectServing();
}

TEST_F(RpcServerTest, UnparsablePayloadIsAnsweredAndTheConnectionSurvives) {
  StartServer();
  RawConnection connection(server_->address());
  ASSERT_TRUE(connection.valid());
  // Field 0 / wire type 7 is invalid protobuf.
  auto frame = EncodeFrame(kv::ToBytes("\x07\xff\xff\xff\xff\xff"), kDefaultMaxFrameBytes);
  ASSERT_TRUE(connection.SendBytes(*frame));
  auto garbage_reply = connection.ReadResponse();
  ASSERT_TRUE(garbage_reply.has_value());
  EXPECT_EQ(garbage_reply->status().code(), v1::ResponseStatus::INVALID_ARGUMENT);
  EXPECT_NE(garbage_reply->status().message().find("does not parse"), std::string::npos);
  auto next = connection.RoundTrip(StatusRequest());
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status().code(), v1::ResponseStatus::OK);
  EXPECT_EQ(handler_.requests_handled(), 1u);
}

TEST_F(RpcServerTest, RequestWithoutBodyNeverReachesTheHandler) {
  StartServer();
  RawConnection connection(server_->address());
  ASSERT_TRUE(connection.valid());
  auto response = connection.RoundTrip(v1::Request());
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status().code(), v1::ResponseStatus::INVALID_ARGUMENT);
  EXPECT_EQ(handler_.requests_handled(), 0u);
}

TEST_F(RpcServerTest, SlowClientIsCutOffAfterTheReadTimeout) {
  StartServer({.read_timeout_ms = 200});
  RawConnection connection(server_->address());
  ASSERT_TRUE(connection.valid());
  kv::Bytes partial(kFrameHeaderBytes + 3, 0);
  EncodeFrameHeader(50, std::span<uint8_t, kFrameHeaderBytes>(partial.data(), kFrameHeaderBytes));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(connection.SendBytes(partial));
  EXPECT_TRUE(connection.WaitForClose(3000));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(190));
  EXPECT_TRUE(log_.WaitFor({"timed out reading a 50-byte frame"})) << log_.All();
}

TEST_F(RpcServerTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  StartServer({.idle_timeout_ms = 200});
  RawConnection connection(server_->address());
  ASSERT_TRUE(connection.valid());
  ASSERT_TRUE(connection.RoundTrip(StatusRequest()).has_value());
  EXPECT_TRUE(connection.WaitForClose(3000));
}

TEST_F(RpcServerTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  StartServer({.max_connections = 2});
  RawConnection first(server_->address());
  RawConnection second(server_->address());
  ASSERT_TRUE(first.RoundTrip(StatusRequest()).has_value());
  ASSERT_TRUE(second.RoundTrip(StatusRequest()).has_value());
  RawConnection third(server_->address());
  ASSERT_TRUE(third.valid());  // the kernel accepts; the server then closes
  EXPECT_TRUE(third.WaitForClose(2000));
  EXPECT_TRUE(log_.WaitFor({"refusing a connection", "2 connections open"})) << log_.All();
  // A freed slot is reusable once the server has noticed the close.
  first.Close();
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(3000);
  bool served = false;
  while (!served && std::chrono::steady_clock::now() < deadline) {
    RawConnection again(server_->address());
    served = again.RoundTrip(StatusRequest()).has_value();
    if (!served) std::this_thread::sleep_for(milliseconds(10));  // backoff between attempts
  }
  EXPECT_TRUE(served);
}

TEST_F(RpcServerTest, OversizeResponseBecomesAnInternalError) {
  MemoryHandler long_name(std::string(500, 'x'));
  auto server = RpcServer::Start("127.0.0.1:0", &long_name, {.max_message_bytes = 128});
  ASSERT_TRUE(server.has_value());
  RawConnection connection((*server)->address());
  auto response = connection.RoundTrip(StatusRequest());
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status().code(), v1::ResponseStatus::INTERNAL);
  EXPECT_NE(response->status().message().find("exceeds the maximum of 128"), std::string::npos);
}

TEST_F(RpcServerTest, StopWithOpenConnectionsIsPromptAndIdempotent) {
  StartServer();  // default timeouts (30 s, 60 s): only Stop can end these connections
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < 6; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server_->address()));
    ASSERT_TRUE(connections.back()->RoundTrip(StatusRequest()).has_value());
  }
  auto mid_message = std::make_unique<RawConnection>(server_->address());
  kv::Bytes partial(kFrameHeaderBytes + 2, 0);
  EncodeFrameHeader(40, std::span<uint8_t, kFrameHeaderBytes>(partial.data(), kFrameHeaderBytes));
  ASSERT_TRUE(mid_message->SendBytes(partial));
  connections.push_back(std::move(mid_message));
  connections.push_back(std::make_unique<RawConnection>(server_->address()));  // silent
  ASSERT_TRUE(connections.back()->valid());

  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, milliseconds(1000));
  for (auto& connection : connections) EXPECT_TRUE(connection->WaitForClose(1000));
  server_->Stop();  // idempotent
  RawConnection after(server_->address());
  EXPECT_FALSE(after.valid());  // the listener is gone
}

TEST_F(RpcServerTest, DestructorStopsWithConnectionsOpen) {
  StartServer();
  RawConnection connection(server_->address());
  ASSERT_TRUE(connection.RoundTrip(StatusRequest()).has_value());
  const auto start = std::chrono::steady_clock::now();
  server_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  EXPECT_TRUE(connection.WaitForClose(1000));
}

TEST_F(RpcServerTest, RestartsOnTheSamePortRightAfterStop) {
  StartServer();
  const std::string address = server_->address();
  RawConnection connection(address);
  ASSERT_TRUE(connection.RoundTrip(StatusRequest()).has_value());
  server_->Stop();  // the server closes first: its side sits in TIME_WAIT
  auto again = RpcServer::Start(address, &handler_);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ((*again)->address(), address);
}

}  // namespace
}  // namespace ledgerseal::rpc
