#!/usr/bin/env bash
# The oracle's safety rule (docs/oracle.md): a command that would reach
# memory the scenario did not map (the oracle's guard, libraries, code,
# heap or stack) prints `skip`, and so does every later line of the file
# (spec 4: the kernel might have partly applied the refused call).  Run
# without address randomization, so that the executable and the stack are
# where the scenario says.
. "$(dirname "$0")/lib/assert.sh"

oracle() {
	what="objvm oracle $*"
	(cd "$tmp" && setarch "$(uname -m)" -R "$OBJVM" oracle "$@") \
		>"$tmp/.out" 2>"$tmp/.err"
	rc=$?
}

# refused SETUP LINE: after the lines SETUP (which run), LINE is refused,
# and the lines after it (a load of memory the scenario owns, a spawn)
# are skipped too.
refused() {
	local n
	scenario one.ovs "$1
$2
A: load K 4
spawn Z"
	n=$(($(printf '%s\n' "$1" | wc -l) + 1))
	oracle one.ovs
	what="refused: $2"
	status 0
	stdout_has "$n: skip"
	stdout_has "$((n + 1)): skip"
	stdout_has "$((n + 2)): skip"
	grep -q ': error' "$tmp/.out" && fail "an error: $(cat "$tmp/.out")"
}

relative='spawn A
A: mmap M 1p rw private,anon
A: mmap K 1p rw private,anon
A: store K "mine"'

# What runs: loads and stores in the guard only fault, growing in place
# into it the kernel refuses by itself, addresses nothing maps fault.
scenario relative.ovs "$relative
A: load M+1p 1                                       => SIGSEGV
A: store M+1p \"x\"                                    => SIGSEGV
A: touch M 1p w                                      => ok
A: mremap M 2p                                       => -ENOMEM
A: load 0x10000 1                                    => SIGSEGV
A: load 0xffffffffff600000 1                         => SIGSEGV
A: load K 4                                          => \"mine\""
oracle relative.ovs
status 0
stdout_has "11: \"mine\""

# Past the guard (1 GiB + 4 KiB, down to a 2 MiB boundary): libraries.
for line in 'A: munmap M 0x40203000' \
	'A: mprotect M 0x100000000000 r' \
	'A: madvise M 0x100000000000 dontneed' \
	'A: mlock M 0x100000000000' \
	'A: msync M 0x100000000000 sync' \
	'A: mincore M 0x100000000000' \
	'A: load M+0x40201000 1' \
	'A: store M+0x40201000 "x"' \
	'A: touch M+0x40201000 1p w' \
	'A: mmap X 1p rw private,anon,fixed at=M+1p' \
	'A: mmap Y 1p rw private,anon,fixed_noreplace at=M+1p'; do
	refused "$relative" "$line"
done

# The oracle itself, where it is without address randomization.
absolute='spawn A
A: mmap K 1p rw private,anon
A: mmap R 1p rw private,anon
A: store K "mine"'
if setarch "$(uname -m)" -R true 2>/dev/null; then
	# calls the kernel rejects before it looks at memory still run
	scenario absolute.ovs "$absolute
A: munmap 0x555555554001 1p                          => -EINVAL
A: mprotect 0x555555554000 0 r                       => ok
A: munmap 0x555555554000 0                           => -EINVAL
A: load K 4                                          => \"mine\""
	oracle absolute.ovs
	status 0
	stdout_has "5: -EINVAL"
	stdout_has "8: \"mine\""
	# the executable's text, data and heap; the stack and the room below
	for line in 'A: munmap 0x555555554000 0x10000' \
		'A: mprotect 0x555555554000 1p rw' \
		'A: madvise 0x555555554000 1p dontneed' \
		'A: mmap H 1g rw private,anon,fixed at=0x555555554000' \
		'A: store 0x555555554000 "x"' \
		'A: load 0x555555554000 1' \
		'A: mremap R 1p fixed=0x555555554000 maymove' \
		'A: store 0x7fffffffe000 "x"' \
		'A: load 0x7ffffffd0000 1' \
		'A: mmap S 1p rw private,anon,fixed at=0x7ffffff00000'; do
		refused "$absolute" "$line"
	done
fi

# Paths stay inside the private directory; a path with `..` is refused
# like memory, and ends the file.
refused 'spawn A
A: mmap K 1p rw private,anon' 'A: open F /../escape rdwr creat'
refused 'spawn A
A: mmap K 1p rw private,anon' 'A: unlink /a/../../b'
[ -z "$(ls "$tmp" | grep escape)" ] || fail "a file escaped the private directory"
scenario inside.ovs 'spawn A
A: open G /inside rdwr creat                         => ok'
oracle inside.ovs
status 0
stdout_has "2: ok"

finish
