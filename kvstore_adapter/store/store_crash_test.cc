// Atomicity under a real crash: a child process applies large transactions
// spanning two tables until the parent kills it with SIGKILL; the reopened
// store must hold exactly the writes of its applied version, in both tables.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "base/testing/test_dir.h"
#include "kvstore_adapter/store/public/store.h"

namespace ledgerseal::kv {
namespace {

constexpr Table kA{"crash.a", Domain::kPublic};
constexpr Table kB{"crash.b", Domain::kPrivate};
constexpr int kKeysPerTable = 500;
constexpr Version kMaxVersions = 1'000'000;  // bound; the kill comes first

std::string ValueFor(Version v) { return "version-" + std::to_string(v) + std::string(64, 'x'); }

// Each version rewrites every key of both tables with a value naming it.
WriteSet WritesFor(Version v) {
  WriteSet ws;
  const std::string value = ValueFor(v);
  for (int i = 0; i < kKeysPerTable; ++i) {
    const std::string key = "key-" + std::to_string(i);
    (void)ws.Put(kA, AsBytes(key), AsBytes(value));
    (void)ws.Put(kB, AsBytes(key), AsBytes(value));
  }
  return ws;
}

[[noreturn]] void RunWriter(const std::filesystem::path& dir, const SecretBytes& key) {
  auto store = Store::Open(StoreOptions{.dir = dir, .encryption_key = &key, .sync_writes = false});
  if (!store) _exit(2);
  for (Version v = (*store)->applied_version() + 1; v < kMaxVersions; ++v) {
    if (!(*store)->Apply(v, WritesFor(v))) _exit(3);
  }
  _exit(0);
}

void ExpectExactlyVersion(const Store& store, Version v) {
  const Bytes expected = ToBytes(ValueFor(v));
  for (const Table& t : {kA, kB}) {
    for (int i = 0; i < kKeysPerTable; ++i) {
      auto got = store.Get(t.name, AsBytes("key-" + std::to_string(i)));
      ASSERT_TRUE(got && got->has_value()) << t.name << " key " << i;
      ASSERT_EQ(**got, expected) << t.name << " key " << i << " is not from version " << v;
    }
  }
}

TEST(StoreCrashTest, SigkillNeverLeavesAHalfAppliedTransaction) {
  const auto dir = ::ledgerseal::testing::TestDir();
  const SecretBytes key(std::vector<uint8_t>(32, 0x5a));
  Version last_seen = kNoVersion;
  constexpr int kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) RunWriter(dir, key);
    // Kill at a different point of the write stream each round.
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + 137 * round));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited early with " << WEXITSTATUS(status);

    auto store = Store::Open(StoreOptions{.dir = dir, .encryption_key = &key});
    ASSERT_TRUE(store) << store.error().ToString();
    const Version applied = (*store)->applied_version();
    ASSERT_GT(applied, last_seen) << "round " << round << " made no progress";
    ExpectExactlyVersion(**store, applied);
    std::printf("round %d: killed after version %llu\n", round, static_cast<unsigned long long>(applied));
    last_seen = applied;
  }
}

}  // namespace
}  // namespace ledgerseal::kv
