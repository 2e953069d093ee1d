#include "plugin/bench/raw_openssl.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstring>

#include "plugin/bench/raw_ecies.h"
#include "plugin/vectors/format_layout.h"

namespace ledgerseal::bench {
namespace {

constexpr std::string_view kSealingKeyInfo = "ledgerseal local sealing key v1";
constexpr std::string_view kSharesDomain = "ledgerseal sealed shares v2";

std::unexpected<std::string> Failed(std::string_view step) {
  return std::unexpected("EVP: " + std::string(step) + " failed");
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

base::Expected<EvpPkeyPtr, std::string> Decode(std::span<const uint8_t> der, const char* structure,
                                              int selection, const char* type = "EC") {
  EVP_PKEY* key = nullptr;
  OSSL_DECODER_CTX* ctx =
      OSSL_DECODER_CTX_new_for_pkey(&key, "DER", structure, type, selection, nullptr, nullptr);
  const uint8_t* data = der.data();
  size_t size = der.size();
  const bool ok = ctx != nullptr && OSSL_DECODER_from_data(ctx, &data, &size) == 1;
  OSSL_DECODER_CTX_free(ctx);
  EvpPkeyPtr out(key);
  if (!ok || !out) return Failed("OSSL_DECODER");
  return out;
}

Status WrapSecret(const RawCrypto& crypto, std::span<const uint8_t> wrapping_key,
                  std::string_view service_id, uint64_t version,
                  std::span<const uint8_t> ledger_secret, RawSealed& out) {
  const auto aad = vectors::EncodeWrappedLedgerSecretAad(service_id, version);
  if (RAND_bytes(out.iv.data(), static_cast<int>(out.iv.size())) != 1) return Failed("RAND_bytes");
  return crypto.GcmSeal(wrapping_key, out.iv, aad, ledger_secret, out.ciphertext, out.tag);
}

Status EncryptToRecipient(const RawCrypto& crypto, const RawRecipient& r, std::span<const uint8_t> wrapping_key,
                          std::string_view service_id, uint64_t version, bool parse_der,
                          RawSealed& out) {
  EvpPkeyPtr parsed;
  if (parse_der) {
    auto key = ParseEcPublicKeyDer(r.public_key_der);
    if (!key) return std::unexpected(key.error());
    parsed = std::move(*key);
    if (auto binding = ParseEcPublicKeyDer(r.binding_spki); !binding) return std::unexpected(binding.error());
  }
  const auto label =
      vectors::EncodeWrappingKeyLabel(r.sealing_identity, r.node_id, service_id, version);
  auto ciphertext = RawEciesSeal(crypto, parse_der ? parsed.get() : r.public_key.get(), r.public_key_der, label,
                                 wrapping_key);
  if (!ciphertext) return std::unexpected(ciphertext.error());
  out.encrypted_wrapping_keys.push_back(std::move(*ciphertext));
  return {};
}

std::span<const uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// What RawSeal signs: the same material as the plugin's body, as items.
Bytes BodyOf(const RawSealed& sealed, std::span<const RawRecipient> recipients,
             std::string_view service_id, uint64_t version) {
  Bytes body;
  AppendItem(body, AsBytes(service_id));
  const uint8_t v[8] = {static_cast<uint8_t>(version >> 56), static_cast<uint8_t>(version >> 48),
                        static_cast<uint8_t>(version >> 40), static_cast<uint8_t>(version >> 32),
                        static_cast<uint8_t>(version >> 24), static_cast<uint8_t>(version >> 16),
                        static_cast<uint8_t>(version >> 8),  static_cast<uint8_t>(version)};
  AppendItem(body, v);
  AppendItem(body, sealed.iv);
  AppendItem(body, sealed.ciphertext);
  AppendItem(body, sealed.tag);
  for (size_t i = 0; i < recipients.size(); ++i) {
    AppendItem(body, AsBytes(recipients[i].sealing_identity));
    AppendItem(body, AsBytes(recipients[i].node_id));
    AppendItem(body, sealed.encrypted_wrapping_keys[i]);
    AppendItem(body, recipients[i].record_copy);
  }
  return body;
}

// The unsealed P-256 key pair, and its canonical SPKI (the ECIES info binds it).
struct OpenedKey {
  EvpPkeyPtr key;
  Bytes spki;
};

base::Expected<OpenedKey, std::string> OpenPrivateKey(const RawCrypto& crypto,
                                                      const RawUnsealInput& in) {
  std::array<uint8_t, 32> sealing_key{};
  if (auto s = crypto.Hkdf(in.derived_key, kSealingKeyInfo, sealing_key); !s) {
    return std::unexpected(s.error());
  }
  const vectors::DerivationFields params{
      1,       in.platform,  in.root_key_select, in.guest_field_select,
      in.vmpl, in.guest_svn, in.tcb_version};
  const auto aad = vectors::EncodeRecoveryKeyAadV3(in.public_key_der, in.sealing_identity,
                                                   in.node_id, params, in.key_id,
                                                   in.binding_algorithm, in.binding_spki);
  Bytes pkcs8(in.sealed_key_ciphertext.size());
  auto opened = crypto.GcmOpen(sealing_key, in.sealed_key_iv, aad, in.sealed_key_ciphertext,
                               in.sealed_key_tag, pkcs8);
  OPENSSL_cleanse(sealing_key.data(), sealing_key.size());
  if (!opened) return std::unexpected(opened.error());
  auto key = ParsePkcs8Der(pkcs8);
  OPENSSL_cleanse(pkcs8.data(), pkcs8.size());
  if (!key) return std::unexpected(key.error());
  return OpenedKey{std::move(*key), in.public_key_der};
}

}  // namespace

base::Expected<RawCrypto, std::string> RawCrypto::Create() {
  RawCrypto crypto;
  crypto.gcm_.reset(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr), CipherFree{});
  crypto.hkdf_.reset(EVP_KDF_fetch(nullptr, "HKDF", nullptr), KdfFree{});
  if (!crypto.gcm_ || !crypto.hkdf_) return Failed("fetching AES-256-GCM / HKDF");
  return crypto;
}

Status RawCrypto::GcmSeal(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                          std::span<const uint8_t> aad, std::span<const uint8_t> in,
                          std::span<uint8_t> out, std::span<uint8_t> tag) const {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), gcm_.get(), key.data(), iv.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), nullptr, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag.size()),
                          tag.data()) != 1) {
    return Failed("AES-GCM seal");
  }
  return {};
}

Status RawCrypto::GcmOpen(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                          std::span<const uint8_t> aad, std::span<const uint8_t> in,
                          std::span<const uint8_t> tag, std::span<uint8_t> out) const {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::array<uint8_t, 16> expected_tag{};
  std::memcpy(expected_tag.data(), tag.data(), std::min(tag.size(), expected_tag.size()));
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex2(ctx.get(), gcm_.get(), key.data(), iv.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, expected_tag.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), nullptr, &len) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return Failed("AES-GCM open");
  }
  return {};
}

Status RawCrypto::Hkdf(std::span<const uint8_t> ikm, std::string_view info,
                       std::span<uint8_t> out) const {
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(hkdf_.get());
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(ikm.data()),
                                        ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()),
                                        info.size()),
      OSSL_PARAM_construct_end(),
  };
  const bool ok = ctx != nullptr && EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
  EVP_KDF_CTX_free(ctx);
  if (!ok) return Failed("HKDF");
  return {};
}

void AppendItem(Bytes& out, std::span<const uint8_t> bytes) {
  const size_t n = bytes.size();
  const uint8_t length[4] = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                             static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  out.insert(out.end(), length, length + 4);
  out.insert(out.end(), bytes.begin(), bytes.end());
}

base::Expected<EvpPkeyPtr, std::string> ParsePkcs8Der(std::span<const uint8_t> der) {
  return Decode(der, "PrivateKeyInfo", EVP_PKEY_KEYPAIR);
}

base::Expected<EvpPkeyPtr, std::string> GenerateP256() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return Failed("EVP_PKEY_Q_keygen P-256");
  return key;
}

base::Expected<Bytes, std::string> PublicKeyDerOf(EVP_PKEY* key) {
  OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_PUBLIC_KEY, "DER",
                                                        "SubjectPublicKeyInfo", nullptr);
  uint8_t* data = nullptr;
  size_t size = 0;
  const bool ok = ctx != nullptr && OSSL_ENCODER_to_data(ctx, &data, &size) == 1;
  OSSL_ENCODER_CTX_free(ctx);
  if (!ok) return Failed("OSSL_ENCODER SubjectPublicKeyInfo");
  Bytes out(data, data + size);
  OPENSSL_free(data);
  return out;
}

base::Expected<EvpPkeyPtr, std::string> ParseEcPublicKeyDer(std::span<const uint8_t> der) {
  return Decode(der, "SubjectPublicKeyInfo", EVP_PKEY_PUBLIC_KEY, "EC");
}

base::Expected<Bytes, std::string> EcdsaSign(EVP_PKEY* key, std::span<const uint8_t> message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Bytes out(static_cast<size_t>(EVP_PKEY_get_size(key)));
  size_t size = out.size();
  const bool ok = ctx != nullptr && EVP_DigestSignInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, key, nullptr) == 1 &&
                  EVP_DigestSign(ctx, out.data(), &size, message.data(), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return Failed("EVP_DigestSign");
  out.resize(size);
  return out;
}

Status EcdsaVerify(EVP_PKEY* key, std::span<const uint8_t> message, std::span<const uint8_t> signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx != nullptr &&
                  EVP_DigestVerifyInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, key, nullptr) == 1 &&
                  EVP_DigestVerify(ctx, signature.data(), signature.size(), message.data(), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return Failed("EVP_DigestVerify");
  return {};
}

Bytes SignedMessage(std::string_view domain, std::span<const uint8_t> signer_spki,
                    std::span<const uint8_t> body) {
  uint8_t digest[32];
  unsigned int size = 0;
  EVP_Digest(signer_spki.data(), signer_spki.size(), digest, &size, EVP_sha256(), nullptr);
  Bytes out;
  out.reserve(body.size() + 80);
  AppendItem(out, AsBytes(domain));
  AppendItem(out, std::span<const uint8_t>(digest, size));
  AppendItem(out, body);
  return out;
}

base::Expected<RawSealed, std::string> RawSeal(const RawCrypto& crypto,
                                              std::span<const RawRecipient> recipients,
                                              const RawSigner& signer,
                                              std::string_view service_id, uint64_t version,
                                              std::span<const uint8_t> ledger_secret,
                                              bool parse_der) {
  std::array<uint8_t, 32> wrapping_key{};
  if (RAND_bytes(wrapping_key.data(), static_cast<int>(wrapping_key.size())) != 1) {
    return Failed("RAND_bytes");
  }
  RawSealed out;
  Status status = WrapSecret(crypto, wrapping_key, service_id, version, ledger_secret, out);
  for (size_t i = 0; status && i < recipients.size(); ++i) {
    status = EncryptToRecipient(crypto, recipients[i], wrapping_key, service_id, version, parse_der, out);
  }
  OPENSSL_cleanse(wrapping_key.data(), wrapping_key.size());
  if (!status) return std::unexpected(status.error());
  auto signature = EcdsaSign(signer.key.get(), SignedMessage(kSharesDomain, signer.spki,
                                                             BodyOf(out, recipients, service_id, version)));
  if (!signature) return std::unexpected(signature.error());
  out.signature = std::move(*signature);
  return out;
}

base::Expected<Bytes, std::string> RawUnseal(const RawCrypto& crypto, const RawUnsealInput& in) {
  auto private_key = OpenPrivateKey(crypto, in);
  if (!private_key) return std::unexpected(private_key.error());
  // The signer is the identity the key is bound to; nothing is decrypted
  // before its signature verified.
  auto signer = ParseEcPublicKeyDer(in.binding_spki);
  if (!signer) return std::unexpected(signer.error());
  if (auto s = EcdsaVerify(signer->get(), SignedMessage(kSharesDomain, in.binding_spki, in.body), in.signature);
      !s) {
    return std::unexpected(s.error());
  }
  const auto label =
      vectors::EncodeWrappingKeyLabel(in.sealing_identity, in.node_id, in.service_id, in.version);
  auto wrapping_key =
      RawEciesOpen(crypto, private_key->key.get(), private_key->spki, label, in.encrypted_wrapping_key);
  if (!wrapping_key) return std::unexpected(wrapping_key.error());
  const auto aad = vectors::EncodeWrappedLedgerSecretAad(in.service_id, in.version);
  Bytes secret(in.secret_ciphertext.size());
  auto opened =
      crypto.GcmOpen(*wrapping_key, in.secret_iv, aad, in.secret_ciphertext, in.secret_tag, secret);
  OPENSSL_cleanse(wrapping_key->data(), wrapping_key->size());
  if (!opened) return std::unexpected(opened.error());
  return secret;
}

}  // namespace ledgerseal::bench
