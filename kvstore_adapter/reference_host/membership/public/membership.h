// The service and node records of the reference host (public-domain tables):
// who is in the service, with which keys and addresses, and which service the
// ledger belongs to now.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_MEMBERSHIP_PUBLIC_MEMBERSHIP_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_MEMBERSHIP_PUBLIC_MEMBERSHIP_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/public/commit_context.h"
#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/transaction.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"

namespace ledgerseal::kv::membership {

namespace pb = ::ledgerseal::ledger::v1;

inline constexpr Table kNodesTable{"ledger.nodes", Domain::kPublic};
inline constexpr Table kServiceTable{"ledger.service", Domain::kPublic};
inline constexpr Table kServiceKeyTable{"ledger.service_key", Domain::kPrivate};
inline constexpr std::string_view kServiceKey = "current";
inline constexpr Table kRecoveryDecisionsTable{"ledger.recovery_decisions", Domain::kPublic};
// Every service the ledger has had, key its service id (the records of
// ledger.service's history, kept readable from the store).
inline constexpr Table kServicesTable{"ledger.services", Domain::kPublic};

// One `ledger.nodes` value as read from a ledger entry (offline tools read
// records through this, not through the protobuf). Errors: kCorruption.
Result<pb::NodeInfo> DecodeNodeRecord(ByteView bytes);

// Every node record, sorted by node id, as `tx` sees them (pending writes
// included). Errors: kCorruption (a record does not parse), store errors.
Result<std::vector<pb::NodeInfo>> ListNodes(Transaction& tx);

// One node's record. Errors: kNotFound, kCorruption, store errors.
Result<pb::NodeInfo> GetNode(Transaction& tx, std::string_view node_id);

// Writes `info` under its node id. Errors: kInvalidArgument.
Status PutNode(Transaction& tx, const pb::NodeInfo& info);

// A raft id no node record has ever used (ids are never reused, also not
// across recoveries, so a raft id names one node for the ledger's life).
Result<uint64_t> NextRaftId(Transaction& tx);

// The current service record; std::nullopt before genesis.
Result<std::optional<pb::ServiceInfo>> GetService(Transaction& tx);
// Writes `info` as the current service and adds it to ledger.services.
Status PutService(Transaction& tx, const pb::ServiceInfo& info);
// Every record of ledger.services, oldest (lowest created_at_version)
// first: the endorsement chain as far as this build wrote it (ledgers
// written before it lack the services recorded before it). Errors: the
// transaction's; kCorruption for a record that does not parse.
Result<std::vector<pb::ServiceInfo>> ListServices(Transaction& tx);

// How a coordinated recovery chose the node that opened service
// `new_service_id` (docs/REFERENCE_HOST.md, "Coordinated recovery").
// Get: nullopt when that recovery was not coordinated. Errors: the
// transaction's; kCorruption for a record that does not parse.
Status PutRecoveryDecision(Transaction& tx, std::string_view new_service_id, const pb::RecoveryDecision& decision);
Result<std::optional<pb::RecoveryDecision>> GetRecoveryDecision(Transaction& tx, std::string_view service_id);

// One `ledger.service` value as read from a ledger entry. Errors: kCorruption.
Result<pb::ServiceInfo> DecodeServiceRecord(ByteView bytes);

// The record as the interface's chain verifier sees it, and back.
ServiceRecord ToServiceRecord(const pb::ServiceInfo& info);
pb::ServiceInfo FromServiceRecord(const ServiceRecord& record);

// A service record for `identity` (fields 1, 2, 5, 6; a genesis needs
// nothing more, a successor fills the rest and is endorsed).
pb::ServiceInfo NewServiceRecord(const ServiceIdentity& identity, Version created_at_version);

// The service identity's private key (private table ledger.service_key),
// as `tx` sees it. Errors: kNotFound (no key: a ledger written before
// service identities, or before genesis), kCorruption (the record or key
// does not parse, or another format), store errors.
Result<ServiceKey> GetServiceKey(Transaction& tx);
// Writes `key`'s PKCS#8 encoding; the serialised record is wiped after the
// write was handed to the transaction. Errors: kInternal, kInvalidArgument.
Status PutServiceKey(Transaction& tx, const ServiceKey& key);

// The nodes that must receive a new ledger secret: every node not retired.
std::vector<const pb::NodeInfo*> SecretRecipients(const std::vector<pb::NodeInfo>& nodes);

// The trusted nodes as hooks see them (sorted by node id).
std::vector<NodeMember> TrustedMembers(const std::vector<pb::NodeInfo>& nodes);

// Node ids: 1..64 bytes of [a-z0-9_-].
bool IsValidNodeId(std::string_view node_id);

// "pending" | "trusted" | "retired".
std::string_view StatusName(pb::NodeInfo::Status status);

}  // namespace ledgerseal::kv::membership

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_MEMBERSHIP_PUBLIC_MEMBERSHIP_H_
