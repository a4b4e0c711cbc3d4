/*
 * vma/mm.c - address-space lifetime: create one, tear one down.
 *
 * Models: kernel/fork.c mm_alloc(), mm/mmap.c exit_mmap() (2.6.11).
 */
#include <stdlib.h>

#include "machine.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "reclaim/reclaim.h"
#include "vma/zap.h"
#include "vma/vma.h"

struct mm *mm_alloc(struct objvm *vm)
{
	struct mm *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	mm->vm = vm;
	vm_rwlock_init(&mm->mmap_lock, LOCK_MM);
	vm_lock_init(&mm->page_table_lock, LOCK_PTE);
	RB_INIT(&mm->vmas);
	mm->mmap_base = MMAP_BASE;
	reserve_frames(vm, 1);
	if (pgd_alloc(mm)) {
		vm_lock_destroy(&mm->page_table_lock);
		vm_rwlock_destroy(&mm->mmap_lock);
		free(mm);
		return NULL;
	}
	return mm;
}

/*
 * mm_release - unmap everything, free the page tables and the mm.  What
 * shared mappings dirtied stays dirty in the page cache (the zap moved
 * the pte dirty bits to the pages), for reclaim, fsync or the machine's
 * end to write back, as in Linux.
 *
 * Context: nothing else uses @mm any more; takes mmap_lock.
 */
void mm_release(struct mm *mm)
{
	struct vma *vma, *next;

	vm_write_lock(&mm->mmap_lock);
	vma_for_each(vma, mm)
		zap_page_range(vma, vma->start, vma->end, NULL);
	for (vma = RB_MIN(vma_tree, &mm->vmas); vma; vma = next) {
		next = vma_next(vma);
		vma_unlink(mm, vma);
		remove_vma(vma);
	}
	vm_lock(&mm->page_table_lock);
	pgd_free(mm);
	vm_unlock(&mm->page_table_lock);
	mm_write_unlock(mm);
	vm_lock_destroy(&mm->page_table_lock);
	vm_rwlock_destroy(&mm->mmap_lock);
	free(mm);
}
