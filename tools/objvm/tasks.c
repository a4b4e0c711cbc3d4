/*
 * tools/objvm/tasks.c - the names a scenario binds while it runs.
 *
 * Task names are global; descriptor and mapping names belong to the task
 * that bound them, and fork copies them into the child.  A name stays
 * bound until a later open, mmap or mremap rebinds it: after close or
 * munmap it still stands for the old value, as the spec requires.
 * Scenarios are small, so every table is an array searched in order.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static void *grow(void *arr, size_t nr, size_t size)
{
	void *p = realloc(arr, (nr + 1) * size);

	if (!p) {
		fputs("objvm: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

struct run_task *task_find(const struct run_ctx *ctx, const char *name)
{
	size_t i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (strcmp(ctx->tasks[i]->name, name) == 0)
			return ctx->tasks[i];
	return NULL;
}

struct run_task *task_add(struct run_ctx *ctx, const char *name,
			  struct objvm_task *task)
{
	struct run_task *t = calloc(1, sizeof(*t));

	if (!t) {
		fputs("objvm: out of memory\n", stderr);
		exit(2);
	}
	t->name = name;
	t->task = task;
	ctx->tasks = grow(ctx->tasks, ctx->nr_tasks, sizeof(*ctx->tasks));
	ctx->tasks[ctx->nr_tasks++] = t;
	return t;
}

static void *dup_array(const void *src, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	p = grow(NULL, n - 1, size);
	memcpy(p, src, n * size);
	return p;
}

void task_copy_names(struct run_task *child, const struct run_task *parent)
{
	child->fds =
		dup_array(parent->fds, parent->nr_fds, sizeof(*child->fds));
	child->nr_fds = parent->nr_fds;
	child->maps =
		dup_array(parent->maps, parent->nr_maps, sizeof(*child->maps));
	child->nr_maps = parent->nr_maps;
}

void tasks_free(struct run_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		free(ctx->tasks[i]->fds);
		free(ctx->tasks[i]->maps);
		free(ctx->tasks[i]->shown);
		free(ctx->tasks[i]);
	}
	free(ctx->tasks);
	ctx->tasks = NULL;
	ctx->nr_tasks = 0;
}

static struct run_fd *fd_find(const struct run_task *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nr_fds; i++)
		if (strcmp(t->fds[i].name, name) == 0)
			return &t->fds[i];
	return NULL;
}

bool fd_resolve(const struct run_task *t, const char *name, int *fd,
		struct result *res)
{
	const struct run_fd *f = fd_find(t, name);

	if (!f) {
		result_error(res, "descriptor %s is not bound in task %s", name,
			     t->name);
		return false;
	}
	*fd = f->fd;
	return true;
}

void fd_bind(struct run_task *t, const char *name, int fd)
{
	struct run_fd *f = fd_find(t, name);

	if (!f) {
		t->fds = grow(t->fds, t->nr_fds, sizeof(*t->fds));
		f = &t->fds[t->nr_fds++];
		f->name = name;
	}
	f->fd = fd;
}

const struct run_map *map_find(const struct run_task *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nr_maps; i++)
		if (strcmp(t->maps[i].name, name) == 0)
			return &t->maps[i];
	return NULL;
}

void map_bind(struct run_ctx *ctx, struct run_task *t, const char *name,
	      uint64_t start, uint64_t len)
{
	struct run_map *m = (struct run_map *)map_find(t, name);

	if (!m) {
		t->maps = grow(t->maps, t->nr_maps, sizeof(*t->maps));
		m = &t->maps[t->nr_maps++];
		m->name = name;
	}
	m->start = start;
	m->len = len;
	m->seq = ++ctx->seq;
}

bool addr_resolve(const struct run_task *t, const struct scn_addr *a,
		  uint64_t *out, struct result *res)
{
	const struct run_map *m;

	if (!a->name) {
		*out = a->abs;
		return true;
	}
	m = map_find(t, a->name);
	if (!m) {
		result_error(res, "mapping %s is not bound in task %s", a->name,
			     t->name);
		return false;
	}
	*out = m->start + (uint64_t)a->off;
	return true;
}

/* A mapping of @len bytes covers whole pages. */
static uint64_t page_round(uint64_t len)
{
	uint64_t r = (len + OBJVM_PAGE_SIZE - 1) & ~(OBJVM_PAGE_SIZE - 1);

	return r < len ? len : r;
}

void addr_print(const struct run_task *t, uint64_t addr, bool end,
		struct result *res)
{
	const struct run_map *best = NULL;
	size_t i;

	for (i = 0; i < t->nr_maps; i++) {
		const struct run_map *m = &t->maps[i];
		uint64_t span = page_round(m->len);
		bool holds = end ? addr > m->start && addr - m->start <= span
				 : addr >= m->start && addr - m->start < span;

		if (holds && (!best || m->seq > best->seq))
			best = m;
	}
	if (best)
		result_printf(res, "%s+0x%" PRIx64, best->name,
			      addr - best->start);
	else
		result_printf(res, "0x%" PRIx64, addr);
}
