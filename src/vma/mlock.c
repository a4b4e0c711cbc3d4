/*
 * vma/mlock.c - mlock() and munlock(): keep a range resident.
 *
 * VM_LOCKED is set on the range (split and merged like any flag) and its
 * pages are faulted in.  Reclaim (when it exists) leaves such pages
 * alone; truncation still unmaps them.
 *
 * Models: mm/mlock.c (2.6.11), with the checks and partial effects of
 * Linux 6.x: a hole stops the walk with -ENOMEM after the part before it
 * was done, and a failure to fault the pages in (PROT_NONE, past EOF)
 * leaves the range locked and answers -ENOMEM.
 */
#include "machine.h"
#include "vma/vma.h"

static int apply_vma_lock_flags(struct mm *mm, uint64_t start, uint64_t end,
				bool on)
{
	uint64_t nstart = start, tmp;
	unsigned long newflags;
	struct vma *vma;
	int err;

	vma = find_vma(mm, start);
	if (!vma || vma->start > start)
		return -ENOMEM;
	for (;;) {
		newflags = on ? vma->flags | VM_LOCKED
			      : vma->flags & ~VM_LOCKED;
		tmp = MIN(vma->end, end);
		err = vma_modify_flags(mm, vma, nstart, tmp, newflags, &vma);
		if (err)
			return err;
		nstart = tmp;
		if (nstart >= end)
			return 0;
		vma = find_vma(mm, nstart);
		if (!vma || vma->start > nstart)
			return -ENOMEM;
	}
}

/* Faults in the locked range VMA by VMA (2.6 make_pages_present). */
static int mlock_populate(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *vma;
	int err = 0;

	for (vma = find_vma(mm, start); vma && vma->start < end && !err;
	     vma = vma_next(vma))
		err = make_pages_present(mm, vma, MAX(start, vma->start),
					 MIN(end, vma->end));
	return err ? -ENOMEM : 0;
}

int do_mlock(struct mm *mm, uint64_t start, uint64_t len, bool on,
	     unsigned int caps)
{
	uint64_t end;
	int err;

	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	vm_write_lock(&mm->mmap_lock);
	err = -ENOMEM;
	if (on && !mlock_future_ok(mm, len >> PAGE_SHIFT, caps))
		goto out;
	err = apply_vma_lock_flags(mm, start, end, on);
	if (!err && on)
		err = mlock_populate(mm, start, end);
out:
	mm_write_unlock(mm);
	return err;
}
