/*
 * bench/bench_nonlinear.c - remap_file_pages under each vm.nonlinear
 * policy (pageable, emulated, pinned) against the live kernel's, and the
 * policies against each other under memory pressure.
 *
 * remap_wN_P[_nb]_ns: a window of N pages over a file of N pages.  A
 *   repetition remaps every page of the window to the file page at the
 *   mirror position (page i shows page N-1-i), one call per page, then
 *   every page back to its linear place: 2N calls, the unit.  `_nb` passes
 *   MAP_NONBLOCK (no page is faulted in; pageable leaves file ptes), the
 *   others populate each page as the kernel's emulation does.
 *
 * truncate_nl_wN_P_us: the window remapped in mirror order and read
 *   (untimed), then ftruncate(0) timed: truncate must find and zap every
 *   page of a nonlinear window.  Unit: one shrink; the file is grown and
 *   rewritten untimed.
 *
 * remap_reverse_P_ms: the worst case of the 4.0 removal discussion: every
 *   page of a 16k-page file remapped in reverse order and read back, then
 *   put back in order and read again.  Unit: one pass (one order).
 *
 * nl_db_P[_pressure]_us: a database-style workload.  DB_TASKS tasks each
 *   keep a window of DB_SLOTS chunks of 32 KiB over a 64 MiB file; a
 *   transaction remaps DB_REMAPS random slots to random chunks, reads a
 *   word of each page of one chunk and writes one word.  Unit: one
 *   transaction.  Without pressure the machine holds the file, against
 *   the kernel doing the same in one process; `_pressure` runs on a
 *   16 MiB machine, against objvm under `pageable` (the kernel's memory
 *   cannot be made that small).
 *
 * reclaim_nl_P_ns: a machine mostly filled by a nonlinear window (mirror
 *   order, written) beside an ordinary shared mapping, both read, then
 *   reclaimed as far as it goes: what the cluster scan costs (pageable)
 *   against the per-VMA reverse map (emulated) and nothing at all
 *   (pinned, whose window reclaim never sees).  Unit: one page reclaimed;
 *   against objvm under another policy.
 *
 * Under `pinned` the window is an area created with OBJVM_MAP_NONLINEAR
 * and filled by remaps naming the file (fd=).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

enum { POL_PAGEABLE, POL_EMULATED, POL_PINNED };

static const char *const policy_name[] = {"pageable", "emulated", "pinned"};

static int access_err(int ret)
{
	return ret > 0 ? -EFAULT : ret;
}

static uint64_t lcg_next(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return *x >> 33;
}

/* --- objvm: a window over a file under one policy ---------------------------- */

struct nl_objvm {
	struct objvm *vm;
	struct objvm_task *t;
	int policy;
	int fd;
	unsigned long file_pages, win_pages;
	uint64_t win;
};

/*
 * A machine of @mem under @policy, a file of @file_pages pages and a
 * window of @win_pages over it (linear; under pinned, an area filled by
 * remaps in order).
 */
static int nl_objvm_init(struct nl_objvm *s, int policy, uint64_t mem,
			 unsigned long file_pages, unsigned long win_pages)
{
	struct objvm_config cfg = {
		.mem_bytes = mem, .seed = 1, .check = OBJVM_CHECK_OFF};
	uint64_t len = (uint64_t)win_pages * BENCH_PAGE;
	unsigned long i;
	int err;

	s->policy = policy;
	s->fd = -1;
	s->file_pages = file_pages;
	s->win_pages = win_pages;
	err = objvm_create(&cfg, &s->vm);
	if (err)
		return err;
	err = objvm_sysctl_set(s->vm, "vm.nonlinear", policy_name[policy]);
	if (!err)
		err = objvm_spawn(s->vm, NULL, &s->t);
	if (err)
		return err;
	s->fd = objvm_open(s->t, "/bench-nl", OBJVM_O_RDWR | OBJVM_O_CREAT);
	if (s->fd < 0)
		return s->fd;
	err = ov_fill_file(s->t, s->fd, file_pages);
	if (err)
		return err;
	if (policy == POL_PINNED) {
		err = objvm_mmap(s->t, 0, len,
				 OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				 OBJVM_MAP_SHARED | OBJVM_MAP_NONLINEAR, -1, 0,
				 &s->win);
		for (i = 0; !err && i < win_pages; i += 512)
			err = objvm_remap_file_pages(
				s->t, s->win + i * BENCH_PAGE,
				(win_pages - i < 512 ? win_pages - i : 512) *
					BENCH_PAGE,
				0, i % file_pages, 0, s->fd);
		return err;
	}
	return objvm_mmap(s->t, 0, len, OBJVM_PROT_READ | OBJVM_PROT_WRITE,
			  OBJVM_MAP_SHARED, s->fd, 0, &s->win);
}

static int nl_remap(struct nl_objvm *s, unsigned long slot, unsigned long n,
		    unsigned long pgoff, int flags)
{
	return objvm_remap_file_pages(s->t, s->win + slot * BENCH_PAGE,
				      n * BENCH_PAGE, 0, pgoff, flags,
				      s->policy == POL_PINNED ? s->fd : -1);
}

static void nl_objvm_destroy(struct nl_objvm *s)
{
	if (s->vm)
		objvm_destroy(s->vm);
}

/* --- the kernel: the same window with remap_file_pages(2) ------------------- */

struct nl_kernel {
	int fd;
	unsigned long pages;
	unsigned char *win;
};

static int nl_kernel_init(struct nl_kernel *s, unsigned long file_pages,
			  unsigned long win_pages)
{
	s->pages = win_pages;
	s->fd = bench_tmpfile(file_pages);
	if (s->fd < 0)
		return s->fd;
	s->win = mmap(NULL, win_pages * BENCH_PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, s->fd, 0);
	if (s->win == MAP_FAILED) {
		s->win = NULL;
		return -errno;
	}
	return 0;
}

static int k_remap(struct nl_kernel *s, unsigned long slot, unsigned long n,
		   unsigned long pgoff, int flags)
{
	return remap_file_pages(s->win + slot * BENCH_PAGE, n * BENCH_PAGE, 0,
				pgoff, flags)
		       ? -errno
		       : 0;
}

static void nl_kernel_destroy(struct nl_kernel *s)
{
	if (s->win)
		munmap(s->win, s->pages * BENCH_PAGE);
	if (s->fd >= 0)
		close(s->fd);
}

static uint64_t remap_mem(long pages)
{
	return (uint64_t)pages * BENCH_PAGE * 3 / 2 + (32ULL << 20);
}

/* --- remap_wN: mirror and back, one page per call ---------------------------- */

struct remap_ov {
	struct nl_objvm nl;
	int flags;
};

static int remap_ov_setup(void **state, long arg, int policy, int flags)
{
	struct remap_ov *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*state = s;
	s->flags = flags;
	return nl_objvm_init(&s->nl, policy, remap_mem(arg),
			     (unsigned long)arg, (unsigned long)arg);
}

static int remap_ov_rep(void *state, long arg, struct rep_result *r)
{
	struct remap_ov *s = state;
	unsigned long i, n = (unsigned long)arg;
	uint64_t t0, m0;
	int err = 0;

	ov_window_open(s->nl.vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (i = 0; i < n && !err; i++)
		err = nl_remap(&s->nl, i, 1, n - 1 - i, s->flags);
	for (i = 0; i < n && !err; i++)
		err = nl_remap(&s->nl, i, 1, i, s->flags);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->nl.vm);
	r->units = 2 * n;
	return err;
}

static void remap_ov_teardown(void *state)
{
	struct remap_ov *s = state;

	if (!s)
		return;
	nl_objvm_destroy(&s->nl);
	free(s);
}

struct remap_k {
	struct nl_kernel nl;
	int flags;
};

static int remap_k_setup(void **state, long arg, int flags)
{
	struct remap_k *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*state = s;
	s->nl.fd = -1;
	s->flags = flags;
	return nl_kernel_init(&s->nl, (unsigned long)arg, (unsigned long)arg);
}

static int remap_k_rep(void *state, long arg, struct rep_result *r)
{
	struct remap_k *s = state;
	unsigned long i, n = (unsigned long)arg;
	uint64_t t0, m0;
	int err = 0;

	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (i = 0; i < n && !err; i++)
		err = k_remap(&s->nl, i, 1, n - 1 - i, s->flags);
	for (i = 0; i < n && !err; i++)
		err = k_remap(&s->nl, i, 1, i, s->flags);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = 2 * n;
	return err;
}

static void remap_k_teardown(void *state)
{
	struct remap_k *s = state;

	if (!s)
		return;
	nl_kernel_destroy(&s->nl);
	free(s);
}

static int remap_k_pop_setup(void **state, long arg)
{
	return remap_k_setup(state, arg, 0);
}

static int remap_k_nb_setup(void **state, long arg)
{
	return remap_k_setup(state, arg, MAP_NONBLOCK);
}

const struct side remap_kernel = {
	.setup = remap_k_pop_setup,
	.rep = remap_k_rep,
	.teardown = remap_k_teardown,
};

const struct side remap_nb_kernel = {
	.setup = remap_k_nb_setup,
	.rep = remap_k_rep,
	.teardown = remap_k_teardown,
};

/* --- truncate_nl_wN: truncate a nonlinear window ------------------------------ */

static int mirror_and_read_ov(struct nl_objvm *s)
{
	unsigned long i, n = s->win_pages;
	unsigned char byte;
	int err = 0, ret;

	for (i = 0; i < n && !err; i++)
		err = nl_remap(s, i, 1, n - 1 - i, 0);
	for (i = 0; i < n && !err; i++) {
		ret = objvm_load(s->t, s->win + i * BENCH_PAGE, &byte, 1, NULL);
		err = access_err(ret);
	}
	return err;
}

static int trunc_ov_setup(void **state, long arg, int policy)
{
	struct nl_objvm *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*state = s;
	return nl_objvm_init(s, policy, remap_mem(arg), (unsigned long)arg,
			     (unsigned long)arg);
}

static int trunc_ov_rep(void *state, long arg, struct rep_result *r)
{
	struct nl_objvm *s = state;
	uint64_t t0, m0;
	int err;

	/* Pinned pages outlive truncate in their area: a new area for
	 * each shrink, so each truncate finds every page mapped. */
	if (s->policy == POL_PINNED) {
		err = objvm_munmap(s->t, s->win, (uint64_t)arg * BENCH_PAGE);
		if (!err)
			err = objvm_mmap(s->t, s->win,
					 (uint64_t)arg * BENCH_PAGE,
					 OBJVM_PROT_READ | OBJVM_PROT_WRITE,
					 OBJVM_MAP_SHARED |
						 OBJVM_MAP_NONLINEAR |
						 OBJVM_MAP_FIXED,
					 -1, 0, &s->win);
		if (err)
			return err;
	}
	err = mirror_and_read_ov(s);
	if (err)
		return err;
	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	err = objvm_ftruncate(s->t, s->fd, 0);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = 1;
	if (!err)
		err = ov_fill_file(s->t, s->fd, (unsigned long)arg);
	return err;
}

static void trunc_ov_teardown(void *state)
{
	if (!state)
		return;
	nl_objvm_destroy(state);
	free(state);
}

static int trunc_k_setup(void **state, long arg)
{
	struct nl_kernel *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*state = s;
	s->fd = -1;
	return nl_kernel_init(s, (unsigned long)arg, (unsigned long)arg);
}

static int trunc_k_rep(void *state, long arg, struct rep_result *r)
{
	struct nl_kernel *s = state;
	unsigned long i, n = (unsigned long)arg;
	volatile unsigned char sink = 0;
	unsigned char buf[BENCH_PAGE];
	uint64_t t0, m0;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = k_remap(s, i, 1, n - 1 - i, 0);
	for (i = 0; i < n && !err; i++)
		sink += s->win[i * BENCH_PAGE];
	(void)sink;
	if (err)
		return err;
	m0 = bench_minflt();
	t0 = bench_now_ns();
	if (ftruncate(s->fd, 0))
		err = -errno;
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = 1;
	for (i = 0; i < n && !err; i++) {
		memset(buf, (int)(i & 0xff), sizeof(buf));
		if (pwrite(s->fd, buf, sizeof(buf), (off_t)(i * BENCH_PAGE)) !=
		    (ssize_t)sizeof(buf))
			err = -EIO;
	}
	return err;
}

static void trunc_k_teardown(void *state)
{
	if (!state)
		return;
	nl_kernel_destroy(state);
	free(state);
}

const struct side truncate_nl_kernel = {
	.setup = trunc_k_setup,
	.rep = trunc_k_rep,
	.teardown = trunc_k_teardown,
};

/* --- remap_reverse: reverse order, read back, in order, read back ----------- */

#define REV_PAGES 16384

static int rev_ov_setup(void **state, long arg, int policy)
{
	struct nl_objvm *s = calloc(1, sizeof(*s));

	(void)arg;
	if (!s)
		return -ENOMEM;
	*state = s;
	return nl_objvm_init(s, policy, remap_mem(REV_PAGES), REV_PAGES,
			     REV_PAGES);
}

static int rev_ov_rep(void *state, long arg, struct rep_result *r)
{
	struct nl_objvm *s = state;
	unsigned long i, pass, n = REV_PAGES;
	unsigned char byte;
	uint64_t t0, m0;
	int err = 0;

	(void)arg;
	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (pass = 0; pass < 2 && !err; pass++) {
		for (i = 0; i < n && !err; i++)
			err = nl_remap(s, i, 1, pass ? i : n - 1 - i, 0);
		for (i = 0; i < n && !err; i++)
			err = access_err(objvm_load(
				s->t, s->win + i * BENCH_PAGE, &byte, 1, NULL));
	}
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = 2;
	return err;
}

static int rev_k_setup(void **state, long arg)
{
	struct nl_kernel *s = calloc(1, sizeof(*s));

	(void)arg;
	if (!s)
		return -ENOMEM;
	*state = s;
	s->fd = -1;
	return nl_kernel_init(s, REV_PAGES, REV_PAGES);
}

static int rev_k_rep(void *state, long arg, struct rep_result *r)
{
	struct nl_kernel *s = state;
	unsigned long i, pass, n = REV_PAGES;
	volatile unsigned char sink = 0;
	uint64_t t0, m0;
	int err = 0;

	(void)arg;
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (pass = 0; pass < 2 && !err; pass++) {
		for (i = 0; i < n && !err; i++)
			err = k_remap(s, i, 1, pass ? i : n - 1 - i, 0);
		for (i = 0; i < n && !err; i++)
			sink += s->win[i * BENCH_PAGE];
	}
	(void)sink;
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = 2;
	return err;
}

const struct side remap_reverse_kernel = {
	.setup = rev_k_setup,
	.rep = rev_k_rep,
	.teardown = trunc_k_teardown,
};

/* --- nl_db: random chunk remaps per transaction, several tasks -------------- */

#define DB_TASKS       4
#define DB_CHUNK       8    /* pages: 32 KiB */
#define DB_SLOTS       64   /* chunks per window: 2 MiB */
#define DB_FILE        16384 /* pages: 64 MiB */
#define DB_REMAPS      4
#define DB_TXNS        256 /* per task per repetition */
#define DB_MEM         (160ULL << 20)
#define DB_MEM_PRESSED (16ULL << 20)

struct db_ov {
	struct nl_objvm nl; /* task 0 and the file */
	struct objvm_task *t[DB_TASKS];
	uint64_t win[DB_TASKS];
	int fd[DB_TASKS];
	uint64_t seed;
};

static int db_ov_setup(void **state, int policy, uint64_t mem)
{
	struct db_ov *s = calloc(1, sizeof(*s));
	const uint64_t len = DB_SLOTS * DB_CHUNK * BENCH_PAGE;
	int err = 0, i;

	if (!s)
		return -ENOMEM;
	*state = s;
	s->seed = 42;
	err = nl_objvm_init(&s->nl, policy, mem, DB_FILE, DB_SLOTS * DB_CHUNK);
	if (err)
		return err;
	err = objvm_fsync(s->nl.t, s->nl.fd);
	s->t[0] = s->nl.t;
	s->win[0] = s->nl.win;
	s->fd[0] = s->nl.fd;
	for (i = 1; i < DB_TASKS && !err; i++) {
		err = objvm_spawn(s->nl.vm, NULL, &s->t[i]);
		if (err)
			break;
		s->fd[i] = objvm_open(s->t[i], "/bench-nl", OBJVM_O_RDWR);
		if (s->fd[i] < 0)
			return s->fd[i];
		if (policy == POL_PINNED)
			err = objvm_mmap(s->t[i], 0, len,
					 OBJVM_PROT_READ | OBJVM_PROT_WRITE,
					 OBJVM_MAP_SHARED | OBJVM_MAP_NONLINEAR,
					 -1, 0, &s->win[i]);
		else
			err = objvm_mmap(s->t[i], 0, len,
					 OBJVM_PROT_READ | OBJVM_PROT_WRITE,
					 OBJVM_MAP_SHARED, s->fd[i], 0,
					 &s->win[i]);
		/* Fill the window linearly, as task 0's is. */
		if (!err && policy == POL_PINNED)
			err = objvm_remap_file_pages(s->t[i], s->win[i], len, 0,
						     0, 0, s->fd[i]);
	}
	return err;
}

static int db_ov_rep(void *state, long arg, struct rep_result *r)
{
	struct db_ov *s = state;
	uint64_t t0, m0, word = 0x5eed, w, slot, chunk;
	unsigned int txn, k, p;
	unsigned char byte;
	int err = 0, i;

	(void)arg;
	ov_window_open(s->nl.vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (txn = 0; txn < DB_TXNS && !err; txn++) {
		for (i = 0; i < DB_TASKS && !err; i++) {
			for (k = 0; k < DB_REMAPS && !err; k++) {
				slot = lcg_next(&s->seed) % DB_SLOTS;
				chunk = lcg_next(&s->seed) % (DB_FILE / DB_CHUNK);
				err = objvm_remap_file_pages(
					s->t[i],
					s->win[i] + slot * DB_CHUNK * BENCH_PAGE,
					DB_CHUNK * BENCH_PAGE, 0,
					chunk * DB_CHUNK, 0,
					s->nl.policy == POL_PINNED ? s->fd[i]
								   : -1);
			}
			if (err)
				break;
			w = s->win[i] + slot * DB_CHUNK * BENCH_PAGE;
			for (p = 0; p < DB_CHUNK && !err; p++)
				err = access_err(objvm_load(
					s->t[i], w + p * BENCH_PAGE, &byte, 1,
					NULL));
			if (!err)
				err = access_err(objvm_store(s->t[i], w, &word,
							     sizeof(word),
							     NULL));
		}
	}
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->nl.vm);
	r->units = (uint64_t)DB_TXNS * DB_TASKS;
	return err;
}

static void db_ov_teardown(void *state)
{
	struct db_ov *s = state;

	if (!s)
		return;
	nl_objvm_destroy(&s->nl);
	free(s);
}

struct db_k {
	struct nl_kernel nl[DB_TASKS];
	uint64_t seed;
};

static int db_k_setup(void **state, long arg)
{
	struct db_k *s = calloc(1, sizeof(*s));
	int i, err, fd;

	(void)arg;
	if (!s)
		return -ENOMEM;
	*state = s;
	s->seed = 42;
	err = nl_kernel_init(&s->nl[0], DB_FILE, DB_SLOTS * DB_CHUNK);
	for (i = 1; i < DB_TASKS && !err; i++) {
		fd = dup(s->nl[0].fd);
		s->nl[i].fd = fd;
		s->nl[i].pages = DB_SLOTS * DB_CHUNK;
		s->nl[i].win = mmap(NULL, DB_SLOTS * DB_CHUNK * BENCH_PAGE,
				    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (fd < 0 || s->nl[i].win == MAP_FAILED) {
			s->nl[i].win = NULL;
			err = -errno;
		}
	}
	return err;
}

static int db_k_rep(void *state, long arg, struct rep_result *r)
{
	struct db_k *s = state;
	volatile unsigned char sink = 0;
	uint64_t t0, m0, slot, chunk;
	unsigned int txn, k, p;
	unsigned char *w;
	int err = 0, i;

	(void)arg;
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (txn = 0; txn < DB_TXNS && !err; txn++) {
		for (i = 0; i < DB_TASKS && !err; i++) {
			for (k = 0; k < DB_REMAPS && !err; k++) {
				slot = lcg_next(&s->seed) % DB_SLOTS;
				chunk = lcg_next(&s->seed) % (DB_FILE / DB_CHUNK);
				err = k_remap(&s->nl[i], slot * DB_CHUNK,
					      DB_CHUNK, chunk * DB_CHUNK, 0);
			}
			if (err)
				break;
			w = s->nl[i].win + slot * DB_CHUNK * BENCH_PAGE;
			for (p = 0; p < DB_CHUNK; p++)
				sink += w[p * BENCH_PAGE];
			*(volatile uint64_t *)w = 0x5eed;
		}
	}
	(void)sink;
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = (uint64_t)DB_TXNS * DB_TASKS;
	return err;
}

static void db_k_teardown(void *state)
{
	struct db_k *s = state;
	int i;

	if (!s)
		return;
	for (i = 0; i < DB_TASKS; i++)
		nl_kernel_destroy(&s->nl[i]);
	free(s);
}

const struct side nl_db_kernel = {
	.setup = db_k_setup,
	.rep = db_k_rep,
	.teardown = db_k_teardown,
};

/* --- reclaim_nl: reclaim a machine mostly made of a nonlinear window -------- */

#define RCL_WIN   6144 /* pages: 24 MiB of window */
#define RCL_OTHER 2048 /* pages of an ordinary shared mapping beside it */
#define RCL_MEM   (40ULL << 20)

struct rcl_ov {
	struct nl_objvm nl;
	int other_fd;
	uint64_t other;
};

static int rcl_ov_setup(void **state, long arg, int policy)
{
	struct rcl_ov *s = calloc(1, sizeof(*s));
	int err;

	(void)arg;
	if (!s)
		return -ENOMEM;
	*state = s;
	err = nl_objvm_init(&s->nl, policy, RCL_MEM, RCL_WIN, RCL_WIN);
	if (!err)
		err = objvm_fsync(s->nl.t, s->nl.fd);
	if (err)
		return err;
	s->other_fd = objvm_open(s->nl.t, "/bench-other",
				 OBJVM_O_RDWR | OBJVM_O_CREAT);
	if (s->other_fd < 0)
		return s->other_fd;
	err = ov_fill_file(s->nl.t, s->other_fd, RCL_OTHER);
	if (!err)
		err = objvm_fsync(s->nl.t, s->other_fd);
	if (!err)
		err = objvm_mmap(s->nl.t, 0, RCL_OTHER * BENCH_PAGE,
				 OBJVM_PROT_READ, OBJVM_MAP_SHARED,
				 s->other_fd, 0, &s->other);
	if (!err)
		err = mirror_and_read_ov(&s->nl);
	return err;
}

static int rcl_ov_rep(void *state, long arg, struct rep_result *r)
{
	struct rcl_ov *s = state;
	uint64_t t0, m0, steal0, steal1 = 0;
	long got, tries = 0;
	int err;

	(void)arg;
	/* Bring every page back (untimed): both mappings read. */
	err = access_err(objvm_touch(s->nl.t, s->nl.win, RCL_WIN * BENCH_PAGE,
				     false, NULL));
	if (!err)
		err = access_err(objvm_touch(s->nl.t, s->other,
					     RCL_OTHER * BENCH_PAGE, false,
					     NULL));
	if (err)
		return err;
	objvm_stat_get(s->nl.vm, "pgsteal", &steal0);
	ov_window_open(s->nl.vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	do {
		got = objvm_reclaim(s->nl.vm, RCL_WIN + RCL_OTHER);
		objvm_stat_get(s->nl.vm, "pgsteal", &steal1);
	} while (got > 0 && ++tries < 16);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->nl.vm);
	r->units = steal1 - steal0;
	return got < 0 ? (int)got : 0;
}

static void rcl_ov_teardown(void *state)
{
	struct rcl_ov *s = state;

	if (!s)
		return;
	nl_objvm_destroy(&s->nl);
	free(s);
}

/* --- the sides, one set per policy ---------------------------------------------- */

#define POLICY_SIDES(id, pol)                                               \
	static int remap_setup_##id(void **state, long arg)                 \
	{                                                                   \
		return remap_ov_setup(state, arg, pol, 0);                  \
	}                                                                   \
	static int remap_nb_setup_##id(void **state, long arg)              \
	{                                                                   \
		return remap_ov_setup(state, arg, pol, OBJVM_MAP_NONBLOCK); \
	}                                                                   \
	static int trunc_setup_##id(void **state, long arg)                 \
	{                                                                   \
		return trunc_ov_setup(state, arg, pol);                     \
	}                                                                   \
	static int rev_setup_##id(void **state, long arg)                   \
	{                                                                   \
		return rev_ov_setup(state, arg, pol);                       \
	}                                                                   \
	static int db_setup_##id(void **state, long arg)                    \
	{                                                                   \
		(void)arg;                                                  \
		return db_ov_setup(state, pol, DB_MEM);                     \
	}                                                                   \
	static int db_pressed_setup_##id(void **state, long arg)            \
	{                                                                   \
		(void)arg;                                                  \
		return db_ov_setup(state, pol, DB_MEM_PRESSED);             \
	}                                                                   \
	static int rcl_setup_##id(void **state, long arg)                   \
	{                                                                   \
		return rcl_ov_setup(state, arg, pol);                       \
	}                                                                   \
	const struct side remap_##id = {remap_setup_##id, remap_ov_rep,     \
					remap_ov_teardown};                 \
	const struct side remap_nb_##id = {remap_nb_setup_##id,             \
					   remap_ov_rep, remap_ov_teardown};  \
	const struct side truncate_nl_##id = {trunc_setup_##id,             \
					      trunc_ov_rep,                 \
					      trunc_ov_teardown};           \
	const struct side remap_reverse_##id = {rev_setup_##id, rev_ov_rep, \
						trunc_ov_teardown};         \
	const struct side nl_db_##id = {db_setup_##id, db_ov_rep,           \
					db_ov_teardown};                    \
	const struct side nl_db_pressure_##id = {db_pressed_setup_##id,     \
						 db_ov_rep, db_ov_teardown}; \
	const struct side reclaim_nl_##id = {rcl_setup_##id, rcl_ov_rep,    \
					     rcl_ov_teardown};

POLICY_SIDES(pageable, POL_PAGEABLE)
POLICY_SIDES(emulated, POL_EMULATED)
POLICY_SIDES(pinned, POL_PINNED)
