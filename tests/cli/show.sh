#!/usr/bin/env bash
# objvm run --show: after each command that changed a task's VMAs or ptes,
# that task's VMAs with a strip of page states; long VMAs in groups.
. "$(dirname "$0")/lib/assert.sh"

scenario s.ovs 'spawn A
A: mmap M 4p rw private,anon
A: store M+1p "x"
A: load M+1p 1
A: mmap B 1000p r private,anon
A: load B 1
spawn C
A: exit'
run run --show s.ovs
status 0
stdout '1: ok
  A:
    (no VMAs)
2: ok
  A:
    M+0x0-M+0x4000 rw-p 0x0 [anon]
      ....
3: ok
  A:
    M+0x0-M+0x4000 rw-p 0x0 [anon]
      .w..
4: "x"
5: ok
  A:
    B+0x0-B+0x3e8000 r--p 0x0 [anon]  (1000 pages, 16 each)
      ...............................................................
    M+0x0-M+0x4000 rw-p 0x0 [anon]
      .w..
6: "\x00"
  A:
    B+0x0-B+0x3e8000 r--p 0x0 [anon]  (1000 pages, 16 each)
      +..............................................................
    M+0x0-M+0x4000 rw-p 0x0 [anon]
      .w..
7: ok
  C:
    (no VMAs)
8: ok
  A: exited'
# Every line fits in 80 columns.
awk 'length > 80 { print; bad = 1 } END { exit bad }' "$tmp/.out" >"$tmp/.long" ||
	fail "lines over 80 columns: $(cat "$tmp/.long")"
finish
