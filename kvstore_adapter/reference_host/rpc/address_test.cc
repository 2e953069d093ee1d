#include "kvstore_adapter/reference_host/rpc/address.h"

#include <gtest/gtest.h>

namespace ledgerseal::rpc {
namespace {

TEST(SplitHostPort, AcceptsNamesV4AndBracketedV6) {
  auto v4 = SplitHostPort("127.0.0.1:8080");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = SplitHostPort("[::1]:0");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  auto name = SplitHostPort("localhost:65535");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->host, "localhost");
  EXPECT_EQ(name->port, 65535);
}

TEST(SplitHostPort, RejectsMalformed) {
  for (const char* bad : {"", "localhost", ":80", "host:", "host:65536", "host:8x", "host:-1",
                          "::1:80", "[]:80", "host: 80"}) {
    auto parsed = SplitHostPort(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, kv::ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(parsed.error().message.find(bad), std::string::npos) << parsed.error().message;
  }
}

TEST(Resolve, LiteralsAndLocalhost) {
  auto literal = Resolve("127.0.0.1:9", /*passive=*/false);
  ASSERT_TRUE(literal.has_value()) << literal.error().ToString();
  ASSERT_EQ(literal->size(), 1u);
  EXPECT_EQ(FormatSocketAddress((*literal)[0].get(), (*literal)[0].length), "127.0.0.1:9");
  auto localhost = Resolve("localhost:9", /*passive=*/false);
  ASSERT_TRUE(localhost.has_value()) << localhost.error().ToString();
  EXPECT_FALSE(localhost->empty());
}

TEST(Resolve, UnknownHostIsUnavailable) {
  // ".invalid" is reserved (RFC 2606) and never resolves.
  auto resolved = Resolve("no-such-host.invalid:9", /*passive=*/false);
  ASSERT_FALSE(resolved.has_value());
  EXPECT_EQ(resolved.error().code, kv::ErrorCode::kUnavailable);
  EXPECT_NE(resolved.error().message.find("no-such-host.invalid"), std::string::npos);
}

}  // namespace
}  // namespace ledgerseal::rpc
