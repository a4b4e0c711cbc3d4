/*
 * vma/mprotect.c - change the flags of part of an address space.
 *
 * vma_modify_flags() is the one way VM_* flags of a range change (used by
 * mprotect, mlock and madvise): split where the range starts or ends
 * inside a VMA, set the flags, merge with neighbours that became alike.
 *
 * Models: mm/mprotect.c sys_mprotect(), mprotect_fixup(),
 * change_protection() (2.6.11), with the checks of Linux 6.x.
 */
#include "machine.h"
#include "pgtable/tlb.h"
#include "pgtable/pgtable.h"
#include "vma/vma.h"

/*
 * vma_modify_flags - give [start, end), which lies inside @vma, @newflags.
 *
 * Context: mmap_lock held for writing.
 * Return: 0 and the VMA now covering the range in *out, or -ENOMEM when a
 * split would pass vm.max_map_count.
 */
int vma_modify_flags(struct mm *mm, struct vma *vma, uint64_t start,
		     uint64_t end, unsigned long newflags, struct vma **out)
{
	unsigned long pages = (end - start) >> PAGE_SHIFT;
	bool split = start > vma->start;
	int err;

	*out = vma;
	if (newflags == vma->flags)
		return 0;
	if (split) {
		err = split_vma(mm, vma, start, true);
		if (err)
			return err;
	}
	if (end < vma->end) {
		err = split_vma(mm, vma, end, false);
		if (err) {
			/* Linux keeps the first split (vma_modify()): two
			 * VMAs alike stay apart until one changes. */
			if (split)
				vma_keep_apart(vma);
			return err;
		}
	}
	if (vma->flags & VM_LOCKED)
		mm->locked_vm -= pages;
	if (newflags & VM_LOCKED)
		mm->locked_vm += pages;
	vma->flags = newflags;
	*out = vma_merge_neighbours(mm, vma);
	return 0;
}

struct prot_walk {
	struct vma *vma;
	pte_t prot;
};

static void change_pte(struct mm *mm, uint64_t addr, pte_t *ptep, void *arg)
{
	struct prot_walk *w = arg;
	pte_t pte = pte_read(ptep);

	if (!pte_present(pte))
		return;
	pte = (pte & ~PTE_PROT_MASK) | w->prot;
	/* Private pages stay read-only: the first write decides COW. */
	if (!(w->vma->flags & VM_SHARED))
		pte &= ~_PAGE_RW;
	pte_write_entry(ptep, pte);
	tlb_flush_page(mm->vm, mm->tlb, addr);
}

/* Rewrites the protection of the present ptes of [start, end). */
static void change_protection(struct vma *vma, uint64_t start, uint64_t end)
{
	struct mm *mm = vma->mm;
	struct prot_walk w = {.vma = vma, .prot = vm_page_prot(vma->flags)};

	vm_lock(&mm->page_table_lock);
	walk_pte_range(mm, start, end, change_pte, &w);
	tlb_sync(mm->vm, mm->tlb);
	vm_unlock(&mm->page_table_lock);
}

static int mprotect_fixup(struct mm *mm, struct vma *vma, uint64_t start,
			  uint64_t end, unsigned long newflags)
{
	unsigned long oldflags = vma->flags;
	int err;

	if (oldflags == newflags)
		return 0;
	/*
	 * A private mapping made writable is charged from now on; the charge
	 * goes again when it stops being writable only if it is anonymous
	 * memory without pages yet (Linux 6.x mprotect_fixup()).
	 */
	if (newflags & VM_WRITE) {
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB |
				  VM_SHARED | VM_NORESERVE)))
			newflags |= VM_ACCOUNT;
	} else if ((oldflags & VM_ACCOUNT) && vma_is_anonymous(vma) &&
		   !vma->anon_vma) {
		newflags &= ~VM_ACCOUNT;
	}
	err = vma_modify_flags(mm, vma, start, end, newflags, &vma);
	if (err)
		return err;
	change_protection(vma, start, end);
	/* A locked private range made writable is copied in now. */
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED &&
	    (newflags & VM_WRITE))
		make_pages_present(mm, vma, start, end);
	return 0;
}

/* The next flags for @vma: -EACCES when the open file forbids them. */
static int mprotect_flags(const struct vma *vma, int prot,
			  unsigned long *newflags)
{
	unsigned long f = vma->flags & ~VM_ACCESS_FLAGS;

	if (prot & OBJVM_PROT_READ)
		f |= VM_READ;
	if (prot & OBJVM_PROT_WRITE)
		f |= VM_WRITE;
	if (prot & OBJVM_PROT_EXEC)
		f |= VM_EXEC;
	/* Each VM_MAY* sits four bits above its VM_*. */
	if ((f & ~(f >> 4)) & VM_ACCESS_FLAGS)
		return -EACCES;
	*newflags = f;
	return 0;
}

int do_mprotect(struct mm *mm, uint64_t start, uint64_t len, int prot)
{
	uint64_t end, nstart, tmp;
	unsigned long newflags;
	struct vma *vma;
	int err;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(OBJVM_PROT_READ | OBJVM_PROT_WRITE | OBJVM_PROT_EXEC))
		return -EINVAL;

	vm_write_lock(&mm->mmap_lock);
	err = -ENOMEM;
	vma = find_vma(mm, start);
	if (!vma || vma->start > start)
		goto out;
	for (nstart = start;;) {
		err = mprotect_flags(vma, prot, &newflags);
		if (err)
			break;
		tmp = MIN(vma->end, end);
		err = mprotect_fixup(mm, vma, nstart, tmp, newflags);
		if (err)
			break;
		nstart = tmp;
		if (nstart >= end)
			break;
		/* The range done may have merged with the VMA after it:
		 * that VMA then starts below nstart, and is no hole. */
		vma = find_vma(mm, nstart);
		if (!vma || vma->start > nstart) {
			err = -ENOMEM;
			break;
		}
	}
out:
	mm_write_unlock(mm);
	return err;
}
