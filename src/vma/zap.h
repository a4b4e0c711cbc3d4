/*
 * vma/zap.h - tearing down the ptes of a range.
 *
 * Models: mm/memory.c zap_page_range(), zap_pte_range(), struct
 * zap_details, struct mmu_gather (2.6.11).
 */
#ifndef OBJVM_ZAP_H
#define OBJVM_ZAP_H

#include "vm.h"

/*
 * What a selective zap keeps (2.6.11 §8.2 of the reference).  NULL
 * details (munmap, exit, MADV_DONTNEED of a linear range): everything
 * goes, file ptes and swap entries included.
 */
struct zap_details {
	struct vma *nonlinear_vma;           /* zapping a nonlinear VMA:
						 test each page's index */
	struct address_space *check_mapping; /* only pages of it (spares
						 private COW copies) */
	pgoff_t first_index, last_index;     /* the file pages going */
};

/* Pages whose ptes are gone but whose references are dropped only after
 * the TLB shootdown. */
#define GATHER_BATCH 64
struct mmu_gather {
	struct mm *mm;
	unsigned int nr;
	struct page *pages[GATHER_BATCH];
};

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm *mm);
/* Context: page_table_lock held; may drop and retake nothing. */
void tlb_remove_page(struct mmu_gather *tlb, struct page *page);
/* Shoots down the TLB, then drops the gathered references. */
void tlb_finish_mmu(struct mmu_gather *tlb);

/*
 * zap_page_range - clear the ptes of [start, end) in @vma.
 *
 * Context: mmap_lock held (read or write) or i_mmap_lock held (truncate);
 * takes page_table_lock.  Returns the number of present ptes removed.
 */
unsigned long zap_page_range(struct vma *vma, uint64_t start, uint64_t end,
			     struct zap_details *details);

#endif /* OBJVM_ZAP_H */
