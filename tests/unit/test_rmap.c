/*
 * test_rmap.c - the three reverse-map schemes keep their structures right
 * on map, unmap, fork and exit; try_to_unmap finds every pte under each;
 * and the checker's paging rules (P5 LRU, R1 pte chains, S1 swap counts)
 * trip on a deliberately corrupted machine.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "rmap/rmap.h"
#include "swap/swap.h"
#include "task/task.h"
#include "vma/vma.h"

#include "harness.h"

static const char *const schemes[] = {"objrmap", "objrmap-list", "ptechain"};

struct fixture {
	struct objvm *vm;
	struct objvm_task *task[4];
	int fd;
	uint64_t file; /* 8 pages of /f, shared, mapped in every task */
	char report[512];
};

static void fixture_init(struct fixture *fx, const char *scheme, uint64_t swap)
{
	struct objvm_config cfg = {.mem_bytes = 8 << 20, .swap_bytes = swap};
	char buf[8 * 4096];
	unsigned int i;

	memset(fx, 0, sizeof(*fx));
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(objvm_create(&cfg, &fx->vm), 0);
	ck_assert_int_eq(objvm_sysctl_set(fx->vm, "vm.rmap", scheme), 0);
	ck_assert_int_eq(objvm_spawn(fx->vm, NULL, &fx->task[0]), 0);
	/* Fixed once a task exists. */
	ck_assert_int_eq(objvm_sysctl_set(fx->vm, "vm.rmap", "objrmap"),
			 -EBUSY);
	fx->fd = objvm_open(fx->task[0], "/f", OBJVM_O_RDWR | OBJVM_O_CREAT);
	ck_assert_int_ge(fx->fd, 0);
	ck_assert_int_eq(objvm_pwrite(fx->task[0], fx->fd, buf, sizeof(buf), 0),
			 sizeof(buf));
	ck_assert_int_eq(objvm_mmap(fx->task[0], 0, 8 * PAGE_SIZE,
				    OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				    OBJVM_MAP_SHARED, fx->fd, 0, &fx->file),
			 0);
	ck_assert_int_eq(objvm_touch(fx->task[0], fx->file, 8 * PAGE_SIZE,
				     false, NULL),
			 0);
	for (i = 1; i < 4; i++) {
		ck_assert_int_eq(objvm_fork(fx->task[0], &fx->task[i]), 0);
		ck_assert_int_eq(objvm_touch(fx->task[i], fx->file,
					     8 * PAGE_SIZE, false, NULL),
				 0);
	}
	ck_assert_int_eq(objvm_check(fx->vm, fx->report, sizeof(fx->report)),
			 0);
}

static struct task *T(struct fixture *fx, int i)
{
	return (struct task *)fx->task[i];
}

static struct page *page_at(struct fixture *fx, int i, uint64_t addr)
{
	pte_t *ptep = pte_offset(T(fx, i)->mm, addr);

	ck_assert_ptr_nonnull(ptep);
	ck_assert(pte_present(*ptep));
	return pfn_to_page(fx->vm, pte_pfn(*ptep));
}

static void expect_broken(struct fixture *fx, const char *rule)
{
	ck_assert_int_eq(objvm_check(fx->vm, fx->report, sizeof(fx->report)),
			 -1);
	ck_assert_msg(strncmp(fx->report, rule, strlen(rule)) == 0,
		      "expected rule %s, got: %s", rule, fx->report);
}

static void expect_clean(struct fixture *fx)
{
	ck_assert_msg(objvm_check(fx->vm, fx->report, sizeof(fx->report)) == 0,
		      "%s", fx->report);
}

/* --- the VMA side ----------------------------------------------------------- */

static bool count_vma(struct vma *vma, void *arg)
{
	(*(unsigned int *)arg)++;
	return false;
}

/* Four linear VMAs of /f: each scheme holds them and finds them all for a
 * page, the list schemes by looking at every VMA. */
START_TEST(vma_index_per_scheme)
{
	struct fixture fx;
	struct address_space *mapping;
	unsigned int found = 0;
	uint64_t steps;

	fixture_init(&fx, schemes[_i], 0);
	mapping = &T(&fx, 0)->fds[fx.fd]->inode->mapping;
	ck_assert_uint_eq(fx.vm->rmap->vma_count(mapping), 4);
	steps = vm_stat_sum(fx.vm, STAT_rmap_step);
	vm_lock(&mapping->i_mmap_lock);
	fx.vm->rmap->vma_walk(mapping, 3, 3, count_vma, &found);
	vm_unlock(&mapping->i_mmap_lock);
	ck_assert_uint_eq(found, 4);
	ck_assert_uint_eq(vm_stat_sum(fx.vm, STAT_rmap_step) - steps, 4);
	/* A page no VMA maps: the tree looks at nothing, a list at all. */
	ck_assert_int_eq(objvm_munmap(fx.task[2], fx.file + 4 * PAGE_SIZE,
				      4 * PAGE_SIZE),
			 0);
	found = 0;
	steps = vm_stat_sum(fx.vm, STAT_rmap_step);
	vm_lock(&mapping->i_mmap_lock);
	fx.vm->rmap->vma_walk(mapping, 6, 6, count_vma, &found);
	vm_unlock(&mapping->i_mmap_lock);
	ck_assert_uint_eq(found, 3);
	ck_assert_uint_eq(vm_stat_sum(fx.vm, STAT_rmap_step) - steps,
			  fx.vm->rmap == &rmap_objrmap ? 3 : 4);
	expect_clean(&fx);
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

/* --- pte chains ------------------------------------------------------------ */

static unsigned long chain_len(struct objvm *vm, struct page *page)
{
	unsigned long n;
	char msg[160];

	/* ptechain_check_page says how many it holds when it disagrees. */
	for (n = 0; n < 64; n++)
		if (ptechain_check_page(vm, page, n, msg, sizeof(msg)))
			return n;
	return ~0UL;
}

START_TEST(chain_follows_fork_exit_and_munmap)
{
	struct fixture fx;
	struct page *page;
	uint64_t bytes0;
	unsigned int i;

	fixture_init(&fx, "ptechain", 0);
	page = page_at(&fx, 0, fx.file + 2 * PAGE_SIZE);
	ck_assert_uint_eq(chain_len(fx.vm, page), 4);
	for (i = 0; i < 4; i++) {
		pte_t *ptep =
			pte_offset(T(&fx, i)->mm, fx.file + 2 * PAGE_SIZE);

		ck_assert(ptechain_has(fx.vm, page, ptep));
	}
	bytes0 = vm_stat_sum(fx.vm, STAT_rmap_bytes);
	ck_assert_int_eq(objvm_exit(fx.task[3]), 0);
	ck_assert_uint_eq(chain_len(fx.vm, page), 3);
	ck_assert_int_eq(objvm_munmap(fx.task[2], fx.file, 8 * PAGE_SIZE), 0);
	ck_assert_uint_eq(chain_len(fx.vm, page), 2);
	ck_assert_int_eq(objvm_exit(fx.task[1]), 0);
	/* One pte left: stored directly, no chain block. */
	ck_assert_uint_eq(chain_len(fx.vm, page), 1);
	ck_assert(page->pte_chain & 1);
	ck_assert_uint_lt(vm_stat_sum(fx.vm, STAT_rmap_bytes), bytes0);
	expect_clean(&fx);
	ck_assert_int_eq(objvm_exit(fx.task[0]), 0);
	ck_assert_uint_eq(page->pte_chain, 0);
	/* Only the i_mmap links are gone too once no VMA is left. */
	ck_assert_uint_eq(vm_stat_sum(fx.vm, STAT_rmap_bytes), 0);
	expect_clean(&fx);
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

/* mremap moves ptes: the chain follows them. */
START_TEST(chain_follows_mremap)
{
	struct fixture fx;
	struct page *page;
	uint64_t moved;
	pte_t *ptep;

	fixture_init(&fx, "ptechain", 0);
	page = page_at(&fx, 1, fx.file + PAGE_SIZE);
	/* Something right above, so growing must move. */
	ck_assert_int_eq(objvm_mmap(fx.task[1], fx.file + 8 * PAGE_SIZE,
				    PAGE_SIZE, OBJVM_PROT_READ,
				    OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS |
					    OBJVM_MAP_FIXED_NOREPLACE,
				    -1, 0, &moved),
			 0);
	ck_assert_int_eq(objvm_mremap(fx.task[1], fx.file, 8 * PAGE_SIZE,
				      16 * PAGE_SIZE, OBJVM_MREMAP_MAYMOVE, 0,
				      &moved),
			 0);
	ck_assert_uint_ne(moved, fx.file);
	ptep = pte_offset(T(&fx, 1)->mm, moved + PAGE_SIZE);
	ck_assert_ptr_nonnull(ptep);
	ck_assert(ptechain_has(fx.vm, page, ptep));
	ck_assert_uint_eq(chain_len(fx.vm, page), 4);
	expect_clean(&fx);
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

/* --- try_to_unmap -------------------------------------------------------------- */

START_TEST(try_to_unmap_every_scheme)
{
	struct fixture fx;
	struct page *page;
	int ret;

	fixture_init(&fx, schemes[_i], 0);
	page = page_at(&fx, 0, fx.file + 5 * PAGE_SIZE);
	ck_assert_int_eq(page_mapcount(page), 4);
	get_page(page);
	lock_page(fx.vm, page);
	/* Every pte is young, and pwrite marked the page referenced:
	 * page_referenced sees (and clears) all five. */
	ck_assert_int_eq(page_referenced(fx.vm, page), 5);
	ck_assert_int_eq(page_referenced(fx.vm, page), 0);
	ret = try_to_unmap(fx.vm, page);
	ck_assert_int_eq(ret, SWAP_SUCCESS);
	ck_assert_int_eq(page_mapcount(page), 0);
	unlock_page(fx.vm, page);
	put_page(fx.vm, page);
	expect_clean(&fx);
	/* The data is still there for the next fault. */
	{
		char c = 0;

		ck_assert_int_eq(objvm_load(fx.task[3], fx.file + 5 * PAGE_SIZE,
					    &c, 1, NULL),
				 0);
		ck_assert_int_eq(c, 'x');
	}
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

/*
 * page_referenced stops once it has seen every pte of the page (2.6.11's
 * mapcount count-down): with four VMAs covering the page and only the one
 * at walk position p still mapping it, the walk takes p steps, so leaving
 * each task's pte in turn takes 1 + 2 + 3 + 4 steps in all, whatever the
 * order the scheme walks in (16 if it looked at every VMA each time).
 */
START_TEST(page_referenced_stops_at_mapcount)
{
	struct fixture fx;
	struct page *page;
	uint64_t addr, steps, total = 0;
	int keep, i;

	fixture_init(&fx, schemes[_i], 0);
	addr = fx.file + 5 * PAGE_SIZE;
	for (keep = 0; keep < 4; keep++) {
		for (i = 0; i < 4; i++) {
			ck_assert_int_eq(objvm_touch(fx.task[i], addr,
						     PAGE_SIZE, false, NULL),
					 0);
			if (i != keep)
				ck_assert_int_eq(
					objvm_madvise(fx.task[i], addr,
						      PAGE_SIZE,
						      OBJVM_MADV_DONTNEED),
					0);
		}
		page = page_at(&fx, keep, addr);
		ck_assert_int_eq(page_mapcount(page), 1);
		get_page(page);
		lock_page(fx.vm, page);
		steps = vm_stat_sum(fx.vm, STAT_rmap_step);
		page_referenced(fx.vm, page);
		total += vm_stat_sum(fx.vm, STAT_rmap_step) - steps;
		unlock_page(fx.vm, page);
		put_page(fx.vm, page);
	}
	ck_assert_uint_eq(total, 1 + 2 + 3 + 4);
	expect_clean(&fx);
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

/*
 * A young pte gets a second chance: try_to_unmap clears its bit and stops
 * with SWAP_FAIL (2.6's try_to_unmap_one, 2.5's too).  With all four ptes
 * young, each call unmaps the ptes it already aged and stops at the next
 * young one, so it takes four failures and then a success.
 */
START_TEST(young_pte_second_chance)
{
	struct fixture fx;
	struct page *page;
	int k;

	fixture_init(&fx, schemes[_i], 0);
	page = page_at(&fx, 0, fx.file);
	get_page(page);
	lock_page(fx.vm, page);
	for (k = 0; k < 4; k++) {
		ck_assert_int_eq(try_to_unmap(fx.vm, page), SWAP_FAIL);
		ck_assert_int_eq(page_mapcount(page), 4 - k);
	}
	ck_assert_int_eq(try_to_unmap(fx.vm, page), SWAP_SUCCESS);
	ck_assert_int_eq(page_mapcount(page), 0);
	unlock_page(fx.vm, page);
	put_page(fx.vm, page);
	expect_clean(&fx);
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

/* --- the checker's paging rules --------------------------------------------------- */

START_TEST(lru_flag_lost)
{
	struct fixture fx;
	struct page *page;

	fixture_init(&fx, "objrmap", 0);
	page = page_at(&fx, 0, fx.file);
	vm_lock(&fx.vm->lru_lock);
	lru_del_locked(fx.vm, page);
	vm_unlock(&fx.vm->lru_lock);
	expect_broken(&fx, "P5");
	lru_cache_add(fx.vm, page);
	expect_clean(&fx);
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

START_TEST(lru_count_off)
{
	struct fixture fx;

	fixture_init(&fx, "objrmap", 0);
	fx.vm->nr_inactive++;
	expect_broken(&fx, "P5");
	fx.vm->nr_inactive--;
	expect_clean(&fx);
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

START_TEST(pte_missing_from_chain)
{
	struct fixture fx;
	struct page *page;
	pte_t *ptep;

	fixture_init(&fx, "ptechain", 0);
	page = page_at(&fx, 2, fx.file + 3 * PAGE_SIZE);
	ptep = pte_offset(T(&fx, 2)->mm, fx.file + 3 * PAGE_SIZE);
	fx.vm->rmap->pte_remove(fx.vm, page, ptep);
	expect_broken(&fx, "R1");
	fx.vm->rmap->pte_add(fx.vm, page, ptep);
	expect_clean(&fx);
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

START_TEST(swap_count_off)
{
	struct fixture fx;
	uint64_t anon;
	long freed;

	fixture_init(&fx, "objrmap", 1 << 20);
	ck_assert_int_eq(objvm_mmap(fx.task[0], 0, 16 * PAGE_SIZE,
				    OBJVM_PROT_READ | OBJVM_PROT_WRITE,
				    OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS, -1,
				    0, &anon),
			 0);
	ck_assert_int_eq(
		objvm_touch(fx.task[0], anon, 16 * PAGE_SIZE, true, NULL), 0);
	/* Twice: the first pass clears the young bits. */
	freed = objvm_reclaim(fx.vm, 4096);
	freed += objvm_reclaim(fx.vm, 4096);
	ck_assert_int_gt(freed, 0);
	ck_assert_uint_gt(fx.vm->swap->nr_used, 0);
	expect_clean(&fx);
	fx.vm->swap->swap_map[fx.vm->swap->next - 1]++;
	expect_broken(&fx, "S1");
	fx.vm->swap->swap_map[fx.vm->swap->next - 1]--;
	expect_clean(&fx);
	ck_assert_int_eq(objvm_destroy(fx.vm), 0);
}
END_TEST

static Suite *rmap_suite(void)
{
	Suite *s = suite_create("rmap");
	TCase *tc = tcase_create("schemes");
	TCase *chk = tcase_create("checker");

	tcase_add_loop_test(tc, vma_index_per_scheme, 0, 3);
	tcase_add_test(tc, chain_follows_fork_exit_and_munmap);
	tcase_add_test(tc, chain_follows_mremap);
	tcase_add_loop_test(tc, try_to_unmap_every_scheme, 0, 3);
	tcase_add_loop_test(tc, young_pte_second_chance, 0, 3);
	/* The object-based schemes only: a chain holds just the ptes. */
	tcase_add_loop_test(tc, page_referenced_stops_at_mapcount, 0, 2);
	suite_add_tcase(s, tc);
	tcase_add_test(chk, lru_flag_lost);
	tcase_add_test(chk, lru_count_off);
	tcase_add_test(chk, pte_missing_from_chain);
	tcase_add_test(chk, swap_count_off);
	suite_add_tcase(s, chk);
	return s;
}

int main(void)
{
	return run_suite(rmap_suite());
}
