// `ledgerseal client --node ADDRESS COMMAND ...`: one request to a service.
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"
#include "tools/arguments.h"
#include "tools/command.h"
#include "tools/entry_points.h"

namespace ledgerseal::tools {
namespace {

namespace v1 = ::ledgerseal::rpc::v1;

struct ClientArgs {
  std::string node;
  bool private_domain = false;
  uint64_t min_version = 0;
  std::vector<std::string> words;  // the command and its operands
};

std::optional<ClientArgs> ParseClientArgs(std::span<const std::string_view> args) {
  ClientArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--node") {
      auto v = OptionValue("client", args, i);
      if (!v) return std::nullopt;
      out.node = std::string(*v);
    } else if (args[i] == "--private") {
      out.private_domain = true;
    } else if (args[i] == "--min-version") {
      auto v = NumberOption("client", args, i, 0, std::numeric_limits<uint64_t>::max());
      if (!v) return std::nullopt;
      out.min_version = *v;
    } else if (args[i].starts_with("--")) {
      UnexpectedArgument("client", args[i]);
      return std::nullopt;
    } else {
      out.words.emplace_back(args[i]);
    }
  }
  if (out.node.empty()) {
    std::cerr << "ledgerseal client: --node ADDRESS is required\n";
    return std::nullopt;
  }
  return out;
}

int Fail(const kv::Error& error) {
  std::cerr << "ledgerseal client: " << error.ToString() << "\n";
  return kExitFailure;
}

int Put(rpc::RpcClient& client, const ClientArgs& a) {
  v1::PutRequest put;
  auto* w = put.add_writes();
  w->set_table(a.words[1]);
  w->set_key(a.words[2]);
  w->set_value(a.words[3]);
  w->set_private_domain(a.private_domain);
  auto r = client.Put(put);
  if (!r) return Fail(r.error());
  std::cout << "committed at version " << r->version() << "\n";
  return kExitOk;
}

int Get(rpc::RpcClient& client, const ClientArgs& a) {
  v1::GetRequest get;
  get.set_table(a.words[1]);
  get.set_key(a.words[2]);
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

int Dispatch(rpc::RpcClient& client, const ClientArgs& a) {
  const auto& w = a.words;
  const std::string cmd = w.empty() ? "" : w[0];
  if (cmd == "put" && w.size() == 4) return Put(client, a);
  if (cmd == "get" && w.size() == 3) return Get(client, a);
  if (cmd == "status" && w.size() == 1) return Status(client);
  if (cmd == "rotate" && w.size() == 1) {
    auto r = client.Rotate();
    if (!r) return Fail(r.error());
    std::cout << "ledger secret version " << r->ledger_secret_version() << " from version "
              << r->version() << "\n";
    return kExitOk;
  }
  if ((cmd == "trust" || cmd == "retire") && w.size() == 2) {
    auto r = cmd == "trust" ? client.Trust(w[1]) : client.Retire(w[1]);
    if (!r) return Fail(r.error());
    std::cout << "node " << w[1] << " " << cmd << (cmd == "trust" ? "ed" : "d")
              << " at version " << r->version() << "\n";
    return kExitOk;
  }
  std::cerr << "ledgerseal client: expected put TABLE KEY VALUE | get TABLE KEY | rotate | "
               "status | trust NODE_ID | retire NODE_ID\n";
  return kExitUsage;
}

}  // namespace

int RunClientCommand(std::span<const std::string_view> args) {
  auto parsed = ParseClientArgs(args);
  if (!parsed) return kExitUsage;
  rpc::RpcClient client(parsed->node);
  return Dispatch(client, *parsed);
}

}  // namespace ledgerseal::tools
