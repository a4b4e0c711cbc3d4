#!/usr/bin/env bash
# docs/scenario-language.md is the reference: every command of the verb
# table has its row, every page state its legend, and its example runs.
# README, the manual and objvm help point to it.
. "$(dirname "$0")/lib/assert.sh"

doc=$top/docs/scenario-language.md
run help
status 0
verbs=$(sed -n '/^scenario commands/,/^$/p' "$tmp/.out" | sed -n 's/^  \(T: \)\{0,1\}\([a-z_]*\).*/\2/p')
[ "$(wc -w <<<"$verbs")" -ge 32 ] || fail "objvm help lists too few commands"
for verb in $verbs; do
	grep -qE "^\| \`(T: )?$verb( |\`)" "$doc" || fail "$doc has no row for '$verb'"
done
# Every state objvm can write has its character in the legend.
for c in . r w 0 f s n; do
	grep -qF "| \`$c\` |" "$doc" || fail "$doc has no page state '$c'"
done
# The example of section 6 runs as written.
sed -n '/^## 6\./,$p' "$doc" | sed -n '/^```$/,/^```$/p' | sed '1d;$d' >"$tmp/example.ovs"
[ -s "$tmp/example.ovs" ] || fail "no example in section 6"
run run --check=each example.ovs
status 0
grep -q 'docs/scenario-language.md' "$top/README.md" || fail "README does not point to the reference"
grep -q 'docs/scenario-language.md' "$top/docs/objvm.1.scd" || fail "the manual does not point to the reference"
run help
grep -q 'docs/scenario-language.md' "$tmp/.out" || fail "objvm help does not point to the reference"
grep -q '\.\./shared/' "$top/README.md" && fail "README points outside the repository"
finish
