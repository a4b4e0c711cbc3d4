/*
 * test_stress.c - four host threads, each driving its own task, churn two
 * shared files at once: mmap and munmap, mprotect splits of file and
 * anonymous VMAs, mremap moves, fork, msync, MADV_DONTNEED, ftruncate
 * down and back up, stores and loads.
 *
 * Every store names its writer, the file page and a sequence number, and
 * goes to the writer's own slot of the page (so the simulated program
 * itself is free of data races, and ThreadSanitizer judges objvm alone).
 * Pages are shared by all four: faults, the page cache, writeback,
 * truncation and TLB shootdowns race for real.  A load must return the
 * last value its writer stored there, or zeros once some thread's
 * truncation dropped the page; never an older value, another page's or
 * another writer's.  SIGBUS is allowed (the file may be short just then).
 *
 * The same run with OBJVM_CHECK_EACH_CALL, and a fifth thread calling
 * objvm_check() all along, must find every invariant intact: the checker
 * stops the world before it looks.
 *
 * The run lasts OBJVM_STRESS_SECONDS (default 2) per case.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "objvm.h"

#include "harness.h"

#define PAGE       OBJVM_PAGE_SIZE
#define NR_FILES   2
#define FILE_PAGES 32
#define NR_WORKERS 4
#define NR_MAPS    3
#define SLOT(w)    ((uint64_t)(w)*64) /* each writer's word in a page */

static const char *const paths[NR_FILES] = {"/s0", "/s1"};

struct map {
	uint64_t addr;
	unsigned int pages; /* from file page 0 */
	int file;           /* -1: slot unused */
};

struct worker {
	struct objvm *vm;
	struct objvm_task *task;
	unsigned int id, seed;
	int fd[NR_FILES];
	struct map map[NR_MAPS];
	uint64_t anon; /* a private anonymous area of 8 pages */
	uint64_t seq;
	/* What this writer last stored in each file page (0: nothing, or
	 * dropped by a truncation since). */
	uint64_t latest[NR_FILES][FILE_PAGES];
	unsigned long ops, loads, zeros, sigbus;
	int bad;
	char why[160];
};

static atomic_bool stop;
static atomic_int check_failed;
static char check_report[512];

static uint64_t encode(unsigned int w, int file, unsigned int page,
		       uint64_t seq)
{
	return (uint64_t)(w + 1) << 56 | (uint64_t)(file + 1) << 52 |
	       (uint64_t)page << 40 | (seq & 0xffffffffffULL);
}

static void bad(struct worker *w, const char *what, int file, unsigned int page,
		uint64_t got)
{
	if (!w->bad++)
		snprintf(w->why, sizeof(w->why),
			 "worker %u: %s in %s page %u: got %#llx, last stored "
			 "%#llx",
			 w->id, what, paths[file], page,
			 (unsigned long long)got,
			 (unsigned long long)w->latest[file][page]);
}

static unsigned int pick(struct worker *w, unsigned int n)
{
	return (unsigned int)rand_r(&w->seed) % n;
}

/* A live mapping, or NULL. */
static struct map *some_map(struct worker *w)
{
	struct map *m = &w->map[pick(w, NR_MAPS)];

	return m->file < 0 ? NULL : m;
}

static void do_store(struct worker *w, struct objvm_task *t, struct map *m)
{
	unsigned int page = pick(w, m->pages);
	uint64_t v = encode(w->id, m->file, page, ++w->seq);
	int ret = objvm_store(t, m->addr + page * PAGE + SLOT(w->id), &v,
			      sizeof(v), NULL);

	if (ret == OBJVM_SIGBUS)
		w->sigbus++;
	else if (ret)
		bad(w, "store failed", m->file, page, (uint64_t)ret);
	else
		w->latest[m->file][page] = v;
}

static void do_load(struct worker *w, struct objvm_task *t, struct map *m)
{
	unsigned int page = pick(w, m->pages);
	uint64_t got = 0;
	int ret = objvm_load(t, m->addr + page * PAGE + SLOT(w->id), &got,
			     sizeof(got), NULL);

	w->loads++;
	if (ret == OBJVM_SIGBUS) {
		w->sigbus++;
	} else if (ret) {
		bad(w, "load failed", m->file, page, (uint64_t)ret);
	} else if (got == 0) {
		/* Dropped by a truncation: what was stored is gone. */
		w->zeros++;
		w->latest[m->file][page] = 0;
	} else if (got != w->latest[m->file][page]) {
		bad(w, "load saw a value not last stored", m->file, page, got);
	}
}

static void do_mmap(struct worker *w, struct map *m)
{
	int file = (int)pick(w, NR_FILES);
	unsigned int pages = 1 + pick(w, FILE_PAGES);

	if (objvm_mmap(w->task, 0, pages * PAGE,
		       OBJVM_PROT_READ | OBJVM_PROT_WRITE, OBJVM_MAP_SHARED,
		       w->fd[file], 0, &m->addr) == 0) {
		m->file = file;
		m->pages = pages;
	}
}

static void do_truncate(struct worker *w, int file)
{
	unsigned int keep = pick(w, FILE_PAGES);
	unsigned int p;

	objvm_ftruncate(w->task, w->fd[file], (int64_t)keep * PAGE);
	/* Everything from keep on is gone, this writer's too. */
	for (p = keep; p < FILE_PAGES; p++)
		w->latest[file][p] = 0;
	objvm_ftruncate(w->task, w->fd[file], FILE_PAGES * PAGE);
}

/* A child reads through the mappings it inherited, stores, and exits. */
static void do_fork(struct worker *w)
{
	struct objvm_task *child;
	unsigned int i;

	if (objvm_fork(w->task, &child))
		return;
	for (i = 0; i < 4; i++) {
		struct map *m = some_map(w);

		if (!m)
			continue;
		do_load(w, child, m);
		do_store(w, child, m);
	}
	objvm_store(child, w->anon, &w->seq, sizeof(w->seq), NULL);
	objvm_exit(child);
	objvm_task_release(child);
}

static void one_op(struct worker *w)
{
	struct map *m = &w->map[pick(w, NR_MAPS)];
	unsigned int op = pick(w, 100);
	uint64_t out;

	if (m->file < 0) {
		do_mmap(w, m);
		return;
	}
	if (op < 35) {
		do_store(w, w->task, m);
	} else if (op < 70) {
		do_load(w, w->task, m);
	} else if (op < 75) {
		objvm_munmap(w->task, m->addr, m->pages * PAGE);
		m->file = -1;
	} else if (op < 80 && m->pages >= 3) {
		/* Split the file VMA in three and merge it back. */
		objvm_mprotect(w->task, m->addr + PAGE, PAGE, OBJVM_PROT_READ);
		objvm_mprotect(w->task, m->addr + PAGE, PAGE,
			       OBJVM_PROT_READ | OBJVM_PROT_WRITE);
	} else if (op < 84) {
		/* The same for anonymous memory, which fork copies. */
		uint64_t v = w->seq;

		objvm_store(w->task, w->anon + 3 * PAGE, &v, sizeof(v), NULL);
		objvm_mprotect(w->task, w->anon + 2 * PAGE, 2 * PAGE,
			       OBJVM_PROT_READ);
		objvm_mprotect(w->task, w->anon + 2 * PAGE, 2 * PAGE,
			       OBJVM_PROT_READ | OBJVM_PROT_WRITE);
	} else if (op < 87) {
		unsigned int pages = 1 + pick(w, FILE_PAGES);

		if (objvm_mremap(w->task, m->addr, m->pages * PAGE,
				 pages * PAGE, OBJVM_MREMAP_MAYMOVE, 0,
				 &out) == 0) {
			m->addr = out;
			m->pages = pages;
		}
	} else if (op < 90) {
		do_fork(w);
	} else if (op < 94) {
		objvm_msync(w->task, m->addr, m->pages * PAGE,
			    pick(w, 2) ? OBJVM_MS_SYNC : OBJVM_MS_ASYNC);
	} else if (op < 97) {
		unsigned int first = pick(w, m->pages);

		objvm_madvise(w->task, m->addr + first * PAGE,
			      (m->pages - first) * PAGE, OBJVM_MADV_DONTNEED);
	} else {
		do_truncate(w, m->file);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *work(void *arg)
{
	struct worker *w = arg;

	while (!atomic_load(&stop) || w->ops < 200) {
		one_op(w);
		w->ops++;
	}
	return NULL;
}

static void *checker(void *arg)
{
	struct objvm *vm = arg;
	char report[512];

	while (!atomic_load(&stop)) {
		if (objvm_check(vm, report, sizeof(report)) &&
		    !atomic_exchange(&check_failed, 1))
			memcpy(check_report, report, sizeof(report));
	}
	return NULL;
}

static void setup(struct objvm *vm, struct worker *w, unsigned int id)
{
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->vm = vm;
	w->id = id;
	w->seed = 1000 + id;
	ck_assert_int_eq(objvm_spawn(vm, NULL, &w->task), 0);
	for (i = 0; i < NR_FILES; i++) {
		w->fd[i] = objvm_open(w->task, paths[i],
				      OBJVM_O_RDWR | OBJVM_O_CREAT);
		ck_assert_int_ge(w->fd[i], 0);
		ck_assert_int_eq(objvm_ftruncate(w->task, w->fd[i],
						 FILE_PAGES * PAGE),
				 0);
	}
	for (i = 0; i < NR_MAPS; i++)
		w->map[i].file = -1;
	ck_assert_int_eq(objvm_mmap(w->task, 0, 8 * PAGE,
				    OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				    OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1,
				    0, &w->anon),
			 0);
}

/* After the run: each writer's slots hold its last value or zeros. */
static void verify_files(struct worker *ws)
{
	unsigned int i, f, p;
	uint64_t got;

	for (i = 0; i < NR_WORKERS; i++) {
		struct worker *w = &ws[i];

		for (f = 0; f < NR_FILES; f++) {
			for (p = 0; p < FILE_PAGES; p++) {
				ck_assert_int_eq(
					objvm_pread(
						w->task, w->fd[f], &got,
						sizeof(got),
						(int64_t)(p * PAGE + SLOT(i))),
					sizeof(got));
				if (got && got != w->latest[f][p])
					bad(w,
					    "pread saw a value not last "
					    "stored",
					    (int)f, p, got);
			}
		}
	}
}

static double stress_seconds(void)
{
	const char *s = getenv("OBJVM_STRESS_SECONDS");

	return s ? atof(s) : 2.0;
}

static void run(enum objvm_check_level level, bool check_thread)
{
	struct objvm_config cfg = {.mem_bytes = 32 << 20, .check = level};
	struct worker ws[NR_WORKERS];
	pthread_t th[NR_WORKERS], ct;
	unsigned long ops = 0, loads = 0, zeros = 0, sigbus = 0;
	struct objvm *vm;
	char report[512];
	double t0 = now();
	unsigned int i;

	atomic_store(&stop, false);
	atomic_store(&check_failed, 0);
	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	for (i = 0; i < NR_WORKERS; i++)
		setup(vm, &ws[i], i);
	for (i = 0; i < NR_WORKERS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, work, &ws[i]), 0);
	if (check_thread)
		ck_assert_int_eq(pthread_create(&ct, NULL, checker, vm), 0);
	while (now() - t0 < stress_seconds())
		nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
	atomic_store(&stop, true);
	for (i = 0; i < NR_WORKERS; i++)
		pthread_join(th[i], NULL);
	if (check_thread)
		pthread_join(ct, NULL);

	verify_files(ws);
	for (i = 0; i < NR_WORKERS; i++) {
		ck_assert_msg(ws[i].bad == 0, "%s", ws[i].why);
		ops += ws[i].ops;
		loads += ws[i].loads;
		zeros += ws[i].zeros;
		sigbus += ws[i].sigbus;
	}
	ck_assert_msg(!atomic_load(&check_failed), "objvm_check: %s",
		      check_report);
	ck_assert_int_eq(objvm_check(vm, report, sizeof(report)), 0);
	fprintf(stderr,
		"stress: %lu ops (%lu loads, %lu zeros, %lu SIGBUS) in %.2f "
		"s\n",
		ops, loads, zeros, sigbus, now() - t0);
	ck_assert_int_eq(objvm_destroy(vm), 0);
}

START_TEST(four_threads_four_tasks)
{
	run(OBJVM_CHECK_AT_END, false);
}
END_TEST

START_TEST(four_threads_checked_each_call)
{
	run(OBJVM_CHECK_EACH_CALL, true);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stress");
	TCase *tc = tcase_create("four tasks");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, four_threads_four_tasks);
	tcase_add_test(tc, four_threads_checked_each_call);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
