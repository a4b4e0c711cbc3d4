/*
 * fs/store_memory.c - the memory store: a file's bytes inside objvm.
 *
 * A sparse radix tree of 4 KiB host blocks per inode, keyed by page
 * index, under inode->blocks_lock.  A missing block is a hole and reads
 * as zeros; a block written with only zeros is freed again, so holes stay
 * holes.  It behaves like a disk: clean pages can be dropped from the
 * cache and read back.
 *
 * Models: the block half of fs/buffer.c block_read_full_page() and
 * block_write_full_page() over a disk that never fills (2.6.11).
 */
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "fs/internal.h"

static bool is_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static int memory_readpage(struct inode *inode, pgoff_t index, void *dst,
			   size_t valid)
{
	unsigned char *block;

	vm_lock(&inode->blocks_lock);
	block = radix_tree_lookup(&inode->blocks, index);
	if (block)
		memcpy(dst, block, valid);
	else
		valid = 0;
	vm_unlock(&inode->blocks_lock);
	memset((char *)dst + valid, 0, PAGE_SIZE - valid);
	return 0;
}

/*
 * Stores the first @valid bytes of @src as block @index, zeros after them.
 * A block of zeros is not kept: it becomes (or stays) a hole.  The new
 * block is allocated before blocks_lock is taken.
 */
static int memory_writepage(struct inode *inode, pgoff_t index, const void *src,
			    size_t valid)
{
	unsigned char *block, *fresh = NULL;
	bool zero;
	int err = 0;

	racy_page_reads_begin(); /* tasks may store meanwhile (vm.h) */
	zero = is_zero(src, valid);
	racy_page_reads_end();
	if (!zero) {
		fresh = malloc(PAGE_SIZE);
		if (!fresh)
			return -ENOMEM;
	}
	vm_lock(&inode->blocks_lock);
	block = radix_tree_lookup(&inode->blocks, index);
	if (!fresh) {
		if (block)
			radix_tree_delete(&inode->blocks, index);
		goto out_unlock; /* frees the old block below */
	}
	if (!block) {
		err = radix_tree_insert(&inode->blocks, index, fresh);
		if (err)
			goto out_unlock;
		block = fresh;
		fresh = NULL;
	}
	racy_page_reads_begin();
	memcpy(block, src, valid);
	racy_page_reads_end();
	memset(block + valid, 0, PAGE_SIZE - valid);
	block = NULL;
out_unlock:
	vm_unlock(&inode->blocks_lock);
	free(block);
	free(fresh);
	return err;
}

/* Frees every block at or past index @first.  blocks_lock held. */
static void memory_drop_from(struct inode *inode, pgoff_t first)
{
	void *blocks[16];
	uint64_t idx[16];
	unsigned int i, n;

	while ((n = radix_tree_gang_lookup(&inode->blocks, blocks, idx, first,
					   ARRAY_SIZE(blocks))) > 0) {
		for (i = 0; i < n; i++) {
			radix_tree_delete(&inode->blocks, idx[i]);
			free(blocks[i]);
		}
		if (idx[n - 1] == UINT64_MAX)
			break;
		first = idx[n - 1] + 1;
	}
}

static int memory_truncate(struct inode *inode, int64_t size)
{
	pgoff_t last = (uint64_t)size >> PAGE_SHIFT;
	size_t keep = (uint64_t)size & (PAGE_SIZE - 1);
	unsigned char *block;

	vm_lock(&inode->blocks_lock);
	memory_drop_from(inode, keep ? last + 1 : last);
	if (keep) {
		block = radix_tree_lookup(&inode->blocks, last);
		if (block)
			memset(block + keep, 0, PAGE_SIZE - keep);
	}
	vm_unlock(&inode->blocks_lock);
	return 0;
}

static void memory_release(struct inode *inode)
{
	vm_lock(&inode->blocks_lock);
	memory_drop_from(inode, 0);
	radix_tree_destroy(&inode->blocks);
	vm_unlock(&inode->blocks_lock);
}

const struct backing_operations memory_backing_ops = {
	.name = "memory",
	.caps = 0,
	.open = backing_open_nothing,
	.close = backing_close_nothing,
	.readpage = memory_readpage,
	.writepage = memory_writepage,
	.reserve = backing_reserve_nothing,
	.truncate = memory_truncate,
	.release = memory_release,
};
