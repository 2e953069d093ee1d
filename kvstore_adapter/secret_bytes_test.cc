#include "kvstore_adapter/public/secret_bytes.h"

#include <gtest/gtest.h>

#include <new>
#include <string>
#include <string_view>
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

namespace ledgerseal::kv {
namespace {

// A short string lives inside the object (small-string optimisation), so the
// object's own storage shows whether the destructor wiped it.
TEST(WipedStringTest, DestructionWipesTheBytes) {
  const std::string secret = "pt-0123456789";
  alignas(WipedString) unsigned char storage[sizeof(WipedString)];
  auto* wiped = new (storage) WipedString(secret);
  ASSERT_NE(std::string_view(reinterpret_cast<char*>(storage), sizeof(storage)).find(secret),
            std::string_view::npos)
      << "the string is not stored inline; this test needs the small-string optimisation";
  wiped->~WipedString();
  EXPECT_EQ(std::string_view(reinterpret_cast<char*>(storage), sizeof(storage)).find(secret),
            std::string_view::npos);
}

}  // namespace
}  // namespace ledgerseal::kv
