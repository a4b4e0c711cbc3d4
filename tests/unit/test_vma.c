/*
 * test_vma.c - the VMA tree: lookup, top-down placement, split and merge
 * and their bookkeeping (map_count, total_vm, anon_vma links).
 */
#include <check.h>
#include <stdlib.h>

#include "machine.h"
#include "rmap/rmap.h"
#include "vma/vma.h"

#include "harness.h"

#define P PAGE_SIZE

static struct objvm *vm;
static struct mm *mm;

static void setup(void)
{
	struct objvm_config cfg = {.mem_bytes = 8 << 20};

	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	mm = mm_alloc(vm);
	ck_assert_ptr_nonnull(mm);
}

static void teardown(void)
{
	mm_release(mm);
	objvm_destroy(vm);
}

static uint64_t map(uint64_t addr, uint64_t len, int prot)
{
	uint64_t out;
	int flags = OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS;

	if (addr)
		flags |= OBJVM_MAP_FIXED;
	ck_assert_int_eq(do_mmap(mm, addr, len, prot, flags, NULL, 0,
				 VM_CAP_SYS_RAWIO, &out),
			 0);
	return out;
}

START_TEST(find_vma_semantics)
{
	map(0x100000, 2 * P, OBJVM_PROT_READ);
	map(0x200000, 2 * P, OBJVM_PROT_READ);
	ck_assert_uint_eq(find_vma(mm, 0)->start, 0x100000);
	ck_assert_uint_eq(find_vma(mm, 0x101fff)->start, 0x100000);
	ck_assert_uint_eq(find_vma(mm, 0x102000)->start, 0x200000);
	ck_assert_ptr_null(find_vma(mm, 0x202000));
	ck_assert_int_eq(mm->map_count, 2);
}
END_TEST

START_TEST(top_down_placement_and_merge)
{
	uint64_t a = map(0, 2 * P, OBJVM_PROT_READ | OBJVM_PROT_WRITE);
	uint64_t b = map(0, 3 * P, OBJVM_PROT_READ | OBJVM_PROT_WRITE);

	ck_assert_uint_eq(a + 2 * P, MMAP_BASE);
	ck_assert_uint_eq(b + 3 * P, a);
	/* Adjacent, same flags, contiguous pgoff: one VMA. */
	ck_assert_int_eq(mm->map_count, 1);
	ck_assert_uint_eq(find_vma(mm, b)->end, MMAP_BASE);
	ck_assert_uint_eq(mm->total_vm, 5);
}
END_TEST

START_TEST(gap_search_skips_small_holes)
{
	uint64_t a = map(0, 4 * P, OBJVM_PROT_READ);
	uint64_t out;

	/* Punch a one-page hole; a two-page mapping must go below. */
	ck_assert_int_eq(do_munmap(mm, a + P, P), 0);
	ck_assert_int_eq(
		get_unmapped_area(mm, NULL, 0, 2 * P, 0, false, 0, &out), 0);
	ck_assert_uint_eq(out, a - 2 * P);
	ck_assert_int_eq(get_unmapped_area(mm, NULL, 0, P, 0, false, 0, &out),
			 0);
	ck_assert_uint_eq(out, a + P);
	ck_assert_int_eq(get_unmapped_area(mm, NULL, a + 1, P, 0, true, 0,
					   &out),
			 -EINVAL);
	ck_assert_int_eq(get_unmapped_area(mm, NULL, 0, TASK_SIZE + P, 0, false,
					   0, &out),
			 -ENOMEM);
}
END_TEST

START_TEST(split_and_merge_bookkeeping)
{
	uint64_t a = map(0x300000, 4 * P, OBJVM_PROT_READ);
	struct vma *vma;

	vm_write_lock(&mm->mmap_lock);
	vma = find_vma(mm, a);
	ck_assert_int_eq(split_vma(mm, vma, a + P, false), 0);
	ck_assert_int_eq(mm->map_count, 2);
	vma = find_vma(mm, a + P);
	ck_assert_uint_eq(vma->start, a + P);
	ck_assert_uint_eq(vma->pgoff, (a >> PAGE_SHIFT) + 1);
	ck_assert_uint_eq(mm->total_vm, 4);
	/* Neighbours with equal flags merge back. */
	vma = vma_merge_neighbours(mm, vma);
	ck_assert_uint_eq(vma->start, a);
	ck_assert_uint_eq(vma->end, a + 4 * P);
	ck_assert_int_eq(mm->map_count, 1);
	/* The limit is checked before a split. */
	atomic_store(&vm->sysctl.max_map_count, 1);
	ck_assert_int_eq(split_vma(mm, vma, a + P, true), -ENOMEM);
	ck_assert_int_eq(vma_split_at(mm, vma, a + P, true), 0);
	atomic_store(&vm->sysctl.max_map_count, 65530);
	mm_write_unlock(mm);
}
END_TEST

START_TEST(different_flags_do_not_merge)
{
	uint64_t a = map(0x300000, 2 * P, OBJVM_PROT_READ);

	map(0x302000, 2 * P, OBJVM_PROT_READ | OBJVM_PROT_WRITE);
	ck_assert_int_eq(mm->map_count, 2);
	ck_assert(!vma_can_merge(find_vma(mm, a), find_vma(mm, a + 2 * P)));
	ck_assert_int_eq(do_mprotect(mm, a + 2 * P, 2 * P, OBJVM_PROT_READ), 0);
	ck_assert_int_eq(mm->map_count, 1);
}
END_TEST

START_TEST(anon_vma_shared_by_split_halves)
{
	uint64_t a = map(0x300000, 2 * P, OBJVM_PROT_READ | OBJVM_PROT_WRITE);
	struct vma *lo, *hi;

	vm_read_lock(&mm->mmap_lock);
	ck_assert_int_eq(anon_vma_prepare(find_vma(mm, a)), 0);
	vm_rw_unlock(&mm->mmap_lock);
	ck_assert_int_eq(do_mprotect(mm, a + P, P, OBJVM_PROT_READ), 0);
	lo = find_vma(mm, a);
	hi = find_vma(mm, a + P);
	ck_assert_ptr_ne(lo, hi);
	ck_assert_ptr_eq(lo->anon_vma, hi->anon_vma);
	ck_assert_int_eq(atomic_load(&lo->anon_vma->refcount), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vma");
	TCase *tc = tcase_create("tree");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, find_vma_semantics);
	tcase_add_test(tc, top_down_placement_and_merge);
	tcase_add_test(tc, gap_search_skips_small_holes);
	tcase_add_test(tc, split_and_merge_bookkeeping);
	tcase_add_test(tc, different_flags_do_not_merge);
	tcase_add_test(tc, anon_vma_shared_by_split_halves);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
