// Reading and writing the values of the sealing tables as bytes. Parsing
// checks the proto wire format and format_version (and, for sealing.shares,
// the envelope's shape); the unseal functions check everything else.
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_RECORDS_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_RECORDS_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kvstore_adapter/public/service_identity.h"
#include "plugin/proto/sealing.pb.h"
#include "plugin/public/sealing_error.h"

namespace ledgerseal::sealing {

// Parse a table value. Errors: kMalformed (not a valid proto3 encoding of
// the message, e.g. truncated or with invalid UTF-8 in a string field);
// kUnknownFormatVersion (for a SealedRecoveryKey of format 1, with a
// message saying it binds no service). Pure; thread-safe.
SealingResult<v1::SealedRecoveryKey> ParseSealedRecoveryKey(std::span<const uint8_t> bytes);
SealingResult<v1::LastRecovery> ParseLastRecovery(std::span<const uint8_t> bytes);

// A `sealing.shares` value, parsed but not verified.
struct SignedShares {
  v1::SignedSealedShares envelope;  // as read: body and signature verbatim
  v1::SealedShares body;            // envelope.body(), parsed
  kv::ServiceIdentity signer;       // the identity the envelope claims: NOT verified
};

// Steps 1-4 of docs/SERVICE_IDENTITY.md §4.4 on a `sealing.shares` value:
// the FormatProbe parses (kMalformed) and is not format 1 (kUnsigned: written
// before service identities, forgeable from public data, refused);
// format_version is 3 (kUnknownFormatVersion; format 2, RSA-OAEP recovery
// keys, is refused with a message saying so); the SignedSealedShares parses
// (kMalformed) and its signature is not empty (kUnsigned); the signature
// algorithm is ECDSA P-256 and the signer's SPKI a P-256 key, and the body
// parses as a SealedShares with format_version 3 (kMalformed).
// Messages do not name the table (callers say where they read the value).
// Trust nothing in the result before UnsealShares (or an auditor holding the
// expected identity) verified the signature. Pure; thread-safe.
SealingResult<SignedShares> ParseSignedShares(std::span<const uint8_t> bytes);

// The table value for `message`: standard proto3 binary encoding in
// deterministic mode (fields in field-number order).
// Errors: kInvalidArgument (message larger than 2 GiB). Pure; thread-safe.
SealingResult<std::vector<uint8_t>> SerializeRecord(const google::protobuf::MessageLite& message);

// A LastRecovery record with format_version = kLastRecoveryFormatVersion. Pure.
v1::LastRecovery MakeLastRecovery(v1::RecoveryMethod method, uint64_t recovered_at_version,
                                  std::string_view recovering_sealing_identity,
                                  std::string_view previous_service_id,
                                  uint64_t ledger_secret_version);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_RECORDS_H_
