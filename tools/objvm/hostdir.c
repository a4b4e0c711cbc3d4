/*
 * tools/objvm/hostdir.c - --host-dir, and the host paths a scenario may
 * name (hostdir.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostdir.h"

static char host_dir[4096]; /* "" without --host-dir */

/*
 * Append the @len bytes of @path to the canonical absolute path @out
 * (@size bytes, holding "/" or "/a/b"), component by component: empty
 * and `.` components dropped.  -1 with @why for `..` or overflow.
 */
static int path_append(char *out, size_t size, const char *path, size_t len,
		       char *why, size_t whysize)
{
	size_t n = strlen(out), i = 0;

	while (i < len) {
		size_t s = i, c;

		while (i < len && path[i] != '/')
			i++;
		c = i - s;
		i++;
		if (c == 0 || (c == 1 && path[s] == '.'))
			continue;
		if (c == 2 && path[s] == '.' && path[s + 1] == '.') {
			snprintf(why, whysize, "'..' is not allowed");
			return -1;
		}
		if (n + (n > 1) + c + 1 > size) {
			snprintf(why, whysize, "path too long");
			return -1;
		}
		if (n > 1)
			out[n++] = '/';
		memcpy(out + n, path + s, c);
		n += c;
		out[n] = '\0';
	}
	return 0;
}

int host_dir_set(const char *dir, char *why, size_t size)
{
	char cwd[4096];
	struct stat st;

	snprintf(host_dir, sizeof(host_dir), "/");
	if (dir[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)) ||
		    path_append(host_dir, sizeof(host_dir), cwd, strlen(cwd),
				why, size) < 0)
			goto fail;
	}
	if (path_append(host_dir, sizeof(host_dir), dir, strlen(dir), why,
			size) < 0)
		goto fail;
	if (stat(host_dir, &st) < 0) {
		snprintf(why, size, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, size, "not a directory");
		goto fail;
	}
	return 0;
fail:
	host_dir[0] = '\0';
	return -1;
}

const char *host_dir_get(void)
{
	return host_dir[0] ? host_dir : NULL;
}

/* Is @path (canonical, absolute) at or under the host directory? */
static size_t under_host_dir(const char *path)
{
	size_t n = strlen(host_dir);

	if (strcmp(host_dir, "/") == 0)
		return 1;
	if (strncmp(path, host_dir, n) != 0 || (path[n] && path[n] != '/'))
		return 0;
	return n;
}

int host_path_resolve(const char *path, size_t len, char *out, size_t size,
		      char *why, size_t whysize)
{
	struct stat st;
	size_t base;
	char *p;

	if (!host_dir[0]) {
		snprintf(why, whysize, "no --host-dir given");
		return -1;
	}
	snprintf(out, size, "%s", len && path[0] == '/' ? "/" : host_dir);
	if (path_append(out, size, path, len, why, whysize) < 0)
		return -1;
	base = under_host_dir(out);
	if (!base) {
		snprintf(why, whysize, "not under --host-dir %s", host_dir);
		return -1;
	}
	/* Below the host directory, no component may be a link. */
	for (p = out + base; *p;) {
		char *slash = strchr(p + 1, '/');

		if (slash)
			*slash = '\0';
		if (lstat(out, &st) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(why, whysize, "%s is a symbolic link", out);
			if (slash)
				*slash = '/';
			return -1;
		}
		if (!slash)
			break;
		*slash = '/';
		p = slash;
	}
	return 0;
}

int host_dir_option(const char *prog, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *dir;
	char why[160];

	if (strncmp(arg, "--host-dir=", 11) == 0) {
		dir = arg + 11;
	} else if (strcmp(arg, "--host-dir") == 0) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "objvm %s: --host-dir needs DIR\n",
				prog);
			return -1;
		}
		dir = argv[++*i];
	} else {
		return 0;
	}
	if (!dir[0] || host_dir_set(dir, why, sizeof(why)) < 0) {
		fprintf(stderr, "objvm %s: --host-dir %s: %s\n", prog, dir,
			dir[0] ? why : "empty");
		return -1;
	}
	return 1;
}
