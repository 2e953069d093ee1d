// TEST ONLY: fixed service identities for the sealing tests: the P-256 keys
// whose private scalar is a small integer n (docs/SERVICE_IDENTITY.md §8 uses
// n = 1 and 2 in its worked examples). Published test keys: never use them
// for anything else.
#ifndef LEDGERSEAL_PLUGIN_TESTING_SERVICE_KEYS_H_
#define LEDGERSEAL_PLUGIN_TESTING_SERVICE_KEYS_H_

#include <cstdint>

#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/public/types.h"

namespace ledgerseal::testing {

// The unencrypted PKCS#8 DER of the P-256 key with private scalar `n`
// (1..255), without the optional public key: for n = 1,
// 3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420 00..01.
kv::Bytes TestServiceKeyPkcs8(uint8_t n);

// The ServiceKey of TestServiceKeyPkcs8(n); built once per n and kept for the
// process. Aborts if OpenSSL refuses it (a broken fixture). Thread-safe.
const kv::ServiceKey& TestServiceKey(uint8_t n);

// TestServiceKey(n).identity().
const kv::ServiceIdentity& TestServiceIdentity(uint8_t n);

}  // namespace ledgerseal::testing

#endif  // LEDGERSEAL_PLUGIN_TESTING_SERVICE_KEYS_H_
