/*
 * test_lazy_frames.c - the frame table of a big machine is backed
 * lazily: creating (and checking) an idle 16 GiB machine writes almost
 * none of its 4 million struct pages, and the untouched 2 MiB blocks come
 * out of the allocator in the order a fully built free list would give
 * (highest first), with their struct pages written as they go.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "machine.h"

#include "harness.h"

/* Resident host memory, in bytes. */
static long resident(void)
{
	long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%ld %ld", &size, &rss), 2);
	fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

#if defined(__SANITIZE_THREAD__)
#define SANITIZER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SANITIZER_TSAN 1
#endif
#endif
#ifndef SANITIZER_TSAN
#define SANITIZER_TSAN 0
#endif

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(idle_big_machine_is_cheap)
{
	struct objvm_config cfg = {.mem_bytes = 16ULL << 30};
	struct objvm_task *t;
	struct objvm *vm;
	char report[512];
	long before = resident(), grown;
	double t0 = now(), took;

	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	ck_assert_int_eq(objvm_spawn(vm, NULL, &t), 0);
	ck_assert_int_eq(objvm_touch(t, 0, 0, false, NULL), 0);
	ck_assert_msg(objvm_check(vm, report, sizeof(report)) == 0, "%s",
		      report);
	grown = resident() - before;
	took = now() - t0;
	/* 4,194,304 struct pages would be 256 MB.  ThreadSanitizer's
	 * allocator touches (and shadows) the checker's per-frame counts, so
	 * the bound says nothing there. */
#if !SANITIZER_TSAN
	ck_assert_msg(grown < (48L << 20), "16 GiB machine: %ld MB resident",
		      grown >> 20);
#endif
	fprintf(stderr, "16 GiB machine: %ld KB resident, %.3f s\n",
		grown >> 10, took);
	ck_assert_int_eq(objvm_destroy(vm), 0);
}
END_TEST

START_TEST(untouched_blocks_come_out_highest_first)
{
	struct objvm_config cfg = {.mem_bytes = 512ULL << 20};
	struct page *page, **got;
	unsigned long n = 0, i, blocks, lo, hi;
	struct objvm *vm;
	char msg[256];

	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	zone_untouched(vm, &lo, &hi);
	blocks = vm->nr_frames >> MAX_ORDER; /* the first one holds frame 0 */
	ck_assert_uint_eq(lo, 1UL << MAX_ORDER);
	ck_assert_uint_eq(hi, (blocks - ZONE_EAGER_BLOCKS) << MAX_ORDER);
	ck_assert_uint_eq(nr_free_pages(vm), vm->nr_frames - 1);
	ck_assert(check_zone(vm, msg, sizeof(msg)));

	got = calloc(blocks, sizeof(*got));
	while ((page = alloc_pages(vm, MAX_ORDER, false)) != NULL) {
		unsigned long pfn = page_to_pfn(vm, page);

		if (n)
			ck_assert_uint_lt(pfn, page_to_pfn(vm, got[n - 1]));
		for (i = 0; i < 1UL << MAX_ORDER; i++) {
			ck_assert_int_eq(page_mapcount(page + i), 0);
			ck_assert(list_empty(&page[i].lru));
		}
		got[n++] = page;
		if (n % 50 == 0)
			ck_assert_msg(check_zone(vm, msg, sizeof(msg)), "%s",
				      msg);
	}
	ck_assert_uint_eq(n, blocks - 1);
	ck_assert_uint_eq(page_to_pfn(vm, got[n - 1]), 1UL << MAX_ORDER);
	zone_untouched(vm, &lo, &hi);
	ck_assert_uint_eq(lo, hi);
	for (i = 0; i < n; i++) {
		atomic_store(&got[i]->_refcount, 0);
		free_pages(vm, got[i], MAX_ORDER);
	}
	ck_assert_msg(check_zone(vm, msg, sizeof(msg)), "%s", msg);
	ck_assert_uint_eq(nr_free_pages(vm), vm->nr_frames - 1);
	/* Freed blocks go on the list: the last one freed comes out first. */
	page = alloc_pages(vm, MAX_ORDER, false);
	ck_assert_uint_eq(page_to_pfn(vm, page), page_to_pfn(vm, got[n - 1]));
	atomic_store(&page->_refcount, 0);
	free_pages(vm, page, MAX_ORDER);
	free(got);
	ck_assert_int_eq(objvm_destroy(vm), 0);
}
END_TEST

/* A task uses more than the eager blocks hold; every invariant holds. */
START_TEST(task_reaches_untouched_blocks)
{
	struct objvm_config cfg = {.mem_bytes = 1ULL << 30,
				   .check = OBJVM_CHECK_AT_END};
	uint64_t addr, len = 160ULL << 20;
	struct objvm_task *t;
	struct objvm *vm;
	unsigned long lo, hi, hi0;
	char report[512];

	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	zone_untouched(vm, &lo, &hi0);
	ck_assert_int_eq(objvm_spawn(vm, NULL, &t), 0);
	ck_assert_int_eq(objvm_mmap(t, 0, len,
				    OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				    OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1,
				    0, &addr),
			 0);
	ck_assert_int_eq(objvm_touch(t, addr, len, true, NULL), 0);
	zone_untouched(vm, &lo, &hi);
	ck_assert_uint_lt(hi, hi0);
	ck_assert_msg(objvm_check(vm, report, sizeof(report)) == 0, "%s",
		      report);
	ck_assert_int_eq(objvm_munmap(t, addr, len), 0);
	ck_assert_msg(objvm_check(vm, report, sizeof(report)) == 0, "%s",
		      report);
	ck_assert_int_eq(objvm_destroy(vm), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("frame table");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, idle_big_machine_is_cheap);
	tcase_add_test(tc, untouched_blocks_come_out_highest_first);
	tcase_add_test(tc, task_reaches_untouched_blocks);
	return run_suite(suite_of("lazy frames", tc));
}
