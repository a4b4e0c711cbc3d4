/*
 * vma/fork.c - copy an address space for fork.
 *
 * Every VMA is copied; the child's file VMAs join the same i_mmap tree
 * and its anonymous VMAs the same anon_vma, so both sides stay reachable
 * by reverse mapping.  Ptes are copied only where a fault could not
 * rebuild them: VMAs with anonymous pages and nonlinear VMAs (2.6.14
 * onwards skips plain file VMAs).  Private writable pages become
 * copy-on-write: write-protected in parent and child alike.  The child
 * keeps the parent's VMA boundaries, even where dropping VM_LOCKED makes
 * neighbours alike, as Linux does.
 *
 * Models: kernel/fork.c dup_mmap(), mm/memory.c copy_page_range(),
 * copy_one_pte() (2.6.14).
 */
#include <stdlib.h>

#include "machine.h"
#include "pgtable/tlb.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "reclaim/reclaim.h"
#include "rmap/rmap.h"
#include "swap/swap.h"
#include "vma/vma.h"

struct copy_walk {
	struct mm *dst;
	struct vma *vma;
	bool cow;
	int err;
};

static void copy_one_pte(struct mm *src, uint64_t addr, pte_t *ptep, void *arg)
{
	struct copy_walk *w = arg;
	pte_t pte = pte_read(ptep);
	struct page *page;
	pte_t *dptep;

	if (w->err)
		return;
	dptep = pte_alloc(w->dst, addr);
	if (!dptep) {
		w->err = -ENOMEM;
		return;
	}
	count_event(src->vm, fork_pte_copy);
	if (!pte_present(pte)) {
		/* A file pte holds nothing; a swap entry counts its ptes. */
		if (pte_swap(pte))
			swap_duplicate(src->vm, pte_to_swp_slot(pte));
		pte_write_entry(dptep, pte);
		return;
	}
	page = pfn_to_page(src->vm, pte_pfn(pte));
	if (w->cow && pte_write(pte)) {
		pte &= ~_PAGE_RW;
		pte_write_entry(ptep, pte);
		tlb_flush_page(src->vm, src->tlb, addr);
	}
	if (w->vma->flags & VM_SHARED)
		pte &= ~_PAGE_DIRTY;
	pte_write_entry(dptep, pte & ~_PAGE_ACCESSED);
	if (PageReserved(page))
		return;
	get_page(page);
	page_dup_rmap(src->vm, page, dptep);
	if (page_is_anon(page))
		atomic_fetch_add(&w->dst->rss_anon, 1);
	else
		atomic_fetch_add(&w->dst->rss_file, 1);
}

/* Context: both mmap_locks held for writing. */
static int copy_page_range(struct mm *dst, struct mm *src, struct vma *vma)
{
	struct copy_walk w = {
		.dst = dst,
		.vma = vma,
		.cow = (vma->flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE,
	};

	if (!vma->anon_vma && !vma_is_nonlinear(vma))
		return 0;
	vm_lock(&src->page_table_lock);
	vm_lock_nested(&dst->page_table_lock);
	walk_pte_range(src, vma->start, vma->end, copy_one_pte, &w);
	vm_unlock(&dst->page_table_lock);
	tlb_sync(src->vm, src->tlb);
	vm_unlock(&src->page_table_lock);
	return w.err;
}

static struct vma *dup_vma(struct mm *mm, const struct vma *old)
{
	struct vma *vma = vma_alloc(mm);

	if (!vma)
		return NULL;
	vma->start = old->start;
	vma->end = old->end;
	vma->flags = old->flags & ~VM_LOCKED; /* mlock is not inherited */
	vma->pgoff = old->pgoff;
	vma->file = old->file;
	vma->vm_ops = old->vm_ops;
	vma->anon_vma = old->anon_vma;
	vma->kept_apart = true;
	if (vma->anon_vma) {
		/* Linux gives the child's VMA an anon_vma of its own. */
		vma->anon_key = atomic_fetch_add(&mm->vm->next_anon_key, 1);
		vma->anon_forked = true;
	}
	vma->nonlinear_cursor = old->nonlinear_cursor;
	vma->truncate_count = old->truncate_count;
	if (vma->file)
		get_file(vma->file);
	return vma;
}

/*
 * dup_mmap - give @mm (new and empty) a copy-on-write copy of @oldmm.
 *
 * Context: takes both mmap_locks for writing (the new one nested: nobody
 * else can know it yet).
 */
int dup_mmap(struct mm *mm, struct mm *oldmm)
{
	struct vma *old, *vma;
	int err = 0;

	/*
	 * What the copy allocates under page_table_lock, where it cannot
	 * reclaim, is reclaimed for now, before mmap_lock: the child's page
	 * tables (one per 512 pages at most, plus the levels above) and,
	 * under ptechain, a chain block per page mapped (reclaim must be
	 * able to reach this mm's own pages, which needs its mmap_lock).
	 */
	rmap_prepare(mm, (unsigned long)(atomic_load(&oldmm->rss_anon) +
					 atomic_load(&oldmm->rss_file)));
	reserve_frames(mm->vm, oldmm->total_vm / PTRS_PER_TABLE +
				       4 * (unsigned long)oldmm->map_count + 4);
	vm_write_lock(&oldmm->mmap_lock);
	lockdep_acquire(LOCK_MM, &mm->mmap_lock, true);
	pthread_rwlock_wrlock(&mm->mmap_lock.rw);
	vma_for_each(old, oldmm) {
		vma = dup_vma(mm, old);
		if (!vma) {
			err = -ENOMEM;
			break;
		}
		vma_link(mm, vma);
		err = copy_page_range(mm, oldmm, old);
		if (err)
			break;
	}
	vm_rw_unlock(&mm->mmap_lock);
	vm_rw_unlock(&oldmm->mmap_lock);
	return err;
}
