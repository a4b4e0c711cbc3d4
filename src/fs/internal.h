/*
 * fs/internal.h - what the files of fs/ share and nothing else needs.
 *
 * The host side of BACKING_HOST (finding, creating and unlinking the real
 * file behind an objvm path) lives in store_host.c but is driven by the
 * namespace; these declarations connect the two.  Everything others may
 * call is in fs.h.
 */
#ifndef OBJVM_FS_INTERNAL_H
#define OBJVM_FS_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fs/fs.h"

/* Linux PATH_MAX and NAME_MAX: a path holds at most 4095 bytes, a
 * component at most 255. */
#define FS_PATH_MAX 4095
#define FS_NAME_MAX 255

/*
 * struct namespace - vm->ns; everything under vm->ns_lock except nr_clear
 * and host_dirfd (fixed).  (The brace is clang-format's: it takes
 * "namespace" for the C++ keyword.)
 */
struct ns_entry;
struct namespace
{
	struct ns_entry **buckets;
	size_t nr_buckets; /* a power of two */
	size_t nr_entries;
	atomic_long nr_clear; /* I_CLEAR inodes left on vm->inodes */

	/* BACKING_HOST: */
	int host_dirfd;              /* O_PATH descriptor of backing_dir */
	struct inode **host_buckets; /* linked inodes by (st_dev, st_ino) */
	size_t nr_host_buckets;      /* a power of two, or 0 */
	size_t nr_host;
};

/* Set when the host kernel has no openat2: names are then resolved one
 * component at a time (tests set it to try that path). */
extern atomic_bool host_no_openat2;

/*
 * backing_host_open - open the host file behind objvm path @name.
 *
 * @name resolves beneath the backing directory without following a
 * symlink in any component.  With @create, makes the missing directories
 * above it and creates the file, which must not exist yet; without, opens
 * only an existing file.  The descriptor is read-only for an @accmode of
 * OBJVM_O_RDONLY, read-write otherwise.
 *
 * Context: vm->ns_lock held (the namespace and the host directory change
 * together).
 * Return: 0 with *@fd and *@st set; -ENOENT when @name does not exist
 * and !@create; -EISDIR for a directory; -ELOOP for a symlink on the way;
 * another negative errno from the host.
 */
int backing_host_open(struct objvm *vm, const char *name, bool create,
		      int accmode, int *fd, struct stat *st);

/* Gives a new inode the descriptor and identity backing_host_open()
 * returned.  Context: the inode is not visible yet. */
void host_inode_init(struct inode *inode, int fd, int accmode,
		     const struct stat *st);

/* Hands an inode one more descriptor of its host file (a second name was
 * opened): kept when the inode has none or only a read-only one, else
 * closed.  Context: takes blocks_lock. */
void host_inode_adopt(struct inode *inode, int fd, int accmode);

/* Records @name (or NULL) as the name to reopen the host file by.
 * Context: ns_lock held; takes blocks_lock.  Return: 0 or -ENOMEM. */
int host_inode_set_name(struct inode *inode, const char *name);

/*
 * backing_host_unlink - remove the host file behind @name, then every
 * directory above it that is left empty (up to the backing directory).
 *
 * Context: vm->ns_lock held.
 * Return: 0 or the negative errno of unlink(2).
 */
int backing_host_unlink(struct objvm *vm, const char *name);

/* The ->open and ->close of the stores that hold nothing per file. */
int backing_open_nothing(struct inode *inode, int accmode);
void backing_close_nothing(struct inode *inode);

/* The ->reserve of the stores that take their space with the page. */
ssize_t backing_reserve_nothing(struct inode *inode, int64_t off, size_t len);

#endif /* OBJVM_FS_INTERNAL_H */
