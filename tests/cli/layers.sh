#!/usr/bin/env bash
# Calls go down (docs/design.md §1): scripts/layers finds no include of a
# layer above, and it does find one when a file breaks the rule.
. "$(dirname "$0")/lib/assert.sh"

what="scripts/layers"
"$top/scripts/layers" "$top" >"$tmp/.out" 2>&1 ||
	fail "layers broken: $(cat "$tmp/.out")"

# A copy of the tree where page/ reaches up into vma/ must be refused.
mkdir -p "$tmp/tree"
cp -r "$top/src" "$top/tools" "$top/include" "$top/scripts" "$tmp/tree/"
sed -i '0,/#include "page\/page.h"/s//#include "page\/page.h"\n#include "vma\/vma.h"/' \
	"$tmp/tree/src/page/page.c"
if "$tmp/tree/scripts/layers" "$tmp/tree" >"$tmp/.out" 2>&1; then
	fail "an include of vma/ from page/ was not refused"
fi
grep -q '^src/page/page.c:[0-9]*: page/ includes "vma/vma.h", a layer above it$' \
	"$tmp/.out" || fail "unexpected report: $(cat "$tmp/.out")"
finish
