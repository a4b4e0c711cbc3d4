/*
 * vma/vma.h - address spaces (struct mm) and their VMAs.
 *
 * An mm holds a tree of non-overlapping VMAs ordered by address, the page
 * tables, and the software TLB of the task running in it.  A VMA maps
 * [start, end) with one set of flags onto anonymous memory or a file at
 * page offset pgoff.
 *
 * The types live in mm_types.h; this header is the VMA tree and the
 * system calls that change it.
 *
 * Invariants, checked by check_mm():
 *  M1  VMAs are page aligned, non-empty, ordered and non-overlapping;
 *      map_count equals their number (vm.max_map_count binds only the
 *      VMAs made after it was set);
 *      total_vm and locked_vm equal the pages they span (and lock).
 *  M2  No two adjacent VMAs without anonymous pages that a flags change
 *      would merge are left apart, unless Linux leaves them so too
 *      (kept_apart: fork's copy, a failed mprotect's or munmap's first
 *      split).
 *      Linux merges only when a VMA changes, so VMAs with an anon_vma
 *      may legitimately stay apart.
 *  M3  A file VMA is in its mapping's i_mmap tree with the right pgoff
 *      range (linear), or on its nonlinear list (VM_NONLINEAR).
 *  M4  A VMA with an anon_vma is on that anon_vma's list.
 *  M5  Each VMA's rb_gap is the free space below it (start minus the
 *      previous VMA's end, or start for the first), and rb_subtree_gap
 *      the largest rb_gap in its subtree of mm->vmas.
 *
 * Models: include/linux/mm.h, mm/mmap.c (2.6.11).
 */
#ifndef OBJVM_VMA_H
#define OBJVM_VMA_H

#include "mm_types.h"

/* --- mm.c ---------------------------------------------------------------- */

struct mm *mm_alloc(struct objvm *vm);
/* Unmaps everything and frees the mm (2.6 exit_mmap + mmdrop). */
void mm_release(struct mm *mm);
int dup_mmap(struct mm *mm, struct mm *oldmm);

/* --- vma.c: the tree ----------------------------------------------------- */

/* The gap-augmented tree (M5): which VMA's gap, and the subtree maximum. */
static inline uint64_t vma_gap_start(const struct vma *vma)
{
	return vma->start - vma->rb_gap;
}

/* The first VMA with end > @addr, or NULL (2.6 find_vma). */
struct vma *find_vma(struct mm *mm, uint64_t addr);
struct vma *find_vma_prev(struct mm *mm, uint64_t addr, struct vma **prev);
struct vma *vma_next(struct vma *vma);
struct vma *vma_prev(struct vma *vma);
struct vma *vma_alloc(struct mm *mm);
void vma_free(struct vma *vma);
/* Inserts @vma into the tree and its file or anon_vma links. */
void vma_link(struct mm *mm, struct vma *vma);
/* Removes @vma from the tree and its links; drops its file. */
void vma_unlink(struct mm *mm, struct vma *vma);
void remove_vma(struct vma *vma);
/* Releases mmap_lock (held for writing), then drops the file references
 * of the VMAs removed under it. */
void mm_write_unlock(struct mm *mm);
/* Splits @vma at @addr; the new VMA is the part below @addr when
 * @new_below, else the part above.  -ENOMEM past
 * max_map_count or without memory. */
int split_vma(struct mm *mm, struct vma *vma, uint64_t addr, bool new_below);
/* The same without the max_map_count test (munmap tests on its own). */
int vma_split_at(struct mm *mm, struct vma *vma, uint64_t addr, bool new_below);
/* Changes the extent of @vma, keeping its links right (2.6 vma_adjust). */
void vma_adjust(struct vma *vma, uint64_t start, uint64_t end, pgoff_t pgoff);
/* Merges @vma with its neighbours where Linux would; returns the VMA that
 * now covers @vma's range. */
struct vma *vma_merge_neighbours(struct mm *mm, struct vma *vma);
/* Marks @vma and the VMA below it, the two halves of a split that a
 * failing call kept, as apart on purpose (kept_apart, M2). */
void vma_keep_apart(struct vma *vma);
/* Makes the file VMA @vma VM_NONLINEAR, moving it from its mapping's
 * i_mmap tree to the nonlinear list in one i_mmap_lock hold, so truncate
 * finds it in one or the other.  Context: mmap_lock held for writing. */
void vma_set_nonlinear(struct vma *vma);
/* Whether adjacent @a and @b may merge (Linux's rules: flags, file,
 * offsets, anon_vma), as vma_merge_neighbours() and check M2 ask. */
bool vma_can_merge(const struct vma *a, const struct vma *b);
/* Gives [start, end) inside @vma the VM_* flags @newflags, splitting and
 * merging as needed (mprotect.c).  Return: 0 with the covering VMA in
 * *out, or -ENOMEM past vm.max_map_count. */
int vma_modify_flags(struct mm *mm, struct vma *vma, uint64_t start,
		     uint64_t end, unsigned long newflags, struct vma **out);

#define vma_for_each(vma, mm)                              \
	for ((vma) = RB_MIN(vma_tree, &(mm)->vmas); (vma); \
	     (vma) = RB_NEXT(vma_tree, &(mm)->vmas, (vma)))

/* What a caller may do beyond an ordinary task (do_mmap, do_mlock). */
#define VM_CAP_SYS_RAWIO  1u /* map below MMAP_MIN_ADDR */
#define VM_CAP_IPC_LOCK   2u /* lock memory past RLIMIT_MEMLOCK */
/* RLIMIT_MEMLOCK of a task without CAP_IPC_LOCK (Linux's default). */
#define MLOCK_LIMIT_PAGES ((8UL << 20) >> PAGE_SHIFT)

/* May @mm lock @pages more pages (mlock_future_ok(): RLIMIT_MEMLOCK for
 * a caller without VM_CAP_IPC_LOCK in @caps)? */
static inline bool mlock_future_ok(const struct mm *mm, unsigned long pages,
				   unsigned int caps)
{
	return (caps & VM_CAP_IPC_LOCK) ||
	       mm->locked_vm + pages <= MLOCK_LIMIT_PAGES;
}

/* Can a file show pages [pgoff, pgoff + len) at all (file_mmap_ok(): its
 * offsets are loff_t)?  Else mmap says EOVERFLOW. */
static inline bool file_mmap_ok(pgoff_t pgoff, uint64_t len)
{
	return len <= (uint64_t)INT64_MAX &&
	       pgoff <= ((uint64_t)INT64_MAX - len) >> PAGE_SHIFT;
}

/* --- mmap.c: the system calls ---------------------------------------------
 * Context for all: called with no lock held; they take mmap_lock.
 */
int do_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
	    struct file *file, pgoff_t pgoff, unsigned int caps, uint64_t *out);
int do_munmap(struct mm *mm, uint64_t start, uint64_t len);
/* Context: mmap_lock held for writing. */
int do_munmap_locked(struct mm *mm, uint64_t start, uint64_t len);
/* Zaps [start, end) (which may span VMAs from @vma on) and frees the page
 * tables no VMA needs any more.  Context: mmap_lock held for writing. */
void unmap_region(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end);
int do_mprotect(struct mm *mm, uint64_t start, uint64_t len, int prot);
int do_mremap(struct mm *mm, uint64_t addr, uint64_t old_len, uint64_t new_len,
	      int flags, uint64_t new_addr, unsigned int caps, uint64_t *out);
int do_msync(struct mm *mm, uint64_t start, uint64_t len, int flags);
int do_madvise(struct mm *mm, uint64_t start, uint64_t len, int advice);
int do_mlock(struct mm *mm, uint64_t start, uint64_t len, bool on,
	     unsigned int caps);
int do_mincore(struct mm *mm, uint64_t start, uint64_t len, unsigned char *vec);
/* Picks where a new mapping of @len bytes of @file (NULL: private
 * anonymous memory) from page @pgoff goes, top-down below mmap_base as
 * x86-64 Linux does, aligned for THP where Linux aligns; @addr is a hint
 * (or the place, when @fixed).  Below vm.mmap_min_addr only with
 * VM_CAP_SYS_RAWIO in @caps.
 * Return: 0 and *out, -ENOMEM (no room), -EINVAL (fixed, unaligned) or
 * -EPERM (below vm.mmap_min_addr). */
int get_unmapped_area(struct mm *mm, struct file *file, uint64_t addr,
		      uint64_t len, pgoff_t pgoff, bool fixed,
		      unsigned int caps, uint64_t *out);
/* Faults in [start, end) of @vma as reads or writes (2.6
 * make_pages_present); stops at the first page that fails and returns
 * -EFAULT, -ENOMEM (no memory) or 0.  Context: mmap_lock held. */
int make_pages_present(struct mm *mm, struct vma *vma, uint64_t start,
		       uint64_t end);

#endif /* OBJVM_VMA_H */
