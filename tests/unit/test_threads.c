/*
 * test_threads.c - two host threads drive two tasks over one shared file.
 *
 * Thread A stores and loads the first half of the file through its
 * mapping; thread B does the same with the second half, truncates the
 * file below its half's end and grows it back, and churns anonymous
 * mappings.  A must always read back what it wrote (its pages are never
 * truncated); B may see SIGBUS for pages it truncated away.  The run
 * must be clean under ThreadSanitizer (`make tsan`) and leave every
 * invariant intact.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "objvm.h"

#include "harness.h"

#define PAGES  64
#define ROUNDS 300
#define PAGE   OBJVM_PAGE_SIZE

struct worker {
	struct objvm_task *task;
	uint64_t base;
	unsigned int first, last; /* pages it owns: [first, last) */
	bool truncates;
	int fd;
	int bad;    /* reads that did not return what was written */
	int sigbus; /* SIGBUS seen (only the truncating worker) */
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t v, got, anon;
	unsigned int r, p;
	int ret;

	for (r = 0; r < ROUNDS; r++) {
		for (p = w->first; p < w->last; p++) {
			v = ((uint64_t)r << 32) | p;
			ret = objvm_store(w->task, w->base + p * PAGE, &v,
					  sizeof(v), NULL);
			if (ret == OBJVM_SIGBUS && w->truncates) {
				w->sigbus++;
				continue;
			}
			ret |= objvm_load(w->task, w->base + p * PAGE, &got,
					  sizeof(got), NULL);
			if (ret == OBJVM_SIGBUS && w->truncates)
				w->sigbus++;
			else if (ret || got != v)
				w->bad++;
		}
		if (!w->truncates)
			continue;
		if (r % 10 == 3)
			objvm_ftruncate(w->task, w->fd, (PAGES - 8) * PAGE);
		if (r % 10 == 7)
			objvm_ftruncate(w->task, w->fd, PAGES * PAGE);
		if (objvm_mmap(w->task, 0, 4 * PAGE,
			       OBJVM_PROT_READ | OBJVM_PROT_WRITE,
			       OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1, 0,
			       &anon) == 0) {
			objvm_store(w->task, anon + PAGE, &v, sizeof(v), NULL);
			objvm_munmap(w->task, anon, 4 * PAGE);
		}
	}
	return NULL;
}

static void setup(struct objvm *vm, struct worker *w, unsigned int first,
		  unsigned int last, bool truncates)
{
	memset(w, 0, sizeof(*w));
	ck_assert_int_eq(objvm_spawn(vm, NULL, &w->task), 0);
	w->fd = objvm_open(w->task, "/shared", OBJVM_O_RDWR | OBJVM_O_CREAT);
	ck_assert_int_ge(w->fd, 0);
	ck_assert_int_eq(objvm_ftruncate(w->task, w->fd, PAGES * PAGE), 0);
	ck_assert_int_eq(objvm_mmap(w->task, 0, PAGES * PAGE,
				    OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				    OBJVM_MAP_SHARED, w->fd, 0, &w->base),
			 0);
	w->first = first;
	w->last = last;
	w->truncates = truncates;
}

START_TEST(two_threads_one_file)
{
	struct objvm_config cfg = {.mem_bytes = 16 << 20};
	struct worker a, b;
	pthread_t ta, tb;
	struct objvm *vm;
	char report[512];
	uint64_t v;

	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	setup(vm, &a, 0, PAGES / 2, false);
	setup(vm, &b, PAGES / 2, PAGES, true);
	ck_assert_int_eq(pthread_create(&ta, NULL, work, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, work, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);

	ck_assert_int_eq(a.bad, 0);
	ck_assert_int_eq(b.bad, 0);
	ck_assert_int_gt(b.sigbus, 0); /* the truncation really raced */
	/* B's last store to page 40 is visible through A's mapping. */
	ck_assert_int_eq(
		objvm_load(a.task, a.base + 40 * PAGE, &v, sizeof(v), NULL), 0);
	ck_assert_uint_eq(v, ((uint64_t)(ROUNDS - 1) << 32) | 40);
	ck_assert_int_eq(objvm_check(vm, report, sizeof(report)), 0);
	ck_assert_int_eq(objvm_destroy(vm), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("shared file");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, two_threads_one_file);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
