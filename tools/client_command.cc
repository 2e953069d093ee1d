// `ledgerseal client --node ADDRESS COMMAND ...`: one request to a service.
#include <openssl/crypto.h>

#include <iostream>
#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"
#include "crypto/public/pem.h"
#include "plugin/public/recovery_shares.h"
#include "tools/command.h"
#include "tools/file_io.h"

namespace ledgerseal::tools {
namespace {

namespace v1 = ::ledgerseal::rpc::v1;

struct ClientArgs {
  std::string node;
  bool private_domain = false;
  uint64_t min_version = 0;
  std::string table, key, value;  // put, get
  std::string node_id;            // trust, retire
  std::string share_file;         // submit-share
  std::string member, member_key;  // add-member, remove-member
  uint32_t threshold = 0;          // add-member, remove-member, set-threshold (0: unchanged)
};

// An argument that names a file this command cannot use: exit 2.
int UsageError(const std::string& why) {
  std::cerr << "ledgerseal client: " << why << "\n";
  return kExitUsage;
}

int Fail(const kv::Error& error) {
  std::cerr << "ledgerseal client: " << error.ToString() << "\n";
  return kExitFailure;
}

int Put(rpc::RpcClient& client, const ClientArgs& a) {
  v1::PutRequest put;
  auto* w = put.add_writes();
  w->set_table(a.table);
  w->set_key(a.key);
  w->set_value(a.value);
  w->set_private_domain(a.private_domain);
  auto r = client.Put(put);
  if (!r) return Fail(r.error());
  std::cout << "committed at version " << r->version() << "\n";
  return kExitOk;
}

int Get(rpc::RpcClient& client, const ClientArgs& a) {
  v1::GetRequest get;
  get.set_table(a.table);
  get.set_key(a.key);
  get.set_min_version(a.min_version);
  auto r = client.Get(get);
  if (!r) return Fail(r.error());
  if (!r->found()) {
    std::cerr << "not found (at version " << r->version() << ")\n";
    return kExitFailure;
  }
  std::cout << r->value() << "\n";
  return kExitOk;
}

int Status(rpc::RpcClient& client) {
  auto r = client.GetStatus(/*include_voters=*/true);
  if (!r) return Fail(r.error());
  if (r->recovering()) {
    std::cout << "node            " << r->node_id() << "\n"
              << "recovering      " << r->recovery_progress() << "\n";
    return kExitOk;
  }
  std::cout << "node            " << r->node_id() << " (raft id " << r->raft_id() << ")\n"
            << "service         " << r->service_id() << "\n"
            << "leader          " << (r->is_leader() ? "this node" : r->leader_node_id()) << "\n"
            << "term            " << r->term() << "\n"
            << "applied version " << r->applied_version() << "\n"
            << "ledger secret   version " << r->ledger_secret_version() << "\n"
            << "raft voters    ";
  for (uint64_t id : r->voter_raft_ids()) std::cout << " " << id;
  std::cout << "\n";
  // Each voter as this node sees it: one that stopped no longer counts
  // towards the service's fault tolerance, and this is where it shows.
  size_t unhealthy = 0;
  for (const auto& v : r->voters()) {
    std::cout << "  voter " << (v.node_id().empty() ? "?" : v.node_id()) << " (raft id " << v.raft_id() << "): ";
    if (v.reachable()) std::cout << "applied version " << v.applied_version() << ", ";
    std::cout << (v.healthy() ? "healthy" : v.problem()) << "\n";
    if (!v.healthy()) ++unhealthy;
  }
  if (unhealthy > 0) {
    std::cout << unhealthy << " of " << r->voters_size() << " voters unhealthy: the service tolerates fewer failures\n";
  }
  return kExitOk;
}

// The share file travels in the clear to the node (the network is not
// authenticated: docs/ARCHITECTURE.md, "Threat model"). This process wipes
// the text it read; the RPC layer's encoded copy is freed, not wiped.
int SubmitShare(rpc::RpcClient& client, const ClientArgs& a) {
  std::string why;
  auto text = ReadSmallFile(a.share_file, why);
  if (!text) return UsageError(why);
  auto r = client.SubmitRecoveryInput(std::move(*text));
  OPENSSL_cleanse(text->data(), text->size());  // what a move left behind
  if (!r) return Fail(r.error());
  std::cout << r->message() << "\n";
  return kExitOk;
}

// A change of the recovery members: one rotation carrying the request,
// then the members as the service now records them.
int ChangeMembers(rpc::RpcClient& client, recovery::v1::RecoveryMembersChange change, uint32_t threshold) {
  change.set_threshold(threshold);
  const recovery::v1::RecoveryMembersChange asked = change;
  v1::RotateRequest rotate;
  rotate.set_plugin(std::string(recovery::kMembersChangeRequest));
  const kv::Bytes payload = recovery::SerializeMembersChange(std::move(change));
  rotate.set_plugin_request(payload.data(), payload.size());
  auto r = client.Rotate(std::move(rotate));
  if (!r) return Fail(r.error());
  v1::GetRequest get;
  get.set_table(std::string(recovery::kRecoveryMembersTable));
  get.set_key(std::string(recovery::kRecoveryMembersKey));
  get.set_min_version(r->version());
  auto stored = client.Get(get);
  if (!stored) return Fail(stored.error());
  auto config = stored->found() ? recovery::ParseRecoveryConfig(kv::AsBytes(stored->value()))
                                : recovery::MakeSealingError(recovery::SealingErrorCode::kMalformed, "no recovery.members record");
  if (!config) {
    // The rotation committed but no sealing plugin applied the request.
    std::cerr << "ledgerseal client: rotated at version " << r->version()
              << ", but the service records no recovery members (" << config.error().ToString()
              << "): does its leader run the sealing plugin?\n";
    return kExitFailure;
  }
  // The service says what it holds now: it must be what was asked (a
  // leader that does not know the request would rotate without it).
  auto has = [&](const std::string& name) {
    return std::ranges::any_of(config->members(), [&](const auto& m) { return m.name() == name; });
  };
  const bool applied =
      (!asked.has_add_member() || has(asked.add_member().name())) &&
      (asked.remove_member().empty() || !has(asked.remove_member())) &&
      (asked.threshold() == 0 || config->threshold() == asked.threshold());
  if (!applied) {
    std::cerr << "ledgerseal client: rotated at version " << r->version()
              << ", but the service's recovery members do not show the change: is its leader's sealing plugin "
                 "older than this request?\n";
    return kExitFailure;
  }
  std::cout << "recovery members";
  for (const auto& m : config->members()) std::cout << " " << m.name();
  std::cout << " (" << config->threshold() << " to recover) from version " << r->version() << "; ledger secret "
            << r->ledger_secret_version() << " is split for them\n";
  return kExitOk;
}

int AddMember(rpc::RpcClient& client, const ClientArgs& a) {
  std::string why;
  auto pem = ReadSmallFile(a.member_key, why);
  if (!pem) return UsageError(why);
  auto der = crypto::PemToDer(crypto::kPublicKeyPemLabel, *pem);
  if (!der) return UsageError(a.member_key + ": " + der.error());
  recovery::v1::RecoveryMembersChange change;
  change.mutable_add_member()->set_name(a.member);
  change.mutable_add_member()->set_public_key_der(der->data(), der->size());
  return ChangeMembers(client, std::move(change), a.threshold);
}

int Rotate(rpc::RpcClient& client) {
  auto r = client.Rotate();
  if (!r) return Fail(r.error());
  std::cout << "ledger secret version " << r->ledger_secret_version() << " from version " << r->version() << "\n";
  return kExitOk;
}

int ChangeMembership(rpc::RpcClient& client, const ClientArgs& a, bool trust) {
  auto r = trust ? client.Trust(a.node_id) : client.Retire(a.node_id);
  if (!r) return Fail(r.error());
  std::cout << "node " << a.node_id << (trust ? " trusted" : " retired") << " at version " << r->version() << "\n";
  return kExitOk;
}

// Registers one client command whose work is `run` with a client of --node.
CLI::App* AddRequest(CLI::App& client, const char* name, const char* summary, CommandRun& selected,
                     const std::shared_ptr<ClientArgs>& args,
                     std::function<int(rpc::RpcClient&, const ClientArgs&)> run) {
  CLI::App* sub = client.add_subcommand(name, summary);
  SetDetails(*sub, "Requests to a follower are redirected to the leader.\n");
  RunWhenParsed(*sub, selected, [args, run = std::move(run)] {
    rpc::RpcClient c(args->node);
    return run(c, *args);
  });
  return sub;
}

}  // namespace

void AddClientCommand(CLI::App& root, CommandRun& selected) {
  auto args = std::make_shared<ClientArgs>();
  CLI::App* client = root.add_subcommand("client", "submit transactions to / read values from a service");
  SetDetails(*client,
             "Each command is one request to the node at --node (host:port of its rpc_address).\n"
             "Requests to a follower are redirected to the leader.\n");
  client->add_option("--node", args->node, "host:port of a node's rpc_address")
      ->type_name("ADDRESS")
      ->required()
      ->check(NotAnOption());
  client->fallthrough();  // --node may also follow the command
  client->require_subcommand(0, 1);  // one request per call (none: main says which exist)

  CLI::App* put = AddRequest(*client, "put", "commit one write", selected, args, Put);
  put->add_option("TABLE", args->table)->required();
  put->add_option("KEY", args->key)->required();
  put->add_option("VALUE", args->value)->required();
  put->add_flag("--private", args->private_domain, "write to the private (encrypted) domain");

  CLI::App* get = AddRequest(*client, "get", "read a value (exits 1 when the key is not there)", selected, args, Get);
  get->add_option("TABLE", args->table)->required();
  get->add_option("KEY", args->key)->required();
  get->add_option("--min-version", args->min_version, "wait until the node applied version N")
      ->type_name("N")
      ->check(NumberIn(0, std::numeric_limits<uint64_t>::max()));

  AddRequest(*client, "rotate", "rotate the ledger secret", selected, args,
             [](rpc::RpcClient& c, const ClientArgs&) { return Rotate(c); });
  AddRequest(*client, "status", "the node's view of the service and of every raft voter", selected, args,
             [](rpc::RpcClient& c, const ClientArgs&) { return Status(c); });
  CLI::App* submit = AddRequest(*client, "submit-share",
                                "give a recovering node your recovery share (node --recover --await-shares)",
                                selected, args, SubmitShare);
  submit->add_option("--share", args->share_file, "the share file `ledgerseal operator decrypt-share` wrote")
      ->type_name("FILE")
      ->required()
      ->check(NotAnOption());
  CLI::App* add = AddRequest(*client, "add-member", "add a recovery member (rotates: one transaction)", selected,
                             args, AddMember);
  add->add_option("NAME", args->member, "the member's name ([A-Za-z0-9._-], 1-64 bytes)")->required();
  add->add_option("--key", args->member_key, "the member's NAME.pub.pem (ledgerseal operator keygen)")
      ->type_name("FILE")
      ->required()
      ->check(NotAnOption());
  CLI::App* remove = AddRequest(*client, "remove-member",
                                "remove a recovery member (rotates: it holds no share of later secrets)", selected,
                                args, [](rpc::RpcClient& c, const ClientArgs& a) {
                                  recovery::v1::RecoveryMembersChange change;
                                  change.set_remove_member(a.member);
                                  return ChangeMembers(c, std::move(change), a.threshold);
                                });
  remove->add_option("NAME", args->member, "the member's name")->required();
  for (CLI::App* sub : {add, remove}) {
    sub->add_option("--threshold", args->threshold, "the threshold afterwards (default: unchanged)")
        ->type_name("K")
        ->check(NumberIn(1, recovery::kMaxMembers));
  }
  CLI::App* threshold = AddRequest(*client, "set-threshold", "set how many members recover (rotates)", selected, args,
                                   [](rpc::RpcClient& c, const ClientArgs& a) {
                                     return ChangeMembers(c, recovery::v1::RecoveryMembersChange(), a.threshold);
                                   });
  threshold->add_option("K", args->threshold, "members needed to recover")
      ->required()
      ->check(NumberIn(1, recovery::kMaxMembers));
  CLI::App* trust = AddRequest(*client, "trust", "trust a joined node (it receives the secrets)", selected, args,
                               [](rpc::RpcClient& c, const ClientArgs& a) { return ChangeMembership(c, a, true); });
  trust->add_option("NODE_ID", args->node_id)->required();
  CLI::App* retire = AddRequest(*client, "retire", "retire a node (rotates the ledger secret)", selected, args,
                                [](rpc::RpcClient& c, const ClientArgs& a) { return ChangeMembership(c, a, false); });
  retire->add_option("NODE_ID", args->node_id)->required();
}

}  // namespace ledgerseal::tools
