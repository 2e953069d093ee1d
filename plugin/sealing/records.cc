#include "plugin/public/records.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <limits>
#include <string>

#include "plugin/public/sealing_format.h"

namespace ledgerseal::sealing {
namespace {

template <typename Message>
SealingResult<Message> Parse(std::span<const uint8_t> bytes, std::string_view what) {
  Message message;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            std::string(what) + ": " + std::to_string(bytes.size()) +
                                " bytes do not parse as " + message.GetTypeName());
  }
  if (message.format_version() != kFormatVersion) {
    return MakeSealingError(
        SealingErrorCode::kUnknownFormatVersion,
        std::string(what) + ": format_version " + std::to_string(message.format_version()) +
            " is not supported (this build knows version " + std::to_string(kFormatVersion) + ")");
  }
  return message;
}

}  // namespace

SealingResult<v1::SealedRecoveryKey> ParseSealedRecoveryKey(std::span<const uint8_t> bytes) {
  return Parse<v1::SealedRecoveryKey>(bytes, kRecoveryKeysTable);
}

SealingResult<v1::SealedShares> ParseSealedShares(std::span<const uint8_t> bytes) {
  return Parse<v1::SealedShares>(bytes, kSharesTable);
}

SealingResult<v1::LastRecovery> ParseLastRecovery(std::span<const uint8_t> bytes) {
  return Parse<v1::LastRecovery>(bytes, kLastRecoveryTable);
}

SealingResult<std::vector<uint8_t>> SerializeRecord(const google::protobuf::MessageLite& message) {
  const size_t size_bytes = message.ByteSizeLong();
  if (size_bytes > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            message.GetTypeName() + " is too large to serialise");
  }
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&coded);
    if (coded.HadError()) {
      return MakeSealingError(SealingErrorCode::kInvalidArgument,
                              "serialising " + message.GetTypeName() + " failed");
    }
  }
  return std::vector<uint8_t>(out.begin(), out.end());
}

v1::LastRecovery MakeLastRecovery(v1::RecoveryMethod method, uint64_t recovered_at_version,
                                  std::string_view recovering_sealing_identity,
                                  std::string_view previous_service_id,
                                  uint64_t ledger_secret_version) {
  v1::LastRecovery record;
  record.set_format_version(kFormatVersion);
  record.set_method(method);
  record.set_recovered_at_version(recovered_at_version);
  record.set_recovering_sealing_identity(std::string(recovering_sealing_identity));
  record.set_previous_service_id(std::string(previous_service_id));
  record.set_ledger_secret_version(ledger_secret_version);
  return record;
}

}  // namespace ledgerseal::sealing
