/*
 * fault/memory.c - the page fault handlers.
 *
 * handle_mm_fault() looks at the pte and sends the fault to one handler
 * per kind: do_anonymous_page (none, anonymous VMA), do_no_page (none,
 * file VMA), do_file_page (a file pte of a nonlinear VMA), do_wp_page (a
 * write to a present read-only pte).  Handlers that must read a page or
 * allocate drop page_table_lock and, when they retake it, install only
 * if the pte is still what they saw.
 *
 * Truncate races (reference §8.6): do_no_page samples the mapping's
 * truncate_count before it looks at i_size and the page cache, and
 * installs the pte only if the count is unchanged under page_table_lock;
 * otherwise it drops the page and retries.  Truncate writes i_size, then
 * bumps the count under i_mmap_lock, then zaps under page_table_lock, so
 * either the fault sees the new size (SIGBUS), or it sees the bump and
 * retries, or its pte is in place before the zap, which removes it.
 *
 * Models: mm/memory.c handle_mm_fault(), handle_pte_fault(),
 * do_anonymous_page(), do_no_page(), do_file_page(), do_wp_page(),
 * mm/filemap.c filemap_nopage() (2.6.11).
 */
#include <string.h>

#include "machine.h"
#include "fault/fault.h"
#include "pgtable/tlb.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "reclaim/reclaim.h"
#include "rmap/rmap.h"
#include "swap/swap.h"

/* Fault again from the top: the pte changed while the lock was dropped. */
#define VM_FAULT_AGAIN ((enum fault_result) - 1)

/*
 * The pte now allows the access: mark it young (and dirty for a write)
 * and fill the TLB.  Context: page_table_lock held.
 */
static void finish_fault(struct mm *mm, uint64_t addr, pte_t *ptep, bool write)
{
	pte_t pte = pte_read(ptep) | _PAGE_ACCESSED;

	if (write) {
		VM_BUG_ON(!pte_write(pte));
		pte |= _PAGE_DIRTY;
	}
	pte_write_entry(ptep, pte);
	tlb_fill(mm->tlb, addr, mm->vm->mem + (pte & PTE_PFN_MASK),
		 pte_write(pte) && pte_dirty(pte));
}

static enum fault_result do_anonymous_page(struct mm *mm, struct vma *vma,
					   uint64_t addr, pte_t *ptep,
					   pte_t orig, pgoff_t pgoff,
					   bool write)
{
	struct objvm *vm = mm->vm;
	struct page *page;
	pte_t prot = vm_page_prot(vma->flags);

	if (!write) {
		/* Untouched memory reads as the shared zero page. */
		pte_write_entry(ptep, pfn_pte(page_to_pfn(vm, vm->zero_page),
					      prot & ~_PAGE_RW));
		finish_fault(mm, addr, ptep, false);
		vm_unlock(&mm->page_table_lock);
		count_event(vm, fault_zero);
		return VM_FAULT_MINOR;
	}
	vm_unlock(&mm->page_table_lock);
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	page = alloc_user_page(vm, true);
	if (!page)
		return VM_FAULT_OOM;
	count_event(vm, page_alloc);
	rmap_prepare(mm, 1);
	vm_lock(&mm->page_table_lock);
	ptep = pte_offset(mm, addr);
	if (!ptep || !pte_none(pte_read(ptep))) {
		vm_unlock(&mm->page_table_lock);
		put_page(vm, page);
		return VM_FAULT_AGAIN;
	}
	pte_write_entry(ptep, pfn_pte(page_to_pfn(vm, page), prot));
	page_add_anon_rmap(page, vma, addr, ptep);
	lru_cache_add_active(vm, page);
	atomic_fetch_add(&mm->rss_anon, 1);
	count_event(vm, pte_set);
	finish_fault(mm, addr, ptep, true);
	vm_unlock(&mm->page_table_lock);
	count_event(vm, fault_anon);
	return VM_FAULT_MINOR;
}

/* A private copy of @src (the zero page or a file page) for @vma. */
static struct page *cow_copy(struct mm *mm, struct vma *vma, struct page *src)
{
	struct objvm *vm = mm->vm;
	struct page *page;

	if (anon_vma_prepare(vma))
		return NULL;
	page = alloc_user_page(vm, PageReserved(src));
	if (!page)
		return NULL;
	count_event(vm, page_alloc);
	if (!PageReserved(src))
		memcpy(page_address(vm, page), page_address(vm, src),
		       PAGE_SIZE);
	return page;
}

/*
 * do_no_page - map file page @pgoff at @addr, where the pte was @orig
 * (none, or the file pte of a nonlinear position).
 *
 * Context: page_table_lock held on entry, dropped on return.
 */
static enum fault_result do_no_page(struct mm *mm, struct vma *vma,
				    uint64_t addr, pte_t *unused, pte_t orig,
				    pgoff_t pgoff, bool write)
{
	struct address_space *mapping = &vma->file->inode->mapping;
	struct objvm *vm = mm->vm;
	bool anon = false, major = false;
	unsigned long sequence;
	struct page *page, *cow;
	pte_t pte, *ptep;
	int64_t size;
	int err = 0;

	vm_unlock(&mm->page_table_lock);
	/*
	 * A private write fault prepares the anon_vma before it reads the
	 * page (Linux 6.x do_cow_fault()), so one that ends in SIGBUS still
	 * leaves the VMA an anon_vma, which merging can see
	 * (tests/oracle/cow-fault-sigbus-anon-vma.ovs).
	 */
	if (write && !(vma->flags & VM_SHARED) && anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	sequence = atomic_load(&mapping->truncate_count);
	size = i_size_read(mapping->host);
	if (pgoff >= (uint64_t)(size + PAGE_SIZE - 1) >> PAGE_SHIFT) {
		count_event(vm, fault_sigbus);
		return VM_FAULT_SIGBUS;
	}
	page = read_cache_page(mapping, pgoff, &major, &err);
	if (!page)
		return VM_FAULT_OOM;
#if OBJVM_DEBUG
	if (vm->hook.nopage)
		vm->hook.nopage(vm, vm->hook.arg);
#endif
	if (write && !(vma->flags & VM_SHARED)) {
		/* Break COW now rather than map the page and fault again. */
		cow = cow_copy(mm, vma, page);
		put_page(vm, page);
		if (!cow)
			return VM_FAULT_OOM;
		page = cow;
		anon = true;
		count_event(vm, fault_cow);
	}

	rmap_prepare(mm, 1);
	vm_lock(&mm->page_table_lock);
	ptep = pte_offset(mm, addr);
	if (atomic_load(&mapping->truncate_count) != sequence || !ptep ||
	    pte_read(ptep) != orig) {
		vm_unlock(&mm->page_table_lock);
		put_page(vm, page);
		count_event(vm, fault_retry);
		return VM_FAULT_AGAIN;
	}
	pte = vm_page_prot(vma->flags);
	if (!anon && !(vma->flags & VM_SHARED))
		pte &= ~_PAGE_RW; /* private: the first write copies */
	pte_write_entry(ptep, pfn_pte(page_to_pfn(vm, page), pte));
	if (anon) {
		page_add_anon_rmap(page, vma, addr, ptep);
		lru_cache_add_active(vm, page);
		atomic_fetch_add(&mm->rss_anon, 1);
	} else {
		page_add_file_rmap(vm, page, ptep);
		atomic_fetch_add(&mm->rss_file, 1);
	}
	count_event(vm, pte_set);
	finish_fault(mm, addr, ptep, write);
	vm_unlock(&mm->page_table_lock);
	if (major) {
		count_event(vm, fault_file_major);
		return VM_FAULT_MAJOR;
	}
	count_event(vm, fault_file_minor);
	return VM_FAULT_MINOR;
}

/*
 * do_file_page - fault in the file page a nonlinear position remembers.
 *
 * A file pte outside a nonlinear VMA is corrupt; 2.6.32 and later answer
 * SIGBUS for it (2.6.11 killed the task), and so does objvm.
 */
static enum fault_result do_file_page(struct mm *mm, struct vma *vma,
				      uint64_t addr, pte_t *ptep, pte_t pte,
				      bool write)
{
	if (!vma_is_nonlinear(vma) || !vma->file) {
		vm_unlock(&mm->page_table_lock);
		count_event(mm->vm, fault_sigbus);
		return VM_FAULT_SIGBUS;
	}
	return vma->vm_ops->nopage(mm, vma, addr, ptep, pte, pte_to_pgoff(pte),
				   write);
}

/*
 * do_swap_page - bring back the anonymous page a swap entry names.
 *
 * The page comes from the swap cache if a fork sibling or reclaim left it
 * there, so pages shared before swap-out come back shared; it is mapped
 * read-only unless this is a write and nobody else holds the page or its
 * slot, in which case it leaves the swap cache and is written in place
 * (2.6 can_share_swap_page).  A write to a shared one then copies, as any
 * COW does.
 *
 * Context: page_table_lock held on entry, dropped on return.
 */
static enum fault_result do_swap_page(struct mm *mm, struct vma *vma,
				      uint64_t addr, pte_t orig, bool write)
{
	struct objvm *vm = mm->vm;
	unsigned long slot = pte_to_swp_slot(orig);
	bool major = false, writable = false;
	struct page *page;
	pte_t *ptep, pte;

	vm_unlock(&mm->page_table_lock);
	if (!vm->swap || !vma->anon_vma) {
		/* Only anonymous memory is swapped: a corrupt pte. */
		count_event(vm, fault_sigbus);
		return VM_FAULT_SIGBUS;
	}
	page = read_swap_cache(vm, slot, &major);
	if (!page) {
		vm_lock(&mm->page_table_lock);
		ptep = pte_offset(mm, addr);
		pte = ptep ? pte_read(ptep) : 0;
		vm_unlock(&mm->page_table_lock);
		/* Someone else brought it back first, or no memory. */
		return pte != orig ? VM_FAULT_AGAIN : VM_FAULT_OOM;
	}
	mark_page_accessed(vm, page);
	lock_page(vm, page);
	rmap_prepare(mm, 1);
	vm_lock(&mm->page_table_lock);
	ptep = pte_offset(mm, addr);
	if (!ptep || pte_read(ptep) != orig) {
		vm_unlock(&mm->page_table_lock);
		unlock_page(vm, page);
		put_page(vm, page);
		return VM_FAULT_AGAIN;
	}
	swap_free(vm, slot); /* the pte's count: it maps the page now */
	if (write && remove_exclusive_swap_page(vm, page, 0, 1))
		writable = true;
	else if (vm_swap_full(vm))
		remove_exclusive_swap_page(vm, page, 0, 1);
	pte = vm_page_prot(vma->flags);
	if (!writable)
		pte &= ~_PAGE_RW;
	/* Our reference becomes the pte's. */
	pte_write_entry(ptep, pfn_pte(page_to_pfn(vm, page), pte));
	page_add_anon_rmap(page, vma, addr, ptep);
	atomic_fetch_add(&mm->rss_anon, 1);
	count_event(vm, pte_set);
	unlock_page(vm, page);
	if (write && !writable) {
		/* Shared with a sibling or the cache: copy on the retry. */
		vm_unlock(&mm->page_table_lock);
		return VM_FAULT_AGAIN;
	}
	finish_fault(mm, addr, ptep, write);
	vm_unlock(&mm->page_table_lock);
	if (major) {
		count_event(vm, fault_file_major);
		return VM_FAULT_MAJOR;
	}
	return VM_FAULT_MINOR;
}

/*
 * do_wp_page - a write to a present pte that is not writable.
 *
 * Shared VMAs and anonymous pages mapped only here become writable in
 * place; everything else (the zero page, a file page in a private VMA,
 * an anonymous page still shared with a fork) is copied.
 *
 * Context: page_table_lock held on entry, dropped on return.
 */
static enum fault_result do_wp_page(struct mm *mm, struct vma *vma,
				    uint64_t addr, pte_t *ptep, pte_t pte)
{
	struct objvm *vm = mm->vm;
	struct page *old = pfn_to_page(vm, pte_pfn(pte)), *page;

	/* Mapped only here but still in the swap cache: take it out, and it
	 * is ours to write (2.6 can_share_swap_page). */
	if (!(vma->flags & VM_SHARED) && !PageReserved(old) &&
	    page_is_anon(old) && page_test_flag(old, PG_swapcache) &&
	    page_mapcount(old) == 1 && trylock_page(vm, old)) {
		remove_exclusive_swap_page(vm, old, 1, 0);
		unlock_page(vm, old);
	}
	if ((vma->flags & VM_SHARED) ||
	    (!PageReserved(old) && page_is_anon(old) &&
	     page_mapcount(old) == 1 && page_count(old) == 1)) {
		pte_write_entry(ptep, pte | _PAGE_RW);
		finish_fault(mm, addr, ptep, true);
		vm_unlock(&mm->page_table_lock);
		count_event(vm, fault_wp);
		return VM_FAULT_MINOR;
	}
	get_page(old);
	vm_unlock(&mm->page_table_lock);
	page = cow_copy(mm, vma, old);
	if (!page) {
		put_page(vm, old);
		return VM_FAULT_OOM;
	}
	rmap_prepare(mm, 1);
	vm_lock(&mm->page_table_lock);
	ptep = pte_offset(mm, addr);
	if (!ptep || pte_read(ptep) != pte) {
		vm_unlock(&mm->page_table_lock);
		put_page(vm, page);
		put_page(vm, old);
		return VM_FAULT_AGAIN;
	}
	tlb_flush_page(vm, mm->tlb, addr);
	pte_write_entry(ptep, pfn_pte(page_to_pfn(vm, page),
				      vm_page_prot(vma->flags)));
	page_add_anon_rmap(page, vma, addr, ptep);
	lru_cache_add_active(vm, page);
	atomic_fetch_add(&mm->rss_anon, 1);
	if (!PageReserved(old)) {
		page_remove_rmap(vm, old, ptep);
		if (page_is_anon(old))
			atomic_fetch_sub(&mm->rss_anon, 1);
		else
			atomic_fetch_sub(&mm->rss_file, 1);
		put_page(vm, old); /* the old pte's reference */
	}
	count_event(vm, pte_set);
	finish_fault(mm, addr, ptep, true);
	/* Nothing else in this mm can hold the old translation now. */
	tlb_sync(mm->vm, mm->tlb);
	vm_unlock(&mm->page_table_lock);
	put_page(vm, old); /* ours */
	count_event(vm, fault_cow);
	return VM_FAULT_MINOR;
}

static enum fault_result handle_pte_fault(struct mm *mm, struct vma *vma,
					  uint64_t addr, bool write)
{
	pte_t *ptep, pte;

	vm_lock(&mm->page_table_lock);
	ptep = pte_alloc(mm, addr);
	if (!ptep) {
		/* No frame for a table: reclaim one (no lock held) and retry. */
		vm_unlock(&mm->page_table_lock);
		return try_to_free_pages(mm->vm, 4) ? VM_FAULT_AGAIN
						    : VM_FAULT_OOM;
	}
	pte = pte_read(ptep);
	if (pte_none(pte))
		return vma->vm_ops->nopage(mm, vma, addr, ptep, pte,
					   linear_page_index(vma, addr), write);
	if (pte_file(pte))
		return do_file_page(mm, vma, addr, ptep, pte, write);
	if (pte_swap(pte))
		return do_swap_page(mm, vma, addr, pte, write);
	if (write && !pte_write(pte))
		return do_wp_page(mm, vma, addr, ptep, pte);
	finish_fault(mm, addr, ptep, write);
	vm_unlock(&mm->page_table_lock);
	return VM_FAULT_MINOR;
}

const struct vm_operations anon_vm_ops = {
	.name = "anon",
	.nopage = do_anonymous_page,
};

/* A file mapping and a shared anonymous one (a shmem file) fault alike;
 * the difference is below, in the shmem store. */
const struct vm_operations file_vm_ops = {
	.name = "file",
	.nopage = do_no_page,
};

const struct vm_operations shmem_vm_ops = {
	.name = "shmem",
	.nopage = do_no_page,
};

const struct vm_operations *vm_ops_for(const struct file *file)
{
	if (!file)
		return &anon_vm_ops;
	if (file->inode->backing == BACKING_SHMEM)
		return &shmem_vm_ops;
	return &file_vm_ops;
}

enum fault_result handle_mm_fault(struct mm *mm, struct vma *vma, uint64_t addr,
				  bool write)
{
	enum fault_result ret;

	addr &= PAGE_MASK;
	do {
		ret = handle_pte_fault(mm, vma, addr, write);
	} while (ret == VM_FAULT_AGAIN);
	if (ret == VM_FAULT_OOM)
		count_event(mm->vm, fault_oom);
	return ret;
}

enum fault_result do_page_fault(struct mm *mm, uint64_t addr, bool write)
{
	struct vma *vma = mm_find_vma(mm, addr);
	unsigned long need = write ? VM_WRITE : VM_ACCESS_FLAGS;

	if (!vma || addr < vma->start || !(vma->flags & need)) {
		count_event(mm->vm, fault_sigsegv);
		return VM_FAULT_SIGSEGV;
	}
	return handle_mm_fault(mm, vma, addr, write);
}
