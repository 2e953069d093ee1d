// Recovery's replay, pipelined: verification on one thread, the store's
// writes on the caller's (replay.h).
#include "kvstore_adapter/reference_host/recovery/replay.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/check.h"
#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/recovery/service_chain.h"

namespace ledgerseal::kv::recovery_internal {
namespace {

// A run is handed to the store when it holds this many entries or bytes:
// large enough that one WriteBatch per run costs little per entry, small
// enough that the verifier and the store stay busy together.
constexpr size_t kRunEntries = 256;
constexpr size_t kRunBytes = 4u << 20;
// Verified runs waiting for the store: bounds the memory the verifier can
// get ahead by (about kQueuedRuns * kRunBytes).
constexpr size_t kQueuedRuns = 4;

std::unexpected<Error> Failed(const std::string& what, const Error& cause) {
  return MakeError(ErrorCode::kRecoveryFailed, what + ": " + cause.ToString());
}

// The secret in force after an entry: its own, or the next one if it
// rotates — except an entry that starts a service (genesis or a recovery's
// first: it writes ledger.service), which is already under its new secret
// (FORMAT.md §10.4).
uint64_t SecretAfter(const entry::DecodedEntry& entry) {
  const bool rotates = (entry.header.flags & entry::kFlagRotation) != 0;
  const bool starts_service =
      entry.writes.Find(membership::kServiceTable.name, AsBytes(membership::kServiceKey)) != nullptr;
  return rotates && !starts_service ? entry.header.ledger_secret_version + 1 : entry.header.ledger_secret_version;
}

// After replay (docs/SERVICE_IDENTITY.md §6.4): the ledger ends in the
// service whose material the hook authenticated, the one the operator
// pinned, and holding that service's key.
Status CheckEnd(const RecoverOptions& options, const RecoveredSecret& secret, const ServiceRecord& last) {
  auto broken = [](const std::string& what) {
    return MakeError(ErrorCode::kRecoveryFailed, "broken_endorsement at the end of the ledger: " + what);
  };
  if (secret.previous_service_id != last.service_id) {
    return broken("the recovery hook's material is of service '" + secret.previous_service_id +
                  "', the ledger ends in service " + last.service_id);
  }
  if (const auto& pin = options.context.expected_previous_service_id; !pin.empty() && pin != last.service_id) {
    return MakeError(ErrorCode::kRecoveryFailed, "wrong_service: the ledger ends in service " + last.service_id +
                                                     ", not the expected previous service " + pin);
  }
  SnapshotTransaction tx(nullptr, options.store->Snapshot());
  auto key = membership::GetServiceKey(tx);
  if (!key) return broken("the service identity key: " + key.error().ToString());
  if (key->identity().public_key_der != last.identity_public_key_der) {
    return broken("the stored service identity key is not service " + last.service_id + "'s");
  }
  return {};
}

// Verified entries, in order, waiting for the store.
struct Run {
  Version first = kNoVersion;
  std::vector<WriteSet> writes;
  uint64_t bytes = 0;
};

// One producer (the verifier), one consumer (the store). Bounded.
class RunQueue {
 public:
  // False when the consumer gave up (the run is dropped).
  bool Push(Run run) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return runs_.size() < kQueuedRuns || cancelled_; });
    if (cancelled_) return false;
    runs_.push_back(std::move(run));
    changed_.notify_all();
    return true;
  }
  // nullopt once the producer closed the queue and it is empty.
  std::optional<Run> Pop() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return !runs_.empty() || closed_; });
    if (runs_.empty()) return std::nullopt;
    Run run = std::move(runs_.front());
    runs_.pop_front();
    changed_.notify_all();
    return run;
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }
  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Run> runs_;
  bool closed_ = false;
  bool cancelled_ = false;
};

// The verifier's state and checks, entry by entry (run on its own thread).
class Verifier {
 public:
  Verifier(const secrets::LedgerSecrets& secrets, const RecoveredSecret& recovered)
      : secrets_(secrets), recovered_(recovered) {}

  // The writes of entry `v` once it verified, chains and fits the service
  // chain; otherwise the error.
  Result<WriteSet> Check(Version v, ByteView bytes) {
    auto decoded = entry::DecodeAndVerifyWith(bytes, [&](uint64_t s) { return secrets_.Get(s); });
    if (!decoded) {
      const bool unknown = decoded.error().code == ErrorCode::kNotFound;
      return Failed("entry " + std::to_string(v) +
                        (unknown ? " needs an unknown ledger secret" : " failed verification"),
                    decoded.error());
    }
    if (decoded->header.version != v) {
      return MakeError(ErrorCode::kRecoveryFailed, "entry " + std::to_string(v) + " claims version " +
                                                       std::to_string(decoded->header.version));
    }
    // A genuine entry of another history (e.g. a proposal that lost its
    // version) verifies; only the chain tells it apart.
    if (decoded->header.previous_entry_digest != previous_digest_) {
      return MakeError(ErrorCode::kRecoveryFailed, "entry " + std::to_string(v) + " does not follow entry " +
                                                       std::to_string(v - 1) + " (previous_entry_digest mismatch)");
    }
    auto digest = entry::EntryDigest(bytes);
    if (!digest) return Failed("hashing entry " + std::to_string(v), digest.error());
    previous_digest_ = std::move(*digest);
    if (auto s = chain_.OnEntry(v, previous_digest_, *decoded); !s) return std::unexpected(s.error());
    if (auto s = TrackNodes(v, decoded->writes); !s) return std::unexpected(s.error());
    if (v == recovered_.found_at_version && SecretAfter(*decoded) != recovered_.ledger_secret_version) {
      return MakeError(ErrorCode::kRecoveryFailed,
                       "the recovery hook's secret " + std::to_string(recovered_.ledger_secret_version) +
                           " is not the secret in force after entry " + std::to_string(v) + " (" +
                           std::to_string(SecretAfter(*decoded)) + ")");
    }
    return std::move(decoded->writes);
  }

  const ServiceChainCheck& chain() const { return chain_; }

  // The node ids not retired after the entries checked so far, sorted.
  std::vector<std::string> configuration() const {
    std::vector<std::string> out;
    for (const auto& [id, active] : nodes_) {
      if (active) out.push_back(id);
    }
    return out;
  }

 private:
  // Follows ledger.nodes through the authenticated writes, so that the
  // configuration a recovering node signs never comes from the store it
  // reads back from disk.
  Status TrackNodes(Version v, const WriteSet& writes) {
    const auto table = writes.tables().find(membership::kNodesTable.name);
    if (table == writes.tables().end()) return {};
    for (const auto& [key, value] : table->second.writes) {
      const std::string id(AsString(key));
      if (!value) {
        nodes_.erase(id);
        continue;
      }
      ::ledgerseal::ledger::v1::NodeInfo info;
      if (!info.ParseFromArray(value->data(), static_cast<int>(value->size()))) {
        return MakeError(ErrorCode::kRecoveryFailed,
                         "entry " + std::to_string(v) + ": the ledger.nodes record of '" + id + "' does not parse");
      }
      nodes_[id] = info.status() != ::ledgerseal::ledger::v1::NodeInfo::RETIRED;
    }
    return {};
  }


  const secrets::LedgerSecrets& secrets_;
  const RecoveredSecret& recovered_;
  ServiceChainCheck chain_;
  std::map<std::string, bool> nodes_;  // node id -> not retired
  // The digest of the entry before the next (docs/FORMAT.md §10.3): entry
  // 1 follows nothing (replay starts at version 1).
  Bytes previous_digest_;
};

bool Stopped(const RecoverOptions& options) {
  return options.stop != nullptr && options.stop->load(std::memory_order_relaxed);
}

}  // namespace

Status Replay(const RecoverOptions& options, const ledger::LedgerView& view, const secrets::LedgerSecrets& secrets,
              const RecoveredSecret& recovered, RecoverResult& result) {
  auto first = view.first_version();
  if (!first) return Failed("reading the ledger files", first.error());
  const uint64_t total = view.last_version() - *first + 1;
  Verifier verifier(secrets, recovered);
  RunQueue queue;
  Status verified;  // the verifier's outcome; read after join
  std::thread verifying([&] {
    // Whatever happens here, the queue closes: the caller's loop ends.
    try {
      Run run;
      auto hand_over = [&]() -> bool {
        if (run.writes.empty()) return true;
        const bool taken = queue.Push(std::move(run));
        run = Run{};
        return taken;
      };
      auto walked = view.ForEach(*first, [&](Version v, ByteView bytes) {
        if (Stopped(options)) {
          verified =
              MakeError(ErrorCode::kAborted, "recovery stopped during replay, before entry " + std::to_string(v));
          return false;
        }
        auto writes = verifier.Check(v, bytes);
        if (!writes) {
          verified = std::unexpected(writes.error());
          return false;
        }
        if (run.writes.empty()) run.first = v;
        run.writes.push_back(std::move(*writes));
        run.bytes += bytes.size();
        if (run.writes.size() >= kRunEntries || run.bytes >= kRunBytes) return hand_over();
        return true;
      });
      if (!walked && verified) verified = Failed("reading the ledger files", walked.error());
      if (verified) hand_over();  // the last, partial run
    } catch (const std::exception& e) {
      verified = MakeError(ErrorCode::kInternal, std::string("replay's verifier: ") + e.what());
    }
    queue.Close();
  });
  // Any exit from here on (an exception from the store or a callback
  // included) stops the verifier and joins it: a joinable thread must not
  // be destroyed.
  struct StopAndJoin {
    RunQueue& queue;
    std::thread& thread;
    ~StopAndJoin() {
      if (thread.joinable()) {
        queue.Cancel();
        thread.join();
      }
    }
  } stop_and_join{queue, verifying};

  Status applied;
  uint64_t reported = 0;
  // Bounded by the runs the verifier hands over (the ledger's length).
  while (auto run = queue.Pop()) {
    if (Stopped(options)) {
      applied = MakeError(ErrorCode::kAborted, "recovery stopped during replay, before entry " +
                                                   std::to_string(run->first) + " was applied");
      queue.Cancel();
      break;
    }
    if (auto a = options.store->ApplyRun(run->first, run->writes); !a || !*a) {
      applied = MakeError(ErrorCode::kRecoveryFailed,
                          "store refused entries " + std::to_string(run->first) + ".." +
                              std::to_string(run->first + run->writes.size() - 1) +
                              (a ? "" : ": " + a.error().ToString()));
      queue.Cancel();
      break;
    }
    result.replayed_to = run->first + run->writes.size() - 1;
    result.entries_replayed += run->writes.size();
    result.bytes_replayed += run->bytes;
    if (options.progress && result.entries_replayed / options.progress_every != reported / options.progress_every) {
      options.progress(result.entries_replayed, total);
    }
    reported = result.entries_replayed;
  }
  verifying.join();
  // A ledger that failed verification says so, whatever the store or the
  // stop flag then did.
  if (!verified && verified.error().code != ErrorCode::kAborted) return verified;
  if (!applied) return applied;
  if (!verified) return verified;
  if (options.progress) options.progress(result.entries_replayed, total);
  if (Stopped(options)) {
    return MakeError(ErrorCode::kAborted, "recovery stopped during replay, after its last entry");
  }
  // Every entry was seen and applied, so the chain check saw a genesis
  // record (or failed).
  LEDGERSEAL_CHECK(result.replayed_to == view.last_version());
  LEDGERSEAL_CHECK(verifier.chain().last_record().has_value() && !verifier.chain().last_entry_digest().empty());
  if (auto s = CheckEnd(options, recovered, *verifier.chain().last_record()); !s) return s;
  result.last_service = *verifier.chain().last_record();
  result.service_chain = verifier.chain().chain();
  result.configuration = verifier.configuration();
  result.last_entry_digest = verifier.chain().last_entry_digest();
  return {};
}

}  // namespace ledgerseal::kv::recovery_internal
