/*
 * vma/anon.c - anon_vma: the VMAs that may map an anonymous page.
 *
 * Every anonymous page points at the anon_vma of the VMA it was created
 * in; a fork links the child's VMA into the same anon_vma, so the list
 * holds every VMA, in every mm, where a copy-on-write sharer of the page
 * may be mapped (2.6 anon_vma; reclaim walks it).
 *
 * Models: mm/rmap.c anon_vma_prepare(), anon_vma_link(),
 * anon_vma_unlink() (2.6.11).
 */
#include <stdlib.h>

#include "machine.h"
#include "vma/vma.h"

/*
 * anon_vma_prepare - give @vma an anon_vma before its first anonymous page.
 *
 * Context: mmap_lock held (reading is enough: two faulting threads may
 * race, and page_table_lock decides, as in 2.6).  Return: 0 or -ENOMEM.
 */
int anon_vma_prepare(struct vma *vma)
{
	struct mm *mm = vma->mm;
	struct anon_vma *anon_vma;

	if (__atomic_load_n(&vma->anon_vma, __ATOMIC_ACQUIRE))
		return 0;
	anon_vma = calloc(1, sizeof(*anon_vma));
	if (!anon_vma)
		return -ENOMEM;
	vm_lock_init(&anon_vma->lock, LOCK_ANON_VMA);
	list_init(&anon_vma->head);

	vm_lock(&anon_vma->lock);
	vm_lock(&mm->page_table_lock);
	if (!vma->anon_vma) {
		list_add_tail(&vma->anon_vma_node, &anon_vma->head);
		atomic_store(&anon_vma->refcount, 1);
		__atomic_store_n(&vma->anon_vma, anon_vma, __ATOMIC_RELEASE);
		anon_vma = NULL;
	}
	vm_unlock(&mm->page_table_lock);
	if (anon_vma) {
		vm_unlock(&anon_vma->lock);
		vm_lock_destroy(&anon_vma->lock);
		free(anon_vma);
	} else {
		vm_unlock(&vma->anon_vma->lock);
	}
	return 0;
}

/* Adds @vma, whose ->anon_vma is set, to that anon_vma's list. */
void anon_vma_link(struct vma *vma)
{
	struct anon_vma *anon_vma = vma->anon_vma;

	vm_lock(&anon_vma->lock);
	list_add_tail(&vma->anon_vma_node, &anon_vma->head);
	atomic_fetch_add(&anon_vma->refcount, 1);
	vm_unlock(&anon_vma->lock);
}

/* Takes @vma off its anon_vma's list; the last VMA frees the anon_vma. */
void anon_vma_unlink(struct vma *vma)
{
	struct anon_vma *anon_vma = vma->anon_vma;
	bool last;

	vm_lock(&anon_vma->lock);
	list_del(&vma->anon_vma_node);
	last = atomic_fetch_sub(&anon_vma->refcount, 1) == 1;
	vm_unlock(&anon_vma->lock);
	if (last) {
		vm_lock_destroy(&anon_vma->lock);
		free(anon_vma);
	}
}
