/*
 * tools/objvm/oracle_mem.c - the address space of an oracle task process:
 * what the scenario owns, the safety rule, and faulting accesses.
 *
 * A task process holds two kinds of memory: the oracle's own (its code,
 * heap, stack, libraries, vdso) and what the scenario mapped.  Every
 * command that names a range is checked here first (oracle_mem_check()):
 * a range that reaches memory the scenario did not map is refused, so no
 * scenario can unmap, protect, overwrite or even read the oracle.
 *
 * Owned memory: the spans of successful mmap and mremap calls, less those
 * of successful munmap calls and mremap sources (oracle_task.c keeps this
 * up to date).  At each check the live layout is read from /proc/self/maps:
 * every mapped address of the range must be owned.  Besides mappings, two
 * zones of unmapped memory belong to the oracle: the room below the stack
 * that it grows into (an access there would grow the stack), and the room
 * above the heap that brk grows into (a mapping there would stop it).
 *
 * Layout (oracle_mem_init()): the kernel places a new mapping in the
 * highest gap below mmap_base that fits, which in a fresh process may be a
 * hole between two libraries.  To give scenarios the layout objvm gives
 * them, a task process first fills every such hole with PROT_NONE memory,
 * then maps a PROT_NONE guard right below the lowest library, reaching
 * down to a 2 MiB boundary as objvm's mmap_base is one: scenario mappings
 * then go below the guard, each below the one before, at the same
 * addresses modulo 2 MiB as in objvm.  Loads and
 * stores in the guard are allowed: they fault, as they would in objvm,
 * where nothing is mapped above the first mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "oracle.h"

#define PAGE 4096ULL
#define GUARD_LEN \
	((1ULL << 30) + PAGE) /* not a multiple of 2M: no THP
						alignment, it sits right below */
#define THP_ALIGN   (2ULL << 20)
#define HEAP_ROOM   (1ULL << 30)
#define STACK_EXTRA (1ULL << 20) /* beyond RLIMIT_STACK: the guard gap */
#define MAX_FILL    10000        /* holes filled, at most */

struct span {
	uint64_t start, end;
};

static struct span *owned;
static size_t nr_owned, owned_cap;
static struct span guard;

/* --- owned spans: a sorted array of disjoint spans ---------------------- */

static void owned_reserve(size_t n)
{
	struct span *p;

	if (n <= owned_cap)
		return;
	owned_cap = owned_cap ? owned_cap * 2 : 64;
	if (owned_cap < n)
		owned_cap = n;
	p = realloc(owned, owned_cap * sizeof(*owned));
	if (!p)
		abort();
	owned = p;
}

void oracle_mem_disown(uint64_t start, uint64_t end)
{
	size_t i;

	if (end <= start)
		return;
	for (i = 0; i < nr_owned; i++) {
		struct span s = owned[i];

		if (s.end <= start || s.start >= end)
			continue;
		if (s.start < start && s.end > end) {
			/* Split in two. */
			owned_reserve(nr_owned + 1);
			memmove(&owned[i + 1], &owned[i],
				(nr_owned - i) * sizeof(*owned));
			nr_owned++;
			owned[i].end = start;
			owned[i + 1].start = end;
			return;
		}
		if (s.start < start) {
			owned[i].end = start;
		} else if (s.end > end) {
			owned[i].start = end;
		} else {
			memmove(&owned[i], &owned[i + 1],
				(nr_owned - i - 1) * sizeof(*owned));
			nr_owned--;
			i--;
		}
	}
}

void oracle_mem_own(uint64_t start, uint64_t end)
{
	size_t i = 0;

	if (end <= start)
		return;
	oracle_mem_disown(start, end);
	owned_reserve(nr_owned + 1);
	while (i < nr_owned && owned[i].start < start)
		i++;
	memmove(&owned[i + 1], &owned[i], (nr_owned - i) * sizeof(*owned));
	owned[i] = (struct span){start, end};
	nr_owned++;
}

bool oracle_mem_owned(size_t i, uint64_t *start, uint64_t *end)
{
	if (i >= nr_owned)
		return false;
	*start = owned[i].start;
	*end = owned[i].end;
	return true;
}

/* Is all of [start, end) owned? */
static bool owned_covers(uint64_t start, uint64_t end)
{
	size_t i;

	for (i = 0; i < nr_owned && start < end; i++) {
		if (owned[i].end <= start)
			continue;
		if (owned[i].start > start)
			return false;
		start = owned[i].end;
	}
	return start >= end;
}

uint64_t oracle_mem_owned_in(uint64_t start, uint64_t end)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < nr_owned; i++) {
		uint64_t a = owned[i].start > start ? owned[i].start : start;
		uint64_t b = owned[i].end < end ? owned[i].end : end;

		if (a < b)
			sum += b - a;
	}
	return sum;
}

/* --- /proc/self/maps ---------------------------------------------------- */

struct maps_ent {
	uint64_t start, end;
	char perms[5];
	const char *path; /* "" for none */
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static const char *parse_hex(const char *p, uint64_t *out)
{
	uint64_t v = 0;
	int d;

	while ((d = hexval(*p)) >= 0) {
		v = v << 4 | (uint64_t)d;
		p++;
	}
	*out = v;
	return p;
}

/* One line: "start-end perms offset dev inode   path". */
static bool parse_maps_line(char *line, struct maps_ent *e)
{
	const char *p = line;
	int field;

	p = parse_hex(p, &e->start);
	if (*p++ != '-')
		return false;
	p = parse_hex(p, &e->end);
	if (*p++ != ' ' || strlen(p) < 4)
		return false;
	memcpy(e->perms, p, 4);
	e->perms[4] = '\0';
	for (field = 0; field < 4 && *p; field++) {
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	e->path = p;
	return true;
}

typedef bool maps_fn(void *arg, const struct maps_ent *e);

/* Call @fn for each mapping of this process; stops when it returns false.
 * Uses no heap memory, so reading the layout does not change it. */
static bool maps_walk(maps_fn *fn, void *arg)
{
	static char buf[16384];
	size_t have = 0;
	bool go = true;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while (go) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *line = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		while (go && (nl = memchr(line, '\n', have - (line - buf)))) {
			struct maps_ent e;

			*nl = '\0';
			if (parse_maps_line(line, &e))
				go = fn(arg, &e);
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0; /* a line that long is not a mapping */
	}
	close(fd);
	return true;
}

/* --- layout ------------------------------------------------------------- */

struct layout {
	uint64_t heap_end;    /* end of [heap], or of the highest mapping of
				 the program below the mmap area */
	uint64_t stack_start; /* start of [stack] */
	uint64_t lowest;      /* lowest mapping above heap_end, below stack */
};

static bool layout_one(void *arg, const struct maps_ent *e)
{
	struct layout *l = arg;

	if (strcmp(e->path, "[heap]") == 0)
		l->heap_end = e->end;
	else if (strcmp(e->path, "[stack]") == 0)
		l->stack_start = e->start;
	return true;
}

static bool lowest_one(void *arg, const struct maps_ent *e)
{
	struct layout *l = arg;

	if (e->start >= l->heap_end && e->end <= l->stack_start &&
	    e->start < l->lowest)
		l->lowest = e->start;
	return true;
}

static void layout_read(struct layout *l)
{
	memset(l, 0, sizeof(*l));
	l->stack_start = UINT64_MAX;
	maps_walk(layout_one, l);
	if (!l->heap_end) {
		/* No [heap] yet: use sbrk(0), where it would start. */
		l->heap_end = (uint64_t)(uintptr_t)sbrk(0);
	}
	l->lowest = UINT64_MAX;
	maps_walk(lowest_one, l);
}

/* The end of the highest mapping that ends at or below @addr. */
struct below {
	uint64_t addr, end;
};

static bool below_one(void *arg, const struct maps_ent *e)
{
	struct below *b = arg;

	if (e->end <= b->addr && e->end > b->end)
		b->end = e->end;
	return true;
}

void oracle_mem_init(void)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	struct layout l;
	void *p;
	int i;

	layout_read(&l);
	if (l.lowest == UINT64_MAX)
		return;
	/*
	 * Fill the holes above the lowest mapping of the mmap area.  A page
	 * mapped anywhere lands in the highest hole; the rest of that hole,
	 * down to the mapping below it, is then filled in one call.
	 */
	for (i = 0; i < MAX_FILL; i++) {
		struct below b;
		uint64_t a;

		p = mmap(NULL, PAGE, PROT_NONE, flags, -1, 0);
		if (p == MAP_FAILED)
			break;
		a = (uint64_t)(uintptr_t)p;
		if (a < l.lowest) {
			munmap(p, PAGE);
			break;
		}
		b = (struct below){a, 0};
		maps_walk(below_one, &b);
		if (b.end && b.end < a)
			mmap((void *)(uintptr_t)b.end, a - b.end, PROT_NONE,
			     flags | MAP_FIXED_NOREPLACE, -1, 0);
	}
	p = mmap(NULL, GUARD_LEN, PROT_NONE, flags, -1, 0);
	if (p == MAP_FAILED)
		return;
	guard = (struct span){(uint64_t)(uintptr_t)p,
			      (uint64_t)(uintptr_t)p + GUARD_LEN};
	/*
	 * Extend it down to a 2 MiB boundary, as objvm's mmap_base is one:
	 * where Linux aligns a mapping for THP depends on the address modulo
	 * 2 MiB, so scenario mappings must start from the same residue.
	 */
	if (guard.start & (THP_ALIGN - 1)) {
		uint64_t bottom = guard.start & ~(THP_ALIGN - 1);

		p = mmap((void *)(uintptr_t)bottom, guard.start - bottom,
			 PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != MAP_FAILED)
			guard.start = bottom;
	}
}

/* --- the safety rule ---------------------------------------------------- */

struct check {
	uint64_t start, end;
	enum oracle_use use;
	struct layout l;
	bool ok;
};

static bool within(uint64_t a, uint64_t b, const struct span *s)
{
	return a >= s->start && b <= s->end;
}

/* A mapping the scenario does not own, that an access only faults on. */
static bool fault_only(const struct maps_ent *e, uint64_t a, uint64_t b)
{
	struct span s = {e->start, e->end};

	if (within(a, b, &guard))
		return true;
	/* The vsyscall page in xonly mode: not readable by loads. */
	return strcmp(e->path, "[vsyscall]") == 0 && e->perms[0] != 'r' &&
	       within(a, b, &s);
}

static bool check_one(void *arg, const struct maps_ent *e)
{
	struct check *c = arg;
	uint64_t a = e->start > c->start ? e->start : c->start;
	uint64_t b = e->end < c->end ? e->end : c->end;
	size_t i;

	if (a >= b)
		return true;
	if (owned_covers(a, b))
		return true;
	if (c->use == ORACLE_READ || c->use == ORACLE_WRITE) {
		/* The part not owned must only fault. */
		for (i = 0; i <= nr_owned; i++) {
			uint64_t lo = i ? owned[i - 1].end : 0;
			uint64_t hi = i < nr_owned ? owned[i].start
						   : UINT64_MAX;

			lo = lo > a ? lo : a;
			hi = hi < b ? hi : b;
			if (lo < hi && !fault_only(e, lo, hi)) {
				c->ok = false;
				return false;
			}
		}
		return true;
	}
	c->ok = false;
	return false;
}

/* Sets c->ok to false if any mapping meets the range. */
static bool any_one(void *arg, const struct maps_ent *e)
{
	struct check *c = arg;

	if (e->start < c->end && c->start < e->end) {
		c->ok = false;
		return false;
	}
	return true;
}

static bool overlaps(uint64_t a, uint64_t b, uint64_t lo, uint64_t hi)
{
	return a < hi && lo < b;
}

bool oracle_mem_check(uint64_t start, uint64_t end, enum oracle_use use)
{
	struct check c = {start, end, use, {0}, true};
	struct rlimit rl;
	uint64_t room = 8ULL << 20;

	if (end <= start)
		return true;
	layout_read(&c.l);
	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur > room)
		room = rl.rlim_cur;
	if (rl.rlim_cur == RLIM_INFINITY)
		room = 1ULL << 30;
	room += STACK_EXTRA;
	if (use != ORACLE_EXPAND && c.l.stack_start != UINT64_MAX &&
	    overlaps(start, end,
		     c.l.stack_start > room ? c.l.stack_start - room : 0,
		     c.l.stack_start))
		return false;
	if (use == ORACLE_EXPAND) {
		/* Growing in place takes the room only if all of it is free;
		 * then it must not be room the heap or the stack grow into. */
		if (!maps_walk(any_one, &c))
			return false;
		if (!c.ok)
			return true;
		return !overlaps(start, end, c.l.heap_end,
				 c.l.heap_end + HEAP_ROOM) &&
		       !overlaps(start, end,
				 c.l.stack_start > room ? c.l.stack_start - room
							: 0,
				 c.l.stack_start);
	}
	if (use == ORACLE_CREATE &&
	    overlaps(start, end, c.l.heap_end, c.l.heap_end + HEAP_ROOM))
		return false;
	if (!maps_walk(check_one, &c))
		return false;
	return c.ok;
}

/* --- faulting accesses -------------------------------------------------- */

static sigjmp_buf probe_env;
static volatile sig_atomic_t probing;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	if (!probing) {
		/* Not ours: die of it, as the oracle has a bug. */
		signal(sig, SIG_DFL);
		return;
	}
	probing = 0;
	siglongjmp(probe_env, sig);
}

/* Installed once per process; fork keeps it. */
static void probe_setup(void)
{
	static bool done;
	static char altstack[65536];
	struct sigaction sa;
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};

	if (done)
		return;
	done = true;
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	/* SA_NODEFER: the signal stays unblocked after siglongjmp, so the
	 * jump buffer need not save the mask (no system call per probe). */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* A store that leaves the byte as it is: a locked read-modify-write is a
 * write access from the start, as a store instruction is (a read first
 * would fault as a read, with another signal). */
static void store_same(volatile unsigned char *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("lock; orb $0, %0" : "+m"(*p));
#else
	__atomic_fetch_or((unsigned char *)p, 0, __ATOMIC_SEQ_CST);
#endif
}

int oracle_probe(uint64_t addr, enum oracle_probe how, uint64_t *fault)
{
	volatile unsigned char *p = (volatile unsigned char *)(uintptr_t)addr;
	unsigned char v;
	int sig;

	probe_setup();
	probing = 1;
	sig = sigsetjmp(probe_env, 0);
	if (sig) {
		sigset_t set;

		/* SA_NODEFER should have left the signal unblocked; make sure
		 * (a sanitizer's sigaction may not pass the flag on). */
		sigemptyset(&set);
		sigaddset(&set, SIGSEGV);
		sigaddset(&set, SIGBUS);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		*fault = addr;
		return sig;
	}
	switch (how) {
	case ORACLE_PROBE_READ:
		v = *p;
		(void)v;
		break;
	case ORACLE_PROBE_WRITE:
		store_same(p);
		break;
	case ORACLE_PROBE_READ_WRITE:
		v = *p;
		*p = v;
		break;
	}
	probing = 0;
	return 0;
}
