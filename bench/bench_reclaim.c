/*
 * bench/bench_reclaim.c - reclaim_clean_ns: reclaim of clean file pages.
 *
 * One task maps a clean file of @arg pages MAP_SHARED read-only and reads
 * one byte of every page (untimed), so every page is in the page cache
 * and mapped by one pte.  The timed part reclaims them all:
 *
 *   objvm   objvm_reclaim() until pgsteal has grown by @arg (the LRU scan,
 *           page_referenced, try_to_unmap through the reverse map, and
 *           removal from the page cache);
 *   kernel  madvise(MADV_PAGEOUT) over the mapping (Linux 5.4+), which
 *           unmaps the pages and drops them from the page cache; the unit
 *           is the number of pages mincore() then shows gone.
 *
 * The kernel's file lives on a disk file system (BENCH_DISKDIR, default
 * /var/tmp), because clean pages of a tmpfs file cannot be dropped
 * without swap.  It is written and fsync()ed once, so its pages are
 * clean; each repetition reads them back in before the timed part.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* --- objvm ---------------------------------------------------------------- */

struct rc_objvm_state {
	struct objvm *vm;
	struct objvm_task *t;
	uint64_t addr;
};

static int rc_objvm_setup(void **state, long arg)
{
	struct rc_objvm_state *s = calloc(1, sizeof(*s));
	uint64_t mem = (uint64_t)arg * BENCH_PAGE * 5 / 4 + (16ULL << 20);
	int err, fd;

	if (!s)
		return -ENOMEM;
	*state = s;
	err = ov_machine(mem, &s->vm, &s->t);
	if (err)
		return err;
	fd = objvm_open(s->t, "/bench-reclaim", OBJVM_O_RDWR | OBJVM_O_CREAT);
	if (fd < 0)
		return fd;
	err = ov_fill_file(s->t, fd, (unsigned long)arg);
	if (!err)
		err = objvm_fsync(s->t, fd);
	if (!err)
		err = objvm_mmap(s->t, 0, (uint64_t)arg * BENCH_PAGE,
				 OBJVM_PROT_READ, OBJVM_MAP_SHARED, fd, 0,
				 &s->addr);
	if (!err)
		err = objvm_close(s->t, fd);
	return err;
}

static int rc_objvm_rep(void *state, long arg, struct rep_result *r)
{
	struct rc_objvm_state *s = state;
	uint64_t t0, m0, steal0, steal1;
	long got, tries = 0;
	int ret;

	/* Drop whatever the last repetition left, then read it all in. */
	objvm_drop_caches(s->vm);
	ret = objvm_touch(s->t, s->addr, (uint64_t)arg * BENCH_PAGE, false,
			  NULL);
	if (ret)
		return ret > 0 ? -EFAULT : ret;
	objvm_stat_get(s->vm, "pgsteal", &steal0);
	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	do {
		got = objvm_reclaim(s->vm, (unsigned long)arg);
		objvm_stat_get(s->vm, "pgsteal", &steal1);
	} while (got > 0 && ++tries < 64 && steal1 - steal0 < (uint64_t)arg);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = steal1 - steal0;
	return got < 0 ? (int)got : 0;
}

static void rc_objvm_teardown(void *state)
{
	struct rc_objvm_state *s = state;

	if (!s)
		return;
	if (s->vm)
		objvm_destroy(s->vm);
	free(s);
}

const struct side reclaim_clean_objvm = {
	.setup = rc_objvm_setup,
	.rep = rc_objvm_rep,
	.teardown = rc_objvm_teardown,
};

/* --- the kernel ------------------------------------------------------------ */

struct rc_kernel_state {
	int fd;
	size_t len;
	unsigned char *map;
	unsigned char *vec;
};

static int rc_kernel_setup(void **state, long arg)
{
	struct rc_kernel_state *s = calloc(1, sizeof(*s));
	const char *dir = getenv("BENCH_DISKDIR");
	size_t len = (size_t)arg * BENCH_PAGE;
	char path[4096];
	unsigned char buf[BENCH_PAGE];
	long i;

	if (!s)
		return -ENOMEM;
	*state = s;
	s->fd = -1;
	snprintf(path, sizeof(path), "%s/objvm-bench-XXXXXX",
		 dir && *dir ? dir : "/var/tmp");
	s->fd = mkstemp(path);
	if (s->fd < 0)
		return -errno;
	unlink(path);
	for (i = 0; i < arg; i++) {
		memset(buf, (int)(i & 0xff), sizeof(buf));
		if (pwrite(s->fd, buf, sizeof(buf), (off_t)i * BENCH_PAGE) !=
		    (ssize_t)sizeof(buf))
			return -EIO;
	}
	if (fsync(s->fd))
		return -errno;
	s->len = len;
	s->map = mmap(NULL, len, PROT_READ, MAP_SHARED, s->fd, 0);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		return -errno;
	}
	s->vec = malloc((size_t)arg);
	return s->vec ? 0 : -ENOMEM;
}

static unsigned long resident(struct rc_kernel_state *s, long arg)
{
	unsigned long n = 0;
	long i;

	if (mincore(s->map, (size_t)arg * BENCH_PAGE, s->vec))
		return 0;
	for (i = 0; i < arg; i++)
		n += s->vec[i] & 1;
	return n;
}

static int rc_kernel_rep(void *state, long arg, struct rep_result *r)
{
	struct rc_kernel_state *s = state;
	volatile unsigned char sink = 0;
	unsigned long before;
	uint64_t t0, m0;
	long i;

	for (i = 0; i < arg; i++)
		sink += s->map[i * BENCH_PAGE];
	(void)sink;
	before = resident(s, arg);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	if (madvise(s->map, (size_t)arg * BENCH_PAGE, MADV_PAGEOUT))
		return -errno;
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = before - resident(s, arg);
	return 0;
}

static void rc_kernel_teardown(void *state)
{
	struct rc_kernel_state *s = state;

	if (!s)
		return;
	if (s->map)
		munmap(s->map, s->len);
	if (s->fd >= 0)
		close(s->fd);
	free(s->vec);
	free(s);
}

const struct side reclaim_clean_kernel = {
	.setup = rc_kernel_setup,
	.rep = rc_kernel_rep,
	.teardown = rc_kernel_teardown,
};
