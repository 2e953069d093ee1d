#!/usr/bin/env bash
# The tool's contract: --help lists every command, unknown commands and
# unbuilt commands fail with distinct, explained exit codes.
set -uo pipefail
bin="tools/ledgerseal"
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$bin" --help) || fail "--help exited $?"
for cmd in demo node client inspect recover; do
  grep -q "^  $cmd " <<<"$out" || fail "--help does not list $cmd"
done

"$bin" demo --help | grep -q -- "--nodes" || fail "demo --help lacks its options"

"$bin" frobnicate 2>/dev/null; [[ $? -eq 2 ]] || fail "unknown command should exit 2"
"$bin" >/dev/null; [[ $? -eq 2 ]] || fail "no command should exit 2"

err=$("$bin" demo 2>&1); code=$?
[[ $code -ne 0 ]] || fail "demo must not pretend to work before it exists"
grep -q "not built yet" <<<"$err" || fail "demo must say what is not built"
echo "PASS"
