#!/usr/bin/env bash
# Checks that ledgerseal is consumable from another Bazel workspace: copies
# examples/consumer to a temporary directory outside the repository, points
# its WORKSPACE at this checkout (the only edit a consumer makes), then builds
# and runs //:consumer there and checks what it prints.
#
# Not a Bazel test: it runs Bazel itself, in a workspace of its own. The
# temporary workspace gets its own output base inside the temporary
# directory; the script shuts that server down and deletes everything on
# exit. Compiled actions are shared through ledgerseal's disk cache, so runs
# after the first are quick.
#
# Usage: tools/consumer_check.sh     (env: BAZEL, default `bazel`)
set -euo pipefail

bazel_bin="${BAZEL:-bazel}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
tmp_root="$(cd "${TMPDIR:-/tmp}" && pwd -P)"
case "${tmp_root}/" in
  "${repo}/"*)
    echo "consumer_check: TMPDIR (${tmp_root}) is inside the repository; set TMPDIR elsewhere" >&2
    exit 2
    ;;
esac

work="$(mktemp -d "${tmp_root}/ledgerseal-consumer-check.XXXXXX")"
consumer="${work}/consumer"
output_base="${work}/output_base"
bazel_in_consumer() {
  (cd "${consumer}" && "${bazel_bin}" --output_base="${output_base}" "$@")
}
cleanup() {
  if [[ -d "${output_base}" ]]; then
    bazel_in_consumer shutdown >/dev/null 2>&1 || true
    chmod -R u+w "${output_base}" 2>/dev/null || true
  fi
  rm -rf "${work}"
}
trap cleanup EXIT

# The example as a consumer would copy it (without any bazel-* convenience
# links left by a build in place).
cp -R "${repo}/examples/consumer" "${consumer}"
rm -f "${consumer}"/bazel-*

# The one edit: where ledgerseal is.
sed -i -E "s|^([[:space:]]*path = )\"[^\"]*\"|\1\"${repo}\"|" "${consumer}/WORKSPACE"
if ! grep -qF "path = \"${repo}\"" "${consumer}/WORKSPACE"; then
  echo "consumer_check: could not point ${consumer}/WORKSPACE at ${repo}" >&2
  exit 1
fi

echo "consumer_check: building and running //:consumer in ${consumer}" >&2
log="${work}/bazel.log"
status=0
output="$(bazel_in_consumer run \
  --disk_cache="${HOME}/.cache/ledgerseal/bazel-disk-cache" \
  //:consumer 2>"${log}")" || status=$?

if [[ ${status} -ne 0 ]]; then
  echo "consumer_check: FAILED: bazel run //:consumer exited ${status}; its output:" >&2
  tail -n 40 "${log}" >&2
  exit 1
fi
if ! grep -qE '^committed version [0-9]+$' <<<"${output}" ||
   ! grep -qE '^recovered service [0-9a-f]+ by local unsealing: hello = world$' <<<"${output}"; then
  echo "consumer_check: FAILED: unexpected output from //:consumer:" >&2
  echo "${output}" >&2
  exit 1
fi
echo "consumer_check: PASSED:" >&2
echo "${output}" >&2
