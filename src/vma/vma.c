/*
 * vma/vma.c - the VMA tree of an mm: find, link, split, adjust, merge.
 *
 * VMAs sit in a red-black tree keyed by start address (2.6 used an rb
 * tree plus the vm_next list; RB_NEXT gives the list order here).  The
 * tree is augmented as Linux's has been since 2.6.35: each VMA keeps the
 * size of the free gap below it (rb_gap) and the largest gap in its
 * subtree (rb_subtree_gap), so get_unmapped_area() finds the highest gap
 * that fits in O(log n) instead of walking every VMA.  The same scheme as
 * lib/itree.c keeps the maxima right: libbsd recomputes the nodes it
 * rotates (RB_AUGMENT), and every change ends by recomputing from the
 * lowest changed node up to the root.  A VMA's gap changes when its start
 * moves or its predecessor's end does, so a change of start or end, an
 * insert and a removal also update the gap of the VMA after.  A file
 * VMA is also in its mapping's i_mmap tree, keyed by the file page range
 * it maps, so every change of start, end or pgoff of a file VMA is made
 * under that mapping's i_mmap_lock: truncate walks the tree without the
 * mm's mmap_lock and must never see a half-changed VMA, nor a range that
 * belongs to no VMA in the middle of a split or merge.
 *
 * Context for all: mm->mmap_lock held for writing, except find_vma*
 * (reading is enough).
 *
 * Models: mm/mmap.c find_vma(), vma_link(), vma_adjust(), split_vma(),
 * vma_merge(), mm/prio_tree.c (2.6.11).
 */
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "rmap/rmap.h"
#include "vma/vma.h"

static int vma_cmp(struct vma *a, struct vma *b)
{
	return a->start < b->start ? -1 : a->start > b->start;
}

/* max(rb_gap, the children's rb_subtree_gap): M5 for one VMA. */
static void vma_gap_augment(struct vma *vma)
{
	const struct vma *left = RB_LEFT(vma, rb), *right = RB_RIGHT(vma, rb);
	uint64_t max = vma->rb_gap;

	if (left && left->rb_subtree_gap > max)
		max = left->rb_subtree_gap;
	if (right && right->rb_subtree_gap > max)
		max = right->rb_subtree_gap;
	vma->rb_subtree_gap = max;
}

/* The hook libbsd's rotations and removals call (see above). */
#undef RB_AUGMENT
#define RB_AUGMENT(x) vma_gap_augment(x)

RB_GENERATE(vma_tree, vma, rb, vma_cmp)

/* Recomputes rb_subtree_gap from @vma (may be NULL) up to the root. */
static void vma_gap_propagate(struct vma *vma)
{
	for (; vma; vma = RB_PARENT(vma, rb))
		vma_gap_augment(vma);
}

/* Recomputes @vma's own gap from its predecessor, then the maxima. */
static void vma_gap_update(struct mm *mm, struct vma *vma)
{
	struct vma *prev = RB_PREV(vma_tree, &mm->vmas, vma);

	vma->rb_gap = vma->start - (prev ? prev->end : 0);
	vma_gap_propagate(vma);
}

/* The same for the VMA after @vma, whose gap @vma's end bounds. */
static void vma_gap_update_next(struct mm *mm, struct vma *vma)
{
	struct vma *next = RB_NEXT(vma_tree, &mm->vmas, vma);

	if (next)
		vma_gap_update(mm, next);
}

/*
 * The lowest VMA whose subtree RB_REMOVE() of @vma changes: its parent,
 * or, with two children, the old parent of its successor (the successor
 * itself when that parent is @vma, since it then takes @vma's place).
 */
static struct vma *vma_removal_point(struct vma *vma)
{
	struct vma *next;

	if (!RB_LEFT(vma, rb) || !RB_RIGHT(vma, rb))
		return RB_PARENT(vma, rb);
	next = RB_RIGHT(vma, rb);
	while (RB_LEFT(next, rb))
		next = RB_LEFT(next, rb);
	return RB_PARENT(next, rb) == vma ? next : RB_PARENT(next, rb);
}

static void vma_tree_insert(struct mm *mm, struct vma *vma)
{
	struct vma *clash;

	vma->rb_gap = vma->rb_subtree_gap = 0;
	clash = RB_INSERT(vma_tree, &mm->vmas, vma);
	VM_BUG_ON(clash != NULL);
	vma_gap_update(mm, vma);
	vma_gap_update_next(mm, vma);
}

static void vma_tree_remove(struct mm *mm, struct vma *vma)
{
	struct vma *next = RB_NEXT(vma_tree, &mm->vmas, vma);
	struct vma *point = vma_removal_point(vma);

	RB_REMOVE(vma_tree, &mm->vmas, vma);
	vma_gap_propagate(point);
	if (next)
		vma_gap_update(mm, next);
}

struct vma *find_vma(struct mm *mm, uint64_t addr)
{
	struct vma *node = RB_ROOT(&mm->vmas), *best = NULL;

	while (node) {
		if (node->end > addr) {
			best = node;
			if (node->start <= addr)
				return node;
			node = RB_LEFT(node, rb);
		} else {
			node = RB_RIGHT(node, rb);
		}
	}
	return best;
}

struct vma *vma_next(struct vma *vma)
{
	return RB_NEXT(vma_tree, &vma->mm->vmas, vma);
}

struct vma *vma_prev(struct vma *vma)
{
	return RB_PREV(vma_tree, &vma->mm->vmas, vma);
}

struct vma *find_vma_prev(struct mm *mm, uint64_t addr, struct vma **prev)
{
	struct vma *vma = find_vma(mm, addr);

	if (vma)
		*prev = vma_prev(vma);
	else
		*prev = RB_MAX(vma_tree, &mm->vmas);
	return vma;
}

struct vma *vma_alloc(struct mm *mm)
{
	struct vma *vma = calloc(1, sizeof(*vma));

	if (!vma)
		return NULL;
	vma->mm = mm;
	list_init(&vma->anon_vma_node);
	count_event(mm->vm, vma_alloc);
	return vma;
}

void vma_free(struct vma *vma)
{
	free(vma);
}

static struct address_space *vma_mapping(const struct vma *vma)
{
	return vma->file ? &vma->file->inode->mapping : NULL;
}

/* Context: the mapping's i_mmap_lock held.  Where the VMA goes is the
 * reverse-map scheme's business (rmap/rmap.h). */
static void i_mmap_insert(struct vma *vma)
{
	rmap_vma_insert(vma_mapping(vma), vma);
}

/* Context: the mapping's i_mmap_lock held. */
static void i_mmap_remove(struct vma *vma)
{
	rmap_vma_remove(vma_mapping(vma), vma);
}

static void i_mmap_lock_vma(const struct vma *vma)
{
	if (vma->file)
		vm_lock(&vma_mapping(vma)->i_mmap_lock);
}

static void i_mmap_unlock_vma(const struct vma *vma)
{
	if (vma->file)
		vm_unlock(&vma_mapping(vma)->i_mmap_lock);
}

void vma_keep_apart(struct vma *vma)
{
	vma->kept_apart = vma_prev(vma)->kept_apart = true;
}

void vma_set_nonlinear(struct vma *vma)
{
	i_mmap_lock_vma(vma);
	i_mmap_remove(vma);
	vma->flags |= VM_NONLINEAR;
	i_mmap_insert(vma);
	i_mmap_unlock_vma(vma);
}

static void vma_link_locked(struct mm *mm, struct vma *vma)
{
	vma_tree_insert(mm, vma);
	mm->map_count++;
	mm->total_vm += vma_pages(vma);
	if (vma->flags & VM_LOCKED)
		mm->locked_vm += vma_pages(vma);
	if (vma->file)
		i_mmap_insert(vma);
	if (vma->anon_vma)
		anon_vma_link(vma);
}

void vma_link(struct mm *mm, struct vma *vma)
{
	i_mmap_lock_vma(vma);
	vma_link_locked(mm, vma);
	i_mmap_unlock_vma(vma);
}

static void vma_unlink_locked(struct mm *mm, struct vma *vma)
{
	vma_tree_remove(mm, vma);
	mm->map_count--;
	mm->total_vm -= vma_pages(vma);
	if (vma->flags & VM_LOCKED)
		mm->locked_vm -= vma_pages(vma);
	if (vma->file)
		i_mmap_remove(vma);
	if (vma->anon_vma)
		anon_vma_unlink(vma);
}

void vma_unlink(struct mm *mm, struct vma *vma)
{
	i_mmap_lock_vma(vma);
	vma_unlink_locked(mm, vma);
	i_mmap_unlock_vma(vma);
}

/*
 * Files whose VMAs went away under mmap_lock.  Their references are
 * dropped only once the lock is released: the last fput of an unlinked
 * file frees its inode under ns_lock, which ranks above mmap_lock (2.6
 * kept the inode alive through the dentry; Linux today defers the final
 * fput to the return to user space the same way).
 */
static _Thread_local struct {
	struct file **files;
	size_t nr, cap;
} deferred;

static void defer_fput(struct file *file)
{
	if (deferred.nr == deferred.cap) {
		size_t cap = deferred.cap ? 2 * deferred.cap : 16;
		struct file **f = realloc(deferred.files, cap * sizeof(*f));

		if (!f) {
			fput(file); /* no room: drop it now, as before */
			return;
		}
		deferred.files = f;
		deferred.cap = cap;
	}
	deferred.files[deferred.nr++] = file;
}

void mm_write_unlock(struct mm *mm)
{
	size_t i, n;

	vm_rw_unlock(&mm->mmap_lock);
	n = deferred.nr;
	deferred.nr = 0;
	for (i = 0; i < n; i++)
		fput(deferred.files[i]);
	if (!deferred.nr) {
		free(deferred.files);
		deferred.files = NULL;
		deferred.cap = 0;
	}
}

/* Drops what a detached VMA holds and frees it (2.6 remove_vma).
 * Context: mmap_lock held for writing; released by mm_write_unlock(). */
void remove_vma(struct vma *vma)
{
	if (vma->file)
		defer_fput(vma->file);
	vma_free(vma);
}

/* Context: the i_mmap_lock of @vma's file held. */
static void vma_adjust_locked(struct vma *vma, uint64_t start, uint64_t end,
			      pgoff_t pgoff)
{
	struct mm *mm = vma->mm;
	uint64_t old_pages = vma_pages(vma);
	bool moved = start != vma->start, resized = end != vma->end;

	if (vma->file)
		i_mmap_remove(vma);
	vma->start = start; /* the tree order cannot change: no overlap */
	vma->end = end;
	vma->pgoff = pgoff;
	if (moved)
		vma_gap_update(mm, vma);
	if (resized)
		vma_gap_update_next(mm, vma);
	mm->total_vm += vma_pages(vma) - old_pages;
	if (vma->flags & VM_LOCKED)
		mm->locked_vm += vma_pages(vma) - old_pages;
	if (vma->file)
		i_mmap_insert(vma);
}

void vma_adjust(struct vma *vma, uint64_t start, uint64_t end, pgoff_t pgoff)
{
	i_mmap_lock_vma(vma);
	vma_adjust_locked(vma, start, end, pgoff);
	i_mmap_unlock_vma(vma);
}

int split_vma(struct mm *mm, struct vma *vma, uint64_t addr, bool new_below)
{
	if (mm->map_count >= atomic_load(&mm->vm->sysctl.max_map_count))
		return -ENOMEM;
	return vma_split_at(mm, vma, addr, new_below);
}

int vma_split_at(struct mm *mm, struct vma *vma, uint64_t addr, bool new_below)
{
	uint64_t delta = (addr - vma->start) >> PAGE_SHIFT;
	struct vma *new;

	VM_BUG_ON(addr <= vma->start || addr >= vma->end);
	new = vma_alloc(mm);
	if (!new)
		return -ENOMEM;
	/*
	 * One i_mmap_lock hold: truncate never sees the range uncovered.
	 * The copy is made under it, and under the anon_vma's lock: other
	 * tasks' inserts and removals rewrite vma->shared.it (and truncate
	 * vma->truncate_count) under the first, and links to the neighbours
	 * on the anon_vma's list under the second.  new makes links of its
	 * own when it is linked.
	 */
	i_mmap_lock_vma(vma);
	if (vma->anon_vma)
		vm_lock(&vma->anon_vma->lock);
	*new = *vma;
	if (vma->anon_vma)
		vm_unlock(&vma->anon_vma->lock);
	memset(&new->shared, 0, sizeof(new->shared));
	list_init(&new->anon_vma_node);
	if (new->file)
		get_file(new->file);
	if (new_below) {
		new->end = addr;
		vma_adjust_locked(vma, addr, vma->end, vma->pgoff + delta);
	} else {
		new->start = addr;
		new->pgoff = vma->pgoff + delta;
		vma_adjust_locked(vma, vma->start, addr, vma->pgoff);
	}
	/* vma_adjust_locked took new's pages off total_vm; linking new
	 * puts them back. */
	vma_link_locked(mm, new);
	i_mmap_unlock_vma(vma);
	count_event(mm->vm, vma_split);
	return 0;
}

/*
 * Whether the anonymous pages of @a and @b allow a merge, in objvm's terms
 * (see struct vma).  Linux's is_mergeable_anon_vma(): two VMAs that both
 * have one must share it; when only one has one, the merged VMA takes it,
 * unless it was cloned from a parent at fork (its chain is not singular:
 * the other VMA would come to map the parent's pages too).
 */
static bool anon_vma_compatible(const struct vma *a, const struct vma *b)
{
	if (!a->anon_vma && !b->anon_vma)
		return true;
	if (!a->anon_vma)
		return !b->anon_forked;
	if (!b->anon_vma)
		return !a->anon_forked;
	return a->anon_key == b->anon_key;
}

/* VM_* flags decide a merge whole: VM_ACCOUNT and VM_NORESERVE too. */
bool vma_can_merge(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->flags != b->flags || a->file != b->file)
		return false;
	if (a->flags & (VM_NONLINEAR | VM_HUGETLB | VM_PINNED))
		return false;
	if (a->pgoff + vma_pages(a) != b->pgoff)
		return false;
	return anon_vma_compatible(a, b);
}

/* Folds @next into @vma, the VMA just below it, which grows to cover it;
 * frees @next. */
static void vma_absorb(struct mm *mm, struct vma *vma, struct vma *next)
{
	uint64_t end = next->end;

	i_mmap_lock_vma(vma);
	/* Adopt next's anon_vma before unlinking next can free it. */
	if (!vma->anon_vma && next->anon_vma) {
		vma->anon_vma = next->anon_vma;
		vma->anon_key = next->anon_key;
		vma->anon_forked = next->anon_forked;
		anon_vma_link(vma);
	}
	vma_unlink_locked(mm, next);
	vma_adjust_locked(vma, vma->start, end, vma->pgoff);
	i_mmap_unlock_vma(vma);
	remove_vma(next);
	count_event(mm->vm, vma_merge);
}

struct vma *vma_merge_neighbours(struct mm *mm, struct vma *vma)
{
	struct vma *prev = vma_prev(vma), *next;

	vma->kept_apart = false;
	if (prev && vma_can_merge(prev, vma)) {
		vma_absorb(mm, prev, vma);
		vma = prev;
	}
	next = vma_next(vma);
	if (next && vma_can_merge(vma, next))
		vma_absorb(mm, vma, next);
	return vma;
}
