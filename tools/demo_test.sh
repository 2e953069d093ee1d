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
            "local sealing: unsealed ledger secret 2 of service" "as 'sealing-n2'" "(signature verified)" \
            "endorsed by the previous identity" \
            "replay: " "recovered: secret 2 from hook 'local-sealing'" \
            "started service" "40/40 transactions verified" \
            "OK: every acknowledged transaction survived"; do
  grep -qF -- "$line" <<<"$out" || fail "the demo's account lacks: $line"
done
[[ ! -e "$dir" ]] || fail "without --keep the demo should remove $dir"

# A --dir that exists keeps what it held: the demo removes only what it made.
mine="$tmp/mine"
mkdir -p "$mine/notes" && echo "do not delete" > "$mine/keep-me.txt"
"$bin" demo --nodes 2 --txs 5 --rotations 0 --dir "$mine" >/dev/null 2>&1 || fail "demo in an existing --dir exited $?"
[[ "$(cat "$mine/keep-me.txt" 2>/dev/null)" == "do not delete" && -d "$mine/notes" ]] \
  || fail "the demo deleted files it did not create in $mine"
[[ -z "$(ls "$mine" | grep -v -e '^keep-me.txt$' -e '^notes$')" ]] || fail "the demo left its own files in $mine"

# A --dir that is a file, or cannot be written: a clear error, nothing touched.
echo "a file" > "$tmp/plain"
out=$("$bin" demo --dir "$tmp/plain" 2>&1); code=$?
[[ $code -ne 0 && $code -lt 128 ]] || fail "demo --dir FILE exited $code"
grep -qF "is not a directory" <<<"$out" || fail "demo --dir FILE said: $out"
[[ "$(cat "$tmp/plain")" == "a file" ]] || fail "demo --dir FILE changed the file"
if [[ $(id -u) -ne 0 ]]; then  # root can write anywhere
  mkdir -p "$tmp/readonly" && chmod 0500 "$tmp/readonly"
  out=$("$bin" demo --dir "$tmp/readonly/sub" 2>&1); code=$?
  [[ $code -ne 0 && $code -lt 128 ]] || fail "demo --dir UNWRITABLE exited $code"
fi

# --lose-hardware: every chip gone; two recovery members' shares recover it,
# and the recovered ledger says so.
lost="$tmp/lost"
out=$("$bin" demo --nodes 3 --txs 30 --rotations 1 --dir "$lost" --keep --lose-hardware 2>&1); code=$?
echo "$out"
[[ $code -eq 0 ]] || fail "demo --lose-hardware exited $code"
for line in "bob and carol each ran \`ledgerseal operator decrypt-share\`" \
            "from the shares of 2 recovery member(s) (record at version" \
            "recovered: secret 2 from hook 'recovery-shares-submitted'" "30/30 transactions verified" \
            "survived losing every node and every chip" \
            "local unsealing failed; falling back" "platform_mismatch" \
            "waits for 2 of 3 recovery members' shares" \
            "submit-share\` by bob: accepted bob's share: 1 of 2 shares" \
            "submit-share\` by carol: accepted carol's share: 2 of 2 shares" \
            "sealed ledger secret 3 for 1 trusted node(s)"; do
  grep -qF -- "$line" <<<"$out" || fail "the lose-hardware demo's account lacks: $line"
done
audit=$("$bin" inspect "$lost/n2/data" 2>&1)
grep -qF "recovery_shares by members bob, carol" <<<"$audit" || fail "inspect after --lose-hardware said: $audit"
# The recovered service sealed its secret for the new chip: local sealing
# covers the latest secret again.
grep -qF "no sealing.shares record covers the latest" <<<"$audit" && fail "the recovered service did not reseal: $audit"

# --chaos: outages under load, each recovered by the nodes' own agreement.
chaos=$("$bin" demo --chaos 2 --seed 7 --dir "$tmp/chaos" 2>&1); code=$?
echo "$chaos"
[[ $code -eq 0 ]] || fail "demo --chaos 2 exited $code"
grep -qE "^chaos: 2 trials, [0-9]+ acknowledged, 0 lost$" <<<"$chaos" || fail "demo --chaos said: $chaos"
[[ $(grep -c "; the nodes chose n[0-9] .*; the others joined it" <<<"$chaos") -eq 2 ]] || fail "demo --chaos: no agreement: $chaos"

kept="$tmp/kept"
"$bin" demo --nodes 2 --txs 5 --rotations 0 --dir "$kept" --keep >/dev/null 2>&1 \
  || fail "demo --keep exited $?"
[[ -s "$kept/n2/node.log" ]] || fail "with --keep the node directories should remain"
echo "PASS"
