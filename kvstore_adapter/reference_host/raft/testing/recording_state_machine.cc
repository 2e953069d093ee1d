#include "kvstore_adapter/reference_host/raft/testing/recording_state_machine.h"

namespace ledgerseal::replication::testing {
namespace {

void PutU64(kv::Bytes& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

bool GetU64(kv::ByteView& in, uint64_t& v) {
  if (in.size() < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(in[i]) << (8 * i);
  in = in.subspan(8);
  return true;
}

}  // namespace

kv::Result<kv::Bytes> RecordingStateMachine::Apply(kv::ByteView command) {
  std::lock_guard lock(mu_);
  ++apply_calls_;
  const std::string text(kv::AsString(command));
  if (text.starts_with("reject:")) {
    return kv::MakeError(kv::ErrorCode::kAborted, "command refused by the state machine");
  }
  const uint64_t position = commands_.size() + 1;
  if (fail_at_ != 0 && position == fail_at_) {
    return kv::MakeError(kv::ErrorCode::kIoError, "injected disk failure");
  }
  commands_.push_back(text);
  changed_.notify_all();
  kv::Bytes outcome;
  PutU64(outcome, position);
  return outcome;
}

kv::Result<kv::Bytes> RecordingStateMachine::Snapshot() {
  std::lock_guard lock(mu_);
  ++snapshots_;
  kv::Bytes image;
  PutU64(image, commands_.size());
  for (const std::string& c : commands_) {
    PutU64(image, c.size());
    image.insert(image.end(), c.begin(), c.end());
  }
  return image;
}

kv::Status RecordingStateMachine::Restore(kv::ByteView snapshot) {
  {
    std::lock_guard lock(mu_);
    if (fail_restores_) {
      return kv::MakeError(kv::ErrorCode::kCorruption, "injected restore failure");
    }
  }
  uint64_t n = 0;
  if (!GetU64(snapshot, n)) return kv::MakeError(kv::ErrorCode::kCorruption, "short snapshot");
  std::vector<std::string> restored;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t len = 0;
    if (!GetU64(snapshot, len) || snapshot.size() < len) {
      return kv::MakeError(kv::ErrorCode::kCorruption, "truncated snapshot");
    }
    restored.emplace_back(kv::AsString(snapshot.subspan(0, len)));
    snapshot = snapshot.subspan(len);
  }
  std::lock_guard lock(mu_);
  commands_ = std::move(restored);
  ++restores_;
  changed_.notify_all();
  return {};
}

void RecordingStateMachine::FailAtPosition(uint64_t position) {
  std::lock_guard lock(mu_);
  fail_at_ = position;
}

void RecordingStateMachine::FailRestores() {
  std::lock_guard lock(mu_);
  fail_restores_ = true;
}

std::vector<std::string> RecordingStateMachine::commands() const {
  std::lock_guard lock(mu_);
  return commands_;
}

uint64_t RecordingStateMachine::size() const {
  std::lock_guard lock(mu_);
  return commands_.size();
}

uint64_t RecordingStateMachine::apply_calls() const {
  std::lock_guard lock(mu_);
  return apply_calls_;
}

uint64_t RecordingStateMachine::snapshots() const {
  std::lock_guard lock(mu_);
  return snapshots_;
}

uint64_t RecordingStateMachine::restores() const {
  std::lock_guard lock(mu_);
  return restores_;
}

bool RecordingStateMachine::WaitForSize(uint64_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return commands_.size() >= n; });
}

uint64_t RecordingStateMachine::DecodePosition(const kv::Bytes& outcome) {
  kv::ByteView in(outcome);
  uint64_t v = 0;
  return GetU64(in, v) ? v : 0;
}

}  // namespace ledgerseal::replication::testing
