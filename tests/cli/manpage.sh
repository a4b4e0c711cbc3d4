#!/usr/bin/env bash
# objvm(1) documents every scenario command and subcommand the tool knows,
# and renders with scdoc.
. "$(dirname "$0")/lib/assert.sh"

page=docs/objvm.1.scd
run help
status 0
verbs=$(sed -n '/^scenario commands/,$p' "$tmp/.out" | sed -n 's/^  \(T: \)\{0,1\}\([a-z_]*\).*/\2/p')
[ "$(wc -w <<<"$verbs")" -ge 31 ] || fail "objvm help lists too few commands"
for verb in $verbs; do
	word=${verb//_/\\\\_}
	grep -Eq "^\*(T: )?$word\*" "$page" ||
		fail "$page has no entry for '$verb'"
done
for sub in $(sed -n '/^commands:/,/^$/p' "$tmp/.out" | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
	grep -q "^\*$sub\*" "$page" || fail "$page has no entry for 'objvm $sub'"
done
if command -v scdoc >/dev/null; then
	what="scdoc < $page"
	scdoc <"$page" >"$tmp/objvm.1" 2>"$tmp/.err" || fail "$(cat "$tmp/.err")"
fi
finish
