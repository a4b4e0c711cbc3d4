/*
 * page/page_alloc.c - the buddy allocator that hands out page frames.
 *
 * Free frames are kept as blocks of 2^order frames, order 0 .. MAX_ORDER
 * (4 KiB .. 2 MiB).  A block of order k starts at a frame number p with
 * p % 2^k == 0; its buddy is the block at p ^ 2^k, and the two together
 * make the block of order k + 1 at p & ~2^k.  An allocation takes the
 * smallest free block that fits and returns the upper halves it does not
 * need to the lists (expand); a free merges the block with its buddy for
 * as long as the buddy is free whole (free_one_block_locked).  Taking
 * the smallest block first means order-0 requests are served from order-0
 * lists while they last, so 2 MiB blocks stay whole as long as possible.
 *
 * A free block is marked on its head frame only: PG_buddy set, ->private
 * = order, ->lru on zone->free_area[order].  Its other frames, like every
 * free frame, have _refcount 0 and _mapcount -1.
 *
 * Invariants, checked by check_zone():
 *  Z1  Every free block is aligned to its size and lies below nr_frames.
 *  Z2  The head of a block on free_area[k] has PG_buddy and ->private ==
 *      k; no other frame has PG_buddy.
 *  Z3  Free blocks do not overlap.
 *  Z4  Every frame of a free block has _refcount 0 and _mapcount -1.
 *  Z5  No two buddies of the same order are both free whole: they would
 *      have been merged.
 *  Z6  nr_free[k] counts the blocks on free_area[k]; nr_free_pages counts
 *      the frames on all the lists and the untouched ones.
 *  Z7  The untouched range is aligned to MAX_ORDER blocks, lies at or
 *      above `first` and below nr_frames, and overlaps no free block.
 *
 * Whole blocks of MAX_ORDER below the highest ZONE_EAGER_BLOCKS are left
 * untouched by zone_init() (page.h): free, counted in nr_free_pages, on
 * no list, their struct pages unwritten.  rmqueue_locked() carves the
 * highest of them when free_area[MAX_ORDER] is empty (zone_carve()), so
 * blocks come out in the order the list, filled in ascending order with
 * each block added at its head, would have given.
 *
 * Frames below the `first` given to zone_init() belong to the caller and
 * never carry PG_buddy, so a block whose buddy lies there never merges.
 * The event counters (page_alloc, page_free) are counted by the callers.
 *
 * Models: mm/page_alloc.c (2.6.20): __rmqueue(), expand(),
 * __free_one_page(), page_is_buddy(), prep_new_page() and
 * free_pages_check(); mm/page_alloc.c free_area_init_core() for
 * zone_init().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "page/page.h"

#define PAGE_POISON 0x6b /* freed bytes in debug builds (2.6: POISON_FREE) */

/* True when @page heads a free block of exactly @order (2.6: the same). */
static bool page_is_buddy(const struct page *page, unsigned int order)
{
	return page_test_flag(page, PG_buddy) && page->private == order;
}

/* Every field of a frame as a free or newly allocated frame has it. */
static void reset_page(struct page *page)
{
	atomic_store(&page->flags, 0);
	atomic_store(&page->_refcount, 0);
	atomic_store(&page->_mapcount, -1);
	page->mapping = NULL;
	page->index = 0;
	page->private = 0;
	list_init(&page->lru);
}

static void add_free_block(struct zone *zone, struct page *page,
			   unsigned int order)
{
	page_set_flag(page, PG_buddy);
	page->private = order;
	list_add(&page->lru, &zone->free_area[order]);
	zone->nr_free[order]++;
}

static void del_free_block(struct zone *zone, struct page *page,
			   unsigned int order)
{
	list_del(&page->lru);
	page_clear_flag(page, PG_buddy);
	page->private = 0;
	zone->nr_free[order]--;
}

/*
 * expand - split a block of order @high down to order @low, putting each
 * upper half on its free list; @page keeps the lowest 2^@low frames.
 */
static void expand(struct zone *zone, struct page *page, unsigned int low,
		   unsigned int high)
{
	while (high > low) {
		high--;
		add_free_block(zone, page + (1UL << high), high);
	}
}

/*
 * zone_carve - the highest untouched block, its struct pages written now
 * (as free frames), or NULL when none is left.
 *
 * Context: zone->lock held.
 */
static struct page *zone_carve(struct objvm *vm)
{
	struct zone *zone = &vm->zone;
	struct page *page;
	unsigned long i;

	if (zone->untouched_hi == zone->untouched_lo)
		return NULL;
	zone->untouched_hi -= 1UL << MAX_ORDER;
	page = pfn_to_page(vm, zone->untouched_hi);
	for (i = 0; i < 1UL << MAX_ORDER; i++)
		reset_page(page + i);
	return page;
}

/*
 * rmqueue_locked - take a block of @order off the free lists (or, for
 * the largest order, from the untouched blocks once its list is empty).
 *
 * Context: zone->lock held.
 * Return: its head, or NULL if no free block is large enough.
 * Models: mm/page_alloc.c __rmqueue() (2.6.20).
 */
static struct page *rmqueue_locked(struct objvm *vm, unsigned int order)
{
	struct zone *zone = &vm->zone;
	struct page *page;
	unsigned int k;

	for (k = order; k <= MAX_ORDER; k++) {
		if (list_empty(&zone->free_area[k])) {
			if (k < MAX_ORDER || !(page = zone_carve(vm)))
				continue;
		} else {
			page = list_entry(zone->free_area[k].next, struct page,
					  lru);
			del_free_block(zone, page, k);
		}
		expand(zone, page, order, k);
		zone->nr_free_pages -= 1UL << order;
		return page;
	}
	return NULL;
}

/*
 * free_one_block_locked - put the block at @pfn back, merging it with its
 * buddy for as long as the buddy is free whole.
 *
 * Context: zone->lock held.
 * Models: mm/page_alloc.c __free_one_page() (2.6.20).
 */
static void free_one_block_locked(struct objvm *vm, unsigned long pfn,
				  unsigned int order)
{
	struct zone *zone = &vm->zone;
	unsigned long buddy;

	for (; order < MAX_ORDER; order++) {
		buddy = pfn ^ (1UL << order);
		if (buddy >= vm->nr_frames ||
		    !page_is_buddy(pfn_to_page(vm, buddy), order))
			break;
		del_free_block(zone, pfn_to_page(vm, buddy), order);
		pfn &= buddy; /* the merged block starts at the lower one */
	}
	add_free_block(zone, pfn_to_page(vm, pfn), order);
}

/* The largest aligned block that starts at @pfn and ends by @end. */
static unsigned int max_block_order(unsigned long pfn, unsigned long end)
{
	unsigned int order = 0;

	while (order < MAX_ORDER && !(pfn & (1UL << order)) &&
	       pfn + (2UL << order) <= end)
		order++;
	return order;
}

/*
 * block_can_free - the frames of the block at @pfn look allocated and
 * unused: no references, no mappings, no state that another list or a
 * waiter still relies on (2.6: free_pages_check()).  Like the next
 * helper it is only called inside VM_BUG_ON, hence "unused" when
 * OBJVM_DEBUG is 0.
 */
static __attribute__((unused)) bool
block_can_free(struct objvm *vm, unsigned long pfn, unsigned int order)
{
	const unsigned long bad = 1UL << PG_locked | 1UL << PG_lru |
				  1UL << PG_reserved | 1UL << PG_buddy;
	unsigned long i;
	struct page *page;

	for (i = 0; i < 1UL << order; i++) {
		page = pfn_to_page(vm, pfn + i);
		if (page_count(page) || page_mapcount(page) ||
		    (atomic_load(&page->flags) & bad))
			return false;
	}
	return true;
}

/*
 * block_in_free_block - a double free: the block at @pfn lies inside a
 * larger block that is already free.  (A free head of the block itself,
 * or of a smaller free block inside it, carries PG_buddy, which
 * block_can_free() catches.)
 *
 * Context: zone->lock held.
 */
static __attribute__((unused)) bool
block_in_free_block(struct objvm *vm, unsigned long pfn, unsigned int order)
{
	unsigned int k;

	for (k = order + 1; k <= MAX_ORDER; k++)
		if (page_is_buddy(pfn_to_page(vm, pfn & ~((1UL << k) - 1)), k))
			return true;
	return false;
}

static void poison_block(struct objvm *vm, struct page *page,
			 unsigned int order)
{
#if OBJVM_DEBUG
	memset(page_address(vm, page), PAGE_POISON, PAGE_SIZE << order);
#else
	(void)vm;
	(void)page;
	(void)order;
#endif
}

/*
 * zone_init - put frames [@first, vm->nr_frames) on the free lists as the
 * largest aligned blocks that fit, and reset their struct pages; but
 * leave the 2 MiB blocks below the highest ZONE_EAGER_BLOCKS of them
 * untouched (see the top of this file), their struct pages unwritten.
 *
 * Context: the machine is not yet shared; no lock taken.
 * Models: mm/page_alloc.c free_area_init_core() and the boot-time freeing
 * of memory into the buddy lists (2.6.20).
 */
void zone_init(struct objvm *vm, unsigned long first)
{
	struct zone *zone = &vm->zone;
	const unsigned long block = 1UL << MAX_ORDER;
	unsigned long pfn, i, lo, hi;
	unsigned int order;

	VM_BUG_ON(first > vm->nr_frames);
	/* The whole blocks are [lo, end of the last whole block). */
	lo = (first + block - 1) & ~(block - 1);
	hi = vm->nr_frames & ~(block - 1);
	if (hi > lo + ZONE_EAGER_BLOCKS * block)
		hi -= ZONE_EAGER_BLOCKS * block;
	else
		hi = lo;
	zone->untouched_lo = lo;
	zone->untouched_hi = hi;
	vm_lock_init(&zone->lock, LOCK_ZONE);
	for (order = 0; order <= MAX_ORDER; order++) {
		list_init(&zone->free_area[order]);
		zone->nr_free[order] = 0;
	}
	zone->nr_free_pages = hi - lo;
	for (pfn = first; pfn < vm->nr_frames; pfn += 1UL << order) {
		if (pfn == lo && hi > lo)
			pfn = hi;
		order = max_block_order(pfn, vm->nr_frames);
		for (i = 0; i < 1UL << order; i++)
			reset_page(pfn_to_page(vm, pfn + i));
		add_free_block(zone, pfn_to_page(vm, pfn), order);
		zone->nr_free_pages += 1UL << order;
	}
}

/*
 * zone_destroy - forget the free lists.  The frames and struct pages
 * belong to the machine, which frees them.
 */
void zone_destroy(struct objvm *vm)
{
	struct zone *zone = &vm->zone;
	unsigned int order;

	for (order = 0; order <= MAX_ORDER; order++) {
		list_init(&zone->free_area[order]);
		zone->nr_free[order] = 0;
	}
	zone->nr_free_pages = 0;
	vm_lock_destroy(&zone->lock);
}

/*
 * alloc_pages - allocate a block of 2^@order frames.
 *
 * The head comes back with _refcount 1; every frame has _mapcount -1 and
 * its flags, ->mapping, ->index and ->private cleared (the caller marks a
 * huge page).  The bytes are zeroed when @zero.
 *
 * Context: takes zone->lock; zeroes after dropping it.
 * Return: the head of the block, or NULL if no free block is large enough.
 * Models: mm/page_alloc.c __alloc_pages() without reclaim (2.6.20).
 */
struct page *alloc_pages(struct objvm *vm, unsigned int order, bool zero)
{
	struct zone *zone = &vm->zone;
	struct page *page;
	unsigned long i;

	VM_BUG_ON(order > MAX_ORDER);
	vm_lock(&zone->lock);
	page = rmqueue_locked(vm, order);
	vm_unlock(&zone->lock);
	if (!page)
		return NULL;
	for (i = 0; i < 1UL << order; i++) {
		/* A reference taken on a free frame: a use after free. */
		VM_BUG_ON_PAGE(page_count(page + i) != 0, page + i);
		reset_page(page + i);
	}
	atomic_store(&page->_refcount, 1);
	if (zero)
		memset(page_address(vm, page), 0, PAGE_SIZE << order);
	return page;
}

/*
 * free_pages - return the block of 2^@order frames headed by @page.
 *
 * Every frame must have _refcount 0 and _mapcount -1, and be neither
 * locked, on an LRU list, reserved nor already free: anything else is a
 * bug.  Other flags and ->mapping, ->index, ->private are cleared.  Debug
 * builds fill the freed bytes with 0x6b.
 *
 * Context: takes zone->lock.
 * Models: mm/page_alloc.c __free_pages_ok() (2.6.20).
 */
void free_pages(struct objvm *vm, struct page *page, unsigned int order)
{
	struct zone *zone = &vm->zone;
	unsigned long pfn = page_to_pfn(vm, page), i;

	VM_BUG_ON(order > MAX_ORDER);
	VM_BUG_ON_PAGE(pfn & ((1UL << order) - 1), page);
	VM_BUG_ON_PAGE(pfn + (1UL << order) > vm->nr_frames, page);
	poison_block(vm, page, order);
	vm_lock(&zone->lock);
	VM_BUG_ON_PAGE(!block_can_free(vm, pfn, order), page);
	VM_BUG_ON_PAGE(block_in_free_block(vm, pfn, order), page);
	for (i = 0; i < 1UL << order; i++)
		reset_page(page + i);
	free_one_block_locked(vm, pfn, order);
	zone->nr_free_pages += 1UL << order;
	vm_unlock(&zone->lock);
}

/*
 * nr_free_pages - the number of free frames.
 *
 * Context: takes zone->lock.
 */
unsigned long nr_free_pages(struct objvm *vm)
{
	unsigned long nr;

	vm_lock(&vm->zone.lock);
	nr = vm->zone.nr_free_pages;
	vm_unlock(&vm->zone.lock);
	return nr;
}

void zone_untouched(struct objvm *vm, unsigned long *lo, unsigned long *hi)
{
	vm_lock(&vm->zone.lock);
	*lo = vm->zone.untouched_lo;
	*hi = vm->zone.untouched_hi;
	vm_unlock(&vm->zone.lock);
}

/* --- check_zone() -------------------------------------------------------- */

struct zone_check {
	struct objvm *vm;
	char *msg;
	size_t len;
	bool failed;
	unsigned long *seen;  /* one bit per frame that is in a free block */
	unsigned long blocks; /* free blocks met on the lists */
	unsigned long frames; /* frames in them */
};

#define LONG_BITS (8 * sizeof(unsigned long))

static bool test_and_set_seen(struct zone_check *zc, unsigned long pfn)
{
	unsigned long *word = &zc->seen[pfn / LONG_BITS];
	unsigned long bit = 1UL << (pfn % LONG_BITS);
	bool was = *word & bit;

	*word |= bit;
	return was;
}

/* Record the first broken rule in the caller's buffer. */
static void zone_fail(struct zone_check *zc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void zone_fail(struct zone_check *zc, const char *fmt, ...)
{
	va_list ap;

	if (zc->failed)
		return;
	zc->failed = true;
	if (!zc->msg || !zc->len)
		return;
	va_start(ap, fmt);
	vsnprintf(zc->msg, zc->len, fmt, ap);
	va_end(ap);
}

/* Z3, Z4 and the tail half of Z2 for the frames of one free block. */
static void check_block_frames(struct zone_check *zc, unsigned long pfn,
			       unsigned int order)
{
	struct page *page;
	unsigned long i;

	for (i = 0; i < 1UL << order && !zc->failed; i++) {
		page = pfn_to_page(zc->vm, pfn + i);
		if (test_and_set_seen(zc, pfn + i))
			zone_fail(zc,
				  "Z3 zone: free block at pfn %lu order %u "
				  "overlaps another free block at frame %lu",
				  pfn, order, pfn + i);
		else if (page_count(page) || page_mapcount(page))
			zone_fail(zc,
				  "Z4 zone: pfn %lu in free block at pfn "
				  "%lu order %u has refcount %d mapcount %d",
				  pfn + i, pfn, order, page_count(page),
				  page_mapcount(page));
		else if (i && page_test_flag(page, PG_buddy))
			zone_fail(zc,
				  "Z2 zone: pfn %lu inside free block at "
				  "pfn %lu order %u has PG_buddy",
				  pfn + i, pfn, order);
	}
}

/* Z1, Z2 and then the frames, for one block on free_area[@order]. */
static void check_block(struct zone_check *zc, struct page *page,
			unsigned int order)
{
	struct objvm *vm = zc->vm;
	uintptr_t off = (uintptr_t)page - (uintptr_t)vm->pages;
	unsigned long pfn = off / sizeof(struct page);

	if (off % sizeof(struct page) || pfn >= vm->nr_frames)
		zone_fail(zc, "Z1 zone: free_area[%u] holds %p, not a frame",
			  order, (void *)page);
	else if (pfn & ((1UL << order) - 1) ||
		 pfn + (1UL << order) > vm->nr_frames)
		zone_fail(zc,
			  "Z1 zone: free block at pfn %lu order %u is "
			  "misaligned or runs past frame %lu",
			  pfn, order, vm->nr_frames);
	else if (!page_is_buddy(page, order))
		zone_fail(zc,
			  "Z2 zone: free block at pfn %lu on free_area[%u] "
			  "has PG_buddy %d, private %lu",
			  pfn, order, page_test_flag(page, PG_buddy),
			  page->private);
	else
		check_block_frames(zc, pfn, order);
}

/* Every block on free_area[@order], and the first half of Z6. */
static void check_free_list(struct zone_check *zc, unsigned int order)
{
	struct zone *zone = &zc->vm->zone;
	struct list_head *pos;
	unsigned long n = 0;

	list_for_each(pos, &zone->free_area[order]) {
		if (zc->failed)
			return;
		if (++n > zc->vm->nr_frames) {
			zone_fail(zc, "Z6 zone: free_area[%u] does not end",
				  order);
			return;
		}
		check_block(zc, list_entry(pos, struct page, lru), order);
	}
	if (n != zone->nr_free[order])
		zone_fail(zc,
			  "Z6 zone: free_area[%u] holds %lu blocks, "
			  "nr_free[%u] is %lu",
			  order, n, order, zone->nr_free[order]);
	zc->blocks += n;
	zc->frames += n << order;
}

/* Z5 for every free block of order < MAX_ORDER. */
static void check_coalesced(struct zone_check *zc)
{
	struct zone *zone = &zc->vm->zone;
	struct list_head *pos;
	unsigned long pfn, buddy;
	unsigned int order;

	for (order = 0; order < MAX_ORDER && !zc->failed; order++) {
		list_for_each(pos, &zone->free_area[order]) {
			pfn = page_to_pfn(zc->vm,
					  list_entry(pos, struct page, lru));
			buddy = pfn ^ (1UL << order);
			if (buddy < zc->vm->nr_frames &&
			    page_is_buddy(pfn_to_page(zc->vm, buddy), order)) {
				zone_fail(zc,
					  "Z5 zone: free buddies at pfn %lu "
					  "and %lu (order %u) not merged",
					  pfn, buddy, order);
				break;
			}
		}
	}
}

/* Z7, and the untouched frames count as free (their bits set first, so
 * a listed block among them is an overlap, Z3). */
static void check_untouched(struct zone_check *zc)
{
	const struct zone *zone = &zc->vm->zone;
	unsigned long lo = zone->untouched_lo, hi = zone->untouched_hi, pfn;

	if (lo == hi)
		return;
	if (lo > hi || hi > zc->vm->nr_frames ||
	    ((lo | hi) & ((1UL << MAX_ORDER) - 1))) {
		zone_fail(zc,
			  "Z7 zone: untouched frames %lu-%lu misaligned or "
			  "out of range",
			  lo, hi);
		return;
	}
	for (pfn = lo; pfn < hi; pfn++)
		test_and_set_seen(zc, pfn);
	zc->frames += hi - lo;
}

/* The rest of Z2: no frame outside the free blocks has PG_buddy. */
static void check_stray_buddy(struct zone_check *zc)
{
	const struct zone *zone = &zc->vm->zone;
	unsigned long pfn;

	for (pfn = 0; pfn < zc->vm->nr_frames && !zc->failed; pfn++)
		if (pfn == zone->untouched_lo && zone->untouched_hi > pfn)
			pfn = zone->untouched_hi - 1; /* unwritten: not read */
		else if (!test_and_set_seen(zc, pfn) &&
			 page_test_flag(pfn_to_page(zc->vm, pfn), PG_buddy))
			zone_fail(zc,
				  "Z2 zone: pfn %lu has PG_buddy but is "
				  "in no free block",
				  pfn);
}

/*
 * check_zone - verify Z1..Z6 (see the top of this file).
 *
 * Context: takes zone->lock; allocates from the host heap.
 * Return: true if they all hold; otherwise false, with the first broken
 * rule described in @msg (if @len > 0).
 */
bool check_zone(struct objvm *vm, char *msg, size_t len)
{
	struct zone_check zc = {.vm = vm, .msg = msg, .len = len};
	unsigned int order;

	zc.seen = calloc(vm->nr_frames / LONG_BITS + 1, sizeof(long));
	if (!zc.seen) {
		zone_fail(&zc, "zone: out of host memory for the check");
		return false;
	}
	vm_lock(&vm->zone.lock);
	check_untouched(&zc);
	for (order = 0; order <= MAX_ORDER && !zc.failed; order++)
		check_free_list(&zc, order);
	check_coalesced(&zc);
	check_stray_buddy(&zc);
	if (!zc.failed && zc.frames != vm->zone.nr_free_pages)
		zone_fail(&zc,
			  "Z6 zone: nr_free_pages is %lu, the lists hold "
			  "%lu frames",
			  vm->zone.nr_free_pages, zc.frames);
	vm_unlock(&vm->zone.lock);
	free(zc.seen);
	return !zc.failed;
}
