#!/usr/bin/env bash
# make install / uninstall into a temporary prefix; the example embeds
# libobjvm through pkg-config, against the shared and the static library.
. "$(dirname "$0")/lib/assert.sh"

# A sanitized library needs its sanitizer's runtime in every program
# that links it; the plain make check runs this test.
[ -n "${OBJVM_SANITIZED:-}" ] && { echo "skipped under a sanitizer"; exit 0; }

prefix=$tmp/prefix
what="make install"
make -s -C "$top" --no-print-directory install B="$B" PREFIX="$prefix" \
	>"$tmp/.out" 2>&1 || { fail "$(cat "$tmp/.out")"; finish; }
for f in bin/objvm include/objvm.h include/objvm/version.h lib/libobjvm.a \
	lib/libobjvm.so lib/libobjvm.so.0 lib/pkgconfig/objvm.pc \
	share/man/man1/objvm.1; do
	[ -e "$prefix/$f" ] || fail "no $f"
done
[ "$(readlink "$prefix/lib/libobjvm.so.0")" = "$(readlink "$prefix/lib/libobjvm.so")" ] ||
	fail "libobjvm.so and libobjvm.so.0 name different files"
readelf -d "$prefix/lib/libobjvm.so" | grep -q 'SONAME.*\[libobjvm\.so\.0\]' ||
	fail "the shared library's SONAME is not libobjvm.so.0"
"$prefix/bin/objvm" --version >/dev/null || fail "the installed objvm does not run"

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
[ "$(pkg-config --modversion objvm)" = "$("$OBJVM" --version | sed 's/^objvm \([^ ]*\).*/\1/')" ] ||
	fail "objvm.pc has another version than objvm"

# Shared: the loader finds libobjvm.so.0 in the prefix.
what="example, shared"
cc -o "$tmp/embed" "$top/examples/embed.c" $(pkg-config --cflags --libs objvm) \
	>"$tmp/.out" 2>&1 || fail "build: $(cat "$tmp/.out")"
LD_LIBRARY_PATH=$prefix/lib ldd "$tmp/embed" | grep -q "libobjvm.so.0 => $prefix/lib/" ||
	fail "not linked against the installed libobjvm.so.0"
LD_LIBRARY_PATH=$prefix/lib "$tmp/embed" >"$tmp/.out" 2>&1 || fail "run: $(cat "$tmp/.out")"
grep -q '^after the truncate, B.s load: SIGBUS$' "$tmp/.out" || fail "output: $(cat "$tmp/.out")"

# Static: a prefix with only libobjvm.a; Libs.private brings libbsd.
what="example, static"
rm -f "$prefix"/lib/libobjvm.so*
cc -o "$tmp/embed-static" "$top/examples/embed.c" \
	$(pkg-config --static --cflags --libs objvm) >"$tmp/.out" 2>&1 ||
	fail "build: $(cat "$tmp/.out")"
readelf -d "$tmp/embed-static" | grep -q 'NEEDED.*libobjvm' && fail "needs a shared libobjvm"
"$tmp/embed-static" >"$tmp/.out" 2>&1 || fail "run: $(cat "$tmp/.out")"

# The build tree's shared library loads too.
what="build tree"
cc -o "$tmp/embed-tree" "$top/examples/embed.c" -I"$top/include" -L"$B" -lobjvm \
	>"$tmp/.out" 2>&1 || fail "build: $(cat "$tmp/.out")"
LD_LIBRARY_PATH=$B "$tmp/embed-tree" >"$tmp/.out" 2>&1 || fail "run: $(cat "$tmp/.out")"

what="make uninstall"
make -s -C "$top" --no-print-directory uninstall B="$B" PREFIX="$prefix" \
	>"$tmp/.out" 2>&1 || fail "$(cat "$tmp/.out")"
left=$(find "$prefix" -type f -o -type l)
[ -z "$left" ] || fail "left behind: $left"

what="make install DESTDIR"
make -s -C "$top" --no-print-directory install B="$B" PREFIX=/opt/objvm \
	DESTDIR="$tmp/stage" >"$tmp/.out" 2>&1 || fail "$(cat "$tmp/.out")"
grep -qx 'prefix=/opt/objvm' "$tmp/stage/opt/objvm/lib/pkgconfig/objvm.pc" ||
	fail "objvm.pc does not name the PREFIX"
[ -x "$tmp/stage/opt/objvm/bin/objvm" ] || fail "nothing under DESTDIR"
finish
