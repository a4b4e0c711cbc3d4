/*
 * tools/objvm/oracle_maps.c - `T: maps` on the kernel: the task process's
 * VMAs from /proc/self/maps, written as objvm writes its own (show.c).
 *
 * Only the memory the scenario owns is shown (oracle_mem.c): a kernel VMA
 * is cut to the runs of owned memory it meets, so the oracle's own mappings (its
 * code, libraries, heap, stack and the guard above the scenario's
 * mappings) never appear, even where a scenario VMA merged with the guard.
 * A file's path is the scenario's: the private directory is taken off the
 * front, and the kernel's " (deleted)" off the end.  Anonymous memory
 * reads `[anon]`: private at offset 0, shared (the kernel's "/dev/zero
 * (deleted)", a shmem file) at its offset in that file, as objvm writes
 * them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oracle.h"
#include "run.h"

/* The whole of /proc/self/maps, NUL-terminated; NULL on failure. */
static char *read_maps(void)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap), *p;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!buf || fd < 0)
		goto fail;
	for (;;) {
		if (len + 1 >= cap) {
			p = realloc(buf, cap * 2);
			if (!p)
				goto fail;
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* Parse "start-end perms offset dev inode   path" into @mi; the path is
 * cut out of @line in place.  False for a line of another shape. */
static bool parse_line(char *line, const char *root, struct objvm_map_info *mi)
{
	char perms[5], *path, *del;
	unsigned long long start, end, off;
	size_t rootlen = strlen(root);
	int n = 0;

	if (sscanf(line, "%llx-%llx %4s %llx %*s %*s %n", &start, &end, perms,
		   &off, &n) < 4 ||
	    n == 0)
		return false;
	path = line + n;
	del = strstr(path, " (deleted)");
	if (del && del[10] == '\0')
		*del = '\0';
	*mi = (struct objvm_map_info){
		.start = start,
		.end = end,
		.prot = (perms[0] == 'r' ? OBJVM_PROT_READ : 0) |
			(perms[1] == 'w' ? OBJVM_PROT_WRITE : 0) |
			(perms[2] == 'x' ? OBJVM_PROT_EXEC : 0),
		.mayshare = perms[3] == 's',
	};
	if (rootlen && strncmp(path, root, rootlen) == 0 &&
	    path[rootlen] == '/')
		mi->path = path + rootlen;
	/* Shared anonymous memory is a shmem file: its offset counts. */
	if (mi->path || (mi->mayshare && strcmp(path, "/dev/zero") == 0))
		mi->pgoff = off / OBJVM_PAGE_SIZE;
	return true;
}

/* The @i-th run of owned memory: owned spans that touch, joined (a VMA
 * may be made of several mmaps).  Advances *@i past the run. */
static bool owned_run(size_t *i, uint64_t *start, uint64_t *end)
{
	uint64_t s, e;

	if (!oracle_mem_owned(*i, start, end))
		return false;
	for ((*i)++; oracle_mem_owned(*i, &s, &e) && s == *end; (*i)++)
		*end = e;
	return true;
}

void oracle_maps(const struct run_task *self, const char *root,
		 struct result *res)
{
	char *buf = read_maps(), *line, *nl;
	struct objvm_map_info mi, part;
	unsigned int nr = 0;
	uint64_t s, e;
	size_t i;

	if (!buf) {
		result_error(res, "/proc/self/maps: %s", strerror(errno));
		return;
	}
	for (line = buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (!parse_line(line, root, &mi))
			continue;
		for (i = 0; owned_run(&i, &s, &e);) {
			if (e <= mi.start || s >= mi.end)
				continue;
			part = mi;
			part.start = s > mi.start ? s : mi.start;
			part.end = e < mi.end ? e : mi.end;
			if (part.path || part.mayshare)
				part.pgoff += (part.start - mi.start) /
					      OBJVM_PAGE_SIZE;
			maps_put(self, &part, nr++, res);
		}
	}
	free(buf);
}
