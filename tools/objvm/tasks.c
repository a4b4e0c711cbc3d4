/*
 * tools/objvm/tasks.c - the names a scenario binds while it runs.
 *
 * Task names are global; descriptor and mapping names belong to the task
 * that bound them, and fork copies them into the child.  A name stays
 * bound until a later open, mmap or mremap rebinds it: after close or
 * munmap it still stands for the old value, as the spec requires.
 * Every table is an array in binding order; past a few names each also
 * has a hash index (open addressing, linear probing) from name to
 * position, so a generated scenario with thousands of names does not
 * pay a search through all of them per command.
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

/* --- the hash index ------------------------------------------------------ */

/* Tables this short are searched in order; no index is kept. */
#define INDEX_MIN 8

/* The name at position @i of a table. */
typedef const char *name_at_fn(const void *table, size_t i);

static size_t name_hash(const char *s)
{
	size_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void index_put(struct name_index *ix, const char *name, size_t pos)
{
	size_t i = name_hash(name) & (ix->cap - 1);

	while (ix->slots[i])
		i = (i + 1) & (ix->cap - 1);
	ix->slots[i] = pos + 1;
}

/* Rebuilds @ix over the first @nr names of @table, with room to grow. */
static void index_build(struct name_index *ix, const void *table, size_t nr,
			name_at_fn *name_at)
{
	size_t i;

	free(ix->slots);
	for (ix->cap = 2 * INDEX_MIN; ix->cap < 4 * nr; ix->cap *= 2)
		;
	ix->slots = calloc(ix->cap, sizeof(*ix->slots));
	if (!ix->slots) {
		fputs("objvm: out of memory\n", stderr);
		exit(2);
	}
	for (i = 0; i < nr; i++)
		index_put(ix, name_at(table, i), i);
}

/* The position of @name in a table of @nr names, or -1.  Builds the
 * index the first time the table is long enough (after a fork's copy,
 * for instance). */
static long index_find(struct name_index *ix, const void *table, size_t nr,
		       name_at_fn *name_at, const char *name)
{
	size_t i;

	if (nr < INDEX_MIN) {
		for (i = 0; i < nr; i++)
			if (strcmp(name_at(table, i), name) == 0)
				return (long)i;
		return -1;
	}
	if (!ix->slots)
		index_build(ix, table, nr, name_at);
	for (i = name_hash(name) & (ix->cap - 1); ix->slots[i];
	     i = (i + 1) & (ix->cap - 1))
		if (strcmp(name_at(table, ix->slots[i] - 1), name) == 0)
			return (long)(ix->slots[i] - 1);
	return -1;
}

/* Records that position @nr - 1 of the table now holds a new name. */
static void index_added(struct name_index *ix, const void *table, size_t nr,
			name_at_fn *name_at)
{
	if (!ix->slots)
		return; /* built when first needed */
	if (4 * nr > ix->cap)
		index_build(ix, table, nr, name_at);
	else
		index_put(ix, name_at(table, nr - 1), nr - 1);
}

static void index_free(struct name_index *ix)
{
	free(ix->slots);
	ix->slots = NULL;
	ix->cap = 0;
}

static const char *task_name_at(const void *table, size_t i)
{
	return ((struct run_task *const *)table)[i]->name;
}

static const char *fd_name_at(const void *table, size_t i)
{
	return ((const struct run_fd *)table)[i].name;
}

static const char *map_name_at(const void *table, size_t i)
{
	return ((const struct run_map *)table)[i].name;
}

/* --- the tables ----------------------------------------------------------- */

struct run_task *task_find(const struct run_ctx *ctx, const char *name)
{
	/* The index is a cache of the table: finding may build it. */
	struct run_ctx *c = (struct run_ctx *)ctx;
	long i = index_find(&c->task_index, c->tasks, c->nr_tasks, task_name_at,
			    name);

	return i < 0 ? NULL : c->tasks[i];
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
	index_added(&ctx->task_index, ctx->tasks, ctx->nr_tasks, task_name_at);
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
		index_free(&ctx->tasks[i]->fd_index);
		index_free(&ctx->tasks[i]->map_index);
		free(ctx->tasks[i]);
	}
	free(ctx->tasks);
	index_free(&ctx->task_index);
	ctx->tasks = NULL;
	ctx->nr_tasks = 0;
}

static struct run_fd *fd_find(const struct run_task *t, const char *name)
{
	struct run_task *tt = (struct run_task *)t; /* the index is a cache */
	long i = index_find(&tt->fd_index, tt->fds, tt->nr_fds, fd_name_at,
			    name);

	return i < 0 ? NULL : &tt->fds[i];
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
		index_added(&t->fd_index, t->fds, t->nr_fds, fd_name_at);
	}
	f->fd = fd;
}

const struct run_map *map_find(const struct run_task *t, const char *name)
{
	struct run_task *tt = (struct run_task *)t; /* the index is a cache */
	long i = index_find(&tt->map_index, tt->maps, tt->nr_maps, map_name_at,
			    name);

	return i < 0 ? NULL : &tt->maps[i];
}

void map_bind(struct run_ctx *ctx, struct run_task *t, const char *name,
	      uint64_t start, uint64_t len)
{
	struct run_map *m = (struct run_map *)map_find(t, name);

	if (!m) {
		t->maps = grow(t->maps, t->nr_maps, sizeof(*t->maps));
		m = &t->maps[t->nr_maps++];
		m->name = name;
		index_added(&t->map_index, t->maps, t->nr_maps, map_name_at);
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
