#!/usr/bin/env bash
# Stopping the oracle (docs/oracle.md, "The private directory"): after
# SIGTERM or SIGINT the command it was waiting for prints `interrupted`
# (not OOM: the task did not die of the scenario), the exit status is not
# 0 and the private directory is gone.  After SIGKILL the directory stays,
# and the next oracle to start in the same place removes it; a directory
# kept with --keep stays.
. "$(dirname "$0")/lib/assert.sh"

base=$tmp/t
mkdir -p "$base"
{
	echo 'spawn A'
	echo 'A: mmap M 256m rw private,anon'
	for i in $(seq 60); do
		echo 'A: touch M 256m w'
		echo 'A: madvise M 256m dontneed'
	done
} >"$tmp/slow.ovs"
scenario quick.ovs 'spawn A
A: mmap M 1p rw private,anon                 => ok'

# start_slow: the oracle on slow.ovs in the background, as $pid; wait
# until its task process has started.
start_slow() {
	(cd "$tmp" && exec "$OBJVM" oracle --tmpdir="$base" slow.ovs) \
		>"$tmp/.out" 2>"$tmp/.err" &
	pid=$!
	for _ in $(seq 100); do
		grep -q '^2: ok' "$tmp/.out" && break
		sleep 0.05
	done
	sleep 0.3
}

for sig in TERM INT; do
	what="oracle, SIG$sig"
	start_slow
	kill -"$sig" "$pid"
	wait "$pid" 2>/dev/null
	rc=$?
	[ "$rc" != 0 ] || fail "exit status 0 after SIG$sig"
	grep -q '^[0-9]*: interrupted$' "$tmp/.out" ||
		fail "no line says interrupted: $(tail -2 "$tmp/.out")"
	grep -q 'OOM' "$tmp/.out" && fail "a line says OOM"
	[ -z "$(ls "$base")" ] || fail "left behind: $(ls "$base")"
done

what="oracle, SIGKILL"
start_slow
{
	kill -KILL "$pid"
	wait "$pid"
} 2>/dev/null
sleep 0.2
stale=$(ls -d "$base"/objvm-oracle.* 2>/dev/null)
[ -n "$stale" ] || fail "SIGKILL left no directory (the test tests nothing)"
run oracle --keep --tmpdir="$base" quick.ovs
status 0
[ ! -e "$stale" ] || fail "the next oracle left the stale $stale"
kept=$(ls -d "$base"/objvm-oracle.* 2>/dev/null)
[ -n "$kept" ] || fail "--keep kept nothing"
run oracle --tmpdir="$base" quick.ovs
status 0
[ "$(ls -d "$base"/objvm-oracle.*)" = "$kept" ] ||
	fail "a directory kept with --keep was removed, or another left"

finish
