#!/usr/bin/env bash
# The main job, end to end and small: `ledgerseal demo` must recover a
# service it killed, tell the recovery's story (unseal, replay, new service)
# and clean up after itself unless --keep.
set -uo pipefail
bin="tools/ledgerseal"
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

dir="$tmp/demo"
out=$("$bin" demo --nodes 3 --txs 40 --rotations 1 --dir "$dir" 2>&1); code=$?
echo "$out"
[[ $code -eq 0 ]] || fail "demo exited $code"
for line in "== 3. kill every node with SIGKILL" \
            "local sealing: unsealed ledger secret 2 as 'sealing-n2'" \
            "replay: " "recovered: secret 2 from hook 'local-sealing'" \
            "started service" "40/40 transactions verified" \
            "OK: every acknowledged transaction survived"; do
  grep -qF -- "$line" <<<"$out" || fail "the demo's account lacks: $line"
done
[[ ! -e "$dir" ]] || fail "without --keep the demo should remove $dir"

kept="$tmp/kept"
"$bin" demo --nodes 2 --txs 5 --rotations 0 --dir "$kept" --keep >/dev/null 2>&1 \
  || fail "demo --keep exited $?"
[[ -s "$kept/n2/node.log" ]] || fail "with --keep the node directories should remain"
echo "PASS"
