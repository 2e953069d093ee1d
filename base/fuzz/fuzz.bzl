"""ledgerseal_fuzz_test: one fuzz target (LLVMFuzzerTestOneInput), run two ways.

`bazel test //...` (GCC): a cc_test whose main() (base/fuzz/fuzz_driver.cc)
runs the target over 20,000 deterministic generated and mutated inputs; any
crash, sanitizer report (--config=asan) or trap fails it.
`bazel run --config=fuzz //pkg:name -- -runs=N` (clang-16, ASan, UBSan): the
same sources linked with libFuzzer (-fsanitize=fuzzer), coverage-guided.
docs/FUZZING.md has the commands and figures.

`seeds`: labels of seed files (testdata/fuzz/), run first and then mutated
by the driver; under libFuzzer they are the inputs it runs (a regression
pass; a campaign copies them into its corpus directory).
"""

def ledgerseal_fuzz_test(name, srcs, deps = [], seeds = [], **kwargs):
    native.cc_test(
        name = name,
        srcs = srcs,
        data = seeds,
        args = ["$(locations %s)" % s for s in seeds],
        deps = deps + select({
            "//base/fuzz:libfuzzer": [],
            "//conditions:default": ["//base/fuzz:fuzz_driver"],
        }),
        linkopts = select({
            "//base/fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        size = "small",
        **kwargs
    )
