#include "kvstore_adapter/public/write_set.h"

#include <gtest/gtest.h>

namespace ledgerseal::kv {
namespace {

constexpr Table kPub{"app.public", Domain::kPublic};
constexpr Table kPriv{"app.private", Domain::kPrivate};

TEST(WriteSetTest, LaterWriteReplacesEarlierAndRemoveIsRecorded) {
  WriteSet ws;
  ASSERT_TRUE(ws.Put(kPub, AsBytes("k"), AsBytes("v1")));
  ASSERT_TRUE(ws.Put(kPub, AsBytes("k"), AsBytes("v2")));
  ASSERT_TRUE(ws.Remove(kPriv, AsBytes("gone")));
  const auto* v = ws.Find("app.public", AsBytes("k"));
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(**v, ToBytes("v2"));
  const auto* r = ws.Find("app.private", AsBytes("gone"));
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(ws.Find("app.public", AsBytes("absent")), nullptr);
  EXPECT_EQ(ws.size(), 2u);
}

TEST(WriteSetTest, RejectsDomainClashAndBadNames) {
  WriteSet ws;
  ASSERT_TRUE(ws.Put(kPub, AsBytes("k"), AsBytes("v")));
  auto clash = ws.Put(Table{"app.public", Domain::kPrivate}, AsBytes("k"), AsBytes("v"));
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(ws.Put(Table{"Bad Name", Domain::kPublic}, AsBytes("k"), AsBytes("v")));
  EXPECT_FALSE(ws.Put(Table{"", Domain::kPublic}, AsBytes("k"), AsBytes("v")));
  EXPECT_EQ(ws.size(), 1u);
}

TEST(WriteSetTest, MergeKeepsOtherWinsAndEquality) {
  WriteSet a, b;
  ASSERT_TRUE(a.Put(kPub, AsBytes("k"), AsBytes("a")));
  ASSERT_TRUE(b.Put(kPub, AsBytes("k"), AsBytes("b")));
  ASSERT_TRUE(b.Put(kPriv, AsBytes("x"), AsBytes("y")));
  ASSERT_TRUE(a.Merge(b));
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a.Touches("app.private"));
}

}  // namespace
}  // namespace ledgerseal::kv
