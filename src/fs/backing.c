/*
 * fs/backing.c - the stores below the page cache: memory, host and shmem.
 *
 * A store is what a disk and its filesystem are to 2.6: readpage fills a
 * page from it, writepage copies a page into it, truncate cuts it.
 *
 *   memory  a sparse radix tree of 4 KiB host blocks per inode, keyed by
 *           page index, under inode->blocks_lock.  A missing block is a
 *           hole and reads as zeros; a block written with only zeros is
 *           freed again, so holes stay holes.
 *   host    one real file per objvm file, at backing_dir + path, opened
 *           read-write once per inode; pread/pwrite/ftruncate.
 *   shmem   no store: the page cache is the file.  readpage zero-fills,
 *           writepage does nothing.
 *
 * One rule holds for every store: it never holds bytes at or past i_size.
 * writepage copies only the bytes below i_size (the tail of the last page
 * may hold what a mapping stored past EOF, which must never reach the
 * file), and readpage zero-fills from the store's end or i_size, whichever
 * comes first.  So a file extended later reads zeros there, as on ext4.
 *
 * Models: fs/buffer.c block_read_full_page() and
 * block_write_full_page() (their EOF handling), mm/shmem.c (2.6.11).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine.h"
#include "fs/fs.h"
#include "fs/internal.h"

/* How many bytes of page @index lie below @size: 0 .. PAGE_SIZE. */
static size_t bytes_below(int64_t size, pgoff_t index)
{
	uint64_t pos = (uint64_t)index << PAGE_SHIFT;

	if (size <= 0 || pos >= (uint64_t)size)
		return 0;
	return MIN(PAGE_SIZE, (uint64_t)size - pos);
}

static bool is_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* --- memory -------------------------------------------------------------- */

static void memory_read(struct inode *inode, pgoff_t index, void *dst,
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
}

/*
 * Stores the first @valid bytes of @src as block @index, zeros after them.
 * A block of zeros is not kept: it becomes (or stays) a hole.  The new
 * block is allocated before blocks_lock is taken.
 */
static int memory_write(struct inode *inode, pgoff_t index, const void *src,
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

/* Frees every block at or past index @first. */
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

/* --- host ---------------------------------------------------------------- */

static char *host_path(struct objvm *vm, const char *name)
{
	size_t len = strlen(vm->backing_dir) + strlen(name) + 1;
	char *path = malloc(len);

	if (path)
		snprintf(path, len, "%s%s", vm->backing_dir, name);
	return path;
}

/* mkdir -p of every directory above the file @path, below backing_dir. */
static int host_make_parents(struct objvm *vm, char *path)
{
	char *slash = path + strlen(vm->backing_dir);
	int err = 0;

	while (!err && (slash = strchr(slash + 1, '/')) != NULL) {
		*slash = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			err = -errno;
		*slash = '/';
	}
	return err;
}

/* rmdir the directories above the file @path that are empty, bottom up,
 * never backing_dir itself. */
static void host_remove_parents(struct objvm *vm, char *path)
{
	size_t base = strlen(vm->backing_dir);
	char *slash;

	while ((slash = strrchr(path, '/')) != NULL &&
	       (size_t)(slash - path) > base) {
		*slash = '\0';
		if (rmdir(path) < 0)
			break; /* not empty: an earlier machine's files */
	}
}

int backing_host_open(struct objvm *vm, const char *name, bool create, int *fd,
		      int64_t *size)
{
	int flags = O_RDWR | O_CLOEXEC;
	char *path = host_path(vm, name);
	struct stat st;
	int err = 0;

	if (!path)
		return -ENOMEM;
	if (create) {
		err = host_make_parents(vm, path);
		flags |= O_CREAT | O_EXCL;
	}
	if (!err) {
		*fd = open(path, flags, 0666);
		if (*fd < 0)
			err = -errno;
	}
	if (err && create)
		host_remove_parents(vm, path);
	free(path);
	if (err)
		return err;
	if (fstat(*fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if (err) {
		close(*fd);
		return err;
	}
	*size = st.st_size;
	return 0;
}

int backing_host_unlink(struct objvm *vm, const char *name)
{
	char *path = host_path(vm, name);
	int err = 0;

	if (!path)
		return -ENOMEM;
	if (unlink(path) < 0)
		err = -errno;
	else
		host_remove_parents(vm, path);
	free(path);
	return err;
}

static int host_read(struct inode *inode, pgoff_t index, void *dst,
		     size_t valid)
{
	off_t pos = (off_t)index << PAGE_SHIFT;
	size_t done = 0;
	ssize_t n;

	while (done < valid) {
		n = pread(inode->host_fd, (char *)dst + done, valid - done,
			  pos + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break; /* the host file ends here: a hole to i_size */
		done += (size_t)n;
	}
	memset((char *)dst + done, 0, PAGE_SIZE - done);
	return 0;
}

static int host_write(struct inode *inode, pgoff_t index, const void *src,
		      size_t valid)
{
	off_t pos = (off_t)index << PAGE_SHIFT;
	size_t done = 0;
	ssize_t n;

	while (done < valid) {
		racy_page_reads_begin(); /* tasks may store meanwhile */
		n = pwrite(inode->host_fd, (const char *)src + done,
			   valid - done, pos + (off_t)done);
		racy_page_reads_end();
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* --- the store of an inode ------------------------------------------------ */

/*
 * backing_readpage - fill the page at @index of @inode from its store.
 *
 * Bytes past i_size, and past the end of what the store holds, come back
 * as zeros.
 *
 * Context: the page lock of the page at @index held (it is being read);
 * takes blocks_lock (memory).
 * Return: 0, or a negative errno from the host.
 * Models: fs/buffer.c block_read_full_page() (2.6.11), which zeroes the
 * blocks past EOF; mm/shmem.c shmem_getpage() for shmem (a fresh page).
 */
int backing_readpage(struct inode *inode, pgoff_t index, void *dst)
{
	size_t valid = bytes_below(i_size_read(inode), index);

	switch (inode->backing) {
	case BACKING_MEMORY:
		memory_read(inode, index, dst, valid);
		return 0;
	case BACKING_HOST:
		return host_read(inode, index, dst, valid);
	case BACKING_SHMEM:
		break;
	}
	memset(dst, 0, PAGE_SIZE);
	return 0;
}

/*
 * backing_writepage - copy the page at @index of @inode into its store.
 *
 * Only the bytes below i_size are written: what a mapping stored past EOF
 * in the last page never reaches the store, and a page wholly past EOF
 * (truncated under the writer) writes nothing.
 *
 * Context: the page lock of the page at @index held; takes blocks_lock
 * (memory).
 * Return: 0, -ENOMEM (memory: no host block), or a negative errno from
 * the host.
 * Models: fs/buffer.c block_write_full_page() (2.6.11), which skips and
 * zeroes the part of the last page past i_size.
 */
int backing_writepage(struct inode *inode, pgoff_t index, const void *src)
{
	size_t valid = bytes_below(i_size_read(inode), index);

	switch (inode->backing) {
	case BACKING_MEMORY:
		return memory_write(inode, index, src, valid);
	case BACKING_HOST:
		return valid ? host_write(inode, index, src, valid) : 0;
	case BACKING_SHMEM:
		break;
	}
	return 0;
}

/*
 * backing_truncate - make the store end at @size: blocks past it are
 * dropped, the tail of the block that holds it zeroed.  Growing only
 * records the size (host: ftruncate makes the hole).
 *
 * Context: i_sem held (the caller is changing the size); takes
 * blocks_lock (memory).
 * Return: 0, -EINVAL for a negative @size, or a negative errno from the
 * host.
 * Models: the store half of vmtruncate(): ext2_truncate() (2.6.11).
 */
int backing_truncate(struct inode *inode, int64_t size)
{
	if (size < 0)
		return -EINVAL;
	switch (inode->backing) {
	case BACKING_MEMORY:
		return memory_truncate(inode, size);
	case BACKING_HOST:
		if (ftruncate(inode->host_fd, (off_t)size) < 0)
			return -errno;
		return 0;
	case BACKING_SHMEM:
		break;
	}
	return 0;
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
	switch (inode->backing) {
	case BACKING_MEMORY:
		vm_lock(&inode->blocks_lock);
		memory_drop_from(inode, 0);
		radix_tree_destroy(&inode->blocks);
		vm_unlock(&inode->blocks_lock);
		break;
	case BACKING_HOST:
		if (inode->host_fd >= 0)
			close(inode->host_fd);
		inode->host_fd = -1;
		break;
	case BACKING_SHMEM:
		break;
	}
}
