/*
 * tools/objvm/show.c - what a task's address space looks like: the `maps`
 * text, the `ptes` strip, and `objvm run --show`.
 *
 * `T: maps` writes one `START-END PERMS OFFSET NAME` group per VMA,
 * addresses relative to mapping names (addr_print()).  The oracle writes
 * the kernel's VMAs, read from /proc/PID/maps, with the same function, so
 * the two texts compare as they stand.
 *
 * `T: ptes ADDR LEN` writes one character per page (the legend is
 * pte_chars[] below and docs/scenario-language.md).  `--show` prints, after
 * a command that changed a task's VMAs or ptes, every VMA of that task with
 * a strip of page states under it, at most SHOW_STRIP characters wide: a
 * VMA of more pages than that shows each character for a group of pages.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define SHOW_STRIP 64 /* strip width: fits an 80-column terminal */

/* One character per enum objvm_pte_state. */
static const char pte_chars[] = {
	[OBJVM_PTE_NONE] = '.',     [OBJVM_PTE_READ] = 'r',
	[OBJVM_PTE_WRITE] = 'w',    [OBJVM_PTE_ZERO] = '0',
	[OBJVM_PTE_FILE] = 'f',     [OBJVM_PTE_SWAP] = 's',
	[OBJVM_PTE_NOACCESS] = 'n',
};

char pte_char(unsigned int state)
{
	return state < sizeof(pte_chars) ? pte_chars[state] : '?';
}

void maps_put(const struct run_task *t, const struct objvm_map_info *mi,
	      unsigned int nr, struct result *res)
{
	if (nr)
		result_printf(res, " ; ");
	addr_print(t, mi->start, false, res);
	result_printf(res, "-");
	addr_print(t, mi->end, true, res);
	result_printf(res, " %c%c%c%c 0x%" PRIx64 " %s",
		      mi->prot & OBJVM_PROT_READ ? 'r' : '-',
		      mi->prot & OBJVM_PROT_WRITE ? 'w' : '-',
		      mi->prot & OBJVM_PROT_EXEC ? 'x' : '-',
		      mi->mayshare ? 's' : 'p',
		      (uint64_t)(mi->pgoff * OBJVM_PAGE_SIZE),
		      mi->path ? mi->path : "[anon]");
}

void cmd_ptes(struct run_ctx *ctx, struct run_task *t,
	      const struct scn_cmd *cmd, struct result *res)
{
	uint64_t addr, len = cmd->u.range.len, pages, i;
	unsigned char *vec;
	int rc;

	if (!addr_resolve(t, &cmd->u.range.addr, &addr, res))
		return;
	pages = len / OBJVM_PAGE_SIZE + 1; /* the parser bounds LEN */
	vec = malloc(pages);
	if (!vec) {
		result_error(res, "out of memory");
		return;
	}
	rc = objvm_ptes(t->task, addr, len, vec);
	if (rc < 0) {
		put_errno(res, rc);
	} else {
		pages = (len + OBJVM_PAGE_SIZE - 1) / OBJVM_PAGE_SIZE;
		for (i = 0; i < pages; i++)
			result_printf(res, "%c", pte_char(vec[i]));
	}
	free(vec);
}

/* --- --show --------------------------------------------------------------- */

/* The character for pages [i, j) of @vec: their state if they all share
 * it, else '+' (mixed). */
static char group_char(const unsigned char *vec, uint64_t i, uint64_t j)
{
	uint64_t k;

	for (k = i + 1; k < j; k++)
		if (vec[k] != vec[i])
			return '+';
	return pte_char(vec[i]);
}

/* The VMAs of a task, copied out of objvm_maps() (whose callback runs
 * under the task's mmap lock, so objvm_ptes() cannot be called there). */
struct vma_list {
	struct objvm_map_info *v;
	size_t nr, cap;
};

static int collect_one(void *arg, const struct objvm_map_info *mi)
{
	struct vma_list *l = arg;
	struct objvm_map_info *p;

	if (l->nr == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		p = realloc(l->v, l->cap * sizeof(*p));
		if (!p)
			return -1;
		l->v = p;
	}
	l->v[l->nr] = *mi;
	l->v[l->nr].path = mi->path ? strdup(mi->path) : NULL;
	l->nr++;
	return 0;
}

/* One VMA and its strip of page states. */
static void show_one(const struct run_task *t, const struct objvm_map_info *mi,
		     struct result *res)
{
	uint64_t pages = (mi->end - mi->start) / OBJVM_PAGE_SIZE, i;
	uint64_t per = (pages + SHOW_STRIP - 1) / SHOW_STRIP;
	unsigned char *vec = malloc(pages ? pages : 1);

	result_printf(res, "    ");
	maps_put(t, mi, 0, res);
	if (per > 1)
		result_printf(res, "  (%" PRIu64 " pages, %" PRIu64 " each)",
			      pages, per);
	result_printf(res, "\n      ");
	if (!vec || objvm_ptes(t->task, mi->start, mi->end - mi->start, vec)) {
		result_printf(res, "(no page states)\n");
		free(vec);
		return;
	}
	for (i = 0; i < pages; i += per)
		result_printf(res, "%c",
			      group_char(vec, i,
					 i + per < pages ? i + per : pages));
	result_printf(res, "\n");
	free(vec);
}

/* The picture of @t's address space, in @res. */
static void show_task(const struct run_task *t, struct result *res)
{
	struct vma_list l = {NULL, 0, 0};
	size_t i;

	result_reset(res);
	objvm_maps(t->task, collect_one, &l);
	if (l.nr == 0)
		result_printf(res, "    (no VMAs)\n");
	for (i = 0; i < l.nr; i++) {
		show_one(t, &l.v[i], res);
		free((char *)l.v[i].path);
	}
	free(l.v);
}

void show_changes(struct run_ctx *ctx, FILE *out)
{
	struct result now = {0};
	size_t i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct run_task *t = ctx->tasks[i];
		bool alive = !t->exited && objvm_task_alive(t->task);

		if (!alive) {
			if (t->shown) {
				fprintf(out, "  %s: exited\n", t->name);
				free(t->shown);
				t->shown = NULL;
			}
			continue;
		}
		show_task(t, &now);
		if (t->shown && strcmp(t->shown, now.buf) == 0)
			continue;
		fprintf(out, "  %s:\n%s", t->name, now.buf);
		free(t->shown);
		t->shown = strdup(now.buf);
	}
	result_free(&now);
}
