/*
 * rmap/rmap.h - reverse mapping: from a page to the ptes that map it,
 * behind one seam with three schemes (vm.rmap).
 *
 *   objrmap       (default) a file's linear VMAs sit in an interval tree
 *                 keyed by file page range; a page's mappings are found by
 *                 a stabbing query.  Nothing is kept per pte.
 *   objrmap-list  the 2003 objrmap: the linear VMAs of a file on one
 *                 unordered list, walked whole for every page.
 *   ptechain      the 2.5 rmap: every mapped page carries a chain of the
 *                 ptes that map it (one pte stored directly, "PG_direct"),
 *                 kept on every map, unmap, COW, fork, mremap and exit.
 *
 * Anonymous pages point at their VMA's anon_vma under every scheme
 * (page->mapping = anon_vma | PAGE_MAPPING_ANON, page->index = the
 * linear index), so merging and mremap behave alike; the object-based
 * schemes find an anonymous page's ptes through the anon_vma's VMA list,
 * ptechain through the page's chain.  Nonlinear VMAs sit on the mapping's
 * i_mmap_nonlinear list under every scheme; the object-based schemes reach
 * their pages by the bounded cluster scan (try_to_unmap_cluster), ptechain
 * through the chain.
 *
 * The schemes differ only in cost, never in what a program sees: the
 * counters rmap_step, rmap_bytes and chain_op say what each one paid.
 *
 * Models: mm/rmap.c (2.6.11 for the object-based schemes, 2.5.70 for
 * pte chains), include/linux/rmap.h.
 */
#ifndef OBJVM_RMAP_H
#define OBJVM_RMAP_H

#include "machine.h"
#include "mm_types.h"
#include "page/page.h"

struct address_space;

/* try_to_unmap() results, as 2.6. */
enum {
	SWAP_SUCCESS, /* no pte maps the page any more */
	SWAP_AGAIN,   /* some ptes are left; try again later */
	SWAP_FAIL,    /* cannot unmap now: locked VMA, or young ptes */
};

/*
 * struct rmap_policy - one reverse-mapping scheme.
 *
 * VMA side (Context: the mapping's i_mmap_lock held): where a linear file
 * VMA is kept.  vma_walk calls @fn for every linear VMA that may map a
 * page of [first, last] until @fn returns true; each VMA it looks at is
 * one rmap_step.
 *
 * Page side (Context: the page_table_lock of @ptep's mm held): pte_add,
 * pte_remove and pte_move record a pte that maps @page, forget one, or
 * move one (mremap).  NULL where the scheme keeps nothing per pte.
 * prepare makes sure @nr pte_adds for @mm cannot fail for want of memory
 * (2.5's pte_chain_alloc before taking locks); called with no lock held.
 *
 * Reclaim (Context: @page locked, no other lock held): page_referenced
 * counts and clears the young bits of the ptes that map @page;
 * try_to_unmap removes them (anonymous pages must be in the swap cache).
 */
struct rmap_policy {
	const char *name;

	void (*vma_insert)(struct address_space *mapping, struct vma *vma);
	void (*vma_remove)(struct address_space *mapping, struct vma *vma);
	void (*vma_walk)(struct address_space *mapping, pgoff_t first,
			 pgoff_t last, bool (*fn)(struct vma *vma, void *arg),
			 void *arg);
	/* For the checker: the linear VMAs held, and whether @vma is one. */
	unsigned long (*vma_count)(struct address_space *mapping);
	bool (*vma_linked)(struct address_space *mapping, struct vma *vma);
	bool (*vma_index_ok)(struct address_space *mapping);
	/* Metadata bytes per linear VMA (for rmap_bytes). */
	size_t vma_bytes;

	void (*pte_add)(struct objvm *vm, struct page *page, pte_t *ptep);
	void (*pte_remove)(struct objvm *vm, struct page *page, pte_t *ptep);
	void (*pte_move)(struct objvm *vm, struct page *page, pte_t *from,
			 pte_t *to);
	void (*prepare)(struct mm *mm, unsigned long nr);

	int (*page_referenced)(struct objvm *vm, struct page *page);
	int (*try_to_unmap)(struct objvm *vm, struct page *page);
};

extern const struct rmap_policy rmap_objrmap, rmap_objrmap_list, rmap_ptechain;

/* The policy for enum rmap_scheme @scheme. */
const struct rmap_policy *rmap_policy_of(int scheme);

static inline const struct rmap_policy *vm_rmap(const struct objvm *vm)
{
	return vm->rmap;
}

/* --- the page side: every pte that maps or stops mapping a page ---------- */

static inline void rmap_pte_add(struct objvm *vm, struct page *page,
				pte_t *ptep)
{
	if (vm->rmap->pte_add)
		vm->rmap->pte_add(vm, page, ptep);
}

static inline void page_add_file_rmap(struct objvm *vm, struct page *page,
				      pte_t *ptep)
{
	if (atomic_fetch_add(&page->_mapcount, 1) == -1)
		atomic_fetch_add(&vm->nr_mapped, 1);
	rmap_pte_add(vm, page, ptep);
}

/* fork's copy of a pte: the same as a new file mapping. */
static inline void page_dup_rmap(struct objvm *vm, struct page *page,
				 pte_t *ptep)
{
	page_add_file_rmap(vm, page, ptep);
}

/* A new anonymous page: tag it with the VMA's anon_vma and its index. */
static inline void page_add_anon_rmap(struct page *page, struct vma *vma,
				      uint64_t addr, pte_t *ptep)
{
	struct objvm *vm = vma->mm->vm;

	VM_BUG_ON(!vma->anon_vma);
	/* The first mapping names the anon_vma (a page swapped back in and
	 * shared after fork keeps the one it has: the same family's). */
	if (atomic_fetch_add(&page->_mapcount, 1) == -1) {
		page->mapping = (void *)((unsigned long)vma->anon_vma |
					 PAGE_MAPPING_ANON);
		page->index = linear_page_index(vma, addr);
		atomic_fetch_add(&vm->nr_mapped, 1);
	}
	rmap_pte_add(vm, page, ptep);
}

static inline void page_remove_rmap(struct objvm *vm, struct page *page,
				    pte_t *ptep)
{
	int old;

	if (vm->rmap->pte_remove)
		vm->rmap->pte_remove(vm, page, ptep);
	old = atomic_fetch_sub(&page->_mapcount, 1);
	VM_BUG_ON_PAGE(old < 0, page);
	if (old == 0)
		atomic_fetch_sub(&vm->nr_mapped, 1);
}

/* mremap moved the pte that maps @page from @from to @to. */
static inline void page_move_rmap(struct objvm *vm, struct page *page,
				  pte_t *from, pte_t *to)
{
	if (vm->rmap->pte_move)
		vm->rmap->pte_move(vm, page, from, to);
}

static inline void rmap_prepare(struct mm *mm, unsigned long nr)
{
	if (mm->vm->rmap->prepare)
		mm->vm->rmap->prepare(mm, nr);
}

/* --- anon_vma (rmap/anon.c) ------------------------------------------------
 * Context: mmap_lock held (for reading, at least).
 */
int anon_vma_prepare(struct vma *vma);
void anon_vma_link(struct vma *vma); /* vma->anon_vma already set */
void anon_vma_unlink(struct vma *vma);

/* --- the VMA side -------------------------------------------------------- */

/* Context: the mapping's i_mmap_lock held. */
void rmap_vma_insert(struct address_space *mapping, struct vma *vma);
void rmap_vma_remove(struct address_space *mapping, struct vma *vma);

/* --- reclaim ------------------------------------------------------------- */

/* Context: @page locked.  The number of young ptes found (and cleared),
 * plus one for PG_referenced; a shared locked VMA counts as referenced. */
int page_referenced(struct objvm *vm, struct page *page);
/* Context: @page locked. */
int try_to_unmap(struct objvm *vm, struct page *page);

/*
 * unmap_one_pte - take the pte at @ptep (which maps @page at @addr in
 * @vma) away, as try_to_unmap_one() does: SWAP_FAIL for a locked VMA or
 * a young pte (whose young bit it clears: a second chance); otherwise the
 * pte becomes none (a linear file page), a file pte (a nonlinear
 * position) or a swap entry (an anonymous page, which must be in the swap
 * cache), its dirty bit moves to the page, and the pte's reference goes.
 * Context: the page_table_lock of @vma's mm held.
 */
int unmap_one_pte(struct page *page, struct vma *vma, uint64_t addr,
		  pte_t *ptep);

/* Clears and counts the young bit of the pte at @ptep if it maps @page.
 * Context: that mm's page_table_lock held. */
int referenced_one_pte(struct page *page, struct mm *mm, uint64_t addr,
		       pte_t *ptep);

/* Where @page would be in @vma, or -1 when outside it (2.6 vma_address). */
static inline uint64_t vma_address(const struct page *page,
				   const struct vma *vma)
{
	uint64_t addr;

	if (page->index < vma->pgoff)
		return (uint64_t)-1;
	addr = vma->start + ((page->index - vma->pgoff) << PAGE_SHIFT);
	if (addr >= vma->end)
		return (uint64_t)-1;
	return addr;
}

/* objrmap-list's VMA side, which ptechain shares (2.5's i_mmap list). */
void objrmap_list_insert(struct address_space *mapping, struct vma *vma);
void objrmap_list_remove(struct address_space *mapping, struct vma *vma);
void objrmap_list_walk(struct address_space *mapping, pgoff_t first,
		       pgoff_t last, bool (*fn)(struct vma *vma, void *arg),
		       void *arg);
unsigned long objrmap_list_count(struct address_space *mapping);
bool objrmap_list_linked(struct address_space *mapping, struct vma *vma);
bool objrmap_list_index_ok(struct address_space *mapping);

/* The object-based page_referenced/try_to_unmap (objrmap, objrmap-list). */
int page_referenced_obj(struct objvm *vm, struct page *page);
int try_to_unmap_obj(struct objvm *vm, struct page *page);

/* A pte table's struct page names its mm and the address it starts at
 * (set by pte_alloc), so a pte pointer tells where it is (2.5's
 * ptep_to_mm / ptep_to_address). */
void ptep_to_where(struct objvm *vm, pte_t *ptep, struct mm **mm,
		   uint64_t *addr);

/* ptechain's checker: every present pte is on its page's chain and the
 * chain holds nothing else.  Context: the machine quiescent. */
bool ptechain_check_page(struct objvm *vm, struct page *page,
			 unsigned long ptes, char *msg, size_t len);
bool ptechain_has(struct objvm *vm, struct page *page, pte_t *ptep);
void ptechain_destroy(struct objvm *vm);

#endif /* OBJVM_RMAP_H */
