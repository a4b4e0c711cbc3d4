#!/usr/bin/env bash
# The fuzz harness (fuzz/fuzz_scenario.c), built without libFuzzer as
# fuzz_replay, runs the seed corpus and every finding but the open ones
# with the invariant checker after each command: no crash, no failed check.
. "$(dirname "$0")/lib/assert.sh"

B=${B:-build}
case $B in /*) replay=$B/fuzz_replay ;; *) replay=$top/$B/fuzz_replay ;; esac
what="fuzz_replay"
[ -x "$replay" ] || { fail "$replay is not built (make check builds it)"; finish; }
inputs=(fuzz/corpus/*)
for f in fuzz/regressions/*.ovs; do
	grep -q '^# fuzz: open' "$f" || inputs+=("$f")
done
[ "${#inputs[@]}" -ge 10 ] || fail "too few inputs: ${#inputs[@]}"
for f in "${inputs[@]}"; do
	what="fuzz_replay $f"
	"$replay" "$f" >"$tmp/.out" 2>"$tmp/.err"
	rc=$?
	[ "$rc" = 0 ] || fail "exit status $rc: $(head -c 600 "$tmp/.err")"
done
finish
