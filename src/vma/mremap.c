/*
 * vma/mremap.c - mremap(): grow, shrink or move a mapping.
 *
 * A move creates the new VMA first, then moves the ptes across under
 * page_table_lock (and, for a file, under i_mmap_lock, so that a racing
 * truncate sees each pte at exactly one of the two places), then unmaps
 * the old range, which is empty by then.  Pages keep their page->index:
 * the new VMA's pgoff continues the old one's, for anonymous memory too.
 *
 * Models: mm/mremap.c do_mremap(), move_vma(), move_page_tables()
 * (2.6.11), with the checks and results of Linux 6.18 (linux-semantics.md),
 * including the 6.17 same-size fixed move of several VMAs.  Not modelled:
 * MREMAP_DONTUNMAP.
 */
#include "machine.h"
#include "pgtable/tlb.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "reclaim/reclaim.h"
#include "rmap/rmap.h"
#include "vma/vma.h"

/* The VMA that holds [addr, addr + old_len) whole, or an errno. */
static int vma_to_resize(struct mm *mm, uint64_t addr, uint64_t old_len,
			 uint64_t new_len, struct vma **out)
{
	struct vma *vma = find_vma(mm, addr);

	if (!vma || vma->start > addr)
		return -EFAULT;
	if (old_len > vma->end - addr)
		return -EFAULT;
	if (new_len > old_len && (vma->flags & (VM_NONLINEAR | VM_PINNED)))
		return -EINVAL;
	*out = vma;
	return 0;
}

struct move_walk {
	struct mm *mm;
	uint64_t old_addr, new_addr;
	int err;
};

static void move_one_pte(struct mm *mm, uint64_t addr, pte_t *ptep, void *arg)
{
	struct move_walk *w = arg;
	pte_t *dst = pte_alloc(mm, addr - w->old_addr + w->new_addr);
	pte_t pte;

	if (!dst) {
		w->err = -ENOMEM;
		return;
	}
	/* Tables are allocated from the machine, never moved: @ptep stays. */
	pte = pte_read(ptep);
	if (pte_present(pte))
		page_move_rmap(mm->vm, pfn_to_page(mm->vm, pte_pfn(pte)), ptep,
			       dst);
	pte_write_entry(dst, pte);
	pte_write_entry(ptep, 0);
	tlb_flush_page(mm->vm, mm->tlb, addr);
}

static int move_page_tables(struct vma *vma, uint64_t old_addr,
			    uint64_t new_addr, uint64_t len)
{
	struct mm *mm = vma->mm;
	struct move_walk w = {mm, old_addr, new_addr, 0};
	struct address_space *mapping = NULL;

	if (vma->file) {
		mapping = &vma->file->inode->mapping;
		vm_lock(&mapping->i_mmap_lock);
	}
	vm_lock(&mm->page_table_lock);
	walk_pte_range(mm, old_addr, old_addr + len, move_one_pte, &w);
	tlb_sync(mm->vm, mm->tlb);
	vm_unlock(&mm->page_table_lock);
	if (mapping)
		vm_unlock(&mapping->i_mmap_lock);
	return w.err;
}

/* Moves [old_addr, +old_len) of @vma to a new VMA [new_addr, +new_len). */
static int move_vma(struct mm *mm, struct vma *vma, uint64_t old_addr,
		    uint64_t old_len, uint64_t new_len, uint64_t new_addr)
{
	long max = atomic_load(&mm->vm->sysctl.max_map_count);
	struct vma *new;
	int err;

	if (mm->map_count >= max - 3)
		return -ENOMEM;
	new = vma_alloc(mm);
	if (!new)
		return -ENOMEM;
	new->start = new_addr;
	new->end = new_addr + new_len;
	new->flags = vma->flags;
	new->pgoff = vma->pgoff + ((old_addr - vma->start) >> PAGE_SHIFT);
	/*
	 * Anonymous memory that was never faulted has no page whose index
	 * must be kept: like Linux 6.16+, it takes the offset of its new
	 * place, so it merges there as if mapped there.
	 */
	if (!vma->file && !vma->anon_vma)
		new->pgoff = new_addr >> PAGE_SHIFT;
	new->file = vma->file;
	new->vm_ops = vma->vm_ops;
	new->anon_vma = vma->anon_vma;
	new->anon_key = vma->anon_key;
	new->anon_forked = vma->anon_forked;
	if (new->file)
		get_file(new->file);
	vma_link(mm, new);
	err = move_page_tables(vma, old_addr, new_addr, MIN(old_len, new_len));
	if (err)
		return err;
	err = do_munmap_locked(mm, old_addr, old_len);
	if (err)
		return err;
	new = vma_merge_neighbours(mm, find_vma(mm, new_addr));
	if (new->flags & VM_LOCKED &&new_len > old_len)
		make_pages_present(mm, new, new_addr + old_len,
				   new_addr + new_len);
	return 0;
}

/*
 * A same-size fixed move of a range that spans several VMAs (Linux 6.17):
 * every VMA keeps its flags, the gaps between them stay gaps.  Everything
 * is checked before anything changes, so a failure has no side effects.
 */
static int mremap_multi(struct mm *mm, uint64_t addr, uint64_t len,
			uint64_t new_addr, uint64_t *out)
{
	uint64_t end = addr + len, cur, s, e;
	struct vma *vma;
	int err;

	for (vma = find_vma(mm, addr); vma && vma->start < end;
	     vma = vma_next(vma))
		if (vma->flags & (VM_NONLINEAR | VM_PINNED))
			return -EINVAL;
	/* Only where a VMA lands is the target replaced: gaps stay. */
	for (cur = addr, err = 0; !err; cur = e) {
		vma = find_vma(mm, cur);
		if (!vma || vma->start >= end)
			break;
		s = MAX(vma->start, cur);
		e = MIN(vma->end, end);
		err = do_munmap_locked(mm, new_addr + (s - addr), e - s);
		if (!err)
			err = move_vma(mm, find_vma(mm, s), s, e - s, e - s,
				       new_addr + (s - addr));
	}
	if (!err)
		*out = new_addr;
	return err;
}

static int mremap_to(struct mm *mm, uint64_t addr, uint64_t old_len,
		     uint64_t new_addr, uint64_t new_len, unsigned int caps,
		     uint64_t *out)
{
	struct vma *vma;
	int err;

	if (new_addr & ~PAGE_MASK)
		return -EINVAL;
	if (new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len)
		return -EINVAL;
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL; /* the ranges overlap */
	vma = find_vma(mm, addr);
	if (old_len == new_len && vma && vma->start <= addr &&
	    addr + old_len > vma->end)
		return mremap_multi(mm, addr, old_len, new_addr, out);
	err = vma_to_resize(mm, addr, MIN(old_len, new_len), new_len, &vma);
	if (err)
		return err;
	err = do_munmap_locked(mm, new_addr, new_len);
	if (err)
		return err;
	if (old_len > new_len) {
		err = do_munmap_locked(mm, addr + new_len, old_len - new_len);
		if (err)
			return err;
		old_len = new_len;
	}
	vma = find_vma(mm, addr);
	/* The target is unmapped by now, as in Linux, whatever this says. */
	err = get_unmapped_area(mm, vma->file, new_addr, new_len, 0, true, caps,
				&new_addr);
	if (err)
		return err;
	err = move_vma(mm, vma, addr, old_len, new_len, new_addr);
	if (!err)
		*out = new_addr;
	return err;
}

/* Grows @vma, whose end is addr + old_len, in place if the room is free. */
static bool grow_in_place(struct mm *mm, struct vma *vma, uint64_t new_end)
{
	struct vma *next = vma_next(vma);
	uint64_t old_end = vma->end;

	if (new_end > TASK_SIZE || (next && next->start < new_end))
		return false;
	vma_adjust(vma, vma->start, new_end, vma->pgoff);
	vma = vma_merge_neighbours(mm, vma);
	if (vma->flags & VM_LOCKED)
		make_pages_present(mm, vma, old_end, new_end);
	return true;
}

static int mremap_locked(struct mm *mm, uint64_t addr, uint64_t old_len,
			 uint64_t new_len, int flags, uint64_t new_addr,
			 unsigned int caps, uint64_t *out)
{
	struct vma *vma;
	int err;

	if (flags & OBJVM_MREMAP_FIXED)
		return mremap_to(mm, addr, old_len, new_addr, new_len, caps,
				 out);
	if (old_len >= new_len) {
		vma = find_vma(mm, addr);
		if (!vma || vma->start > addr)
			return -EFAULT;
		if (old_len > new_len) {
			err = do_munmap_locked(mm, addr + new_len,
					       old_len - new_len);
			if (err)
				return err;
		}
		*out = addr;
		return 0;
	}
	err = vma_to_resize(mm, addr, old_len, new_len, &vma);
	if (err)
		return err;
	if (vma->end == addr + old_len &&
	    grow_in_place(mm, vma, addr + new_len)) {
		*out = addr;
		return 0;
	}
	if (!(flags & OBJVM_MREMAP_MAYMOVE))
		return -ENOMEM;
	err = get_unmapped_area(mm, vma->file, 0, new_len,
				vma->pgoff +
					((addr - vma->start) >> PAGE_SHIFT),
				false, caps, &new_addr);
	if (err)
		return err;
	err = move_vma(mm, vma, addr, old_len, new_len, new_addr);
	if (!err)
		*out = new_addr;
	return err;
}

int do_mremap(struct mm *mm, uint64_t addr, uint64_t old_len, uint64_t new_len,
	      int flags, uint64_t new_addr, unsigned int caps, uint64_t *out)
{
	int err;

	if (flags & ~(OBJVM_MREMAP_MAYMOVE | OBJVM_MREMAP_FIXED))
		return -EINVAL;
	if ((flags & OBJVM_MREMAP_FIXED) && !(flags & OBJVM_MREMAP_MAYMOVE))
		return -EINVAL;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len || !old_len)
		return -EINVAL;
	if (new_len > TASK_SIZE)
		return -EINVAL;
	/* A move allocates its new page tables under page_table_lock, where
	 * it cannot reclaim: reclaim for them now, before mmap_lock (which
	 * reclaim may need to reach this mm's pages). */
	reserve_frames(mm->vm,
		       (MIN(old_len, new_len) >> PAGE_SHIFT) / PTRS_PER_TABLE +
			       4);
	vm_write_lock(&mm->mmap_lock);
	err = mremap_locked(mm, addr, old_len, new_len, flags, new_addr, caps,
			    out);
	mm_write_unlock(mm);
	return err;
}
