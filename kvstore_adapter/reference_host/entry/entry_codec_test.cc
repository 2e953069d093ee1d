#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "kvstore_adapter/reference_host/proto/ledger.pb.h"

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
  static Bytes Digest() {
    Bytes d(kEntryDigestBytes);
    for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<uint8_t>(0xa0 + i);
    return d;
  }
  EntryHeader header_{7, 2, kFlagRotation, "service-a", 3, Digest()};
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

// previous_entry_digest is in the public part (readable without a secret)
// and, like the rest of it, inside the GCM AAD: changing it breaks the tag.
TEST_F(EntryCodecTest, PreviousEntryDigestRoundTripsAndIsAuthenticated) {
  const Bytes bytes = Encode();
  auto view = DecodePublic(bytes);
  ASSERT_TRUE(view) << view.error().ToString();
  EXPECT_EQ(view->header.previous_entry_digest, Digest());
  const Bytes digest = Digest();
  auto at = std::search(bytes.begin(), bytes.end(), digest.begin(), digest.end());
  ASSERT_NE(at, bytes.end());
  Bytes tampered = bytes;
  tampered[static_cast<size_t>(at - bytes.begin()) + 5] ^= 0x01;
  auto still_parses = DecodePublic(tampered);
  ASSERT_TRUE(still_parses) << "the public part alone is not authenticated";
  EXPECT_NE(still_parses->header.previous_entry_digest, Digest());
  auto r = DecodeAndVerify(tampered, secret_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCorruption);
  EXPECT_NE(r.error().message.find("does not authenticate"), std::string::npos) << r.error().message;
}

TEST_F(EntryCodecTest, EntryDigestIsSha256OfTheCompleteBytes) {
  const Bytes a = Encode();
  auto d = EntryDigest(a);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->size(), kEntryDigestBytes);
  EXPECT_EQ(*d, *EntryDigest(a));
  EXPECT_NE(*d, *EntryDigest(Encode()));  // another IV: another entry
  // SHA-256("abc")
  const std::string abc = "abc";
  const Bytes expected = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                          0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                          0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  EXPECT_EQ(*EntryDigest(AsBytes(abc)), expected);
}

TEST_F(EntryCodecTest, PreviousEntryDigestIsEmptyForVersion1And32BytesAfter) {
  EntryHeader first = header_;
  first.version = 1;
  EXPECT_EQ(EncodeEntry(random_, first, writes_, secret_).error().code, ErrorCode::kInvalidArgument);
  first.previous_entry_digest.clear();
  auto e = EncodeEntry(random_, first, writes_, secret_);
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_TRUE(DecodeAndVerify(*e, secret_)->header.previous_entry_digest.empty());
  EntryHeader later = header_;
  later.previous_entry_digest.clear();
  EXPECT_EQ(EncodeEntry(random_, later, writes_, secret_).error().code, ErrorCode::kInvalidArgument);
  later.previous_entry_digest.resize(31);
  EXPECT_EQ(EncodeEntry(random_, later, writes_, secret_).error().code, ErrorCode::kInvalidArgument);
}

// Rewrites the header of an encoded entry (the tag no longer matters: the
// public part is refused before it is checked).
Bytes WithHeader(const Bytes& bytes, const std::function<void(::ledgerseal::ledger::v1::EntryHeader&)>& edit) {
  ::ledgerseal::ledger::v1::Entry entry;
  EXPECT_TRUE(entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
  ::ledgerseal::ledger::v1::EntryPublic pub;
  EXPECT_TRUE(pub.ParseFromString(entry.public_part()));
  edit(*pub.mutable_header());
  entry.set_public_part(pub.SerializeAsString());
  const std::string out = entry.SerializeAsString();
  return Bytes(out.begin(), out.end());
}

TEST_F(EntryCodecTest, AFormat1EntryIsRefusedSayingSo) {
  const Bytes bytes = Encode();
  auto old = DecodePublic(WithHeader(bytes, [](auto& h) {
    h.set_format_version(1);
    h.clear_previous_entry_digest();
  }));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, ErrorCode::kCorruption);
  EXPECT_NE(old.error().message.find("entry format 1"), std::string::npos) << old.error().message;
  EXPECT_NE(old.error().message.find("version 7"), std::string::npos) << old.error().message;
  auto short_digest = DecodePublic(WithHeader(bytes, [](auto& h) { h.set_previous_entry_digest("short"); }));
  ASSERT_FALSE(short_digest);
  EXPECT_EQ(short_digest.error().code, ErrorCode::kCorruption);
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
