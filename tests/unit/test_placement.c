/*
 * test_placement.c - top-down placement through the gap-augmented VMA
 * tree (vma.h M5) gives the same answer as walking every VMA, and costs
 * O(log n).
 *
 * The reference below is the walk objvm used before the tree was
 * augmented (x86-64's arch_get_unmapped_area_topdown() of 2.6, with the
 * 6.18 THP padding for anonymous memory): it visits the VMAs from the
 * top down and takes the first gap under mmap_base that fits.  Random
 * layouts of fixed mappings, splits (mprotect) and holes (munmap), some
 * of them above or across mmap_base, must give the same place for random
 * lengths and hints, and keep M5 intact.
 */
#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "machine.h"
#include "task/task.h"
#include "vma/vma.h"

#include "harness.h"

#define P    PAGE_SIZE
#define CAPS (VM_CAP_SYS_RAWIO | VM_CAP_IPC_LOCK)
#define PMD  (2UL << 20)
#define ANON (OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS)
#define RW   (OBJVM_PROT_READ | OBJVM_PROT_WRITE)

static struct objvm *vm;
static struct objvm_task *task;
static struct mm *mm;

static void setup(void)
{
	struct objvm_config cfg = {.mem_bytes = 8 << 20};

	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	ck_assert_int_eq(objvm_spawn(vm, NULL, &task), 0);
	mm = ((struct task *)task)->mm;
}

static void teardown(void)
{
	objvm_destroy(vm);
}

/* The linear walk, from the top down (objvm's code before M5). */
static int ref_topdown(uint64_t addr, uint64_t len, uint64_t *out)
{
	uint64_t top = mm->mmap_base;
	struct vma *vma;

	if (len > TASK_SIZE)
		return -ENOMEM;
	if (addr) {
		addr &= PAGE_MASK;
		vma = find_vma(mm, addr);
		if (addr <= TASK_SIZE - len &&
		    (!vma || vma->start >= addr + len)) {
			*out = addr;
			return 0;
		}
	}
	vma = find_vma(mm, top - 1);
	if (vma && vma->start >= top)
		vma = vma_prev(vma);
	else if (!vma)
		vma = RB_MAX(vma_tree, &mm->vmas);
	for (;;) {
		uint64_t floor = vma ? vma->end : PAGE_SIZE;

		if (vma && vma->end > top) {
			top = vma->start;
			vma = vma_prev(vma);
			continue;
		}
		if (top >= floor + len && top - len >= PAGE_SIZE) {
			*out = top - len;
			return 0;
		}
		if (!vma)
			break;
		top = vma->start;
		vma = vma_prev(vma);
	}
	return -ENOMEM;
}

/* get_unmapped_area() for private anonymous memory, the walk's way. */
static int ref_place(uint64_t addr, uint64_t len, uint64_t *out)
{
	uint64_t ret, sub;

	if (!addr && !(len & (PMD - 1)) && len <= TASK_SIZE &&
	    ref_topdown(0, len + PMD, &ret) == 0) {
		sub = (0 - ret) & (PMD - 1);
		*out = sub ? ret + sub : ret + PMD;
		return 0;
	}
	return ref_topdown(addr, len, out);
}

static unsigned int seed;

static uint64_t rnd(uint64_t n)
{
	return ((uint64_t)rand_r(&seed) << 31 ^ (uint64_t)rand_r(&seed)) % n;
}

/* A page in a window around mmap_base, or now and then anywhere low. */
static uint64_t some_addr(void)
{
	if (rnd(10) == 0)
		return (1 + rnd(0x4000)) * P;
	return mm->mmap_base - 48 * PMD + rnd(56 * PMD / P) * P;
}

static void random_change(void)
{
	uint64_t addr = some_addr(), len = (1 + rnd(rnd(4) ? 8 : 1200)) * P;
	uint64_t out;

	switch (rnd(4)) {
	case 0:
	case 1:
		do_mmap(mm, addr, len, rnd(2) ? RW : OBJVM_PROT_READ,
			ANON | OBJVM_MAP_FIXED, NULL, 0, CAPS, &out);
		break;
	case 2:
		do_munmap(mm, addr, len);
		break;
	default:
		do_mprotect(mm, addr, len, (int)rnd(4));
		break;
	}
}

static void compare_once(void)
{
	uint64_t len = rnd(3) ? (1 + rnd(rnd(2) ? 16 : 4096)) * P
			      : (1 + rnd(8)) * PMD;
	uint64_t hint = rnd(3) ? 0 : some_addr() + rnd(P);
	uint64_t got = 0, want = 0;
	int e1, e2;

	e1 = get_unmapped_area(mm, NULL, hint, len, 0, false, CAPS, &got);
	e2 = ref_place(hint, len, &want);
	ck_assert_int_eq(e1, e2);
	if (!e1)
		ck_assert_msg(got == want,
			      "len %#llx hint %#llx: tree %#llx, walk %#llx",
			      (unsigned long long)len, (unsigned long long)hint,
			      (unsigned long long)got,
			      (unsigned long long)want);
}

START_TEST(tree_agrees_with_walk)
{
	char report[512];
	int round, i;

	seed = 42;
	for (round = 0; round < 400; round++) {
		for (i = 0; i < 8; i++)
			random_change();
		for (i = 0; i < 16; i++)
			compare_once();
		if (round % 20 == 0)
			ck_assert_msg(objvm_check(vm, report, sizeof(report)) ==
					      0,
				      "%s", report);
	}
	ck_assert_msg(objvm_check(vm, report, sizeof(report)) == 0, "%s",
		      report);
}
END_TEST

/* A full window: only the bottom of the address space is left. */
START_TEST(full_window_reaches_the_floor)
{
	uint64_t out, want;

	ck_assert_int_eq(do_mmap(mm, 0x10000, mm->mmap_base - 0x10000, RW,
				 ANON | OBJVM_MAP_FIXED, NULL, 0, CAPS, &out),
			 0);
	ck_assert_int_eq(get_unmapped_area(mm, NULL, 0, 0xf000, 0, false, CAPS,
					   &out),
			 0);
	ck_assert_int_eq(ref_place(0, 0xf000, &want), 0);
	ck_assert_uint_eq(out, want);
	ck_assert_uint_eq(out, 0x1000); /* from the second page */
	ck_assert_int_eq(get_unmapped_area(mm, NULL, 0, 0x10000, 0, false, CAPS,
					   &out),
			 -ENOMEM);
	ck_assert_int_eq(ref_place(0, 0x10000, &want), -ENOMEM);
}
END_TEST

START_TEST(corrupt_gap_is_caught)
{
	uint64_t a, b;
	char report[512];
	struct vma *vma;

	ck_assert_int_eq(do_mmap(mm, 0, 4 * P, RW, ANON, NULL, 0, CAPS, &a), 0);
	ck_assert_int_eq(do_mmap(mm, 0, 4 * P, OBJVM_PROT_READ, ANON, NULL, 0,
				 CAPS, &b),
			 0);
	vma = find_vma(mm, a);
	vma->rb_gap += P;
	ck_assert_int_eq(objvm_check(vm, report, sizeof(report)), -1);
	ck_assert_msg(strncmp(report, "M5", 2) == 0, "%s", report);
	vma->rb_gap -= P;
	vma->rb_subtree_gap += P;
	ck_assert_int_eq(objvm_check(vm, report, sizeof(report)), -1);
	ck_assert_msg(strncmp(report, "M5", 2) == 0, "%s", report);
	vma->rb_subtree_gap -= P;
	ck_assert_int_eq(objvm_check(vm, report, sizeof(report)), 0);
}
END_TEST

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds for @n placements that must pass every VMA's gap. */
static double placements(int n)
{
	double best = 1e9, t;
	uint64_t out;
	int r, i;

	for (r = 0; r < 3; r++) {
		t = now();
		for (i = 0; i < n; i++)
			ck_assert_int_eq(get_unmapped_area(mm, NULL, 0, 2 * P,
							   0, false, CAPS,
							   &out),
					 0);
		t = now() - t;
		best = MIN(best, t);
	}
	return best;
}

/* One-page VMAs with one-page holes under mmap_base: no hole fits two
 * pages, so a walk visits every VMA and the tree descends once. */
static void comb(uint64_t from, int count)
{
	uint64_t out;
	int i;

	for (i = 0; i < count; i++)
		ck_assert_int_eq(do_mmap(mm,
					 mm->mmap_base - from -
						 2 * P * (uint64_t)(i + 1),
					 P, RW, ANON | OBJVM_MAP_FIXED, NULL, 0,
					 CAPS, &out),
				 0);
}

START_TEST(placement_cost_grows_slowly)
{
	double small, big;

	comb(0, 500);
	small = placements(2000);
	comb(1000 * P, 49500);
	ck_assert_int_eq(mm->map_count, 50000);
	big = placements(2000);
	/* A walk costs 100 times as much at 50,000 VMAs as at 500. */
	ck_assert_msg(big < 20 * small + 0.002,
		      "2000 placements: %.4f s at 500 VMAs, %.4f s at 50000",
		      small, big);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("top-down");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, tree_agrees_with_walk);
	tcase_add_test(tc, full_window_reaches_the_floor);
	tcase_add_test(tc, corrupt_gap_is_caught);
	tcase_add_test(tc, placement_cost_grows_slowly);
	return run_suite(suite_of("placement", tc));
}
