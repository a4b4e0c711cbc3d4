/*
 * vma/msync.c - msync(): push what mappings wrote to their files.
 *
 * The pte dirty bits of the range move to their pages (2.6.11
 * filemap_sync), then the pages are written back.  MS_ASYNC does the
 * same work as MS_SYNC here: objvm's writeback is synchronous.
 *
 * Models: mm/msync.c sys_msync(), msync_pte_range() (2.6.11), with the
 * checks and the walk of Linux 6.x.
 */
#include "machine.h"
#include "pgtable/tlb.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "vma/vma.h"

static void sync_pte(struct mm *mm, uint64_t addr, pte_t *ptep, void *arg)
{
	pte_t pte = pte_read(ptep);
	struct page *page;

	(void)arg;
	if (!pte_present(pte) || !pte_dirty(pte))
		return;
	page = pfn_to_page(mm->vm, pte_pfn(pte));
	if (PageReserved(page) || page_is_anon(page))
		return;
	/* The next store must take the slow path and dirty the pte again. */
	pte_write_entry(ptep, pte & ~_PAGE_DIRTY);
	tlb_flush_page(mm->vm, mm->tlb, addr);
	SetPageDirty(page);
}

/* Moves the dirty bits of [start, end) of @vma to the pages and writes
 * them back.  Context: mmap_lock held for reading. */
static int msync_vma(struct vma *vma, uint64_t start, uint64_t end)
{
	struct mm *mm = vma->mm;
	pgoff_t first = linear_page_index(vma, start);
	pgoff_t last = linear_page_index(vma, end - 1);

	vm_lock(&mm->page_table_lock);
	walk_pte_range(mm, start, end, sync_pte, NULL);
	tlb_sync(mm->vm, mm->tlb);
	vm_unlock(&mm->page_table_lock);
	if (vma_is_nonlinear(vma)) {
		first = 0;
		last = UINT64_MAX;
	}
	return filemap_write_and_check_range(&vma->file->inode->mapping, first,
					     last);
}

int do_msync(struct mm *mm, uint64_t start, uint64_t len, int flags)
{
	int err, unmapped_error = 0;
	uint64_t end, s, e;
	struct vma *vma;

	if (flags & ~(OBJVM_MS_ASYNC | OBJVM_MS_INVALIDATE | OBJVM_MS_SYNC))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if ((flags & OBJVM_MS_ASYNC) && (flags & OBJVM_MS_SYNC))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;

	vm_read_lock(&mm->mmap_lock);
	vma = find_vma(mm, start);
	for (;;) {
		/* Running out of VMAs, or into a hole under MS_ASYNC: ENOMEM. */
		err = -ENOMEM;
		if (!vma)
			break;
		if (start < vma->start) {
			if (flags == OBJVM_MS_ASYNC)
				break;
			start = vma->start;
			if (start >= end)
				break;
			unmapped_error = -ENOMEM;
		}
		err = -EBUSY;
		if ((flags & OBJVM_MS_INVALIDATE) && (vma->flags & VM_LOCKED))
			break;
		s = start;
		e = MIN(end, vma->end);
		start = vma->end;
		err = 0;
		if (vma->file && (vma->flags & VM_SHARED) &&
		    (flags & (OBJVM_MS_SYNC | OBJVM_MS_ASYNC)))
			err = msync_vma(vma, s, e);
		if (err || start >= end)
			break;
		vma = vma_next(vma);
	}
	vm_rw_unlock(&mm->mmap_lock);
	return err ? err : unmapped_error;
}
