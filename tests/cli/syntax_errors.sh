#!/usr/bin/env bash
# Syntax and usage errors: exit status 2, `FILE:LINE:COL: message` on
# stderr, and nothing run (no transcript on stdout).
. "$(dirname "$0")/lib/assert.sh"

# bad NAME LINE:COL MESSAGE TEXT: TEXT fails with that one error.
bad() {
	scenario "$1.ovs" "$4"
	run run "$1.ovs"
	status 2
	stdout ""
	stderr "$1.ovs:$2: $3"
}

bad unknown 2:1 "unknown command 'frob'" "spawn A
frob 1"
bad int 2:16 "bad integer '4x4'" "spawn A
A: ftruncate F 4x4"
bad suffix 1:9 "bad size suffix 'q' in '3q'" "reclaim 3q"
bad overflow 1:9 "integer overflow '99999999999999999999'" \
	"reclaim 99999999999999999999"
bad name 1:7 "bad name '9A'" "spawn 9A"
bad string 1:12 "unterminated string" 'A: store W "abc'
bad escape 1:14 "bad escape '\\z'" 'A: store W "a\z"'
bad prot 1:14 "bad PROT 'rwz'" "A: mmap W 1p rwz private,anon"
bad flag 1:25 "unknown mmap flag 'big'" "A: mmap W 1p rw private,big"
bad dupflag 1:30 "duplicate mmap flag 'anon'" \
	"A: mmap W 1p rw private,anon,anon"
bad both 1:17 "shared and private together" "A: mmap W 1p rw shared,private,anon"
bad neither 1:17 "FLAGS needs shared or private" "A: mmap W 1p rw anon"
bad anonfile 1:29 "anon takes no file" "A: mmap W 1p rw shared,anon F"
bad first 4:1 "machine must be the first command" "# comment

spawn A
machine"
bad first2 2:1 "machine must be the first command" "spawn A
machine mem=1M"
bad mkey 1:9 "unknown machine key 'cpus'" "machine cpus=4"
bad pattern 1:22 "pattern length 100 is not a multiple of 8" \
	"A: write F 0 pattern(100)"
bad fill 1:19 "fill byte 300 out of range 0..255" "A: write F 0 fill(300,1)"
bad noprot 1:13 "missing PROT" "A: mmap W 1p"
bad extra 1:9 "unexpected argument 'now'" "A: exit now"
bad notask 1:1 "'load' needs a task: T: load ADDR LEN [as=str|u64|sum]" \
	"load W 8"

# Every error of a file is reported, in order; nothing runs.
scenario many.ovs 'spawn A
A: bogus
A: exit
A: load W 9 as=u64
A: store W "x" => ok'
run run many.ovs
status 2
stdout ""
stderr "many.ovs:2:4: unknown command 'bogus'
many.ovs:4:13: as=u64 needs LEN 1 to 8"

# A good file and a bad one: both are parsed before either runs.
scenario good.ovs "check => ok"
run run good.ovs many.ovs
status 2
stdout ""

# A file that cannot be read.
run run missing.ovs
status 2
stderr "objvm: missing.ovs: No such file or directory"

# Standard input.
printf 'spawn A\nA:\n' >"$tmp/in.ovs"
what="objvm run - < in.ovs"
(cd "$tmp" && "$OBJVM" run - <in.ovs) >"$tmp/.out" 2>"$tmp/.err"
rc=$?
status 2
stderr "<stdin>:2:3: missing command after 'A:'"

finish
