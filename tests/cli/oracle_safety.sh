#!/usr/bin/env bash
# The oracle's safety rule (docs/oracle.md): a command that would reach
# memory the scenario did not map (the oracle's guard, libraries, code,
# heap or stack) prints `skip`, and the task process lives on.  Run without
# address randomization, so that the executable and the stack are where
# the scenario says.
. "$(dirname "$0")/lib/assert.sh"

scenario relative.ovs '# relative to the first mapping, which lies right below the guard
spawn A
A: mmap M 1p rw private,anon                         => ok
A: mmap K 1p rw private,anon                         => ok
A: store K "mine"                                    => ok
# loads and stores in the guard only fault
A: load M+1p 1                                       => SIGSEGV
A: store M+1p "x"                                    => SIGSEGV
A: touch M 1p w                                      => ok
# growing in place into the guard: the kernel says no by itself
A: mremap M 2p                                       => -ENOMEM
# past the guard (1 GiB + 4 KiB, down to a 2 MiB boundary): libraries
A: munmap M 0x40203000                               => skip
A: mprotect M 0x100000000000 r                       => skip
A: madvise M 0x100000000000 dontneed                 => skip
A: mlock M 0x100000000000                            => skip
A: msync M 0x100000000000 sync                       => skip
A: mincore M 0x100000000000                          => skip
A: load M+0x40201000 1                               => skip
A: store M+0x40201000 "x"                            => skip
A: touch M+0x40201000 1p w                           => skip
A: mmap X 1p rw private,anon,fixed at=M+1p           => skip
A: mmap Y 1p rw private,anon,fixed_noreplace at=M+1p => skip
# a name a refused command would have bound stands for nothing now
A: load X 1                                          => skip
# addresses nothing maps fault, harmlessly
A: load 0x10000 1                                    => SIGSEGV
A: load 0xffffffffff600000 1                         => SIGSEGV
# the task is alive and its memory intact
A: load K 4                                          => "mine"'

scenario absolute.ovs '# the oracle itself, where it is without address randomization
spawn A
A: mmap K 1p rw private,anon                         => ok
A: mmap R 1p rw private,anon                         => ok
A: store K "mine"                                    => ok
# the executable: text, data, heap
A: munmap 0x555555554000 0x10000                     => skip
A: mprotect 0x555555554000 1p rw                     => skip
A: madvise 0x555555554000 1p dontneed                => skip
A: mmap H 1g rw private,anon,fixed at=0x555555554000 => skip
A: store 0x555555554000 "x"                          => skip
A: load 0x555555554000 1                             => skip
A: mremap R 1p fixed=0x555555554000 maymove          => skip
# the stack, and the room below it that it grows into
A: store 0x7fffffffe000 "x"                          => skip
A: load 0x7ffffffd0000 1                             => skip
A: mmap S 1p rw private,anon,fixed at=0x7ffffff00000 => skip
# calls the kernel rejects before it looks at memory still run
A: munmap 0x555555554001 1p                          => -EINVAL
A: mprotect 0x555555554000 0 r                       => ok
A: munmap 0x555555554000 0                           => -EINVAL
A: load K 4                                          => "mine"'

scenario paths.ovs '# paths stay inside the private directory
spawn A
A: open F /../escape rdwr creat                      => skip
A: unlink /a/../../b                                 => skip
A: write F 0 "x"                                     => skip
A: open G /inside rdwr creat                         => ok'

oracle() {
	what="objvm oracle $*"
	(cd "$tmp" && setarch "$(uname -m)" -R "$OBJVM" oracle "$@") \
		>"$tmp/.out" 2>"$tmp/.err"
	rc=$?
}

# A line that runs must give what the scenario expects (`=> skip` too);
# a skipped line is not checked, so the skips are looked for as well.
oracle relative.ovs
status 0
for line in 13 14 15 16 17 18 19 20 21 22 23 25; do
	stdout_has "$line: skip"
done
stdout_has "30: \"mine\""

oracle paths.ovs
status 0
stdout_has "3: skip"
stdout_has "4: skip"
stdout_has "5: skip"
stdout_has "6: ok"
[ -z "$(ls "$tmp" | grep escape)" ] || fail "a file escaped the private directory"

if setarch "$(uname -m)" -R true 2>/dev/null; then
	oracle absolute.ovs
	status 0
	for line in 7 8 9 10 11 12 13 15 16 17; do
		stdout_has "$line: skip"
	done
	stdout_has "19: -EINVAL"
	stdout_has "22: \"mine\""
fi

finish
