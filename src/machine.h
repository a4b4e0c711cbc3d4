/*
 * machine.h - struct objvm: one simulated machine.
 *
 * Everything hangs off it (frames, files, tasks, sysctls, counters), so a
 * test can create a fresh machine per case; there is no global state.
 */
#ifndef OBJVM_MACHINE_H
#define OBJVM_MACHINE_H

#include "vm.h"
#include "page/page.h"

struct sysctls {
	_Atomic long max_map_count; /* vm.max_map_count */
	_Atomic int swappiness;     /* vm.swappiness */
	_Atomic int nonlinear;      /* vm.nonlinear: enum nonlinear_policy */
	_Atomic int nonlinear_unprivileged;
	_Atomic int rmap;               /* vm.rmap: enum rmap_scheme */
	_Atomic long nr_hugepages;      /* vm.nr_hugepages */
	_Atomic uint64_t mmap_min_addr; /* vm.mmap_min_addr */
};

struct objvm {
	uint64_t id; /* unique per machine; must stay first (vm_id_of) */
	enum objvm_check_level check;
	uint64_t seed;

	/*
	 * LOCK_CALL, outermost: every public call that reads or changes the
	 * machine holds it for reading (api.c); the invariant checker takes
	 * it for writing, so it looks at a machine where no call is half
	 * done.  A TLB-hit load or store (access_hit) does not take it: it
	 * changes nothing the checker reads.
	 */
	struct vm_rwlock call_lock;

	/* Physical memory: fixed at creation. */
	unsigned char *mem; /* nr_frames * PAGE_SIZE bytes, one host map */
	struct page *pages; /* one per frame, indexed by frame number */
	unsigned long nr_frames;
	struct zone zone;       /* the buddy allocator */
	struct page *zero_page; /* the shared zero page (PG_reserved) */

	/* Files. */
	struct vm_lock ns_lock;  /* LOCK_NAMESPACE: the namespace */
	struct namespace *ns;    /* path -> inode, see fs/fs.h */
	char *backing_dir;       /* NULL: files live in objvm */
	struct list_head inodes; /* every live inode, under ns_lock */

	/* Tasks. */
	struct vm_lock tasks_lock; /* LOCK_TASKS: the list, next_pid */
	struct list_head tasks;    /* every task, zombies included */
	int next_pid;
	atomic_int nr_live_tasks;           /* makes vm.rmap -EBUSY once > 0 */
	atomic_uint_fast64_t next_anon_key; /* names for vma->anon_key */

	/* Page-cache and anonymous pages on the LRU (reclaim/vmscan.c). */
	struct vm_lock lru_lock; /* LOCK_LRU: the lists and counts */
	struct list_head lru_active, lru_inactive;
	unsigned long nr_active, nr_inactive;
	atomic_long nr_mapped; /* pages some pte maps (reclaim_mapped) */
	struct reclaim_state *reclaim; /* kswapd, watermarks */
	/* reclaim's hook for the allocator (alloc_user_page): after each
	 * try; reclaims when @failed and returns the pages freed. */
	unsigned long (*memory_pressure)(struct objvm *vm, bool failed);

	/* Reverse mapping: the scheme (vm.rmap), pte-chain blocks, and the
	 * lock that keeps an anon_vma alive while reclaim looks at it. */
	const struct rmap_policy *rmap;
	struct chain_slab {
		struct vm_lock lock;      /* LOCK_SLAB */
		struct list_head partial; /* frames with a free block */
		unsigned long nr_frames, nr_free;
	} chain_slab;
	struct vm_rwlock anon_vma_free_lock; /* LOCK_ANON_FREE */

	struct swap_info *swap; /* NULL: no swap (swap/swap.h) */

	struct sysctls sysctl;

	/* Hashed wait queues for the page lock (PG_locked). */
	struct page_waitq {
		pthread_mutex_t mutex;
		pthread_cond_t cond;
	} page_waitq[64];

	/*
	 * Test hooks (debug builds): nopage runs in do_no_page() between
	 * reading the page and retaking page_table_lock, the window the
	 * truncate_count protocol guards, so tests can race it on purpose.
	 */
	struct {
		void (*nopage)(struct objvm *vm, void *arg);
		void *arg;
	} hook;

	/* Counters: one block per host thread that has used this machine. */
	struct vm_lock stats_lock; /* LOCK_STATS: stats_blocks */
	struct list_head stats_blocks;
	atomic_int nr_threads; /* host threads that used it */
};

_Static_assert(offsetof(struct objvm, id) == 0, "vm_id_of needs id first");

static inline unsigned long page_to_pfn(const struct objvm *vm,
					const struct page *page)
{
	return (unsigned long)(page - vm->pages);
}

static inline struct page *pfn_to_page(const struct objvm *vm,
				       unsigned long pfn)
{
	return &vm->pages[pfn];
}

static inline void *page_address(const struct objvm *vm,
				 const struct page *page)
{
	return vm->mem + (page_to_pfn(vm, page) << PAGE_SHIFT);
}

int vm_create(const struct objvm_config *config, struct objvm **out);
/* Frees every task, writes back and frees every file, frees the machine. */
/* Frees @vm; returns fs_destroy()'s result (0, or the first write-back
 * that failed, with that file's path in @path). */
int vm_destroy(struct objvm *vm, char *path, size_t len);
uint64_t vm_stat_sum(struct objvm *vm, enum vm_stat_item item);

/* sysctl.c */
enum nonlinear_policy {
	NONLINEAR_PAGEABLE,
	NONLINEAR_EMULATED,
	NONLINEAR_PINNED
};
enum rmap_scheme { RMAP_OBJRMAP, RMAP_OBJRMAP_LIST, RMAP_PTECHAIN };
int sysctl_set(struct objvm *vm, const char *name, const char *value);
int sysctl_get(struct objvm *vm, const char *name, char *buf, size_t len);

/* debug/check.c: 0, or -1 with a report in @buf. */
int check_machine(struct objvm *vm, char *buf, size_t len);

#endif /* OBJVM_MACHINE_H */
