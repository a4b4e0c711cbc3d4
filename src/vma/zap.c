/*
 * vma/zap.c - clear the ptes of a range and release what they held.
 *
 * Present ptes are cleared and their TLB entries invalidated under
 * page_table_lock; the pages they held are gathered and released only
 * after the shootdown has waited out any access still using an old
 * translation (tlb.h), exactly the order of 2.6's mmu_gather.
 *
 * Models: mm/memory.c zap_pte_range(), unmap_vmas(), zap_page_range(),
 * include/asm-generic/tlb.h (2.6.11).
 */
#include "machine.h"
#include "pgtable/tlb.h"
#include "pgtable/pgtable.h"
#include "vma/zap.h"
#include "rmap/rmap.h"
#include "swap/swap.h"
#include "vma/vma.h"

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm *mm)
{
	tlb->mm = mm;
	tlb->nr = 0;
}

static void tlb_flush_gathered(struct mmu_gather *tlb)
{
	unsigned int i;

	tlb_sync(tlb->mm->vm, tlb->mm->tlb);
	for (i = 0; i < tlb->nr; i++)
		put_page(tlb->mm->vm, tlb->pages[i]);
	tlb->nr = 0;
}

void tlb_remove_page(struct mmu_gather *tlb, struct page *page)
{
	if (tlb->nr == GATHER_BATCH)
		tlb_flush_gathered(tlb);
	tlb->pages[tlb->nr++] = page;
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_gathered(tlb);
}

struct zap_walk {
	struct vma *vma;
	struct zap_details *details;
	struct mmu_gather *tlb;
	unsigned long nr_zapped;
};

/* Whether a selective zap must leave this present page mapped. */
static bool zap_keeps(const struct zap_details *d, const struct page *page)
{
	if (!d)
		return false;
	if (d->check_mapping && page->mapping != (void *)d->check_mapping)
		return true;
	if (d->nonlinear_vma &&
	    (page->index < d->first_index || page->index > d->last_index))
		return true;
	return false;
}

static void zap_one(struct mm *mm, uint64_t addr, pte_t *ptep, void *arg)
{
	struct zap_walk *w = arg;
	struct zap_details *d = w->details;
	pte_t pte = pte_read(ptep);
	struct page *page;

	if (!pte_present(pte)) {
		/* Selective zaps leave file ptes and swap entries alone. */
		if (d && (d->check_mapping || d->nonlinear_vma))
			return;
		pte_write_entry(ptep, 0);
		if (pte_swap(pte))
			free_swap_and_cache(mm->vm, pte_to_swp_slot(pte));
		return;
	}
	page = pfn_to_page(mm->vm, pte_pfn(pte));
	if (zap_keeps(d, page))
		return;
	pte_write_entry(ptep, 0);
	tlb_flush_page(mm->vm, mm->tlb, addr);
	w->nr_zapped++;
	count_event(mm->vm, pte_zap);
	if (PageReserved(page))
		return;
	/*
	 * A nonlinear position keeps its file offset, so that the next
	 * access refaults that offset (SIGBUS past EOF) rather than the
	 * linear page.
	 */
	if (d && d->nonlinear_vma &&
	    linear_page_index(w->vma, addr) != page->index)
		pte_write_entry(ptep, pgoff_to_pte(page->index));
	if (pte_dirty(pte) && !page_is_anon(page))
		SetPageDirty(page);
	if (page_is_anon(page))
		atomic_fetch_sub(&mm->rss_anon, 1);
	else
		atomic_fetch_sub(&mm->rss_file, 1);
	page_remove_rmap(mm->vm, page, ptep);
	tlb_remove_page(w->tlb, page);
}

unsigned long zap_page_range(struct vma *vma, uint64_t start, uint64_t end,
			     struct zap_details *details)
{
	struct mm *mm = vma->mm;
	struct mmu_gather tlb;
	struct zap_walk w = {
		.vma = vma, .details = details, .tlb = &tlb, .nr_zapped = 0};

	VM_BUG_ON(start < vma->start || end > vma->end);
	if (details && !details->check_mapping && !details->nonlinear_vma)
		w.details = NULL;
	tlb_gather_mmu(&tlb, mm);
	vm_lock(&mm->page_table_lock);
	walk_pte_range(mm, start, end, zap_one, &w);
	tlb_finish_mmu(&tlb);
	vm_unlock(&mm->page_table_lock);
	return w.nr_zapped;
}
