/*
 * test_check.c - the invariant checker names the rule a corrupted machine
 * breaks.  Each test builds a small, valid machine through the public
 * API, breaks one thing on purpose through the internals, expects the
 * rule's name in the report, then repairs it and expects a clean check.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "pgtable/tlb.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "task/task.h"
#include "vma/vma.h"

#include "harness.h"

struct fixture {
	struct objvm *vm;
	struct objvm_task *task;
	struct task *t;
	int fd;
	uint64_t anon, file;
	char report[512];
};

static void fixture_init(struct fixture *fx)
{
	struct objvm_config cfg = {.mem_bytes = 8 << 20};
	char buf[8192];

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(objvm_create(&cfg, &fx->vm), 0);
	ck_assert_int_eq(objvm_spawn(fx->vm, NULL, &fx->task), 0);
	fx->t = (struct task *)fx->task;
	fx->fd = objvm_open(fx->task, "/f", OBJVM_O_RDWR | OBJVM_O_CREAT);
	ck_assert_int_ge(fx->fd, 0);
	ck_assert_int_eq(objvm_pwrite(fx->task, fx->fd, buf, sizeof(buf), 0),
			 sizeof(buf));
	ck_assert_int_eq(objvm_mmap(fx->task, 0, 4 * PAGE_SIZE,
				    OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				    OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1,
				    0, &fx->anon),
			 0);
	ck_assert_int_eq(objvm_mmap(fx->task, 0, 2 * PAGE_SIZE,
				    OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				    OBJVM_MAP_SHARED, fx->fd, 0, &fx->file),
			 0);
	ck_assert_int_eq(objvm_store(fx->task, fx->anon, "a", 1, NULL), 0);
	ck_assert_int_eq(objvm_store(fx->task, fx->file, "f", 1, NULL), 0);
	ck_assert_int_eq(objvm_check(fx->vm, fx->report, sizeof(fx->report)),
			 0);
}

static void expect_broken(struct fixture *fx, const char *rule)
{
	ck_assert_int_eq(objvm_check(fx->vm, fx->report, sizeof(fx->report)),
			 -1);
	ck_assert_msg(strncmp(fx->report, rule, strlen(rule)) == 0,
		      "expected rule %s, got: %s", rule, fx->report);
}

static void expect_clean_and_destroy(struct fixture *fx)
{
	ck_assert_int_eq(objvm_check(fx->vm, fx->report, sizeof(fx->report)),
			 0);
	ck_assert_int_eq(objvm_destroy(fx->vm), 0);
}

static struct page *page_at(struct fixture *fx, uint64_t addr)
{
	pte_t *ptep = pte_offset(fx->t->mm, addr);

	ck_assert_ptr_nonnull(ptep);
	ck_assert(pte_present(*ptep));
	return pfn_to_page(fx->vm, pte_pfn(*ptep));
}

START_TEST(mapcount_off_by_one)
{
	struct fixture fx;
	struct page *page;

	fixture_init(&fx);
	page = page_at(&fx, fx.anon);
	atomic_fetch_add(&page->_mapcount, 1);
	expect_broken(&fx, "P6");
	atomic_fetch_sub(&page->_mapcount, 1);
	expect_clean_and_destroy(&fx);
}
END_TEST

START_TEST(leaked_reference)
{
	struct fixture fx;
	struct page *page;

	fixture_init(&fx);
	page = page_at(&fx, fx.file);
	get_page(page);
	expect_broken(&fx, "P2");
	put_page(fx.vm, page);
	expect_clean_and_destroy(&fx);
}
END_TEST

START_TEST(stale_tlb_entry)
{
	struct fixture fx;
	unsigned char *frame;
	uint64_t gone;

	fixture_init(&fx);
	/* A translation for an address with no pte at all. */
	gone = fx.anon + 3 * PAGE_SIZE;
	frame = fx.vm->mem + PAGE_SIZE * 5;
	tlb_fill(&fx.t->tlb, gone, frame, true);
	expect_broken(&fx, "I7");
	tlb_flush_page(fx.vm, &fx.t->tlb, gone);
	expect_clean_and_destroy(&fx);
}
END_TEST

START_TEST(writable_tlb_entry_for_clean_pte)
{
	struct fixture fx;
	pte_t *ptep;

	fixture_init(&fx);
	ptep = pte_offset(fx.t->mm, fx.file);
	*ptep &= ~_PAGE_DIRTY; /* the TLB still says writable */
	expect_broken(&fx, "I7");
	*ptep |= _PAGE_DIRTY;
	expect_clean_and_destroy(&fx);
}
END_TEST

START_TEST(vma_missing_from_i_mmap)
{
	struct fixture fx;
	struct vma *vma;
	struct address_space *mapping;

	fixture_init(&fx);
	vma = find_vma(fx.t->mm, fx.file);
	mapping = &vma->file->inode->mapping;
	itree_remove(&mapping->i_mmap, &vma->shared.it);
	expect_broken(&fx, "M3");
	itree_insert(&mapping->i_mmap, &vma->shared.it);
	expect_clean_and_destroy(&fx);
}
END_TEST

START_TEST(vmas_overlap)
{
	struct fixture fx;
	struct vma *vma;

	fixture_init(&fx);
	/* The file mapping sits just below the anonymous one. */
	vma = find_vma(fx.t->mm, fx.file);
	ck_assert_uint_eq(vma->end, fx.anon);
	vma->end += PAGE_SIZE;
	expect_broken(&fx, "M1");
	vma->end -= PAGE_SIZE;
	expect_clean_and_destroy(&fx);
}
END_TEST

START_TEST(unmerged_neighbours)
{
	struct fixture fx;
	struct vma *vma;

	fixture_init(&fx);
	vma = find_vma(fx.t->mm, fx.file);
	vm_write_lock(&fx.t->mm->mmap_lock);
	ck_assert_int_eq(vma_split_at(fx.t->mm, vma, fx.file + PAGE_SIZE, true),
			 0);
	vm_rw_unlock(&fx.t->mm->mmap_lock);
	expect_broken(&fx, "M2");
	vm_write_lock(&fx.t->mm->mmap_lock);
	vma_merge_neighbours(fx.t->mm, find_vma(fx.t->mm, fx.file));
	mm_write_unlock(fx.t->mm);
	expect_clean_and_destroy(&fx);
}
END_TEST

START_TEST(file_pte_in_linear_vma)
{
	struct fixture fx;
	pte_t *ptep;

	fixture_init(&fx);
	vm_lock(&fx.t->mm->page_table_lock);
	ptep = pte_alloc(fx.t->mm, fx.file + PAGE_SIZE);
	vm_unlock(&fx.t->mm->page_table_lock);
	*ptep = pgoff_to_pte(7);
	expect_broken(&fx, "I4");
	*ptep = 0;
	expect_clean_and_destroy(&fx);
}
END_TEST

START_TEST(page_cached_past_eof)
{
	struct fixture fx;
	struct file *file;

	fixture_init(&fx);
	file = fget(fx.t, fx.fd);
	/* Shrink the size behind truncate's back: page 1 stays cached. */
	i_size_write(file->inode, 100);
	expect_broken(&fx, "I5");
	i_size_write(file->inode, 8192);
	fput(file);
	expect_clean_and_destroy(&fx);
}
END_TEST

/* Each counter pair balances, also once the page tables are gone. */
START_TEST(counters_balance_after_exit)
{
	struct fixture fx;
	struct objvm *vm;

	fixture_init(&fx);
	vm = fx.vm;
	ck_assert_uint_gt(vm_stat_sum(vm, STAT_pgtable_alloc), 0);
	ck_assert_int_eq(objvm_exit(fx.task), 0);
	ck_assert_uint_eq(vm_stat_sum(vm, STAT_pgtable_alloc),
			  vm_stat_sum(vm, STAT_pgtable_free));
	/* Only the file's page cache is left. */
	ck_assert_uint_eq(vm_stat_sum(vm, STAT_page_alloc) -
				  vm_stat_sum(vm, STAT_page_free),
			  vm->nr_frames - 1 - nr_free_pages(vm));
	ck_assert_uint_eq(vm_stat_sum(vm, STAT_page_alloc) -
				  vm_stat_sum(vm, STAT_page_free),
			  2);
	expect_clean_and_destroy(&fx);
}
END_TEST

START_TEST(counters_unbalanced)
{
	struct fixture fx;

	fixture_init(&fx);
	count_event(fx.vm, page_free);
	expect_broken(&fx, "C1 counters: frames");
	count_event(fx.vm, page_alloc);
	count_event(fx.vm, pgtable_alloc);
	expect_broken(&fx, "C1 counters: page-table frames");
	count_event(fx.vm, pgtable_free);
	count_event(fx.vm, pagecache_remove);
	expect_broken(&fx, "C1 counters: page-cache pages");
	count_event(fx.vm, pagecache_add);
	expect_clean_and_destroy(&fx);
}
END_TEST

static Suite *check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("corruption");

	tcase_add_test(tc, mapcount_off_by_one);
	tcase_add_test(tc, leaked_reference);
	tcase_add_test(tc, stale_tlb_entry);
	tcase_add_test(tc, writable_tlb_entry_for_clean_pte);
	tcase_add_test(tc, vma_missing_from_i_mmap);
	tcase_add_test(tc, vmas_overlap);
	tcase_add_test(tc, unmerged_neighbours);
	tcase_add_test(tc, file_pte_in_linear_vma);
	tcase_add_test(tc, page_cached_past_eof);
	tcase_add_test(tc, counters_balance_after_exit);
	tcase_add_test(tc, counters_unbalanced);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(check_suite());
}
