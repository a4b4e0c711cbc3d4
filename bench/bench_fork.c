/*
 * bench/bench_fork.c - fork_256m_ms: fork of a task with 256 MiB of
 * populated private anonymous memory (@arg pages).
 *
 * objvm: a task on a 512 MiB machine populates the memory once; each
 * repetition times objvm_fork(), then (untimed) the child exits and is
 * released.  Every fork copies every pte again: after the first, the
 * parent's ptes are write-protected, and fork copies them regardless.
 *
 * kernel: the kernel server populates the same amount (MADV_NOHUGEPAGE,
 * so 4 KiB ptes as in objvm); each repetition times fork() in the parent,
 * the child calling _exit() at once; the wait for it is untimed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define FORK_MEM (512ULL << 20)

struct fork_objvm_state {
	struct objvm *vm;
	struct objvm_task *t;
};

static int fork_objvm_setup(void **state, long arg)
{
	struct fork_objvm_state *s = calloc(1, sizeof(*s));
	uint64_t addr;
	int err;

	if (!s)
		return -ENOMEM;
	*state = s;
	err = ov_machine(FORK_MEM, &s->vm, &s->t);
	if (err)
		return err;
	err = objvm_mmap(s->t, 0, (uint64_t)arg * BENCH_PAGE,
			 OBJVM_PROT_READ | OBJVM_PROT_WRITE,
			 OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1, 0, &addr);
	if (err)
		return err;
	return ov_populate(s->t, addr, (unsigned long)arg);
}

static int fork_objvm_rep(void *state, long arg, struct rep_result *r)
{
	struct fork_objvm_state *s = state;
	struct objvm_task *child;
	uint64_t t0, m0;
	int err;

	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	err = objvm_fork(s->t, &child);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = 1;
	if (err)
		return err;
	err = objvm_exit(child);
	objvm_task_release(child);
	return err;
}

static void fork_objvm_teardown(void *state)
{
	struct fork_objvm_state *s = state;

	if (!s)
		return;
	if (s->vm)
		objvm_destroy(s->vm);
	free(s);
}

const struct side fork_objvm = {
	.setup = fork_objvm_setup,
	.rep = fork_objvm_rep,
	.teardown = fork_objvm_teardown,
};

struct fork_kernel_state {
	char *p;
	size_t len;
};

static int fork_kernel_setup(void **state, long arg)
{
	struct fork_kernel_state *s = calloc(1, sizeof(*s));
	long i;

	if (!s)
		return -ENOMEM;
	*state = s;
	s->len = (size_t)arg * BENCH_PAGE;
	s->p = mmap(NULL, s->len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->p == MAP_FAILED) {
		s->p = NULL;
		return -errno;
	}
	bench_no_thp(s->p, s->len);
	for (i = 0; i < arg; i++)
		*(volatile uint64_t *)(s->p + i * BENCH_PAGE) = 0x0b1ec75;
	return 0;
}

static int fork_kernel_rep(void *state, long arg, struct rep_result *r)
{
	uint64_t t0, m0;
	int status;
	pid_t pid;

	m0 = bench_minflt();
	t0 = bench_now_ns();
	pid = fork();
	if (pid == 0)
		_exit(0);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = 1;
	if (pid < 0)
		return -errno;
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return 0;
}

static void fork_kernel_teardown(void *state)
{
	struct fork_kernel_state *s = state;

	if (!s)
		return;
	if (s->p)
		munmap(s->p, s->len);
	free(s);
}

const struct side fork_kernel = {
	.setup = fork_kernel_setup,
	.rep = fork_kernel_rep,
	.teardown = fork_kernel_teardown,
};
