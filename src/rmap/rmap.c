/*
 * rmap/rmap.c - what every scheme shares: linking file VMAs (linear ones
 * through the scheme, nonlinear ones on i_mmap_nonlinear), and the
 * object-based page_referenced/try_to_unmap that objrmap and
 * objrmap-list use, with the nonlinear cluster scan.
 *
 * Lock order on the reclaim side (the page is locked by the caller):
 *   page lock → i_mmap_lock → page_table_lock            (file pages)
 *   page lock → anon_vma_free_lock (read) → anon_vma->lock
 *             → page_table_lock                           (anonymous)
 * which is the fault order, so no trylock is needed (2.6.9+).  An
 * anonymous page's anon_vma may be freed by the last munmap while reclaim
 * looks at the page: vm->anon_vma_free_lock, held for reading here and for
 * writing by anon_vma_unlink() when it frees, stands in for 2.6.11's RCU.
 *
 * Models: mm/rmap.c page_referenced(), page_referenced_anon/_file/_one(),
 * try_to_unmap(), try_to_unmap_anon/_file/_one/_cluster() (2.6.11).
 */
#include "machine.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "pgtable/tlb.h"
#include "rmap/rmap.h"
#include "swap/swap.h"

const struct rmap_policy *rmap_policy_of(int scheme)
{
	switch (scheme) {
	case RMAP_OBJRMAP_LIST:
		return &rmap_objrmap_list;
	case RMAP_PTECHAIN:
		return &rmap_ptechain;
	default:
		return &rmap_objrmap;
	}
}

/* --- VMAs ----------------------------------------------------------------- */

void rmap_vma_insert(struct address_space *mapping, struct vma *vma)
{
	struct objvm *vm = mapping->host->vm;

	assert_held(&mapping->i_mmap_lock);
	if (vma->flags & VM_SHARED)
		mapping->i_mmap_writable++;
	if (vma_is_nonlinear(vma)) {
		list_add_tail(&vma->shared.nonlinear,
			      &mapping->i_mmap_nonlinear);
		count_events(vm, STAT_rmap_bytes, sizeof(struct list_head));
		return;
	}
	vm->rmap->vma_insert(mapping, vma);
	count_events(vm, STAT_rmap_bytes, vm->rmap->vma_bytes);
}

void rmap_vma_remove(struct address_space *mapping, struct vma *vma)
{
	struct objvm *vm = mapping->host->vm;

	assert_held(&mapping->i_mmap_lock);
	if (vma->flags & VM_SHARED)
		mapping->i_mmap_writable--;
	if (vma_is_nonlinear(vma)) {
		list_del(&vma->shared.nonlinear);
		count_events(vm, STAT_rmap_bytes, -sizeof(struct list_head));
		return;
	}
	vm->rmap->vma_remove(mapping, vma);
	count_events(vm, STAT_rmap_bytes, -vm->rmap->vma_bytes);
}

/* --- pte tables know where they are --------------------------------------- */

void ptep_to_where(struct objvm *vm, pte_t *ptep, struct mm **mm,
		   uint64_t *addr)
{
	uintptr_t off = (uintptr_t)((unsigned char *)ptep - vm->mem);
	struct page *table = pfn_to_page(vm, off >> PAGE_SHIFT);

	VM_BUG_ON_PAGE(!page_test_flag(table, PG_pgtable), table);
	*mm = table->mapping;
	*addr = table->index +
		(((off & ~PAGE_MASK) / sizeof(pte_t)) << PAGE_SHIFT);
}

/* VM_LOCKED, read without mmap_lock: mlock may be changing it; reclaim
 * only needs a value that was true at some point. */
static bool vma_locked(struct vma *vma)
{
	return __atomic_load_n(&vma->flags, __ATOMIC_RELAXED) & VM_LOCKED;
}

/* --- one pte --------------------------------------------------------------- */

int referenced_one_pte(struct page *page, struct mm *mm, uint64_t addr,
		       pte_t *ptep)
{
	struct objvm *vm = mm->vm;
	pte_t pte = pte_read(ptep);

	assert_held(&mm->page_table_lock);
	if (!pte_present(pte) || pte_pfn(pte) != page_to_pfn(vm, page) ||
	    !pte_young(pte))
		return 0;
	/* ptep_clear_flush_young: the next access must walk again. */
	pte_write_entry(ptep, pte & ~_PAGE_ACCESSED);
	tlb_flush_page(vm, mm->tlb, addr);
	return 1;
}

int unmap_one_pte(struct page *page, struct vma *vma, uint64_t addr,
		  pte_t *ptep)
{
	struct mm *mm = vma->mm;
	struct objvm *vm = mm->vm;
	pte_t pte = pte_read(ptep), now = 0;

	assert_held(&mm->page_table_lock);
	if (!pte_present(pte) || pte_pfn(pte) != page_to_pfn(vm, page))
		return SWAP_AGAIN;
	if (vma_locked(vma))
		return SWAP_FAIL;
	if (pte_young(pte)) {
		pte_write_entry(ptep, pte & ~_PAGE_ACCESSED);
		tlb_flush_page(vm, mm->tlb, addr);
		return SWAP_FAIL;
	}
	if (page_is_anon(page)) {
		VM_BUG_ON_PAGE(!page_test_flag(page, PG_swapcache), page);
		swap_duplicate(vm, page->private);
		now = swp_entry_to_pte(page->private);
	} else if (vma_is_nonlinear(vma) &&
		   linear_page_index(vma, addr) != page->index) {
		now = pgoff_to_pte(page->index);
	}
	pte_write_entry(ptep, now);
	tlb_flush_page(vm, mm->tlb, addr);
	/* No access may go on using the frame once its reference goes. */
	tlb_sync(vm, mm->tlb);
	if (pte_dirty(pte))
		SetPageDirty(page);
	if (page_is_anon(page))
		atomic_fetch_sub(&mm->rss_anon, 1);
	else
		atomic_fetch_sub(&mm->rss_file, 1);
	count_event(vm, pte_zap);
	page_remove_rmap(vm, page, ptep);
	put_page(vm, page);
	return SWAP_SUCCESS;
}

/* --- object-based walks ---------------------------------------------------- */

struct obj_walk {
	struct page *page;
	int referenced;
	int mapcount; /* page_referenced: ptes of the page not yet seen */
	int ret;
};

static bool referenced_vma(struct vma *vma, void *arg)
{
	struct obj_walk *w = arg;
	uint64_t addr = vma_address(w->page, vma);
	struct mm *mm = vma->mm;
	pte_t *ptep;

	if (addr == (uint64_t)-1)
		return false;
	vm_lock(&mm->page_table_lock);
	ptep = pte_offset(mm, addr);
	if (ptep) {
		pte_t pte = pte_read(ptep);

		if (pte_present(pte) &&
		    pte_pfn(pte) == page_to_pfn(mm->vm, w->page))
			w->mapcount--;
		w->referenced += referenced_one_pte(w->page, mm, addr, ptep);
	}
	vm_unlock(&mm->page_table_lock);
	/* A shared locked VMA keeps its pages (page_referenced_one). */
	if ((__atomic_load_n(&vma->flags, __ATOMIC_RELAXED) &
	     (VM_LOCKED | VM_SHARED)) == (VM_LOCKED | VM_SHARED)) {
		w->referenced++;
		return true;
	}
	/* Every pte of the page seen: the VMAs left cannot map it
	 * (2.6.11 page_referenced_file's "if (!mapcount) break"). */
	return w->mapcount <= 0;
}

static bool unmap_vma(struct vma *vma, void *arg)
{
	struct obj_walk *w = arg;
	uint64_t addr = vma_address(w->page, vma);
	struct mm *mm = vma->mm;
	pte_t *ptep;

	if (addr == (uint64_t)-1)
		return false;
	vm_lock(&mm->page_table_lock);
	ptep = pte_offset(mm, addr);
	if (ptep && unmap_one_pte(w->page, vma, addr, ptep) == SWAP_FAIL)
		w->ret = SWAP_FAIL;
	vm_unlock(&mm->page_table_lock);
	return w->ret == SWAP_FAIL || !page_is_mapped(w->page);
}

/*
 * Walks the VMAs of @page's anon_vma.  The anon_vma stays valid under
 * anon_vma_free_lock once the page is seen mapped: its last VMA unmaps
 * the page before unlinking (and freeing) it.
 */
static void anon_walk(struct objvm *vm, struct page *page,
		      bool (*fn)(struct vma *vma, void *arg), void *arg)
{
	struct anon_vma *anon_vma;
	struct list_head *pos;

	vm_read_lock(&vm->anon_vma_free_lock);
	anon_vma = page_anon_vma(page);
	if (!anon_vma || !page_is_mapped(page))
		goto out;
	vm_lock(&anon_vma->lock);
	list_for_each(pos, &anon_vma->head) {
		count_event(vm, rmap_step);
		if (fn(list_entry(pos, struct vma, anon_vma_node), arg))
			break;
	}
	vm_unlock(&anon_vma->lock);
out:
	vm_rw_unlock(&vm->anon_vma_free_lock);
}

int page_referenced_obj(struct objvm *vm, struct page *page)
{
	struct obj_walk w = {.page = page, .mapcount = page_mapcount(page)};
	struct address_space *mapping;

	if (page_is_anon(page)) {
		anon_walk(vm, page, referenced_vma, &w);
		return w.referenced;
	}
	mapping = page_file_mapping(page);
	if (!mapping)
		return 0;
	/* Nonlinear VMAs are not looked at (2.6.11 page_referenced_file):
	 * their pages' only aging is the cluster scan's young test. */
	vm_lock(&mapping->i_mmap_lock);
	vm->rmap->vma_walk(mapping, page->index, page->index, referenced_vma,
			   &w);
	vm_unlock(&mapping->i_mmap_lock);
	return w.referenced;
}

/* --- nonlinear VMAs: the cluster scan -------------------------------------- */

#define CLUSTER_SIZE MIN(32 * PAGE_SIZE, PMD_SIZE)
#define CLUSTER_MASK (~(CLUSTER_SIZE - 1))

/*
 * try_to_unmap_cluster - unmap whatever old pages the cluster at
 * @cursor of @vma holds (not just the page reclaim asked about), leaving
 * file ptes where they were out of place; young ptes get their bit cleared
 * and stay.  Lowers *@budget by the ptes taken.
 * Context: i_mmap_lock held; takes page_table_lock.
 */
static void try_to_unmap_cluster(uint64_t cursor, long *budget, struct vma *vma)
{
	struct mm *mm = vma->mm;
	struct objvm *vm = mm->vm;
	uint64_t addr = (vma->start + cursor) & CLUSTER_MASK;
	uint64_t end = addr + CLUSTER_SIZE;
	struct page *gathered[32];
	unsigned int nr = 0, i;
	pte_t *ptep;

	if (addr < vma->start)
		addr = vma->start;
	if (end > vma->end)
		end = vma->end;
	vm_lock(&mm->page_table_lock);
	for (; addr < end; addr += PAGE_SIZE) {
		pte_t pte;
		struct page *page;

		ptep = pte_offset(mm, addr);
		if (!ptep) {
			/* The cluster lies in one pte table: none there. */
			break;
		}
		count_event(vm, nonlinear_scan);
		pte = pte_read(ptep);
		if (!pte_present(pte))
			continue;
		page = pfn_to_page(vm, pte_pfn(pte));
		if (PageReserved(page) || page_is_anon(page))
			continue;
		if (pte_young(pte)) {
			pte_write_entry(ptep, pte & ~_PAGE_ACCESSED);
			tlb_flush_page(vm, mm->tlb, addr);
			continue;
		}
		pte_write_entry(ptep,
				linear_page_index(vma, addr) != page->index
					? pgoff_to_pte(page->index)
					: 0);
		tlb_flush_page(vm, mm->tlb, addr);
		if (pte_dirty(pte))
			SetPageDirty(page);
		page_remove_rmap(vm, page, ptep);
		atomic_fetch_sub(&mm->rss_file, 1);
		count_event(vm, pte_zap);
		gathered[nr++] = page;
		(*budget)--;
	}
	tlb_sync(vm, mm->tlb);
	vm_unlock(&mm->page_table_lock);
	/* The page cache still holds every one of them. */
	for (i = 0; i < nr; i++)
		put_page(vm, gathered[i]);
}

/* Steps 4-10 of try_to_unmap_file (docs/linux-map.md).  Context:
 * i_mmap_lock held. */
static int try_to_unmap_nonlinear(struct address_space *mapping,
				  struct page *page)
{
	struct objvm *vm = mapping->host->vm;
	uint64_t max_nl_cursor = 0, max_nl_size = 0, cursor;
	struct list_head *pos;
	long budget;

	list_for_each(pos, &mapping->i_mmap_nonlinear) {
		struct vma *vma = list_entry(pos, struct vma, shared.nonlinear);

		count_event(vm, rmap_step);
		if (vma_locked(vma))
			continue;
		max_nl_cursor = MAX(max_nl_cursor, vma->nonlinear_cursor);
		max_nl_size = MAX(max_nl_size, vma->end - vma->start);
	}
	if (max_nl_size == 0)
		return SWAP_FAIL; /* all locked: the caller reactivates */
	budget = page_mapcount(page);
	if (budget == 0)
		return SWAP_AGAIN;
	max_nl_size = (max_nl_size + CLUSTER_SIZE - 1) & CLUSTER_MASK;
	if (max_nl_cursor == 0)
		max_nl_cursor = CLUSTER_SIZE;
	do {
		list_for_each(pos, &mapping->i_mmap_nonlinear) {
			struct vma *vma =
				list_entry(pos, struct vma, shared.nonlinear);

			if (vma_locked(vma))
				continue;
			cursor = vma->nonlinear_cursor;
			while (cursor < max_nl_cursor &&
			       cursor < vma->end - vma->start) {
				try_to_unmap_cluster(cursor, &budget, vma);
				cursor += CLUSTER_SIZE;
				vma->nonlinear_cursor = cursor;
				if (budget <= 0)
					return SWAP_AGAIN;
			}
			vma->nonlinear_cursor = max_nl_cursor;
		}
		max_nl_cursor += CLUSTER_SIZE;
	} while (max_nl_cursor <= max_nl_size);
	/* A whole sweep without using the budget up: start over next time. */
	list_for_each(pos, &mapping->i_mmap_nonlinear)
		list_entry(pos, struct vma, shared.nonlinear)->nonlinear_cursor =
			0;
	return SWAP_AGAIN;
}

int try_to_unmap_obj(struct objvm *vm, struct page *page)
{
	struct obj_walk w = {.page = page, .ret = SWAP_AGAIN};
	struct address_space *mapping;

	if (page_is_anon(page)) {
		anon_walk(vm, page, unmap_vma, &w);
	} else if ((mapping = page_file_mapping(page))) {
		vm_lock(&mapping->i_mmap_lock);
		vm->rmap->vma_walk(mapping, page->index, page->index, unmap_vma,
				   &w);
		if (w.ret != SWAP_FAIL && page_is_mapped(page) &&
		    !list_empty(&mapping->i_mmap_nonlinear))
			w.ret = try_to_unmap_nonlinear(mapping, page);
		vm_unlock(&mapping->i_mmap_lock);
	}
	if (!page_is_mapped(page))
		return SWAP_SUCCESS;
	return w.ret;
}

/* --- the entry points -------------------------------------------------------- */

int page_referenced(struct objvm *vm, struct page *page)
{
	int referenced = page_test_clear_flag(page, PG_referenced);

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	if (page_is_mapped(page))
		referenced += vm->rmap->page_referenced(vm, page);
	return referenced;
}

int try_to_unmap(struct objvm *vm, struct page *page)
{
	VM_BUG_ON_PAGE(!PageLocked(page), page);
	if (!page_is_mapped(page))
		return SWAP_SUCCESS;
	return vm->rmap->try_to_unmap(vm, page);
}
