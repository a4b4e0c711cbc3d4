#!/usr/bin/env bash
# machine swapfile=PATH keeps the swap area in a host file: anonymous
# memory larger than the machine goes there and comes back.  PATH obeys
# the host-directory rule of backing=host: (tools/objvm/hostdir.h): only
# at or under --host-dir, relative to it, through no symbolic link.
. "$(dirname "$0")/lib/assert.sh"

mkdir -p "$tmp/host"
scenario swap.ovs "machine mem=4M swap=8M swapfile=swap.img
spawn A
A: mmap M 6M rw private,anon               => ok
A: store M \"first page\"                    => ok
A: store M+1535p \"last page\"               => ok
A: touch M 6M w                            => ok
A: load M 10                               => \"first page\"
A: load M+1535p 9                          => \"last page\"
stats pswpout
check                                      => ok"
run run --check=each swap.ovs
status 2
stderr "swap.ovs:1:33: swapfile=swap.img refused: no --host-dir given"
[ ! -e "$tmp/host/swap.img" ] || fail "a refused scenario made the file"

# Run it for real: pages went out to the file and came back.
run run --check=each --host-dir "$tmp/host" swap.ovs
status 0
grep -qE '^9: pswpout=[1-9][0-9]*$' "$tmp/.out" ||
	fail "no swap-out counted: $(grep '^9:' "$tmp/.out")"
[ -f "$tmp/host/swap.img" ] || fail "no swap file"
[ "$(stat -c %s "$tmp/host/swap.img")" -gt 0 ] || fail "the swap file is empty"
grep -q "last page" "$tmp/host/swap.img" || fail "the swapped page is not in the file"

# A link below --host-dir is refused at parse time.
ln -s /etc "$tmp/host/etc"
scenario link.ovs "machine mem=4M swap=8M swapfile=etc/swap.img"
run run --host-dir "$tmp/host" link.ovs
status 2
stderr_has "link.ovs:1:33: swapfile=etc/swap.img refused: $tmp/host/etc is a symbolic link"
finish
