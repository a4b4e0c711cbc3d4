/*
 * tools/objvm/gen.c - `objvm gen`: random valid scenarios.
 *
 * A scenario is a set-up (machine, the first tasks, a pad mapping in each)
 * and then --ops task commands, each drawn from generators[] by weight.
 * A generator writes one command for a task, or declines when the task
 * has nothing it applies to (no mapping yet, say).  A share of every kind
 * of command gets invalid arguments (misaligned starts, zero and huge
 * lengths, closed or wrong-mode descriptors, bad offsets) so the errno
 * paths are compared too.
 *
 * The generator keeps a model of what the scenario has made, precise
 * enough to write sensible commands and to keep every result portable:
 * which descriptor names are open on which file, which mapping names are
 * bound and to at least how many bytes, and per file whether its size may
 * have a partial last page.  What it keeps out (docs/oracle.md):
 *
 *   - mincore on a machine that pages (every other seed with reclaim):
 *     what is resident depends on memory pressure the kernel side lacks;
 *   - mincore in a task that ever mapped a file: file-page residency
 *     depends on the page cache;
 *   - PROT_EXEC without PROT_READ: unreadable or not, depending on the CPU;
 *   - growing a file whose size may end inside a page: the bytes a mapping
 *     stored past EOF show or not, depending on the filesystem;
 *   - touch outside a name's range: it reports the faulting page as an
 *     absolute address, which differs between objvm and a real process;
 *   - mremap in a task that ran remap_file_pages (or whose parent did):
 *     objvm keeps one nonlinear VMA where the kernel makes a VMA per run
 *     of pages, and mremap tells VMAs apart.
 *
 * Some mappings are 2 MiB and more, some file offsets 2 MiB aligned, and
 * some mremaps grow to a multiple of 2 MiB, so THP placement is compared.
 *
 * Each task starts with a pad mapping (TOP, 1 GiB of PROT_NONE) that no
 * command names: in a real process the libraries lie above the first
 * mapping, in objvm nothing does; the pad makes both the same.
 *
 * Determinism: splitmix64 from the seed, no floating point, no rand(), and
 * the output depends only on the options and the enabled features.  Never
 * two draws in one expression (function arguments, operands of +): C
 * leaves their order open, and gcc and clang would write different files.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gen.h"
#include "objvm.h"
#include "result.h"

#define PG         ((uint64_t)4096)
#define MAX_TASKS  8
#define MAX_LIVE   GEN_MAX_TASKS /* tasks alive at once */
#define MAX_FDS    6
#define MAX_NUMS   32 /* descriptor numbers tracked per task */
#define MAX_MAPS   10
#define MAX_INODES 64
#define NO_FILE    (-1) /* path_inode: nothing there */
#define UNTRACKED  (-2) /* path_inode: a file the model does not follow */
#define LOW        ((uint64_t)0x200000) /* absolute mappings go from here */
#define LOW_PAGES  64
#define HUGE_PAGES 512 /* pages in 2 MiB */

static const char *const paths[] = {"/f0", "/f1", "/d/f2"};
#define NR_PATHS (sizeof(paths) / sizeof(paths[0]))

struct ginode {
	bool no_grow; /* its size may end inside a page: never grow it */
	uint64_t lo;  /* !no_grow: a page multiple its size is at least */
	uint64_t cap; /* no_grow: its size is at most this */
};

/*
 * Descriptor names stand for descriptor numbers, as in a process: open
 * takes the lowest free number, and a name whose number was closed and
 * taken again by a later open now reaches that other file (both objvm and
 * the kernel behave so).  The state lives with the number.
 */
struct gnum {
	bool open;
	int inode;
	bool rd, wr;
};

struct gfd {
	bool used; /* bound by an open that succeeds */
	int num;   /* its descriptor number */
};

struct gmap {
	bool used;
	uint64_t len; /* the binding covers at least this much */
	int inode;    /* -1: anonymous */
	bool shared;
};

struct gtask {
	bool live;
	bool file_maps; /* ever mapped a file: mincore is not portable */
	bool remapped;  /* remap_file_pages ran: VMA layouts differ */
	struct gfd fds[MAX_FDS];
	struct gnum nums[MAX_NUMS];
	struct gmap maps[MAX_MAPS];
};

struct gen {
	uint64_t state;
	const struct gen_opts *o;
	bool pages_out; /* a machine that swaps: residency is not portable */
	struct result text; /* the scenario written so far */
	struct gtask tasks[MAX_TASKS];
	unsigned int nr_tasks;
	struct ginode inodes[MAX_INODES];
	unsigned int nr_inodes;
	int path_inode[NR_PATHS]; /* an inode, NO_FILE or UNTRACKED */
};

/* --- randomness and output ---------------------------------------------- */

static uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static unsigned int below(struct gen *g, unsigned int n)
{
	return n ? (unsigned int)(rnd(g) % n) : 0;
}

static bool chance(struct gen *g, unsigned int percent)
{
	return below(g, 100) < percent;
}

__attribute__((format(printf, 2, 3))) static void out(struct gen *g,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result_vprintf(&g->text, fmt, ap);
	va_end(ap);
}

static char task_name(const struct gen *g, const struct gtask *t)
{
	return (char)('A' + (t - g->tasks));
}

/* --- picking things ----------------------------------------------------- */

/* What descriptor name @i of @t reaches now. */
static struct gnum *fd_of(struct gtask *t, int i)
{
	return &t->nums[t->fds[i].num];
}

static int pick_fd(struct gen *g, struct gtask *t, bool open_only)
{
	int cand[MAX_FDS], n = 0, i;

	for (i = 0; i < MAX_FDS; i++)
		if (t->fds[i].used && fd_of(t, i)->inode >= 0 &&
		    (!open_only || fd_of(t, i)->open))
			cand[n++] = i;
	return n ? cand[below(g, (unsigned int)n)] : -1;
}

static int pick_map(struct gen *g, struct gtask *t, int want_file)
{
	int cand[MAX_MAPS], n = 0, i;

	for (i = 0; i < MAX_MAPS; i++) {
		const struct gmap *m = &t->maps[i];

		if (!m->used)
			continue;
		if (want_file == 1 && m->inode < 0)
			continue;
		if (want_file == 2 && !m->shared)
			continue;
		cand[n++] = i;
	}
	return n ? cand[below(g, (unsigned int)n)] : -1;
}

static const char *prot_word(struct gen *g)
{
	static const char *const words[] = {"rw", "rw", "rw",  "rw", "rw",
					    "rw", "r",  "r",   "r",  "none",
					    "w",  "rx", "rwx", "wx"};

	return words[below(g, sizeof(words) / sizeof(words[0]))];
}

/* A few printable bytes, without quotes or backslashes. */
static void out_string(struct gen *g, unsigned int max)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
				    "KLMNOPQRSTUVWXYZ0123456789 .,:;-_=+!?";
	unsigned int i, n = 1 + below(g, max);

	out(g, "\"");
	for (i = 0; i < n; i++)
		out(g, "%c", chars[below(g, sizeof(chars) - 1)]);
	out(g, "\"");
}

/* `M+OFF` (or `M-OFF`) for mapping slot @i. */
static void out_addr(struct gen *g, int i, int64_t off)
{
	if (off < 0)
		out(g, "M%d-%" PRIu64, i, (uint64_t)-off);
	else if (off == 0)
		out(g, "M%d", i);
	else if (off % (int64_t)PG == 0)
		out(g, "M%d+%" PRIu64 "p", i, (uint64_t)off / PG);
	else
		out(g, "M%d+%" PRIu64, i, (uint64_t)off);
}

static uint64_t pages_of(uint64_t len)
{
	return (len + PG - 1) / PG;
}

/*
 * A range around mapping @m: mostly whole pages inside it, sometimes
 * reaching a page before or after it, sometimes misaligned or empty.
 */
static void pick_range(struct gen *g, const struct gmap *m, int64_t *off,
		       uint64_t *len)
{
	uint64_t np = pages_of(m->len);
	unsigned int r = below(g, 100);

	*off = (int64_t)(below(g, (unsigned int)np) * PG);
	*len = (1 + below(g, (unsigned int)(np - (uint64_t)*off / PG))) * PG;
	if (r < 8) {
		*off = -(int64_t)PG; /* starts before it */
		*len += PG;
	} else if (r < 14) {
		*len += PG; /* reaches past it */
	} else if (r < 18) {
		*off += 1 + below(g, 4000); /* misaligned start */
	} else if (r < 21) {
		*len = 0;
	} else if (r < 25) {
		*len -= 1 + below(g, 4000); /* partial last page */
	}
}

/* --- generators --------------------------------------------------------- */

typedef bool gen_fn(struct gen *g, struct gtask *t);

static bool gen_open(struct gen *g, struct gtask *t)
{
	unsigned int p = below(g, NR_PATHS), r = below(g, 100);
	int slot = (int)below(g, MAX_FDS), ino = g->path_inode[p];
	bool creat = chance(g, 85), trunc = chance(g, 8);
	bool excl = creat && chance(g, 5), sure;
	bool rd = r >= 15, wr = r < 15 || r >= 30;
	int num;

	/* An open that may fail goes to an unused name: its failure must not
	 * leave the name on some other file than the model says. */
	sure = (creat && !(excl && ino != NO_FILE)) ||
	       (!creat && ino != NO_FILE);
	if (!sure) {
		for (slot = 0; slot < MAX_FDS && t->fds[slot].used; slot++)
			;
		if (slot == MAX_FDS)
			return false;
	}
	out(g, "%c: open F%d %s %s%s%s%s\n", task_name(g, t), slot, paths[p],
	    rd && wr ? "rdwr"
	    : rd     ? "rdonly"
		     : "wronly",
	    creat ? " creat" : "", trunc ? " trunc" : "", excl ? " excl" : "");
	if (!sure)
		return true; /* it fails: no file made, no number taken */
	/* It succeeds: the file exists from now on, tracked or not. */
	if (ino == NO_FILE) {
		if (g->nr_inodes < MAX_INODES) {
			ino = (int)g->nr_inodes++;
			g->inodes[ino] = (struct ginode){0};
		} else {
			ino = UNTRACKED;
		}
		g->path_inode[p] = ino;
	}
	if (trunc && ino >= 0) /* O_TRUNC truncates even a read-only open */
		g->inodes[ino] = (struct ginode){0};
	for (num = 0; num < MAX_NUMS && t->nums[num].open; num++)
		;
	if (num == MAX_NUMS || ino < 0) {
		/* No more tracking: the name goes unused (and the number, if
		 * tracked, is taken by a file the model does not follow). */
		if (num < MAX_NUMS)
			t->nums[num] = (struct gnum){true, -1, rd, wr};
		t->fds[slot].used = false;
		return true;
	}
	t->nums[num] = (struct gnum){true, ino, rd, wr};
	t->fds[slot] = (struct gfd){true, num};
	return true;
}

static bool gen_close(struct gen *g, struct gtask *t)
{
	int i = pick_fd(g, t, false);

	if (i < 0)
		return false;
	out(g, "%c: close F%d\n", task_name(g, t), i);
	fd_of(t, i)->open = false;
	return true;
}

static bool gen_unlink(struct gen *g, struct gtask *t)
{
	unsigned int p = below(g, NR_PATHS);

	out(g, "%c: unlink %s\n", task_name(g, t), paths[p]);
	g->path_inode[p] = NO_FILE;
	return true;
}

static bool writable(const struct gnum *f)
{
	return f->open && f->wr && f->inode >= 0;
}

static bool gen_ftruncate(struct gen *g, struct gtask *t)
{
	int i = pick_fd(g, t, false);
	struct ginode *in;
	uint64_t size;

	if (i < 0)
		return false;
	in = &g->inodes[fd_of(t, i)->inode];
	if (chance(g, 4)) {
		out(g, "%c: ftruncate F%d 0x8000000000000000\n",
		    task_name(g, t), i); /* negative: EINVAL */
		return true;
	}
	if (in->no_grow) {
		size = below(g, (unsigned int)in->cap + 1);
		if (chance(g, 30))
			size &= ~(PG - 1);
	} else if (chance(g, 80)) {
		size = below(g, 17) * PG;
	} else {
		size = below(g, 16) * PG;
		size += 1 + below(g, PG - 1);
	}
	out(g, "%c: ftruncate F%d %" PRIu64 "\n", task_name(g, t), i, size);
	if (!writable(fd_of(t, i)))
		return true;
	if (size % PG == 0) {
		in->no_grow = false;
		in->lo = size;
	} else {
		if (!in->no_grow || size < in->cap)
			in->cap = size;
		in->no_grow = true;
	}
	return true;
}

static bool gen_write(struct gen *g, struct gtask *t)
{
	int i = pick_fd(g, t, false);
	struct ginode *in;
	uint64_t off, n;
	char name = task_name(g, t);

	if (i < 0)
		return false;
	in = &g->inodes[fd_of(t, i)->inode];
	if (in->no_grow || chance(g, 40)) {
		/* Inside the file: never moves its end. */
		uint64_t limit = in->no_grow ? in->cap : in->lo;

		if (limit == 0)
			return false;
		off = below(g, (unsigned int)limit);
		n = 1 + below(g, (unsigned int)(limit - off < 64 ? limit - off
								 : 64));
		if (chance(g, 50)) {
			out(g,
			    "%c: write F%d %" PRIu64 " fill(%u,%" PRIu64 ")\n",
			    name, i, off, below(g, 256), n);
		} else {
			out(g, "%c: write F%d %" PRIu64 " ", name, i, off);
			out_string(g, (unsigned int)(n < 12 ? n : 12));
			out(g, "\n");
		}
		return true;
	}
	/* Whole pages: the file may grow, to a page multiple. */
	off = below(g, 12) * PG;
	n = (1 + below(g, 4)) * PG;
	if (chance(g, 60))
		out(g, "%c: write F%d %" PRIu64 " pattern(%" PRIu64 ")\n", name,
		    i, off, n);
	else
		out(g, "%c: write F%d %" PRIu64 " fill(%u,%" PRIu64 ")\n", name,
		    i, off, below(g, 256), n);
	if (writable(fd_of(t, i)) && off + n > in->lo)
		in->lo = off + n;
	return true;
}

static bool gen_read(struct gen *g, struct gtask *t)
{
	int i = pick_fd(g, t, false);
	char name = task_name(g, t);
	uint64_t off = below(g, 20) * PG;

	if (chance(g, 50))
		off += below(g, 512) * 8;
	if (i < 0)
		return false;
	switch (below(g, 3)) {
	case 0:
		out(g, "%c: read F%d %" PRIu64 " %u\n", name, i, off,
		    1 + below(g, 48));
		break;
	case 1:
		out(g, "%c: read F%d %" PRIu64 " 8 as=u64\n", name, i,
		    off & ~(uint64_t)7);
		break;
	default:
		out(g, "%c: read F%d %" PRIu64 " %" PRIu64 " as=sum\n", name, i,
		    off & ~(PG - 1), (1 + below(g, 4)) * PG);
		break;
	}
	return true;
}

static bool gen_fstat(struct gen *g, struct gtask *t)
{
	int i = pick_fd(g, t, false);

	if (i < 0)
		return false;
	out(g, "%c: %s F%d\n", task_name(g, t),
	    chance(g, 70) ? "fstat" : "fsync", i);
	return true;
}

static bool gen_mmap(struct gen *g, struct gtask *t)
{
	int slot = (int)below(g, MAX_MAPS), fd = -1, other;
	unsigned int kind = below(g, 100), r;
	char name = task_name(g, t);
	const char *prot = prot_word(g);
	uint64_t len = (1 + below(g, 12)) * PG, off = 0;
	bool anon = kind < 50, shared = kind >= 35 && kind < 75;
	bool sure = true, populate = chance(g, 8), locked = chance(g, 3);
	bool noreserve = chance(g, 4);
	struct gmap *m;

	if (chance(g, 5)) { /* THP placement */
		len = HUGE_PAGES * (1 + below(g, 2));
		if (chance(g, 50))
			len += below(g, 3);
		len *= PG;
	}
	if (chance(g, 8))
		len -= 1 + below(g, PG - 1); /* a partial last page */
	if (!anon) {
		fd = pick_fd(g, t, false);
		if (fd < 0)
			return false;
		off = below(g, 6) * PG;
		if (chance(g, 10))
			off += below(g, 3) * HUGE_PAGES * PG;
		/* Modes the descriptor refuses: errors, no binding. */
		if (!fd_of(t, fd)->open || !fd_of(t, fd)->rd ||
		    (shared && strchr(prot, 'w') && !fd_of(t, fd)->wr))
			sure = false;
	}
	out(g, "%c: mmap M%d ", name, slot);
	r = below(g, 100);
	if (r < 3) {
		out(g, "0 %s private,anon\n", prot); /* EINVAL */
		return true;
	} else if (r < 5) {
		out(g, "0xfffffffffffff000 rw private,anon\n"); /* ENOMEM */
		return true;
	}
	out(g, "%" PRIu64 " %s %s%s%s%s%s", len, prot,
	    shared ? "shared" : "private", anon ? ",anon" : "",
	    populate ? ",populate" : "", locked ? ",locked" : "",
	    noreserve ? ",noreserve" : "");
	r = below(g, 100);
	other = pick_map(g, t, 0);
	if (r < 8) {
		out(g, ",fixed");
	} else if (r < 12) {
		out(g, ",fixed_noreplace");
	}
	if (!anon) {
		if (chance(g, 4)) {
			out(g, " F%d %" PRIu64 "\n", fd,
			    off + 100); /* EINVAL */
			return true;
		}
		out(g, " F%d %" PRIu64, fd, off);
	}
	if (r < 12 || (r < 18 && chance(g, 50))) {
		if (other >= 0 && chance(g, 50)) {
			out(g, " at=");
			out_addr(g, other,
				 (int64_t)(below(g,
						 (unsigned int)pages_of(
							 t->maps[other].len)) *
					   PG));
		} else if (chance(g, 5)) {
			out(g, " at=0x%" PRIx64, LOW + 1); /* misaligned */
		} else if (chance(g, 5)) {
			/* Below vm.mmap_min_addr: EPERM without privilege. */
			out(g, " at=0x%" PRIx64, below(g, 16) * PG);
		} else {
			out(g, " at=0x%" PRIx64,
			    LOW + below(g, LOW_PAGES) * PG);
		}
		if (r < 12)
			sure = false; /* fixed_noreplace, misaligned */
	}
	out(g, "\n");
	if (!anon)
		t->file_maps = true;
	m = &t->maps[slot];
	if (!sure) {
		/* It may fail and leave the old binding: keep the shorter. */
		if (m->used && m->inode == (anon ? -1 : fd_of(t, fd)->inode) &&
		    m->len > len)
			m->len = len;
		else if (m->used &&
			 m->inode != (anon ? -1 : fd_of(t, fd)->inode))
			m->used = false;
		return true;
	}
	*m = (struct gmap){true, len, anon ? -1 : fd_of(t, fd)->inode, shared};
	return true;
}

/* munmap, mprotect, madvise, mlock, munlock, msync: a range of a name. */
static bool gen_range_cmd(struct gen *g, struct gtask *t)
{
	static const char *const advice[] = {"dontneed", "willneed", "normal",
					     "random", "sequential"};
	static const char *const ms[] = {"sync", "async", "invalidate",
					 "sync,invalidate", "async,invalidate"};
	unsigned int r = below(g, 100);
	int i = pick_map(g, t, r >= 90 ? 1 : 0);
	int64_t off;
	uint64_t len;

	if (i < 0)
		return false;
	pick_range(g, &t->maps[i], &off, &len);
	out(g, "%c: ", task_name(g, t));
	if (r < 20)
		out(g, "munmap ");
	else if (r < 45)
		out(g, "mprotect ");
	else if (r < 70)
		out(g, "madvise ");
	else if (r < 80)
		out(g, "mlock ");
	else if (r < 90)
		out(g, "munlock ");
	else
		out(g, "msync ");
	out_addr(g, i, off);
	out(g, " %" PRIu64, len);
	if (r >= 20 && r < 45)
		out(g, " %s", prot_word(g));
	else if (r >= 45 && r < 70)
		out(g, " %s", advice[below(g, 5)]);
	else if (r >= 90)
		out(g, " %s", ms[below(g, 5)]);
	out(g, "\n");
	return true;
}

static bool gen_mremap(struct gen *g, struct gtask *t)
{
	int i = pick_map(g, t, 0), other;
	struct gmap *m;
	uint64_t np, new_len;
	unsigned int r = below(g, 100);

	if (i < 0 || t->remapped)
		return false;
	m = &t->maps[i];
	np = pages_of(m->len);
	if (r < 30 && np > 1)
		new_len = (1 + below(g, (unsigned int)np - 1)) * PG;
	else if (r < 85)
		new_len = (np + 1 + below(g, 6)) * PG;
	else if (r < 90) /* THP placement of the moved range */
		new_len = (np / HUGE_PAGES + 1) * HUGE_PAGES * PG;
	else if (r < 95)
		new_len = np * PG;
	else
		new_len = 0; /* EINVAL */
	out(g, "%c: mremap M%d %" PRIu64, task_name(g, t), i, new_len);
	r = below(g, 100);
	if (r < 60)
		out(g, " maymove");
	if (r < 12) {
		other = pick_map(g, t, 0);
		out(g, " fixed=");
		if (other >= 0 && other != i && chance(g, 50))
			out_addr(g, other, 0);
		else
			out(g, "0x%" PRIx64, LOW + below(g, LOW_PAGES) * PG);
	} else if (r >= 95) {
		out(g, " fixed=0x%" PRIx64, LOW); /* without maymove: EINVAL */
	}
	out(g, "\n");
	if (new_len && new_len < m->len)
		m->len = new_len;
	return true;
}

static bool gen_mincore(struct gen *g, struct gtask *t)
{
	int i = pick_map(g, t, 0);
	int64_t off;
	uint64_t len;

	if (i < 0 || t->file_maps || g->pages_out)
		return false;
	pick_range(g, &t->maps[i], &off, &len);
	out(g, "%c: mincore ", task_name(g, t));
	out_addr(g, i, off);
	out(g, " %" PRIu64 "\n", len);
	return true;
}

/* An address around mapping @i: inside, at its edges, or just outside. */
static int64_t pick_offset(struct gen *g, const struct gmap *m)
{
	uint64_t np = pages_of(m->len);
	unsigned int r = below(g, 100);

	if (r < 70) {
		int64_t page = (int64_t)(below(g, (unsigned int)np) * PG);

		return page + (int64_t)below(g, 64) * 8;
	}
	if (r < 80)
		return (int64_t)(np * PG); /* just past it */
	if (r < 88)
		return -(int64_t)(1 + below(g, 16)); /* just before it */
	return (int64_t)(np * PG - 1 - below(g, 8)); /* across its end */
}

static bool gen_load(struct gen *g, struct gtask *t)
{
	int i = pick_map(g, t, 0);
	char name = task_name(g, t);
	int64_t off;

	if (i < 0 || chance(g, 3)) {
		unsigned int n = 1 + below(g, 8);

		out(g, "%c: load 0x%s %u\n", name,
		    chance(g, 50) ? "10000" : "7ffffffff000", n);
		return true;
	}
	off = pick_offset(g, &t->maps[i]);
	out(g, "%c: load ", name);
	out_addr(g, i, off);
	switch (below(g, 4)) {
	case 0:
	case 1:
		out(g, " %u\n", 1 + below(g, 24));
		break;
	case 2:
		out(g, " 8 as=u64\n");
		break;
	default:
		out(g, " %" PRIu64 " as=sum\n", (1 + below(g, 3)) * PG);
		break;
	}
	return true;
}

static bool gen_store(struct gen *g, struct gtask *t)
{
	int i = pick_map(g, t, 0);
	char name = task_name(g, t);

	if (i < 0)
		return false;
	out(g, "%c: store ", name);
	out_addr(g, i, pick_offset(g, &t->maps[i]));
	if (chance(g, 60)) {
		out(g, " ");
		out_string(g, 16);
		out(g, "\n");
	} else {
		unsigned int n = 1 + below(g, 3 * PG);

		out(g, " fill(%u,%u)\n", below(g, 256), n);
	}
	return true;
}

static bool gen_touch(struct gen *g, struct gtask *t)
{
	int i = pick_map(g, t, 0);
	uint64_t np, a, n;

	if (i < 0)
		return false;
	/* Only inside the name's range: a fault there prints the name. */
	np = pages_of(t->maps[i].len);
	a = below(g, (unsigned int)np);
	n = 1 + below(g, (unsigned int)(np - a));
	out(g, "%c: touch ", task_name(g, t));
	out_addr(g, i, (int64_t)(a * PG));
	out(g, " %" PRIu64 "p%s\n", n, chance(g, 40) ? " w" : "");
	return true;
}

static unsigned int nr_live(const struct gen *g)
{
	unsigned int i, n = 0;

	for (i = 0; i < g->nr_tasks; i++)
		n += g->tasks[i].live;
	return n;
}

static void spawn(struct gen *g, const char *opts);

/* A task without privileges joins: RLIMIT_MEMLOCK binds its mlock and
 * MAP_LOCKED (unless it has CAP_IPC_LOCK), vm.mmap_min_addr its fixed
 * mappings. */
static bool gen_spawn(struct gen *g, struct gtask *t)
{
	if (g->nr_tasks == MAX_TASKS || nr_live(g) >= MAX_LIVE)
		return false;
	spawn(g, chance(g, 25) ? " uid=1000 cap=ipc_lock" : " uid=1000");
	return true;
}

static bool gen_fork(struct gen *g, struct gtask *t)
{
	struct gtask *c;

	if (g->nr_tasks == MAX_TASKS || nr_live(g) >= MAX_LIVE)
		return false;
	c = &g->tasks[g->nr_tasks++];
	*c = *t;
	out(g, "%c: fork %c\n", task_name(g, t), task_name(g, c));
	return true;
}

static bool gen_exit(struct gen *g, struct gtask *t)
{
	if (nr_live(g) < 2)
		return false;
	out(g, "%c: exit\n", task_name(g, t));
	t->live = false;
	return true;
}

static bool gen_remap(struct gen *g, struct gtask *t)
{
	int i = pick_map(g, t, 2);
	bool prot, nonblock;
	unsigned int pgoff;
	uint64_t np;

	if (i < 0)
		return false;
	np = pages_of(t->maps[i].len);
	t->remapped = true;
	out(g, "%c: remap ", task_name(g, t));
	out_addr(g, i, (int64_t)(below(g, (unsigned int)np) * PG));
	nonblock = chance(g, 10);
	prot = chance(g, 5);
	pgoff = below(g, 24);
	out(g, " %up %u%s%s\n", 1 + below(g, (unsigned int)np), pgoff,
	    prot ? " prot=1" : "", nonblock ? " nonblock" : "");
	return true;
}

/* The VMA layout, which the oracle reads from /proc/PID/maps.  Not after
 * remap_file_pages: objvm's nonlinear VMA is one VMA, the kernel's
 * emulation one per run (objvm diff does not compare those). */
static bool gen_maps(struct gen *g, struct gtask *t)
{
	if (t->remapped)
		return false;
	out(g, "%c: maps\n", task_name(g, t));
	return true;
}

static bool gen_hugetlb(struct gen *g, struct gtask *t)
{
	int slot = (int)below(g, MAX_MAPS);

	out(g, "%c: mmap M%d 2h rw private,anon,hugetlb\n", task_name(g, t),
	    slot);
	t->maps[slot].used = false; /* may fail: nothing to rely on */
	return true;
}

static bool gen_reclaim(struct gen *g, struct gtask *t)
{
	out(g, "reclaim %u\n", 1 + below(g, 64));
	return true;
}

static bool has_remap(const struct gen *g)
{
	return g->o->features & GEN_F_REMAP;
}

static bool has_hugetlb(const struct gen *g)
{
	return g->o->features & GEN_F_HUGETLB;
}

static bool has_reclaim(const struct gen *g)
{
	return g->o->features & GEN_F_RECLAIM;
}

/*
 * The table: a generator joins when its predicate holds (NULL: always).
 * A capability objvm gains later gets a line here and a probe in
 * gen_probe(); nothing else changes.
 */
static const struct generator {
	const char *name;
	unsigned int weight;
	bool (*enabled)(const struct gen *g);
	gen_fn *fn;
} generators[] = {
	{"open", 6, NULL, gen_open},
	{"close", 2, NULL, gen_close},
	{"unlink", 1, NULL, gen_unlink},
	{"ftruncate", 5, NULL, gen_ftruncate},
	{"write", 6, NULL, gen_write},
	{"read", 4, NULL, gen_read},
	{"fstat", 2, NULL, gen_fstat},
	{"mmap", 12, NULL, gen_mmap},
	{"range", 16, NULL, gen_range_cmd},
	{"mremap", 5, NULL, gen_mremap},
	{"mincore", 3, NULL, gen_mincore},
	{"load", 14, NULL, gen_load},
	{"store", 10, NULL, gen_store},
	{"touch", 5, NULL, gen_touch},
	{"fork", 2, NULL, gen_fork},
	{"spawn", 1, NULL, gen_spawn},
	{"exit", 1, NULL, gen_exit},
	{"maps", 3, NULL, gen_maps},
	{"remap", 6, has_remap, gen_remap},
	{"hugetlb", 2, has_hugetlb, gen_hugetlb},
	{"reclaim", 2, has_reclaim, gen_reclaim},
};

#define NR_GENERATORS (sizeof(generators) / sizeof(generators[0]))

static void one_op(struct gen *g)
{
	unsigned int total = 0, i, r, tries;
	struct gtask *t;

	for (i = 0; i < NR_GENERATORS; i++)
		if (!generators[i].enabled || generators[i].enabled(g))
			total += generators[i].weight;
	for (tries = 0; tries < 50; tries++) {
		do
			t = &g->tasks[below(g, g->nr_tasks)];
		while (!t->live);
		r = below(g, total);
		for (i = 0; i < NR_GENERATORS; i++) {
			if (generators[i].enabled && !generators[i].enabled(g))
				continue;
			if (r < generators[i].weight)
				break;
			r -= generators[i].weight;
		}
		if (generators[i].fn(g, t))
			return;
	}
}

/* Starts a task: root, or with @opts (" uid=N ..."). */
static void spawn(struct gen *g, const char *opts)
{
	struct gtask *t = &g->tasks[g->nr_tasks++];

	memset(t, 0, sizeof(*t));
	t->live = true;
	out(g, "spawn %c%s\n", task_name(g, t), opts);
	/* Above every mapping a real process has its libraries. */
	out(g, "%c: mmap TOP 0x3ffff000 none private,anon,noreserve\n",
	    task_name(g, t));
}

char *gen_scenario(const struct gen_opts *o)
{
	struct gen g = {.state = o->seed, .o = o};
	unsigned int i;

	for (i = 0; i < NR_PATHS; i++)
		g.path_inode[i] = NO_FILE;
	out(&g, "# objvm gen --seed %" PRIu64 " --ops %u --tasks %u%s%s%s\n",
	    o->seed, o->ops, o->tasks,
	    o->features & GEN_F_REMAP ? " --with=remap" : "",
	    o->features & GEN_F_HUGETLB ? " --with=hugetlb" : "",
	    o->features & GEN_F_RECLAIM ? " --with=reclaim" : "");
	/*
	 * Every other seed runs on a machine small enough to page (the
	 * kernel side skips the sizes), so that reclaim, writeback and swap
	 * happen under the differential test.  Chosen by the seed, not
	 * drawn, so the rest of the scenario is the same either way.
	 */
	if ((o->features & GEN_F_RECLAIM) && o->seed % 2 == 0) {
		out(&g, "machine mem=8M swap=64M\n");
		g.pages_out = true;
	} else
		out(&g, "machine\n");
	for (i = 0; i < o->tasks && i < MAX_LIVE; i++)
		spawn(&g, "");
	for (i = 0; i < o->ops; i++)
		one_op(&g);
	return g.text.buf;
}

/* --- probing the library ------------------------------------------------ */

unsigned int gen_probe(void)
{
	struct objvm_config cfg = {.mem_bytes = 4 << 20};
	struct objvm_cred root = {0};
	unsigned char page[4096];
	struct objvm_task *t;
	unsigned int f = 0;
	struct objvm *vm;
	uint64_t addr;
	int fd, i;

	if (objvm_create(&cfg, &vm) != 0)
		return 0;
	if (objvm_spawn(vm, &root, &t) != 0)
		goto out;
	fd = objvm_open(t, "/probe", OBJVM_O_RDWR | OBJVM_O_CREAT);
	if (fd < 0)
		goto out;
	if (objvm_ftruncate(t, fd, 4 * PG) == 0 &&
	    objvm_mmap(t, 0, 4 * PG, OBJVM_PROT_READ | OBJVM_PROT_WRITE,
		       OBJVM_MAP_SHARED, fd, 0, &addr) == 0) {
		if (objvm_remap_file_pages(t, addr, PG, 0, 2, 0, -1) == 0)
			f |= GEN_F_REMAP;
		objvm_munmap(t, addr, 4 * PG);
	}
	if (objvm_mmap(
		    t, 0, OBJVM_HPAGE_SIZE, OBJVM_PROT_READ | OBJVM_PROT_WRITE,
		    OBJVM_MAP_PRIVATE | OBJVM_MAP_ANONYMOUS | OBJVM_MAP_HUGETLB,
		    -1, 0, &addr) == 0)
		f |= GEN_F_HUGETLB;
	/* Clean page-cache pages that nothing maps: reclaim takes them. */
	memset(page, 1, sizeof(page));
	for (i = 0; i < 64; i++)
		objvm_pwrite(t, fd, page, sizeof(page), (int64_t)i * 4096);
	objvm_fsync(t, fd);
	if (objvm_reclaim(vm, 16) > 0)
		f |= GEN_F_RECLAIM;
out:
	objvm_destroy(vm);
	return f;
}

void gen_defaults(struct gen_opts *o)
{
	*o = (struct gen_opts){.ops = 60, .tasks = 2};
	o->features = gen_probe();
}

/* --- `objvm gen` -------------------------------------------------------- */

static const char gen_usage[] = "usage: objvm gen --seed N [--ops K] [--tasks "
				"T] "
				"[--with=remap,hugetlb,reclaim] "
				"[--without=...]\n";

static bool parse_num(const char *s, uint64_t *v)
{
	char *end;

	*v = strtoull(s, &end, 0);
	return s[0] && !*end;
}

static bool parse_features(const char *s, unsigned int *f)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", s);
	*f = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "remap") == 0)
			*f |= GEN_F_REMAP;
		else if (strcmp(tok, "hugetlb") == 0)
			*f |= GEN_F_HUGETLB;
		else if (strcmp(tok, "reclaim") == 0)
			*f |= GEN_F_RECLAIM;
		else
			return false;
	}
	return true;
}

int gen_main(int argc, char **argv)
{
	struct gen_opts o;
	bool have_seed = false;
	unsigned int f;
	uint64_t v;
	char *text;
	int i;

	gen_defaults(&o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : "";

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(gen_usage, stdout);
			return 0;
		} else if (strcmp(a, "--seed") == 0 && parse_num(val, &v)) {
			o.seed = v;
			have_seed = true;
			i++;
		} else if (strcmp(a, "--ops") == 0 && parse_num(val, &v) &&
			   v <= 100000) {
			o.ops = (unsigned int)v;
			i++;
		} else if (strcmp(a, "--tasks") == 0 && parse_num(val, &v) &&
			   v >= 1 && v <= MAX_LIVE) {
			o.tasks = (unsigned int)v;
			i++;
		} else if (strncmp(a, "--with=", 7) == 0 &&
			   parse_features(a + 7, &f)) {
			o.features |= f;
		} else if (strncmp(a, "--without=", 10) == 0 &&
			   parse_features(a + 10, &f)) {
			o.features &= ~f;
		} else {
			fprintf(stderr, "objvm gen: bad argument '%s'\n", a);
			fputs(gen_usage, stderr);
			return 2;
		}
	}
	if (!have_seed) {
		fputs("objvm gen: --seed is required\n", stderr);
		fputs(gen_usage, stderr);
		return 2;
	}
	text = gen_scenario(&o);
	fputs(text, stdout);
	free(text);
	return 0;
}
