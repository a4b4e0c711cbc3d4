/*
 * reclaim/vmscan.c - page reclaim: age the LRU, unmap through the reverse
 * map, write dirty pages back or out to swap, free them.
 *
 * The shape is 2.6.11's:
 *
 *   try_to_free_pages     priority 12 .. 0: scan (list size >> priority)
 *     shrink_zone           pages of each list per round, 32 at a time
 *       refill_inactive     active tail → inactive, unless mapped and
 *                           referenced, or mapped and reclaim_mapped is off
 *                           (swap_tendency = mapped% / 2 + distress +
 *                           vm.swappiness < 100)
 *       shrink_list         inactive tail: referenced and in use → active;
 *                           anonymous → swap cache; mapped → try_to_unmap;
 *                           dirty → written; then freed when nobody else
 *                           holds it
 *
 * Direct reclaim runs in the allocating thread when no frame is free
 * (alloc_user_page); kswapd, when on, keeps free memory between the low
 * and high watermarks in the background.  In the CLI's deterministic mode
 * kswapd is off and reclaim happens only at those two points and at
 * `reclaim N`, so the same scenario reclaims the same pages every run.
 *
 * Locks: each page is taken off the LRU under lru_lock with a reference
 * (isolate_lru_pages), then locked with trylock (reclaim goes against the
 * order of anyone who holds a page lock and allocates); the reverse map is
 * walked under the page lock (rmap/rmap.c).
 *
 * Models: mm/vmscan.c try_to_free_pages(), shrink_zone(),
 * refill_inactive_zone(), shrink_cache(), shrink_list(), pageout(),
 * kswapd(), balance_pgdat() (2.6.11); mm/page_alloc.c __alloc_pages().
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "page/page.h"
#include "reclaim/reclaim.h"
#include "rmap/rmap.h"
#include "swap/swap.h"

#define DEF_PRIORITY     12
#define SWAP_CLUSTER_MAX 32UL

struct reclaim_state {
	unsigned long pages_min, pages_low, pages_high;

	/* kswapd */
	pthread_mutex_t mutex;
	pthread_cond_t wake, idle;
	pthread_t thread;
	bool running, stop, busy, kicked;
};

struct scan_control {
	int priority;
	unsigned long nr_scanned;
	unsigned long nr_reclaimed;
};

/* --- the lists --------------------------------------------------------------- */

/*
 * Moves up to @nr pages from the tail of @src to @dst, each with a
 * reference and off the LRU (PG_lru clear).  A page whose count already
 * fell to zero is being freed: it is left for put_page to take off.
 */
static unsigned long isolate_lru_pages(struct objvm *vm, unsigned long nr,
				       struct list_head *src,
				       struct list_head *dst)
{
	unsigned long taken = 0, looked = 0;

	vm_lock(&vm->lru_lock);
	while (taken < nr && looked < 2 * nr && !list_empty(src)) {
		struct page *page = list_entry(src->prev, struct page, lru);

		looked++;
		if (!get_page_unless_zero(page)) {
			list_del(&page->lru);
			list_add(&page->lru, src); /* rotate past it */
			continue;
		}
		lru_del_locked(vm, page);
		list_add(&page->lru, dst);
		taken++;
	}
	vm_unlock(&vm->lru_lock);
	return taken;
}

/* Puts an isolated page back on a list and drops the isolation's
 * reference (which may be the last: put_page then takes it off again),
 * a pagevec at a time: the caller flushes @pvec when done. */
static void putback_page(struct objvm *vm, struct lru_pagevec *pvec,
			 struct page *page, bool active)
{
	list_del(&page->lru);
	if (active)
		pvec->active |= 1u << pvec->nr;
	pvec->pages[pvec->nr++] = page;
	if (pvec->nr == LRU_PAGEVEC_SIZE)
		lru_pagevec_putback(vm, pvec);
}

/* 2.6's page_mapping_inuse: mapped, or a file that anything maps. */
static bool page_mapping_inuse(struct page *page)
{
	struct address_space *mapping;

	if (page_is_mapped(page))
		return true;
	if (page_is_anon(page))
		return false;
	mapping = page_file_mapping(page);
	return mapping && (vm_rmap(mapping->host->vm)->vma_count(mapping) ||
			   !list_empty(&mapping->i_mmap_nonlinear));
}

/* --- refill_inactive ------------------------------------------------------------ */

static void refill_inactive(struct objvm *vm, unsigned long nr,
			    struct scan_control *sc)
{
	struct list_head hold, *pos, *next;
	unsigned long mapped_ratio, distress, swap_tendency;
	struct lru_pagevec pvec = {0};
	bool reclaim_mapped;

	list_init(&hold);
	if (!isolate_lru_pages(vm, nr, &vm->lru_active, &hold))
		return;
	mapped_ratio = atomic_load(&vm->nr_mapped) * 100 / vm->nr_frames;
	distress = 100UL >> sc->priority;
	swap_tendency = mapped_ratio / 2 + distress +
			(unsigned long)atomic_load(&vm->sysctl.swappiness);
	reclaim_mapped = swap_tendency >= 100;

	list_for_each_safe(pos, next, &hold) {
		struct page *page = list_entry(pos, struct page, lru);
		bool active = false;

		if (page_is_mapped(page)) {
			if (!reclaim_mapped ||
			    (page_is_anon(page) && !vm->swap))
				active = true;
			else if (!trylock_page(vm, page))
				active = true;
			else {
				active = page_referenced(vm, page) > 0;
				unlock_page(vm, page);
			}
		}
		if (!active)
			count_event(vm, pgdeactivate);
		putback_page(vm, &pvec, page, active);
	}
	lru_pagevec_putback(vm, &pvec);
}

/* --- shrink_list -------------------------------------------------------------------- */

enum pageout_result { PAGE_KEEP, PAGE_ACTIVATE, PAGE_CLEAN };

/* Writes locked, dirty, unmapped @page to where it belongs: an
 * anonymous page to its swap slot, a shmem page to a new one (through the
 * shmem store), a file page to its store (writepage_locked, which keeps a
 * failure on the mapping for the next fsync or msync). */
static enum pageout_result pageout(struct objvm *vm, struct page *page)
{
	struct address_space *mapping = page_file_mapping(page);
	int err;

	if (page_test_flag(page, PG_swapcache)) {
		if (!page_test_clear_flag(page, PG_dirty))
			return PAGE_CLEAN;
		err = swap_writepage(vm, page);
		if (err)
			SetPageDirty(page);
	} else if (!mapping) {
		/* Truncated meanwhile: nothing to write it to. */
		return PAGE_CLEAN;
	} else if (mapping->host->backing == BACKING_SHMEM) {
		if (!page_test_clear_flag(page, PG_dirty))
			return PAGE_CLEAN;
		err = backing_writepage(mapping->host, page->index,
					page_address(vm, page));
		if (err)
			SetPageDirty(page);
	} else {
		err = writepage_locked(page);
	}
	/* A failed write keeps the page dirty and in use: its data is never
	 * dropped. */
	return err ? PAGE_ACTIVATE : PAGE_CLEAN;
}

/* Frees locked, clean, unmapped @page from its cache if nobody but the
 * cache and we hold it.  Returns whether it is gone from every cache. */
static bool remove_mapping(struct objvm *vm, struct page *page)
{
	struct address_space *mapping;

	if (page_test_flag(page, PG_swapcache)) {
		if (page_count(page) != 2 || PageDirty(page))
			return false;
		delete_from_swap_cache(vm, page);
		return true;
	}
	mapping = page_file_mapping(page);
	if (!mapping)
		return page_count(page) == 1;
	return remove_mapping_page(mapping, page);
}

static void shrink_list(struct objvm *vm, struct list_head *pages,
			struct scan_control *sc)
{
	struct lru_pagevec pvec = {0};
	struct list_head *pos, *next;

	list_for_each_safe(pos, next, pages) {
		struct page *page = list_entry(pos, struct page, lru);
		bool active = false;
		int referenced;

		if (!trylock_page(vm, page)) {
			putback_page(vm, &pvec, page, false);
			continue;
		}
		sc->nr_scanned++;
		count_event(vm, pgscan);
		referenced = page_referenced(vm, page);
		if (referenced && page_mapping_inuse(page))
			goto activate;
		if (page_is_anon(page) && !page_test_flag(page, PG_swapcache)) {
			if (!page_is_mapped(page) && page_count(page) == 1)
				goto free_it; /* nobody wants it any more */
			if (add_to_swap(vm, page))
				goto activate;
		}
		/* shmem pages are the file: without swap they stay, and a
		 * clean one is as precious as a dirty one. */
		if (page_file_mapping(page) &&
		    page_file_mapping(page)->host->backing == BACKING_SHMEM) {
			if (!vm->swap)
				goto activate;
			SetPageDirty(page);
		}
		if (page_is_mapped(page)) {
			switch (try_to_unmap(vm, page)) {
			case SWAP_FAIL:
				goto activate;
			case SWAP_AGAIN:
				goto keep;
			default:
				break;
			}
		}
		if (PageDirty(page)) {
			switch (pageout(vm, page)) {
			case PAGE_ACTIVATE:
				goto activate;
			case PAGE_KEEP:
				goto keep;
			case PAGE_CLEAN:
				break;
			}
		}
		if (!remove_mapping(vm, page))
			goto keep;
free_it:
		unlock_page(vm, page);
		list_del(&page->lru);
		put_page(vm, page); /* the last reference: the frame is free */
		sc->nr_reclaimed++;
		count_event(vm, pgsteal);
		continue;
activate:
		active = true;
		count_event(vm, pgactivate);
keep:
		unlock_page(vm, page);
		putback_page(vm, &pvec, page, active);
	}
	lru_pagevec_putback(vm, &pvec);
}

static void shrink_cache(struct objvm *vm, unsigned long nr,
			 struct scan_control *sc)
{
	struct list_head hold;

	list_init(&hold);
	if (isolate_lru_pages(vm, nr, &vm->lru_inactive, &hold))
		shrink_list(vm, &hold, sc);
}

static void shrink_zone(struct objvm *vm, struct scan_control *sc,
			unsigned long wanted)
{
	unsigned long nr_active, nr_inactive, n;

	vm_lock(&vm->lru_lock);
	nr_active = (vm->nr_active >> sc->priority) + 1;
	nr_inactive = (vm->nr_inactive >> sc->priority) + 1;
	vm_unlock(&vm->lru_lock);
	while (nr_active || nr_inactive) {
		if (nr_active) {
			n = MIN(nr_active, SWAP_CLUSTER_MAX);
			nr_active -= n;
			refill_inactive(vm, n, sc);
		}
		if (nr_inactive) {
			/* Never more than asked: `reclaim N` frees at most N. */
			n = MIN(MIN(nr_inactive, SWAP_CLUSTER_MAX),
				wanted - sc->nr_reclaimed);
			nr_inactive -= n;
			shrink_cache(vm, n, sc);
			if (sc->nr_reclaimed >= wanted)
				return;
		}
	}
}

unsigned long try_to_free_pages(struct objvm *vm, unsigned long nr)
{
	struct scan_control sc = {0};

	for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		shrink_zone(vm, &sc, nr);
		if (sc.nr_reclaimed >= nr)
			break;
	}
	return sc.nr_reclaimed;
}

void reserve_frames(struct objvm *vm, unsigned long nr)
{
	unsigned long free;

	while ((free = nr_free_pages(vm)) < nr)
		if (!try_to_free_pages(vm, nr - free))
			break;
}

/* --- allocation -------------------------------------------------------------------- */

static void wakeup_kswapd(struct objvm *vm)
{
	struct reclaim_state *rs = vm->reclaim;

	pthread_mutex_lock(&rs->mutex);
	if (rs->running && !rs->busy && !rs->kicked) {
		rs->kicked = true;
		pthread_cond_signal(&rs->wake);
	}
	pthread_mutex_unlock(&rs->mutex);
}

/*
 * What alloc_user_page() (page/page.c) calls after each try: wakes kswapd
 * when free memory is below the low watermark, and when the try found no
 * frame reclaims in the allocating thread (direct reclaim), returning the
 * pages freed.  Registered on the machine by reclaim_init(), so that the
 * allocator below calls reclaim above only through this hook.
 */
static unsigned long memory_pressure(struct objvm *vm, bool failed)
{
	struct reclaim_state *rs = vm->reclaim;

	if (rs->running && nr_free_pages(vm) < rs->pages_low)
		wakeup_kswapd(vm);
	if (!failed)
		return 0;
	count_event(vm, direct_reclaim);
	return try_to_free_pages(vm, SWAP_CLUSTER_MAX);
}

/* --- kswapd --------------------------------------------------------------------------- */

static void *kswapd(void *arg)
{
	struct objvm *vm = arg;
	struct reclaim_state *rs = vm->reclaim;

	pthread_mutex_lock(&rs->mutex);
	for (;;) {
		while (!rs->kicked && !rs->stop)
			pthread_cond_wait(&rs->wake, &rs->mutex);
		if (rs->stop)
			break;
		rs->kicked = false;
		rs->busy = true;
		pthread_mutex_unlock(&rs->mutex);
		count_event(vm, kswapd_run);
		/* balance_pgdat: up to the high watermark.  Each batch holds
		 * call_lock for reading, as a call does, so that the checker
		 * (which stops the world) never runs beside it. */
		while (nr_free_pages(vm) < rs->pages_high) {
			unsigned long want = rs->pages_high - nr_free_pages(vm);
			unsigned long got;

			vm_read_lock(&vm->call_lock);
			got = try_to_free_pages(vm,
						MIN(want, SWAP_CLUSTER_MAX));
			vm_rw_unlock(&vm->call_lock);
			if (!got)
				break;
		}
		pthread_mutex_lock(&rs->mutex);
		rs->busy = false;
		pthread_cond_broadcast(&rs->idle);
	}
	pthread_mutex_unlock(&rs->mutex);
	return NULL;
}

int kswapd_set(struct objvm *vm, bool on)
{
	struct reclaim_state *rs = vm->reclaim;
	int err = 0;

	pthread_mutex_lock(&rs->mutex);
	if (on && !rs->running) {
		rs->stop = false;
		err = -pthread_create(&rs->thread, NULL, kswapd, vm);
		rs->running = err == 0;
		pthread_mutex_unlock(&rs->mutex);
		return err;
	}
	if (!on && rs->running) {
		rs->stop = true;
		pthread_cond_signal(&rs->wake);
		pthread_mutex_unlock(&rs->mutex);
		pthread_join(rs->thread, NULL);
		pthread_mutex_lock(&rs->mutex);
		rs->running = false;
	}
	pthread_mutex_unlock(&rs->mutex);
	return err;
}

void kswapd_wait_idle(struct objvm *vm)
{
	struct reclaim_state *rs = vm->reclaim;

	pthread_mutex_lock(&rs->mutex);
	while (rs->running && (rs->busy || rs->kicked))
		pthread_cond_wait(&rs->idle, &rs->mutex);
	pthread_mutex_unlock(&rs->mutex);
}

/* min_free_kbytes = sqrt(16 × memory in KiB), as 2.6; low = 5/4 min,
 * high = 3/2 min. */
static unsigned long isqrt(unsigned long x)
{
	unsigned long r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

int reclaim_init(struct objvm *vm, bool on)
{
	struct reclaim_state *rs = calloc(1, sizeof(*rs));
	unsigned long kb = vm->nr_frames * (PAGE_SIZE / 1024);

	if (!rs)
		return -ENOMEM;
	rs->pages_min = MAX(isqrt(kb * 16) / (PAGE_SIZE / 1024), 8UL);
	rs->pages_low = rs->pages_min * 5 / 4;
	rs->pages_high = rs->pages_min * 3 / 2;
	pthread_mutex_init(&rs->mutex, NULL);
	pthread_cond_init(&rs->wake, NULL);
	pthread_cond_init(&rs->idle, NULL);
	vm->reclaim = rs;
	vm->memory_pressure = memory_pressure;
	return on ? kswapd_set(vm, true) : 0;
}

void reclaim_destroy(struct objvm *vm)
{
	struct reclaim_state *rs = vm->reclaim;

	if (!rs)
		return;
	kswapd_set(vm, false);
	vm->memory_pressure = NULL;
	pthread_mutex_destroy(&rs->mutex);
	pthread_cond_destroy(&rs->wake);
	pthread_cond_destroy(&rs->idle);
	free(rs);
	vm->reclaim = NULL;
}
