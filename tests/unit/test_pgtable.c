/*
 * test_pgtable.c - the four-level tables: allocation on demand, the walk,
 * freeing the tables a range no longer needs, and the pte encodings.
 */
#include <check.h>
#include <stdlib.h>

#include "machine.h"
#include "pgtable/pgtable.h"
#include "vma/vma.h"

#include "harness.h"

static struct objvm *vm;
static struct mm *mm;
static unsigned long free_at_start;

static void setup(void)
{
	struct objvm_config cfg = {.mem_bytes = 8 << 20};

	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	free_at_start = nr_free_pages(vm);
	mm = mm_alloc(vm);
	ck_assert_ptr_nonnull(mm);
	vm_lock(&mm->page_table_lock);
}

static void teardown(void)
{
	vm_unlock(&mm->page_table_lock);
	mm_release(mm);
	/* Every table frame went back. */
	ck_assert_uint_eq(nr_free_pages(vm), free_at_start);
	objvm_destroy(vm);
}

START_TEST(encodings_are_disjoint)
{
	pte_t present = pfn_pte(1234, _PAGE_READ | _PAGE_RW | _PAGE_DIRTY);
	pte_t file = pgoff_to_pte((1ULL << 40) + 7);

	ck_assert(pte_present(present) && !pte_file(present));
	ck_assert(!pte_swap(present) && !pte_none(present));
	ck_assert_uint_eq(pte_pfn(present), 1234);
	ck_assert(pte_write(present) && pte_dirty(present));
	ck_assert(pte_file(file) && !pte_present(file) && !pte_swap(file));
	ck_assert_uint_eq(pte_to_pgoff(file), (1ULL << 40) + 7);
	/* A PROT_NONE page is present with no access bit. */
	ck_assert(pte_present(pfn_pte(5, 0)));
	ck_assert(pte_none(0) && !pte_present(0) && !pte_file(0));
}
END_TEST

START_TEST(alloc_on_demand_and_counts)
{
	pte_t *a, *b, *c;

	ck_assert_ptr_null(pte_offset(mm, 0x400000));
	a = pte_alloc(mm, 0x400000);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(mm->nr_ptes, 3); /* pud, pmd, pte tables */
	b = pte_alloc(mm, 0x401000);       /* same pte table */
	ck_assert_ptr_eq(b, a + 1);
	ck_assert_uint_eq(mm->nr_ptes, 3);
	c = pte_alloc(mm, 0x7f0000000000ULL); /* another pgd slot */
	ck_assert_uint_eq(mm->nr_ptes, 6);
	ck_assert_ptr_eq(pte_offset(mm, 0x7f0000000000ULL), c);
	*a = pfn_pte(9, _PAGE_READ);
	*c = pgoff_to_pte(3);
	*a = 0;
	*c = 0;
}
END_TEST

struct seen {
	uint64_t addr[8];
	int n;
};

static void record(struct mm *m, uint64_t addr, pte_t *ptep, void *arg)
{
	struct seen *s = arg;

	(void)m;
	(void)ptep;
	ck_assert_int_lt(s->n, 8);
	s->addr[s->n++] = addr;
}

START_TEST(walk_visits_exactly_the_set_entries)
{
	uint64_t addrs[] = {0x10000, 0x1ff000, 0x200000, 0x40000000,
			    0x7ffffffff000ULL};
	struct seen s = {.n = 0};
	unsigned int i;

	for (i = 0; i < 5; i++)
		*pte_alloc(mm, addrs[i]) = pgoff_to_pte(i);
	walk_pte_range(mm, 0x1ff000, 0x40001000, record, &s);
	ck_assert_int_eq(s.n, 3);
	ck_assert_uint_eq(s.addr[0], 0x1ff000);
	ck_assert_uint_eq(s.addr[1], 0x200000);
	ck_assert_uint_eq(s.addr[2], 0x40000000);
	for (i = 0; i < 5; i++)
		*pte_offset(mm, addrs[i]) = 0;
}
END_TEST

START_TEST(free_range_keeps_tables_still_needed)
{
	/* Two pte tables in one pmd: [2M, 4M) and [4M, 6M). */
	pte_alloc(mm, 0x200000);
	pte_alloc(mm, 0x400000);
	ck_assert_uint_eq(mm->nr_ptes, 4);
	/* The gap is only [2M, 5M): the second table is still needed. */
	free_pgd_range(mm, 0x200000, 0x400000, 0x200000, 0x500000);
	ck_assert_ptr_null(pte_offset(mm, 0x200000));
	ck_assert_ptr_nonnull(pte_offset(mm, 0x400000));
	ck_assert_uint_eq(mm->nr_ptes, 3);
	/* Now the whole space is a gap: everything below pgd goes. */
	free_pgd_range(mm, 0, 1ULL << 47, 0, 1ULL << 48);
	ck_assert_uint_eq(mm->nr_ptes, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pgtable");
	TCase *tc = tcase_create("tables");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, encodings_are_disjoint);
	tcase_add_test(tc, alloc_on_demand_and_counts);
	tcase_add_test(tc, walk_visits_exactly_the_set_entries);
	tcase_add_test(tc, free_range_keeps_tables_still_needed);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
