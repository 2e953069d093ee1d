#include <array>
#include <iostream>

#include "tools/command.h"
#include "tools/entry_points.h"

namespace ledgerseal::tools {
namespace {

constexpr std::array kCommands = {
    Command{"demo", "run a 3-node service, kill every node, recover it by local sealing",
            "usage: ledgerseal demo [--nodes N] [--txs N] [--rotations N] [--dir DIR] [--keep]\n"
            "                       [--lose-hardware]\n"
            "\n"
            "Starts a service of N nodes (default 3) as real processes on loopback, on the\n"
            "INSECURE virtual SNP platform; writes transactions, rotates the ledger secret,\n"
            "kills every node with SIGKILL, recovers one via local sealing and verifies\n"
            "every acknowledged transaction.\n"
            "\n"
            "  --nodes N       nodes in the service (default 3)\n"
            "  --txs N         transactions to write (default 500)\n"
            "  --rotations N   ledger secret rotations (default 2)\n"
            "  --dir DIR       one data directory per node under DIR/nK (default: a new\n"
            "                  temporary directory); created if missing; must be a\n"
            "                  directory this user can write\n"
            "  --keep          keep the nodes' data afterwards. Without it, a successful\n"
            "                  run removes only what the demo created: a DIR that existed\n"
            "                  keeps everything it held before\n"
            "  --lose-hardware the service also has 3 recovery members (2 to recover);\n"
            "                  after the outage every chip is lost, two members decrypt\n"
            "                  their shares and a node recovers on new hardware with\n"
            "                  --recover --shares (docs/RECOVERY_SHARES.md)\n",
            RunDemoCommand},
    Command{"node", "run one node of a service",
            "usage: ledgerseal node --config FILE [--recover [--shares FILE,FILE,...]]\n"
            "\n"
            "Runs one node in the foreground until SIGINT or SIGTERM. The JSON config names\n"
            "the node, its addresses and data_dir (see docs/REFERENCE_HOST.md):\n"
            "  - without join_address, it starts a new service (genesis);\n"
            "  - with join_address, it joins the service of the node at that address;\n"
            "  - with --recover, it recovers the service from data_dir/ledger: recovery\n"
            "    hooks produce the ledger secret, every entry is verified and replayed,\n"
            "    and the node starts a new service others can join;\n"
            "  - with --recover --shares, the secret comes from recovery members' share\n"
            "    files (the hardware is gone; docs/RECOVERY_SHARES.md): needs\n"
            "    expected_previous_service_identity in the config.\n"
            "A node cannot restart as itself: its keys live in memory only. The data_dir\n"
            "of a stopped node is for --recover; a fresh node needs an empty data_dir.\n"
            "A first start that fails before the node serves (e.g. its rpc or raft port is\n"
            "in use, or the join address does not answer) removes what it created in\n"
            "data_dir and nothing else, so the same command can simply be run again.\n",
            RunNodeCommand},
    Command{"client", "submit transactions to / read values from a service",
            "usage: ledgerseal client --node ADDRESS COMMAND\n"
            "\n"
            "commands:\n"
            "  put TABLE KEY VALUE [--private]  commit one write (private: encrypted domain)\n"
            "  get TABLE KEY [--min-version N]  read a value once the node applied version N\n"
            "  rotate                           rotate the ledger secret\n"
            "  status                           the node's view of the service\n"
            "  trust NODE_ID | retire NODE_ID   change a node's membership\n"
            "Requests to a follower are redirected to the leader. `get` of a key that is\n"
            "not there exits 1.\n",
            RunClientCommand},
    Command{"inspect", "show the sealing state of a node's ledger",
            "usage: ledgerseal inspect NODE_DATA_DIR [--json]\n"
            "                          [--expect-genesis-identity SERVICE_ID]\n"
            "                          [--expect-service-identity SERVICE_ID]\n"
            "\n"
            "Reads the node's ledger files (public writes only: no secret, no platform) and\n"
            "shows the service endorsement chain, the rotations, the sealed-shares records,\n"
            "which sealing identities can unseal the latest ledger secret, every sealed\n"
            "recovery key (platform, policy, TCB), trusted nodes without one, and how the\n"
            "last recovery got its secret.\n"
            "\n"
            "The service chain IS verified: each recovered service's record is signed by\n"
            "the identity before it, back to the genesis, and every entry must belong to\n"
            "the service the chain names there. Without a pin that proves the chain\n"
            "self-consistent only (a host could build a whole chain from a genesis of its\n"
            "own); --expect-genesis-identity makes it authenticated (--json:\n"
            "\"service_chain_genesis_pinned\": true). A broken or mis-pinned chain is printed\n"
            "as FAILED (--json: \"failures\": [{\"error\", \"version\", \"message\"}]) and\n"
            "inspect exits 1.\n"
            "\n"
            "Nothing else it shows is authenticated: offline, no key can check the other\n"
            "records (only the frames' checksums), so a host that rewrites the ledger files\n"
            "can alter them. Both renderings say so first (--json: \"authenticated\": false).\n"
            "Recovery authenticates every entry.\n",
            RunInspectCommand},
    Command{"recover", "offline recovery of a ledger directory into a store",
            "usage: ledgerseal recover --config FILE [--into DIR] [--shares FILE,FILE,...]\n"
            "\n"
            "Recovers the node's ledger (data_dir/ledger of the config) into a new store\n"
            "in DIR (default data_dir/offline-recovery-N) without starting a service:\n"
            "runs the recovery hooks (local unsealing as previous_local_sealing_identity),\n"
            "unwinds the chain of ledger secrets and replays every entry, verifying each.\n"
            "Reports the time to secret and the replay throughput. Writes nothing else;\n"
            "on failure DIR is removed.\n"
            "\n"
            "  --shares FILE,...  recover from recovery members' share files instead of\n"
            "                     local unsealing (the hardware is gone;\n"
            "                     docs/RECOVERY_SHARES.md): needs the config's\n"
            "                     expected_previous_service_identity, and at least the\n"
            "                     threshold of valid shares of the newest recovery.shares\n"
            "                     record; a wrong share is named and not counted\n",
            RunRecoverCommand},
    Command{"operator", "what a recovery member does with its key, offline",
            "usage: ledgerseal operator keygen --out NAME\n"
            "       ledgerseal operator decrypt-share --key NAME.key.pem --ledger DATA_DIR [--out FILE]\n"
            "\n"
            "Recovery members hold k-of-n shares of every ledger secret, for when the\n"
            "hardware that sealed it is gone (docs/RECOVERY_SHARES.md).\n"
            "\n"
            "  keygen          writes NAME.key.pem (the member's ECDH P-256 private key,\n"
            "                  mode 0600: keep it offline) and NAME.pub.pem (its public key,\n"
            "                  for the service's recovery_shares.members); never overwrites\n"
            "  decrypt-share   finds the newest recovery.shares record in DATA_DIR's ledger,\n"
            "                  checks its service signature, opens this member's share and\n"
            "                  checks it against its commitment; writes the share file to\n"
            "                  FILE (new, mode 0600) or stdout, and says on stderr which\n"
            "                  service and ledger secret it is for. Nothing else secret is\n"
            "                  printed.\n",
            RunOperatorCommand},
};

}  // namespace

std::span<const Command> AllCommands() { return kCommands; }

}  // namespace ledgerseal::tools
