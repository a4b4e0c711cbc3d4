/*
 * rmap/objrmap.c - vm.rmap=objrmap: a file's linear VMAs in an interval
 * tree keyed by the file page range they map (the 2.6 prio tree's job; an
 * augmented red-black tree here, as Linux 3.7+).  Finding the VMAs that
 * map a page is a stabbing query: O(log n + the VMAs that match).
 *
 * Models: mm/prio_tree.c vma_prio_tree_insert/remove/next (2.6.11),
 * mm/interval_tree.c (3.7+).
 */
#include "machine.h"
#include "fs/fs.h"
#include "rmap/rmap.h"

static void objrmap_insert(struct address_space *mapping, struct vma *vma)
{
	vma->shared.it.start = vma->pgoff;
	vma->shared.it.last = vma->pgoff + vma_pages(vma) - 1;
	itree_insert(&mapping->i_mmap, &vma->shared.it);
}

static void objrmap_remove(struct address_space *mapping, struct vma *vma)
{
	itree_remove(&mapping->i_mmap, &vma->shared.it);
}

static void objrmap_walk(struct address_space *mapping, pgoff_t first,
			 pgoff_t last, bool (*fn)(struct vma *vma, void *arg),
			 void *arg)
{
	struct objvm *vm = mapping->host->vm;
	struct itree_node *node;

	itree_for_each(node, &mapping->i_mmap, first, last) {
		count_event(vm, rmap_step);
		if (fn(container_of(node, struct vma, shared.it), arg))
			return;
	}
}

static unsigned long objrmap_count(struct address_space *mapping)
{
	return mapping->i_mmap.count;
}

static bool objrmap_linked(struct address_space *mapping, struct vma *vma)
{
	struct itree_node *node;

	itree_for_each(node, &mapping->i_mmap, vma->pgoff,
		       vma->pgoff + vma_pages(vma) - 1)
		if (node == &vma->shared.it)
			return node->start == vma->pgoff &&
			       node->last == vma->pgoff + vma_pages(vma) - 1;
	return false;
}

static bool objrmap_index_ok(struct address_space *mapping)
{
	return itree_check(&mapping->i_mmap);
}

const struct rmap_policy rmap_objrmap = {
	.name = "objrmap",
	.vma_insert = objrmap_insert,
	.vma_remove = objrmap_remove,
	.vma_walk = objrmap_walk,
	.vma_count = objrmap_count,
	.vma_linked = objrmap_linked,
	.vma_index_ok = objrmap_index_ok,
	.vma_bytes = sizeof(struct itree_node),
	.page_referenced = page_referenced_obj,
	.try_to_unmap = try_to_unmap_obj,
};
