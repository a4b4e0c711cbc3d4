/*
 * nonlinear/remap.c - remap_file_pages(): any page of a file at any page of
 * a shared mapping of it, under vm.nonlinear=pageable (what 2.6 shipped).
 *
 * The first remap that puts a page out of its linear place makes the VMA
 * VM_NONLINEAR: it leaves its file's i_mmap tree for the nonlinear list
 * (which truncate scans whole) before any pte says otherwise.  Each
 * position of the range then gets a file pte holding its file offset; the
 * fault path (do_file_page) reads that offset, and a zap of a present
 * page at such a position (truncate, MADV_DONTNEED) leaves the offset
 * behind, so the position survives.
 *
 * The arguments are checked as Linux 6.x checks them, since its emulation
 * (4.0+) is what programs see today: prot must be 0, the range may span
 * several VMAs if they are contiguous, of one file and with equal flags,
 * and a page offset past EOF is accepted (an access raises SIGBUS).  What
 * differs from the emulation is the VMAs: objvm keeps one nonlinear VMA
 * where the kernel makes a VMA per run of pages (docs/design.md).
 *
 * Models: mm/fremap.c sys_remap_file_pages(), install_file_pte() and
 * mm/filemap.c filemap_populate() (2.6.11); mm/mmap.c remap_file_pages
 * (Linux 6.x) for the checks and their order.
 */
#include "machine.h"
#include "nonlinear/nonlinear.h"
#include "pgtable/pgtable.h"
#include "vma/zap.h"
#include "vma/vma.h"

/*
 * The VMA at @start, once [start, end) is known to lie in contiguous VMAs
 * of one file with equal flags, shared; else NULL.
 */
static struct vma *remap_vmas(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *first = find_vma(mm, start), *vma, *prev;

	if (!first || first->start > start || !(first->flags & VM_SHARED) ||
	    !first->file)
		return NULL;
	for (prev = first; prev->end < end; prev = vma) {
		vma = vma_next(prev);
		if (!vma || vma->start != prev->end ||
		    vma->file != first->file ||
		    ((vma->flags ^ first->flags) & ~VM_NONLINEAR))
			return NULL;
	}
	return first;
}

/*
 * The flags a run of pages has after the kernel remaps it: its emulation
 * maps the run anew (mmap MAP_SHARED | MAP_FIXED, MAP_LOCKED if the VMA
 * was locked), so madvise's access hints and MAP_NORESERVE are gone from
 * it, and a later remap across it and the rest of the old VMA is EINVAL.
 * objvm gives the run the same flags, splitting the VMA where they differ.
 */
#define REMAP_CLEARS (VM_SEQ_READ | VM_RAND_READ | VM_NORESERVE)

/* Writes the file ptes of [start, end) of @vma, from page @pgoff on.
 * Context: mmap_lock held for writing; the range's ptes are none. */
static int install_file_ptes(struct vma *vma, uint64_t start, uint64_t end,
			     pgoff_t pgoff)
{
	struct mm *mm = vma->mm;
	uint64_t addr;
	pte_t *ptep;

	vm_lock(&mm->page_table_lock);
	for (addr = start; addr < end; addr += PAGE_SIZE, pgoff++) {
		ptep = pte_alloc(mm, addr);
		if (!ptep) {
			vm_unlock(&mm->page_table_lock);
			return -ENOMEM;
		}
		VM_BUG_ON(!pte_none(pte_read(ptep)));
		pte_write_entry(ptep, pgoff_to_pte(pgoff));
		count_event(mm->vm, pte_set);
	}
	vm_unlock(&mm->page_table_lock);
	return 0;
}

/* Context: mmap_lock held for writing. */
static int remap_locked(struct mm *mm, uint64_t start, uint64_t end,
			pgoff_t pgoff, bool nonblock, unsigned int caps)
{
	uint64_t pages = (end - start) >> PAGE_SHIFT, addr, e;
	struct vma *vma = remap_vmas(mm, start, end);
	int err;

	if (!vma)
		return -EINVAL;
	/* The checks of the do_mmap() the kernel's emulation makes. */
	if (mm->map_count > atomic_load(&mm->vm->sysctl.max_map_count))
		return -ENOMEM;
	err = get_unmapped_area(mm, vma->file, start, end - start, pgoff, true,
				caps, &addr);
	if (err)
		return err;
	if ((vma->flags & VM_LOCKED) && !mlock_future_ok(mm, pages, caps))
		return -EAGAIN;
	if (!file_mmap_ok(pgoff, end - start))
		return -EOVERFLOW;

	for (addr = start; addr < end; addr = e) {
		vma = find_vma(mm, addr);
		e = MIN(end, vma->end);
		if (vma->flags & REMAP_CLEARS) {
			err = vma_modify_flags(mm, vma, addr, e,
					       vma->flags & ~REMAP_CLEARS,
					       &vma);
			if (err)
				return err;
		}
		/* Nonlinear before the first pte says so (2.6). */
		if (!vma_is_nonlinear(vma) &&
		    pgoff != linear_page_index(vma, addr))
			vma_set_nonlinear(vma);
		zap_page_range(vma, addr, e, NULL);
		if (vma_is_nonlinear(vma)) {
			err = install_file_ptes(vma, addr, e, pgoff);
			if (err)
				return err;
		}
		count_event(mm->vm, remap_pages);
		/* Populated as MAP_POPULATE would: a locked VMA always. */
		if (!nonblock || (vma->flags & VM_LOCKED))
			make_pages_present(mm, vma, addr, e);
		pgoff += (e - addr) >> PAGE_SHIFT;
	}
	return 0;
}

int do_remap_file_pages(struct mm *mm, uint64_t start, uint64_t size, int prot,
			uint64_t pgoff, int flags, int fd, unsigned int caps)
{
	int err;

	if (prot)
		return -EINVAL;
	/* Several files in one area: vm.nonlinear=pinned only. */
	if (fd >= 0)
		return -EINVAL;
	start &= PAGE_MASK;
	size &= PAGE_MASK;
	if (start + size <= start)
		return -EINVAL;
	if (pgoff + (size >> PAGE_SHIFT) < pgoff)
		return -EINVAL;
	vm_write_lock(&mm->mmap_lock);
	err = remap_locked(mm, start, start + size, pgoff,
			   flags & OBJVM_MAP_NONBLOCK_REMAP, caps);
	mm_write_unlock(mm);
	return err;
}
