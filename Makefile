# objvm - build, test and measure.
#
#   make            library (static and shared) and the objvm command
#   make demo       the main job: the bundled demo scenarios and their stats
#   make check      every test; ends with "N passed, N failed"
#   make sanitize   make check under ASan + UBSan (own build directory)
#   make tsan       make check under ThreadSanitizer (own build directory)
#   make bench      benchmarks against the live kernel (OBJVM_DEBUG=0)
#   make man        objvm(1) from docs/objvm.1.scd
#   make soak       objvm diff over SEEDS=A-B generated scenarios (1-10000)
#   make fuzz       libFuzzer on scenarios for FUZZ_TIME seconds (60)
#   make format     clang-format every C file in place
#   make install    PREFIX=/usr/local DESTDIR=: objvm, its manual, the
#                   headers, libobjvm (static and shared) and objvm.pc
#   make uninstall  remove what make install put there
#
# Sources are found by wildcard: a new .c under src/ joins the library, a
# new tests/unit/test_*.c becomes a test program, a new .ovs under
# tests/scenarios/ becomes a scenario test.

B ?= build
CC ?= cc
OBJVM_DEBUG ?= 1
OPT ?= -O2
SAN ?=

# The objvm command also writes JSON (tools/objvm/json.c).
JSON_CFLAGS := $(shell pkg-config --cflags jansson 2>/dev/null)
JSON_LIBS := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
ifeq ($(CI),true)
WARN += -Werror
endif
CFLAGS := -std=gnu11 $(OPT) -g $(WARN) -fvisibility=hidden -fPIC -pthread \
	-DOBJVM_DEBUG=$(OBJVM_DEBUG) -Iinclude -Isrc $(JSON_CFLAGS) $(SAN) $(EXTRA_CFLAGS)
LDFLAGS := -pthread $(SAN) $(EXTRA_LDFLAGS)
LIBS := -lbsd

VERSION := $(shell sed -n 's/^\#define OBJVM_VERSION_STRING "\(.*\)"/\1/p' \
	include/objvm/version.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME := libobjvm.so.$(SOMAJOR)

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

LIB_SRC := $(sort $(shell find src -name '*.c'))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CLI_SRC := $(sort $(wildcard tools/objvm/*.c))
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
UNIT_HELPERS := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))

.PHONY: all deps demo check test sanitize tsan bench man format format-check \
	clean soak fuzz install uninstall examples

all: deps $(B)/libobjvm.a $(B)/libobjvm.so $(B)/$(SONAME) $(B)/objvm

deps:
	@scripts/deps build

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/libobjvm.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The shared library is libobjvm.so.VERSION, with the links the loader
# (SONAME) and the linker (-lobjvm) look for, in the build tree too.
$(B)/libobjvm.so.$(VERSION): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/$(SONAME) $(B)/libobjvm.so: $(B)/libobjvm.so.$(VERSION)
	ln -sf libobjvm.so.$(VERSION) $@


$(B)/objvm: $(CLI_OBJ) $(B)/libobjvm.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libobjvm.a $(LIBS) $(JSON_LIBS)

# Unit tests use Check; they may include a module's .c to reach statics.
$(B)/tests/%: tests/unit/%.c $(UNIT_HELPERS) $(B)/libobjvm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(UNIT_HELPERS) $(B)/libobjvm.a \
		$(LDFLAGS) $(LIBS) $$(pkg-config --libs check) -pthread

demo: all
	@tools/demo/run $(B)/objvm

# The plain check also runs the scenarios on a build without OBJVM_DEBUG.
ifeq ($(B),build)
NODEBUG_BUILD := build-nodebug
endif

check test:
	@scripts/deps test
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(B)/fuzz_replay
	@$(if $(NODEBUG_BUILD),$(MAKE) --no-print-directory all \
		B=$(NODEBUG_BUILD) OBJVM_DEBUG=0 SAN= >/dev/null)
	@B=$(B) $(if $(NODEBUG_BUILD),OBJVM_NODEBUG=$(CURDIR)/$(NODEBUG_BUILD)/objvm) \
		tests/run

sanitize:
	@OBJVM_SANITIZED=1 OBJVM_TEST_TIMEOUT=900 \
		$(MAKE) --no-print-directory check B=build-asan CC=gcc \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

tsan:
	@OBJVM_SANITIZED=1 OBJVM_TEST_TIMEOUT=1800 \
		$(MAKE) --no-print-directory check B=build-tsan CC=clang OPT=-O1 \
		SAN="-fsanitize=thread"

bench:
	@scripts/deps build
	@$(MAKE) --no-print-directory all B=build-bench OBJVM_DEBUG=0
	@$(MAKE) --no-print-directory -f bench/bench.mk B=build-bench run

# The kernel oracle (docs/oracle.md): a long differential run, and the
# fuzz target (fuzz/fuzz_scenario.c) with its corpus kept in build-fuzz.
SEEDS ?= 1-10000
soak: all
	@mkdir -p $(B)/soak
	$(B)/objvm diff --known=tests/oracle/known --save=$(B)/soak \
		--seeds=$(SEEDS) $(SOAK_FLAGS)

FUZZ_B := build-fuzz
FUZZ_TIME ?= 60
FUZZ_CLI := parse hostdir result commands tasks run show json
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer

fuzz:
	@scripts/deps test
	@$(MAKE) --no-print-directory $(FUZZ_B)/fuzz_scenario B=$(FUZZ_B) \
		CC=clang OPT=-O1 SAN="$(FUZZ_SAN) -fsanitize=fuzzer-no-link"
	@mkdir -p $(FUZZ_B)/corpus
	$(FUZZ_B)/fuzz_scenario -max_total_time=$(FUZZ_TIME) -timeout=20 \
		-rss_limit_mb=4096 -artifact_prefix=$(FUZZ_B)/ $(FUZZ_FLAGS) \
		$(FUZZ_B)/corpus fuzz/corpus

# The harness without libFuzzer, for make check (tests/cli/fuzz_replay.sh).
$(B)/fuzz_replay: fuzz/replay.c fuzz/fuzz_scenario.c $(B)/libobjvm.a \
		$(FUZZ_CLI:%=$(B)/tools/objvm/%.o)
	$(CC) $(CFLAGS) -Itools/objvm -o $@ fuzz/replay.c fuzz/fuzz_scenario.c \
		$(FUZZ_CLI:%=$(B)/tools/objvm/%.o) $(B)/libobjvm.a \
		$(LDFLAGS) $(LIBS) $(JSON_LIBS)

$(B)/fuzz_scenario: fuzz/fuzz_scenario.c $(B)/libobjvm.a \
		$(FUZZ_CLI:%=$(B)/tools/objvm/%.o)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -Itools/objvm -o $@ $< \
		$(FUZZ_CLI:%=$(B)/tools/objvm/%.o) $(B)/libobjvm.a \
		$(LDFLAGS) $(LIBS) $(JSON_LIBS)

# The embedding example, built against the build tree.
examples: $(B)/examples/embed

$(B)/examples/embed: examples/embed.c $(B)/libobjvm.a
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(OPT) $(WARN) -Iinclude -o $@ $< $(B)/libobjvm.a \
		$(LIBS) -pthread

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR)/objvm $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man1
	install -m 755 $(B)/objvm $(DESTDIR)$(BINDIR)/objvm
	install -m 644 include/objvm.h $(DESTDIR)$(INCLUDEDIR)/objvm.h
	install -m 644 include/objvm/version.h \
		$(DESTDIR)$(INCLUDEDIR)/objvm/version.h
	install -m 644 $(B)/libobjvm.a $(DESTDIR)$(LIBDIR)/libobjvm.a
	install -m 755 $(B)/libobjvm.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/libobjvm.so.$(VERSION)
	ln -sf libobjvm.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf libobjvm.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libobjvm.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
		objvm.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/objvm.pc
	if command -v scdoc >/dev/null; then \
		scdoc < docs/objvm.1.scd > $(DESTDIR)$(MANDIR)/man1/objvm.1; \
	else echo "make install: no scdoc, objvm.1 not installed" >&2; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/objvm $(DESTDIR)$(INCLUDEDIR)/objvm.h \
		$(DESTDIR)$(INCLUDEDIR)/objvm/version.h \
		$(DESTDIR)$(LIBDIR)/libobjvm.a \
		$(DESTDIR)$(LIBDIR)/libobjvm.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libobjvm.so \
		$(DESTDIR)$(PKGCONFIGDIR)/objvm.pc \
		$(DESTDIR)$(MANDIR)/man1/objvm.1
	-rmdir $(DESTDIR)$(INCLUDEDIR)/objvm 2>/dev/null

man: $(B)/objvm.1

$(B)/objvm.1: docs/objvm.1.scd
	@mkdir -p $(B)
	scdoc < $< > $@

format:
	clang-format -i $$(find src include tools tests bench -name '*.[ch]')

format-check:
	clang-format --dry-run -Werror $$(find src include tools tests bench -name '*.[ch]')

clean:
	rm -rf build build-asan build-tsan build-bench build-nodebug build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
