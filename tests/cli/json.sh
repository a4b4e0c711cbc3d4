#!/usr/bin/env bash
# --format=json: every line that run, oracle and diff write is a JSON
# object of the documented shape (read back with jansson), on every
# repository scenario, and the values are the transcript's.
. "$(dirname "$0")/lib/assert.sh"

# A reader that checks the shape of each line: a command object
# {"line","command","result","expected","ok"} (diff adds "linux" and
# "compared"), or a summary {"file","summary":{"passed","failed"},"stats"}.
cat >"$tmp/jl.c" <<'C'
#include <jansson.h>
#include <stdio.h>
#include <string.h>
static int bad(int n, const char *why) { printf("line %d: %s\n", n, why); return 1; }
int main(void)
{
	char buf[1 << 20];
	int n = 0, summaries = 0;
	while (fgets(buf, sizeof(buf), stdin)) {
		json_error_t e;
		json_t *o = json_loads(buf, 0, &e), *s;
		n++;
		if (!o || !json_is_object(o))
			return bad(n, o ? "not an object" : e.text);
		if ((s = json_object_get(o, "summary"))) {
			json_t *st = json_object_get(o, "stats");
			summaries++;
			if (!json_is_integer(json_object_get(s, "passed")) ||
			    !json_is_integer(json_object_get(s, "failed")) ||
			    !json_is_string(json_object_get(o, "file")) ||
			    !(json_is_null(st) || json_is_object(st)))
				return bad(n, "bad summary");
			const char *k; json_t *v;
			json_object_foreach(st, k, v)
				if (!json_is_integer(v))
					return bad(n, "a counter is not a number");
		} else {
			json_t *x = json_object_get(o, "expected");
			if (!json_is_integer(json_object_get(o, "line")) ||
			    !json_is_string(json_object_get(o, "command")) ||
			    !json_is_string(json_object_get(o, "result")) ||
			    !(json_is_string(x) || json_is_null(x)) ||
			    !json_is_boolean(json_object_get(o, "ok")))
				return bad(n, "bad command object");
		}
		json_decref(o);
	}
	if (!summaries)
		return bad(n, "no summary");
	printf("%d\n", n);
	return 0;
}
C
cc -o "$tmp/jl" "$tmp/jl.c" $(pkg-config --cflags --libs jansson) ||
	{ echo "cannot build the JSON reader"; exit 1; }

check_json() { # WHAT: the output of the last run is well-formed JSON Lines
	"$tmp/jl" <"$tmp/.out" >"$tmp/.jl" || fail "$(cat "$tmp/.jl")"
}

for f in tests/scenarios/*/*.ovs tools/demo/*.ovs; do
	run run --format=json "$top/$f"
	check_json
	# One object per command, plus the summary.
	want=$(("$(OBJVM_QUIET=1 "$OBJVM" run "$top/$f" 2>/dev/null | grep -c '^[0-9]*: ')" + 1))
	[ "$(cat "$tmp/.jl")" = "$want" ] || fail "$(cat "$tmp/.jl") lines, want $want"
done

scenario bytes.ovs 'spawn A
A: mmap M 1p rw private,anon
A: store M "\x01\"quote\"\\ é"   => ok
A: load M 12                    => "\x01\"quote\"\\ \xc3"
stats fault_anon                => fault_anon=1'
run run --format=json bytes.ovs
check_json
head -n 5 "$tmp/.out" >"$tmp/.head"
same "$tmp/.head" '{"line":1,"command":"spawn A","result":"ok","expected":null,"ok":true}
{"line":2,"command":"A: mmap M 1p rw private,anon","result":"ok","expected":null,"ok":true}
{"line":3,"command":"A: store M \"\\x01\\\"quote\\\"\\\\ \u00E9\"","result":"ok","expected":"ok","ok":true}
{"line":4,"command":"A: load M 12","result":"\"\\x01\\\"quote\\\"\\\\ \\xc3\\xa9\"","expected":"\"\\x01\\\"quote\\\"\\\\ \\xc3\"","ok":false}
{"line":5,"command":"stats fault_anon","result":"fault_anon=1","expected":"fault_anon=1","ok":true}' "the first 5 lines"
grep -q '"summary":{"passed":4,"failed":1}' "$tmp/.out" ||
	fail "no summary of 4 passed, 1 failed"
status 1

# Bytes that are not UTF-8, in a command's text, come out as \xHH.
printf 'spawn A\nA: open F /\xff rdwr creat\n' >"$tmp/latin.ovs"
run run --format=json latin.ovs
check_json
grep -qF '"command":"A: open F /\\xff rdwr creat"' "$tmp/.out" ||
	fail "invalid UTF-8 not escaped: $(cat "$tmp/.out")"

run oracle --format=json "$top/tools/demo/2-fork-cow.ovs"
status 0
check_json
run diff --format=json "$top/tools/demo/2-fork-cow.ovs"
status 0
check_json
grep -q '"summary":{"passed":[1-9][0-9]*,"failed":0,"skipped":[0-9]*}' "$tmp/.out" ||
	fail "diff summary: $(tail -n 1 "$tmp/.out")"

run run --format=yaml x.ovs
status 2
stderr_has "objvm run: bad --format 'yaml'"
run run --format=json --show x.ovs
status 2
stderr_has "objvm run: --show is for the text transcript"
finish
