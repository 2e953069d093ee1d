#!/usr/bin/env bash
# The tool's contract: --help lists every command; unknown commands and bad
# arguments exit 2, failures exit 1, each with an explanation.
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

"$bin" demo --nodes 0 2>/dev/null; [[ $? -eq 2 ]] || fail "demo --nodes 0 should exit 2"

"$bin" inspect 2>/dev/null; [[ $? -eq 2 ]] || fail "inspect without a directory should exit 2"
err=$("$bin" inspect /nonexistent 2>&1); code=$?
[[ $code -eq 1 ]] || fail "inspect of a missing ledger should exit 1, got $code"
grep -q "no ledger" <<<"$err" || fail "inspect should say there is no ledger: $err"
"$bin" recover 2>/dev/null; [[ $? -eq 2 ]] || fail "recover without --config should exit 2"

# A malformed node configuration is a usage error naming the problem.
cfg="${TEST_TMPDIR:-/tmp}/bad.json"
echo '{"node_id": "n1", "raft_address": "127.0.0.1:1", "rpc_address": "127.0.0.1:2",
       "data_dir": "d", "sealing": {"enable_local_sealing": true, "rsa_bitz": 3072}}' > "$cfg"
err=$("$bin" node --config "$cfg" 2>&1); code=$?
[[ $code -eq 2 ]] || fail "a malformed config should exit 2, got $code"
grep -q "rsa_bitz" <<<"$err" || fail "the error should name the unknown key: $err"
"$bin" node 2>/dev/null; [[ $? -eq 2 ]] || fail "node without --config should exit 2"
"$bin" client --node 127.0.0.1:1 frobnicate 2>/dev/null; [[ $? -eq 2 ]] || fail "bad client command should exit 2"
echo "PASS"
