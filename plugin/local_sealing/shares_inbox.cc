// SharesInbox: shares submitted to a recovering node, checked against the
// newest record as they arrive (public/shares_inbox.h).
#include "plugin/local_sealing/public/shares_inbox.h"

#include "base/text.h"
#include "plugin/local_sealing/sealing_hooks.h"

namespace ledgerseal::sealing {
namespace {

using Clock = std::chrono::steady_clock;
// How often Await looks at the stop flag while it waits.
constexpr std::chrono::milliseconds kStopPollMs{200};

}  // namespace

SharesInbox::SharesInbox(uint64_t wait_ms, const std::atomic<bool>* stop)
    : wait_(std::chrono::milliseconds(wait_ms)), stop_(stop) {}

std::string SharesInbox::ProgressLocked() const {
  switch (state_) {
    case State::kWaitingForRecord:
      return "reading the ledger; " + std::to_string(queued_.size()) + " share(s) received, checked once the newest " +
             "recovery.shares record is read";
    case State::kCollecting: {
      const auto left_s =
          std::chrono::duration_cast<std::chrono::seconds>(deadline_ - Clock::now()).count();
      std::string line = "waiting for recovery shares of ledger secret " +
                         std::to_string(collector_->ledger_secret_version()) + " of service " +
                         collector_->service_id() + " (record at version " + std::to_string(record_version_) +
                         "): " + std::to_string(collector_->valid_count()) + " of " +
                         std::to_string(collector_->threshold()) + " shares";
      if (collector_->valid_count() > 0) line += " (" + base::JoinedByCommas(collector_->valid_members()) + ")";
      if (!collector_->rejected().empty()) line += "; rejected " + base::JoinedByCommas(collector_->rejected());
      if (collector_->rejected_count() > collector_->rejected().size()) {
        line += " and " + std::to_string(collector_->rejected_count() - collector_->rejected().size()) + " more";
      }
      return line + "; deadline in " + std::to_string(left_s > 0 ? left_s : 0) + " s";
    }
    case State::kDone:
      return outcome_;
  }
  return "";
}

void SharesInbox::Close(const std::string& outcome) {
  std::lock_guard lock(mu_);
  // While Await collects, it owns the collector and ends the state itself.
  if (state_ != State::kWaitingForRecord) return;
  state_ = State::kDone;
  outcome_ = outcome;
  queued_.clear();  // MemberShareFile wipes its share
}

std::string SharesInbox::Progress() const {
  std::lock_guard lock(mu_);
  return ProgressLocked();
}

kv::Result<std::string> SharesInbox::Submit(std::string_view share_file_text) {
  auto share = recovery::DecodeMemberShareFile(share_file_text);
  if (!share) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument, "not a share file: " + share.error().ToString());
  }
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::kDone:
      return kv::MakeError(kv::ErrorCode::kUnavailable, "this node is not waiting for shares: " + outcome_);
    case State::kWaitingForRecord:
      // Bounded by the members of any record (64) times resubmissions; a
      // flood is refused rather than kept.
      if (queued_.size() >= 4 * recovery::kMaxMembers) {
        return kv::MakeError(kv::ErrorCode::kUnavailable, "too many shares queued before the record was read");
      }
      queued_.push_back(std::move(*share));
      return "received " + queued_.back().member_name + "'s share; it is checked once the node has read the newest " +
             "recovery.shares record";
    case State::kCollecting:
      break;
  }
  const std::string member = share->member_name;
  if (auto added = collector_->Add(*share); !added) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument, "rejected: " + added.error().message + " (not counted)");
  }
  changed_.notify_all();
  return "accepted " + member + "'s share: " + std::to_string(collector_->valid_count()) + " of " +
         std::to_string(collector_->threshold()) + " shares of ledger secret " +
         std::to_string(collector_->ledger_secret_version()) +
         (collector_->complete() ? "; recovering" : "; waiting for more");
}

kv::Result<recovery::SharesCollector> SharesInbox::Await(recovery::SharesCollector collector,
                                                         kv::Version record_version,
                                                         const std::function<void(std::string_view)>& log) {
  std::unique_lock lock(mu_);
  if (state_ != State::kWaitingForRecord) {
    return kv::MakeError(kv::ErrorCode::kRecoveryFailed, "recovery shares: the inbox was already used");
  }
  collector_ = std::move(collector);
  record_version_ = record_version;
  deadline_ = Clock::now() + wait_;
  state_ = State::kCollecting;
  std::vector<std::string> lines;
  for (const auto& share : queued_) {
    if (auto added = collector_->Add(share); !added) lines.push_back("rejected the share of " + added.error().message);
  }
  queued_.clear();  // MemberShareFile wipes its share
  lines.push_back(ProgressLocked() + " (ledgerseal client submit-share)");
  // Logged without the lock: a slow log must not hold up submissions.
  auto log_unlocked = [&](std::vector<std::string>& pending) {
    lock.unlock();
    for (const auto& line : pending) internal::Log(log, line);
    lock.lock();
    pending.clear();
  };
  log_unlocked(lines);
  size_t reported = collector_->valid_count() + collector_->rejected_count();
  // Bounded by the deadline; wakes every kStopPollMs for the stop flag.
  while (!collector_->complete()) {
    const auto now = Clock::now();
    const bool stopped = stop_ != nullptr && stop_->load();
    if (now >= deadline_ || stopped) {
      outcome_ = std::string(stopped ? "stopped" : "the deadline passed") + " while waiting: " +
                 std::to_string(collector_->valid_count()) + " of " + std::to_string(collector_->threshold()) +
                 " shares";
      if (!collector_->rejected().empty()) outcome_ += "; rejected " + base::JoinedByCommas(collector_->rejected());
      state_ = State::kDone;
      collector_.reset();  // wipes the shares
      return kv::MakeError(kv::ErrorCode::kRecoveryFailed, "recovery shares: " + outcome_);
    }
    changed_.wait_until(lock, std::min(deadline_, now + kStopPollMs));
    const size_t seen = collector_->valid_count() + collector_->rejected_count();
    if (seen != reported) {
      reported = seen;
      lines.push_back(ProgressLocked());
      log_unlocked(lines);
    }
  }
  outcome_ = "recovering from the shares of " + base::JoinedByCommas(collector_->valid_members());
  state_ = State::kDone;
  recovery::SharesCollector out = std::move(*collector_);
  collector_.reset();
  return out;
}

}  // namespace ledgerseal::sealing
