#!/usr/bin/env bash
# What `objvm run` prints without needing the library to do anything:
# files with no commands, several files, options after files, "--".
. "$(dirname "$0")/lib/assert.sh"

scenario empty.ovs "# only a comment

   # and blanks"
run run empty.ovs
status 0
stdout ""
stderr ""

scenario a.ovs ""
scenario b.ovs "# nothing"
for check in each end off; do
	run run a.ovs --check=$check b.ovs
	status 0
	stdout "== a.ovs
== b.ovs"
done

cp "$tmp/a.ovs" "$tmp/-x.ovs"
run run -- -x.ovs
status 0
stdout ""

finish
