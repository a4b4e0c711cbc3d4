/*
 * task/access.h - the data path of a load or store: one page, a TLB hit.
 *
 * Inline so that objvm_load() and objvm_store() reach the copy without a
 * call; everything else (ranges, misses, faults) is task_access() in
 * access.c.
 */
#ifndef OBJVM_ACCESS_H
#define OBJVM_ACCESS_H

#include <string.h>

#include "pgtable/tlb.h"
#include "task/task.h"

/* Copies without a library call for the sizes loads and stores use most. */
static inline void access_copy_bytes(void *dst, const void *src, size_t n)
{
	switch (n) {
	case 1:
		__builtin_memcpy(dst, src, 1);
		break;
	case 2:
		__builtin_memcpy(dst, src, 2);
		break;
	case 4:
		__builtin_memcpy(dst, src, 4);
		break;
	case 8:
		__builtin_memcpy(dst, src, 8);
		break;
	default:
		memcpy(dst, src, n);
	}
}

/*
 * access_hit - copy @n bytes at @addr (within one page) if the TLB
 * translates it for the access; false when it does not.
 */
static inline bool access_hit(struct task *t, uint64_t addr, void *buf,
			      size_t n, bool write)
{
	/* First: getting the block registers a new thread (tlb.h). */
	struct vm_stats *st = vm_stats_block(t->vm);
	uint64_t s = tlb_enter(&t->tlb);
	unsigned char *frame = tlb_lookup(&t->tlb, addr >> PAGE_SHIFT, write);

	if (frame) {
		frame += addr & ~PAGE_MASK;
		if (write)
			access_copy_bytes(frame, buf, n);
		else
			access_copy_bytes(buf, frame, n);
	}
	tlb_leave(&t->tlb, s);
	if (!frame)
		return false;
	stats_add(st, STAT_tlb_hit, 1);
	return true;
}

/* True when [addr, addr + len) is non-empty and within one page. */
static inline bool access_one_page(uint64_t addr, size_t len)
{
	return len && ((addr ^ (addr + len - 1)) & PAGE_MASK) == 0;
}

#endif /* OBJVM_ACCESS_H */
