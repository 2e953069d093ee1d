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

Result<std::vector<pb::NodeInfo>> ListNodes(Transaction& tx) {
  std::vector<pb::NodeInfo> nodes;
  Status bad;
  auto walked = tx.ForEach(kNodesTable, [&](ByteView key, ByteView value) {
    auto info = Parse<pb::NodeInfo>(value, "node record '" + std::string(AsString(key)) + "'");
    if (!info) {
      bad = std::unexpected(info.error());
      return false;
    }
    nodes.push_back(std::move(*info));
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  if (!bad) return std::unexpected(bad.error());
  return nodes;  // ForEach visits in key order = node id order
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
  return PutMessage(tx, kServiceTable, kServiceKey, info);
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
