/*
 * vm.h - types, constants, locks and assertions every part of objvm shares.
 *
 * This is objvm's mm.h + mm/internal.h: the lock ranks (the one lock-order
 * document), the assertion macros, intrusive lists, and the per-thread
 * event counters.  Anything owned by one subsystem lives in its own header.
 */
#ifndef OBJVM_VM_H
#define OBJVM_VM_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "objvm.h"

#define PAGE_SHIFT  12
#define PAGE_SIZE   (1UL << PAGE_SHIFT)
#define PAGE_MASK   (~(PAGE_SIZE - 1))
#define HPAGE_SHIFT 21
#define HPAGE_SIZE  (1UL << HPAGE_SHIFT)
#define HPAGE_ORDER (HPAGE_SHIFT - PAGE_SHIFT)

/* User address space: x86-64 with 4-level tables, the top page excluded. */
#define TASK_SIZE         ((1UL << 47) - PAGE_SIZE)
/* vm.mmap_min_addr by default: the usual distribution value. */
#define MMAP_MIN_ADDR     0x10000UL
/* CONFIG_LSM_MMAP_MIN_ADDR: a hint is raised at least this far even when
 * the sysctl is lower (only the EPERM check follows the sysctl). */
#define LSM_MMAP_MIN_ADDR 0x10000UL
/* Where top-down placement starts: below a notional 8 MiB stack gap. */
#define MMAP_BASE         0x7f0000000000UL

#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)     ((a) < (b) ? (a) : (b))
#define MAX(a, b)     ((a) > (b) ? (a) : (b))

typedef uint64_t pgoff_t; /* a file offset in pages */
typedef uint64_t pte_t;   /* one page-table entry; see pgtable/pgtable.h */

struct objvm;
struct page;
struct vma;
struct mm;
struct task;
struct inode;
struct address_space;
struct anon_vma;

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

/* --- assertions (STYLE.md 4.6) ------------------------------------------ */

void vm_bug(const char *file, int line, const char *cond,
	    const struct page *page) __attribute__((noreturn));
void vm_warn(const char *file, int line, const char *cond);

#if OBJVM_DEBUG
#define VM_BUG_ON(cond) \
	((cond) ? vm_bug(__FILE__, __LINE__, #cond, NULL) : (void)0)
#define VM_BUG_ON_PAGE(cond, page) \
	((cond) ? vm_bug(__FILE__, __LINE__, #cond, (page)) : (void)0)
#define VM_WARN_ON(cond) ((cond) ? vm_warn(__FILE__, __LINE__, #cond) : (void)0)
#else
#define VM_BUG_ON(cond)            ((void)sizeof(cond))
#define VM_BUG_ON_PAGE(cond, page) ((void)sizeof(cond), (void)sizeof(page))
#define VM_WARN_ON(cond)           ((void)sizeof(cond))
#endif

/* --- reads that race with stores on purpose -------------------------------
 *
 * Writeback copies a dirty page to its store while the page stays mapped
 * writable, so a task may store into it during the copy (2.6 did the
 * same, and so does Linux without stable pages): the copy may hold old
 * and new bytes mixed, and the store, which went through a fault that
 * dirtied the pte again, is written at the next writeback.  The race is
 * wanted; these brackets tell ThreadSanitizer to skip the accesses made
 * between them, and are used around exactly the reads of such a page.
 */
#if defined(__SANITIZE_THREAD__)
#define OBJVM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define OBJVM_TSAN 1
#endif
#endif

#ifdef OBJVM_TSAN
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
#define racy_page_reads_begin() AnnotateIgnoreReadsBegin(__FILE__, __LINE__)
#define racy_page_reads_end()   AnnotateIgnoreReadsEnd(__FILE__, __LINE__)
#else
#define racy_page_reads_begin() ((void)0)
#define racy_page_reads_end()   ((void)0)
#endif

/* --- intrusive doubly linked lists --------------------------------------- */

struct list_head {
	struct list_head *next, *prev;
};

static inline void list_init(struct list_head *h)
{
	h->next = h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_add_between(struct list_head *n, struct list_head *p,
				    struct list_head *x)
{
	n->next = x;
	n->prev = p;
	p->next = n;
	x->prev = n;
}

/* Adds @n right after @h (at the head). */
static inline void list_add(struct list_head *n, struct list_head *h)
{
	list_add_between(n, h, h->next);
}

/* Adds @n right before @h (at the tail). */
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_add_between(n, h->prev, h);
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_safe(pos, n, head)                               \
	for ((pos) = (head)->next, (n) = (pos)->next; (pos) != (head); \
	     (pos) = (n), (n) = (pos)->next)

/* --- locks -----------------------------------------------------------------
 *
 * Lock order, outermost first.  A thread may take a lock only while every
 * lock it already holds has a smaller rank (or, for a lock taken with
 * vm_lock_nested(), the same rank).  Debug builds check this at every
 * acquisition, so this list cannot drift from the code.  Paths that must
 * go against the order use a trylock and back off, as 2.6 did.
 */
enum lock_rank {
	LOCK_NONE = 0,
	LOCK_CALL,      /* vm->call_lock (rw): every public call holds it for
			   reading, the invariant checker for writing */
	LOCK_TASKS,     /* vm->tasks_lock: the task list, pid allocation */
	LOCK_FDTABLE,   /* task->fd_lock: the descriptor table */
	LOCK_NAMESPACE, /* vm->ns_lock: path -> inode names */
	LOCK_I_SEM,     /* inode->i_sem: size changes, write(), fsync */
	LOCK_MM,        /* mm->mmap_lock (rw): VMA tree and VMA fields */
	LOCK_PAGE,      /* PG_LOCKED: page->mapping, page->index, I/O */
	LOCK_I_MMAP,    /* mapping->i_mmap_lock: i_mmap tree, nonlinear
			   list, truncate_count */
	LOCK_ANON_FREE, /* vm->anon_vma_free_lock (rw): reclaim reads, the
			   freeing of an anon_vma writes (2.6.11's RCU) */
	LOCK_ANON_VMA,  /* anon_vma->lock: its list of VMAs */
	LOCK_PTE,       /* mm->page_table_lock: ptes, mapcounts, TLB */
	LOCK_CHAIN,     /* PG_chainlock: a page's pte chain (ptechain) */
	LOCK_SWAP,      /* vm->swap.lock: swap slots, the swap cache */
	LOCK_PAGECACHE, /* mapping->tree_lock: the page index */
	LOCK_LRU,       /* vm->lru_lock: active and inactive lists */
	LOCK_BACKING,   /* inode->blocks_lock: the in-memory backing store */
	LOCK_SLAB,      /* vm->chain_slab.lock: pte-chain blocks */
	LOCK_ZONE,      /* vm->zone.lock: the frame allocator */
	LOCK_STATS,     /* vm->stats_lock: the list of counter blocks */
	NR_LOCK_RANKS
};

struct vm_lock {
	pthread_mutex_t mutex;
	enum lock_rank rank;
};

struct vm_rwlock {
	pthread_rwlock_t rw;
	enum lock_rank rank;
};

void vm_lock_init(struct vm_lock *l, enum lock_rank rank);
void vm_lock_destroy(struct vm_lock *l);
void vm_lock(struct vm_lock *l);
/* Takes a second lock of a rank already held (parent and child
 * page_table_lock in fork; 2.6: spin_lock_nested). */
void vm_lock_nested(struct vm_lock *l);
bool vm_trylock(struct vm_lock *l);
void vm_unlock(struct vm_lock *l);

void vm_rwlock_init(struct vm_rwlock *l, enum lock_rank rank);
/* The same, for a lock whose writer must not starve behind a stream of
 * readers: a waiting writer holds back new readers, so a thread must
 * never take it for reading twice. */
void vm_rwlock_init_writer_first(struct vm_rwlock *l, enum lock_rank rank);
void vm_rwlock_destroy(struct vm_rwlock *l);
void vm_read_lock(struct vm_rwlock *l);
/* Against the lock order (reclaim reaching an mm from a page). */
bool vm_read_trylock(struct vm_rwlock *l);
void vm_write_lock(struct vm_rwlock *l);
void vm_rw_unlock(struct vm_rwlock *l);

/* Rank bookkeeping for locks that are not vm_locks (the page lock). */
void lockdep_acquire(enum lock_rank rank, const void *lock, bool nested);
/* A successful trylock cannot deadlock: recorded without the order test. */
void lockdep_acquire_try(enum lock_rank rank, const void *lock);
void lockdep_release(enum lock_rank rank, const void *lock);
/* True when this thread holds @lock (debug builds; always true without). */
bool lockdep_held(const void *lock);

#define assert_held(lock) VM_BUG_ON(!lockdep_held(lock))

/* --- event counters --------------------------------------------------------
 *
 * One block per host thread per machine, written only by its thread and
 * summed on read, so counting never becomes a shared hot spot.
 */
#define VM_STAT_LIST(X)                                                       \
	X(fault_anon, "anonymous first-touch faults")                         \
	X(fault_zero, "read faults that mapped the zero page")                \
	X(fault_file_minor, "file faults served from the page cache")         \
	X(fault_file_major, "file faults that read the backing store")        \
	X(fault_cow, "copy-on-write faults")                                  \
	X(fault_wp, "write faults that only made a pte writable")             \
	X(fault_sigbus, "faults that raised SIGBUS")                          \
	X(fault_sigsegv, "faults that raised SIGSEGV")                        \
	X(fault_oom, "faults that found no memory")                           \
	X(fault_retry, "faults retried after a racing truncate")              \
	X(tlb_hit, "software TLB hits")                                       \
	X(tlb_miss, "software TLB misses")                                    \
	X(tlb_flush_page, "software TLB entries invalidated")                 \
	X(tlb_flush_all, "software TLB full flushes")                         \
	X(tlb_shootdown_ipi, "shootdowns that made other threads fence")      \
	X(pte_set, "ptes written")                                            \
	X(pte_zap, "present ptes zapped")                                     \
	X(pgtable_alloc, "page-table pages allocated")                        \
	X(pgtable_free, "page-table pages freed")                             \
	X(vma_alloc, "VMAs created")                                          \
	X(vma_merge, "VMA merges")                                            \
	X(vma_split, "VMA splits")                                            \
	X(rmap_vma_visit, "VMAs visited by rmap and truncate walks")          \
	X(truncate_unmap, "ptes removed by truncate")                         \
	X(pagecache_add, "pages added to the page cache")                     \
	X(pagecache_remove, "pages removed from the page cache")              \
	X(page_alloc, "frames allocated")                                     \
	X(page_free, "frames freed")                                          \
	X(writeback, "pages written back to the backing store")               \
	X(readpage, "pages read from the backing store")                      \
	X(fork_pte_copy, "ptes copied by fork")                               \
	X(remap_pages, "VMA runs remap_file_pages rewrote")                   \
	X(rmap_step, "VMAs and pte-chain entries reverse-map walks examined") \
	X(rmap_bytes, "bytes of reverse-map metadata in use")                 \
	X(chain_op, "pte-chain entries added, removed or moved")              \
	X(nonlinear_scan, "ptes examined by nonlinear cluster scans")         \
	X(pgscan, "pages reclaim examined on the LRU lists")                  \
	X(pgsteal, "pages reclaim freed")                                     \
	X(pgactivate, "pages moved to the active list")                       \
	X(pgdeactivate, "pages moved to the inactive list")                   \
	X(pswpout, "pages written to swap")                                   \
	X(pswpin, "pages read back from swap")                                \
	X(refault, "pages faulted or read back after reclaim evicted them")   \
	X(direct_reclaim, "allocations that had to reclaim first")            \
	X(kswapd_run, "background reclaimer passes")                          \
	X(oom_kill, "tasks killed for want of memory")

enum vm_stat_item {
#define VM_STAT_ENUM(name, help) STAT_##name,
	VM_STAT_LIST(VM_STAT_ENUM)
#undef VM_STAT_ENUM
		NR_VM_STATS
};

struct vm_stats {
	struct list_head link; /* on vm->stats_blocks, under stats_lock */
	uint64_t owner;        /* the thread's vm_thread_id() */
	_Atomic uint64_t v[NR_VM_STATS];
};

/* The blocks a thread used last, most recent first: [0] is the one the
 * fast path tries.  Machine ids are never reused, so an entry for a
 * machine that was destroyed can never match again. */
#define VM_STATS_CACHED 4
struct vm_stats_tls {
	uint64_t vm_id; /* which machine the cached block belongs to */
	struct vm_stats *block;
};
extern _Thread_local struct vm_stats_tls vm_stats_tls[VM_STATS_CACHED];

struct vm_stats *vm_stats_block_slow(struct objvm *vm);

/* struct objvm begins with its unique id (asserted in machine.h), so the
 * counters need not see the whole struct. */
static inline uint64_t vm_id_of(const struct objvm *vm)
{
	return *(const uint64_t *)vm;
}

/*
 * This thread's counter block for @vm.  A thread has one block per
 * machine, found again (in the cache, else on the machine's list) when it
 * comes back to a machine.  Getting it the first time also registers the
 * thread with the machine (vm->nr_threads), which the TLB shootdown
 * relies on (pgtable/tlb.h): every thread gets its block before its first
 * access, and is counted once.
 */
static inline struct vm_stats *vm_stats_block(struct objvm *vm)
{
	if (__builtin_expect(vm_stats_tls[0].vm_id != vm_id_of(vm), 0))
		return vm_stats_block_slow(vm);
	return vm_stats_tls[0].block;
}

static inline void stats_add(struct vm_stats *s, enum vm_stat_item item,
			     uint64_t n)
{
	/* Only this thread writes the block: no atomic read-modify-write. */
	atomic_store_explicit(
		&s->v[item],
		atomic_load_explicit(&s->v[item], memory_order_relaxed) + n,
		memory_order_relaxed);
}

static inline void count_events(struct objvm *vm, enum vm_stat_item item,
				uint64_t n)
{
	struct vm_stats *s = vm_stats_block(vm);

	stats_add(s, item, n);
}

#define count_event(vm, item) count_events((vm), STAT_##item, 1)

#endif /* OBJVM_VM_H */
