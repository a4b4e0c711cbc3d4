/*
 * bench/bench_fault.c - the fault paths, and munmap, per page.
 *
 * fault_shared_ns: a read fault on a shared file page that is already in
 *   the page cache.  Each repetition maps the file afresh, reads one byte
 *   of each page, and unmaps it untimed.
 * fault_anon_ns: the first write to each page of fresh private anonymous
 *   memory.
 * fault_cow_ns: the child's first write to each page of anonymous memory
 *   that its parent populated before fork; the fork itself is untimed.
 * munmap_page_ns: munmap of populated private anonymous memory.
 *
 * @arg is the number of pages.  On the kernel side, anonymous memory is
 * advised MADV_NOHUGEPAGE so that it, like objvm, faults 4 KiB at a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define FAULT_MEM (256ULL << 20) /* objvm RAM for these figures */

struct fault_objvm_state {
	struct objvm *vm;
	struct objvm_task *t;
	int fd;
	uint64_t addr; /* populated memory that lives across repetitions */
};

static int fault_objvm_setup(void **state, long arg)
{
	struct fault_objvm_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*state = s;
	s->fd = -1;
	return ov_machine(FAULT_MEM, &s->vm, &s->t);
}

static void fault_objvm_teardown(void *state)
{
	struct fault_objvm_state *s = state;

	if (!s)
		return;
	if (s->vm)
		objvm_destroy(s->vm);
	free(s);
}

static int ov_map_anon(struct objvm_task *t, long pages, uint64_t *addr)
{
	return objvm_mmap(t, 0, (uint64_t)pages * BENCH_PAGE,
			  OBJVM_PROT_READ | OBJVM_PROT_WRITE,
			  OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1, 0, addr);
}

static void *k_map_anon(long pages)
{
	size_t len = (size_t)pages * BENCH_PAGE;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	bench_no_thp(p, len);
	return p;
}

static void k_populate(volatile char *p, long pages)
{
	long i;

	for (i = 0; i < pages; i++)
		*(volatile uint64_t *)(p + i * BENCH_PAGE) = 0x0b1ec75;
}

/* --- fault_shared_ns ------------------------------------------------------ */

static int shared_objvm_setup(void **state, long arg)
{
	struct fault_objvm_state *s;
	int err = fault_objvm_setup(state, arg);

	if (err)
		return err;
	s = *state;
	s->fd = objvm_open(s->t, "/bench-shared", OBJVM_O_RDWR | OBJVM_O_CREAT);
	if (s->fd < 0)
		return s->fd;
	return ov_fill_file(s->t, s->fd, (unsigned long)arg);
}

static int shared_objvm_rep(void *state, long arg, struct rep_result *r)
{
	struct fault_objvm_state *s = state;
	uint64_t addr, t0, m0;
	unsigned char byte;
	int err, bad = 0;
	long i;

	err = objvm_mmap(s->t, 0, (uint64_t)arg * BENCH_PAGE, OBJVM_PROT_READ,
			 OBJVM_MAP_SHARED, s->fd, 0, &addr);
	if (err)
		return err;
	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (i = 0; i < arg; i++)
		bad |= objvm_load(s->t, addr + (uint64_t)i * BENCH_PAGE, &byte,
				  1, NULL);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = (uint64_t)arg;
	err = objvm_munmap(s->t, addr, (uint64_t)arg * BENCH_PAGE);
	return bad ? -EFAULT : err;
}

const struct side fault_shared_objvm = {
	.setup = shared_objvm_setup,
	.rep = shared_objvm_rep,
	.teardown = fault_objvm_teardown,
};

static int shared_kernel_setup(void **state, long arg)
{
	int fd = bench_tmpfile((unsigned long)arg);

	if (fd < 0)
		return fd;
	*state = (void *)(intptr_t)(fd + 1);
	return 0;
}

static int shared_kernel_rep(void *state, long arg, struct rep_result *r)
{
	int fd = (int)(intptr_t)state - 1;
	size_t len = (size_t)arg * BENCH_PAGE;
	volatile unsigned char *p;
	unsigned char sum = 0;
	uint64_t t0, m0;
	long i;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (i = 0; i < arg; i++)
		sum += p[i * BENCH_PAGE];
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = (uint64_t)arg;
	__asm__ volatile("" : : "r"(sum));
	munmap((void *)p, len);
	return 0;
}

static void shared_kernel_teardown(void *state)
{
	if (state)
		close((int)(intptr_t)state - 1);
}

const struct side fault_shared_kernel = {
	.setup = shared_kernel_setup,
	.rep = shared_kernel_rep,
	.teardown = shared_kernel_teardown,
};

/* --- fault_anon_ns -------------------------------------------------------- */

static int anon_objvm_rep(void *state, long arg, struct rep_result *r)
{
	struct fault_objvm_state *s = state;
	uint64_t addr, t0, m0, word = 0x0b1ec75;
	int err, bad = 0;
	long i;

	err = ov_map_anon(s->t, arg, &addr);
	if (err)
		return err;
	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (i = 0; i < arg; i++)
		bad |= objvm_store(s->t, addr + (uint64_t)i * BENCH_PAGE, &word,
				   sizeof(word), NULL);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = (uint64_t)arg;
	err = objvm_munmap(s->t, addr, (uint64_t)arg * BENCH_PAGE);
	return bad ? -EFAULT : err;
}

const struct side fault_anon_objvm = {
	.setup = fault_objvm_setup,
	.rep = anon_objvm_rep,
	.teardown = fault_objvm_teardown,
};

static int nothing_setup(void **state, long arg)
{
	*state = NULL;
	return 0;
}

static void nothing_teardown(void *state)
{
}

static int anon_kernel_rep(void *state, long arg, struct rep_result *r)
{
	size_t len = (size_t)arg * BENCH_PAGE;
	char *p = k_map_anon(arg);
	uint64_t t0, m0;

	if (!p)
		return -ENOMEM;
	m0 = bench_minflt();
	t0 = bench_now_ns();
	k_populate(p, arg);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = (uint64_t)arg;
	munmap(p, len);
	return 0;
}

const struct side fault_anon_kernel = {
	.setup = nothing_setup,
	.rep = anon_kernel_rep,
	.teardown = nothing_teardown,
};

/* --- fault_cow_ns --------------------------------------------------------- */

static int cow_objvm_setup(void **state, long arg)
{
	struct fault_objvm_state *s;
	int err = fault_objvm_setup(state, arg);

	if (err)
		return err;
	s = *state;
	err = ov_map_anon(s->t, arg, &s->addr);
	if (err)
		return err;
	return ov_populate(s->t, s->addr, (unsigned long)arg);
}

static int cow_objvm_rep(void *state, long arg, struct rep_result *r)
{
	struct fault_objvm_state *s = state;
	uint64_t t0, m0, word = 0xc0;
	struct objvm_task *child;
	int err, bad = 0;
	long i;

	err = objvm_fork(s->t, &child);
	if (err)
		return err;
	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	for (i = 0; i < arg; i++)
		bad |= objvm_store(child, s->addr + (uint64_t)i * BENCH_PAGE,
				   &word, sizeof(word), NULL);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = (uint64_t)arg;
	err = objvm_exit(child);
	objvm_task_release(child);
	return bad ? -EFAULT : err;
}

const struct side fault_cow_objvm = {
	.setup = cow_objvm_setup,
	.rep = cow_objvm_rep,
	.teardown = fault_objvm_teardown,
};

struct k_region {
	char *p;
	size_t len;
};

static int cow_kernel_setup(void **state, long arg)
{
	struct k_region *k = malloc(sizeof(*k));

	if (!k)
		return -ENOMEM;
	k->len = (size_t)arg * BENCH_PAGE;
	k->p = k_map_anon(arg);
	*state = k;
	if (!k->p)
		return -ENOMEM;
	k_populate(k->p, arg);
	return 0;
}

/* The child times its own writes and sends the result up a pipe. */
static int cow_kernel_rep(void *state, long arg, struct rep_result *r)
{
	volatile char *p = ((struct k_region *)state)->p;
	int fds[2], status;
	uint64_t t0, m0;
	ssize_t n;
	pid_t pid;
	long i;

	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		struct rep_result res;

		m0 = bench_minflt();
		t0 = bench_now_ns();
		for (i = 0; i < arg; i++)
			*(volatile uint64_t *)(p + i * BENCH_PAGE) = 0xc0;
		res.ns = bench_since(t0);
		res.minflt = bench_minflt() - m0;
		res.units = (uint64_t)arg;
		n = write(fds[1], &res, sizeof(res));
		_exit(n == (ssize_t)sizeof(res) ? 0 : 1);
	}
	close(fds[1]);
	n = read(fds[0], r, sizeof(*r));
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (n != (ssize_t)sizeof(*r) || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -EIO;
	return 0;
}

static void cow_kernel_teardown(void *state)
{
	struct k_region *k = state;

	if (!k)
		return;
	if (k->p)
		munmap(k->p, k->len);
	free(k);
}

const struct side fault_cow_kernel = {
	.setup = cow_kernel_setup,
	.rep = cow_kernel_rep,
	.teardown = cow_kernel_teardown,
};

/* --- munmap_page_ns ------------------------------------------------------- */

static int munmap_objvm_rep(void *state, long arg, struct rep_result *r)
{
	struct fault_objvm_state *s = state;
	uint64_t addr, t0, m0;
	int err;

	err = ov_map_anon(s->t, arg, &addr);
	if (!err)
		err = ov_populate(s->t, addr, (unsigned long)arg);
	if (err)
		return err;
	ov_window_open(s->vm);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	err = objvm_munmap(s->t, addr, (uint64_t)arg * BENCH_PAGE);
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	ov_window_close(s->vm);
	r->units = (uint64_t)arg;
	return err;
}

const struct side munmap_objvm = {
	.setup = fault_objvm_setup,
	.rep = munmap_objvm_rep,
	.teardown = fault_objvm_teardown,
};

static int munmap_kernel_rep(void *state, long arg, struct rep_result *r)
{
	char *p = k_map_anon(arg);
	uint64_t t0, m0;
	int err = 0;

	if (!p)
		return -ENOMEM;
	k_populate(p, arg);
	m0 = bench_minflt();
	t0 = bench_now_ns();
	if (munmap(p, (size_t)arg * BENCH_PAGE))
		err = -errno;
	r->ns = bench_since(t0);
	r->minflt = bench_minflt() - m0;
	r->units = (uint64_t)arg;
	return err;
}

const struct side munmap_kernel = {
	.setup = nothing_setup,
	.rep = munmap_kernel_rep,
	.teardown = nothing_teardown,
};
