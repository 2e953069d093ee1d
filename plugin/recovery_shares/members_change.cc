// Changes of the recovery members by request (docs/RECOVERY_SHARES.md,
// "Changing the members").
#include <algorithm>

#include "plugin/public/recovery_shares.h"

namespace ledgerseal::recovery {

kv::Bytes SerializeMembersChange(v1::RecoveryMembersChange change) {
  change.set_format_version(kRecoverySharesFormatVersion);
  std::string bytes;
  change.SerializeToString(&bytes);
  return kv::ToBytes(bytes);
}

SealingResult<v1::RecoveryConfig> ApplyMembersChange(const v1::RecoveryConfig* current, kv::ByteView change_bytes) {
  v1::RecoveryMembersChange change;
  if (!change.ParseFromArray(change_bytes.data(), static_cast<int>(change_bytes.size()))) {
    return MakeSealingError(SealingErrorCode::kMalformed, "recovery members change: does not parse");
  }
  if (change.format_version() != kRecoverySharesFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion,
                            "recovery members change: format " + std::to_string(change.format_version()) +
                                " (this build reads 1)");
  }
  // Members come from the genesis configuration only; a request changes
  // them and never creates them (docs/RECOVERY_SHARES.md, "Changing the
  // members").
  if (current == nullptr) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "recovery members change: the service has no recovery members (they are set at "
                            "genesis, by the genesis node's configuration)");
  }
  std::vector<Member> members;
  uint32_t threshold = current->threshold();
  for (const auto& m : current->members()) members.push_back({m.name(), kv::ToBytes(m.public_key_der())});
  auto named = [&](const std::string& name) {
    return std::ranges::find(members, name, &Member::name);
  };
  switch (change.change_case()) {
    case v1::RecoveryMembersChange::kAddMember: {
      const auto& add = change.add_member();
      if (named(add.name()) != members.end()) {
        return MakeSealingError(SealingErrorCode::kInvalidArgument,
                                "recovery members change: '" + add.name() + "' is already a member");
      }
      members.push_back({add.name(), kv::ToBytes(add.public_key_der())});
      break;
    }
    case v1::RecoveryMembersChange::kRemoveMember: {
      auto it = named(change.remove_member());
      if (it == members.end()) {
        return MakeSealingError(SealingErrorCode::kInvalidArgument,
                                "recovery members change: '" + change.remove_member() + "' is not a member");
      }
      members.erase(it);
      if (members.empty()) {
        return MakeSealingError(SealingErrorCode::kInvalidArgument,
                                "recovery members change: removing '" + change.remove_member() +
                                    "' would leave no member (a service keeps at least one)");
      }
      break;
    }
    case v1::RecoveryMembersChange::CHANGE_NOT_SET:
      if (change.threshold() == 0 || change.threshold() == threshold) {
        return MakeSealingError(SealingErrorCode::kInvalidArgument,
                                "recovery members change: nothing to change (the threshold is " +
                                    std::to_string(threshold) + ")");
      }
      break;
  }
  if (change.threshold() != 0) threshold = change.threshold();
  if (threshold > members.size()) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "recovery members change: threshold " + std::to_string(threshold) + " with " +
                                std::to_string(members.size()) + " member(s); give a threshold from 1 to " +
                                std::to_string(members.size()));
  }
  auto config = MakeRecoveryConfig(std::move(members), threshold);
  if (!config) {
    return MakeSealingError(config.error().code, "recovery members change: " + config.error().message);
  }
  return config;
}

}  // namespace ledgerseal::recovery
