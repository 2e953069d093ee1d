// Fuzz target: what a host or a submitter controls in the recovery-shares
// path (docs/RECOVERY_SHARES.md) — the `recovery.members` and
// `recovery.shares` values in the ledger, a member's share file, and a
// members change request — must
// parse to a value or a typed SealingError, never a crash. The record goes
// through both readers of it: a member opening its share, and a recovering
// node combining shares under a pin.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/check.h"
#include "crypto/public/ecies.h"
#include "plugin/public/recovery_shares.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace recovery = ::ledgerseal::recovery;
  // One member key for the whole run: generating it per input would be
  // most of the cost. Random bytes never verify, so which key does not
  // matter beyond the parse and the signature check.
  static const auto member_key = ledgerseal::crypto::EcdhPrivateKey::Generate();
  LEDGERSEAL_CHECK(member_key.has_value());
  const std::span<const uint8_t> bytes(data, size);
  auto config = recovery::ParseRecoveryConfig(bytes);
  // A members change arrives from the network (a client's rotate request).
  (void)recovery::ApplyMembersChange(nullptr, bytes);
  if (config) (void)recovery::ApplyMembersChange(&*config, bytes);
  (void)recovery::DecryptMemberShare(bytes, *member_key);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto share = recovery::DecodeMemberShareFile(text);
  if (share) {
    // A decoded share file against a record of the same bytes: the
    // combine path's checks before any share counts.
    (void)recovery::RecoverFromMemberShares(bytes, std::span(&*share, 1), share->service_id);
  }
  (void)recovery::RecoverFromMemberShares(bytes, {}, "0123456789abcdef0123456789abcdef");
  return 0;
}
