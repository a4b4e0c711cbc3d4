/*
 * bench/bench_truncate.c - truncate_kK_us: shrink a file that K VMAs map.
 *
 * One file of one page is mapped K times (@arg), one page at offset 0
 * each: K separate VMAs, which cannot merge because their file offsets
 * are not contiguous.  Each shrink is prepared untimed: the page is
 * written back into the cache and every mapping touched, so the file's
 * page is mapped by K ptes.  Then ftruncate(0) is timed (it must find
 * and zap all K ptes and drop the page), and ftruncate(1 page) grows the
 * file back untimed.  A repetition does truncate_iters(K) shrinks; the
 * figure is the time per shrink.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define TRUNC_MEM (128ULL << 20)

/* Enough shrinks per repetition that each one lasts well above the
 * timer's resolution, whatever K is. */
unsigned long truncate_iters(long k)
{
	unsigned long n = 20000 / (unsigned long)k;

	return n < 5 ? 5 : n > 2000 ? 2000 : n;
}

struct trunc_objvm_state {
	struct objvm *vm;
	struct objvm_task *t;
	int fd;
	uint64_t *addr; /* [K] */
};

static int count_file_vmas(void *arg, const struct objvm_map_info *info)
{
	if (info->path && strcmp(info->path, "/bench-trunc") == 0)
		++*(long *)arg;
	return 0;
}

static int trunc_objvm_setup(void **state, long arg)
{
	struct trunc_objvm_state *s = calloc(1, sizeof(*s));
	unsigned char page[BENCH_PAGE] = {1};
	long i, vmas = 0;
	int err;

	if (!s)
		return -ENOMEM;
	*state = s;
	s->addr = calloc((size_t)arg, sizeof(*s->addr));
	if (!s->addr)
		return -ENOMEM;
	err = ov_machine(TRUNC_MEM, &s->vm, &s->t);
	if (err)
		return err;
	s->fd = objvm_open(s->t, "/bench-trunc", OBJVM_O_RDWR | OBJVM_O_CREAT);
	if (s->fd < 0)
		return s->fd;
	if (objvm_pwrite(s->t, s->fd, page, sizeof(page), 0) != sizeof(page))
		return -EIO;
	for (i = 0; i < arg; i++) {
		err = objvm_mmap(s->t, 0, BENCH_PAGE, OBJVM_PROT_READ,
				 OBJVM_MAP_SHARED, s->fd, 0, &s->addr[i]);
		if (err)
			return err;
	}
	objvm_maps(s->t, count_file_vmas, &vmas);
	if (vmas != arg) {
		fprintf(stderr, "bench: objvm made %ld VMAs for %ld mmaps\n",
			vmas, arg);
		return -EINVAL;
	}
	return 0;
}

static int trunc_objvm_rep(void *state, long arg, struct rep_result *r)
{
	struct trunc_objvm_state *s = state;
	unsigned long it, iters = truncate_iters(arg);
	unsigned char page[BENCH_PAGE] = {1}, byte;
	uint64_t t0, m0;
	int err;
	long i;

	r->ns = 0;
	r->minflt = 0;
	for (it = 0; it < iters; it++) {
		if (objvm_pwrite(s->t, s->fd, page, sizeof(page), 0) !=
		    sizeof(page))
			return -EIO;
		for (i = 0; i < arg; i++)
			if (objvm_load(s->t, s->addr[i], &byte, 1, NULL))
				return -EFAULT;
		ov_window_open(s->vm);
		m0 = bench_minflt();
		t0 = bench_now_ns();
		err = objvm_ftruncate(s->t, s->fd, 0);
		r->ns += bench_since(t0);
		r->minflt += bench_minflt() - m0;
		ov_window_close(s->vm);
		if (!err)
			err = objvm_ftruncate(s->t, s->fd, BENCH_PAGE);
		if (err)
			return err;
	}
	r->units = iters;
	return 0;
}

static void trunc_objvm_teardown(void *state)
{
	struct trunc_objvm_state *s = state;

	if (!s)
		return;
	if (s->vm)
		objvm_destroy(s->vm);
	free(s->addr);
	free(s);
}

const struct side truncate_objvm = {
	.setup = trunc_objvm_setup,
	.rep = trunc_objvm_rep,
	.teardown = trunc_objvm_teardown,
};

struct trunc_kernel_state {
	int fd;
	long nr;              /* mappings made */
	volatile char **addr; /* [K] */
};

/* How many lines of /proc/self/maps show the benchmark's file. */
static long count_kernel_vmas(void)
{
	char line[512];
	long n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/objvm-bench-"))
			n++;
	fclose(f);
	return n;
}

static int trunc_kernel_setup(void **state, long arg)
{
	struct trunc_kernel_state *s = calloc(1, sizeof(*s));
	long vmas;
	void *p;

	if (!s)
		return -ENOMEM;
	*state = s;
	s->fd = -1;
	s->addr = calloc((size_t)arg, sizeof(*s->addr));
	if (!s->addr)
		return -ENOMEM;
	s->fd = bench_tmpfile(1);
	if (s->fd < 0)
		return s->fd;
	for (s->nr = 0; s->nr < arg; s->nr++) {
		p = mmap(NULL, BENCH_PAGE, PROT_READ, MAP_SHARED, s->fd, 0);
		if (p == MAP_FAILED)
			return -errno;
		s->addr[s->nr] = p;
	}
	vmas = count_kernel_vmas();
	if (vmas != arg) {
		fprintf(stderr,
			"bench: the kernel made %ld VMAs for %ld mmaps\n", vmas,
			arg);
		return -EINVAL;
	}
	return 0;
}

static int trunc_kernel_rep(void *state, long arg, struct rep_result *r)
{
	struct trunc_kernel_state *s = state;
	unsigned long it, iters = truncate_iters(arg);
	char page[BENCH_PAGE] = {1};
	uint64_t t0, m0;
	char sum = 0;
	int err = 0;
	long i;

	r->ns = 0;
	r->minflt = 0;
	for (it = 0; it < iters; it++) {
		if (pwrite(s->fd, page, sizeof(page), 0) != sizeof(page))
			return -errno;
		for (i = 0; i < arg; i++)
			sum += *s->addr[i];
		m0 = bench_minflt();
		t0 = bench_now_ns();
		if (ftruncate(s->fd, 0))
			err = -errno;
		r->ns += bench_since(t0);
		r->minflt += bench_minflt() - m0;
		if (!err && ftruncate(s->fd, BENCH_PAGE))
			err = -errno;
		if (err)
			return err;
	}
	__asm__ volatile("" : : "r"(sum));
	r->units = iters;
	return 0;
}

static void trunc_kernel_teardown(void *state)
{
	struct trunc_kernel_state *s = state;
	long i;

	if (!s)
		return;
	for (i = 0; i < s->nr; i++)
		munmap((void *)s->addr[i], BENCH_PAGE);
	if (s->fd >= 0)
		close(s->fd);
	free(s->addr);
	free(s);
}

const struct side truncate_kernel = {
	.setup = trunc_kernel_setup,
	.rep = trunc_kernel_rep,
	.teardown = trunc_kernel_teardown,
};
