/*
 * nonlinear/nonlinear.h - remap_file_pages() and nonlinear VMAs.
 *
 * A VM_NONLINEAR VMA maps its file page by page in any order: each of its
 * ptes is a present page or a file pte naming the file page that belongs
 * there.  Such a VMA sits on its mapping's i_mmap_nonlinear list instead
 * of the i_mmap tree (vma.h M3), so truncate and reverse mapping scan it
 * whole.  vm.nonlinear picks the policy; objvm builds `pageable` (2.6).
 */
#ifndef OBJVM_NONLINEAR_H
#define OBJVM_NONLINEAR_H

#include <stdint.h>

struct mm;

/*
 * do_remap_file_pages - show file pages @pgoff.. at [start, start + size)
 * of the shared file mapping there (remap_file_pages(2)).  @flags may hold
 * OBJVM_MAP_NONBLOCK_REMAP (do not read pages in); @fd is -1 (only
 * vm.nonlinear=pinned takes a descriptor).  @caps: VM_CAP_* of the caller.
 *
 * Context: takes mmap_lock for writing.
 * Return: 0, or -EINVAL (prot, range, VMAs), -ENOMEM, -EPERM, -EAGAIN,
 * -EOVERFLOW as Linux 6.x gives them.
 */
int do_remap_file_pages(struct mm *mm, uint64_t start, uint64_t size, int prot,
			uint64_t pgoff, int flags, int fd, unsigned int caps);

#endif /* OBJVM_NONLINEAR_H */
