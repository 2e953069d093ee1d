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

# Every --help documents the exit codes.
"$bin" --help | grep -q "exit codes" || fail "--help lacks the exit codes"
for cmd in demo node client inspect recover operator "client put" "client get" "client status" \
           "operator keygen" "operator decrypt-share"; do
  # shellcheck disable=SC2086 # a command path is words
  "$bin" $cmd --help | grep -q "exit codes" || fail "$cmd --help lacks the exit codes"
done

# Argument mistakes: exit 2, naming the option and the bad value.
tmp="${TEST_TMPDIR:-/tmp}"
expect_usage() {  # expect_usage PATTERN ARGS...
  local pattern=$1; shift
  local err code
  err=$("$bin" "$@" 2>&1); code=$?
  [[ $code -eq 2 ]] || fail "'$*' should exit 2, got $code: $err"
  grep -q -- "$pattern" <<<"$err" || fail "'$*' should say '$pattern', said: $err"
}
expect_usage "ledgerseal client get: --min-version: needs a number from 0 .*, got 'abc'" \
  client --node 127.0.0.1:1 get t k --min-version abc
expect_usage "option --min-version needs a value" client --node 127.0.0.1:1 get t k --min-version
expect_usage "option --node needs a value" client --node
expect_usage "--node: needs a value (got the option '--private')" client --node --private status
expect_usage "unknown option '--frob'" client --node 127.0.0.1:1 --frob status
expect_usage "unknown command 'frobnicate'" frobnicate
expect_usage "ledgerseal client: unknown command 'frob' (one of: put, get" client --node 127.0.0.1:1 frob
expect_usage "ledgerseal client: a command is required" client --node 127.0.0.1:1
expect_usage "ledgerseal client put: VALUE is required" client --node 127.0.0.1:1 put t k
expect_usage "unexpected argument 'extra'" client --node 127.0.0.1:1 get t k extra
expect_usage "ledgerseal operator: a command is required, one of: keygen, decrypt-share" operator
expect_usage "--out is required" operator keygen
expect_usage "--nodes: needs a number from 1 to 9, got '0'" demo --nodes 0
expect_usage "--txs: needs a number from 1 to 1000000, got '12x'" demo --txs 12x
expect_usage "option --dir needs a value" demo --dir
expect_usage "option --config needs a value" node --config
expect_usage "--shares requires --recover" node --config "$cfg" --shares a,b
expect_usage "option --config needs a value" recover --config
expect_usage "option --into needs a value" recover --config "$cfg" --into
expect_usage "(see ledgerseal recover --help)" recover --config "$cfg" --into
expect_usage "ledgerseal client status: unexpected argument 'rotate'" client --node 127.0.0.1:1 status rotate
expect_usage "--shares-wait-s requires --recover" node --config "$cfg" --shares-wait-s 3
expect_usage "none.share does not exist" client --node 127.0.0.1:1 submit-share --share "$tmp/none.share"

# inspect of several data directories compares them; none usable: exit 1.
err=$("$bin" inspect "$tmp/no-node-a" "$tmp/no-node-b" 2>&1); code=$?
[[ $code -eq 1 ]] || fail "inspect of two missing ledgers should exit 1, got $code: $err"
grep -q "no ledger can be recovered from" <<<"$err" || fail "inspect should say none can be recovered: $err"
expect_usage "unknown option '--bogus'" inspect --bogus

# inspect on a symlink loop: an error naming the path, exit 1, no abort.
loop="$tmp/loop-node"; rm -rf "$loop"; mkdir -p "$loop"
ln -s "$loop/ledger" "$loop/ledger"
err=$("$bin" inspect "$loop" 2>&1); code=$?
[[ $code -eq 1 ]] || fail "inspect of a ledger symlink loop should exit 1, got $code: $err"
grep -q "$loop/ledger" <<<"$err" || fail "inspect should name the looping path: $err"
grep -qi "symbolic links" <<<"$err" || fail "inspect should say why: $err"
self="$tmp/self-loop"; rm -f "$self"; ln -s "$self" "$self"
err=$("$bin" inspect "$self" 2>&1); code=$?
[[ $code -eq 1 ]] || fail "inspect of a looping directory should exit 1, got $code: $err"
grep -q "$self" <<<"$err" || fail "inspect should name the looping directory: $err"

# recover --into somewhere it cannot create: the reason, not just "cannot create".
good="$tmp/good.json"
mkdir -p "$tmp/rnode/ledger"
echo '{"node_id": "n1", "raft_address": "127.0.0.1:1", "rpc_address": "127.0.0.1:2",
       "data_dir": "rnode"}' > "$good"
touch "$tmp/a-file"
err=$("$bin" recover --config "$good" --into "$tmp/a-file/store" 2>&1); code=$?
[[ $code -eq 1 ]] || fail "recover into a path under a file should exit 1, got $code: $err"
grep -q "cannot create $tmp/a-file/store: $tmp/a-file is not a directory" <<<"$err" \
  || fail "recover should say why it cannot create the store: $err"

# A node whose rpc port is taken (real process): exit 1 naming the port and
# "address in use"; the data directory is as it was, so a retry can start.
if command -v python3 >/dev/null; then
  ndir="$tmp/busy-node"; rm -rf "$ndir"; mkdir -p "$ndir"
  portfile="$tmp/busy-port"; rm -f "$portfile"
  python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(60)' "$portfile" &
  holder=$!
  for _ in $(seq 100); do [[ -s "$portfile" ]] && break; sleep 0.1; done
  port=$(cat "$portfile")
  ncfg="$tmp/busy.json"
  echo "{\"node_id\": \"n1\", \"raft_address\": \"127.0.0.1:1\", \"rpc_address\": \"127.0.0.1:$port\",
         \"data_dir\": \"busy-node\"}" > "$ncfg"
  err=$("$bin" node --config "$ncfg" 2>&1); code=$?
  kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
  [[ $code -eq 1 ]] || fail "a node whose rpc port is in use should exit 1, got $code: $err"
  grep -q "127.0.0.1:$port: address in use" <<<"$err" || fail "the node should name the busy port: $err"
  [[ -z "$(ls -A "$ndir")" ]] || fail "the failed start left files in $ndir: $(ls -A "$ndir")"
fi
# SIGTERM while a join retries (the join address never answers): the node
# stops within a few seconds, says so, and leaves its directory as found.
if command -v python3 >/dev/null; then
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  jdir="$tmp/joining-node"; rm -rf "$jdir"; mkdir -p "$jdir"
  jcfg="$tmp/joining.json"
  echo "{\"node_id\": \"n2\", \"raft_address\": \"127.0.0.1:$(free_port)\", \"rpc_address\": \"127.0.0.1:$(free_port)\",
         \"data_dir\": \"joining-node\", \"join_address\": \"127.0.0.1:$(free_port)\"}" > "$jcfg"
  "$bin" node --config "$jcfg" > "$tmp/joining.log" 2>&1 &
  joiner=$!
  sleep 1.5
  kill -TERM "$joiner"
  stopped_at=$(date +%s%N)
  wait "$joiner"; code=$?
  took_ms=$(( ($(date +%s%N) - stopped_at) / 1000000 ))
  [[ $took_ms -lt 3000 ]] || fail "SIGTERM during a join retry took ${took_ms} ms to stop the node"
  [[ $code -eq 1 ]] || fail "a node stopped while joining should exit 1, got $code: $(cat "$tmp/joining.log")"
  grep -q "stopped while joining" "$tmp/joining.log" || fail "the node should say it stopped while joining: $(cat "$tmp/joining.log")"
  [[ -z "$(ls -A "$jdir")" ]] || fail "the stopped join left files in $jdir: $(ls -A "$jdir")"
fi
echo "PASS"
