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
	stdout_has "  run [--check=each|end|off] [--format=text|json] [--show] [--host-dir DIR] FILE..."
	stdout_has "  T: ptes ADDR LEN"
	stdout_has "  T: mmap M LEN PROT FLAGS [F [OFF]] [at=ADDR]"
	stdout_has "  machine [mem=SIZE] [swap=SIZE] [hugepages=N] [backing=memory|host:DIR] [seed=N] [kswapd=on|off] [swapfile=PATH]"
done

run help mmap
status 0
stdout "usage: T: mmap M LEN PROT FLAGS [F [OFF]] [at=ADDR]

map a file or anonymous memory and bind mapping name M

  PROT   none r w x rw rx wx rwx
  FLAGS  a comma list: shared or private (exactly one), anon,
         fixed, fixed_noreplace, populate, nonblock, locked,
         noreserve, hugetlb, nonlinear (vm.nonlinear=pinned)
  F [OFF]  the descriptor and file offset (anon takes none)
  at=ADDR  the address hint (the address, with fixed)
  Result: ok (M is bound to the start and LEN), or an errno.

Some of these are not built yet: README.md, \"Not built yet\", says which
and what they answer.

example:
  A: mmap W 16p rw shared F 4p

The full reference: docs/scenario-language.md."

run help check
status 0
stdout "usage: check

run every invariant checker: ok or FAIL text

  Runs the invariant checker over the whole machine.
  Result: ok, or FAIL and the rule and object that broke.

example:
  check => ok

The full reference: docs/scenario-language.md."

run help run
status 0
stdout "usage: objvm run [--check=each|end|off] [--format=text|json] [--show] [--host-dir DIR] FILE...

run scenario files on libobjvm and print their transcripts

options:
      --check=each|end|off  when the invariant checker runs (default end)
      --format=text|json    the transcript, or JSON Lines
      --show                each task's VMAs and pte states after a change

example:
  objvm run --check=each --show tools/demo/3-truncate.ovs"

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
usage: objvm run [--check=each|end|off] [--format=text|json] [--show] [--host-dir DIR] FILE..."

run run --check=sometimes x.ovs
status 2
stderr "objvm run: bad --check 'sometimes'
usage: objvm run [--check=each|end|off] [--format=text|json] [--show] [--host-dir DIR] FILE..."

run run --verbose x.ovs
status 2
stderr "objvm run: unknown option '--verbose'
usage: objvm run [--check=each|end|off] [--format=text|json] [--show] [--host-dir DIR] FILE..."

run run --help
status 0
stdout "usage: objvm run [--check=each|end|off] [--format=text|json] [--show] [--host-dir DIR] FILE..."

finish
