/*
 * test_fault.c - each fault handler leaves the pte, the page and the TLB
 * in the state 2.6 would: zero page read-only, early COW on a private
 * write, reuse of an exclusive anonymous page, dirty bits set by stores
 * only, a pte copied (or skipped) by fork as 2.6.14 does.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "pgtable/tlb.h"
#include "pgtable/pgtable.h"
#include "task/task.h"
#include "vma/vma.h"

#include "harness.h"

#define P PAGE_SIZE

static struct objvm *vm;
static struct objvm_task *ta;
static struct task *t;
static int fd;

static void setup(void)
{
	struct objvm_config cfg = {.mem_bytes = 8 << 20};
	char buf[4 * 4096];

	memset(buf, 'f', sizeof(buf));
	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	ck_assert_int_eq(objvm_spawn(vm, NULL, &ta), 0);
	t = (struct task *)ta;
	fd = objvm_open(ta, "/f", OBJVM_O_RDWR | OBJVM_O_CREAT);
	ck_assert_int_eq(objvm_pwrite(ta, fd, buf, sizeof(buf), 0),
			 sizeof(buf));
}

static void teardown(void)
{
	char report[512];

	ck_assert_msg(objvm_check(vm, report, sizeof(report)) == 0, "%s",
		      report);
	objvm_destroy(vm);
}

static uint64_t map(struct objvm_task *task, int prot, int flags, int fdes)
{
	uint64_t addr;

	ck_assert_int_eq(
		objvm_mmap(task, 0, 4 * P, prot, flags, fdes, 0, &addr), 0);
	return addr;
}

static pte_t pte_at(struct task *task, uint64_t addr)
{
	pte_t *ptep = pte_offset(task->mm, addr);

	return ptep ? *ptep : 0;
}

static struct page *page_of(pte_t pte)
{
	return pfn_to_page(vm, pte_pfn(pte));
}

static uint64_t stat(const char *name)
{
	uint64_t v;

	ck_assert_int_eq(objvm_stat_get(vm, name, &v), 0);
	return v;
}

#define RW   (OBJVM_PROT_READ | OBJVM_PROT_WRITE)
#define ANON (OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS)

START_TEST(anon_read_maps_zero_page_read_only)
{
	uint64_t a = map(ta, RW, ANON, -1);
	char c;
	pte_t pte;

	ck_assert_int_eq(objvm_load(ta, a, &c, 1, NULL), 0);
	pte = pte_at(t, a);
	ck_assert(pte_present(pte) && !pte_write(pte));
	ck_assert_ptr_eq(page_of(pte), vm->zero_page);
	ck_assert_ptr_null(tlb_lookup(&t->tlb, a >> PAGE_SHIFT, true));
	ck_assert_ptr_nonnull(tlb_lookup(&t->tlb, a >> PAGE_SHIFT, false));
}
END_TEST

START_TEST(exclusive_anon_page_is_reused)
{
	uint64_t a = map(ta, RW, ANON, -1);
	struct page *page;

	ck_assert_int_eq(objvm_store(ta, a, "x", 1, NULL), 0);
	page = page_of(pte_at(t, a));
	ck_assert_int_eq(objvm_mprotect(ta, a, P, OBJVM_PROT_READ), 0);
	ck_assert_int_eq(objvm_mprotect(ta, a, P, RW), 0);
	ck_assert(!pte_write(pte_at(t, a))); /* private: COW decides */
	ck_assert_int_eq(objvm_store(ta, a, "y", 1, NULL), 0);
	ck_assert_ptr_eq(page_of(pte_at(t, a)), page);
	ck_assert_uint_eq(stat("fault_wp"), 1);
	ck_assert_uint_eq(stat("fault_cow"), 0);
}
END_TEST

START_TEST(private_write_copies_early)
{
	uint64_t a = map(ta, RW, OBJVM_MAP_PRIVATE, fd);
	struct page *page;
	char c;

	ck_assert_int_eq(objvm_store(ta, a + P, "p", 1, NULL), 0);
	page = page_of(pte_at(t, a + P));
	ck_assert(page_is_anon(page));
	ck_assert_uint_eq(page->index, 1);
	ck_assert_uint_eq(stat("fault_cow"), 1);
	/* A read maps the cache page itself, read-only. */
	ck_assert_int_eq(objvm_load(ta, a, &c, 1, NULL), 0);
	page = page_of(pte_at(t, a));
	ck_assert(!page_is_anon(page) && !pte_write(pte_at(t, a)));
	ck_assert_uint_eq(page_mapcount(page), 1);
	ck_assert_int_eq(page_count(page), 2); /* cache + pte */
}
END_TEST

START_TEST(only_stores_dirty_shared_ptes)
{
	uint64_t a = map(ta, RW, OBJVM_MAP_SHARED, fd);
	char c;

	ck_assert_int_eq(objvm_load(ta, a, &c, 1, NULL), 0);
	ck_assert(pte_write(pte_at(t, a)) && !pte_dirty(pte_at(t, a)));
	/* The TLB entry is read-only until the pte is dirty. */
	ck_assert_ptr_null(tlb_lookup(&t->tlb, a >> PAGE_SHIFT, true));
	ck_assert_int_eq(objvm_store(ta, a, "s", 1, NULL), 0);
	ck_assert(pte_dirty(pte_at(t, a)));
	ck_assert_ptr_nonnull(tlb_lookup(&t->tlb, a >> PAGE_SHIFT, true));
	ck_assert_int_eq(objvm_msync(ta, a, 4 * P, OBJVM_MS_SYNC), 0);
	ck_assert(!pte_dirty(pte_at(t, a)));
	ck_assert_ptr_null(tlb_lookup(&t->tlb, a >> PAGE_SHIFT, true));
}
END_TEST

START_TEST(fork_copies_only_what_faults_cannot_rebuild)
{
	uint64_t anon = map(ta, RW, ANON, -1);
	uint64_t file = map(ta, RW, OBJVM_MAP_SHARED, fd);
	struct objvm_task *cta;
	struct task *c;
	pte_t pp, cp;

	ck_assert_int_eq(objvm_store(ta, anon, "a", 1, NULL), 0);
	ck_assert_int_eq(objvm_store(ta, file, "b", 1, NULL), 0);
	ck_assert_int_eq(objvm_mlock(ta, anon, P), 0);
	ck_assert_int_eq(objvm_fork(ta, &cta), 0);
	c = (struct task *)cta;
	pp = pte_at(t, anon);
	cp = pte_at(c, anon);
	ck_assert(pte_present(cp) && pte_pfn(cp) == pte_pfn(pp));
	ck_assert(!pte_write(pp) && !pte_write(cp)); /* both COW now */
	ck_assert_uint_eq(page_mapcount(page_of(pp)), 2);
	ck_assert(pte_none(pte_at(c, file))); /* refaults from the file */
	ck_assert(!(find_vma(c->mm, anon)->flags & VM_LOCKED));
	ck_assert(find_vma(t->mm, anon)->flags & VM_LOCKED);
	ck_assert_ptr_eq(find_vma(c->mm, anon)->anon_vma,
			 find_vma(t->mm, anon)->anon_vma);
}
END_TEST

START_TEST(sigbus_past_eof_and_segv_outside)
{
	uint64_t a;
	char c;
	uint64_t where = 0;

	ck_assert_int_eq(
		objvm_mmap(ta, 0, 8 * P, RW, OBJVM_MAP_SHARED, fd, 0, &a), 0);
	ck_assert_int_eq(objvm_load(ta, a + 4 * P, &c, 1, &where),
			 OBJVM_SIGBUS);
	ck_assert_uint_eq(where, a + 4 * P);
	ck_assert_int_eq(objvm_load(ta, a + 8 * P, &c, 1, &where),
			 OBJVM_SIGSEGV);
	/* A range that ends in the hole moves nothing. */
	ck_assert_int_eq(objvm_store(ta, a + 4 * P - 2, "xyz", 3, &where),
			 OBJVM_SIGBUS);
	ck_assert_uint_eq(where, a + 4 * P);
	ck_assert_int_eq(objvm_load(ta, a + 4 * P - 2, &c, 1, NULL), 0);
	ck_assert_int_eq(c, 'f');
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("handlers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, anon_read_maps_zero_page_read_only);
	tcase_add_test(tc, exclusive_anon_page_is_reused);
	tcase_add_test(tc, private_write_copies_early);
	tcase_add_test(tc, only_stores_dirty_shared_ptes);
	tcase_add_test(tc, fork_copies_only_what_faults_cannot_rebuild);
	tcase_add_test(tc, sigbus_past_eof_and_segv_outside);
	return run_suite(suite_of("fault", tc));
}
