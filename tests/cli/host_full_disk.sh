#!/usr/bin/env bash
# backing=host: on a full host disk no data is lost silently: write(2)
# stores what fits and says so (short, or -ENOSPC), a write-back that
# fails (munmap, exit) is kept for the next fsync/msync, which reports
# it once, the pages stay dirty and are tried again, and a run whose
# last write-back fails names the file and exits 1.  The disk is a
# 64 KiB tmpfs, so the script needs root to mount it.
. "$(dirname "$0")/lib/assert.sh"

if [ "$(id -u)" != 0 ]; then
	echo "host_full_disk: skipped (mounting a tmpfs needs root)"
	exit 0
fi
mkdir -p "$tmp/disk"
mount -t tmpfs -o size=64k,mode=0755 objvm-test "$tmp/disk" ||
	{ echo "host_full_disk: skipped (mount -t tmpfs failed)"; exit 0; }
trap 'umount "$tmp/disk"; rm -rf "$tmp"' EXIT
disk=$tmp/disk

# 1. write(2) is honest about what the disk can hold; a mapping's data
# that finds no room is reported by fsync every time it is tried, and by
# the end of the run.
scenario full.ovs "machine backing=host:$disk
spawn A
A: open F /db/x rdwr creat            => ok
A: write F 0 pattern(128K)            => 65536
A: write F 64K \"more\"                 => -ENOSPC
A: fsync F                            => ok
A: open G /db/y rdwr creat            => ok
A: ftruncate G 8K                     => ok
A: mmap M 2p rw shared G              => ok
A: store M+1p \"mapped, no room\"       => ok
A: munmap M 2p                        => ok
A: fsync G                            => -ENOSPC
A: fsync G                            => -ENOSPC
A: read G 4096 15                     => \"mapped, no room\""
run run --check=each --host-dir "$disk" full.ovs
status 1
stderr "objvm: data of /db/y could not be written back: ENOSPC"
[ "$(grep -c '(expected' "$tmp/.out")" = 0 ] ||
	fail "an expectation failed: $(grep '(expected' "$tmp/.out")"
[ "$(stat -c %s "$disk/db/x")" = 65536 ] ||
	fail "host file x holds $(stat -c %s "$disk/db/x") bytes, want 65536"
[ "$(od -An -tx8 -j65528 -N8 "$disk/db/x" | tr -d ' ')" = 000000000000fff8 ] ||
	fail "the last pattern word of x did not reach the host file"
rm -rf "${disk:?}"/*

# 2. munmap and exit write nothing back (as in Linux: the dirty pages
# wait in the page cache for reclaim, fsync or the machine's end); msync
# reports the failure while the disk is full, and once space is freed,
# fsync writes the pages and the run ends well.
scenario kept.ovs "machine backing=host:$disk
spawn A
A: open F /fill rdwr creat            => ok
A: write F 0 pattern(64K)             => 65536
A: fsync F                            => ok
A: open G /g rdwr creat               => ok
A: ftruncate G 8K                     => ok
A: mmap M 2p rw shared G              => ok
A: store M \"page 0\"                   => ok
A: munmap M 2p                        => ok
A: fork B                             => ok
B: mmap N 2p rw shared G              => ok
B: store N+1p \"page 1\"                => ok
B: msync N 2p sync                    => -ENOSPC
B: msync N 2p sync                    => -ENOSPC
B: exit                               => ok
A: ftruncate F 0                      => ok
A: fsync G                            => ok
A: fsync G                            => ok"
run run --check=each --host-dir "$disk" kept.ovs
status 0
stderr ""
[ "$(dd if="$disk/g" bs=1 count=6 2>/dev/null)" = "page 0" ] ||
	fail "page 0 of g did not reach the host file"
[ "$(dd if="$disk/g" bs=1 skip=4096 count=6 2>/dev/null)" = "page 1" ] ||
	fail "page 1 of g did not reach the host file"

finish
