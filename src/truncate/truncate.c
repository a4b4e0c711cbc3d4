/*
 * truncate/truncate.c - vmtruncate: shrink or grow a file under its
 * mappings.
 *
 * Shrinking runs in the order that makes the truncate-vs-fault race safe
 * (the 2.6.11 scheme; docs/design.md says why this one):
 *
 *   1. i_size_write(new size)              faults from now on see it
 *   2. unmap_mapping_range():
 *        truncate_count++ under i_mmap_lock  faults that sampled the old
 *                                            count will retry
 *        zap every pte past EOF              under each page_table_lock
 *   3. truncate_inode_pages()              the pages leave the cache
 *
 * A fault samples truncate_count before it reads i_size and the page
 * cache, and installs its pte only if the count is unchanged under
 * page_table_lock (fault/memory.c do_no_page).
 *
 * Models: mm/memory.c vmtruncate(), unmap_mapping_range(),
 * unmap_mapping_range_tree(), unmap_mapping_range_list();
 * mm/truncate.c truncate_inode_pages(), truncate_partial_page() (2.6.11).
 */
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "rmap/rmap.h"
#include "vma/zap.h"
#include "truncate/truncate.h"
#include "vma/vma.h"

/* Zaps the part of linear @vma that shows file pages
 * [d->first_index, d->last_index]. */
static void unmap_mapping_range_vma(struct vma *vma, struct zap_details *d)
{
	pgoff_t vba = vma->pgoff, vea = vba + vma_pages(vma) - 1;
	pgoff_t zba = MAX(d->first_index, vba), zea = MIN(d->last_index, vea);

	if (zba > zea)
		return;
	count_events(vma->mm->vm, STAT_truncate_unmap,
		     zap_page_range(
			     vma, vma->start + ((zba - vba) << PAGE_SHIFT),
			     vma->start + ((zea - vba + 1) << PAGE_SHIFT), d));
}

static bool unmap_mapping_range_one(struct vma *vma, void *arg)
{
	count_event(vma->mm->vm, rmap_vma_visit);
	unmap_mapping_range_vma(vma, arg);
	return false;
}

/*
 * Walk the linear VMAs (through the reverse-map scheme) before the
 * nonlinear list: while remap_file_pages moves a VMA, it goes from the
 * former to the latter, never back, so this order cannot miss one.
 */
static void unmap_mapping_range_tree(struct address_space *mapping,
				     struct zap_details *d)
{
	struct objvm *vm = mapping->host->vm;

	vm->rmap->vma_walk(mapping, d->first_index, d->last_index,
			   unmap_mapping_range_one, d);
}

/* Nonlinear VMAs may map a doomed page at any address: scan them whole. */
static void unmap_mapping_range_list(struct address_space *mapping,
				     struct zap_details *d)
{
	struct objvm *vm = mapping->host->vm;
	struct list_head *pos;

	list_for_each(pos, &mapping->i_mmap_nonlinear) {
		struct vma *vma = list_entry(pos, struct vma, shared.nonlinear);

		count_event(vm, rmap_vma_visit);
		count_event(vm, rmap_step);
		d->nonlinear_vma = vma;
		count_events(vm, STAT_truncate_unmap,
			     zap_page_range(vma, vma->start, vma->end, d));
	}
	d->nonlinear_vma = NULL;
}

void unmap_mapping_range(struct address_space *mapping, int64_t holebegin,
			 int64_t holelen, bool even_cows)
{
	struct zap_details d = {
		.check_mapping = even_cows ? NULL : mapping,
		.first_index = (uint64_t)holebegin >> PAGE_SHIFT,
		.last_index = UINT64_MAX,
	};

	if (holelen)
		d.last_index =
			d.first_index +
			(((uint64_t)holelen + PAGE_SIZE - 1) >> PAGE_SHIFT) - 1;
	vm_lock(&mapping->i_mmap_lock);
	atomic_fetch_add(&mapping->truncate_count, 1);
	unmap_mapping_range_tree(mapping, &d);
	if (!list_empty(&mapping->i_mmap_nonlinear))
		unmap_mapping_range_list(mapping, &d);
	vm_unlock(&mapping->i_mmap_lock);
}

/* Zeroes bytes [from, PAGE_SIZE) of cache page @index, if it is cached. */
static void zero_page_tail(struct address_space *mapping, pgoff_t index,
			   unsigned int from)
{
	struct objvm *vm = mapping->host->vm;
	struct page *page = find_get_page(mapping, index);

	if (!page)
		return;
	lock_page(vm, page);
	if (page->mapping == mapping)
		memset((char *)page_address(vm, page) + from, 0,
		       PAGE_SIZE - from);
	unlock_page(vm, page);
	put_page(vm, page);
}

#define TRUNCATE_BATCH 16

void truncate_inode_pages(struct address_space *mapping, int64_t lstart)
{
	struct objvm *vm = mapping->host->vm;
	pgoff_t start = ((uint64_t)lstart + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned int partial = lstart & ~PAGE_MASK;
	struct page *pages[TRUNCATE_BATCH];
	uint64_t idx[TRUNCATE_BATCH];
	unsigned int i, n;

	do {
		vm_lock(&mapping->tree_lock);
		n = radix_tree_gang_lookup(&mapping->page_tree, (void **)pages,
					   NULL, start, TRUNCATE_BATCH);
		for (i = 0; i < n; i++)
			get_page(pages[i]);
		vm_unlock(&mapping->tree_lock);
		for (i = 0; i < n; i++) {
			struct page *page = pages[i];

			lock_page(vm, page);
			/* Unmapped in step 2; no fault can map it since. */
			VM_BUG_ON_PAGE(page_is_mapped(page), page);
			if (page->mapping == mapping) {
				ClearPageDirty(page);
				remove_from_page_cache(page);
			}
			unlock_page(vm, page);
			put_page(vm, page);
		}
	} while (n);
	if (partial)
		zero_page_tail(mapping, start - 1, partial);
	/* Pages past the end were not evicted by reclaim: no refaults. */
	vm_lock(&mapping->tree_lock);
	while ((n = radix_tree_gang_lookup(&mapping->shadows, (void **)pages,
					   idx, start, TRUNCATE_BATCH))) {
		for (i = 0; i < n; i++)
			radix_tree_delete(&mapping->shadows, idx[i]);
		start = idx[n - 1] + 1;
	}
	vm_unlock(&mapping->tree_lock);
}

int do_truncate(struct inode *inode, int64_t size)
{
	struct address_space *mapping = &inode->mapping;
	int64_t old;
	int err;

	if (size < 0)
		return -EINVAL;
	if (size > MAX_LFS_FILESIZE)
		return -EFBIG;
	vm_lock(&inode->i_sem);
	old = i_size_read(inode);
	if (size < old) {
		i_size_write(inode, size);
		unmap_mapping_range(
			mapping, (int64_t)PAGE_ALIGN((uint64_t)size), 0, true);
		truncate_inode_pages(mapping, size);
	} else if (size > old) {
		/* Stores past the old EOF in its last page read as zeros. */
		if (old & ~PAGE_MASK)
			zero_page_tail(mapping, (uint64_t)old >> PAGE_SHIFT,
				       old & ~PAGE_MASK);
		i_size_write(inode, size);
	}
	err = backing_truncate(inode, size);
	vm_unlock(&inode->i_sem);
	return err;
}
