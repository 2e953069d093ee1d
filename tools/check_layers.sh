#!/usr/bin/env bash
# Checks the layering docs/ARCHITECTURE.md describes, with Bazel itself:
#  1. `bazel query`: no dependency from the plugin to the reference host or
#     back, and nothing below the plugin/host pair depends on either;
#  2. .bazelrc compiles every folder of the project with -Werror;
#  3. visibility: a probe package outside the allowed places that depends on
#     a reference-host or plugin-internal library is refused; one that
#     depends only on public targets is accepted.
# Run from anywhere in the repository: tools/check_layers.sh. .ci/run runs it.
set -uo pipefail
cd "$(dirname "$0")/.."

host='//kvstore_adapter/reference_host/... + //kvstore_adapter/store/... + //kvstore_adapter/ledger/...'
below='//base/... + //crypto/... + //snp/... + //kvstore_adapter:all + //kvstore_adapter/host_support/... + //kvstore_adapter/local_host/... + //kvstore_adapter/conformance/...'
failures=0

check_empty() {  # name, query
  local out
  if ! out=$(bazel query --noshow_progress "$2" 2>/tmp/check_layers.err); then
    echo "check_layers: query failed for '$1':" >&2
    cat /tmp/check_layers.err >&2
    failures=$((failures + 1))
    return
  fi
  if [[ -n "$out" ]]; then
    echo "check_layers: FAIL $1:" >&2
    echo "$out" | head -20 >&2
    failures=$((failures + 1))
  else
    echo "check_layers: ok   $1"
  fi
}

check_empty "plugin does not depend on the reference host" "deps(//plugin/...) intersect ($host)"
check_empty "the reference host does not depend on the plugin" "deps($host) intersect //plugin/..."
check_empty "the lower layers depend on neither" "deps($below) intersect (//plugin/... + $host + //tools/... + //integration/...)"
check_empty "nothing but tools/ and integration/ depends on both" \
  "rdeps(//..., //plugin/...) intersect rdeps(//..., $host) except (//tools/... + //integration/... + //:ledgerseal)"

# -Wall -Wextra -Werror (.bazelrc's per_file_copt) covers every top-level
# folder with C++ sources of the project's own.
werror=$(grep -oE 'per_file_copt=\^\([a-z_|]+\)' .bazelrc | head -1)
for top in $(git ls-files '*.cc' | cut -d/ -f1 | sort -u); do
  case "$top" in third_party|examples) continue ;; esac
  if [[ "$werror" != *"$top"* ]]; then
    echo "check_layers: FAIL $top/ is not compiled with -Werror (.bazelrc per_file_copt)" >&2
    failures=$((failures + 1))
  fi
done
[[ -n "$werror" ]] && echo "check_layers: ok   every top-level folder is compiled with -Wall -Wextra -Werror"

# Visibility probes: a throwaway package at the top of the workspace.
probe=layer_probe_$$
trap 'rm -rf "$probe"' EXIT
mkdir "$probe"
cat > "$probe/BUILD.bazel" <<'BUILD'
cc_library(name = "uses_reference_host", deps = ["//kvstore_adapter/reference_host/host"])
cc_library(name = "uses_store", deps = ["//kvstore_adapter/store"])
cc_library(name = "uses_plugin_internal", deps = ["//plugin:sealing_cc_proto"])
cc_library(name = "uses_public_api", deps = [
    "//kvstore_adapter:interface",
    "//kvstore_adapter/local_host",
    "//plugin/local_sealing",
    "//plugin:sealing",
])
BUILD
for target in uses_reference_host uses_store uses_plugin_internal; do
  if bazel build --nobuild --noshow_progress "//$probe:$target" >/tmp/check_layers.err 2>&1; then
    echo "check_layers: FAIL //$probe:$target was allowed" >&2
    failures=$((failures + 1))
  elif grep -q "is not visible from target" /tmp/check_layers.err; then
    echo "check_layers: ok   a probe package depending on ${target#uses_} is refused by visibility"
  else
    echo "check_layers: FAIL //$probe:$target failed for another reason:" >&2
    tail -5 /tmp/check_layers.err >&2
    failures=$((failures + 1))
  fi
done
if bazel build --nobuild --noshow_progress "//$probe:uses_public_api" >/tmp/check_layers.err 2>&1; then
  echo "check_layers: ok   a probe package may use the public API"
else
  echo "check_layers: FAIL the public API is not usable from another package:" >&2
  tail -5 /tmp/check_layers.err >&2
  failures=$((failures + 1))
fi
rm -f /tmp/check_layers.err
exit $((failures > 0))
