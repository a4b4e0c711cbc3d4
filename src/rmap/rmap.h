/*
 * rmap/rmap.h - reverse mapping: from a page to the ptes that map it.
 *
 * File pages are found through their mapping's i_mmap tree (objrmap):
 * nothing per pte is recorded besides the page's _mapcount.  Anonymous
 * pages point at their VMA's anon_vma and carry their linear index, so
 * the VMAs that may map them are the anon_vma's list.
 *
 * Context for all: mm->page_table_lock of the pte's mm held.
 *
 * Models: mm/rmap.c page_add_anon_rmap(), page_add_file_rmap(),
 * page_remove_rmap(), page_dup_rmap() (2.6.11).
 */
#ifndef OBJVM_RMAP_H
#define OBJVM_RMAP_H

#include "page/page.h"
#include "vma/vma.h"

static inline void page_add_file_rmap(struct page *page)
{
	atomic_fetch_add(&page->_mapcount, 1);
}

static inline void page_dup_rmap(struct page *page)
{
	atomic_fetch_add(&page->_mapcount, 1);
}

/* A new anonymous page: tag it with the VMA's anon_vma and its index. */
static inline void page_add_anon_rmap(struct page *page, struct vma *vma,
				      uint64_t addr)
{
	VM_BUG_ON(!vma->anon_vma);
	page->mapping =
		(void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	page->index = linear_page_index(vma, addr);
	atomic_fetch_add(&page->_mapcount, 1);
}

static inline void page_remove_rmap(struct page *page)
{
	int old = atomic_fetch_sub(&page->_mapcount, 1);

	VM_BUG_ON_PAGE(old < 0, page);
}

#endif /* OBJVM_RMAP_H */
