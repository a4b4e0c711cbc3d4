#!/usr/bin/env bash
# The oracle's host limits (docs/oracle.md): the memory a scenario's tasks
# hold on the host, summed over them, may not pass --max-host-mem (2 GiB)
# and what they lock may not pass --max-host-locked (256 MiB).  The
# command that would pass a limit does not run: its line is `error: host
# limit: ...`, every later line is skipped, and the exit status is 1;
# objvm diff reports it and fails.
. "$(dirname "$0")/lib/assert.sh"

# Locked: the default, refused before anything is locked.
scenario locked.ovs 'spawn A
A: mmap M 200m rw private,anon,locked              => ok
A: mmap N 100m rw private,anon                     => ok
A: mlock N 100m                                    => ok
A: load M 1                                        => "\x00"'
run oracle locked.ovs
status 1
stdout_has "4: error: host limit: the scenario would lock more than 256 MiB of the host's memory (--max-host-locked=SIZE) (expected ok)"
stdout_has "5: skip"
run oracle --max-host-locked=512m locked.ovs
status 0
stdout_has '5: "\x00"'

# Held: populated, touched and stored memory of every task, forks too
# (a page two processes share counts for each).
scenario held.ovs 'spawn A
A: mmap M 24m rw private,anon,populate             => ok
A: mmap N 64m rw private,anon                      => ok
A: touch N 16m w                                   => ok
A: fork B                                          => ok
B: store N+16m fill(1,16m)                         => ok
A: munmap M 24m                                    => ok
B: touch N 64m w                                   => ok'
run oracle --max-host-mem=64m held.ovs
status 1
stdout_has "6: error: host limit: the scenario would hold more than 64 MiB of the host's memory (--max-host-mem=SIZE) (expected ok)"
stdout_has "7: skip"
stdout_has "8: skip"
run oracle --max-host-mem=300m held.ovs
status 0

# Four populated, locked 1 GiB mappings (once 2.3 GiB pinned): with the
# defaults, the first is refused before it runs.
scenario four.ovs 'spawn A
A: mmap M1 1g rw private,anon,populate,locked
A: mmap M2 1g rw private,anon,populate,locked
A: mmap M3 1g rw private,anon,populate,locked
A: mmap M4 1g rw private,anon,populate,locked'
run oracle four.ovs
status 1
stdout_has "2: error: host limit: the scenario would lock more than 256 MiB of the host's memory (--max-host-locked=SIZE)"
stdout_has "5: skip"
# ... and, unlocked, where the memory held would pass the limit
sed -i 's/,locked$//' "$tmp/four.ovs"
run oracle --max-host-mem=1g four.ovs
status 1
stdout_has "2: error: host limit: the scenario would hold more than 1024 MiB of the host's memory (--max-host-mem=SIZE)"
stdout_has "5: skip"

run diff --max-host-mem=64m held.ovs
status 1
stdout_has "held.ovs:6: the oracle stopped: error: host limit: the scenario would hold more than 64 MiB of the host's memory (--max-host-mem=SIZE)"

run oracle --max-host-mem=lots held.ovs
status 2
stderr "objvm oracle: bad size in '--max-host-mem=lots'"

finish
