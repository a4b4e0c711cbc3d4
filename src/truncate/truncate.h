/*
 * truncate/truncate.h - changing a file's size under its mappings.
 *
 * Models: mm/memory.c vmtruncate(), unmap_mapping_range();
 * mm/truncate.c truncate_inode_pages() (2.6.11).
 */
#ifndef OBJVM_TRUNCATE_H
#define OBJVM_TRUNCATE_H

#include "vm.h"

struct inode;
struct address_space;

/*
 * do_truncate - set the size of @inode to @size.
 *
 * Shrinking unmaps every pte at or past the new end of file in every
 * address space (private copy-on-write copies included), then drops those
 * pages from the page cache and zeroes the tail of the new last page.
 * Growing zeroes the tail of the old last page, as ext4 does.
 *
 * Context: takes i_sem, then i_mmap_lock and page_table_locks.
 * Return: 0, -EINVAL (negative size) or -EFBIG.
 */
int do_truncate(struct inode *inode, int64_t size);

/*
 * unmap_mapping_range - zap the ptes that map file bytes
 * [holebegin, holebegin + holelen) (holelen 0: to the end), in linear
 * VMAs through i_mmap and in nonlinear VMAs by scanning them whole.
 * @even_cows: also private copy-on-write copies (truncate), not only
 * page-cache pages (invalidation).
 *
 * Context: takes i_mmap_lock; no page_table_lock held.
 */
void unmap_mapping_range(struct address_space *mapping, int64_t holebegin,
			 int64_t holelen, bool even_cows);

/* Drops every cache page at or past byte @lstart (wholly past it) and
 * zeroes the tail of a partial last page.  Context: i_sem held. */
void truncate_inode_pages(struct address_space *mapping, int64_t lstart);

#endif /* OBJVM_TRUNCATE_H */
