#!/usr/bin/env bash
# backing=host: holds a host descriptor only while a file is open, so a
# run that writes and closes 400 files fits in `ulimit -n 256`, and the
# data left dirty in each reaches its host file at the end of the run.
. "$(dirname "$0")/lib/assert.sh"

mkdir -p "$tmp/host"
{
	echo "machine backing=host:$tmp/host"
	echo "spawn A"
	for i in $(seq 1 400); do
		echo "A: open F$i /d$((i % 9))/f$i rdwr creat => ok"
		echo "A: write F$i 0 \"file $i\"     => $((5 + ${#i}))"
		echo "A: close F$i                   => ok"
	done
	echo "check => ok"
} >"$tmp/many.ovs"
what="ulimit -n 256; objvm run many.ovs"
(ulimit -n 256 && cd "$tmp" && "$OBJVM" run --check=end --host-dir "$tmp/host" many.ovs) \
	>"$tmp/.out" 2>"$tmp/.err"
rc=$?
status 0
grep -m3 '(expected' "$tmp/.out" | sed 's/^/    /'
for i in 1 77 256 400; do
	[ "$(cat "$tmp/host/d$((i % 9))/f$i" 2>/dev/null)" = "file $i" ] ||
		fail "host file f$i lacks its data"
done

finish
