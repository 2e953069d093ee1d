// `ledgerseal demo --chaos N` (issue 14): N trials of a total outage under
// load, each recovered by every node restarted together (coordinated
// recovery), every acknowledged write checked.
#ifndef LEDGERSEAL_TOOLS_DEMO_CHAOS_H_
#define LEDGERSEAL_TOOLS_DEMO_CHAOS_H_

#include <cstdint>
#include <filesystem>

namespace ledgerseal::tools {

// Runs `trials` trials under `root` (one directory each) with the
// `ledgerseal` executable `binary`, using `seed` for the random moments.
// Each trial: a 3-node service with local sealing (virtual platform), two
// clients writing while the leader rotates the secret, every node killed
// with SIGKILL at a random moment (the kills a few ms apart, in random
// order), every node restarted with `node --recover` and the others'
// addresses (docs/REFERENCE_HOST.md, "Coordinated recovery": the node with
// the longest ledger opens, the others join it), and every acknowledged
// write read back from the recovered service. The offline comparison of
// `inspect DIR DIR ...` is reported beside the nodes' own choice. Prints one line per trial
// and ends with "chaos: N trials, A acknowledged, L lost". Returns kExitOk
// only if nothing was lost and every trial recovered.
int RunChaos(const std::filesystem::path& binary, const std::filesystem::path& root, int trials, uint64_t seed);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_DEMO_CHAOS_H_
