#!/usr/bin/env bash
# make demo explains itself: the counters that moved with their meaning,
# the scenario's explanation with the counters filled in, and a last
# line on how many results Linux agrees with (or why it was skipped).
. "$(dirname "$0")/lib/assert.sh"

what="tools/demo/run"
n=$(find "$top/tools/demo" -name '*.ovs' | wc -l)
"$top/tools/demo/run" "$OBJVM" >"$tmp/.out" 2>&1
rc=$?
status 0
[ "$n" -ge 3 ] || fail "only $n demo scenarios"
grep -q "^demo: $n of $n scenarios passed\$" "$tmp/.out" || fail "not every demo passed"
grep -qE '^  truncate_unmap +[1-9][0-9]*  ptes removed by truncate$' "$tmp/.out" ||
	fail "no explained truncate_unmap counter"
grep -qE '^  fault_anon +0 ' "$tmp/.out" && fail "a zero counter is shown"
grep -q '{[a-z_]*}' "$tmp/.out" && fail "a placeholder was not filled: $(grep '{[a-z_]*}' "$tmp/.out")"
[ "$(grep -c '^What they show:$' "$tmp/.out")" = "$n" ] || fail "not every demo explains itself"
grep -qE '^  Linux and objvm agree on all [1-9][0-9]* results compared' "$tmp/.out" ||
	fail "no agreement line: $(tail -n 4 "$tmp/.out")"

# Without a kernel side, the line says why.
OBJVM_ORACLE_TMPDIR=$tmp/none "$top/tools/demo/run" "$OBJVM" >"$tmp/.out" 2>&1
grep -q '^  skipped: the kernel side could not run here:$' "$tmp/.out" ||
	fail "no reason for skipping: $(tail -n 4 "$tmp/.out")"
finish
