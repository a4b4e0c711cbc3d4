/*
 * pgtable/tlb.c - filling and shooting down the software TLB.
 *
 * See tlb.h for the coherence rule.  A full flush walks all entries; a
 * range flush of more pages than the TLB holds does the same.
 */
#include <linux/membarrier.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "machine.h"
#include "pgtable/tlb.h"

static void tlb_protocol_choose(void)
{
	if (TLB_ALWAYS_SYMMETRIC || getenv("OBJVM_TLB_SYMMETRIC"))
		return;
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		    0, 0) == 0)
		tlb_symmetric = false;
}

void tlb_fill(struct tlb *tlb, uint64_t addr, unsigned char *frame,
	      bool writable)
{
	uint64_t vpn = addr >> PAGE_SHIFT;
	struct tlb_entry *e = tlb_slot(tlb, vpn);

	atomic_store_explicit(&e->frame, frame, memory_order_relaxed);
	atomic_store_explicit(
		&e->tag, (vpn << 2) | TLB_VALID | (writable ? TLB_WRITE : 0),
		memory_order_seq_cst);
}

void tlb_flush_page(struct objvm *vm, struct tlb *tlb, uint64_t addr)
{
	uint64_t vpn = addr >> PAGE_SHIFT;
	struct tlb_entry *e;

	if (!tlb)
		return;
	e = tlb_slot(tlb, vpn);
	if ((atomic_load_explicit(&e->tag, memory_order_relaxed) >> 2) != vpn)
		return;
	atomic_store_explicit(&e->tag, 0, memory_order_seq_cst);
	count_event(vm, tlb_flush_page);
}

void tlb_flush_range(struct objvm *vm, struct tlb *tlb, uint64_t start,
		     uint64_t end)
{
	uint64_t addr;
	unsigned int i;

	if (!tlb)
		return;
	if (((end - start) >> PAGE_SHIFT) < TLB_ENTRIES) {
		for (addr = start; addr < end; addr += PAGE_SIZE)
			tlb_flush_page(vm, tlb, addr);
		return;
	}
	for (i = 0; i < TLB_ENTRIES; i++) {
		uint64_t vpn = atomic_load_explicit(&tlb->e[i].tag,
						    memory_order_relaxed) >>
			       2;
		uint64_t a = vpn << PAGE_SHIFT;

		if (a >= start && a < end)
			atomic_store_explicit(&tlb->e[i].tag, 0,
					      memory_order_seq_cst);
	}
	count_event(vm, tlb_flush_all);
}

bool tlb_symmetric = true;

static void tlb_membarrier(void)
{
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0))
		abort(); /* registered in tlb_protocol_choose() */
}

void tlb_register_thread(struct objvm *vm)
{
	atomic_fetch_add(&vm->nr_threads, 1);
	if (TLB_ALWAYS_SYMMETRIC || tlb_symmetric)
		atomic_thread_fence(memory_order_seq_cst);
	else
		tlb_membarrier();
}

void tlb_protocol_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, tlb_protocol_choose);
}

void tlb_sync(struct objvm *vm, struct tlb *tlb)
{
	uint64_t s;

	if (!tlb)
		return;
	if (TLB_ALWAYS_SYMMETRIC || tlb_symmetric) {
		atomic_thread_fence(memory_order_seq_cst);
	} else {
		/*
		 * One thread: it is us, and we are not inside an access.  No
		 * fence is needed to read the count: a thread registering
		 * calls membarrier() (tlb_register_thread), which orders our
		 * invalidation before its first access or makes us see it.
		 */
		atomic_signal_fence(memory_order_seq_cst);
		if (atomic_load_explicit(&vm->nr_threads,
					 memory_order_relaxed) <= 1)
			return;
		tlb_membarrier();
		count_event(vm, tlb_shootdown_ipi);
	}
	s = atomic_load_explicit(&tlb->seq, memory_order_seq_cst);
	if (!(s & 1))
		return;
	while (atomic_load_explicit(&tlb->seq, memory_order_acquire) == s)
		sched_yield();
}
