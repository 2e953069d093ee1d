#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace ledgerseal::kv::entry {
namespace {

constexpr Table kPub{"app.public", Domain::kPublic};
constexpr Table kPriv{"app.private", Domain::kPrivate};
const std::string kMarker = "PRIVATE-MARKER-91c2";

class EntryCodecTest : public ::testing::Test {
 protected:
  EntryCodecTest() {
    EXPECT_TRUE(writes_.Put(kPub, AsBytes("pk"), AsBytes("public value")));
    EXPECT_TRUE(writes_.Put(kPriv, AsBytes("sk"), AsBytes(kMarker)));
    EXPECT_TRUE(writes_.Remove(kPriv, AsBytes("gone")));
  }
  Bytes Encode() {
    auto e = EncodeEntry(random_, header_, writes_, secret_);
    EXPECT_TRUE(e) << e.error().ToString();
    return e.value_or(Bytes{});
  }
  crypto::OpenSslRandomSource random_;
  EntryHeader header_{7, 2, kFlagRotation, "service-a"};
  WriteSet writes_;
  SecretBytes secret_{std::vector<uint8_t>(32, 0x11)};
};

TEST_F(EntryCodecTest, RoundTripsHeaderAndBothDomains) {
  const Bytes bytes = Encode();
  auto decoded = DecodeAndVerify(bytes, secret_);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  EXPECT_EQ(decoded->header, header_);
  EXPECT_EQ(decoded->writes, writes_);
}

TEST_F(EntryCodecTest, PublicViewNeedsNoSecretAndHoldsOnlyPublicWrites) {
  auto view = DecodePublic(Encode());
  ASSERT_TRUE(view) << view.error().ToString();
  EXPECT_EQ(view->header, header_);
  EXPECT_TRUE(view->public_writes.Touches("app.public"));
  EXPECT_FALSE(view->public_writes.Touches("app.private"));
}

TEST_F(EntryCodecTest, PrivateValuesAreNotInTheBytesAndIvsDiffer) {
  const Bytes a = Encode();
  const Bytes b = Encode();
  EXPECT_EQ(std::search(a.begin(), a.end(), kMarker.begin(), kMarker.end()), a.end());
  EXPECT_NE(a, b);  // fresh IV per encoding, even for the same version
  const std::string pub = "public value";
  EXPECT_NE(std::search(a.begin(), a.end(), pub.begin(), pub.end()), a.end());
}

TEST_F(EntryCodecTest, WrongSecretIsCorruptionNamingTheVersion) {
  auto r = DecodeAndVerify(Encode(), SecretBytes(std::vector<uint8_t>(32, 0x12)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCorruption);
  EXPECT_NE(r.error().message.find("version 7"), std::string::npos) << r.error().message;
}

// Every single-byte change anywhere in the entry (public part included) is
// caught: never a successful decode of altered content.
TEST_F(EntryCodecTest, EveryFlippedByteFailsVerification) {
  const Bytes bytes = Encode();
  for (size_t i = 0; i < bytes.size(); ++i) {
    Bytes tampered = bytes;
    tampered[i] ^= 0x01;
    auto r = DecodeAndVerify(tampered, secret_);
    ASSERT_FALSE(r) << "byte " << i << " changed undetected";
    EXPECT_TRUE(r.error().code == ErrorCode::kCorruption) << r.error().ToString();
  }
}

TEST_F(EntryCodecTest, TruncationsFailCleanly) {
  const Bytes bytes = Encode();
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodeAndVerify(ByteView(bytes.data(), n), secret_);
    ASSERT_FALSE(r) << "truncated to " << n;
  }
}

TEST_F(EntryCodecTest, RejectsBadArguments) {
  EXPECT_EQ(EncodeEntry(random_, header_, writes_, SecretBytes(std::vector<uint8_t>(16, 1))).error().code,
            ErrorCode::kInvalidArgument);
  EntryHeader zero = header_;
  zero.version = 0;
  EXPECT_EQ(EncodeEntry(random_, zero, writes_, secret_).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledgerseal::kv::entry
