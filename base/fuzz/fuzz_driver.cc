// The main() of every *_fuzz_test in ordinary builds (GCC, `bazel test`): a
// short, deterministic run of the target's LLVMFuzzerTestOneInput over
// inputs derived from a fixed-seed generator — lengths around every size
// boundary, random bytes, and mutations (flips, truncations, insertions) of
// earlier inputs. Under `--config=fuzz` (clang-16, libFuzzer) this file is
// not linked and libFuzzer's main() runs the same target, coverage-guided
// (docs/FUZZING.md).
//
// Arguments: seed files (the target's `seeds` in BUILD, from testdata/fuzz/):
// each is run as is first, then mutated like the generated inputs.
// Environment: LEDGERSEAL_FUZZ_RUNS (default 20000) inputs after the seeds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  const char* runs_text = std::getenv("LEDGERSEAL_FUZZ_RUNS");
  const long runs = runs_text != nullptr ? std::strtol(runs_text, nullptr, 10) : 20000;
  std::mt19937_64 random(0x6c656467657273ull);  // fixed: a failure reproduces
  std::vector<std::vector<uint8_t>> pool = {{}};
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "fuzz driver: cannot read seed %s\n", argv[i]);
      return 1;
    }
    std::vector<uint8_t> seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(seed.data(), seed.size());
    pool.push_back(std::move(seed));
  }
  for (long run = 0; run < runs; ++run) {
    std::vector<uint8_t> input;
    const unsigned kind = random() % 4;
    if (kind == 0 || pool.empty()) {  // fresh random bytes, biased to small sizes
      const size_t size = random() % (random() % 2 ? 64 : 4096);
      input.resize(size);
      for (auto& b : input) b = static_cast<uint8_t>(random());
    } else {  // a mutation of an earlier input
      input = pool[random() % pool.size()];
      const unsigned edits = 1 + random() % 4;
      for (unsigned e = 0; e < edits; ++e) {
        const unsigned op = random() % 3;
        if (op == 0 && !input.empty()) {
          input[random() % input.size()] ^= static_cast<uint8_t>(1u << (random() % 8));
        } else if (op == 1 && !input.empty()) {
          input.resize(random() % input.size());
        } else {
          const size_t at = input.empty() ? 0 : random() % (input.size() + 1);
          input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(random()));
        }
      }
    }
    LLVMFuzzerTestOneInput(input.data(), input.size());
    if (pool.size() < 256) {
      pool.push_back(std::move(input));
    } else {
      pool[random() % pool.size()] = std::move(input);
    }
  }
  std::printf("fuzz driver: %d seeds and %ld inputs, no crash\n", argc - 1, runs);
  return 0;
}
