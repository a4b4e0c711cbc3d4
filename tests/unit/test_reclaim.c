/*
 * test_reclaim.c - where reclaim runs: in the allocating thread when no
 * frame is free (direct reclaim), in kswapd when it is on, and at
 * objvm_reclaim(), which frees at most what it is asked for.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "reclaim/vmscan.c" /* struct reclaim_state's watermarks */

#include "harness.h"

static uint64_t stat(struct objvm *vm, const char *name)
{
	uint64_t v = 0;

	ck_assert_int_eq(objvm_stat_get(vm, name, &v), 0);
	return v;
}

/* A 4 MiB machine, a file of 8 MiB written through the page cache. */
static struct objvm *machine_with_file(bool kswapd, struct objvm_task **t,
				       int *fd)
{
	struct objvm_config cfg = {.mem_bytes = 4 << 20, .kswapd = kswapd};
	static char block[64 << 10];
	struct objvm *vm;
	int64_t off;
	size_t i;

	for (i = 0; i < sizeof(block); i += 8)
		memcpy(block + i, &i, sizeof(uint32_t));
	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	ck_assert_int_eq(objvm_spawn(vm, NULL, t), 0);
	*fd = objvm_open(*t, "/f", OBJVM_O_RDWR | OBJVM_O_CREAT);
	ck_assert_int_ge(*fd, 0);
	for (off = 0; off < (8 << 20); off += sizeof(block))
		ck_assert_int_eq(objvm_pwrite(*t, *fd, block, sizeof(block),
					      off),
				 sizeof(block));
	return vm;
}

/* Every 64 KiB block of the file reads back as written. */
static void expect_file_intact(struct objvm_task *t, int fd)
{
	char buf[64 << 10], want[64 << 10];
	int64_t off;
	size_t i;

	for (i = 0; i < sizeof(want); i += 8)
		memcpy(want + i, &i, sizeof(uint32_t));
	for (i = 0; i < sizeof(want); i++)
		if (i % 8 >= 4)
			want[i] = 0;
	for (off = 0; off < (8 << 20); off += sizeof(buf)) {
		ck_assert_int_eq(objvm_pread(t, fd, buf, sizeof(buf), off),
				 sizeof(buf));
		ck_assert_msg(memcmp(buf, want, sizeof(buf)) == 0,
			      "block at %lld differs", (long long)off);
	}
}

START_TEST(direct_reclaim_without_kswapd)
{
	struct objvm_task *t;
	struct objvm *vm;
	int fd;

	vm = machine_with_file(false, &t, &fd);
	ck_assert_uint_gt(stat(vm, "direct_reclaim"), 0);
	ck_assert_uint_eq(stat(vm, "kswapd_run"), 0);
	/* 2048 dirty pages through 1024 frames: most were written back. */
	ck_assert_uint_ge(stat(vm, "writeback"), 1024);
	expect_file_intact(t, fd);
	ck_assert_int_eq(objvm_check(vm, NULL, 0), 0);
	ck_assert_int_eq(objvm_destroy(vm), 0);
}
END_TEST

START_TEST(kswapd_keeps_memory_free)
{
	struct objvm_task *t;
	struct objvm *vm;
	int fd;

	vm = machine_with_file(true, &t, &fd);
	kswapd_wait_idle(vm);
	ck_assert_uint_gt(stat(vm, "kswapd_run"), 0);
	ck_assert_uint_gt(stat(vm, "pgsteal"), 0);
	/* Every allocation that leaves free memory below the low watermark
	 * wakes kswapd unless it is running, and a pass runs until free
	 * memory is back above the high one (a machine of file pages can
	 * always be reclaimed): so once idle, free memory is at least low. */
	ck_assert_uint_ge(nr_free_pages(vm), vm->reclaim->pages_low);
	expect_file_intact(t, fd);
	ck_assert_int_eq(objvm_check(vm, NULL, 0), 0);
	ck_assert_int_eq(objvm_set_kswapd(vm, false), 0);
	ck_assert_int_eq(objvm_set_kswapd(vm, false), 0);
	ck_assert_int_eq(objvm_set_kswapd(vm, true), 0);
	ck_assert_int_eq(objvm_destroy(vm), 0);
}
END_TEST

START_TEST(reclaim_frees_at_most_what_is_asked)
{
	struct objvm_task *t;
	struct objvm *vm;
	uint64_t before;
	int fd;

	vm = machine_with_file(false, &t, &fd);
	ck_assert_int_eq(objvm_fsync(t, fd), 0);
	before = nr_free_pages(vm);
	ck_assert_int_eq(objvm_reclaim(vm, 5), 5);
	ck_assert_uint_eq(nr_free_pages(vm), before + 5);
	ck_assert_int_eq(objvm_reclaim(vm, 100), 100);
	/* Everything clean and unmapped can go; then nothing is left. */
	ck_assert_int_gt(objvm_reclaim(vm, 1 << 20), 0);
	ck_assert_int_eq(objvm_reclaim(vm, 1 << 20), 0);
	expect_file_intact(t, fd);
	ck_assert_int_eq(objvm_destroy(vm), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("where");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, direct_reclaim_without_kswapd);
	tcase_add_test(tc, kswapd_keeps_memory_free);
	tcase_add_test(tc, reclaim_frees_at_most_what_is_asked);
	return run_suite(suite_of("reclaim", tc));
}
