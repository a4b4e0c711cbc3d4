/*
 * bench/bench_mmap.c - mmap_vK_ns: the cost of one mmap() that has to
 * find a place among K existing VMAs (K = @arg: 1000, 10000, 60000).
 *
 * Both sides first make K one-page private anonymous mappings that cannot
 * merge (their protections alternate), packed top-down under the mmap
 * base, so that no gap between them holds a new page.  Each repetition
 * then times MMAPS more one-page mappings (protections alternating again,
 * unlike the K, so each is a new VMA) and unmaps them, untimed.  A search
 * that walks the VMAs from the top visits all K per call; objvm's
 * gap-augmented tree and the kernel's maple tree descend to the one gap
 * that fits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "bench.h"

#define MMAPS 1000

static int prot_of(long i, bool timed)
{
	if (timed)
		return i & 1 ? OBJVM_PROT_NONE
			     : OBJVM_PROT_READ | OBJVM_PROT_WRITE |
				       OBJVM_PROT_EXEC;
	return i & 1 ? OBJVM_PROT_READ : OBJVM_PROT_READ | OBJVM_PROT_WRITE;
}

struct mmap_objvm_state {
	struct objvm *vm;
	struct objvm_task *t;
	uint64_t addr[MMAPS];
};

static int mmap_objvm_setup(void **state, long arg)
{
	struct mmap_objvm_state *s = calloc(1, sizeof(*s));
	uint64_t addr;
	long i;
	int err;

	if (!s)
		return -ENOMEM;
	*state = s;
	err = ov_machine(64ULL << 20, &s->vm, &s->t);
	for (i = 0; !err && i < arg; i++)
		err = objvm_mmap(s->t, 0, BENCH_PAGE, prot_of(i, false),
				 OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1, 0,
				 &addr);
	return err;
}

static int mmap_objvm_rep(void *state, long arg, struct rep_result *r)
{
	struct mmap_objvm_state *s = state;
	uint64_t t0;
	int i, err = 0;

	ov_window_open(s->vm);
	t0 = bench_now_ns();
	for (i = 0; i < MMAPS && !err; i++)
		err = objvm_mmap(s->t, 0, BENCH_PAGE, prot_of(i, true),
				 OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1, 0,
				 &s->addr[i]);
	r->ns = bench_since(t0);
	ov_window_close(s->vm);
	r->units = (uint64_t)i;
	while (i-- > 0)
		objvm_munmap(s->t, s->addr[i], BENCH_PAGE);
	return err;
}

static void mmap_objvm_teardown(void *state)
{
	struct mmap_objvm_state *s = state;

	if (!s)
		return;
	if (s->vm)
		objvm_destroy(s->vm);
	free(s);
}

const struct side mmap_objvm = {
	.setup = mmap_objvm_setup,
	.rep = mmap_objvm_rep,
	.teardown = mmap_objvm_teardown,
};

struct mmap_kernel_state {
	void **made;
	long nr;
	void *addr[MMAPS];
};

static int mmap_kernel_setup(void **state, long arg)
{
	struct mmap_kernel_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*state = s;
	s->made = calloc((size_t)arg, sizeof(*s->made));
	if (!s->made)
		return -ENOMEM;
	for (; s->nr < arg; s->nr++) {
		void *p = mmap(NULL, BENCH_PAGE, prot_of(s->nr, false),
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -errno;
		s->made[s->nr] = p;
	}
	return 0;
}

static int mmap_kernel_rep(void *state, long arg, struct rep_result *r)
{
	struct mmap_kernel_state *s = state;
	uint64_t t0;
	int i, err = 0;

	t0 = bench_now_ns();
	for (i = 0; i < MMAPS; i++) {
		s->addr[i] = mmap(NULL, BENCH_PAGE, prot_of(i, true),
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (s->addr[i] == MAP_FAILED) {
			err = -errno;
			break;
		}
	}
	r->ns = bench_since(t0);
	r->units = (uint64_t)i;
	while (i-- > 0)
		munmap(s->addr[i], BENCH_PAGE);
	return err;
}

static void mmap_kernel_teardown(void *state)
{
	struct mmap_kernel_state *s = state;

	if (!s)
		return;
	while (s->nr-- > 0)
		munmap(s->made[s->nr], BENCH_PAGE);
	free(s->made);
	free(s);
}

const struct side mmap_kernel = {
	.setup = mmap_kernel_setup,
	.rep = mmap_kernel_rep,
	.teardown = mmap_kernel_teardown,
};
