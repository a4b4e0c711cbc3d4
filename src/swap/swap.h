/*
 * swap/swap.h - the swap area and the swap cache.
 *
 * One swap area per machine (`machine swap=SIZE`), in host memory by
 * default or in a host file (`swapfile=`); like the `memory` backing
 * store it is the disk, not part of `mem=`.  Each slot holds one page and
 * a count: the swap ptes that name it plus one while the swap cache holds
 * a page for it (2.6's swap_map).  The swap cache maps slot → page for
 * anonymous pages on their way out or just read back, so that a page
 * shared by several ptes (fork) comes back as one page.
 *
 * A page in the swap cache is anonymous (its ->mapping stays its
 * anon_vma), PG_swapcache, ->private its slot, and the cache holds one
 * reference on it.
 *
 * Lock order: swap.lock (LOCK_SWAP) ranks below page_table_lock, so
 * zapping a swap pte may drop a slot; the page lock is taken only with
 * trylock under it.
 *
 * Models: mm/swapfile.c get_swap_page(), swap_duplicate(), swap_free(),
 * free_swap_and_cache(), remove_exclusive_swap_page(); mm/swap_state.c
 * add_to_swap(), delete_from_swap_cache(), lookup_swap_cache(),
 * read_swap_cache_async() (2.6.11).
 */
#ifndef OBJVM_SWAP_H
#define OBJVM_SWAP_H

#include "vm.h"
#include "lib/radix.h"

struct swap_info {
	struct vm_lock lock;    /* LOCK_SWAP: all below */
	unsigned long nr_slots; /* pages the area holds */
	unsigned long nr_used;  /* slots with a count */
	unsigned long next;     /* where the next-fit search starts */
	unsigned short *swap_map;
	unsigned char *area;          /* in host memory, or NULL */
	int fd;                       /* a host file, or -1 */
	struct radix_tree_root cache; /* slot → page */
	unsigned long cache_pages;
};

int swap_init(struct objvm *vm, uint64_t bytes, const char *path);
void swap_destroy(struct objvm *vm);

/* Context for all but the last three: no lock of rank >= LOCK_SWAP. */
void swap_duplicate(struct objvm *vm, unsigned long slot);
void swap_free(struct objvm *vm, unsigned long slot);
unsigned int swap_count(struct objvm *vm, unsigned long slot);
bool vm_swap_full(struct objvm *vm);

/* Gives locked anonymous @page a slot and puts it in the swap cache,
 * dirty.  -ENOSPC when no slot is free, -ENOMEM. */
int add_to_swap(struct objvm *vm, struct page *page);
/* Takes locked @page out of the swap cache; its slot loses the cache's
 * count.  The caller holds a reference besides the cache's. */
void delete_from_swap_cache(struct objvm *vm, struct page *page);
/* Context: @page locked.  Writes it to its slot. */
int swap_writepage(struct objvm *vm, struct page *page);

/* The page of @slot with a reference, read from the area if it is not in
 * the swap cache (*major set then); NULL when no frame could be had. */
struct page *read_swap_cache(struct objvm *vm, unsigned long slot, bool *major);

/* A swap pte was zapped: drop its count, and the cached page with it when
 * nothing else wants that page.  Context: page_table_lock may be held. */
void free_swap_and_cache(struct objvm *vm, unsigned long slot);

/* If locked @page is in the swap cache, mapped by no pte but the
 * caller's @maps (0 or 1), and nobody holds it or its slot but the cache,
 * those ptes and the caller's @extra references, takes it out of the
 * cache (its only copy is then the page, dirty), so that it can be written
 * in place (2.6 can_share_swap_page).  Returns whether it did. */
bool remove_exclusive_swap_page(struct objvm *vm, struct page *page, int maps,
				int extra);

/* Slots without the swap cache, for shmem (fs/backing.c): a slot with
 * count 1 or -1 when none is free, and its bytes. */
long swap_alloc_slot(struct objvm *vm);
int swap_write_slot(struct objvm *vm, unsigned long slot, const void *src);
int swap_read_slot(struct objvm *vm, unsigned long slot, void *dst);

/* For the checker: the count of @slot and the page cached for it. */
struct page *swap_cache_page(struct objvm *vm, unsigned long slot);

#endif /* OBJVM_SWAP_H */
