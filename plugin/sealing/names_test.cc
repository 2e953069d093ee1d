#include "plugin/sealing/names.h"

#include <gtest/gtest.h>

namespace ledgerseal::sealing::internal {
namespace {

TEST(NamesTest, WellFormedUtf8) {
  EXPECT_TRUE(IsWellFormedUtf8(""));
  EXPECT_TRUE(IsWellFormedUtf8("node-a"));
  EXPECT_TRUE(IsWellFormedUtf8("n\xc3\xa9ud"));       // é
  EXPECT_TRUE(IsWellFormedUtf8("\xe2\x82\xac"));      // €
  EXPECT_TRUE(IsWellFormedUtf8("\xf0\x9f\x94\x91"));  // 🔑
  EXPECT_TRUE(IsWellFormedUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

TEST(NamesTest, IllFormedUtf8) {
  EXPECT_FALSE(IsWellFormedUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsWellFormedUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsWellFormedUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsWellFormedUtf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(IsWellFormedUtf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsWellFormedUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsWellFormedUtf8("\xff"));
  EXPECT_FALSE(IsWellFormedUtf8("ok\xe2\x82"));  // truncated at the end
}

TEST(NamesTest, ValidateName) {
  EXPECT_TRUE(ValidateName("x", "node-a", 10, SealingErrorCode::kInvalidArgument));
  auto empty = ValidateName("node id", "", 10, SealingErrorCode::kInvalidArgument);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, SealingErrorCode::kInvalidArgument);
  EXPECT_NE(empty.error().message.find("node id"), std::string::npos);
  auto long_name = ValidateName("x", "12345678901", 10, SealingErrorCode::kMalformed);
  ASSERT_FALSE(long_name);
  EXPECT_EQ(long_name.error().code, SealingErrorCode::kMalformed);
  EXPECT_FALSE(ValidateName("x", "\xff", 10, SealingErrorCode::kMalformed));
}

TEST(NamesTest, QuoteEscapesControlAndNonAsciiBytes) {
  EXPECT_EQ(Quote("node-a"), "'node-a'");
  EXPECT_EQ(Quote("a\nb'\\"), "'a\\x0ab\\x27\\x5c'");
  EXPECT_EQ(Quote("\xc3\xa9"), "'\\xc3\\xa9'");
  EXPECT_EQ(Quote(std::string(100, 'x')), "'" + std::string(64, 'x') + "...'");
}

}  // namespace
}  // namespace ledgerseal::sealing::internal
