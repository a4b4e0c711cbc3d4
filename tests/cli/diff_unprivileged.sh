#!/usr/bin/env bash
# objvm diff run by an unprivileged user (docs/oracle.md, "uid and
# capabilities"): the oracle cannot run tasks spawned with a uid or a
# capability, so objvm leaves them out too (their files, their writes),
# and gives the other tasks, unprivileged processes here, this user's
# uid; only real differences remain.  The CI seeds must show none.
. "$(dirname "$0")/lib/assert.sh"

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "skipped: needs root and setpriv"
	finish
fi
chmod 0755 "$tmp"

# nobody NAME ARGS: objvm ARGS as the user nobody.
nobody() {
	what="(as nobody) objvm $*"
	(cd "$tmp" &&
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$OBJVM" "$@") >"$tmp/.out" 2>"$tmp/.err"
	rc=$?
}

# A task the oracle cannot run writes a file another task then reads;
# a root task maps below vm.mmap_min_addr and locks more than 8 MiB.
scenario shared.ovs 'spawn A
spawn B uid=1000
B: open F /made-by-b rdwr creat
B: write F 0 "from b"
A: open G /made-by-b rdwr
A: read G 0 6
A: open H /a rdwr creat
A: write H 0 "from a"
A: mmap Z 1p rw private,anon,fixed at=0x1000
A: mmap L 12m rw private,anon
A: mlock L 12m
check'
nobody diff shared.ovs
status 0
stdout_has "diff: 1 scenarios, 0 differ, 0 known"

nobody diff --known="$top/tests/oracle/known" --seeds=1-400
status 0
stdout_has "diff: 400 scenarios, 0 differ, 0 known"
[ "$rc" = 0 ] || grep -v '^pass' "$tmp/.out" | head -20

finish
