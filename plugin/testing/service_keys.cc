#include "plugin/testing/service_keys.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "base/testing/hex.h"

namespace ledgerseal::testing {
namespace {

// PrivateKeyInfo { version 0, id-ecPublicKey / prime256v1,
//   OCTET STRING ECPrivateKey { version 1, OCTET STRING (32 bytes) } }.
constexpr char kPkcs8PrefixHex[] =
    "3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420";

}  // namespace

kv::Bytes TestServiceKeyPkcs8(uint8_t n) {
  kv::Bytes der = FromHex(kPkcs8PrefixHex);
  der.insert(der.end(), 31, 0);
  der.push_back(n);
  return der;
}

const kv::ServiceKey& TestServiceKey(uint8_t n) {
  static std::mutex mu;
  static std::array<std::unique_ptr<kv::ServiceKey>, 256> keys;
  std::lock_guard lock(mu);
  if (!keys[n]) {
    auto key = kv::ServiceKey::FromPkcs8Der(TestServiceKeyPkcs8(n));
    if (!key) {
      std::fprintf(stderr, "TestServiceKey(%u): %s\n", n, key.error().ToString().c_str());
      std::abort();
    }
    keys[n] = std::make_unique<kv::ServiceKey>(std::move(*key));
  }
  return *keys[n];
}

const kv::ServiceIdentity& TestServiceIdentity(uint8_t n) { return TestServiceKey(n).identity(); }

}  // namespace ledgerseal::testing
