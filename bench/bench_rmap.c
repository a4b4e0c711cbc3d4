/*
 * bench/bench_rmap.c - the reverse-map schemes against each other: the
 * three workloads of the 2003 argument, each run under objrmap (interval
 * tree), objrmap-list (one list of VMAs per file) and ptechain (2.5 pte
 * chains).  Both sides of a figure are objvm; the baseline scheme runs in
 * the harness's second process.  Every figure reports rmap_step per
 * reclaimed page and the peak of the rmap_bytes gauge.
 *
 * rmap_test_lin / rmap_test_rnd (the shape of akpm's rmap-test): RT_TASKS
 *   tasks each map one file as RT_VMAS small VMAs of RT_WIN pages (a page
 *   of hole between them, so they cannot merge), every task the whole
 *   file: each file page is mapped by RT_TASKS ptes in RT_TASKS VMAs, and
 *   the file has RT_TASKS * RT_VMAS VMAs.  The machine cannot hold the
 *   file beside the tasks' page tables, so every pass reclaims.  A
 *   repetition is one pass: each task in turn touches every page it maps,
 *   in address order (lin) or in a fixed random order (rnd).  Unit: one
 *   touch.
 *
 * rmap_fork: a parent with FORK_PAGES of private anonymous memory (and a
 *   small shared file mapping) forks a child, the child writes one page
 *   in FORK_COW_EVERY (copy-on-write) and exits; FORK_ITERS times per
 *   repetition.  No memory pressure: this is what the schemes cost on the
 *   fast path.  Unit: one fork + exit.
 *
 * rmap_share: SHARE_TASKS tasks map one file of @arg pages MAP_SHARED and
 *   read every page (untimed); the timed part reclaims the machine until
 *   the file's pages are gone.  Unit: one page reclaimed (pgsteal).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

/* --- common ---------------------------------------------------------------- */

static int scheme_machine(const char *scheme, uint64_t mem, struct objvm **vm)
{
	struct objvm_config cfg = {
		.mem_bytes = mem, .seed = 1, .check = OBJVM_CHECK_OFF};
	int err;

	err = objvm_create(&cfg, vm);
	if (err)
		return err;
	return objvm_sysctl_set(*vm, "vm.rmap", scheme);
}

static uint64_t stat_of(struct objvm *vm, const char *name)
{
	uint64_t v = 0;

	objvm_stat_get(vm, name, &v);
	return v;
}

static int access_err(int ret)
{
	return ret > 0 ? -EFAULT : ret;
}

/* A small deterministic generator for the random orders. */
static uint64_t lcg_next(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return *x >> 33;
}

/* --- rmap_test: many tasks, many small VMAs, under pressure ----------------- */

#define RT_TASKS 64
#define RT_VMAS  64
#define RT_WIN   4 /* pages per VMA */
#define RT_PAGES (RT_VMAS * RT_WIN)
/* The tasks' page tables take about 4 frames each, ptechain's chains
 * about 40 frames: with 1.25 MiB left over for the file's 1 MiB and
 * everything else, every scheme runs under pressure. */
#define RT_MEM   (2ULL << 20)

struct rt_state {
	struct objvm *vm;
	struct objvm_task *t[RT_TASKS];
	uint64_t base[RT_TASKS];
	/* The order in which each task touches its pages: an index into
	 * the task's RT_PAGES pages. */
	unsigned short order[RT_TASKS][RT_PAGES];
};

/* Address of the @i-th page task @t maps (VMA i / RT_WIN, one page of
 * hole after each VMA). */
static uint64_t rt_addr(const struct rt_state *s, int t, unsigned int i)
{
	return s->base[t] +
	       ((uint64_t)(i / RT_WIN) * (RT_WIN + 1) + i % RT_WIN) *
		       BENCH_PAGE;
}

static int rt_setup(void **state, const char *scheme, bool random)
{
	struct rt_state *s = calloc(1, sizeof(*s));
	const uint64_t span = (uint64_t)RT_VMAS * (RT_WIN + 1) * BENCH_PAGE;
	uint64_t x = 12345, addr;
	unsigned int i, j, k;
	unsigned short tmp;
	int err, fd, t;

	if (!s)
		return -ENOMEM;
	*state = s;
	err = scheme_machine(scheme, RT_MEM, &s->vm);
	if (err)
		return err;
	for (t = 0; t < RT_TASKS; t++) {
		err = objvm_spawn(s->vm, NULL, &s->t[t]);
		if (err)
			return err;
		fd = objvm_open(s->t[t], "/bench-rmap-test",
				OBJVM_O_RDWR | OBJVM_O_CREAT);
		if (fd < 0)
			return fd;
		if (t == 0) {
			err = ov_fill_file(s->t[0], fd, RT_PAGES);
			if (!err)
				err = objvm_fsync(s->t[0], fd);
			if (err)
				return err;
		}
		/* Reserve the span, then lay the VMAs over it. */
		err = objvm_mmap(s->t[t], 0, span, OBJVM_PROT_NONE,
				 OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1, 0,
				 &s->base[t]);
		if (!err)
			err = objvm_munmap(s->t[t], s->base[t], span);
		for (j = 0; !err && j < RT_VMAS; j++)
			err = objvm_mmap(s->t[t],
					 s->base[t] + (uint64_t)j * (RT_WIN + 1) *
							      BENCH_PAGE,
					 RT_WIN * BENCH_PAGE, OBJVM_PROT_READ,
					 OBJVM_MAP_SHARED | OBJVM_MAP_FIXED, fd,
					 (int64_t)j * RT_WIN * BENCH_PAGE,
					 &addr);
		if (err)
			return err;
		objvm_close(s->t[t], fd);
		for (i = 0; i < RT_PAGES; i++)
			s->order[t][i] = (unsigned short)i;
		for (i = RT_PAGES - 1; random && i > 0; i--) {
			k = (unsigned int)(lcg_next(&x) % (i + 1));
			tmp = s->order[t][i];
			s->order[t][i] = s->order[t][k];
			s->order[t][k] = tmp;
		}
	}
	return 0;
}

static int rt_rep(void *state, long arg, struct rep_result *r)
{
	struct rt_state *s = state;
	uint64_t t0, m0, bytes;
	unsigned char byte;
	unsigned int i;
	int t, ret;

	(void)arg;
	r->ns = r->minflt = r->units = r->gauge = 0;
	for (t = 0; t < RT_TASKS; t++) {
		ov_window_open(s->vm);
		m0 = bench_minflt();
		t0 = bench_now_ns();
		for (i = 0; i < RT_PAGES; i++) {
			ret = objvm_load(s->t[t],
					 rt_addr(s, t, s->order[t][i]), &byte,
					 1, NULL);
			if (ret)
				return access_err(ret);
		}
		r->ns += bench_since(t0);
		r->minflt += bench_minflt() - m0;
		ov_window_close(s->vm);
		r->units += RT_PAGES;
		/* Outside the timed part: the gauge's level after the pass. */
		bytes = stat_of(s->vm, "rmap_bytes");
		if (bytes > r->gauge)
			r->gauge = bytes;
	}
	return 0;
}

static void rt_teardown(void *state)
{
	struct rt_state *s = state;

	if (!s)
		return;
	if (s->vm)
		objvm_destroy(s->vm);
	free(s);
}

/* --- rmap_fork: fork/exit churn over private anonymous memory --------------- */

#define FORK_PAGES     4096 /* 16 MiB of private anonymous memory */
#define FORK_FILE      64   /* pages of a shared file mapping beside it */
#define FORK_COW_EVERY 16
#define FORK_ITERS     8
#define FORK_MEM       (128ULL << 20)

struct fork_state {
	struct objvm *vm;
	struct objvm_task *t;
	uint64_t anon, file;
};

static int fork_setup(void **state, const char *scheme)
{
	struct fork_state *s = calloc(1, sizeof(*s));
	int err, fd;

	if (!s)
		return -ENOMEM;
	*state = s;
	err = scheme_machine(scheme, FORK_MEM, &s->vm);
	if (!err)
		err = objvm_spawn(s->vm, NULL, &s->t);
	if (err)
		return err;
	err = objvm_mmap(s->t, 0, FORK_PAGES * BENCH_PAGE,
			 OBJVM_PROT_READ | OBJVM_PROT_WRITE,
			 OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1, 0,
			 &s->anon);
	if (!err)
		err = ov_populate(s->t, s->anon, FORK_PAGES);
	if (err)
		return err;
	fd = objvm_open(s->t, "/bench-fork", OBJVM_O_RDWR | OBJVM_O_CREAT);
	if (fd < 0)
		return fd;
	err = ov_fill_file(s->t, fd, FORK_FILE);
	if (!err)
		err = objvm_mmap(s->t, 0, FORK_FILE * BENCH_PAGE,
				 OBJVM_PROT_READ, OBJVM_MAP_SHARED, fd, 0,
				 &s->file);
	if (!err)
		err = access_err(objvm_touch(s->t, s->file,
					     FORK_FILE * BENCH_PAGE, false,
					     NULL));
	return err;
}

static int fork_rep(void *state, long arg, struct rep_result *r)
{
	struct fork_state *s = state;
	struct objvm_task *child;
	uint64_t t0, m0, bytes, word = 7;
	unsigned int i, p;
	int err = 0, ret;

	(void)arg;
	r->ns = r->minflt = r->gauge = 0;
	for (i = 0; i < FORK_ITERS && !err; i++) {
		ov_window_open(s->vm);
		m0 = bench_minflt();
		t0 = bench_now_ns();
		err = objvm_fork(s->t, &child);
		if (err) {
			ov_window_close(s->vm);
			break;
		}
		r->ns += bench_since(t0);
		/* Outside the timed part: the level with both tasks alive. */
		bytes = stat_of(s->vm, "rmap_bytes");
		if (bytes > r->gauge)
			r->gauge = bytes;
		t0 = bench_now_ns();
		for (p = 0; p < FORK_PAGES && !err; p += FORK_COW_EVERY) {
			ret = objvm_store(child, s->anon + p * BENCH_PAGE,
					  &word, sizeof(word), NULL);
			err = access_err(ret);
		}
		if (!err)
			err = objvm_exit(child);
		r->ns += bench_since(t0);
		r->minflt += bench_minflt() - m0;
		ov_window_close(s->vm);
		objvm_task_release(child);
	}
	r->units = i;
	return err;
}

static void fork_teardown(void *state)
{
	struct fork_state *s = state;

	if (!s)
		return;
	if (s->vm)
		objvm_destroy(s->vm);
	free(s);
}

/* --- rmap_share: many tasks share one large file mapping, reclaimed --------- */

#define SHARE_TASKS 32
#define SHARE_MEM   (64ULL << 20)

struct share_state {
	struct objvm *vm;
	struct objvm_task *t[SHARE_TASKS];
	uint64_t addr[SHARE_TASKS];
};

static int share_setup(void **state, long arg, const char *scheme)
{
	struct share_state *s = calloc(1, sizeof(*s));
	int err, fd, i;

	if (!s)
		return -ENOMEM;
	*state = s;
	err = scheme_machine(scheme, SHARE_MEM, &s->vm);
	if (err)
		return err;
	for (i = 0; i < SHARE_TASKS; i++) {
		err = objvm_spawn(s->vm, NULL, &s->t[i]);
		if (err)
			return err;
		fd = objvm_open(s->t[i], "/bench-share",
				OBJVM_O_RDWR | OBJVM_O_CREAT);
		if (fd < 0)
			return fd;
		if (i == 0) {
			err = ov_fill_file(s->t[0], fd, (unsigned long)arg);
			if (!err)
				err = objvm_fsync(s->t[0], fd);
			if (err)
				return err;
		}
		err = objvm_mmap(s->t[i], 0, (uint64_t)arg * BENCH_PAGE,
				 OBJVM_PROT_READ, OBJVM_MAP_SHARED, fd, 0,
				 &s->addr[i]);
		if (err)
			return err;
	}
	return 0;
}

static int share_rep(void *state, long arg, struct rep_result *r)
{
	struct share_state *s = state;
	uint64_t t0, m0, steal0, steal1;
	long got, tries = 0;
	int i, err;

	for (i = 0; i < SHARE_TASKS; i++) {
		err = objvm_touch(s->t[i], s->addr[i],
				  (uint64_t)arg * BENCH_PAGE, false, NULL);
		if (err)
			return access_err(err);
	}
	/* Every page is mapped by every task now: the gauge's peak. */
	r->gauge = stat_of(s->vm, "rmap_bytes");
	steal0 = stat_of(s->vm, "pgsteal");
	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	do {
		got = objvm_reclaim(s->vm, (unsigned long)arg);
		steal1 = stat_of(s->vm, "pgsteal");
	} while (got > 0 && ++tries < 64 && steal1 - steal0 < (uint64_t)arg);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = stat_of(s->vm, "pgsteal") - steal0;
	return got < 0 ? (int)got : 0;
}

static void share_teardown(void *state)
{
	struct share_state *s = state;

	if (!s)
		return;
	if (s->vm)
		objvm_destroy(s->vm);
	free(s);
}

/* --- the sides: one per workload and scheme --------------------------------- */

#define SCHEME_SIDES(id, name)                                              \
	static int rt_lin_setup_##id(void **state, long arg)                \
	{                                                                   \
		(void)arg;                                                  \
		return rt_setup(state, name, false);                        \
	}                                                                   \
	static int rt_rnd_setup_##id(void **state, long arg)                \
	{                                                                   \
		(void)arg;                                                  \
		return rt_setup(state, name, true);                         \
	}                                                                   \
	static int fork_setup_##id(void **state, long arg)                  \
	{                                                                   \
		(void)arg;                                                  \
		return fork_setup(state, name);                             \
	}                                                                   \
	static int share_setup_##id(void **state, long arg)                 \
	{                                                                   \
		return share_setup(state, arg, name);                       \
	}                                                                   \
	const struct side rmap_test_lin_##id = {                            \
		.setup = rt_lin_setup_##id,                                 \
		.rep = rt_rep,                                              \
		.teardown = rt_teardown,                                    \
	};                                                                  \
	const struct side rmap_test_rnd_##id = {                            \
		.setup = rt_rnd_setup_##id,                                 \
		.rep = rt_rep,                                              \
		.teardown = rt_teardown,                                    \
	};                                                                  \
	const struct side rmap_fork_##id = {                                \
		.setup = fork_setup_##id,                                   \
		.rep = fork_rep,                                            \
		.teardown = fork_teardown,                                  \
	};                                                                  \
	const struct side rmap_share_##id = {                               \
		.setup = share_setup_##id,                                  \
		.rep = share_rep,                                           \
		.teardown = share_teardown,                                 \
	};

SCHEME_SIDES(objrmap, "objrmap")
SCHEME_SIDES(list, "objrmap-list")
SCHEME_SIDES(ptechain, "ptechain")
