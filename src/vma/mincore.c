/*
 * vma/mincore.c - mincore(): which pages of a range are resident.
 *
 * A present pte is resident (the shared zero page included).  A page with
 * no pte is resident if it is in the page cache at the offset the VMA (or
 * a file pte) says; anonymous memory without a pte is not; a swapped-out
 * page is while the swap cache holds it (Linux's mincore_swap).
 *
 * Models: mm/mincore.c (Linux 2.6.24, which decodes file ptes), with the
 * checks of Linux 6.x.
 */
#include "machine.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "swap/swap.h"
#include "vma/vma.h"

static unsigned char mincore_page(struct vma *vma, uint64_t addr)
{
	struct mm *mm = vma->mm;
	struct page *page = NULL;
	pgoff_t pgoff;
	pte_t pte = 0, *ptep;

	vm_lock(&mm->page_table_lock);
	ptep = pte_offset(mm, addr);
	if (ptep)
		pte = pte_read(ptep);
	vm_unlock(&mm->page_table_lock);
	if (pte_present(pte))
		return 1;
	/* Swapped out: resident while the swap cache still holds it. */
	if (pte_swap(pte))
		return swap_cache_page(mm->vm, pte_to_swp_slot(pte)) != NULL;
	if (!vma->file)
		return 0;
	pgoff = pte_file(pte) ? pte_to_pgoff(pte)
			      : linear_page_index(vma, addr);
	page = find_get_page(&vma->file->inode->mapping, pgoff);
	if (!page)
		return 0;
	put_page(mm->vm, page);
	return 1;
}

int do_mincore(struct mm *mm, uint64_t start, uint64_t len, unsigned char *vec)
{
	uint64_t pages, addr, end;
	struct vma *vma;
	int err = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (start > TASK_SIZE || len > TASK_SIZE - start)
		return -ENOMEM;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (!pages)
		return 0;
	end = start + (pages << PAGE_SHIFT);

	vm_read_lock(&mm->mmap_lock);
	for (addr = start; addr < end;) {
		vma = find_vma(mm, addr);
		if (!vma || vma->start > addr) {
			err = -ENOMEM;
			break;
		}
		for (; addr < end && addr < vma->end; addr += PAGE_SIZE)
			*vec++ = mincore_page(vma, addr);
	}
	vm_rw_unlock(&mm->mmap_lock);
	return err;
}
