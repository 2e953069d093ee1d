#include "base/secret_bytes.h"

#include <gtest/gtest.h>

#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace ledgerseal::base {
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

// What a shorter value leaves behind in the buffer is wiped too.
TEST(WipeStringTest, WipesTheWholeCapacity) {
  std::string s(80, 'x');
  s = "short";
  const size_t capacity = s.capacity();
  ASSERT_GE(capacity, 80u);
  WipeString(s);
  EXPECT_EQ(s, std::string(capacity, '\0'));
}

// A short string lives inside the object (small-string optimisation), so the
// object's own storage shows whether the destructor wiped it.
TEST(WipedStringTest, DestructionWipesTheBytes) {
  alignas(WipedString) unsigned char storage[sizeof(WipedString)];
  auto* wiped = new (storage) WipedString(std::string("pt-0123456789"));
  const std::string_view raw(reinterpret_cast<char*>(storage), sizeof(storage));
  ASSERT_NE(raw.find("pt-0123456789"), std::string_view::npos)
      << "the string is not stored inline; this test needs the small-string optimisation";
  wiped->~WipedString();
  EXPECT_EQ(raw.find("pt-0123456789"), std::string_view::npos);
}

// Moving a short string copies its characters: the argument is wiped.
TEST(WipedStringTest, TakingAStringWipesTheArgument) {
  std::string plaintext = "pt-0123456789";
  const WipedString wiped(std::move(plaintext));
  EXPECT_EQ(wiped.str(), "pt-0123456789");
  EXPECT_EQ(plaintext, std::string(plaintext.capacity(), '\0'));  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace ledgerseal::base
