/*
 * tools/objvm/beneath.h - opening scenario paths below a directory, never
 * through a symbolic link.
 *
 * A scenario names files as `/db/table`; the oracle keeps them below its
 * private directory, and `objvm diff` reads them back.  Every such path is
 * resolved relative to a directory descriptor with openat2(2) and
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS: no component may be a symbolic
 * link (ELOOP) and no `..` may climb above the directory (EXDEV).  Where
 * the kernel has no openat2 (ENOSYS, before 5.6), each component is opened
 * in turn with O_NOFOLLOW, and `..` is refused (EXDEV); so it is too when
 * the environment has OBJVM_NO_OPENAT2 set (for the tests).
 *
 * The functions return what open(2), mkdir(2) and unlink(2) return: a
 * descriptor or 0 on success, -1 with errno set on failure.
 */
#ifndef OBJVM_TOOLS_BENEATH_H
#define OBJVM_TOOLS_BENEATH_H

#include <sys/types.h>

/*
 * beneath_open - open @path (leading slashes ignored) below @dirfd with
 * open(2) @flags and @mode, following no symbolic link in any component.
 */
int beneath_open(int dirfd, const char *path, int flags, mode_t mode);

/* beneath_mkdirs - make every directory above the last component of
 * @path below @dirfd (those that exist are kept); errors are ignored, as
 * the open that follows reports them. */
void beneath_mkdirs(int dirfd, const char *path, mode_t mode);

/* beneath_unlink - unlink(2) @path below @dirfd; the last component
 * itself may be a link (the link is removed, as unlink does). */
int beneath_unlink(int dirfd, const char *path);

#endif /* OBJVM_TOOLS_BENEATH_H */
