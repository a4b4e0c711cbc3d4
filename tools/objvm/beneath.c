/*
 * tools/objvm/beneath.c - scenario paths below a directory descriptor,
 * without following symbolic links (beneath.h).
 *
 * openat2(2) does the whole walk in the kernel, atomically with respect
 * to renames and links planted meanwhile.  The fallback opens one
 * component at a time with O_NOFOLLOW (O_PATH | O_DIRECTORY for the
 * directories), which gives the same guarantee: each step starts from a
 * descriptor already known to be below @dirfd, and none follows a link.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "beneath.h"

#define RESOLVE_FLAGS \
	(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)
#define DIR_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* Until the kernel says ENOSYS; $OBJVM_NO_OPENAT2 (tests) says no. */
static int have_openat2 = -1;

/* The next component of *@p (a slash-separated path): its start, and its
 * length in *@len; NULL at the end.  Empty and `.` components are
 * skipped. */
static const char *next_comp(const char **p, size_t *len)
{
	const char *s = *p;

	for (;;) {
		while (*s == '/')
			s++;
		if (!*s)
			return NULL;
		*len = strcspn(s, "/");
		*p = s + *len;
		if (!(*len == 1 && s[0] == '.'))
			return s;
		s += *len;
	}
}

/* Copy a component into @buf (NAME_MAX + 1 bytes); -1 with errno. */
static int comp_name(char *buf, const char *s, size_t len)
{
	if (len > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (len == 2 && s[0] == '.' && s[1] == '.') {
		errno = EXDEV; /* as RESOLVE_BENEATH says for an escape */
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

static bool is_link(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISLNK(st.st_mode);
}

static int walk_open(int dirfd, const char *path, int flags, mode_t mode)
{
	char name[NAME_MAX + 1];
	const char *p = path, *s;
	size_t len;
	int cur, next, saved;

	cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0)
		return -1;
	s = next_comp(&p, &len);
	if (!s) /* the directory itself */
		return cur;
	for (;;) {
		const char *after = p;
		size_t len2;
		bool last = !next_comp(&after, &len2);

		if (comp_name(name, s, len) < 0) {
			saved = errno;
			close(cur);
			errno = saved;
			return -1;
		}
		if (last) {
			next = openat(cur, name, flags | O_NOFOLLOW, mode);
			saved = errno;
			close(cur);
			errno = saved;
			return next;
		}
		next = openat(cur, name, DIR_FLAGS);
		saved = errno;
		if (next < 0 && saved == ENOTDIR && is_link(cur, name))
			saved = ELOOP; /* as openat2 says */
		close(cur);
		if (next < 0) {
			errno = saved;
			return -1;
		}
		cur = next;
		s = next_comp(&p, &len);
	}
}

int beneath_open(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {0};
	long fd;

	if (have_openat2 < 0)
		have_openat2 = !getenv("OBJVM_NO_OPENAT2");
	if (have_openat2) {
		how.flags = (unsigned long long)flags;
		how.mode = flags & (O_CREAT | O_TMPFILE) ? mode : 0;
		how.resolve = RESOLVE_FLAGS;
		while (*path == '/')
			path++;
		fd = syscall(SYS_openat2, dirfd, *path ? path : ".", &how,
			     sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return (int)fd;
		have_openat2 = 0;
	}
	return walk_open(dirfd, path, flags, mode);
}

/*
 * The directory that holds the last component of @path, opened below
 * @dirfd (O_PATH); the component is copied to @last.  -1 with errno.
 */
static int parent_open(int dirfd, const char *path, char *last)
{
	const char *end = path + strlen(path), *slash;
	char *parent;
	int fd, saved;

	while (end > path && end[-1] == '/')
		end--;
	for (slash = end; slash > path && slash[-1] != '/'; slash--)
		;
	if (comp_name(last, slash, (size_t)(end - slash)) < 0)
		return -1;
	parent = strndup(path, (size_t)(slash - path));
	if (!parent) {
		errno = ENOMEM;
		return -1;
	}
	fd = beneath_open(dirfd, parent, DIR_FLAGS, 0);
	saved = errno;
	free(parent);
	errno = saved;
	return fd;
}

void beneath_mkdirs(int dirfd, const char *path, mode_t mode)
{
	char name[NAME_MAX + 1];
	const char *p = path, *s, *after;
	size_t len, len2;
	int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0), next;

	while (cur >= 0 && (s = next_comp(&p, &len))) {
		after = p;
		if (!next_comp(&after, &len2) || comp_name(name, s, len) < 0)
			break; /* the last component is not ours to make */
		mkdirat(cur, name, mode); /* EEXIST if there, even as a link */
		next = openat(cur, name, DIR_FLAGS);
		close(cur);
		cur = next;
	}
	if (cur >= 0)
		close(cur);
}

int beneath_unlink(int dirfd, const char *path)
{
	char last[NAME_MAX + 1];
	int fd = parent_open(dirfd, path, last), rc, saved;

	if (fd < 0)
		return -1;
	rc = unlinkat(fd, last, 0);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}
