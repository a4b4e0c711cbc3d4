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

#include <stdbool.h>
#include <stdint.h>

#include "fs/fs.h"

/* Linux PATH_MAX and NAME_MAX: a path holds at most 4095 bytes, a
 * component at most 255. */
#define FS_PATH_MAX 4095
#define FS_NAME_MAX 255

/*
 * backing_host_open - open the host file behind objvm path @name.
 *
 * With @create, makes the missing directories above it and creates the
 * file, which must not exist yet; without, opens only an existing file.
 * The host file is always opened read-write: one descriptor serves every
 * objvm open of the inode.
 *
 * Context: vm->ns_lock held (the namespace and the host directory change
 * together).
 * Return: 0 with *@fd and *@size set; -ENOENT when @name does not exist
 * and !@create; -EISDIR for a directory; another negative errno from the
 * host.
 */
int backing_host_open(struct objvm *vm, const char *name, bool create, int *fd,
		      int64_t *size);

/*
 * backing_host_unlink - remove the host file behind @name, then every
 * directory above it that is left empty (up to the backing directory).
 *
 * Context: vm->ns_lock held.
 * Return: 0 or the negative errno of unlink(2).
 */
int backing_host_unlink(struct objvm *vm, const char *name);

/* The ->reserve of the stores that take their space with the page. */
ssize_t backing_reserve_nothing(struct inode *inode, int64_t off, size_t len);

#endif /* OBJVM_FS_INTERNAL_H */
