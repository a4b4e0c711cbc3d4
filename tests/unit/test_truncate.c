/*
 * test_truncate.c - truncate against faults, in the window that the
 * truncate_count protocol guards (docs/design.md §5), made to happen on
 * purpose: a test hook in do_no_page() runs a truncate on another thread
 * after the fault has read the page and before it installs the pte.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "task/task.h"
#include "vma/vma.h"

#include "harness.h"

struct race {
	struct objvm_task *truncator;
	int fd;
	int64_t size; /* what the racing truncate sets */
	int fired;
};

static void *truncate_thread(void *arg)
{
	struct race *r = arg;

	ck_assert_int_eq(objvm_ftruncate(r->truncator, r->fd, r->size), 0);
	return NULL;
}

/* Runs once, on the faulting thread, in the middle of do_no_page(). */
static void race_hook(struct objvm *vm, void *arg)
{
	struct race *r = arg;
	pthread_t t;

	if (r->fired++)
		return;
	vm->hook.nopage = NULL;
	ck_assert_int_eq(pthread_create(&t, NULL, truncate_thread, r), 0);
	pthread_join(t, NULL);
}

struct fixture {
	struct objvm *vm;
	struct objvm_task *a;
	uint64_t map;
	struct race race;
};

static void setup(struct fixture *fx, int64_t truncate_to)
{
	struct objvm_config cfg = {.mem_bytes = 8 << 20};
	char buf[8 * 4096];
	int fd;

	memset(fx, 0, sizeof(*fx));
	memset(buf, 'q', sizeof(buf));
	ck_assert_int_eq(objvm_create(&cfg, &fx->vm), 0);
	ck_assert_int_eq(objvm_spawn(fx->vm, NULL, &fx->a), 0);
	fd = objvm_open(fx->a, "/f", OBJVM_O_RDWR | OBJVM_O_CREAT);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(objvm_pwrite(fx->a, fd, buf, sizeof(buf), 0),
			 sizeof(buf));
	ck_assert_int_eq(objvm_mmap(fx->a, 0, sizeof(buf),
				    OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				    OBJVM_MAP_SHARED, fd, 0, &fx->map),
			 0);
	/* The truncating task has its own descriptor for the file. */
	ck_assert_int_eq(objvm_spawn(fx->vm, NULL, &fx->race.truncator), 0);
	fx->race.fd = objvm_open(fx->race.truncator, "/f", OBJVM_O_RDWR);
	ck_assert_int_ge(fx->race.fd, 0);
	fx->race.size = truncate_to;
	fx->vm->hook.arg = &fx->race;
	fx->vm->hook.nopage = race_hook;
}

static uint64_t stat(struct objvm *vm, const char *name)
{
	uint64_t v;

	ck_assert_int_eq(objvm_stat_get(vm, name, &v), 0);
	return v;
}

static void teardown(struct fixture *fx)
{
	char report[512];

	ck_assert_int_eq(objvm_check(fx->vm, report, sizeof(report)), 0);
	ck_assert_int_eq(objvm_destroy(fx->vm), 0);
}

/* The page the fault read is truncated away: it retries and SIGBUSes,
 * and no pte maps the removed page. */
START_TEST(fault_loses_to_truncate)
{
	struct fixture fx;
	char c;

	setup(&fx, 2 * 4096);
	ck_assert_int_eq(objvm_load(fx.a, fx.map + 5 * 4096, &c, 1, NULL),
			 OBJVM_SIGBUS);
	ck_assert_int_eq(fx.race.fired, 1);
	ck_assert_uint_eq(stat(fx.vm, "fault_retry"), 1);
	ck_assert_uint_eq(stat(fx.vm, "fault_sigbus"), 1);
	teardown(&fx);
}
END_TEST

/* A truncate elsewhere in the file still makes the fault retry (the
 * count is per mapping), and the retry maps the surviving page. */
START_TEST(fault_retries_and_wins)
{
	struct fixture fx;
	char c;

	setup(&fx, 7 * 4096);
	ck_assert_int_eq(objvm_load(fx.a, fx.map + 3 * 4096, &c, 1, NULL), 0);
	ck_assert_int_eq(c, 'q');
	ck_assert_int_eq(fx.race.fired, 1);
	ck_assert_uint_eq(stat(fx.vm, "fault_retry"), 1);
	ck_assert_int_eq(objvm_load(fx.a, fx.map + 7 * 4096, &c, 1, NULL),
			 OBJVM_SIGBUS);
	teardown(&fx);
}
END_TEST

/* The write fault of a private mapping (early COW) loses the same way:
 * its private copy must not outlive the truncate. */
START_TEST(cow_fault_loses_to_truncate)
{
	struct fixture fx;
	uint64_t priv;
	int fd;

	setup(&fx, 1 * 4096);
	fx.vm->hook.nopage = NULL;
	fd = objvm_open(fx.a, "/f", OBJVM_O_RDWR);
	ck_assert_int_eq(objvm_mmap(fx.a, 0, 8 * 4096,
				    OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				    OBJVM_MAP_PRIVATE, fd, 0, &priv),
			 0);
	fx.vm->hook.nopage = race_hook;
	ck_assert_int_eq(objvm_store(fx.a, priv + 4 * 4096, "w", 1, NULL),
			 OBJVM_SIGBUS);
	ck_assert_uint_eq(stat(fx.vm, "fault_retry"), 1);
	teardown(&fx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("truncate");
	TCase *tc = tcase_create("race");

	tcase_add_test(tc, fault_loses_to_truncate);
	tcase_add_test(tc, fault_retries_and_wins);
	tcase_add_test(tc, cow_fault_loses_to_truncate);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
