#include "tools/audit/ledger_audit.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "plugin/local_sealing/public/local_sealing.h"
#include "plugin/public/recovery_shares.h"
#include "plugin/public/records.h"
#include "plugin/public/sealing_format.h"
#include "snp/public/policy.h"

namespace ledgerseal::tools {
namespace {

namespace fs = std::filesystem;

const kv::TableWrites* TableIn(const kv::WriteSet& writes, std::string_view table) {
  auto it = writes.tables().find(table);
  return it == writes.tables().end() ? nullptr : &it->second;
}

std::string Key(const kv::Bytes& key) { return std::string(kv::AsString(key)); }

kv::Error Bad(uint64_t version, const std::string& what) {
  return {kv::ErrorCode::kCorruption, "entry " + std::to_string(version) + ": " + what};
}

// Each Note* reads one table of one entry into the audit.
class Auditor {
 public:
  explicit Auditor(LedgerAudit& audit) : a_(audit) {}

  kv::Status Entry(uint64_t version, kv::ByteView bytes) {
    auto view = kv::entry::DecodePublic(bytes);
    if (!view) return std::unexpected(Bad(version, view.error().message));
    a_.service_id = view->header.service_id;
    const auto& w = view->public_writes;
    chain_.Entry(version, bytes, w, view->header.service_id, view->header.previous_entry_digest);
    for (auto step : {&Auditor::NoteRotation, &Auditor::NoteShares, &Auditor::NoteRecoveryKeys,
                      &Auditor::NoteNodes, &Auditor::NoteLastRecovery, &Auditor::NoteRecoveryMembers}) {
      if (auto s = (this->*step)(version, w); !s) return s;
    }
    return {};
  }

 private:
  kv::Status NoteRotation(uint64_t version, const kv::WriteSet& w) {
    const auto* t = TableIn(w, kv::secrets::kNodeSecretsTable.name);
    if (t == nullptr) return {};
    RotationInfo r{version, 0, {}};
    for (const auto& [key, value] : t->writes) {
      auto secret_version = value ? kv::secrets::SecretVersionOfNodeSecretRecord(*value)
                                  : kv::Result<uint64_t>(kv::MakeError(kv::ErrorCode::kCorruption, "removed"));
      if (!secret_version) return std::unexpected(Bad(version, "unparsable ledger secret record"));
      r.ledger_secret_version = *secret_version;
      r.recipients.push_back(Key(key));
    }
    a_.rotations.push_back(std::move(r));
    return {};
  }

  kv::Status NoteShares(uint64_t version, const kv::WriteSet& w) {
    const auto* value = w.Find(sealing::kSharesTable, kv::AsBytes(sealing::kSharesKey));
    if (value == nullptr || !value->has_value()) return {};
    ++a_.shares_records;
    auto shares = sealing::ParseSignedShares(**value);
    if (!shares) {
      // An unsigned or malformed record is a finding, not a reason to stop
      // auditing the rest of the ledger: recovery refuses it by name.
      a_.latest_shares.reset();
      latest_signed_.reset();
      shares_failure_ = ChainFailure{std::string(sealing::SealingErrorCodeName(shares.error().code)), version,
                                     "sealing.shares: " + shares.error().message};
      return {};
    }
    shares_failure_.reset();
    SharesInfo info{version, shares->body.ledger_secret_version(), shares->body.service_id(), {}};
    for (const auto& s : shares->body.shares()) info.identities.push_back(s.sealing_identity());
    a_.latest_shares = std::move(info);
    latest_signed_ = std::move(*shares);
    return {};
  }

  kv::Status NoteRecoveryKeys(uint64_t version, const kv::WriteSet& w) {
    const auto* t = TableIn(w, sealing::kRecoveryKeysTable);
    if (t == nullptr) return {};
    for (const auto& [key, value] : t->writes) {
      if (!value) {
        a_.recovery_keys.erase(Key(key));
        continue;
      }
      auto record = sealing::ParseSealedRecoveryKey(*value);
      if (!record) return std::unexpected(Bad(version, "sealing.recovery_keys: " + record.error().ToString()));
      const auto& d = record->derivation();
      a_.recovery_keys[Key(key)] = {version, record->node_id(), d.platform(),
                                    snp::PolicyName(d.guest_field_select()), d.tcb_version()};
    }
    return {};
  }

  kv::Status NoteNodes(uint64_t version, const kv::WriteSet& w) {
    const auto* t = TableIn(w, kv::membership::kNodesTable.name);
    if (t == nullptr) return {};
    for (const auto& [key, value] : t->writes) {
      auto info = value ? kv::membership::DecodeNodeRecord(*value)
                        : kv::Result<ledger::v1::NodeInfo>(kv::MakeError(kv::ErrorCode::kCorruption, "removed"));
      if (!info) return std::unexpected(Bad(version, "unparsable node record"));
      a_.nodes[Key(key)] = {std::string(kv::membership::StatusName(info->status())), info->sealing_identity(), false};
    }
    return {};
  }

  kv::Status NoteRecoveryMembers(uint64_t version, const kv::WriteSet& w) {
    if (const auto* v = w.Find(recovery::kRecoveryMembersTable, kv::AsBytes(recovery::kRecoveryMembersKey));
        v != nullptr && v->has_value()) {
      auto config = recovery::ParseRecoveryConfig(**v);
      if (!config) return std::unexpected(Bad(version, config.error().ToString()));
      RecoveryMembersInfo info{version, config->threshold(), {}};
      for (const auto& m : config->members()) info.members.push_back(m.name());
      a_.recovery_members = std::move(info);
    }
    if (const auto* v = w.Find(recovery::kRecoverySharesTable, kv::AsBytes(recovery::kRecoverySharesKey));
        v != nullptr && v->has_value()) {
      recovery::v1::SignedRecoveryShares envelope;
      recovery::v1::RecoveryShares body;
      if (!envelope.ParseFromArray((*v)->data(), static_cast<int>((*v)->size())) ||
          !body.ParseFromString(envelope.body())) {
        return std::unexpected(Bad(version, "recovery.shares does not parse"));
      }
      RecoverySharesInfo info{version, body.ledger_secret_version(), body.threshold(), {}};
      for (const auto& s : body.shares()) info.holders.push_back(s.member_name());
      a_.latest_recovery_shares = std::move(info);
    }
    return {};
  }

  kv::Status NoteLastRecovery(uint64_t version, const kv::WriteSet& w) {
    const auto* value = w.Find(sealing::kLastRecoveryTable, kv::AsBytes(sealing::kLastRecoveryKey));
    if (value == nullptr || !value->has_value()) return {};
    auto r = sealing::ParseLastRecovery(**value);
    if (!r) return std::unexpected(Bad(version, "sealing.last_recovery: " + r.error().ToString()));
    a_.last_recovery = LastRecoveryInfo{
        version,
        r->method() == sealing::v1::LOCAL_UNSEALING ? "local_unsealing" : "recovery_shares",
        r->recovered_at_version(), r->recovering_sealing_identity(), r->previous_service_id(),
        r->ledger_secret_version(), {r->recovery_members().begin(), r->recovery_members().end()}};
    return {};
  }

  // AuditLedger ends the walk through these two.
 public:
  ServiceChainAuditor& chain() { return chain_; }

  // The newest sealing.shares record against the newest service of the
  // chain (docs/SERVICE_IDENTITY.md §5, "Inspect"): signed by that identity,
  // its body naming it, and every copy of a recovery key bound to it in the
  // clear (only the node's hardware can check the binding's AAD).
  void CheckNewestShares() {
    if (shares_failure_) {
      a_.chain.failures.push_back(*shares_failure_);
      return;
    }
    if (!latest_signed_ || a_.chain.links.empty() || !a_.latest_shares) return;
    const uint64_t at = a_.latest_shares->at_version;
    const kv::ServiceRecord& newest = a_.chain.links.back().record;
    const sealing::SignedShares& record = *latest_signed_;
    if (record.signer.public_key_der != newest.identity_public_key_der ||
        record.body.service_id() != newest.service_id) {
      a_.chain.failures.push_back({"other_service", at,
                                   "sealing.shares is signed by service " + record.signer.service_id +
                                       " for service " + record.body.service_id() + ", the ledger's service is " +
                                       newest.service_id});
      return;
    }
    if (auto ok = kv::VerifyServiceSignature(record.signer, kv::kSealedSharesDomain,
                                             kv::AsBytes(record.envelope.body()),
                                             kv::AsBytes(record.envelope.signature()));
        !ok) {
      a_.chain.failures.push_back({"bad_signature", at, "sealing.shares: " + ok.error().message});
      return;
    }
    for (const auto& share : record.body.shares()) {
      if (kv::AsBytes(share.recovery_key().service_identity_public_key_der()).size() == 0 ||
          share.recovery_key().service_identity_public_key_der() != kv::AsString(newest.identity_public_key_der)) {
        a_.chain.failures.push_back({"other_service", at,
                                     "the recovery key copy of " + share.sealing_identity() +
                                         " is bound to another service"});
      }
    }
    a_.shares_signature_verified = true;
  }

 private:
  LedgerAudit& a_;
  ServiceChainAuditor chain_;
  std::optional<sealing::SignedShares> latest_signed_;
  std::optional<ChainFailure> shares_failure_;
};

void Conclude(LedgerAudit& a) {
  const uint64_t latest = a.rotations.empty() ? 0 : a.rotations.back().ledger_secret_version;
  if (a.latest_shares && a.latest_shares->ledger_secret_version == latest) {
    a.can_unseal_latest = a.latest_shares->identities;
  } else if (latest != 0) {
    a.warnings.push_back("no sealing.shares record covers the latest ledger secret (version " +
                         std::to_string(latest) + "): local sealing cannot recover it");
  }
  for (auto& [id, node] : a.nodes) {
    node.has_recovery_key = a.recovery_keys.contains(node.sealing_identity);
    if (node.status == "trusted" && !node.has_recovery_key) a.trusted_without_recovery_key.push_back(id);
  }
  if (!a.trusted_without_recovery_key.empty()) {
    a.warnings.push_back(std::to_string(a.trusted_without_recovery_key.size()) +
                         " trusted node(s) have no sealed recovery key");
  }
}

}  // namespace

kv::Result<LedgerAudit> AuditLedger(const fs::path& data_dir, const AuditOptions& options) {
  const fs::path dir = data_dir / "ledger";
  // error_code overloads only: a symlink loop (ELOOP) or an unreadable
  // directory is an error naming the path, never an exception.
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return kv::MakeError(kv::ErrorCode::kIoError, "cannot read the ledger " + dir.string() + ": " + ec.message());
  }
  if (!fs::is_directory(status)) return kv::MakeError(kv::ErrorCode::kNotFound, "no ledger in " + dir.string());
  auto view = kv::ledger::LedgerView::Open(dir);
  if (!view) return std::unexpected(view.error());
  // An audit vouches for the whole directory, not only what a walk reads:
  // a chunk past a gap behind a one-chunk ledger is refused too.
  if (auto listed = (*view)->ListAll(); !listed) return std::unexpected(listed.error());
  LedgerAudit audit;
  auto first = (*view)->first_version();
  if (!first) return std::unexpected(first.error());
  audit.first_version = *first;
  audit.last_version = (*view)->last_version();
  if (!(*view)->recovery_report().clean()) audit.torn_tail = (*view)->recovery_report().ToString();
  if (audit.last_version == kv::kNoVersion) return audit;
  Auditor auditor(audit);
  kv::Status failed;
  auto walked = (*view)->ForEach(audit.first_version, [&](kv::Version v, kv::ByteView bytes) {
    audit.bytes += bytes.size();
    failed = auditor.Entry(v, bytes);
    return failed.has_value();
  });
  if (!walked) return std::unexpected(walked.error());
  if (!failed) return std::unexpected(failed.error());
  audit.chain = auditor.chain().Finish(options.expected_genesis_identity, options.expected_service_identity);
  auditor.CheckNewestShares();
  Conclude(audit);
  return audit;
}

std::string AuditToJson(const LedgerAudit& a) {
  using nlohmann::json;
  json rotations = json::array(), keys = json::object(), nodes = json::object();
  for (const auto& r : a.rotations) {
    rotations.push_back({{"at_version", r.at_version}, {"ledger_secret_version", r.ledger_secret_version},
                         {"recipients", r.recipients}});
  }
  for (const auto& [id, k] : a.recovery_keys) {
    keys[id] = {{"at_version", k.at_version}, {"node_id", k.node_id}, {"platform", k.platform},
                {"policy", k.policy}, {"tcb_version", k.tcb_version}};
  }
  for (const auto& [id, n] : a.nodes) {
    nodes[id] = {{"status", n.status}, {"sealing_identity", n.sealing_identity},
                 {"has_recovery_key", n.has_recovery_key}};
  }
  json doc = {{"first_version", a.first_version}, {"last_version", a.last_version},
              {"bytes", a.bytes}, {"torn_tail", a.torn_tail}, {"service_id", a.service_id},
              {"rotations", rotations}, {"shares_records", a.shares_records},
              {"can_unseal_latest", a.can_unseal_latest}, {"recovery_keys", keys},
              {"nodes", nodes}, {"trusted_without_recovery_key", a.trusted_without_recovery_key},
              {"warnings", a.warnings}, {"latest_shares", nullptr}, {"last_recovery", nullptr},
              {"authenticated", false}, {"authentication", std::string(kUnauthenticatedNotice)}};
  json chain = json::array(), failures = json::array();
  for (const auto& l : a.chain.links) {
    chain.push_back({{"at_version", l.at_version},
                     {"service_id", l.record.service_id},
                     {"previous_service_id", l.record.previous_service_id},
                     {"recovery_count", l.record.recovery_count},
                     {"recovered_to_version", l.record.recovered_to_version},
                     {"identity_public_key_der", kv::ToHex(l.record.identity_public_key_der)},
                     {"verified", l.verified},
                     {"recovery_decision", l.decision ? l.decision->ToJson() : json(nullptr)}});
  }
  for (const auto& f : a.chain.failures) {
    failures.push_back({{"error", f.error}, {"version", f.version}, {"message", f.message}});
  }
  doc["service_chain"] = chain;
  doc["service_chain_verified"] = a.chain.ok();
  doc["service_chain_genesis_pinned"] = a.chain.genesis_pinned;
  doc["shares_signature_verified"] = a.shares_signature_verified;
  doc["failures"] = failures;
  if (a.latest_shares) {
    const auto& s = *a.latest_shares;
    doc["latest_shares"] = {{"at_version", s.at_version}, {"ledger_secret_version", s.ledger_secret_version},
                            {"service_id", s.service_id}, {"identities", s.identities}};
  }
  doc["recovery_members"] = nullptr;
  if (a.recovery_members) {
    doc["recovery_members"] = {{"at_version", a.recovery_members->at_version},
                               {"threshold", a.recovery_members->threshold},
                               {"members", a.recovery_members->members}};
  }
  doc["latest_recovery_shares"] = nullptr;
  if (a.latest_recovery_shares) {
    const auto& r = *a.latest_recovery_shares;
    doc["latest_recovery_shares"] = {{"at_version", r.at_version}, {"ledger_secret_version", r.ledger_secret_version},
                                     {"threshold", r.threshold}, {"holders", r.holders}};
  }
  if (a.last_recovery) {
    const auto& r = *a.last_recovery;
    doc["last_recovery"] = {{"at_version", r.at_version}, {"method", r.method},
                            {"recovered_at_version", r.recovered_at_version},
                            {"recovering_identity", r.recovering_identity},
                            {"previous_service_id", r.previous_service_id},
                            {"ledger_secret_version", r.ledger_secret_version},
                            {"recovery_members", r.recovery_members}};
  }
  return doc.dump(2);
}

std::string AuditToText(const LedgerAudit& a) {
  std::ostringstream out;
  out << "UNAUTHENTICATED  " << kUnauthenticatedNotice << "\n";
  out << "ledger           versions " << a.first_version << ".." << a.last_version << ", " << a.bytes
      << " bytes of entries" << (a.torn_tail.empty() ? "" : "; torn tail: " + a.torn_tail) << "\n"
      << "service          " << a.service_id << "\n"
      << "rotations        " << a.rotations.size() << "\n";
  for (const auto& r : a.rotations) {
    out << "  secret " << r.ledger_secret_version << " at version " << r.at_version << " for "
        << r.recipients.size() << " node(s)\n";
  }
  out << "service chain    " << a.chain.links.size() << " service(s), "
      << (!a.chain.ok()            ? "NOT verified"
          : a.chain.genesis_pinned ? "authenticated: every link signed by the identity before it, back to the "
                                     "pinned genesis"
                                   : "self-consistent: every link signed by the identity before it; NOT "
                                     "authenticated until you pin its genesis with --expect-genesis-identity")
      << "\n";
  for (const auto& l : a.chain.links) {
    out << "  " << l.record.service_id << " at version " << l.at_version;
    if (l.record.previous_service_id.empty()) {
      out << " (genesis)";
    } else {
      out << " (recovery " << l.record.recovery_count << " of " << l.record.previous_service_id << " up to version "
          << l.record.recovered_to_version << ")";
    }
    out << (l.verified ? ", link verified" : ", link NOT verified") << "\n";
    if (l.decision) out << "    recovery decision: " << l.decision->Summary() << "\n";
  }
  for (const auto& f : a.chain.failures) {
    out << "FAILED: " << f.error << (f.version ? " at version " + std::to_string(f.version) : "") << ": " << f.message
        << "\n";
  }
  out << "sealed shares    " << a.shares_records << " record(s)";
  if (a.latest_shares) {
    out << "; newest at version " << a.latest_shares->at_version << " seals secret "
        << a.latest_shares->ledger_secret_version
        << (a.shares_signature_verified ? ", signed by the newest service (verified)" : ", signature NOT verified");
  }
  out << "\ncan unseal latest";
  for (const auto& id : a.can_unseal_latest) out << " " << id;
  out << (a.can_unseal_latest.empty() ? " (nobody)" : "") << "\nrecovery keys\n";
  for (const auto& [id, k] : a.recovery_keys) {
    out << "  " << id << " (node " << k.node_id << "): " << k.platform << ", " << k.policy
        << ", tcb 0x" << std::hex << k.tcb_version << std::dec << ", at version " << k.at_version << "\n";
  }
  out << "nodes\n";
  for (const auto& [id, n] : a.nodes) {
    out << "  " << id << ": " << n.status << (n.has_recovery_key ? "" : ", NO sealed recovery key") << "\n";
  }
  out << "recovery members ";
  if (a.recovery_members) {
    const auto& m = *a.recovery_members;
    out << m.threshold << " of " << m.members.size() << ":";
    for (const auto& name : m.members) out << " " << name;
    out << " (set at version " << m.at_version << ")\n";
  } else {
    out << "none\n";
  }
  if (a.latest_recovery_shares) {
    const auto& r = *a.latest_recovery_shares;
    out << "recovery shares  ledger secret " << r.ledger_secret_version << " at version " << r.at_version << ", "
        << r.threshold << " of";
    for (const auto& h : r.holders) out << " " << h;
    out << "\n";
  }
  out << "last recovery    ";
  if (a.last_recovery) {
    const LastRecoveryInfo& r = *a.last_recovery;
    std::string by = r.recovering_identity;
    for (const auto& m : r.recovery_members) by += (by.empty() ? "members " : ", ") + m;
    out << r.method << " by " << by << " at version " << r.at_version << ": secret "
        << r.ledger_secret_version << " from the record at version " << r.recovered_at_version
        << " of service " << r.previous_service_id << "\n";
  } else {
    out << "none (never recovered)\n";
  }
  for (const auto& w : a.warnings) out << "WARNING: " << w << "\n";
  return out.str();
}

}  // namespace ledgerseal::tools
