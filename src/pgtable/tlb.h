/*
 * pgtable/tlb.h - the software TLB on the load/store path.
 *
 * One small direct-mapped array per task, keyed by virtual page number,
 * holding the host address of the frame and whether it may be written.
 * A hit takes no lock and allocates nothing.
 *
 * Coherence, the rule of this file: an entry is only ever filled with
 * mm->page_table_lock held, from the pte as it is under that lock, and
 * every pte change that removes or narrows a translation invalidates the
 * entry under the same lock (tlb_flush_page) and, before it returns or
 * frees the frame, waits until no access that might have read the old
 * entry is still running (tlb_sync).  That wait is the shootdown that a
 * real kernel does with an IPI; 2.6's mmu_gather frees pages only after
 * it, and so does objvm.
 *
 * The waiting is made possible by tlb->seq, which the owning thread makes
 * odd for the duration of each access.  Either the flusher sees the
 * access running, or the access sees the invalidated entry; what makes
 * that so costs the flusher, not the access, where it can:
 *
 *   asymmetric (the default): the access stores seq with no fence; a
 *       flusher on a machine that more than one host thread uses calls
 *       membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), which makes every
 *       running thread of the process pass a full barrier, before it
 *       reads seq (the user-space RCU pattern; the real kernel pays an
 *       IPI here too).  On a machine one thread drives, the flusher is
 *       the only accessor and is not inside an access: nothing to wait.
 *   symmetric: the access's store is sequentially consistent (an xchg)
 *       and the flusher a fence.  Used when membarrier is missing, and
 *       always under ThreadSanitizer, which cannot see membarrier.
 *
 * Entries are filled writable only for ptes that are already dirty, so
 * the first store to a clean page takes the slow path and sets the
 * pte's dirty bit, as the hardware would.
 *
 * Models: the x86 TLB and mm/memory.c tlb_gather_mmu()/tlb_finish_mmu().
 */
#ifndef OBJVM_TLB_H
#define OBJVM_TLB_H

#include "vm.h"

#define TLB_ENTRIES 256
#define TLB_VALID   1ULL
#define TLB_WRITE   2ULL

struct tlb_entry {
	_Atomic uint64_t tag; /* vpn << 2 | TLB_WRITE | TLB_VALID, or 0 */
	unsigned char *_Atomic frame; /* host address of the frame */
};

struct tlb {
	_Atomic uint64_t seq; /* odd while the owner is inside an access */
	struct tlb_entry e[TLB_ENTRIES];
};

static inline struct tlb_entry *tlb_slot(struct tlb *tlb, uint64_t vpn)
{
	return &tlb->e[vpn & (TLB_ENTRIES - 1)];
}

/* Context: page_table_lock held. */
void tlb_fill(struct tlb *tlb, uint64_t addr, unsigned char *frame,
	      bool writable);
/* Context: page_table_lock held. */
void tlb_flush_page(struct objvm *vm, struct tlb *tlb, uint64_t addr);
/* Context: page_table_lock held (or the mm is private to the caller). */
void tlb_flush_range(struct objvm *vm, struct tlb *tlb, uint64_t start,
		     uint64_t end);
/* Waits until no access that began before the last flush is running. */
void tlb_sync(struct objvm *vm, struct tlb *tlb);
/* Counts a new host thread of @vm in before its first access. */
void tlb_register_thread(struct objvm *vm);
/* Chooses the asymmetric protocol if the host allows it; once. */
void tlb_protocol_init(void);

#if defined(__SANITIZE_THREAD__)
#define TLB_ALWAYS_SYMMETRIC 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TLB_ALWAYS_SYMMETRIC 1
#endif
#endif
#ifndef TLB_ALWAYS_SYMMETRIC
#define TLB_ALWAYS_SYMMETRIC 0
#endif

extern bool tlb_symmetric;

/* Owner side: bracket every access that uses TLB entries. */
static inline uint64_t tlb_enter(struct tlb *tlb)
{
	uint64_t s = atomic_load_explicit(&tlb->seq, memory_order_relaxed);

	if (TLB_ALWAYS_SYMMETRIC || tlb_symmetric) {
		atomic_store_explicit(&tlb->seq, s + 1, memory_order_seq_cst);
	} else {
		atomic_store_explicit(&tlb->seq, s + 1, memory_order_relaxed);
		/* Keep the compiler from hoisting the lookup above it; the
		 * CPU is kept in line by the flusher's membarrier. */
		atomic_signal_fence(memory_order_seq_cst);
	}
	return s + 2;
}

static inline void tlb_leave(struct tlb *tlb, uint64_t s)
{
	atomic_store_explicit(&tlb->seq, s, memory_order_release);
}

/* The frame for @vpn if the entry allows the access, else NULL. */
static inline unsigned char *tlb_lookup(struct tlb *tlb, uint64_t vpn,
					bool write)
{
	struct tlb_entry *e = tlb_slot(tlb, vpn);
	uint64_t want = (vpn << 2) | TLB_VALID;
	uint64_t tag = atomic_load_explicit(&e->tag, memory_order_seq_cst);

	if ((tag & ~TLB_WRITE) != want || (write && !(tag & TLB_WRITE)))
		return NULL;
	return atomic_load_explicit(&e->frame, memory_order_relaxed);
}

#endif /* OBJVM_TLB_H */
