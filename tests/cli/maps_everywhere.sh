#!/usr/bin/env bash
# The kernel's VMA layout agrees with objvm's on every repository scenario:
# each scenario is rewritten with `T: maps` after every command of a task
# (and of a child after its fork), without the expectations, and objvm
# diff compares the two sides.  The scenarios tests/oracle/known names
# whole (machine/oom.ovs, paging/oom-others.ovs) are left out: they run
# out of memory on objvm's small machine and not on the host.
. "$(dirname "$0")/lib/assert.sh"

n=0
while IFS= read -r f; do
	case $f in */machine/oom.ovs | */paging/oom-others.ovs) continue ;; esac
	n=$((n + 1))
	awk '{ sub(/=>.*$/, ""); print }
	     /^[[:blank:]]*[A-Za-z_][A-Za-z0-9_]*:[[:blank:]]/ {
		t = $1; sub(/:$/, "", t)
		if ($2 == "fork") { print t ": maps"; print $3 ": maps" }
		else if ($2 != "exit") print t ": maps" }' "$f" >"$tmp/$n.ovs"
done < <(find "$top/tests/scenarios" "$top/tests/oracle" "$top/fuzz/regressions" \
	-name '*.ovs' | sort)
[ "$n" -gt 40 ] || fail "only $n scenarios"
what="objvm diff on $n scenarios with maps"
"$OBJVM" diff "$tmp"/*.ovs >"$tmp/.out" 2>&1
rc=$?
status 0
grep -q "^diff: $n scenarios, 0 differ, 0 known$" "$tmp/.out" ||
	fail "$(grep -v '^    ' "$tmp/.out" | head -n 20)"
# maps lines were compared, not skipped.
"$OBJVM" diff -v "$tmp/1.ovs" | grep -q '^[^ ]*:[0-9]*: [A-Za-z_]*+0x' ||
	fail "no maps line compared in the first scenario"
finish
