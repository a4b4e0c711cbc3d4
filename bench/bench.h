/*
 * bench/bench.h - the benchmark harness: figures, sides and repetitions.
 *
 * A figure compares objvm with the live kernel doing the same work.  It
 * has two sides, each a setup / rep / teardown triple; the harness sets
 * both up, runs one untimed warm-up repetition of each, then alternates
 * timed repetitions (objvm, kernel, objvm, kernel, ...) and reports the
 * median of each side.
 *
 * The kernel side runs in a separate, small process (the kernel server,
 * forked before any objvm machine exists), so that real fork() copies a
 * process of the intended size and real faults are not disturbed by
 * objvm's host memory.  Requests travel over a pipe; the server answers
 * one repetition at a time, so the two sides never run concurrently.
 *
 * A rep function times only the part that the figure is about (with
 * bench_now_ns()), and counts how many units that part covered: loads,
 * pages, shrinks or forks.  On the objvm side it brackets that part with
 * ov_window_open() / ov_window_close(), which add the deltas of every
 * objvm event counter to the current window, and the harness prints the
 * counters the figure names.
 */
#ifndef OBJVM_BENCH_H
#define OBJVM_BENCH_H

#include <stdint.h>
#include <stdbool.h>
#include <time.h>

#include "objvm.h"

#define BENCH_PAGE       4096UL
#define BENCH_MAX_COUNTS 6

/* What one repetition of one side measured. */
struct rep_result {
	uint64_t ns;     /* time spent in the timed part */
	uint64_t units;  /* how many units the timed part covered */
	uint64_t minflt; /* host minor faults taken in the timed part */
	uint64_t gauge;  /* the figure's gauge, read by the rep (see below) */
};

/* One side of a figure.  Every function returns 0 or a negative errno. */
struct side {
	int (*setup)(void **state, long arg);
	int (*rep)(void *state, long arg, struct rep_result *r);
	void (*teardown)(void *state);
};

struct figure {
	const char *name;     /* e.g. "fault_anon_ns": the unit is in it */
	double scale;         /* nanoseconds per printed unit: 1, 1e3, 1e6 */
	long arg;             /* passed to both sides: pages, K, loads... */
	const char *unit_key; /* what rep_result.units counts, printed */
	bool counts_per_unit; /* print counters per unit, not per rep */
	const struct side *objvm, *kernel;
	const char *counts[BENCH_MAX_COUNTS]; /* objvm counters to print */
	/* Optional.  labels: the two sides' names when the baseline is not
	 * the live kernel but objvm under another policy (default "objvm",
	 * "kernel"); per: two of the counts printed as a quotient
	 * (per[0] / per[1], e.g. rmap steps per reclaimed page); gauge: the
	 * name of a value each side's rep reads itself into
	 * rep_result.gauge (a level such as a peak, not a difference),
	 * printed for both sides, the largest over the repetitions. */
	const char *labels[2];
	const char *per[2];
	const char *gauge;
};

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* What one bench_now_ns() costs; measured once by
 * bench_timer_calibrate() before the kernel server is forked. */
extern uint64_t bench_timer_overhead;
void bench_timer_calibrate(void);

/* Nanoseconds since @t0, without the cost of reading the clock. */
static inline uint64_t bench_since(uint64_t t0)
{
	uint64_t d = bench_now_ns() - t0;

	return d > bench_timer_overhead ? d - bench_timer_overhead : 0;
}

/* Minor faults this process has taken so far (getrusage). */
uint64_t bench_minflt(void);

/* Where the kernel side keeps its files: a tmpfs if there is one. */
const char *bench_tmpdir(void);
/* A new file of @pages pages of data in bench_tmpdir(), already unlinked,
 * read back once so that it is in the page cache.  Returns an fd. */
int bench_tmpfile(unsigned long pages);

/* Best effort: keep the kernel from backing @p with huge pages, so both
 * sides do the same work, one 4 KiB page at a time. */
void bench_no_thp(void *p, unsigned long len);

/* The objvm counter window: deltas of every counter over the timed parts
 * since the last ov_window_reset(). */
void ov_window_reset(void);
void ov_window_open(struct objvm *vm);
void ov_window_close(struct objvm *vm);
uint64_t ov_window_get(const char *name);

/* A machine with @mem_bytes of RAM and one root task. */
int ov_machine(uint64_t mem_bytes, struct objvm **vm, struct objvm_task **t);
/* Writes @pages pages of data at offset 0 of the file behind @fd. */
int ov_fill_file(struct objvm_task *t, int fd, unsigned long pages);
/* Stores one 8-byte word into every page of [addr, addr + pages pages). */
int ov_populate(struct objvm_task *t, uint64_t addr, unsigned long pages);

/* The sides, one pair per figure, defined in bench_*.c. */
extern const struct side tlb_objvm, tlb_kernel;
extern const struct side fault_shared_objvm, fault_shared_kernel;
extern const struct side fault_anon_objvm, fault_anon_kernel;
extern const struct side fault_cow_objvm, fault_cow_kernel;
extern const struct side munmap_objvm, munmap_kernel;
extern const struct side truncate_objvm, truncate_kernel;
extern const struct side fork_objvm, fork_kernel;
extern const struct side mmap_objvm, mmap_kernel;
extern const struct side reclaim_clean_objvm, reclaim_clean_kernel;
/* remap_file_pages: one side per vm.nonlinear policy (bench_nonlinear.c). */
#define NL_POLICY_SIDES(p)                                                  \
	extern const struct side remap_##p, remap_nb_##p, truncate_nl_##p,  \
		remap_reverse_##p, nl_db_##p, nl_db_pressure_##p,           \
		reclaim_nl_##p
NL_POLICY_SIDES(pageable);
NL_POLICY_SIDES(emulated);
NL_POLICY_SIDES(pinned);
extern const struct side remap_kernel, remap_nb_kernel, truncate_nl_kernel,
	remap_reverse_kernel, nl_db_kernel;
/* objvm against objvm: one reverse-map scheme against another. */
extern const struct side rmap_test_lin_objrmap, rmap_test_lin_list,
	rmap_test_lin_ptechain;
extern const struct side rmap_test_rnd_objrmap, rmap_test_rnd_list,
	rmap_test_rnd_ptechain;
extern const struct side rmap_fork_objrmap, rmap_fork_list,
	rmap_fork_ptechain;
extern const struct side rmap_share_objrmap, rmap_share_list,
	rmap_share_ptechain;

/* Shrinks per repetition of the truncate figure with @k mappings. */
unsigned long truncate_iters(long k);

#endif /* OBJVM_BENCH_H */
