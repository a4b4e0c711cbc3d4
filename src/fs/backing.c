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
 *   shmem   below: no store, the page cache is the file
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

/* --- shmem ------------------------------------------------------------------ */

/* A page that was never in the cache holds zeros (mm/shmem.c). */
static int shmem_readpage(struct inode *inode, pgoff_t index, void *dst,
			  size_t valid)
{
	memset(dst, 0, PAGE_SIZE);
	return 0;
}

/* Never called: BACKING_CAP_NO_WRITEBACK keeps shmem pages dirty. */
static int shmem_writepage(struct inode *inode, pgoff_t index, const void *src,
			   size_t valid)
{
	return 0;
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
	return 0;
}

static void shmem_release(struct inode *inode)
{
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
