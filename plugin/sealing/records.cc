#include "plugin/public/records.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <limits>
#include <string>

#include "plugin/public/sealing_format.h"
#include "plugin/sealing/record_shape.h"

namespace ledgerseal::sealing {
namespace {

// The wire format only.
template <typename Message>
SealingResult<Message> ParseMessage(std::span<const uint8_t> bytes, std::string_view what) {
  Message message;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            std::string(what) + ": " + std::to_string(bytes.size()) +
                                " bytes do not parse as " + message.GetTypeName());
  }
  return message;
}

SealingStatus CheckVersion(uint32_t version, uint32_t known, std::string_view what) {
  if (version == known) return {};
  return MakeSealingError(SealingErrorCode::kUnknownFormatVersion,
                          std::string(what) + ": format_version " + std::to_string(version) +
                              " is not supported (this build knows version " +
                              std::to_string(known) + ")");
}

std::unexpected<SealingError> Malformed(std::string message) {
  return MakeSealingError(SealingErrorCode::kMalformed, std::move(message));
}

}  // namespace

SealingResult<v1::SealedRecoveryKey> ParseSealedRecoveryKey(std::span<const uint8_t> bytes) {
  auto key = ParseMessage<v1::SealedRecoveryKey>(bytes, kRecoveryKeysTable);
  if (!key) return key;
  if (key->format_version() == kUnsignedFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion,
                            internal::Format1Refusal(kRecoveryKeysTable));
  }
  if (key->format_version() == kRsaFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion,
                            internal::Format2Refusal(kRecoveryKeysTable));
  }
  if (auto s = CheckVersion(key->format_version(), kFormatVersion, kRecoveryKeysTable); !s) {
    return std::unexpected(std::move(s.error()));
  }
  return key;
}

SealingResult<v1::LastRecovery> ParseLastRecovery(std::span<const uint8_t> bytes) {
  auto record = ParseMessage<v1::LastRecovery>(bytes, kLastRecoveryTable);
  if (!record) return record;
  if (auto s = CheckVersion(record->format_version(), kLastRecoveryFormatVersion, kLastRecoveryTable);
      !s) {
    return std::unexpected(std::move(s.error()));
  }
  return record;
}

SealingResult<SignedShares> ParseSignedShares(std::span<const uint8_t> bytes) {
  // Messages do not name the table: callers prefix where they read it
  // (UnsealShares: "sealing.shares at version V").
  const std::string what = "the value";
  // 1-2. The probe first: field 2 is a string in format 1 and bytes in
  // format 2, so neither full message may be parsed before the version is known.
  auto probe = ParseMessage<v1::FormatProbe>(bytes, what);
  if (!probe) return std::unexpected(std::move(probe.error()));
  if (probe->format_version() == kUnsignedFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnsigned,
                            what + ": format 1, written before service identities: forgeable "
                                   "from public data, refused (a format 1 ledger is recovered by "
                                   "the build that wrote it)");
  }
  if (probe->format_version() == kRsaFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion,
                            internal::Format2Refusal(what));
  }
  if (auto s = CheckVersion(probe->format_version(), kFormatVersion, what); !s) {
    return std::unexpected(std::move(s.error()));
  }
  // 3. The envelope, and a signature in it.
  auto envelope = ParseMessage<v1::SignedSealedShares>(bytes, what);
  if (!envelope) return std::unexpected(std::move(envelope.error()));
  if (envelope->signature().empty()) {
    return MakeSealingError(SealingErrorCode::kUnsigned,
                            what + ": the record carries no service signature: forgeable from "
                                   "public data, refused");
  }
  // 4. What the envelope claims, and the body.
  auto signer = kv::ServiceIdentityFromPublicKey(envelope->signature_algorithm(),
                                                 kv::AsBytes(envelope->signer_public_key_der()));
  if (!signer) return Malformed(what + ": signer: " + signer.error().message);
  auto body = ParseMessage<v1::SealedShares>(kv::AsBytes(envelope->body()), "its body");
  if (!body) return std::unexpected(std::move(body.error()));
  if (body->format_version() != kFormatVersion) {
    return Malformed(what + ": the body's format_version is " +
                     std::to_string(body->format_version()) + ", the envelope's " +
                     std::to_string(kFormatVersion));
  }
  SignedShares out;
  out.envelope = std::move(*envelope);
  out.body = std::move(*body);
  out.signer = std::move(*signer);
  return out;
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
  record.set_format_version(kLastRecoveryFormatVersion);
  record.set_method(method);
  record.set_recovered_at_version(recovered_at_version);
  record.set_recovering_sealing_identity(std::string(recovering_sealing_identity));
  record.set_previous_service_id(std::string(previous_service_id));
  record.set_ledger_secret_version(ledger_secret_version);
  return record;
}

}  // namespace ledgerseal::sealing
