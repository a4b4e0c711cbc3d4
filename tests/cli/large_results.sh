#!/usr/bin/env bash
# Large load results are formatted as the bytes arrive, never held whole:
# a load of 3 MiB (done in pieces) hashes to what read of the same bytes
# (one buffer) gives, its string form is the bytes quoted, a failing
# piece fails the whole load, and loading 512 MiB for its hash needs no
# 512 MiB buffer (checked under an address-space limit the old way of
# holding the bytes exceeded).
. "$(dirname "$0")/lib/assert.sh"

scenario pieces.ovs "machine mem=64M
spawn A
A: open F /f rdwr creat
A: write F 0 pattern(3M)
A: mmap M 3M r shared F
A: read F 0 3M as=sum
A: load M 3M as=sum
A: load M 3M
A: mmap G 2M none private,anon
A: load G 2M as=sum"
run run pieces.ovs
status 0
sum=$(sed -n 's/^6: //p' "$tmp/.out")
case $sum in
fnv1a64:0x????????????????) ;;
*) fail "read gave '$sum', not a hash" ;;
esac
stdout_has "7: $sum"
stdout_has "8: $sum"
stdout_has "10: SIGSEGV"

# The string form, 1.5 MiB of 'A' and a partly unwritten page.
scenario str.ovs "machine mem=64M
spawn A
A: mmap M 1536K rw private,anon
A: store M fill(65,1572860)
A: load M 1536K as=str"
run run str.ovs
status 0
{
	printf '5: "'
	head -c 1572860 /dev/zero | tr '\0' A
	printf '%s"\n' '\x00\x00\x00\x00'
} >"$tmp/want"
sed -n '/^5: /p' "$tmp/.out" >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || fail "line 5 is not the 1.5 MiB quoted"

# 512 MiB hashed within an address space of 1.24 GiB, 1 GiB of which is
# the machine's memory: a 512 MiB buffer does not fit beside it.
if [ -z "${OBJVM_SANITIZED:-}" ]; then
	scenario big.ovs "machine mem=1G
spawn A
A: mmap M 512M r private,anon
A: load M 512M as=sum
A: load M 512M"
	what="objvm run big.ovs under ulimit -v"
	(cd "$tmp" && ulimit -v 1300000 && "$OBJVM" run big.ovs) \
		>"$tmp/.out" 2>"$tmp/.err"
	rc=$?
	status 0
	sum=$(sed -n 's/^4: //p' "$tmp/.out")
	case $sum in
	fnv1a64:0x????????????????) ;;
	*) fail "load gave '$sum', not a hash" ;;
	esac
	stdout_has "5: $sum"
fi

finish
