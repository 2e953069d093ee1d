// Recovery members' shares submitted to a recovering node over the network
// (`ledgerseal client submit-share`), for the recovery hook that waits for
// them (docs/RECOVERY_SHARES.md, "Submitting shares"). The host carries the
// submissions as opaque bytes to Submit and shows Progress; the hook reads
// the newest record, opens a SharesCollector on it, and waits here until
// enough valid shares arrived, the deadline passed, or the node is stopped.
#ifndef LEDGERSEAL_PLUGIN_LOCAL_SEALING_PUBLIC_SHARES_INBOX_H_
#define LEDGERSEAL_PLUGIN_LOCAL_SEALING_PUBLIC_SHARES_INBOX_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/public/hooks.h"
#include "plugin/public/recovery_shares.h"

namespace ledgerseal::sealing {

// Thread safety: every method may be called from any thread; Submit and
// Progress typically from RPC threads while Await runs on the recovery
// thread.
class SharesInbox {
 public:
  // `wait_ms`: how long Await waits for enough shares, from when it starts.
  // `stop` (may be null; must outlive the inbox): set, it ends the wait.
  SharesInbox(uint64_t wait_ms, const std::atomic<bool>* stop);

  // One share file's text (docs/RECOVERY_SHARES.md, "Share files"). Once
  // the record is known the share is checked at once; before, it is kept
  // and checked when the record is read. Returns the line for the submitter,
  // e.g. "accepted bob's share: 2 of 2 shares of ledger secret 3; recovering".
  // Errors: kInvalidArgument (not a share file; or rejected, naming the
  // member and why: it is not counted); kUnavailable (the node is not
  // waiting for shares: it finished, gave up, or never needed them).
  // The text is not kept; the decoded share is wiped when no longer needed.
  kv::Result<std::string> Submit(std::string_view share_file_text);

  // One line for a status request: what the node waits for and has.
  std::string Progress() const;

  // No more shares: the recovery ended without waiting for them (e.g. local
  // unsealing succeeded). Wipes shares still queued; Submit then answers
  // kUnavailable. A no-op once Await has begun (it ends the inbox itself).
  // Idempotent.
  void Close(const std::string& outcome);

  // The hook's side: takes the collector for the newest record, checks the
  // shares submitted so far, and waits until it is complete. Returns it
  // complete. Errors: kRecoveryFailed when the deadline passes or the stop
  // flag is set first (the message says how many of how many, and every
  // rejection). Called once; afterwards Submit answers kUnavailable.
  kv::Result<recovery::SharesCollector> Await(recovery::SharesCollector collector, kv::Version record_version,
                                               const std::function<void(std::string_view)>& log);

 private:
  enum class State { kWaitingForRecord, kCollecting, kDone };
  std::string ProgressLocked() const;

  const std::chrono::milliseconds wait_;
  const std::atomic<bool>* stop_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  State state_ = State::kWaitingForRecord;
  std::vector<recovery::MemberShareFile> queued_;  // before the record is known
  std::optional<recovery::SharesCollector> collector_;
  kv::Version record_version_ = 0;
  std::chrono::steady_clock::time_point deadline_{};
  std::string outcome_;  // when kDone: how it ended
};

// The recovery hook that waits for shares in `inbox`: otherwise as
// NewRecoverySharesHook (the newest record, the pin required, the same
// errors and audit record), with Await's errors.
std::shared_ptr<kv::RecoveryHook> NewAwaitingRecoverySharesHook(std::shared_ptr<SharesInbox> inbox,
                                                                std::function<void(std::string_view)> log);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_LOCAL_SEALING_PUBLIC_SHARES_INBOX_H_
