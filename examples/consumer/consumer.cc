// A program outside ledgerseal: an in-memory single-node host with the
// local-sealing plugin's transaction hook, committing one value.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>

#include "kvstore_adapter/local_host/public/local_host.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/local_sealing/public/local_sealing.h"

namespace kv = ledgerseal::kv;
namespace sealing = ledgerseal::sealing;

namespace {

// Removes the directory (and the machine secret in it) on every exit path.
struct TempDir {
  std::filesystem::path path;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

int Fail(const kv::Error& error) {
  std::fprintf(stderr, "consumer: %s\n", error.ToString().c_str());
  return 1;
}

}  // namespace

int main() {
  // The `virtual` platform keeps its machine secret in a file; use a fresh
  // private directory for it.
  std::string dir_template = (std::filesystem::temp_directory_path() / "consumer.XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    std::perror("consumer: mkdtemp");
    return 1;
  }
  const TempDir dir{dir_template};

  sealing::LocalSealingOptions options;
  options.node_id = "n1";
  options.sealing_identity = "consumer-1";
  options.platform = "virtual";
  options.virtual_machine_secret_path = dir.path / "machine.secret";
  auto plugin = sealing::LocalSealing::Create(std::move(options));
  if (!plugin) return Fail(plugin.error());

  auto host = kv::LocalHost::Create({.node = {"n1", "consumer-1", "consumer-service"}});
  if (!host) return Fail(host.error());
  if (auto s = (*host)->RegisterTransactionHook("local-sealing", (*plugin)->transaction_hook()); !s) {
    return Fail(s.error());
  }

  auto tx = (*host)->BeginTransaction();
  if (!tx) return Fail(tx.error());
  constexpr kv::Table kGreetings{"consumer.greetings", kv::Domain::kPrivate};
  if (auto s = (*tx)->Put(kGreetings, kv::AsBytes("hello"), kv::AsBytes("world")); !s) {
    return Fail(s.error());
  }
  auto version = (*host)->Commit(std::move(*tx));
  if (!version) return Fail(version.error());

  std::printf("committed version %llu\n", static_cast<unsigned long long>(*version));
  return 0;
}
