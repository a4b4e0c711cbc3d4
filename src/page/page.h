/*
 * page/page.h - struct page: the metadata kept for every page frame, and
 * the frame allocator.
 *
 * Frames live in one host mapping (vm->mem); frame number N starts at
 * vm->mem + N * PAGE_SIZE, and its struct page is vm->pages[N].  A frame is
 * in exactly one of these states; only the functions in brackets move it:
 *
 *   FREE --[alloc_pages]--> PRIVATE --[add_to_page_cache]--> CACHED
 *     ^                      |  |                             |
 *     +-----[put_page: refcount reaches 0]--------------------+
 *                               |         [remove_from_page_cache]
 *                               +--[page_add_anon_rmap]--> ANON
 *
 * Mapping a page into a page table never changes this state; it only
 * raises ->_mapcount (and ->_refcount: every pte holds a reference).
 *
 * Invariants, checked by check_page():
 *  P1  _refcount == 0 if and only if the page is FREE (or a tail of a
 *      free or allocated higher-order block).
 *  P2  _mapcount + 1 <= _refcount: every mapping pte holds a reference.
 *  P3  A CACHED page has ->mapping set and is found in it at ->index.
 *  P4  PAGE_MAPPING_ANON is set only on pages that are not CACHED.
 *  P5  A page on an LRU list has PG_lru set, and no other page does.
 *  P6  _mapcount equals the number of present ptes that map the page.
 *
 * Models: include/linux/mm.h, include/linux/page-flags.h (2.6.11).
 */
#ifndef OBJVM_PAGE_H
#define OBJVM_PAGE_H

#include "vm.h"

enum page_flag_bits {
	PG_locked,     /* page lock: ->mapping/->index stable, I/O in flight */
	PG_referenced, /* software referenced bit */
	PG_uptodate,   /* contents valid */
	PG_dirty,      /* must be written back */
	PG_lru,        /* on an LRU list */
	PG_active,     /* on the active list */
	PG_writeback,  /* being written back */
	PG_swapcache,  /* ->private holds a swap entry */
	PG_pinned,     /* pinned nonlinear page: invisible to reclaim */
	PG_huge,       /* head of a 2 MiB block */
	PG_buddy,      /* head of a free block in the buddy allocator */
	PG_pgtable,    /* holds a page table */
	PG_reserved,   /* never freed: the shared zero page */
	PG_chainlock,  /* ptechain: the lock of ->pte_chain */
	PG_slab,       /* holds pte-chain blocks (rmap/ptechain.c) */
	PG_waiters,    /* a thread sleeps on the page lock (page/page.c) */
	NR_PAGE_FLAGS
};

#define PAGE_MAPPING_ANON 1UL

struct page {
	_Atomic unsigned long flags; /* PG_* bits */
	atomic_int _refcount;        /* users of the frame; 0 when free */
	atomic_int _mapcount;        /* present ptes mapping it, minus one */

	/* Stable under the page lock (PG_locked): */
	void *mapping; /* address_space, or anon_vma | PAGE_MAPPING_ANON */
	pgoff_t index; /* page offset in ->mapping (never changes while
			   the page is in the page cache) */

	/* Owned by vm->lru_lock, or by the allocator while FREE: */
	struct list_head lru;

	/* Buddy order while PG_buddy; swap entry while PG_swapcache. */
	unsigned long private;

	/* vm.rmap=ptechain: the ptes mapping the page, under PG_chainlock. */
	unsigned long pte_chain;
};

/* --- flags --------------------------------------------------------------- */

static inline bool page_test_flag(const struct page *page, int bit)
{
	return (atomic_load_explicit(&((struct page *)page)->flags,
				     memory_order_acquire) >>
		bit) &
	       1;
}

static inline void page_set_flag(struct page *page, int bit)
{
	atomic_fetch_or(&page->flags, 1UL << bit);
}

static inline void page_clear_flag(struct page *page, int bit)
{
	atomic_fetch_and(&page->flags, ~(1UL << bit));
}

/* Returns the old value of the bit. */
static inline bool page_test_set_flag(struct page *page, int bit)
{
	return (atomic_fetch_or(&page->flags, 1UL << bit) >> bit) & 1;
}

static inline bool page_test_clear_flag(struct page *page, int bit)
{
	return (atomic_fetch_and(&page->flags, ~(1UL << bit)) >> bit) & 1;
}

#define PageLocked(p)      page_test_flag((p), PG_locked)
#define PageDirty(p)       page_test_flag((p), PG_dirty)
#define PageUptodate(p)    page_test_flag((p), PG_uptodate)
#define PageLRU(p)         page_test_flag((p), PG_lru)
#define PageReserved(p)    page_test_flag((p), PG_reserved)
#define SetPageDirty(p)    page_set_flag((p), PG_dirty)
#define SetPageUptodate(p) page_set_flag((p), PG_uptodate)
#define ClearPageDirty(p)  page_clear_flag((p), PG_dirty)

/* --- counts -------------------------------------------------------------- */

static inline int page_count(const struct page *page)
{
	return atomic_load(&((struct page *)page)->_refcount);
}

static inline int page_mapcount(const struct page *page)
{
	return atomic_load(&((struct page *)page)->_mapcount) + 1;
}

static inline bool page_is_mapped(const struct page *page)
{
	return page_mapcount(page) > 0;
}

static inline void get_page(struct page *page)
{
	VM_BUG_ON_PAGE(page_count(page) <= 0, page);
	atomic_fetch_add(&page->_refcount, 1);
}

/* Drops a reference; the last one frees the frame. */
void put_page(struct objvm *vm, struct page *page);

static inline bool page_is_anon(const struct page *page)
{
	return ((unsigned long)page->mapping & PAGE_MAPPING_ANON) != 0;
}

/* The address_space of a page-cache page, or NULL (anonymous, truncated). */
static inline struct address_space *page_file_mapping(const struct page *page)
{
	if (page_is_anon(page))
		return NULL;
	return (struct address_space *)page->mapping;
}

static inline struct anon_vma *page_anon_vma(const struct page *page)
{
	if (!page_is_anon(page))
		return NULL;
	return (struct anon_vma *)((unsigned long)page->mapping &
				   ~PAGE_MAPPING_ANON);
}

/* --- the page lock (PG_locked), with waiting ------------------------------ */

void lock_page(struct objvm *vm, struct page *page);
bool trylock_page(struct objvm *vm, struct page *page);
void unlock_page(struct objvm *vm, struct page *page);

/* --- frames ----------------------------------------------------------------
 *
 * The frame allocator's state, embedded in struct objvm.  Free blocks of
 * 2^order frames sit on free_area[order] through the head's ->lru, with
 * PG_buddy set and ->private = order.
 *
 * The frame table is backed lazily (machine.c maps vm->pages with
 * MAP_NORESERVE): a big machine's 2 MiB blocks below the highest
 * ZONE_EAGER_BLOCKS are never written at creation.  They are free but on
 * no list, [untouched_lo, untouched_hi), and their struct pages read as
 * zeros; the allocator takes the highest of them, and writes its struct
 * pages, only when free_area[MAX_ORDER] is empty, which is the order the
 * list would have given them.  So an idle 64 GiB machine costs little
 * host memory, and the allocation order is the same as with every block
 * on the list.
 */
#define MAX_ORDER         HPAGE_ORDER
#define ZONE_EAGER_BLOCKS 64 /* 2 MiB blocks put on the list at creation */

struct zone {
	struct vm_lock lock; /* LOCK_ZONE: everything below */
	struct list_head free_area[MAX_ORDER + 1];
	unsigned long nr_free[MAX_ORDER + 1];     /* blocks per list */
	unsigned long nr_free_pages;              /* frames free in all */
	unsigned long untouched_lo, untouched_hi; /* see above */
};

/* Puts frames [first, vm->nr_frames) on the free lists. */
void zone_init(struct objvm *vm, unsigned long first);
void zone_destroy(struct objvm *vm);

/*
 * The buddy allocator hands out blocks of 2^order frames, order 0 (4 KiB)
 * to HPAGE_ORDER (2 MiB, naturally aligned).  A block comes back with the
 * head's _refcount at 1, every other field of every frame cleared, and the
 * bytes zeroed when @zero.  Returns NULL when no block is free.
 *
 * Context: takes vm->zone.lock.
 */
struct page *alloc_pages(struct objvm *vm, unsigned int order, bool zero);
void free_pages(struct objvm *vm, struct page *page, unsigned int order);
unsigned long nr_free_pages(struct objvm *vm);
/* The frames never handed out, whose struct pages are unwritten:
 * [*lo, *hi).  Takes zone->lock. */
void zone_untouched(struct objvm *vm, unsigned long *lo, unsigned long *hi);

/*
 * check_zone - verify the free lists (and the untouched blocks, which it
 * does not read): Z1 blocks aligned and in range, Z2
 * PG_buddy and ->private on exactly the free heads, Z3 no overlaps, Z4
 * free frames unreferenced, Z5 free buddies merged, Z6 counts match (see
 * page/page_alloc.c).  Takes zone->lock.  Returns false and describes the
 * first broken rule in @msg (when @len > 0).
 */
bool check_zone(struct objvm *vm, char *msg, size_t len);

static inline struct page *alloc_page(struct objvm *vm, bool zero)
{
	return alloc_pages(vm, 0, zero);
}

/*
 * alloc_user_page - a frame for user memory (anonymous, page cache, swap
 * cache, pte chains): when none is free, reclaims and tries again, and
 * NULL only when reclaim found nothing to free.  Wakes the background
 * reclaimer when free memory falls below its low watermark.
 * Context: no lock held that reclaim takes (page_table_lock, i_mmap_lock,
 * anon_vma locks, lru_lock); mmap_lock, i_sem and page locks are fine.
 */
struct page *alloc_user_page(struct objvm *vm, bool zero);

/* --- the LRU lists (page/lru.c) --------------------------------------------
 * Context: no lock of rank >= LOCK_LRU held.
 */
void lru_cache_add(struct objvm *vm, struct page *page);
void lru_cache_add_active(struct objvm *vm, struct page *page);
/* Context: lru_lock held. */
void lru_del_locked(struct objvm *vm, struct page *page);
void mark_page_accessed(struct objvm *vm, struct page *page);
/* A reference on @page unless it is already on its way to being freed. */
bool get_page_unless_zero(struct page *page);

/* A batch of isolated pages going back on the LRU lists (mm/swap.c's
 * pagevec, LRU_PAGEVEC_SIZE 16 as in 2.6). */
#define LRU_PAGEVEC_SIZE 16
struct lru_pagevec {
	unsigned int nr;
	unsigned int active; /* bit i: pages[i] goes on the active list */
	struct page *pages[LRU_PAGEVEC_SIZE];
};

void lru_pagevec_putback(struct objvm *vm, struct lru_pagevec *pvec);

#endif /* OBJVM_PAGE_H */
