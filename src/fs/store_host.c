/*
 * fs/store_host.c - the host store: one real file per objvm file.
 *
 * The file behind objvm path /P is P beneath the backing directory, read
 * and written with pread/pwrite, reserved with fallocate and cut with
 * ftruncate.  Three rules make it safe and frugal on the host:
 *
 *  Names resolve beneath the backing directory and never through a
 *  symlink, in any component: openat2(RESOLVE_BENEATH |
 *  RESOLVE_NO_SYMLINKS) from a descriptor of the directory, or, where
 *  the kernel has no openat2 (ENOSYS), one component at a time with
 *  O_NOFOLLOW.  A symlink gives -ELOOP, as RESOLVE_NO_SYMLINKS does.
 *
 *  A host file is one inode however many objvm names reach it: inodes
 *  are found by the host's (st_dev, st_ino), so two hard links share one
 *  page cache (fs/namespace.c keeps the table).
 *
 *  The host descriptor is opened with the access asked for (read-only
 *  for rdonly opens, read-write once any open may write) and held only
 *  while a struct file is open (a VMA holds its file) or an I/O is in
 *  flight.  Dirty pages left after the last close are written through a
 *  descriptor opened again for the write-back, by a name the file still
 *  has, and checked to be the same (st_dev, st_ino).
 *
 *   closed --[open / I/O: host_get]--> open(mode) --[last close, no
 *     ^                                     |        I/O: host_put]--+
 *     +-------------------------------------+------------------------+
 *   (an open that may write while mode is read-only reopens read-write
 *    and dup2()s the new descriptor over the old number)
 *
 * Locks: inode->host (fd, mode, counts, name) under blocks_lock, which is
 * never held across an I/O.
 *
 * Models: the block half of fs/buffer.c block_read_full_page() and
 * block_write_full_page(), with the host's filesystem as the disk
 * (2.6.11); fs/namei.c's RESOLVE_BENEATH (5.6).
 */
#define _GNU_SOURCE /* fallocate, O_PATH */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "machine.h"
#include "fs/fs.h"
#include "fs/internal.h"

atomic_bool host_no_openat2;

/* --- resolving names beneath the backing directory ------------------------ */

static int host_dirfd(struct objvm *vm)
{
	return ((struct namespace *)vm->ns)->host_dirfd;
}

/*
 * Opens @rel (relative, normalised: no "", "." or ".." components) below
 * @dirfd one component at a time: each directory with O_PATH|O_NOFOLLOW
 * and checked to be a directory, the last with @flags|O_NOFOLLOW.  With
 * @make, every component is a directory, made when missing (mkdir -p).
 */
static int walk_beneath(int dirfd, const char *rel, int flags, mode_t mode,
			bool make)
{
	char comp[FS_NAME_MAX + 1];
	const char *p = rel, *slash;
	int fd = dirfd, next, err;
	struct stat st;
	size_t len;

	while ((slash = strchr(p, '/')) != NULL) {
		len = (size_t)(slash - p);
		if (len > FS_NAME_MAX) {
			err = -ENAMETOOLONG;
			goto out;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (make && mkdirat(fd, comp, 0777) < 0 && errno != EEXIST) {
			err = -errno;
			goto out;
		}
		next = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			err = -errno;
			goto out;
		}
		if (fd != dirfd)
			close(fd);
		fd = next;
		if (fstat(fd, &st) < 0) {
			err = -errno;
			goto out;
		}
		if (!S_ISDIR(st.st_mode)) {
			err = S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
			goto out;
		}
		p = slash + 1;
	}
	if (make && mkdirat(fd, p, 0777) < 0 && errno != EEXIST) {
		err = -errno;
		goto out;
	}
	next = openat(fd, p, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	err = next < 0 ? -errno : next;
	/* O_PATH|O_DIRECTORY on a symlink says ENOTDIR: say ELOOP. */
	if (err == -ENOTDIR && fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		err = -ELOOP;
out:
	if (fd != dirfd)
		close(fd);
	return err;
}

/*
 * host_openat - open @rel beneath the backing directory without following
 * a symlink anywhere.
 *
 * Return: a descriptor, or a negative errno: -ELOOP for a symlink in any
 * component, -ENOENT, -ENOTDIR, -EACCES... from the host.
 */
static int host_openat(struct objvm *vm, const char *rel, int flags,
		       mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
	};
	long fd;

	if (!atomic_load_explicit(&host_no_openat2, memory_order_relaxed)) {
		do
			fd = syscall(SYS_openat2, host_dirfd(vm), rel, &how,
				     sizeof(how));
		while (fd < 0 && errno == EINTR);
		if (fd >= 0)
			return (int)fd;
		if (errno != ENOSYS)
			return -errno;
		atomic_store(&host_no_openat2, true);
	}
	return walk_beneath(host_dirfd(vm), rel, flags, mode, false);
}

/* An O_PATH descriptor of the directory that holds @name's last
 * component; *@last points at that component.  @make: mkdir -p. */
static int host_parent(struct objvm *vm, const char *name, bool make,
		       const char **last)
{
	const char *slash = strrchr(name, '/');
	char *dir;
	int fd;

	*last = slash + 1;
	if (slash == name) {
		fd = fcntl(host_dirfd(vm), F_DUPFD_CLOEXEC, 0);
		return fd < 0 ? -errno : fd;
	}
	dir = strndup(name + 1, (size_t)(slash - name - 1));
	if (!dir)
		return -ENOMEM;
	if (make)
		fd = walk_beneath(host_dirfd(vm), dir, O_PATH | O_DIRECTORY, 0,
				  true);
	else
		fd = host_openat(vm, dir, O_PATH | O_DIRECTORY, 0);
	free(dir);
	return fd;
}

/* rmdir, bottom up, the directories above @name that are left empty;
 * never the backing directory itself. */
static void host_remove_parents(struct objvm *vm, const char *name)
{
	char *path = strdup(name), *slash;
	const char *last;
	int dfd, ret;

	if (!path)
		return;
	while ((slash = strrchr(path, '/')) != NULL && slash != path) {
		*slash = '\0';
		dfd = host_parent(vm, path, false, &last);
		if (dfd < 0)
			break;
		ret = unlinkat(dfd, last, AT_REMOVEDIR);
		close(dfd);
		if (ret < 0)
			break; /* not empty: other files, or an earlier machine's */
	}
	free(path);
}

/* O_RDONLY for an open that only reads, O_RDWR for anything else: the
 * page cache reads a page before a partial write of it. */
static int host_mode(int accmode)
{
	return (accmode & OBJVM_O_ACCMODE) == OBJVM_O_RDONLY ? O_RDONLY
							     : O_RDWR;
}

int backing_host_open(struct objvm *vm, const char *name, bool create,
		      int accmode, int *fd, struct stat *st)
{
	int flags = host_mode(accmode), err, dfd;
	const char *last;

	if (create) {
		dfd = host_parent(vm, name, true, &last);
		if (dfd < 0) {
			err = dfd;
			goto fail;
		}
		*fd = openat(dfd, last,
			     flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     0666);
		err = *fd < 0 ? -errno : 0;
		close(dfd);
	} else {
		*fd = host_openat(vm, name + 1, flags, 0);
		err = *fd < 0 ? *fd : 0;
	}
	if (err)
		goto fail;
	if (fstat(*fd, st) < 0)
		err = -errno;
	else if (!S_ISREG(st->st_mode))
		err = S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	if (!err)
		return 0;
	close(*fd);
fail:
	if (create)
		host_remove_parents(vm, name);
	return err;
}

int backing_host_unlink(struct objvm *vm, const char *name)
{
	const char *last;
	int dfd, err = 0;

	dfd = host_parent(vm, name, false, &last);
	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, last, 0) < 0)
		err = -errno;
	close(dfd);
	if (!err)
		host_remove_parents(vm, name);
	return err;
}

/* --- the descriptor of an inode ------------------------------------------- */

/*
 * Opens the host file of @inode again, by its name, for @mode.  The file
 * must still be the one the inode was made from.
 * Context: blocks_lock held.
 */
static int host_reopen(struct inode *inode, int mode)
{
	struct stat st;
	int fd;

	if (!inode->host.name)
		return -ESTALE; /* no name left: nothing can reach it */
	fd = host_openat(inode->vm, inode->host.name + 1, mode, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || st.st_dev != inode->host.dev ||
	    st.st_ino != inode->host.ino) {
		close(fd);
		return -ESTALE; /* replaced on the host behind objvm's back */
	}
	return fd;
}

/*
 * Makes inode->host.fd allow @mode: opens it when closed, reopens it
 * read-write over the same number when it is read-only and @mode is not.
 * Context: blocks_lock held.
 */
static int host_fd_allow(struct inode *inode, int mode)
{
	int fd;

	if (inode->host.fd >= 0 &&
	    (mode == O_RDONLY || inode->host.mode == O_RDWR))
		return 0;
	fd = host_reopen(inode, mode);
	if (fd < 0)
		return fd;
	if (inode->host.fd < 0) {
		inode->host.fd = fd;
	} else {
		/* Readers using the old number meanwhile read either
		 * description of the same file: dup2 swaps atomically. */
		if (dup2(fd, inode->host.fd) < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		close(fd);
	}
	inode->host.mode = mode;
	return 0;
}

/* Closes the descriptor once nothing holds it.  blocks_lock held. */
static void host_fd_idle(struct inode *inode)
{
	if (inode->host.nr_files || inode->host.nr_io || inode->host.fd < 0)
		return;
	close(inode->host.fd);
	inode->host.fd = -1;
}

/* A descriptor of @inode's host file allowing @mode, held for one I/O
 * until host_put(); a negative errno when it cannot be had. */
static int host_get(struct inode *inode, int mode)
{
	int err;

	vm_lock(&inode->blocks_lock);
	err = host_fd_allow(inode, mode);
	if (!err) {
		inode->host.nr_io++;
		err = inode->host.fd;
	}
	vm_unlock(&inode->blocks_lock);
	return err;
}

static void host_put(struct inode *inode)
{
	vm_lock(&inode->blocks_lock);
	inode->host.nr_io--;
	host_fd_idle(inode);
	vm_unlock(&inode->blocks_lock);
}

void host_inode_init(struct inode *inode, int fd, int accmode,
		     const struct stat *st)
{
	inode->host.fd = fd;
	inode->host.mode = host_mode(accmode);
	inode->host.dev = st->st_dev;
	inode->host.ino = st->st_ino;
}

void host_inode_adopt(struct inode *inode, int fd, int accmode)
{
	vm_lock(&inode->blocks_lock);
	if (inode->host.fd < 0) {
		inode->host.fd = fd;
		inode->host.mode = host_mode(accmode);
		fd = -1;
	} else if (inode->host.mode == O_RDONLY &&
		   host_mode(accmode) == O_RDWR &&
		   dup2(fd, inode->host.fd) >= 0) {
		inode->host.mode = O_RDWR;
	}
	vm_unlock(&inode->blocks_lock);
	if (fd >= 0)
		close(fd);
}

int host_inode_set_name(struct inode *inode, const char *name)
{
	char *copy = name ? strdup(name) : NULL, *old;

	if (name && !copy)
		return -ENOMEM;
	vm_lock(&inode->blocks_lock);
	old = inode->host.name;
	inode->host.name = copy;
	vm_unlock(&inode->blocks_lock);
	free(old);
	return 0;
}

/* --- the operations -------------------------------------------------------- */

/* A struct file opens: it holds the descriptor, which must allow what the
 * file may do (reopened read-write for the first writable open). */
static int host_open(struct inode *inode, int accmode)
{
	int err;

	vm_lock(&inode->blocks_lock);
	err = host_fd_allow(inode, host_mode(accmode));
	if (!err)
		inode->host.nr_files++;
	vm_unlock(&inode->blocks_lock);
	return err;
}

static void host_close(struct inode *inode)
{
	vm_lock(&inode->blocks_lock);
	VM_BUG_ON(inode->host.nr_files == 0);
	inode->host.nr_files--;
	host_fd_idle(inode);
	vm_unlock(&inode->blocks_lock);
}

static int host_readpage(struct inode *inode, pgoff_t index, void *dst,
			 size_t valid)
{
	off_t pos = (off_t)index << PAGE_SHIFT;
	size_t done = 0;
	ssize_t n;
	int fd;

	if (valid) {
		fd = host_get(inode, O_RDONLY);
		if (fd < 0)
			return fd;
		while (done < valid) {
			n = pread(fd, (char *)dst + done, valid - done,
				  pos + (off_t)done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				n = -errno;
				host_put(inode);
				return (int)n;
			}
			if (n == 0)
				break; /* the host file ends: a hole to i_size */
			done += (size_t)n;
		}
		host_put(inode);
	}
	memset((char *)dst + done, 0, PAGE_SIZE - done);
	return 0;
}

static int host_writepage(struct inode *inode, pgoff_t index, const void *src,
			  size_t valid)
{
	off_t pos = (off_t)index << PAGE_SHIFT;
	size_t done = 0;
	int fd, err = 0;
	ssize_t n;

	if (!valid)
		return 0;
	fd = host_get(inode, O_RDWR);
	if (fd < 0)
		return fd;
	while (done < valid) {
		racy_page_reads_begin(); /* tasks may store meanwhile */
		n = pwrite(fd, (const char *)src + done, valid - done,
			   pos + (off_t)done);
		racy_page_reads_end();
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		done += (size_t)n;
	}
	host_put(inode);
	return err;
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
	int fd, err;

	fd = host_get(inode, O_RDWR);
	if (fd < 0)
		return fd;
	err = host_fallocate(fd, FALLOC_FL_KEEP_SIZE, off, (int64_t)len);
	if (err && no_room(-err)) {
		while (pos < end) {
			next = (int64_t)(((uint64_t)pos & PAGE_MASK) +
					 PAGE_SIZE);
			next = MIN(end, next);
			if (host_fallocate(fd, FALLOC_FL_KEEP_SIZE, pos,
					   next - pos))
				break;
			pos = next;
		}
		end = pos;
	}
	host_put(inode);
	if (end == off)
		return err;
	return (ssize_t)(end - off);
}

/*
 * ftruncate, then give back what host_reserve() allocated past the new
 * end (ftruncate keeps blocks past EOF when the size grows or stays).
 */
static int host_truncate(struct inode *inode, int64_t size)
{
	int64_t from = (int64_t)(((uint64_t)size + PAGE_SIZE - 1) & PAGE_MASK);
	int fd, err = 0;

	fd = host_get(inode, O_RDWR);
	if (fd < 0)
		return fd;
	if (ftruncate(fd, (off_t)size) < 0)
		err = -errno;
	else if (from < MAX_LFS_FILESIZE)
		host_fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       from, MAX_LFS_FILESIZE - from);
	host_put(inode);
	return err;
}

static void host_release(struct inode *inode)
{
	vm_lock(&inode->blocks_lock);
	if (inode->host.fd >= 0)
		close(inode->host.fd);
	inode->host.fd = -1;
	free(inode->host.name);
	inode->host.name = NULL;
	vm_unlock(&inode->blocks_lock);
}

const struct backing_operations host_backing_ops = {
	.name = "host",
	.caps = 0,
	.open = host_open,
	.close = host_close,
	.readpage = host_readpage,
	.writepage = host_writepage,
	.reserve = host_reserve,
	.truncate = host_truncate,
	.release = host_release,
};
