/*
 * lib/lock.c - ranked locks and the lock-order checker.
 *
 * Every objvm lock has a rank from enum lock_rank (vm.h).  In debug builds
 * each thread keeps the stack of locks it holds; taking a lock whose rank
 * is not above every held rank aborts with both locks named, unless the
 * caller said the nesting is intended (vm_lock_nested) or used a trylock,
 * which cannot deadlock.  This is 2.6's lockdep reduced to what objvm's
 * fixed hierarchy needs.
 */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#include <stdio.h>
#include <stdlib.h>

#include "vm.h"

#if OBJVM_DEBUG
#define LOCKDEP_DEPTH 48

struct held_lock {
	const void *lock;
	enum lock_rank rank;
};

static _Thread_local struct {
	int depth;
	struct held_lock held[LOCKDEP_DEPTH];
} lockdep;

static const char *const rank_names[NR_LOCK_RANKS] = {
	[LOCK_NONE] = "none",
	[LOCK_CALL] = "call_lock",
	[LOCK_TASKS] = "tasks_lock",
	[LOCK_FDTABLE] = "fd_lock",
	[LOCK_NAMESPACE] = "ns_lock",
	[LOCK_I_SEM] = "i_sem",
	[LOCK_MM] = "mmap_lock",
	[LOCK_PAGE] = "page lock",
	[LOCK_I_MMAP] = "i_mmap_lock",
	[LOCK_ANON_FREE] = "anon_vma_free_lock",
	[LOCK_ANON_VMA] = "anon_vma lock",
	[LOCK_PTE] = "page_table_lock",
	[LOCK_CHAIN] = "pte chain lock",
	[LOCK_SWAP] = "swap lock",
	[LOCK_PAGECACHE] = "tree_lock",
	[LOCK_LRU] = "lru_lock",
	[LOCK_BACKING] = "blocks_lock",
	[LOCK_SLAB] = "pte-chain slab lock",
	[LOCK_ZONE] = "zone lock",
	[LOCK_STATS] = "stats_lock",
};

static void lockdep_fail(const char *what, enum lock_rank rank,
			 const struct held_lock *h)
{
	fprintf(stderr, "objvm: lock order: %s %s (rank %d)", what,
		rank_names[rank], rank);
	if (h)
		fprintf(stderr, " while holding %s (rank %d)",
			rank_names[h->rank], h->rank);
	fputc('\n', stderr);
	abort();
}

static void lockdep_push(enum lock_rank rank, const void *lock)
{
	if (lockdep.depth == LOCKDEP_DEPTH)
		lockdep_fail("too many locks held: taking", rank, NULL);
	lockdep.held[lockdep.depth].lock = lock;
	lockdep.held[lockdep.depth].rank = rank;
	lockdep.depth++;
}
#endif

void lockdep_acquire(enum lock_rank rank, const void *lock, bool nested)
{
#if OBJVM_DEBUG
	int i;

	for (i = 0; i < lockdep.depth; i++) {
		const struct held_lock *h = &lockdep.held[i];

		if (h->lock == lock)
			lockdep_fail("recursive acquisition of", rank, h);
		if (h->rank > rank || (h->rank == rank && !nested))
			lockdep_fail("taking", rank, h);
	}
	lockdep_push(rank, lock);
#else
	(void)rank;
	(void)lock;
	(void)nested;
#endif
}

void lockdep_acquire_try(enum lock_rank rank, const void *lock)
{
#if OBJVM_DEBUG
	lockdep_push(rank, lock);
#else
	(void)rank;
	(void)lock;
#endif
}

void lockdep_release(enum lock_rank rank, const void *lock)
{
#if OBJVM_DEBUG
	int i;

	for (i = lockdep.depth - 1; i >= 0; i--) {
		if (lockdep.held[i].lock != lock)
			continue;
		for (; i < lockdep.depth - 1; i++)
			lockdep.held[i] = lockdep.held[i + 1];
		lockdep.depth--;
		return;
	}
	lockdep_fail("releasing unheld", rank, NULL);
#else
	(void)rank;
	(void)lock;
#endif
}

bool lockdep_held(const void *lock)
{
#if OBJVM_DEBUG
	int i;

	for (i = 0; i < lockdep.depth; i++)
		if (lockdep.held[i].lock == lock)
			return true;
	return false;
#else
	(void)lock;
	return true;
#endif
}

void vm_lock_init(struct vm_lock *l, enum lock_rank rank)
{
	pthread_mutex_init(&l->mutex, NULL);
	l->rank = rank;
}

void vm_lock_destroy(struct vm_lock *l)
{
	pthread_mutex_destroy(&l->mutex);
}

void vm_lock(struct vm_lock *l)
{
	lockdep_acquire(l->rank, l, false);
	pthread_mutex_lock(&l->mutex);
}

void vm_lock_nested(struct vm_lock *l)
{
	lockdep_acquire(l->rank, l, true);
	pthread_mutex_lock(&l->mutex);
}

bool vm_trylock(struct vm_lock *l)
{
	if (pthread_mutex_trylock(&l->mutex) != 0)
		return false;
	lockdep_acquire_try(l->rank, l);
	return true;
}

void vm_unlock(struct vm_lock *l)
{
	lockdep_release(l->rank, l);
	pthread_mutex_unlock(&l->mutex);
}

void vm_rwlock_init(struct vm_rwlock *l, enum lock_rank rank)
{
	pthread_rwlock_init(&l->rw, NULL);
	l->rank = rank;
}

void vm_rwlock_init_writer_first(struct vm_rwlock *l, enum lock_rank rank)
{
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(
		&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&l->rw, &attr);
	pthread_rwlockattr_destroy(&attr);
	l->rank = rank;
}

void vm_rwlock_destroy(struct vm_rwlock *l)
{
	pthread_rwlock_destroy(&l->rw);
}

void vm_read_lock(struct vm_rwlock *l)
{
	lockdep_acquire(l->rank, l, false);
	pthread_rwlock_rdlock(&l->rw);
}

bool vm_read_trylock(struct vm_rwlock *l)
{
	if (pthread_rwlock_tryrdlock(&l->rw) != 0)
		return false;
	lockdep_acquire_try(l->rank, l);
	return true;
}

void vm_write_lock(struct vm_rwlock *l)
{
	lockdep_acquire(l->rank, l, false);
	pthread_rwlock_wrlock(&l->rw);
}

void vm_rw_unlock(struct vm_rwlock *l)
{
	lockdep_release(l->rank, l);
	pthread_rwlock_unlock(&l->rw);
}

void vm_bug(const char *file, int line, const char *cond,
	    const struct page *page)
{
	fprintf(stderr, "objvm: BUG at %s:%d: %s\n", file, line, cond);
	if (page)
		fprintf(stderr, "objvm: page %p\n", (const void *)page);
	abort();
}

static atomic_long nr_warnings;

void vm_warn(const char *file, int line, const char *cond)
{
	atomic_fetch_add(&nr_warnings, 1);
	fprintf(stderr, "objvm: warning at %s:%d: %s\n", file, line, cond);
}
