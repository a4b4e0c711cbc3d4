#!/bin/sh
# bench/compare.sh - compare two benchmark runs (build-bench/bench.json).
#
# usage: bench/compare.sh OLD.json NEW.json
#
# For every figure in either file prints the objvm and kernel medians of
# both runs and new/old for each (below 1: the new run was faster), the
# kernel/objvm ratio of both runs, and "counts!" when objvm's event counts
# differ (then the two runs did not do the same work).  Relies only on the
# layout objvm-bench writes: one figure per line.
set -u

if [ $# -ne 2 ] || [ ! -r "$1" ] || [ ! -r "$2" ]; then
	echo "usage: bench/compare.sh OLD.json NEW.json" >&2
	exit 2
fi

awk '
function str(line, key,    m) {
	if (!match(line, "\"" key "\": \"[^\"]*\""))
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub("^\"" key "\": \"", "", m)
	sub("\"$", "", m)
	return m
}
function num(line, key,    m) {
	if (!match(line, "\"" key "\": [-+0-9.eE]+"))
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub("^\"" key "\": ", "", m)
	return m
}
function obj(line, key) {
	if (!match(line, "\"" key "\": [{][^}]*[}]"))
		return ""
	return substr(line, RSTART, RLENGTH)
}
function div(a, b) {
	if (a == "" || b == "" || b + 0 == 0)
		return "-"
	return sprintf("%.3f", a / b)
}
FNR == 1 { file++ }
/^    "(kernel|cpu)": / && !/"name"/ {
	k = $0; sub(/^ *"/, "", k); sub(/".*/, "", k)
	info[file, k] = str($0, k)
}
/^  "(date|objvm_version|objvm_git)": / {
	k = $0; sub(/^ *"/, "", k); sub(/".*/, "", k)
	info[file, k] = str($0, k)
}
/"name": / {
	n = str($0, "name")
	if (!((n) in seen)) {
		seen[n] = 1
		order[++nfig] = n
	}
	has[file, n] = 1
	ov[file, n] = num($0, "objvm")
	kv[file, n] = num($0, "kernel")
	ra[file, n] = num($0, "ratio")
	cnt[file, n] = obj($0, "counts")
	err[file, n] = str($0, "error")
}
END {
	for (f = 1; f <= 2; f++)
		printf("%s: objvm %s (%s), Linux %s, %s, %s\n",
		       f == 1 ? "old" : "new", info[f, "objvm_version"],
		       info[f, "objvm_git"] == "" ? "?" : info[f, "objvm_git"],
		       info[f, "kernel"], info[f, "cpu"], info[f, "date"])
	printf("\n%-20s %10s %10s %7s %10s %10s %7s %7s %7s\n", "figure",
	       "objvm_old", "objvm_new", "new/old", "kern_old", "kern_new",
	       "new/old", "rat_old", "rat_new")
	for (i = 1; i <= nfig; i++) {
		n = order[i]
		if (!has[1, n] || !has[2, n]) {
			printf("%-20s only in the %s run\n", n,
			       has[1, n] ? "old" : "new")
			continue
		}
		if (err[1, n] != "" || err[2, n] != "") {
			printf("%-20s failed: %s\n", n,
			       err[1, n] != "" ? "old: " err[1, n] : "new: " err[2, n])
			continue
		}
		printf("%-20s %10s %10s %7s %10s %10s %7s %7s %7s%s\n", n,
		       ov[1, n], ov[2, n], div(ov[2, n], ov[1, n]),
		       kv[1, n], kv[2, n], div(kv[2, n], kv[1, n]),
		       ra[1, n], ra[2, n],
		       cnt[1, n] == cnt[2, n] ? "" : " counts!")
	}
}
' "$1" "$2"
