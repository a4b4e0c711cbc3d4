/*
 * bench/bench_tlb.c - tlb_hit_load_ns: an 8-byte load that hits the TLB.
 *
 * objvm: objvm_load() of 8 bytes from one warmed page of private
 * anonymous memory, @arg times in a row; every load hits the software
 * TLB (the counters show @arg hits and no miss).
 *
 * kernel: a volatile 8-byte load from one mapped, written page, @arg
 * times: what the hardware TLB and L1 cache give a real program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "bench.h"

struct tlb_objvm_state {
	struct objvm *vm;
	struct objvm_task *t;
	uint64_t addr;
};

static int tlb_objvm_setup(void **state, long arg)
{
	struct tlb_objvm_state *s = calloc(1, sizeof(*s));
	uint64_t word;
	int err;

	if (!s)
		return -ENOMEM;
	*state = s;
	err = ov_machine(0, &s->vm, &s->t);
	if (err)
		return err;
	err = objvm_mmap(s->t, 0, BENCH_PAGE,
			 OBJVM_PROT_READ | OBJVM_PROT_WRITE,
			 OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1, 0,
			 &s->addr);
	if (err)
		return err;
	err = ov_populate(s->t, s->addr, 1);
	if (err)
		return err;
	return objvm_load(s->t, s->addr, &word, sizeof(word), NULL) ? -EFAULT
								    : 0;
}

static int tlb_objvm_rep(void *state, long arg, struct rep_result *r)
{
	struct tlb_objvm_state *s = state;
	uint64_t word, sum = 0, t0, m0;
	int bad = 0;
	long i;

	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (i = 0; i < arg; i++) {
		bad |= objvm_load(s->t, s->addr + 8, &word, sizeof(word), NULL);
		sum += word;
	}
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = (uint64_t)arg;
	__asm__ volatile("" : : "r"(sum));
	return bad ? -EFAULT : 0;
}

static void tlb_objvm_teardown(void *state)
{
	struct tlb_objvm_state *s = state;

	if (!s)
		return;
	if (s->vm)
		objvm_destroy(s->vm);
	free(s);
}

const struct side tlb_objvm = {
	.setup = tlb_objvm_setup,
	.rep = tlb_objvm_rep,
	.teardown = tlb_objvm_teardown,
};

static int tlb_kernel_setup(void **state, long arg)
{
	volatile uint64_t *p;

	p = mmap(NULL, BENCH_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	p[1] = 0x0b1ec75;
	*state = (void *)p;
	return 0;
}

static int tlb_kernel_rep(void *state, long arg, struct rep_result *r)
{
	volatile uint64_t *p = state;
	uint64_t sum = 0, t0, m0;
	long i;

	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (i = 0; i < arg; i++)
		sum += p[1];
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = (uint64_t)arg;
	__asm__ volatile("" : : "r"(sum));
	return 0;
}

static void tlb_kernel_teardown(void *state)
{
	if (state)
		munmap(state, BENCH_PAGE);
}

const struct side tlb_kernel = {
	.setup = tlb_kernel_setup,
	.rep = tlb_kernel_rep,
	.teardown = tlb_kernel_teardown,
};
