/*
 * fs/store_host.c - the host store: one real file per objvm file.
 *
 * The file behind objvm path P is backing_dir + P, read and written with
 * pread/pwrite and cut with ftruncate.  The namespace drives the host
 * side of names (finding, creating and unlinking host files, see
 * fs/internal.h); the operations below move the bytes.
 *
 * Models: the block half of fs/buffer.c block_read_full_page() and
 * block_write_full_page(), with the host's filesystem as the disk
 * (2.6.11).
 */
#define _GNU_SOURCE /* fallocate */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine.h"
#include "fs/fs.h"
#include "fs/internal.h"

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

static int host_readpage(struct inode *inode, pgoff_t index, void *dst,
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

static int host_writepage(struct inode *inode, pgoff_t index, const void *src,
			  size_t valid)
{
	off_t pos = (off_t)index << PAGE_SHIFT;
	size_t done = 0;
	ssize_t n;

	while (done < valid) {
		n = pwrite(inode->host_fd, (const char *)src + done,
			   valid - done, pos + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

static bool no_room(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EFBIG;
}

static int host_fallocate(int fd, int mode, int64_t off, int64_t len)
{
	int ret;

	do
		ret = fallocate(fd, mode, (off_t)off, (off_t)len);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

/*
 * Allocates the host blocks of [off, off + len) without changing the host
 * file's size, so the write-back of those bytes finds them.  When the
 * whole range does not fit, page by page to find how much does (a failed
 * fallocate allocates nothing, or what it did stays allocated: both are
 * fine).  A host filesystem without fallocate reserves nothing: write-back
 * reports a lack of space there.
 */
static ssize_t host_reserve(struct inode *inode, int64_t off, size_t len)
{
	int64_t pos = off, end = off + (int64_t)len, next;
	int fd = inode->host_fd, err;

	err = host_fallocate(fd, FALLOC_FL_KEEP_SIZE, off, (int64_t)len);
	if (!err || !no_room(-err))
		return (ssize_t)len;
	while (pos < end) {
		next = MIN(end,
			   (int64_t)(((uint64_t)pos & PAGE_MASK) + PAGE_SIZE));
		if (host_fallocate(fd, FALLOC_FL_KEEP_SIZE, pos, next - pos))
			break;
		pos = next;
	}
	return pos > off ? (ssize_t)(pos - off) : err;
}

/*
 * ftruncate, then give back what host_reserve() allocated past the new
 * end (ftruncate keeps blocks past EOF when the size grows or stays).
 */
static int host_truncate(struct inode *inode, int64_t size)
{
	int64_t from = (int64_t)(((uint64_t)size + PAGE_SIZE - 1) & PAGE_MASK);

	if (ftruncate(inode->host_fd, (off_t)size) < 0)
		return -errno;
	if (from < MAX_LFS_FILESIZE)
		host_fallocate(inode->host_fd,
			       FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, from,
			       MAX_LFS_FILESIZE - from);
	return 0;
}

static void host_release(struct inode *inode)
{
	if (inode->host_fd >= 0)
		close(inode->host_fd);
	inode->host_fd = -1;
}

const struct backing_operations host_backing_ops = {
	.name = "host",
	.caps = 0,
	.readpage = host_readpage,
	.writepage = host_writepage,
	.reserve = host_reserve,
	.truncate = host_truncate,
	.release = host_release,
};
