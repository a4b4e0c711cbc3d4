/*
 * fs/backing.c - the stores below the page cache, behind one table of
 * operations per kind of store.
 *
 * A store is what a disk and its filesystem are to 2.6: readpage fills a
 * page from it, writepage copies a page into it, truncate cuts it,
 * release lets go of it when the inode dies.  Each kind of store is one
 * const struct backing_operations (2.6's address_space_operations):
 *
 *   memory  fs/store_memory.c: a sparse array of 4 KiB blocks in objvm
 *   host    fs/store_host.c: one real file per objvm file
 *   shmem   below: the page cache is the file; pages reclaim pushes
 *           out wait in swap slots
 *
 * One rule holds for every store, and is kept here rather than in each:
 * a store never holds bytes at or past i_size.  backing_writepage() hands
 * the store only the bytes below i_size (the tail of the last page may
 * hold what a mapping stored past EOF, which must never reach the file),
 * and backing_readpage() asks only for those bytes, the store zero-fills
 * the rest of the page.  So a file extended later reads zeros there, as
 * on ext4.
 *
 * Models: include/linux/fs.h struct address_space_operations, and the EOF
 * handling of fs/buffer.c block_read_full_page() and
 * block_write_full_page(), mm/shmem.c (2.6.11).
 */
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "fs/internal.h"
#include "swap/swap.h"

/* --- shmem ------------------------------------------------------------------
 *
 * The page cache is the file.  A page reclaim pushes out goes to a swap
 * slot, whose number + 1 ->blocks records at the page's index (under
 * blocks_lock); reading the page back frees the slot again, so a slot is
 * held by a shmem file only while its page is out (mm/shmem.c's
 * swap-backed index, 2.6.11).  fsync and msync never write shmem pages
 * (BACKING_CAP_NO_WRITEBACK): only reclaim calls writepage.
 */

/* A page never pushed out holds zeros; one that was comes back from its
 * slot, which is freed.  Context: the page lock of @index held. */
static int shmem_readpage(struct inode *inode, pgoff_t index, void *dst,
			  size_t valid)
{
	unsigned long slot;
	void *entry;
	int err;

	vm_lock(&inode->blocks_lock);
	entry = radix_tree_delete(&inode->blocks, index);
	vm_unlock(&inode->blocks_lock);
	if (!entry) {
		memset(dst, 0, PAGE_SIZE);
		return 0;
	}
	slot = (unsigned long)entry - 1;
	err = swap_read_slot(inode->vm, slot, dst);
	swap_free(inode->vm, slot);
	return err;
}

/* Reclaim pushes the locked, unmapped page at @index out to swap;
 * -ENOSPC without a free slot (the page then stays). */
static int shmem_writepage(struct inode *inode, pgoff_t index, const void *src,
			   size_t valid)
{
	struct objvm *vm = inode->vm;
	void *entry;
	long slot;
	int err;

	vm_lock(&inode->blocks_lock);
	entry = radix_tree_lookup(&inode->blocks, index);
	vm_unlock(&inode->blocks_lock);
	if (entry)
		return swap_write_slot(vm, (unsigned long)entry - 1, src);
	slot = swap_alloc_slot(vm);
	if (slot < 0)
		return -ENOSPC;
	err = swap_write_slot(vm, (unsigned long)slot, src);
	if (!err) {
		vm_lock(&inode->blocks_lock);
		err = radix_tree_insert(&inode->blocks, index,
					(void *)(slot + 1));
		vm_unlock(&inode->blocks_lock);
	}
	if (err)
		swap_free(vm, (unsigned long)slot);
	return err;
}

/* Frees the slots of pages at or past index @first (the swap lock ranks
 * above blocks_lock: the slots go after it is dropped). */
static void shmem_drop_from(struct inode *inode, pgoff_t first)
{
	void *entries[16];
	uint64_t idx[16];
	unsigned int i, n;

	for (;;) {
		vm_lock(&inode->blocks_lock);
		n = radix_tree_gang_lookup(&inode->blocks, entries, idx, first,
					   ARRAY_SIZE(entries));
		for (i = 0; i < n; i++)
			radix_tree_delete(&inode->blocks, idx[i]);
		vm_unlock(&inode->blocks_lock);
		if (!n)
			return;
		for (i = 0; i < n; i++)
			swap_free(inode->vm, (unsigned long)entries[i] - 1);
		first = idx[n - 1] + 1;
	}
}

/* Stores that hold nothing per open file. */
int backing_open_nothing(struct inode *inode, int accmode)
{
	return 0;
}

void backing_close_nothing(struct inode *inode)
{
}

/* The memory a page needs is taken when the page is: nothing to do. */
ssize_t backing_reserve_nothing(struct inode *inode, int64_t off, size_t len)
{
	return (ssize_t)len;
}

static int shmem_truncate(struct inode *inode, int64_t size)
{
	shmem_drop_from(inode, ((uint64_t)size + PAGE_SIZE - 1) >> PAGE_SHIFT);
	return 0;
}

static void shmem_release(struct inode *inode)
{
	shmem_drop_from(inode, 0);
	vm_lock(&inode->blocks_lock);
	radix_tree_destroy(&inode->blocks);
	vm_unlock(&inode->blocks_lock);
}

static const struct backing_operations shmem_backing_ops = {
	.name = "shmem",
	.caps = BACKING_CAP_NO_WRITEBACK,
	.open = backing_open_nothing,
	.close = backing_close_nothing,
	.readpage = shmem_readpage,
	.writepage = shmem_writepage,
	.reserve = backing_reserve_nothing,
	.truncate = shmem_truncate,
	.release = shmem_release,
};

/* One entry per enum backing_kind. */
static const struct backing_operations *const backing_ops[] = {
	[BACKING_MEMORY] = &memory_backing_ops,
	[BACKING_HOST] = &host_backing_ops,
	[BACKING_SHMEM] = &shmem_backing_ops,
};

const struct backing_operations *backing_ops_of(enum backing_kind kind)
{
	VM_BUG_ON((size_t)kind >= ARRAY_SIZE(backing_ops));
	return backing_ops[kind];
}

/* --- the store of an inode ------------------------------------------------ */

/* How many bytes of page @index lie below @size: 0 .. PAGE_SIZE. */
static size_t bytes_below(int64_t size, pgoff_t index)
{
	uint64_t pos = (uint64_t)index << PAGE_SHIFT;

	if (size <= 0 || pos >= (uint64_t)size)
		return 0;
	return MIN(PAGE_SIZE, (uint64_t)size - pos);
}

/*
 * backing_readpage - fill the page at @index of @inode from its store.
 *
 * Bytes past i_size, and past the end of what the store holds, come back
 * as zeros.
 *
 * Context: the page lock of the page at @index held (it is being read);
 * takes the store's lock.
 * Return: 0, or a negative errno from the store.
 * Models: fs/buffer.c block_read_full_page() (2.6.11), which zeroes the
 * blocks past EOF; mm/shmem.c shmem_getpage() for shmem (a fresh page).
 */
int backing_readpage(struct inode *inode, pgoff_t index, void *dst)
{
	size_t valid = bytes_below(i_size_read(inode), index);

	return inode->b_ops->readpage(inode, index, dst, valid);
}

/*
 * backing_writepage - copy the page at @index of @inode into its store.
 *
 * Only the bytes below i_size are written: what a mapping stored past EOF
 * in the last page never reaches the store, and a page wholly past EOF
 * (truncated under the writer) writes nothing.
 *
 * Context: the page lock of the page at @index held; takes the store's
 * lock.
 * Return: 0, -ENOMEM (memory: no host block), or a negative errno from
 * the host.
 * Models: fs/buffer.c block_write_full_page() (2.6.11), which skips and
 * zeroes the part of the last page past i_size.
 */
int backing_writepage(struct inode *inode, pgoff_t index, const void *src)
{
	size_t valid = bytes_below(i_size_read(inode), index);

	return inode->b_ops->writepage(inode, index, src, valid);
}

/*
 * backing_truncate - make the store end at @size: blocks past it are
 * dropped, the tail of the block that holds it zeroed.  Growing only
 * records the size (host: ftruncate makes the hole).
 *
 * Context: i_sem held (the caller is changing the size); takes the
 * store's lock.
 * Return: 0, -EINVAL for a negative @size, or a negative errno from the
 * host.
 * Models: the store half of vmtruncate(): ext2_truncate() (2.6.11).
 */
int backing_truncate(struct inode *inode, int64_t size)
{
	if (size < 0)
		return -EINVAL;
	return inode->b_ops->truncate(inode, size);
}

/*
 * backing_reserve - make room in the store for a write of @len bytes at
 * @off, before the page cache takes them, so that a write(2) the store
 * cannot hold is short (or fails) now instead of failing at write-back.
 *
 * Context: i_sem held.
 * Return: the number of bytes from @off that fit (@len when the store
 * cannot tell), or -ENOSPC (-EDQUOT, -EFBIG) when not one does.
 * Models: the block reservation of a delayed-allocation filesystem
 * (ext4_da_write_begin() reserving in ext4_da_reserve_space()).
 */
ssize_t backing_reserve(struct inode *inode, int64_t off, size_t len)
{
	return inode->b_ops->reserve(inode, off, len);
}

/*
 * backing_open - a struct file of @accmode opens on @inode; its store
 * may need something for it (host: a descriptor that allows writing).
 *
 * Context: no page lock held; takes the store's lock.
 * Return: 0, or a negative errno from the host (-EACCES...).
 */
int backing_open(struct inode *inode, int accmode)
{
	return inode->b_ops->open(inode, accmode);
}

/* backing_close - the last reference to a struct file of @inode went. */
void backing_close(struct inode *inode)
{
	inode->b_ops->close(inode);
}

/*
 * backing_release - free what the store holds in objvm (memory blocks) or
 * close the host file; the host file itself stays.
 *
 * Context: the inode is dying: nobody else can reach it.
 * Models: fs/inode.c clear_inode() (2.6.11).
 */
void backing_release(struct inode *inode)
{
	inode->b_ops->release(inode);
}
