/*
 * mm_types.h - the nouns of an address space: struct mm, struct vma,
 * struct anon_vma and the VM_* flags.
 *
 * A base header, like Linux's mm_types.h: every layer that must look at
 * an mm or a VMA (page tables, reverse mapping, faults) includes this
 * one, and only the code that changes the VMA tree includes vma/vma.h.
 *
 *   mm ─┬─ vmas (red-black tree by start) ── vma ── file ── inode
 *       │                                      └── anon_vma ── other VMAs
 *       ├─ pgd ── pud ── pmd ── pte tables (frames, pgtable/)
 *       └─ tlb (pgtable/tlb.h)
 *
 * Models: include/linux/mm.h, include/linux/mm_types.h (2.6.11).
 */
#ifndef OBJVM_MM_TYPES_H
#define OBJVM_MM_TYPES_H

#include <bsd/sys/tree.h>

#include "vm.h"
#include "lib/itree.h"

/* vma->flags: the 2.6 VM_* values. */
#define VM_READ      0x00000001UL
#define VM_WRITE     0x00000002UL
#define VM_EXEC      0x00000004UL
#define VM_SHARED    0x00000008UL
#define VM_MAYREAD   0x00000010UL
#define VM_MAYWRITE  0x00000020UL
#define VM_MAYEXEC   0x00000040UL
#define VM_MAYSHARE  0x00000080UL
#define VM_GROWSDOWN 0x00000100UL
#define VM_LOCKED    0x00002000UL
#define VM_SEQ_READ  0x00008000UL
#define VM_RAND_READ 0x00010000UL
#define VM_ACCOUNT   0x00100000UL /* charged as private writable memory */
#define VM_NORESERVE 0x00200000UL
#define VM_HUGETLB   0x00400000UL
#define VM_NONLINEAR 0x00800000UL
#define VM_PINNED    0x01000000UL /* vm.nonlinear=pinned window */

#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)

struct anon_vma {
	struct vm_lock lock;   /* LOCK_ANON_VMA: head */
	struct list_head head; /* VMAs whose anonymous pages point here */
	atomic_int refcount;   /* VMAs on head + transient users */
};

struct vm_operations; /* fault/fault.h: how this VMA's pages come in */

struct vma {
	struct mm *mm;
	const struct vm_operations *vm_ops; /* by kind: anon, file, shmem */
	uint64_t start, end;                /* [start, end), page aligned */
	unsigned long flags;                /* VM_* */
	pgoff_t pgoff;     /* file page at start (anon: start >> 12) */
	struct file *file; /* NULL for private anonymous memory */

	/* Under mmap_lock: the link in mm->vmas, and the gaps that make
	 * placement O(log n) (M5; Linux 2.6.35+ rb_subtree_gap). */
	RB_ENTRY(vma) rb;
	uint64_t rb_gap;         /* start - the previous VMA's end (or 0) */
	uint64_t rb_subtree_gap; /* the largest rb_gap in this subtree */

	/* Under the file's i_mmap_lock: */
	union {
		struct itree_node it;       /* linear, objrmap: i_mmap */
		struct list_head list;      /* linear, a list scheme */
		struct list_head nonlinear; /* VM_NONLINEAR */
	} shared;
	unsigned long truncate_count; /* vm_truncate_count */
	uint64_t nonlinear_cursor;    /* reclaim cluster scan position */

	/* Under anon_vma->lock: */
	struct anon_vma *anon_vma;
	struct list_head anon_vma_node;

	/*
	 * What merging sees, under mmap_lock.  objvm keeps 2.6's one
	 * anon_vma per family of forked VMAs for reverse mapping, but
	 * programs see Linux 2.6.34+ merging, where a child's VMA gets an
	 * anon_vma of its own chained to its parent's: anon_key names the
	 * anon_vma Linux would give this VMA, anon_forked says it was cloned
	 * from a parent (its chain is not singular, so it merges with no VMA
	 * lacking one), and kept_apart marks a VMA that Linux leaves beside
	 * a neighbour it could merge with, until it changes again: fork
	 * copied it as it was (dup_mmap() never merges), or an mprotect or
	 * munmap failed after splitting it (the split stays); see M2.
	 */
	uint64_t anon_key;
	bool anon_forked;
	bool kept_apart;
};

RB_HEAD(vma_tree, vma);
RB_PROTOTYPE(vma_tree, vma, rb, vma_cmp)

struct tlb;

struct mm {
	struct objvm *vm;
	struct vm_rwlock mmap_lock; /* LOCK_MM: vmas, VMA fields */
	struct vma_tree vmas;
	int map_count;
	uint64_t mmap_base;      /* top-down placement starts below it */
	unsigned long locked_vm; /* pages in VM_LOCKED VMAs */
	unsigned long total_vm;

	/* LOCK_PTE: page tables, mapcounts of pages mapped here, the TLB. */
	struct vm_lock page_table_lock;
	struct page *pgd;      /* top-level table frame */
	unsigned long nr_ptes; /* page-table pages below pgd */
	struct tlb *tlb;       /* of the task running in this mm */
	atomic_long rss_file, rss_anon;
};

static inline bool vma_is_anonymous(const struct vma *vma)
{
	return vma->file == NULL;
}

static inline bool vma_is_nonlinear(const struct vma *vma)
{
	return (vma->flags & VM_NONLINEAR) != 0;
}

static inline uint64_t vma_pages(const struct vma *vma)
{
	return (vma->end - vma->start) >> PAGE_SHIFT;
}

/* The file page a linear VMA shows at @addr. */
static inline pgoff_t linear_page_index(const struct vma *vma, uint64_t addr)
{
	return ((addr - vma->start) >> PAGE_SHIFT) + vma->pgoff;
}

/*
 * The VMA of @mm holding or above @addr (find_vma), for code below vma/
 * that has only an mm: reclaim reaching a VMA from a pte chain.
 * Context: mmap_lock held (at least for reading).
 */
static inline struct vma *mm_find_vma(struct mm *mm, uint64_t addr)
{
	struct vma *v = RB_ROOT(&mm->vmas), *best = NULL;

	while (v) {
		if (v->end > addr) {
			best = v;
			if (v->start <= addr)
				break;
			v = RB_LEFT(v, rb);
		} else {
			v = RB_RIGHT(v, rb);
		}
	}
	return best;
}

/* The VMAs after and before @vma in its mm (vma_next/vma_prev, for code
 * below vma/: the tree's own successor walk).  Context: mmap_lock held. */
static inline struct vma *mm_vma_next(struct vma *vma)
{
	struct vma *v = RB_RIGHT(vma, rb);

	if (v) {
		while (RB_LEFT(v, rb))
			v = RB_LEFT(v, rb);
		return v;
	}
	while (RB_PARENT(vma, rb) && vma == RB_RIGHT(RB_PARENT(vma, rb), rb))
		vma = RB_PARENT(vma, rb);
	return RB_PARENT(vma, rb);
}

static inline struct vma *mm_vma_prev(struct vma *vma)
{
	struct vma *v = RB_LEFT(vma, rb);

	if (v) {
		while (RB_RIGHT(v, rb))
			v = RB_RIGHT(v, rb);
		return v;
	}
	while (RB_PARENT(vma, rb) && vma == RB_LEFT(RB_PARENT(vma, rb), rb))
		vma = RB_PARENT(vma, rb);
	return RB_PARENT(vma, rb);
}

#endif /* OBJVM_MM_TYPES_H */
