#include "kvstore_adapter/reference_host/node/public/node_config.h"
#include "kvstore_adapter/public/service_identity.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "base/strict_json.h"
#include <set>
#include <vector>

namespace ledgerseal::kv {
namespace {

using json = nlohmann::json;

bool IsServiceId(std::string_view id) {
  return id.size() == kServiceIdChars &&
         std::ranges::all_of(id, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::unexpected<Error> Invalid(const std::string& key, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument, key + ": " + why);
}

// Reads the members of one JSON object, refusing keys it was not asked about.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  std::string Key(std::string_view name) const {
    return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
  }

  const json* Find(std::string_view name) {
    known_.insert(std::string(name));
    auto it = object_.find(std::string(name));
    return it == object_.end() ? nullptr : &*it;
  }

  Status String(std::string_view name, std::string& out, bool required) {
    const json* v = Find(name);
    if (v == nullptr) return required ? Invalid(Key(name), "is required") : Status{};
    if (!v->is_string()) return Invalid(Key(name), "must be a string");
    out = v->get<std::string>();
    return {};
  }

  Status Bool(std::string_view name, bool& out) {
    const json* v = Find(name);
    if (v == nullptr) return {};
    if (!v->is_boolean()) return Invalid(Key(name), "must be true or false");
    out = v->get<bool>();
    return {};
  }

  Status Uint(std::string_view name, uint32_t& out, uint32_t min, uint32_t max) {
    const json* v = Find(name);
    if (v == nullptr) return {};
    if (!v->is_number_unsigned() || v->get<uint64_t>() < min || v->get<uint64_t>() > max) {
      return Invalid(Key(name), "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    out = static_cast<uint32_t>(v->get<uint64_t>());
    return {};
  }

  // Call after reading every member: any other key is a mistake.
  Status RejectUnknown() const {
    for (const auto& [key, value] : object_.items()) {
      if (!known_.contains(key)) return Invalid(Key(key), "unknown key");
    }
    return {};
  }

 private:
  const json& object_;
  std::string path_;
  std::set<std::string> known_;
};

Status CheckAddress(const std::string& key, const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return Invalid(key, "must be host:port");
  }
  const std::string port = address.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoul(port) > 65535) {
    return Invalid(key, "port must be a number in [0, 65535]");
  }
  return {};
}

Status CheckName(const std::string& key, const std::string& name) {
  if (name.empty() || name.size() > 64 ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
    return Invalid(key, "must be 1..64 characters of [a-z0-9_-]");
  }
  return {};
}

std::filesystem::path Resolve(const std::filesystem::path& base, const std::string& p) {
  const std::filesystem::path path(p);
  return path.is_absolute() ? path : (base / path).lexically_normal();
}

Status ReadRaft(ObjectReader& top, RaftConfig& raft) {
  const json* v = top.Find("raft");
  if (v == nullptr) return {};
  if (!v->is_object()) return Invalid("raft", "must be an object");
  ObjectReader r(*v, "raft");
  if (auto s = r.Uint("election_timeout_ms", raft.election_timeout_ms, 50, 60000); !s) return s;
  if (auto s = r.Uint("heartbeat_timeout_ms", raft.heartbeat_timeout_ms, 10, 10000); !s) return s;
  if (auto s = r.Uint("snapshot_threshold", raft.snapshot_threshold, 16, 1u << 30); !s) return s;
  if (raft.heartbeat_timeout_ms >= raft.election_timeout_ms) {
    return Invalid("raft.heartbeat_timeout_ms", "must be below raft.election_timeout_ms");
  }
  return r.RejectUnknown();
}

Status ReadSealing(ObjectReader& top, const std::filesystem::path& base, SealingConfig& s) {
  const json* v = top.Find("sealing");
  if (v == nullptr) return {};
  if (!v->is_object()) return Invalid("sealing", "must be an object");
  ObjectReader r(*v, "sealing");
  std::string on_failure = "fail", secret_path;
  for (auto st : {r.Bool("enable_local_sealing", s.enable_local_sealing),
                  r.String("sealing_identity", s.sealing_identity, false),
                  r.String("previous_local_sealing_identity", s.previous_local_sealing_identity, false),
                  r.String("platform", s.platform, false), r.String("policy", s.policy, false),
                  r.String("root_key", s.root_key, false), r.Uint("vmpl", s.vmpl, 0, 3),
                  r.String("on_failure", on_failure, false),
                  r.String("virtual_machine_secret_path", secret_path, false)}) {
    if (!st) return st;
  }
  // Recovery keys were RSA keys of this size until sealing format 3: say so
  // rather than "unknown key", and rather than ignore what the operator set.
  if (r.Find("rsa_bits") != nullptr) {
    return Invalid("sealing.rsa_bits",
                   "no longer exists: recovery keys are ECDH P-256 keys since sealing format 3 (remove the key)");
  }
  if (const json* launch = r.Find("virtual_launch")) {
    if (!launch->is_object()) return Invalid("sealing.virtual_launch", "must be an object");
    s.virtual_launch_json = launch->dump();
  }
  if (auto st = r.RejectUnknown(); !st) return st;
  if (s.platform != "virtual" && s.platform != "sev-guest") {
    return Invalid("sealing.platform", "must be \"sev-guest\" or \"virtual\"");
  }
  if (s.root_key != "default" && s.root_key != "vcek" && s.root_key != "vlek") {
    return Invalid("sealing.root_key", "must be \"default\", \"vcek\" or \"vlek\"");
  }
  if (on_failure == "fail") s.on_failure = SealingFailurePolicy::kFail;
  else if (on_failure == "fallback_recovery_shares") s.on_failure = SealingFailurePolicy::kFallbackRecoveryShares;
  else return Invalid("sealing.on_failure", "must be \"fail\" or \"fallback_recovery_shares\"");
  if (s.enable_local_sealing) {
    if (auto st = CheckName("sealing.sealing_identity", s.sealing_identity); !st) return st;
  }
  if (!s.previous_local_sealing_identity.empty()) {
    if (auto st = CheckName("sealing.previous_local_sealing_identity", s.previous_local_sealing_identity); !st) {
      return st;
    }
  }
  if (!secret_path.empty()) s.virtual_machine_secret_path = Resolve(base, secret_path);
  return {};
}

Status ReadRecoveryShares(ObjectReader& top, const std::filesystem::path& base, RecoverySharesConfig& out) {
  const json* v = top.Find("recovery_shares");
  if (v == nullptr) return {};
  if (!v->is_object()) return Invalid("recovery_shares", "must be an object");
  ObjectReader r(*v, "recovery_shares");
  if (auto s = r.Uint("threshold", out.threshold, 1, 64); !s) return s;
  const json* members = r.Find("members");
  if (members == nullptr || !members->is_object() || members->empty()) {
    return Invalid("recovery_shares.members", "must be an object of member name -> public key PEM file");
  }
  for (const auto& [name, file] : members->items()) {
    if (!file.is_string()) return Invalid("recovery_shares.members." + name, "must be a file name");
    out.members.emplace_back(name, Resolve(base, file.get<std::string>()));
  }
  if (out.threshold == 0) return Invalid("recovery_shares.threshold", "is required");
  if (out.threshold > out.members.size()) {
    return Invalid("recovery_shares.threshold", "is " + std::to_string(out.threshold) + " but there are " +
                                                    std::to_string(out.members.size()) + " members");
  }
  return r.RejectUnknown();
}

Status ReadRecoveryCoordination(ObjectReader& top, const std::string& own_rpc, RecoveryCoordinationConfig& out) {
  const json* v = top.Find("recovery_coordination");
  if (v == nullptr) return {};
  if (!v->is_object()) return Invalid("recovery_coordination", "must be an object");
  ObjectReader r(*v, "recovery_coordination");
  if (auto s = r.Uint("deadline_s", out.deadline_s, 1, 7 * 24 * 3600); !s) return s;
  if (auto s = r.Uint("wait_for_all_s", out.wait_for_all_s, 0, 3600); !s) return s;
  const json* peers = r.Find("peers");
  if (peers == nullptr || !peers->is_array()) {
    return Invalid("recovery_coordination.peers", "must be an array of the other recovering nodes' rpc addresses");
  }
  std::set<std::string> seen;
  for (const auto& peer : *peers) {
    const std::string key = "recovery_coordination.peers[" + std::to_string(out.peers.size()) + "]";
    if (!peer.is_string()) return Invalid(key, "must be a host:port string");
    const std::string address = peer.get<std::string>();
    if (auto s = CheckAddress(key, address); !s) return s;
    if (address == own_rpc) return Invalid(key, "is this node's own rpc_address");
    if (!seen.insert(address).second) return Invalid(key, address + " is listed twice");
    out.peers.push_back(address);
  }
  if (out.peers.size() > 64) return Invalid("recovery_coordination.peers", "lists more than 64 peers");
  return r.RejectUnknown();
}

// Deeper nesting than any configuration needs. Checked before parsing,
// because serialising (sealing.virtual_launch is kept as JSON text) and
// destroying a parsed document recurse once per level: ~60,000 levels
// overflow the stack.
constexpr size_t kMaxJsonDepth = 32;
// Larger than any configuration; a bigger file is a mistake (or an attack).
constexpr uintmax_t kMaxConfigBytes = 1 << 20;

// The deepest nesting of arrays/objects in `text` (brackets inside strings
// do not count). Pure; linear in the text.
size_t JsonDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char ch : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (ch == '\\') {
        escaped = true;
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '{' || ch == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((ch == '}' || ch == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<NodeConfig> ParseNodeConfig(std::string_view json_text, const std::filesystem::path& base_dir) {
  if (JsonDepth(json_text) > kMaxJsonDepth) {
    return MakeError(ErrorCode::kInvalidArgument, "the configuration nests deeper than " +
                                                      std::to_string(kMaxJsonDepth) + " levels");
  }
  // JSON leaves duplicate keys to the parser, which keeps the last one: a
  // configuration with two values for one key is refused instead, naming it.
  std::string why;
  auto parsed = base::ParseStrictJson(json_text, why);
  if (!parsed) {
    return MakeError(ErrorCode::kInvalidArgument,
                     why == "not valid JSON" ? "the configuration is not valid JSON" : "the configuration " + why);
  }
  json doc = std::move(*parsed);
  if (!doc.is_object()) return MakeError(ErrorCode::kInvalidArgument, "the configuration must be a JSON object");
  NodeConfig c;
  ObjectReader r(doc, "");
  std::string data_dir, join, test_secret;
  for (auto s : {r.String("node_id", c.node_id, true), r.String("raft_address", c.raft_address, true),
                 r.String("rpc_address", c.rpc_address, true), r.String("data_dir", data_dir, true),
                 r.String("join_address", join, false),
                 r.String("expected_previous_service_identity", c.expected_previous_service_identity, false),
                 r.String("expected_service_identity", c.expected_service_identity, false),
                 r.String("insecure_test_secret_file", test_secret, false)}) {
    if (!s) return std::unexpected(s.error());
  }
  if (auto s = ReadRaft(r, c.raft); !s) return std::unexpected(s.error());
  if (auto s = ReadSealing(r, base_dir, c.sealing); !s) return std::unexpected(s.error());
  if (auto s = ReadRecoveryShares(r, base_dir, c.recovery_shares); !s) return std::unexpected(s.error());
  if (auto s = ReadRecoveryCoordination(r, c.rpc_address, c.recovery_coordination); !s) {
    return std::unexpected(s.error());
  }
  if (auto s = r.RejectUnknown(); !s) return std::unexpected(s.error());
  for (auto s : {CheckName("node_id", c.node_id), CheckAddress("raft_address", c.raft_address),
                 CheckAddress("rpc_address", c.rpc_address)}) {
    if (!s) return std::unexpected(s.error());
  }
  for (const auto& [key, id] : {std::pair<std::string_view, const std::string*>{"expected_previous_service_identity",
                                                                                &c.expected_previous_service_identity},
                                {"expected_service_identity", &c.expected_service_identity}}) {
    if (!id->empty() && !IsServiceId(*id)) {
      return Invalid(std::string(key), "must be a service id: 32 lowercase hex digits");
    }
  }
  if (!join.empty()) {
    if (auto s = CheckAddress("join_address", join); !s) return std::unexpected(s.error());
    c.join_address = join;
  }
  c.data_dir = Resolve(base_dir, data_dir);
  if (!test_secret.empty()) c.insecure_test_secret_file = Resolve(base_dir, test_secret);
  return c;
}

Result<NodeConfig> LoadNodeConfig(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return MakeError(ErrorCode::kNotFound, "cannot read the configuration file " + path.string() + ": " +
                                               (ec ? ec.message() : std::string("no such file")));
  }
  if (!std::filesystem::is_regular_file(status)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the configuration file " + path.string() + " is not a regular file");
  }
  const uintmax_t size_bytes = std::filesystem::file_size(path, ec);
  if (ec || size_bytes > kMaxConfigBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "the configuration file " + path.string() + " is " +
                                                      (ec ? "unreadable: " + ec.message()
                                                          : "larger than " + std::to_string(kMaxConfigBytes) +
                                                                " bytes"));
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(size_bytes, '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    return MakeError(ErrorCode::kIoError, "cannot read the configuration file " + path.string());
  }
  auto parsed = ParseNodeConfig(text, path.parent_path());
  if (!parsed) {
    return MakeError(parsed.error().code, path.string() + ": " + parsed.error().message);
  }
  return parsed;
}

std::string NodeConfigToJson(const NodeConfig& c) {
  json doc = {{"node_id", c.node_id},
              {"raft_address", c.raft_address},
              {"rpc_address", c.rpc_address},
              {"data_dir", c.data_dir.string()},
              {"raft",
               {{"election_timeout_ms", c.raft.election_timeout_ms},
                {"heartbeat_timeout_ms", c.raft.heartbeat_timeout_ms},
                {"snapshot_threshold", c.raft.snapshot_threshold}}}};
  if (c.join_address) doc["join_address"] = *c.join_address;
  if (c.insecure_test_secret_file) doc["insecure_test_secret_file"] = c.insecure_test_secret_file->string();
  if (!c.expected_previous_service_identity.empty()) {
    doc["expected_previous_service_identity"] = c.expected_previous_service_identity;
  }
  if (!c.expected_service_identity.empty()) doc["expected_service_identity"] = c.expected_service_identity;
  json sealing = {{"enable_local_sealing", c.sealing.enable_local_sealing},
                  {"platform", c.sealing.platform},
                  {"policy", c.sealing.policy},
                  {"root_key", c.sealing.root_key},
                  {"vmpl", c.sealing.vmpl},
                  {"on_failure", c.sealing.on_failure == SealingFailurePolicy::kFail
                                     ? "fail"
                                     : "fallback_recovery_shares"}};
  if (!c.sealing.sealing_identity.empty()) sealing["sealing_identity"] = c.sealing.sealing_identity;
  if (!c.sealing.previous_local_sealing_identity.empty()) {
    sealing["previous_local_sealing_identity"] = c.sealing.previous_local_sealing_identity;
  }
  if (!c.sealing.virtual_machine_secret_path.empty()) {
    sealing["virtual_machine_secret_path"] = c.sealing.virtual_machine_secret_path.string();
  }
  if (!c.sealing.virtual_launch_json.empty()) {
    sealing["virtual_launch"] = json::parse(c.sealing.virtual_launch_json, nullptr, false);
  }
  doc["sealing"] = sealing;
  if (!c.recovery_shares.members.empty()) {
    json members = json::object();
    for (const auto& [name, file] : c.recovery_shares.members) members[name] = file.string();
    doc["recovery_shares"] = {{"threshold", c.recovery_shares.threshold}, {"members", members}};
  }
  if (!c.recovery_coordination.peers.empty()) {
    doc["recovery_coordination"] = {{"peers", c.recovery_coordination.peers},
                                    {"deadline_s", c.recovery_coordination.deadline_s},
                                    {"wait_for_all_s", c.recovery_coordination.wait_for_all_s}};
  }
  return doc.dump(2);
}

}  // namespace ledgerseal::kv
