#include "plugin/public/sealing_error.h"

#include <gtest/gtest.h>

#include <set>

namespace ledgerseal::sealing {
namespace {

constexpr SealingErrorCode kAllCodes[] = {
    SealingErrorCode::kUnknownDerivationVersion,
    SealingErrorCode::kUnknownFormatVersion,
    SealingErrorCode::kPlatformMismatch,
    SealingErrorCode::kPlatformError,
    SealingErrorCode::kTampered,
    SealingErrorCode::kIdentityNotFound,
    SealingErrorCode::kWrongSecretVersion,
    SealingErrorCode::kWrongService,
    SealingErrorCode::kMalformed,
    SealingErrorCode::kWeakPolicy,
    SealingErrorCode::kInvalidArgument,
    SealingErrorCode::kCryptoError,
    SealingErrorCode::kUnsigned,
    SealingErrorCode::kBadSignature,
    SealingErrorCode::kOtherService,
};

TEST(SealingErrorTest, NamesAreStableAndUnique) {
  std::set<std::string_view> names;
  for (auto code : kAllCodes) {
    const auto name = SealingErrorCodeName(code);
    EXPECT_NE(name, "unknown");
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_EQ(SealingErrorCodeName(SealingErrorCode::kPlatformMismatch), "platform_mismatch");
  EXPECT_EQ(SealingErrorCodeName(SealingErrorCode::kTampered), "tampered");
  EXPECT_EQ(SealingErrorCodeName(static_cast<SealingErrorCode>(999)), "unknown");
}

TEST(SealingErrorTest, ToStringPrefixesTheName) {
  EXPECT_EQ((SealingError{SealingErrorCode::kTampered, "tag"}).ToString(), "tampered: tag");
}

TEST(SealingErrorTest, KvMapping) {
  auto kv_code = [](SealingErrorCode c) { return ToKvError({c, "m"}).code; };
  EXPECT_EQ(kv_code(SealingErrorCode::kIdentityNotFound), kv::ErrorCode::kNotFound);
  EXPECT_EQ(kv_code(SealingErrorCode::kTampered), kv::ErrorCode::kCorruption);
  EXPECT_EQ(kv_code(SealingErrorCode::kMalformed), kv::ErrorCode::kCorruption);
  EXPECT_EQ(kv_code(SealingErrorCode::kPlatformMismatch), kv::ErrorCode::kWrongKey);
  EXPECT_EQ(kv_code(SealingErrorCode::kInvalidArgument), kv::ErrorCode::kInvalidArgument);
  EXPECT_EQ(kv_code(SealingErrorCode::kCryptoError), kv::ErrorCode::kInternal);
  EXPECT_EQ(kv_code(SealingErrorCode::kPlatformError), kv::ErrorCode::kRecoveryFailed);
  EXPECT_EQ(ToKvError({SealingErrorCode::kTampered, "x"}).message, "tampered: x");
  // The service-identity refusals stop a recovery and keep their name.
  for (auto code : {SealingErrorCode::kUnsigned, SealingErrorCode::kBadSignature,
                    SealingErrorCode::kOtherService, SealingErrorCode::kWrongService}) {
    const kv::Error error = ToKvError({code, "at version 7"});
    EXPECT_EQ(error.code, kv::ErrorCode::kRecoveryFailed) << SealingErrorCodeName(code);
    EXPECT_EQ(error.message, std::string(SealingErrorCodeName(code)) + ": at version 7");
  }
  EXPECT_EQ(SealingErrorCodeName(SealingErrorCode::kUnsigned), "unsigned");
  EXPECT_EQ(SealingErrorCodeName(SealingErrorCode::kBadSignature), "bad_signature");
  EXPECT_EQ(SealingErrorCodeName(SealingErrorCode::kOtherService), "other_service");
}

}  // namespace
}  // namespace ledgerseal::sealing
