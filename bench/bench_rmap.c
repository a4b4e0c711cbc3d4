/*
 * bench/bench_rmap.c - rmap_share_*_us: many tasks share one large file
 * mapping, then the machine is reclaimed (objvm issue 7 §4 (c)).
 *
 * RMAP_TASKS tasks each map the same file of @arg pages MAP_SHARED and
 * load one byte of every page (untimed), so every page is mapped by
 * RMAP_TASKS ptes.  The timed part is objvm_reclaim() called until the
 * file's pages are gone; the unit is a page reclaimed (pgsteal).  Both
 * sides are objvm: the figure's own scheme against a baseline scheme run
 * in the second process (the column the harness labels "kernel").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define RMAP_TASKS 32
#define RMAP_MEM   (64ULL << 20)

struct share_state {
	struct objvm *vm;
	struct objvm_task *t[RMAP_TASKS];
	uint64_t addr[RMAP_TASKS];
};

static int share_setup(void **state, long arg, const char *scheme)
{
	struct share_state *s = calloc(1, sizeof(*s));
	struct objvm_config cfg = {
		.mem_bytes = RMAP_MEM, .seed = 1, .check = OBJVM_CHECK_OFF};
	int err, fd, i;

	if (!s)
		return -ENOMEM;
	*state = s;
	err = objvm_create(&cfg, &s->vm);
	if (err)
		return err;
	err = objvm_sysctl_set(s->vm, "vm.rmap", scheme);
	if (err)
		return err;
	for (i = 0; i < RMAP_TASKS; i++) {
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

	for (i = 0; i < RMAP_TASKS; i++) {
		err = objvm_touch(s->t[i], s->addr[i],
				  (uint64_t)arg * BENCH_PAGE, false, NULL);
		if (err)
			return err > 0 ? -EFAULT : err;
	}
	objvm_stat_get(s->vm, "pgsteal", &steal0);
	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	do
		got = objvm_reclaim(s->vm, (unsigned long)arg);
	while (got > 0 && ++tries < 64 &&
	       (objvm_stat_get(s->vm, "pgsteal", &steal1), 1) &&
	       steal1 - steal0 < (uint64_t)arg);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	objvm_stat_get(s->vm, "pgsteal", &steal1);
	r->units = steal1 - steal0;
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

#define SCHEME_SIDE(id, name)                                               \
	static int share_setup_##id(void **state, long arg)                 \
	{                                                                   \
		return share_setup(state, arg, name);                       \
	}                                                                   \
	const struct side rmap_share_##id = {                               \
		.setup = share_setup_##id,                                  \
		.rep = share_rep,                                           \
		.teardown = share_teardown,                                 \
	};

SCHEME_SIDE(objrmap, "objrmap")
SCHEME_SIDE(list, "objrmap-list")
SCHEME_SIDE(ptechain, "ptechain")
