/*
 * rmap/objrmap_list.c - vm.rmap=objrmap-list: the 2003 objrmap, before
 * the prio tree.  A file's linear VMAs sit on one unordered list, and
 * finding the VMAs that map a page walks all of them, computing for each
 * whether the page falls inside (Dave McCracken's partial objrmap,
 * 2.5.62-mm; the "O(N^2) property of objrmap" of the April 2003 thread).
 * Every VMA looked at is counted, matching or not: that is the cost.
 *
 * Models: mm/rmap.c page_referenced_obj()/try_to_unmap_obj() of
 * 2.5.65-mm, walking mapping->i_mmap and i_mmap_shared.
 */
#include "machine.h"
#include "fs/fs.h"
#include "rmap/rmap.h"

void objrmap_list_insert(struct address_space *mapping, struct vma *vma)
{
	list_add_tail(&vma->shared.list, &mapping->i_mmap_list);
	mapping->i_mmap_list_count++;
}

void objrmap_list_remove(struct address_space *mapping, struct vma *vma)
{
	list_del(&vma->shared.list);
	mapping->i_mmap_list_count--;
}

void objrmap_list_walk(struct address_space *mapping, pgoff_t first,
		       pgoff_t last, bool (*fn)(struct vma *vma, void *arg),
		       void *arg)
{
	struct objvm *vm = mapping->host->vm;
	struct list_head *pos, *next;

	list_for_each_safe(pos, next, &mapping->i_mmap_list) {
		struct vma *vma = list_entry(pos, struct vma, shared.list);

		count_event(vm, rmap_step);
		if (vma->pgoff > last ||
		    vma->pgoff + vma_pages(vma) - 1 < first)
			continue;
		if (fn(vma, arg))
			return;
	}
}

unsigned long objrmap_list_count(struct address_space *mapping)
{
	return mapping->i_mmap_list_count;
}

bool objrmap_list_linked(struct address_space *mapping, struct vma *vma)
{
	struct list_head *pos;

	list_for_each(pos, &mapping->i_mmap_list)
		if (pos == &vma->shared.list)
			return true;
	return false;
}

bool objrmap_list_index_ok(struct address_space *mapping)
{
	struct list_head *pos;
	unsigned long n = 0;

	list_for_each(pos, &mapping->i_mmap_list) {
		if (pos->next->prev != pos)
			return false;
		n++;
	}
	return n == mapping->i_mmap_list_count;
}

const struct rmap_policy rmap_objrmap_list = {
	.name = "objrmap-list",
	.vma_insert = objrmap_list_insert,
	.vma_remove = objrmap_list_remove,
	.vma_walk = objrmap_list_walk,
	.vma_count = objrmap_list_count,
	.vma_linked = objrmap_list_linked,
	.vma_index_ok = objrmap_list_index_ok,
	.vma_bytes = sizeof(struct list_head),
	.page_referenced = page_referenced_obj,
	.try_to_unmap = try_to_unmap_obj,
};
