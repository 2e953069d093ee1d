// Reading and writing the values of the sealing tables as bytes. Parsing
// checks the proto wire format and format_version only; the unseal functions
// check everything else.
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_RECORDS_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_RECORDS_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "plugin/proto/sealing.pb.h"
#include "plugin/public/sealing_error.h"

namespace ledgerseal::sealing {

// Parse a table value. Errors: kMalformed (not a valid proto3 encoding of
// the message, e.g. truncated or with invalid UTF-8 in a string field);
// kUnknownFormatVersion. Pure; thread-safe.
SealingResult<v1::SealedRecoveryKey> ParseSealedRecoveryKey(std::span<const uint8_t> bytes);
SealingResult<v1::SealedShares> ParseSealedShares(std::span<const uint8_t> bytes);
SealingResult<v1::LastRecovery> ParseLastRecovery(std::span<const uint8_t> bytes);

// The table value for `message`: standard proto3 binary encoding in
// deterministic mode (fields in field-number order).
// Errors: kInvalidArgument (message larger than 2 GiB). Pure; thread-safe.
SealingResult<std::vector<uint8_t>> SerializeRecord(const google::protobuf::MessageLite& message);

// A LastRecovery record with format_version = kFormatVersion. Pure.
v1::LastRecovery MakeLastRecovery(v1::RecoveryMethod method, uint64_t recovered_at_version,
                                  std::string_view recovering_sealing_identity,
                                  std::string_view previous_service_id,
                                  uint64_t ledger_secret_version);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_RECORDS_H_
