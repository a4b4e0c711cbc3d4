# tests/cli/lib/assert.sh - helpers for the CLI tests (sourced, not run).
#
#   run ARGS...         run objvm ARGS; keep the status, stdout and stderr
#   status N            the status was N
#   stdout TEXT         stdout was exactly TEXT (plus a final newline)
#   stderr TEXT         stderr was exactly TEXT (plus a final newline)
#   stdout_has TEXT     stdout holds the line TEXT (stderr_has: stderr)
#   scenario NAME TEXT  write TEXT to $tmp/NAME
#   finish              exit 1 if any check failed
#
# B and OBJVM come from tests/run; alone, B defaults to "build".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
OBJVM=${OBJVM:-$top/${B:-build}/objvm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
what=

fail() {
	echo "FAIL [$what]: $*"
	failures=$((failures + 1))
}

run() {
	what="objvm $*"
	(cd "$tmp" && "$OBJVM" "$@") >"$tmp/.out" 2>"$tmp/.err"
	rc=$?
}

status() {
	[ "$rc" = "$1" ] || fail "exit status $rc, want $1"
}

# same FILE TEXT WHICH: FILE holds exactly TEXT and a newline (or nothing).
same() {
	local want=$2
	[ -z "$want" ] || want="$want
"
	if [ "$(cat "$1"; echo x)" != "${want}x" ]; then
		fail "$3 differs:"
		diff <(printf '%s' "$want") "$1" | sed 's/^/    /'
	fi
}

stdout() { same "$tmp/.out" "$1" stdout; }
stderr() { same "$tmp/.err" "$1" stderr; }

stdout_has() {
	grep -qxF -- "$1" "$tmp/.out" || fail "stdout lacks the line '$1'"
}

stderr_has() {
	grep -qxF -- "$1" "$tmp/.err" || fail "stderr lacks the line '$1'"
}

scenario() {
	printf '%s\n' "$2" >"$tmp/$1"
}

finish() {
	[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
	exit 0
}
