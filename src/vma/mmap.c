/*
 * vma/mmap.c - mmap() and munmap(), and where new mappings go.
 *
 * The argument checks run in the order today's kernel runs them, because
 * a program can observe the order (linux-semantics.md): descriptor, then
 * length, then map count, placement, then the file's access modes.
 *
 * Models: mm/mmap.c do_mmap_pgoff(), mmap_region(), do_munmap(),
 * unmap_region(), arch_get_unmapped_area_topdown() (2.6.11), with the
 * checks and their order of Linux 6.x.
 */
#include "machine.h"
#include "fault/fault.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "vma/zap.h"
#include "vma/vma.h"

static bool range_is_free(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *vma = find_vma(mm, start);

	return !vma || vma->start >= end;
}

/*
 * gap_search_topdown - the highest place for @len bytes that ends at or
 * below @high and starts at or above the second page, within the gaps
 * below the VMAs of @vma's subtree: the gap below a VMA spans
 * [vma_gap_start(), start), cut at @high.  Subtrees whose largest gap is
 * too small are skipped whole (M5), and so are right subtrees whose gaps
 * all start too high, so the search is O(log n).
 * Return: true and *out, or false when no gap there fits.
 */
static bool gap_search_topdown(const struct vma *vma, uint64_t len,
			       uint64_t high, uint64_t *out)
{
	uint64_t gap_start, gap_end;

	if (!vma || vma->rb_subtree_gap < len)
		return false;
	/* The gaps of the right subtree start at vma->end or above. */
	if (vma->end + len <= high &&
	    gap_search_topdown(RB_RIGHT(vma, rb), len, high, out))
		return true;
	gap_start = MAX(vma_gap_start(vma), PAGE_SIZE);
	gap_end = MIN(vma->start, high);
	if (gap_end >= gap_start + len) {
		*out = gap_end - len;
		return true;
	}
	return gap_search_topdown(RB_LEFT(vma, rb), len, high, out);
}

/* Where x86-64 puts @len bytes: @addr if fixed, else the hint if it is
 * free, else the highest gap below mmap_base that fits (top-down), down
 * to the second page (vm.mmap_min_addr is checked on the result). */
static int arch_get_unmapped_area_topdown(struct mm *mm, uint64_t addr,
					  uint64_t len, bool fixed,
					  uint64_t *out)
{
	uint64_t top = mm->mmap_base, floor;
	struct vma *last;

	if (len > TASK_SIZE)
		return -ENOMEM;
	if (fixed) {
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		*out = addr;
		return 0;
	}
	if (addr) {
		addr &= PAGE_MASK; /* x86-64 rounds a hint down */
		if (addr <= TASK_SIZE - len &&
		    range_is_free(mm, addr, addr + len)) {
			*out = addr;
			return 0;
		}
	}
	/* The gap above the last VMA first, then the tree's. */
	last = RB_MAX(vma_tree, &mm->vmas);
	floor = MAX(last ? last->end : 0, PAGE_SIZE);
	if (top >= floor + len) {
		*out = top - len;
		return 0;
	}
	if (gap_search_topdown(RB_ROOT(&mm->vmas), len, top, out))
		return 0;
	return -ENOMEM;
}

/*
 * thp_get_unmapped_area - place @len bytes that show file offset @off so
 * that a 2 MiB page of the file could be mapped by one PMD: search for
 * @len + 2 MiB, then move up within it until address and offset agree
 * modulo 2 MiB (top-down, an already agreeing result moves up by 2 MiB).
 * Only when the range holds a whole aligned 2 MiB of offsets, and not
 * when the padded search takes the hint as it is.  Return: true and
 * *out, or false to place it the ordinary way.  objvm has no THP, but
 * where a mapping lands is visible to programs.
 *
 * Models: mm/huge_memory.c __thp_get_unmapped_area() (Linux 6.18); the
 * offsets are loff_t there, so the comparisons are signed.
 */
static bool thp_get_unmapped_area(struct mm *mm, uint64_t addr, uint64_t len,
				  uint64_t off, uint64_t *out)
{
	int64_t off_end = (int64_t)(off + len);
	int64_t off_align = (int64_t)((off + PMD_SIZE - 1) & ~(PMD_SIZE - 1));
	uint64_t len_pad = len + PMD_SIZE, ret, off_sub;

	if (off_end <= off_align || off_end - off_align < (int64_t)PMD_SIZE)
		return false;
	if (len_pad < len || (int64_t)(off + len_pad) < (int64_t)off)
		return false;
	if (arch_get_unmapped_area_topdown(mm, addr, len_pad, false, &ret))
		return false; /* perhaps only the padding did not fit */
	if (ret == addr) {
		*out = addr;
		return true;
	}
	off_sub = (off - ret) & (PMD_SIZE - 1);
	*out = off_sub ? ret + off_sub : ret + PMD_SIZE;
	return true;
}

/*
 * get_unmapped_area - where a mapping of @len bytes of @file (NULL:
 * private anonymous memory) from page @pgoff goes, as Linux 6.18 decides
 * (__get_unmapped_area()): a file on a filesystem with large folios
 * (objvm's memory and host files behave like ext4) is placed for THP,
 * shmem is not (shmem_enabled=never), and private anonymous memory is
 * when its length is a multiple of 2 MiB and there is no hint (6.7+).
 */
int get_unmapped_area(struct mm *mm, struct file *file, uint64_t addr,
		      uint64_t len, pgoff_t pgoff, bool fixed,
		      unsigned int caps, uint64_t *out)
{
	bool placed = false;
	int err;

	if (!fixed && len <= TASK_SIZE) {
		if (file && file->inode->backing != BACKING_SHMEM)
			placed = thp_get_unmapped_area(
				mm, addr, len, pgoff << PAGE_SHIFT, out);
		else if (!file && !addr && !(len & (PMD_SIZE - 1)))
			placed = thp_get_unmapped_area(mm, 0, len, 0, out);
	}
	if (!placed) {
		err = arch_get_unmapped_area_topdown(mm, addr, len, fixed, out);
		if (err)
			return err;
	}
	/* security_mmap_addr(): below vm.mmap_min_addr needs SYS_RAWIO. */
	if (*out < atomic_load(&mm->vm->sysctl.mmap_min_addr) &&
	    !(caps & VM_CAP_SYS_RAWIO))
		return -EPERM;
	return 0;
}

int make_pages_present(struct mm *mm, struct vma *vma, uint64_t start,
		       uint64_t end)
{
	bool write = (vma->flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
	uint64_t addr;

	if (!(vma->flags & VM_ACCESS_FLAGS))
		return -EFAULT;
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		switch (handle_mm_fault(mm, vma, addr, write)) {
		case VM_FAULT_MINOR:
		case VM_FAULT_MAJOR:
			continue;
		case VM_FAULT_OOM:
			return -ENOMEM;
		default:
			return -EFAULT;
		}
	}
	return 0;
}

/* Populates [start, end) VMA by VMA, ignoring failures (MAP_POPULATE). */
static void populate_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *vma;

	for (vma = find_vma(mm, start); vma && vma->start < end;
	     vma = vma_next(vma))
		make_pages_present(mm, vma, MAX(start, vma->start),
				   MIN(end, vma->end));
}

void unmap_region(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end)
{
	struct vma *prev = vma_prev(vma), *next;
	uint64_t floor, ceiling;

	for (next = vma; next && next->start < end; next = vma_next(next))
		zap_page_range(next, MAX(start, next->start),
			       MIN(end, next->end), NULL);
	floor = prev ? prev->end : 0;
	ceiling = next ? next->start : (1ULL << 48);
	vm_lock(&mm->page_table_lock);
	free_pgd_range(mm, start, end, floor, ceiling);
	vm_unlock(&mm->page_table_lock);
}

int do_munmap_locked(struct mm *mm, uint64_t start, uint64_t len)
{
	long max = atomic_load(&mm->vm->sysctl.max_map_count);
	struct vma *vma, *next, *split = NULL;
	uint64_t end;
	int err;

	if ((start & ~PAGE_MASK) || start > TASK_SIZE ||
	    len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	end = start + len;
	vma = find_vma(mm, start);
	if (!vma || vma->start >= end)
		return 0;
	/*
	 * munmap may leave the count above the limit by one for a moment,
	 * never at the end; a split from above the limit fails (as on
	 * Linux 6.18, where mmap can reach max_map_count + 1).
	 */
	if (start > vma->start) {
		if (mm->map_count > max ||
		    (end < vma->end && mm->map_count >= max))
			return -ENOMEM;
		err = vma_split_at(mm, vma, start, true);
		if (err)
			return err;
		split = vma;
	}
	next = find_vma(mm, end - 1);
	if (next && next->start < end && next->end > end) {
		err = mm->map_count > max ? -ENOMEM
					  : vma_split_at(mm, next, end, true);
		if (err) {
			/* A first split stays, as in Linux: its halves are
			 * alike and apart until one changes (M2). */
			if (split)
				vma_keep_apart(split);
			return err;
		}
	}
	vma = find_vma(mm, start);
	unmap_region(mm, vma, start, end);
	while (vma && vma->start < end) {
		next = vma_next(vma);
		vma_unlink(mm, vma);
		remove_vma(vma);
		vma = next;
	}
	return 0;
}

int do_munmap(struct mm *mm, uint64_t start, uint64_t len)
{
	int err;

	vm_write_lock(&mm->mmap_lock);
	err = do_munmap_locked(mm, start, len);
	mm_write_unlock(mm);
	return err;
}

static unsigned long calc_vm_flags(int prot, int flags)
{
	unsigned long vm_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (prot & OBJVM_PROT_READ)
		vm_flags |= VM_READ;
	if (prot & OBJVM_PROT_WRITE)
		vm_flags |= VM_WRITE;
	if (prot & OBJVM_PROT_EXEC)
		vm_flags |= VM_EXEC;
	if (flags & OBJVM_MAP_LOCKED)
		vm_flags |= VM_LOCKED;
	if (flags & OBJVM_MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;
	return vm_flags;
}

/* The file checks of do_mmap: -EACCES for an access the open forbids. */
static int mmap_file_flags(struct file *file, int prot, int flags,
			   unsigned long *vm_flags)
{
	int mode = file->flags & OBJVM_O_ACCMODE;

	if (flags & OBJVM_MAP_SHARED) {
		if ((prot & OBJVM_PROT_WRITE) && mode == OBJVM_O_RDONLY)
			return -EACCES;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (mode == OBJVM_O_RDONLY)
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
	}
	if (mode == OBJVM_O_WRONLY)
		return -EACCES;
	return 0;
}

/* Creates the VMA of a new mapping and merges it with its neighbours.
 * Context: mmap_lock held for writing; the range is free. */
static int mmap_region(struct mm *mm, uint64_t addr, uint64_t len,
		       unsigned long vm_flags, struct file *file, pgoff_t pgoff)
{
	struct vma *vma = vma_alloc(mm);

	if (!vma)
		return -ENOMEM;
	vma->start = addr;
	vma->end = addr + len;
	vma->flags = vm_flags;
	vma->pgoff = pgoff;
	vma->file = file;
	vma->vm_ops = vm_ops_for(file);
	if (file)
		get_file(file);
	vma_link(mm, vma);
	vma_merge_neighbours(mm, vma);
	return 0;
}

int do_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
	    struct file *file, pgoff_t pgoff, unsigned int caps, uint64_t *out)
{
	bool fixed = flags & (OBJVM_MAP_FIXED | OBJVM_MAP_FIXED_NOREPLACE);
	unsigned long vm_flags = calc_vm_flags(prot, flags);
	struct file *shmem = NULL;
	int err;

	if (!len)
		return -EINVAL;
	if (!fixed) { /* round_hint_to_min() */
		uint64_t min = atomic_load(&mm->vm->sysctl.mmap_min_addr);

		/* The kernel's mmap_min_addr: the sysctl, but never below
		 * the security modules' floor (security/min_addr.c). */
		min = MAX(min, LSM_MMAP_MIN_ADDR);
		addr &= PAGE_MASK;
		if (addr && addr < min)
			addr = PAGE_ALIGN(min);
	}
	len = PAGE_ALIGN(len);
	if (!len || len > TASK_SIZE)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if ((flags & (OBJVM_MAP_SHARED | OBJVM_MAP_PRIVATE)) !=
		    OBJVM_MAP_SHARED &&
	    (flags & (OBJVM_MAP_SHARED | OBJVM_MAP_PRIVATE)) !=
		    OBJVM_MAP_PRIVATE)
		return -EINVAL;

	/* Shared anonymous memory is an unnamed shmem file; making one
	 * takes ns_lock, which ranks above mmap_lock. */
	if (!file && (flags & OBJVM_MAP_SHARED)) {
		err = shmem_file_setup(mm->vm, (int64_t)len, &shmem);
		if (err)
			return err;
	}

	vm_write_lock(&mm->mmap_lock);
	err = -ENOMEM;
	if (mm->map_count > atomic_load(&mm->vm->sysctl.max_map_count))
		goto out_unlock;
	err = get_unmapped_area(mm, file ? file : shmem, addr, len, pgoff,
				fixed, caps, &addr);
	if (err)
		goto out_unlock;
	err = -EAGAIN; /* mlock_future_ok() */
	if ((vm_flags & VM_LOCKED) &&
	    !mlock_future_ok(mm, len >> PAGE_SHIFT, caps))
		goto out_unlock;
	err = -EEXIST;
	if ((flags & OBJVM_MAP_FIXED_NOREPLACE) &&
	    !range_is_free(mm, addr, addr + len))
		goto out_unlock;
	if (file) {
		err = -EOVERFLOW;
		if (!file_mmap_ok(pgoff, len))
			goto out_unlock;
		err = mmap_file_flags(file, prot, flags, &vm_flags);
		if (err)
			goto out_unlock;
	} else if (shmem) {
		file = shmem;
		pgoff = 0;
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	} else {
		pgoff = addr >> PAGE_SHIFT;
	}

	/* Private writable memory is charged (accountable_mapping()); the
	 * flag takes part in merging, so programs can see it. */
	if ((vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE | VM_HUGETLB)) ==
	    VM_WRITE)
		vm_flags |= VM_ACCOUNT;

	/* MAP_FIXED replaces whatever was there. */
	err = do_munmap_locked(mm, addr, len);
	if (!err)
		err = mmap_region(mm, addr, len, vm_flags, file, pgoff);
	if (err)
		goto out_unlock;
	if ((flags & OBJVM_MAP_POPULATE && !(flags & OBJVM_MAP_NONBLOCK)) ||
	    (vm_flags & VM_LOCKED))
		populate_range(mm, addr, addr + len);
	*out = addr;
out_unlock:
	mm_write_unlock(mm);
	if (shmem)
		fput(shmem); /* the VMA holds its own reference */
	return err;
}
