#include "kvstore_adapter/reference_host/membership/public/membership.h"

#include <algorithm>

namespace ledgerseal::kv::membership {
namespace {

template <typename Message>
Result<Message> Parse(ByteView bytes, std::string_view what) {
  Message m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return MakeError(ErrorCode::kCorruption, std::string(what) + " does not parse");
  }
  return m;
}

template <typename Message>
Status PutMessage(Transaction& tx, const Table& table, std::string_view key, const Message& m) {
  const std::string bytes = m.SerializeAsString();
  return tx.Put(table, AsBytes(key), AsBytes(bytes));
}

}  // namespace

Result<pb::NodeInfo> DecodeNodeRecord(ByteView bytes) { return Parse<pb::NodeInfo>(bytes, "node record"); }

namespace {

// Every value of `table` parsed as `Message`, in key order. The first one
// that does not parse stops the walk (kCorruption naming `what` and its key).
template <typename Message>
Result<std::vector<Message>> ListMessages(Transaction& tx, const Table& table, const std::string& what) {
  std::vector<Message> out;
  Status bad;
  auto walked = tx.ForEach(table, [&](ByteView key, ByteView value) {
    auto message = Parse<Message>(value, what + " '" + std::string(AsString(key)) + "'");
    if (!message) {
      bad = std::unexpected(message.error());
      return false;
    }
    out.push_back(std::move(*message));
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  if (!bad) return std::unexpected(bad.error());
  return out;
}

}  // namespace

Result<std::vector<pb::NodeInfo>> ListNodes(Transaction& tx) {
  return ListMessages<pb::NodeInfo>(tx, kNodesTable, "node record");  // key order = node id order
}

Result<pb::NodeInfo> GetNode(Transaction& tx, std::string_view node_id) {
  auto value = tx.Get(kNodesTable, AsBytes(node_id));
  if (!value) return std::unexpected(value.error());
  if (!*value) return MakeError(ErrorCode::kNotFound, "no node '" + std::string(node_id) + "'");
  return Parse<pb::NodeInfo>(**value, "node record '" + std::string(node_id) + "'");
}

Status PutNode(Transaction& tx, const pb::NodeInfo& info) {
  if (info.node_id().empty()) return MakeError(ErrorCode::kInvalidArgument, "empty node id");
  return PutMessage(tx, kNodesTable, info.node_id(), info);
}

Result<uint64_t> NextRaftId(Transaction& tx) {
  auto nodes = ListNodes(tx);
  if (!nodes) return std::unexpected(nodes.error());
  uint64_t highest = 0;
  for (const auto& n : *nodes) highest = std::max<uint64_t>(highest, n.raft_id());
  return highest + 1;
}

Result<std::optional<pb::ServiceInfo>> GetService(Transaction& tx) {
  auto value = tx.Get(kServiceTable, AsBytes(kServiceKey));
  if (!value) return std::unexpected(value.error());
  if (!*value) return std::optional<pb::ServiceInfo>();
  auto info = Parse<pb::ServiceInfo>(**value, "service record");
  if (!info) return std::unexpected(info.error());
  return std::optional<pb::ServiceInfo>(std::move(*info));
}

Status PutService(Transaction& tx, const pb::ServiceInfo& info) {
  if (auto s = PutMessage(tx, kServiceTable, kServiceKey, info); !s) return s;
  return PutMessage(tx, kServicesTable, info.service_id(), info);
}

Result<std::vector<pb::ServiceInfo>> ListServices(Transaction& tx) {
  auto services = ListMessages<pb::ServiceInfo>(tx, kServicesTable, "service record");
  if (services) std::ranges::sort(*services, {}, &pb::ServiceInfo::created_at_version);
  return services;
}

Status PutRecoveryDecision(Transaction& tx, std::string_view new_service_id, const pb::RecoveryDecision& decision) {
  return PutMessage(tx, kRecoveryDecisionsTable, new_service_id, decision);
}

Result<std::optional<pb::RecoveryDecision>> GetRecoveryDecision(Transaction& tx, std::string_view service_id) {
  auto value = tx.Get(kRecoveryDecisionsTable, AsBytes(service_id));
  if (!value) return std::unexpected(value.error());
  if (!*value) return std::optional<pb::RecoveryDecision>();
  auto decision = Parse<pb::RecoveryDecision>(**value, "recovery decision");
  if (!decision) return std::unexpected(decision.error());
  return std::optional<pb::RecoveryDecision>(std::move(*decision));
}

Result<pb::ServiceInfo> DecodeServiceRecord(ByteView bytes) {
  return Parse<pb::ServiceInfo>(bytes, "service record");
}

ServiceRecord ToServiceRecord(const pb::ServiceInfo& info) {
  ServiceRecord r;
  r.service_id = info.service_id();
  r.created_at_version = info.created_at_version();
  r.previous_service_id = info.previous_service_id();
  r.recovery_count = info.recovery_count();
  r.identity_algorithm = info.identity_algorithm();
  r.identity_public_key_der = ToBytes(info.identity_public_key_der());
  r.recovered_to_version = info.recovered_to_version();
  r.recovered_tail_digest = ToBytes(info.recovered_tail_digest());
  r.endorsement = ToBytes(info.endorsement());
  return r;
}

pb::ServiceInfo FromServiceRecord(const ServiceRecord& r) {
  pb::ServiceInfo info;
  info.set_service_id(r.service_id);
  info.set_created_at_version(r.created_at_version);
  info.set_previous_service_id(r.previous_service_id);
  info.set_recovery_count(r.recovery_count);
  info.set_identity_algorithm(r.identity_algorithm);
  info.set_identity_public_key_der(r.identity_public_key_der.data(), r.identity_public_key_der.size());
  info.set_recovered_to_version(r.recovered_to_version);
  info.set_recovered_tail_digest(r.recovered_tail_digest.data(), r.recovered_tail_digest.size());
  info.set_endorsement(r.endorsement.data(), r.endorsement.size());
  return info;
}

pb::ServiceInfo NewServiceRecord(const ServiceIdentity& identity, Version created_at_version) {
  pb::ServiceInfo info;
  info.set_service_id(identity.service_id);
  info.set_created_at_version(created_at_version);
  info.set_identity_algorithm(static_cast<uint32_t>(identity.algorithm));
  info.set_identity_public_key_der(identity.public_key_der.data(), identity.public_key_der.size());
  return info;
}

Result<ServiceKey> GetServiceKey(Transaction& tx) {
  auto value = tx.Get(kServiceKeyTable, AsBytes(kServiceKey));
  if (!value) return std::unexpected(value.error());
  if (!*value) return MakeError(ErrorCode::kNotFound, "no service identity key (ledger.service_key)");
  pb::ServiceKey record;
  if (!record.ParseFromArray((*value)->data(), static_cast<int>((*value)->size()))) {
    return MakeError(ErrorCode::kCorruption, "the service identity key record does not parse");
  }
  if (record.format_version() != 1 || record.algorithm() != static_cast<uint32_t>(kServiceIdentityAlgorithm)) {
    return MakeError(ErrorCode::kCorruption, "the service identity key record has format " +
                                                 std::to_string(record.format_version()) + ", algorithm " +
                                                 std::to_string(record.algorithm()) + " (expected 1, 2)");
  }
  auto key = ServiceKey::FromPkcs8Der(AsBytes(record.private_key_pkcs8()));
  WipeString(*record.mutable_private_key_pkcs8());
  return key;
}

Status PutServiceKey(Transaction& tx, const ServiceKey& key) {
  auto der = key.ToPkcs8Der();
  if (!der) return std::unexpected(der.error());
  pb::ServiceKey record;
  record.set_format_version(1);
  record.set_algorithm(static_cast<uint32_t>(kServiceIdentityAlgorithm));
  record.set_private_key_pkcs8(der->bytes().data(), der->bytes().size());
  WipedString bytes(record.SerializeAsString());
  WipeString(*record.mutable_private_key_pkcs8());
  return tx.Put(kServiceKeyTable, AsBytes(kServiceKey), bytes.span());
}

std::vector<const pb::NodeInfo*> SecretRecipients(const std::vector<pb::NodeInfo>& nodes) {
  std::vector<const pb::NodeInfo*> out;
  for (const auto& n : nodes) {
    if (n.status() != pb::NodeInfo::RETIRED) out.push_back(&n);
  }
  return out;
}

std::vector<NodeMember> TrustedMembers(const std::vector<pb::NodeInfo>& nodes) {
  std::vector<NodeMember> out;
  for (const auto& n : nodes) {
    if (n.status() != pb::NodeInfo::TRUSTED) continue;
    out.push_back({n.node_id(), n.sealing_identity(), ToBytes(n.join_payload())});
  }
  return out;
}

bool IsValidNodeId(std::string_view node_id) {
  if (node_id.empty() || node_id.size() > 64) return false;
  return std::ranges::all_of(node_id, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string_view StatusName(pb::NodeInfo::Status status) {
  switch (status) {
    case pb::NodeInfo::PENDING: return "pending";
    case pb::NodeInfo::TRUSTED: return "trusted";
    case pb::NodeInfo::RETIRED: return "retired";
    default: return "unknown";
  }
}

}  // namespace ledgerseal::kv::membership
