#!/usr/bin/env bash
# Malformed scenarios (issue 11, item 8): each mistake is named where it
# is, before anything runs, and messages are safe to print.
. "$(dirname "$0")/lib/assert.sh"

scenario bad.ovs 'machine mem=16k
spawn A
A: maps =>
A: write F 0 fill(7,3G)
A: ptes 0x10000 2G
stats fault_anon page_faults'
run run bad.ovs
status 2
stdout ""
stderr "bad.ovs:1:13: mem=16k out of range: 64K..64G, a multiple of 4K
bad.ovs:3:9: empty expectation after '=>'
bad.ovs:4:21: fill length 3221225472 is over the limit of 1G
bad.ovs:5:17: LEN of ptes is at most 1G (262144 pages)
bad.ovs:6:18: unknown counter 'page_faults' (objvm help stats)"

# After 50 errors, the count of the rest.
for i in $(seq 1 53); do echo "frobnicate $i"; done >"$tmp/many.ovs"
run run many.ovs
status 2
[ "$(grep -c "unknown command 'frobnicate'" "$tmp/.err")" = 50 ] || fail "not 50 errors shown"
stderr_has "many.ovs: 3 more errors not shown"

# A control byte in a message (here a terminal escape) comes out as \xHH.
printf 'spawn A\nA: frob\033[2J 1\n' >"$tmp/esc.ovs"
run run esc.ovs
status 2
stderr "esc.ovs:2:4: unknown command 'frob\\x1b[2J'"

# Errors about the file itself.
run run missing.ovs
status 2
stderr "objvm: missing.ovs: No such file or directory"
run oracle missing.ovs
status 2
stderr "objvm: missing.ovs: No such file or directory"
finish
