/*
 * reclaim/reclaim.h - taking memory back: LRU scanning, writeback, swap
 * out, and the background reclaimer.
 *
 * Models: mm/vmscan.c (2.6.11), mm/oom_kill.c.
 */
#ifndef OBJVM_RECLAIM_H
#define OBJVM_RECLAIM_H

#include "vm.h"

/*
 * try_to_free_pages - reclaim until @nr pages are free again or nothing
 * more can be had, scanning the LRU at falling priorities as 2.6 does.
 * Returns the pages freed.  Context: no lock held that reclaim takes (see
 * alloc_user_page).
 */
unsigned long try_to_free_pages(struct objvm *vm, unsigned long nr);

/*
 * reserve_frames - reclaim until @nr frames are free (or nothing more can
 * be had), before a path that must allocate under page_table_lock, where
 * it cannot reclaim: fork's and mremap's page tables.
 * Context: as try_to_free_pages.
 */
void reserve_frames(struct objvm *vm, unsigned long nr);

/* The machine's watermarks and background reclaimer (kswapd). */
int reclaim_init(struct objvm *vm, bool kswapd);
void reclaim_destroy(struct objvm *vm);
/* Starts or stops kswapd (objvm_set_kswapd). */
int kswapd_set(struct objvm *vm, bool on);
/* Waits until kswapd is idle (tests and `reclaim` in threaded runs). */
void kswapd_wait_idle(struct objvm *vm);

#endif /* OBJVM_RECLAIM_H */
