#!/usr/bin/env bash
# The objvm command line: help, version, unknown subcommands, run options.
. "$(dirname "$0")/lib/assert.sh"

run
status 2
grep -q '^usage: objvm COMMAND' "$tmp/.err" || fail "no usage on stderr"

for opt in --help -h help; do
	run $opt
	status 0
	stderr ""
	stdout_has "usage: objvm COMMAND [ARGS...]"
	stdout_has "  run [--check=each|end|off] [--host-dir DIR] FILE..."
	stdout_has "  T: mmap M LEN PROT FLAGS [F [OFF]] [at=ADDR]"
	stdout_has "  machine [mem=SIZE] [swap=SIZE] [hugepages=N] [backing=memory|host:DIR] [seed=N]"
done

run help mmap
status 0
stdout "usage: T: mmap M LEN PROT FLAGS [F [OFF]] [at=ADDR]

map a file or anonymous memory and bind mapping name M"

run help check
status 0
stdout "usage: check

run every invariant checker: ok or FAIL text"

run help run
status 0
stdout "usage: objvm run [--check=each|end|off] [--host-dir DIR] FILE...

run scenario files on libobjvm and print their transcripts"

run help frobnicate
status 2
stderr "objvm help: no command 'frobnicate'"

run frobnicate
status 2
stdout ""
stderr "objvm: unknown command 'frobnicate' (try objvm --help)"

run --version
status 0
grep -Eq '^objvm [0-9]+\.[0-9]+\.[0-9]+ \(libobjvm [0-9]+\.[0-9]+\.[0-9]+\)$' \
	"$tmp/.out" || fail "bad version line: $(cat "$tmp/.out")"

run run
status 2
stderr "objvm run: no scenario file
usage: objvm run [--check=each|end|off] [--host-dir DIR] FILE..."

run run --check=sometimes x.ovs
status 2
stderr "objvm run: bad --check 'sometimes'
usage: objvm run [--check=each|end|off] [--host-dir DIR] FILE..."

run run --verbose x.ovs
status 2
stderr "objvm run: unknown option '--verbose'
usage: objvm run [--check=each|end|off] [--host-dir DIR] FILE..."

run run --help
status 0
stdout "usage: objvm run [--check=each|end|off] [--host-dir DIR] FILE..."

finish
