/*
 * vma/madvise.c - madvise(): advice about a range's future use.
 *
 * DONTNEED drops the range's pages (private data is lost; a nonlinear
 * VMA keeps its layout as file ptes), WILLNEED reads file pages into the
 * cache, NORMAL / RANDOM / SEQUENTIAL set VM_RAND_READ / VM_SEQ_READ,
 * splitting and merging VMAs as flags do.
 *
 * Models: mm/madvise.c (2.6.11), with the checks and the partial effects
 * of Linux 6.x (linux-semantics.md).
 */
#include "machine.h"
#include "fs/fs.h"
#include "vma/zap.h"
#include "vma/vma.h"

static int madvise_dontneed(struct vma *vma, uint64_t start, uint64_t end)
{
	struct zap_details d = {
		.nonlinear_vma = vma,
		.first_index = 0,
		.last_index = UINT64_MAX,
	};

	if (vma->flags & (VM_LOCKED | VM_HUGETLB))
		return -EINVAL;
	zap_page_range(vma, start, end, vma_is_nonlinear(vma) ? &d : NULL);
	return 0;
}

static int madvise_willneed(struct vma *vma, uint64_t start, uint64_t end)
{
	struct address_space *mapping;
	pgoff_t first, last, index, eof;
	struct page *page;
	bool major;
	int err;

	/* shmem has no backing device to read ahead from (a no-op on Linux
	 * too), and nonlinear VMAs have no linear offsets to read. */
	if (!vma->file || vma_is_nonlinear(vma) ||
	    vma->file->inode->backing == BACKING_SHMEM)
		return 0;
	mapping = &vma->file->inode->mapping;
	first = linear_page_index(vma, start);
	last = linear_page_index(vma, end - 1);
	eof = ((uint64_t)i_size_read(mapping->host) + PAGE_SIZE - 1) >>
	      PAGE_SHIFT;
	for (index = first; index <= last && index < eof; index++) {
		page = read_cache_page(mapping, index, &major, &err);
		if (!page)
			break; /* readahead is only advice */
		put_page(vma->mm->vm, page);
	}
	return 0;
}

static int madvise_vma(struct mm *mm, struct vma *vma, uint64_t start,
		       uint64_t end, int advice)
{
	unsigned long f = vma->flags & ~(VM_SEQ_READ | VM_RAND_READ);

	switch (advice) {
	case OBJVM_MADV_DONTNEED:
		return madvise_dontneed(vma, start, end);
	case OBJVM_MADV_WILLNEED:
		return madvise_willneed(vma, start, end);
	case OBJVM_MADV_RANDOM:
		f |= VM_RAND_READ;
		break;
	case OBJVM_MADV_SEQUENTIAL:
		f |= VM_SEQ_READ;
		break;
	}
	return vma_modify_flags(mm, vma, start, end, f, &vma);
}

static bool madvise_changes_flags(int advice)
{
	return advice == OBJVM_MADV_NORMAL || advice == OBJVM_MADV_RANDOM ||
	       advice == OBJVM_MADV_SEQUENTIAL;
}

int do_madvise(struct mm *mm, uint64_t start, uint64_t len, int advice)
{
	bool write = madvise_changes_flags(advice);
	int err = 0, unmapped_error = 0;
	uint64_t end, tmp;
	struct vma *vma;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (advice < OBJVM_MADV_NORMAL || advice > OBJVM_MADV_DONTNEED)
		return -EINVAL;
	end = start + PAGE_ALIGN(len);
	if ((len && !PAGE_ALIGN(len)) || end < start)
		return -EINVAL;
	if (end == start)
		return 0;

	if (write)
		vm_write_lock(&mm->mmap_lock);
	else
		vm_read_lock(&mm->mmap_lock);
	vma = find_vma(mm, start);
	for (;;) {
		if (!vma) {
			err = -ENOMEM;
			break;
		}
		if (start < vma->start) {
			unmapped_error = -ENOMEM;
			start = vma->start;
			if (start >= end)
				break;
		}
		tmp = MIN(vma->end, end);
		err = madvise_vma(mm, vma, start, tmp, advice);
		if (err)
			break;
		start = tmp;
		if (start >= end)
			break;
		vma = find_vma(mm, start);
	}
	mm_write_unlock(mm);
	return err ? err : unmapped_error;
}
