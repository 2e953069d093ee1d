#include "crypto/public/ecies.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <string>

#include "base/canonical_items.h"
#include "crypto/ecies_internal.h"
#include "crypto/openssl_util.h"
#include "crypto/p256_point.h"
#include "crypto/public/hkdf.h"

namespace ledgerseal::crypto {
namespace {

using internal::EvpPkeyCtxPtr;
using internal::FitsInInt;
using internal::OpenSslError;

constexpr char kCurve[] = "prime256v1";  // OpenSSL's name for P-256
constexpr size_t kSharedSecretBytes = 32;  // the x-coordinate of a P-256 point
constexpr uint8_t kUncompressedPointTag = 0x04;

// Offsets of the sealed layout (public/ecies.h).
constexpr size_t kIvOffset = kP256PointBytes;
constexpr size_t kCiphertextOffset = kIvOffset + kAesGcmIvBytes;

using internal::kP256SpkiPrefix;
static_assert(kP256SpkiPrefix.size() + kP256PointBytes == kP256SpkiBytes);

using Point = std::array<uint8_t, kP256PointBytes>;

// The key is an EC key on P-256, decoded (if it was) from a named curve.
CryptoStatus CheckP256(EVP_PKEY* pkey, std::string_view what) {
  if (EVP_PKEY_is_a(pkey, "EC") != 1) {
    return MakeCryptoError(CryptoErrorCode::kUnsupportedKey, std::string(what) + ": not an EC key");
  }
  char group[32] = {};
  size_t group_bytes = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &group_bytes) != 1 ||
      std::string_view(group) != kCurve) {
    internal::ClearOpenSslErrors();
    return MakeCryptoError(CryptoErrorCode::kUnsupportedKey, std::string(what) + ": not on curve P-256");
  }
  // Explicit parameters equal to P-256's still report the group name; they
  // would be written back explicitly, so they are not "the" P-256 encoding.
  int explicit_parameters = 0;
  if (EVP_PKEY_get_int_param(pkey, OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, &explicit_parameters) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": reading the curve encoding");
  }
  if (explicit_parameters != 0) {
    return MakeCryptoError(CryptoErrorCode::kUnsupportedKey,
                           std::string(what) + ": explicit curve parameters (only the named curve is accepted)");
  }
  return {};
}

enum class PointCheck {
  kFull,   // EVP_PKEY_public_check: range, on the curve, not infinity, order
  kQuick,  // EVP_PKEY_public_check_quick: the same without the order check,
           // which P-256 (cofactor 1) does not need: every other point of
           // the curve has order n. Saves a scalar multiplication.
};

// The public point is valid. Errors: kDecodeFailed (it is not); kInternal.
CryptoStatus CheckPublicPoint(EVP_PKEY* pkey, PointCheck check, std::string_view what) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx) return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": check context");
  const int checked =
      check == PointCheck::kFull ? EVP_PKEY_public_check(ctx.get()) : EVP_PKEY_public_check_quick(ctx.get());
  if (checked == -2) return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": check not supported");
  if (checked != 1) {
    return OpenSslError(CryptoErrorCode::kDecodeFailed, std::string(what) + ": not a valid P-256 public key");
  }
  return {};
}

// The public point of a P-256 key, uncompressed (OpenSSL's "encoded public
// key" of an EC key is always uncompressed, whatever the key was decoded
// from). Errors: kInternal.
CryptoResult<Point> UncompressedPoint(EVP_PKEY* pkey, std::string_view what) {
  Point point{};
  size_t point_bytes = 0;
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(), point.size(),
                                      &point_bytes) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": reading the public point");
  }
  if (point_bytes != kP256PointBytes || point[0] != kUncompressedPointTag) {
    return MakeCryptoError(CryptoErrorCode::kInternal, std::string(what) + ": public point is not uncompressed");
  }
  return point;
}

// The canonical SubjectPublicKeyInfo of a P-256 key. Errors: kInternal.
CryptoResult<std::vector<uint8_t>> CanonicalSpki(EVP_PKEY* pkey, std::string_view what) {
  auto point = UncompressedPoint(pkey, what);
  if (!point) return std::unexpected(std::move(point.error()));
  std::vector<uint8_t> spki(kP256SpkiPrefix.begin(), kP256SpkiPrefix.end());
  spki.insert(spki.end(), point->begin(), point->end());
  return spki;
}

// A P-256 public key from an untrusted uncompressed point.
// Errors: kDecodeFailed (not 0x04 || X || Y with (X, Y) on the curve); kInternal.
CryptoResult<PkeyPtr> PublicKeyFromPoint(std::span<const uint8_t, kP256PointBytes> point) {
  return internal::P256PublicKeyFromPoint(point, "ECIES open: ephemeral public key");
}

// Z = ECDH(own, peer), the 32-byte x-coordinate. `peer` must have been
// checked already (FromDer, PublicKeyFromPoint), so OpenSSL is not asked to
// validate it again. Errors: kInternal. Z is wiped when freed.
CryptoResult<base::SecretBytes> Ecdh(EVP_PKEY* own, EVP_PKEY* peer, std::string_view what) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": ECDH init");
  }
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, /*validate_peer=*/0) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": ECDH peer");
  }
  size_t secret_bytes = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &secret_bytes) != 1 || secret_bytes != kSharedSecretBytes) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": ECDH size");
  }
  base::SecretBytes secret(kSharedSecretBytes);
  if (EVP_PKEY_derive(ctx.get(), secret.mutable_bytes().data(), &secret_bytes) != 1 ||
      secret_bytes != kSharedSecretBytes) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": ECDH");
  }
  return secret;
}

// K = HKDF-SHA256(Z, salt = empty, I) as public/ecies.h defines I.
// Errors: kInternal. K is wiped when freed.
CryptoResult<base::SecretBytes> DeriveKey(const base::SecretBytes& shared_secret,
                                          std::span<const uint8_t, kP256PointBytes> ephemeral_point,
                                          std::span<const uint8_t> recipient_spki, std::span<const uint8_t> info) {
  std::vector<uint8_t> hkdf_info(kEciesP256Label.begin(), kEciesP256Label.end());
  const std::vector<uint8_t> items =
      base::CanonicalEncoder().AddBytes(ephemeral_point).AddBytes(recipient_spki).AddBytes(info).Finish();
  hkdf_info.insert(hkdf_info.end(), items.begin(), items.end());
  base::SecretBytes key(kAes256KeyBytes);
  if (auto s = HkdfSha256(key.mutable_bytes(), shared_secret.bytes(), {}, hkdf_info); !s) {
    return MakeCryptoError(CryptoErrorCode::kInternal, "ECIES: " + s.error().ToString());
  }
  return key;
}

// OpenSSL's lengths are ints; bigger inputs are refused up front (which
// also keeps `info` far below the 2^32 bytes a canonical item can hold).
CryptoStatus CheckSizes(size_t data_bytes, size_t info_bytes, std::string_view what) {
  if (!FitsInInt(data_bytes) || !FitsInInt(info_bytes)) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument, std::string(what) + ": input too large");
  }
  return {};
}

}  // namespace

CryptoResult<EcdhPublicKey> EcdhPublicKey::FromDer(std::span<const uint8_t> der) {
  constexpr std::string_view kWhat = "ECDH public key import";
  // The canonical encoding, the only one accepted, without the slow generic
  // decoder (p256_point.h); the decoder below only names what else it is.
  if (auto fast = internal::P256PublicKeyFromCanonicalSpki(der, kWhat)) {
    if (!*fast) return std::unexpected(std::move(fast->error()));
    return EcdhPublicKey(std::move(**fast), std::vector<uint8_t>(der.begin(), der.end()));
  }
  auto pkey = internal::DecodeKeyDer(der, "SubjectPublicKeyInfo", "EC", EVP_PKEY_PUBLIC_KEY, kWhat);
  if (!pkey) return std::unexpected(std::move(pkey.error()));
  if (auto s = CheckP256(pkey->get(), kWhat); !s) return std::unexpected(s.error());
  if (auto s = CheckPublicPoint(pkey->get(), PointCheck::kFull, kWhat); !s) return std::unexpected(s.error());
  auto spki = CanonicalSpki(pkey->get(), kWhat);
  if (!spki) return std::unexpected(std::move(spki.error()));
  if (!std::ranges::equal(*spki, der)) {
    return MakeCryptoError(CryptoErrorCode::kDecodeFailed,
                           std::string(kWhat) + ": not the canonical encoding (a compressed point?)");
  }
  return EcdhPublicKey(std::move(*pkey), std::move(*spki));
}

CryptoResult<EcdhPrivateKey> EcdhPrivateKey::Generate() {
  constexpr std::string_view kWhat = "ECDH keygen";
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(kWhat) + ": context");
  }
  if (EVP_PKEY_CTX_set_group_name(ctx.get(), kCurve) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(kWhat) + ": curve");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1 || raw == nullptr) {
    EVP_PKEY_free(raw);
    return OpenSslError(CryptoErrorCode::kInternal, std::string(kWhat) + ": generate");
  }
  PkeyPtr pkey(raw);
  auto spki = CanonicalSpki(pkey.get(), kWhat);
  if (!spki) return std::unexpected(std::move(spki.error()));
  return EcdhPrivateKey(std::move(pkey), std::move(*spki));
}

CryptoResult<EcdhPrivateKey> EcdhPrivateKey::FromPkcs8Der(std::span<const uint8_t> der) {
  constexpr std::string_view kWhat = "ECDH private key import";
  auto pkey = internal::DecodeKeyDer(der, "PrivateKeyInfo", "EC", EVP_PKEY_KEYPAIR, kWhat);
  if (!pkey) return std::unexpected(std::move(pkey.error()));
  if (auto s = CheckP256(pkey->get(), kWhat); !s) return std::unexpected(s.error());
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey->get(), nullptr));
  if (!ctx) return OpenSslError(CryptoErrorCode::kInternal, std::string(kWhat) + ": check context");
  // Scalar in [1, n), point valid, and point = scalar * G: a PKCS#8 whose
  // stored public key is not its own would otherwise publish a key that
  // this private key cannot open.
  const int checked = EVP_PKEY_check(ctx.get());
  if (checked == -2) return OpenSslError(CryptoErrorCode::kInternal, std::string(kWhat) + ": check not supported");
  if (checked != 1) {
    return OpenSslError(CryptoErrorCode::kDecodeFailed, std::string(kWhat) + ": not a valid P-256 key pair");
  }
  auto spki = CanonicalSpki(pkey->get(), kWhat);
  if (!spki) return std::unexpected(std::move(spki.error()));
  return EcdhPrivateKey(std::move(*pkey), std::move(*spki));
}

CryptoResult<base::SecretBytes> EcdhPrivateKey::ToPkcs8Der() const {
  auto buffer = internal::EncodeKeyDer(pkey_.get(), EVP_PKEY_KEYPAIR, "PrivateKeyInfo", "ECDH private key export");
  if (!buffer) return std::unexpected(std::move(buffer.error()));
  return base::SecretBytes(std::span<const uint8_t>(buffer->get(), buffer->get_deleter().size_bytes));
}

namespace internal {

CryptoResult<std::vector<uint8_t>> EciesP256SealWithEphemeral(const EcdhPrivateKey& ephemeral,
                                                              const EcdhPublicKey& recipient,
                                                              std::span<const uint8_t, kAesGcmIvBytes> iv,
                                                              std::span<const uint8_t> plaintext,
                                                              std::span<const uint8_t> info) {
  constexpr std::string_view kWhat = "ECIES seal";
  if (auto s = CheckSizes(plaintext.size(), info.size(), kWhat); !s) return std::unexpected(s.error());
  auto ephemeral_spki = ephemeral.PublicKeyDer();
  if (!ephemeral_spki) return std::unexpected(std::move(ephemeral_spki.error()));
  auto recipient_spki = recipient.ToDer();
  if (!recipient_spki) return std::unexpected(std::move(recipient_spki.error()));
  if (ephemeral_spki->size() != kP256SpkiBytes || recipient_spki->size() != kP256SpkiBytes) {
    return MakeCryptoError(CryptoErrorCode::kInternal, std::string(kWhat) + ": unexpected key encoding");
  }
  // The canonical SubjectPublicKeyInfo ends with the uncompressed point.
  const auto ephemeral_point = std::span<const uint8_t>(*ephemeral_spki).last<kP256PointBytes>();

  auto shared_secret = Ecdh(ephemeral.pkey(), recipient.pkey(), kWhat);
  if (!shared_secret) return std::unexpected(std::move(shared_secret.error()));
  auto key = DeriveKey(*shared_secret, ephemeral_point, *recipient_spki, info);
  if (!key) return std::unexpected(std::move(key.error()));

  std::vector<uint8_t> sealed(kEciesP256OverheadBytes + plaintext.size());
  const std::span<uint8_t> out(sealed);
  std::ranges::copy(ephemeral_point, out.begin());
  std::ranges::copy(iv, out.begin() + kIvOffset);
  auto status = Aes256GcmSeal(out.subspan(kCiphertextOffset, plaintext.size()), out.last<kAesGcmTagBytes>(),
                              key->bytes().first<kAes256KeyBytes>(), iv, plaintext, info);
  if (!status) return std::unexpected(std::move(status.error()));
  return sealed;
}

}  // namespace internal

CryptoResult<std::vector<uint8_t>> EciesP256Seal(RandomSource& random, const EcdhPublicKey& recipient,
                                                 std::span<const uint8_t> plaintext,
                                                 std::span<const uint8_t> info) {
  if (auto s = CheckSizes(plaintext.size(), info.size(), "ECIES seal"); !s) return std::unexpected(s.error());
  std::array<uint8_t, kAesGcmIvBytes> iv{};
  if (auto s = random.Fill(iv); !s) return std::unexpected(s.error());
  // Freed (and its scalar wiped by OpenSSL) when this function returns.
  auto ephemeral = EcdhPrivateKey::Generate();
  if (!ephemeral) return std::unexpected(std::move(ephemeral.error()));
  return internal::EciesP256SealWithEphemeral(*ephemeral, recipient, iv, plaintext, info);
}

CryptoResult<base::SecretBytes> EciesP256Open(const EcdhPrivateKey& recipient, std::span<const uint8_t> sealed,
                                              std::span<const uint8_t> info) {
  constexpr std::string_view kWhat = "ECIES open";
  if (sealed.size() < kEciesP256OverheadBytes) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                           std::string(kWhat) + ": sealed message is " + std::to_string(sealed.size()) +
                               " bytes, shorter than the " + std::to_string(kEciesP256OverheadBytes) +
                               " of point, IV and tag");
  }
  if (auto s = CheckSizes(sealed.size(), info.size(), kWhat); !s) return std::unexpected(s.error());
  const size_t plaintext_bytes = sealed.size() - kEciesP256OverheadBytes;
  const auto ephemeral_point = sealed.first<kP256PointBytes>();
  const auto iv = sealed.subspan<kIvOffset, kAesGcmIvBytes>();
  const auto ciphertext = sealed.subspan(kCiphertextOffset, plaintext_bytes);
  const auto tag = sealed.last<kAesGcmTagBytes>();

  auto ephemeral = PublicKeyFromPoint(ephemeral_point);
  if (!ephemeral) return std::unexpected(std::move(ephemeral.error()));
  auto recipient_spki = recipient.PublicKeyDer();
  if (!recipient_spki) return std::unexpected(std::move(recipient_spki.error()));
  auto shared_secret = Ecdh(recipient.pkey(), ephemeral->get(), kWhat);
  if (!shared_secret) return std::unexpected(std::move(shared_secret.error()));
  auto key = DeriveKey(*shared_secret, ephemeral_point, *recipient_spki, info);
  if (!key) return std::unexpected(std::move(key.error()));

  base::SecretBytes plaintext(plaintext_bytes);
  // On failure Aes256GcmOpen wipes `plaintext`; it is freed (wiped again) here.
  if (auto s = Aes256GcmOpen(plaintext.mutable_bytes(), key->bytes().first<kAes256KeyBytes>(), iv, ciphertext,
                             tag, info);
      !s) {
    return std::unexpected(std::move(s.error()));
  }
  return plaintext;
}

}  // namespace ledgerseal::crypto
