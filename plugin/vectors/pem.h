// TEST ONLY: the vectors' names for crypto's PEM armour (crypto/public/pem.h).
#ifndef LEDGERSEAL_PLUGIN_VECTORS_PEM_H_
#define LEDGERSEAL_PLUGIN_VECTORS_PEM_H_

#include "crypto/public/pem.h"

namespace ledgerseal::vectors {

using crypto::DerToPem;
using crypto::kPrivateKeyPemLabel;
using crypto::kPublicKeyPemLabel;
using crypto::PemToDer;

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_PEM_H_
