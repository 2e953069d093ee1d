// TEST ONLY: the endorsement vectors of testdata/vectors/sealing_v3.json
// (docs/SERVICE_IDENTITY.md §5, §8): TEST KEY 1's genesis record, and the
// record of its successor (TEST KEY 2) endorsed by it — correctly, or broken
// in one way. Written with host_support's ServiceKey::Endorse, checked with
// kv::VerifyServiceRecord and by an independent verifier.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_ENDORSEMENT_CASE_H_
#define LEDGERSEAL_PLUGIN_VECTORS_ENDORSEMENT_CASE_H_

#include <span>
#include <string_view>

#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/result.h"

namespace ledgerseal::vectors {

enum class EndorsementDefect {
  kNone,
  kWrongKey,         // endorsed by TEST KEY 3 instead of the predecessor's key 1
  kWrongCount,       // recovery_count 2 after a genesis (0), endorsed by key 1
  kWrongTailDigest,  // recovered_tail_digest is not the digest of entry recovered_to, endorsed by key 1
};

struct EndorsementSpec {
  std::string_view id;
  std::string_view description;
  EndorsementDefect defect = EndorsementDefect::kNone;
};

// In file order; ids unique. Valid for the program's lifetime.
std::span<const EndorsementSpec> AllEndorsementSpecs();

// The ledger version of the successor's write (0x65), the version it
// recovered to (0x64), and the digest of the entry there (32 zero bytes):
// the worked example of SERVICE_IDENTITY.md §8.
inline constexpr uint64_t kSuccessorVersion = 0x65;

// The vector for `spec`; checks that kv::VerifyServiceRecord gives the
// outcome it documents. Errors: a message naming the case. Thread-safe.
Result<Json> GenerateEndorsementCase(const EndorsementSpec& spec);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_ENDORSEMENT_CASE_H_
