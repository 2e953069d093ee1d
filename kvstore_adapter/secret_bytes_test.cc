#include "kvstore_adapter/public/secret_bytes.h"

#include <gtest/gtest.h>

#include <vector>

namespace ledgerseal::kv {
namespace {

TEST(SecretBytesTest, MoveLeavesSourceEmptyAndKeepsBytes) {
  const std::vector<uint8_t> raw = {1, 2, 3, 4};
  SecretBytes a(raw);
  SecretBytes b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): documented state
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(std::vector<uint8_t>(b.bytes().begin(), b.bytes().end()), raw);
}

TEST(SecretBytesTest, CloneIsIndependentAndEqual) {
  SecretBytes a(std::vector<uint8_t>{9, 9});
  SecretBytes c = a.Clone();
  EXPECT_TRUE(a == c);
  c.mutable_bytes()[0] = 1;
  EXPECT_FALSE(a == c);
  EXPECT_FALSE(a == SecretBytes(std::vector<uint8_t>{9}));
}

}  // namespace
}  // namespace ledgerseal::kv
