#include <array>
#include <iostream>

#include "tools/command.h"

namespace ledgerseal::tools {
namespace {

// Commands whose implementation lands with a later part of the project say so
// plainly and exit non-zero, rather than pretending to work.
int NotBuiltYet(std::string_view command, std::string_view arrives_with) {
  std::cerr << "ledgerseal " << command << ": not built yet. It arrives with " << arrives_with
            << ".\n"
            << "What exists today: the adapter interface (kvstore_adapter/public), the encrypted\n"
            << "RocksDB store and a single-node host; run `bazel test //...` to exercise them.\n";
  return kExitNotBuilt;
}

int RunDemo(std::span<const std::string_view>) {
  return NotBuiltYet("demo", "local sealing end to end (a 3-node service, SIGKILL, recovery)");
}
int RunNode(std::span<const std::string_view>) {
  return NotBuiltYet("node", "the Raft-replicated reference host");
}
int RunClient(std::span<const std::string_view>) {
  return NotBuiltYet("client", "the Raft-replicated reference host");
}
int RunInspect(std::span<const std::string_view>) {
  return NotBuiltYet("inspect", "local sealing end to end");
}
int RunRecover(std::span<const std::string_view>) {
  return NotBuiltYet("recover", "local sealing end to end");
}

constexpr std::array kCommands = {
    Command{"demo", "run a 3-node service, kill every node, recover it by local sealing",
            "usage: ledgerseal demo [--nodes N] [--txs N] [--rotations N] [--dir DIR] [--keep]\n"
            "\n"
            "Starts a service of N nodes (default 3) as real processes on loopback, on the\n"
            "INSECURE virtual SNP platform; writes transactions, rotates the ledger secret,\n"
            "kills every node with SIGKILL, recovers one via local sealing and verifies\n"
            "every acknowledged transaction.\n",
            RunDemo},
    Command{"node", "run one node of a service", "usage: ledgerseal node --config FILE [--recover]\n",
            RunNode},
    Command{"client", "submit transactions to / read values from a service",
            "usage: ledgerseal client --node ADDRESS (put TABLE KEY VALUE | get TABLE KEY)\n",
            RunClient},
    Command{"inspect", "show the sealing state of a node's ledger",
            "usage: ledgerseal inspect NODE_DATA_DIR [--json]\n", RunInspect},
    Command{"recover", "offline recovery of a ledger directory into a store",
            "usage: ledgerseal recover --config FILE\n", RunRecover},
};

}  // namespace

std::span<const Command> AllCommands() { return kCommands; }

}  // namespace ledgerseal::tools
