# bench/bench.mk - build and run the benchmarks (see docs/bench.md).
#
# `make bench` builds the library into build-bench/ with OBJVM_DEBUG=0,
# then runs this file's `run` target:
#
#   make -f bench/bench.mk B=build-bench run       every figure
#   make -f bench/bench.mk B=build-bench run FIGURES="fault_anon_ns"
#   make -f bench/bench.mk B=build-bench build     the program only
#
# The figures are printed and written to $(B)/bench.json; compare two runs
# with bench/compare.sh OLD.json NEW.json.  REPS sets the repetitions.

B ?= build-bench
CC ?= cc
REPS ?=
FIGURES ?=

BENCH_WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
ifeq ($(CI),true)
BENCH_WARN += -Werror
endif
BENCH_CFLAGS := -std=gnu11 -O2 -g $(BENCH_WARN) -pthread -Iinclude \
	$(EXTRA_CFLAGS)
BENCH_LIBS := -pthread -lbsd

BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_OBJ := $(BENCH_SRC:%.c=$(B)/%.o)
BENCH_BIN := $(B)/bench/objvm-bench

.PHONY: run build

run: $(BENCH_BIN)
	@BENCH_GIT="$$(git describe --always --dirty 2>/dev/null)" \
		$(BENCH_BIN) -o $(B)/bench.json $(if $(REPS),-r $(REPS)) \
		$(FIGURES)

build: $(BENCH_BIN)

$(B)/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_BIN): $(BENCH_OBJ) $(B)/libobjvm.a
	$(CC) -o $@ $(BENCH_OBJ) $(B)/libobjvm.a $(BENCH_LIBS)

# Run from `make bench`, the library is already built; on its own, build
# it the same way.
$(B)/libobjvm.a:
	$(MAKE) --no-print-directory all B=$(B) OBJVM_DEBUG=0

-include $(BENCH_OBJ:.o=.d)
