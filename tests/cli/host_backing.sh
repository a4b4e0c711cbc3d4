#!/usr/bin/env bash
# backing=host:DIR keeps each objvm file as a real file under DIR: what
# write() and a shared mapping put in the file is there after the run,
# and a later machine over the same DIR finds the file.  DIR must lie at
# or under the directory given with --host-dir (a relative DIR is taken
# relative to it); without --host-dir, or outside it, the scenario is
# refused before it runs (docs/objvm.1.scd, tools/objvm/hostdir.h).
. "$(dirname "$0")/lib/assert.sh"

mkdir -p "$tmp/host"
scenario first.ovs "machine backing=host:$tmp/host
spawn A
A: open F /db/t rdwr creat                 => ok
A: write F 0 pattern(8K)                   => 8192
A: mmap M 2p rw shared F                   => ok
A: store M+1p fill(0x5a,8)                 => ok
A: store M+4 \"mapped, never msynced\"      => ok
A: msync M+1p 1p sync                      => ok
drop_caches                                => ok
A: read F 4096 8 as=u64                    => 0x5a5a5a5a5a5a5a5a
check                                      => ok"
run run --check=each first.ovs
status 2
stderr "first.ovs:1:17: backing=host:$tmp/host refused: no --host-dir given"
[ ! -e "$tmp/host/db" ] || fail "a refused scenario made files"
run diff first.ovs
status 2
stderr_has "first.ovs:1:17: backing=host:$tmp/host refused: no --host-dir given"
mkdir -p "$tmp/other"
run run --host-dir "$tmp/other" first.ovs
status 2
stderr "first.ovs:1:17: backing=host:$tmp/host refused: not under --host-dir $tmp/other"
run run --host-dir=/nonexistent/x first.ovs
status 2
stderr_has "objvm run: --host-dir /nonexistent/x: No such file or directory"

run run --check=each --host-dir "$tmp/host" first.ovs
status 0

f="$tmp/host/db/t"
[ -f "$f" ] || fail "no host file $f"
[ "$(stat -c %s "$f")" = 8192 ] || fail "host file size $(stat -c %s "$f"), want 8192"
# msync wrote page 1; exit wrote page 0 (the unmap at exit writes back)
[ "$(od -An -tx1 -j4096 -N8 "$f" | tr -d ' ')" = 5a5a5a5a5a5a5a5a ] ||
	fail "page 1 of the host file lacks the msynced bytes"
[ "$(dd if="$f" bs=1 skip=4 count=21 2>/dev/null)" = "mapped, never msynced" ] ||
	fail "page 0 of the host file lacks the bytes stored before exit"
[ "$(od -An -tx8 -j64 -N8 "$f" | tr -d ' ')" = 0000000000000040 ] ||
	fail "pattern word at offset 64 is wrong"

# relative to --host-dir
scenario second.ovs "machine backing=host:.
spawn B
B: open F /db/t rdonly                     => ok
B: fstat F                                 => size=8192
B: read F 4096 8 as=u64                    => 0x5a5a5a5a5a5a5a5a
B: unlink /db/t                            => ok
B: read F 64 8 as=u64                      => 0x40
check                                      => ok"
run run --check=each --host-dir="$tmp/host" second.ovs
status 0
[ ! -e "$f" ] || fail "unlink left the host file"

# Links below --host-dir are refused, and so is `..`.
ln -s / "$tmp/host/root"
scenario link.ovs "machine backing=host:root/etc
spawn A
A: open F /passwd rdonly                   => ok"
run run --host-dir "$tmp/host" link.ovs
status 2
stderr "link.ovs:1:17: backing=host:root/etc refused: $tmp/host/root is a symbolic link"
scenario up.ovs "machine backing=host:db/../..
spawn A"
run run --host-dir "$tmp/host" up.ovs
status 2
stderr "up.ovs:1:17: backing=host:db/../.. refused: '..' is not allowed"

# A symlink planted in the host directory never leads out of it: any
# component that is a symlink gives -ELOOP, and nothing appears outside.
mkdir -p "$tmp/outside"
echo secret >"$tmp/outside/secret"
ln -s "$tmp/outside" "$tmp/host/db"
ln -s "$tmp/outside/secret" "$tmp/host/s"
scenario third.ovs "machine backing=host:$tmp/host
spawn C
C: open F /db/new rdwr creat               => -ELOOP
C: open G /db/secret rdonly                => -ELOOP
C: open H /s rdwr                          => -ELOOP
C: unlink /db/secret                       => -ELOOP
check                                      => ok"
run run --check=each --host-dir "$tmp/host" third.ovs
status 0
[ ! -e "$tmp/outside/new" ] || fail "a file was created through the symlink"
[ "$(cat "$tmp/outside/secret")" = secret ] || fail "the file outside changed"

finish
