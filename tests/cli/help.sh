#!/usr/bin/env bash
# objvm help: every scenario command has its forms and an example; the
# counters' sentences come from the library and the manual has them all;
# every option objvm --help lists is in the manual.
. "$(dirname "$0")/lib/assert.sh"

page=$top/docs/objvm.1.scd
run help
status 0
verbs=$(sed -n '/^scenario commands/,/^$/p' "$tmp/.out" | sed -n 's/^  \(T: \)\{0,1\}\([a-z_]*\).*/\2/p')
[ "$(wc -w <<<"$verbs")" -ge 32 ] || fail "objvm help lists too few commands"
for verb in $verbs; do
	run help "$verb"
	status 0
	grep -q '^usage: ' "$tmp/.out" || fail "no usage line"
	grep -q '^example:$' "$tmp/.out" || fail "no example"
	# The example is a command of that verb, and it parses.
	ex=$(sed -n '/^example:$/{n;s/^  //p}' "$tmp/.out")
	[[ $ex == "$verb"* || $ex == *": $verb"* ]] || fail "example '$ex' is not a $verb command"
done

# Each subcommand's help has an example of it.
for sub in run oracle diff gen; do
	run help "$sub"
	status 0
	grep -q "^  objvm $sub " "$tmp/.out" || fail "no example of objvm $sub"
done

# The counters: one line each, from objvm_stat_name/objvm_stat_help.
run help stats
status 0
counters=$(sed -n '/^counters:$/,/^$/p' "$tmp/.out" | sed -n 's/^  \([a-z_]*\)  *\(.*\)$/\1\t\2/p')
[ "$(wc -l <<<"$counters")" -ge 30 ] || fail "too few counters: $counters"
scenario all.ovs 'stats'
run run all.ovs
status 0
[ "$(sed 's/^1: //; s/=[0-9]*//g' "$tmp/.out")" = "$(cut -f1 <<<"$counters" | tr '\n' ' ' | sed 's/ $//')" ] ||
	fail "objvm help stats and stats name different counters"
while IFS=$'\t' read -r name sentence; do
	grep -A1 -xF "*${name//_/\\_}*" "$page" | grep -qxF "	$sentence" ||
		fail "$page: counter $name lacks '$sentence'"
done <<<"$counters"
# Nothing in the manual's COUNTERS that the library does not have.
for name in $(sed -n '/^# COUNTERS/,/^# /p' "$page" | sed -n 's/^\*\([a-z\\_]*\)\*$/\1/p' | tr -d '\\'); do
	grep -q "^$name	" <<<"$counters" || fail "$page lists '$name', which is no counter"
done

# Every option of every subcommand is in objvm --help and in the manual.
run --help
status 0
for opt in $(grep -oE '(^| |\[)--?[a-z][a-z-]*' "$tmp/.out" | tr -d ' [' | sort -u); do
	grep -qF -- "*${opt}*" "$page" || fail "$page lacks the option $opt"
done
for want in -v --status --check --format --show --without --keep --tmpdir \
	--known --seeds --ops --tasks --save --reduce --seed --with; do
	grep -qE -- "(^| |\[)$want([= ]|\]|$)" "$tmp/.out" || fail "objvm --help lacks $want"
done
grep -q -- '--ops=K .*1\.\.100000' "$tmp/.out" || fail "no range for diff --ops"
grep -q -- '--tasks T .*1\.\.4' "$tmp/.out" || fail "no range for gen --tasks"
finish
