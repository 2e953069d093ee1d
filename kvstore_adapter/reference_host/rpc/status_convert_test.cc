#include "kvstore_adapter/reference_host/rpc/public/status_convert.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

namespace ledgerseal::rpc {
namespace {

constexpr kv::ErrorCode kAllCodes[] = {
    kv::ErrorCode::kInvalidArgument, kv::ErrorCode::kNotFound, kv::ErrorCode::kCorruption,
    kv::ErrorCode::kIoError,         kv::ErrorCode::kWrongKey, kv::ErrorCode::kHookFailed,
    kv::ErrorCode::kNotPrimary,      kv::ErrorCode::kAborted,  kv::ErrorCode::kRecoveryFailed,
    kv::ErrorCode::kUnavailable,     kv::ErrorCode::kInternal,
};

TEST(StatusConvert, EveryErrorRoundTrips) {
  std::set<int> wire_codes;
  for (kv::ErrorCode code : kAllCodes) {
    const kv::Error error{code, "what failed"};
    const v1::Response response = ErrorResponse(error);
    EXPECT_NE(response.status().code(), v1::ResponseStatus::OK);
    wire_codes.insert(response.status().code());
    auto status = ToStatus(response);
    ASSERT_FALSE(status.has_value());
    EXPECT_EQ(status.error(), error);
  }
  EXPECT_EQ(wire_codes.size(), std::size(kAllCodes));  // distinct on the wire
}

TEST(StatusConvert, WireNamesMatchTheKvNames) {
  // The enum mirrors status.h: INVALID_ARGUMENT <-> "invalid_argument".
  for (kv::ErrorCode code : kAllCodes) {
    std::string upper(kv::ErrorCodeName(code));
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(v1::ResponseStatus::Code_Name(ToWireCode(code)), upper);
  }
}

TEST(StatusConvert, OkIsOk) {
  v1::Response response;
  response.mutable_put()->set_version(3);
  EXPECT_TRUE(ToStatus(response).has_value());
}

TEST(StatusConvert, NotPrimaryNamesTheLeader) {
  auto with_leader = ToStatus(NotPrimaryResponse("not the leader", "10.0.0.2:7000"));
  ASSERT_FALSE(with_leader.has_value());
  EXPECT_EQ(with_leader.error().code, kv::ErrorCode::kNotPrimary);
  EXPECT_EQ(with_leader.error().message, "not the leader (leader at 10.0.0.2:7000)");
  auto without = ToStatus(NotPrimaryResponse("no leader", std::nullopt));
  ASSERT_FALSE(without.has_value());
  EXPECT_EQ(without.error().message, "no leader");
}

TEST(StatusConvert, UnknownWireCodeIsInternal) {
  v1::Response response;
  response.mutable_status()->set_code(static_cast<v1::ResponseStatus::Code>(99));
  response.mutable_status()->set_message("from the future");
  auto status = ToStatus(response);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, kv::ErrorCode::kInternal);
  EXPECT_EQ(status.error().message, "unknown status code 99: from the future");
}

}  // namespace
}  // namespace ledgerseal::rpc
