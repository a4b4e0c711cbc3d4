/*
 * rmap/anon.c - anon_vma: the VMAs that may map an anonymous page.
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
#include "rmap/rmap.h"

/* Whether adjacent @a (below) and @b could share an anon_vma (Linux's
 * anon_vma_compatible(): alike but for access rights, offsets in line). */
static bool anon_vma_shareable(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->file == b->file &&
	       !((a->flags ^ b->flags) & ~VM_ACCESS_FLAGS) &&
	       b->pgoff == a->pgoff + vma_pages(a);
}

/* A neighbour whose anon_vma @vma may take, so the two can merge later
 * (2.6 find_mergeable_anon_vma(); a forked one is not reusable). */
static struct vma *find_mergeable_anon_vma(struct vma *vma)
{
	struct vma *near = mm_vma_next(vma);

	if (near && anon_vma_shareable(vma, near) &&
	    __atomic_load_n(&near->anon_vma, __ATOMIC_ACQUIRE) &&
	    !near->anon_forked)
		return near;
	near = mm_vma_prev(vma);
	if (near && anon_vma_shareable(near, vma) &&
	    __atomic_load_n(&near->anon_vma, __ATOMIC_ACQUIRE) &&
	    !near->anon_forked)
		return near;
	return NULL;
}

static struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *anon_vma = calloc(1, sizeof(*anon_vma));

	if (!anon_vma)
		return NULL;
	vm_lock_init(&anon_vma->lock, LOCK_ANON_VMA);
	list_init(&anon_vma->head);
	return anon_vma;
}

static void anon_vma_free(struct anon_vma *anon_vma)
{
	vm_lock_destroy(&anon_vma->lock);
	free(anon_vma);
}

/*
 * anon_vma_prepare - give @vma an anon_vma before its first anonymous page:
 * a compatible neighbour's, or a new one.
 *
 * Context: mmap_lock held (reading is enough: two faulting threads may
 * race, and page_table_lock decides, as in 2.6).  Return: 0 or -ENOMEM.
 */
int anon_vma_prepare(struct vma *vma)
{
	struct mm *mm = vma->mm;
	struct anon_vma *anon_vma, *allocated = NULL;
	struct vma *near;
	uint64_t key;

	if (__atomic_load_n(&vma->anon_vma, __ATOMIC_ACQUIRE))
		return 0;
	near = find_mergeable_anon_vma(vma);
	if (near) {
		anon_vma = near->anon_vma;
		key = near->anon_key;
	} else {
		anon_vma = allocated = anon_vma_alloc();
		if (!anon_vma)
			return -ENOMEM;
		key = atomic_fetch_add(&mm->vm->next_anon_key, 1);
	}

	vm_lock(&anon_vma->lock);
	vm_lock(&mm->page_table_lock);
	if (!vma->anon_vma) {
		list_add_tail(&vma->anon_vma_node, &anon_vma->head);
		atomic_fetch_add(&anon_vma->refcount, 1);
		vma->anon_key = key;
		vma->anon_forked = false;
		__atomic_store_n(&vma->anon_vma, anon_vma, __ATOMIC_RELEASE);
		allocated = NULL;
	}
	vm_unlock(&mm->page_table_lock);
	vm_unlock(&anon_vma->lock);
	if (allocated)
		anon_vma_free(allocated);
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
		/* Wait out reclaim walks that may still look at it. */
		struct objvm *vm = vma->mm->vm;

		vm_write_lock(&vm->anon_vma_free_lock);
		vm_rw_unlock(&vm->anon_vma_free_lock);
		anon_vma_free(anon_vma);
	}
}
