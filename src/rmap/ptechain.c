/*
 * rmap/ptechain.c - vm.rmap=ptechain: the 2.5 reverse map.  Every mapped
 * page records the ptes that map it: one pte is stored directly in
 * page->pte_chain (tagged PTE_DIRECT, 2.5's PG_direct), two or more in a
 * chain of 64-byte blocks of NRPTE pte pointers each.  Chain blocks are
 * carved from the machine's own frames, so they cost simulated memory as
 * pte_chains cost lowmem.  A pte pointer says where it is: its table's
 * struct page names the mm and the table's first address (ptep_to_where).
 *
 * Lock order: the page's chain lock (PG_chainlock, LOCK_CHAIN) is taken
 * under the page_table_lock of the pte being added or removed, so reclaim,
 * which holds the chain lock and then needs a page_table_lock, and the
 * mmap_lock to look at the VMA, must trylock both and answer SWAP_AGAIN
 * (2.5 try_to_unmap_one's spin_trylock).
 *
 * Allocation: pte_add runs under page_table_lock and must not fail or
 * reclaim, so callers first call prepare() with no lock held, which fills
 * the block pool far enough (2.5's pte_chain_alloc before the lock).
 *
 * Models: mm/rmap.c of 2.5.70-2.6.6: page_add_rmap(), page_remove_rmap(),
 * page_referenced(), try_to_unmap(), try_to_unmap_one(), pte_chain_alloc().
 */
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "pgtable/tlb.h"
#include "rmap/rmap.h"

#define PTE_DIRECT       1UL
#define NRPTE            ((64 - sizeof(void *)) / sizeof(pte_t *))
#define BLOCKS_PER_FRAME (PAGE_SIZE / sizeof(struct pte_chain))

struct pte_chain {
	struct pte_chain *next;
	pte_t *ptes[NRPTE]; /* NULL: a free slot */
};

_Static_assert(sizeof(struct pte_chain) == 64, "one cache line per block");

/* --- the chain lock ------------------------------------------------------- */

/* The page whose chain lock try_to_unmap holds while it unmaps one of the
 * chain's ptes, so that the removal does not take it again. */
static _Thread_local struct page *chain_held;

static void chain_lock(struct page *page)
{
	if (chain_held == page)
		return;
	lockdep_acquire(LOCK_CHAIN, &page->pte_chain, false);
	while (page_test_set_flag(page, PG_chainlock))
		sched_yield();
}

static void chain_unlock(struct page *page)
{
	if (chain_held == page)
		return;
	lockdep_release(LOCK_CHAIN, &page->pte_chain);
	page_clear_flag(page, PG_chainlock);
}

/* --- the block pool: frames cut into 64 blocks -----------------------------
 *
 * A pool frame is PG_slab; its ->lru is on slab->partial while it has a
 * free block, ->private counts the blocks in use and ->index is the
 * offset + 1 of its first free block (0: none); a free block's first word
 * is the next free offset + 1.
 */

static struct pte_chain *block_at(struct objvm *vm, struct page *frame,
				  unsigned long off)
{
	return (struct pte_chain *)((unsigned char *)page_address(vm, frame) +
				    off);
}

/* Context: slab lock held.  False when no frame could be had. */
static bool slab_grow(struct objvm *vm, struct page *frame)
{
	struct chain_slab *slab = &vm->chain_slab;
	unsigned long i;

	if (!frame)
		return false;
	page_set_flag(frame, PG_slab);
	for (i = 0; i < BLOCKS_PER_FRAME; i++) {
		unsigned long next = i + 1 < BLOCKS_PER_FRAME ? (i + 1) * 64 + 1
							      : 0;

		*(unsigned long *)block_at(vm, frame, i * 64) = next;
	}
	frame->index = 1;
	frame->private = 0;
	list_add(&frame->lru, &slab->partial);
	count_event(vm, page_alloc);
	slab->nr_frames++;
	slab->nr_free += BLOCKS_PER_FRAME;
	return true;
}

static struct pte_chain *block_alloc(struct objvm *vm)
{
	struct chain_slab *slab = &vm->chain_slab;
	struct pte_chain *pc = NULL;
	struct page *frame;
	unsigned long off;

	vm_lock(&slab->lock);
	if (list_empty(&slab->partial) &&
	    !slab_grow(vm, alloc_pages(vm, 0, false)))
		goto out;
	frame = list_entry(slab->partial.next, struct page, lru);
	off = frame->index - 1;
	pc = block_at(vm, frame, off);
	frame->index = *(unsigned long *)pc;
	frame->private ++;
	slab->nr_free--;
	if (!frame->index)
		list_del(&frame->lru);
	memset(pc, 0, sizeof(*pc));
out:
	vm_unlock(&slab->lock);
	return pc;
}

static void block_free(struct objvm *vm, struct pte_chain *pc)
{
	struct chain_slab *slab = &vm->chain_slab;
	unsigned long off = (unsigned long)((unsigned char *)pc - vm->mem);
	struct page *frame = pfn_to_page(vm, off >> PAGE_SHIFT);
	bool release = false;

	off &= ~PAGE_MASK;
	vm_lock(&slab->lock);
	if (!frame->index)
		list_add(&frame->lru, &slab->partial);
	*(unsigned long *)pc = frame->index;
	frame->index = off + 1;
	frame->private --;
	slab->nr_free++;
	/* Keep one frame's worth of free blocks; give the rest back. */
	if (frame->private == 0 && slab->nr_free > 2 * BLOCKS_PER_FRAME) {
		list_del(&frame->lru);
		slab->nr_frames--;
		slab->nr_free -= BLOCKS_PER_FRAME;
		page_clear_flag(frame, PG_slab);
		frame->index = 0;
		release = true;
	}
	vm_unlock(&slab->lock);
	if (release)
		put_page(vm, frame);
}

static void ptechain_prepare(struct mm *mm, unsigned long nr)
{
	struct objvm *vm = mm->vm;
	struct chain_slab *slab = &vm->chain_slab;

	for (;;) {
		struct page *frame;
		bool enough;

		vm_lock(&slab->lock);
		enough = slab->nr_free >= nr + 1;
		vm_unlock(&slab->lock);
		if (enough)
			return;
		/* No lock held: this may reclaim. */
		frame = alloc_user_page(vm, false);
		if (!frame)
			return; /* the adds will take what there is */
		vm_lock(&slab->lock);
		slab_grow(vm, frame);
		vm_unlock(&slab->lock);
	}
}

void ptechain_destroy(struct objvm *vm)
{
	struct chain_slab *slab = &vm->chain_slab;

	while (!list_empty(&slab->partial)) {
		struct page *frame =
			list_entry(slab->partial.next, struct page, lru);

		list_del(&frame->lru);
		page_clear_flag(frame, PG_slab);
		frame->index = 0;
		put_page(vm, frame);
	}
}

/* --- chains ---------------------------------------------------------------- */

static void ptechain_add(struct objvm *vm, struct page *page, pte_t *ptep)
{
	struct pte_chain *pc, *fresh;
	unsigned long head;
	unsigned int i;

	if (PageReserved(page))
		return;
	count_event(vm, chain_op);
	chain_lock(page);
	head = page->pte_chain;
	if (!head) {
		page->pte_chain = (unsigned long)ptep | PTE_DIRECT;
		chain_unlock(page);
		count_events(vm, STAT_rmap_bytes, sizeof(pte_t *));
		return;
	}
	if (head & PTE_DIRECT) {
		fresh = block_alloc(vm);
		VM_BUG_ON(!fresh); /* prepare() made sure */
		fresh->ptes[0] = (pte_t *)(head & ~PTE_DIRECT);
		fresh->ptes[1] = ptep;
		page->pte_chain = (unsigned long)fresh;
		chain_unlock(page);
		count_events(vm, STAT_rmap_bytes,
			     sizeof(struct pte_chain) - sizeof(pte_t *));
		return;
	}
	/* Free slots are in the head block only (2.5: at its front). */
	pc = (struct pte_chain *)head;
	for (i = 0; i < NRPTE; i++) {
		if (!pc->ptes[i]) {
			pc->ptes[i] = ptep;
			chain_unlock(page);
			return;
		}
	}
	fresh = block_alloc(vm);
	VM_BUG_ON(!fresh);
	fresh->ptes[0] = ptep;
	fresh->next = pc;
	page->pte_chain = (unsigned long)fresh;
	chain_unlock(page);
	count_events(vm, STAT_rmap_bytes, sizeof(struct pte_chain));
}

/*
 * Removes @ptep: a linear search, the cost 2.5 paid on every unmap.  The
 * hole is filled from the head block, so free slots stay at the head; an
 * empty head block is freed, and a lone pte left goes back to direct.
 */
static void ptechain_remove(struct objvm *vm, struct page *page, pte_t *ptep)
{
	struct pte_chain *head, *pc;
	unsigned int i, h, last = NRPTE;
	bool found = false;

	if (PageReserved(page))
		return;
	count_event(vm, chain_op);
	chain_lock(page);
	if (page->pte_chain & PTE_DIRECT) {
		VM_BUG_ON_PAGE((pte_t *)(page->pte_chain & ~PTE_DIRECT) != ptep,
			       page);
		page->pte_chain = 0;
		chain_unlock(page);
		count_events(vm, STAT_rmap_bytes, -sizeof(pte_t *));
		return;
	}
	head = (struct pte_chain *)page->pte_chain;
	VM_BUG_ON_PAGE(!head, page);
	i = 0;
	for (pc = head; pc; pc = pc->next) {
		for (i = 0; i < NRPTE; i++) {
			count_event(vm, rmap_step);
			if (pc->ptes[i] == ptep) {
				found = true;
				break;
			}
		}
		if (found)
			break;
	}
	VM_BUG_ON_PAGE(!found, page);
	if (!found) {
		chain_unlock(page);
		return;
	}
	/* Move the head's last used entry into the hole. */
	for (h = NRPTE; h-- > 0;)
		if (head->ptes[h]) {
			last = h;
			break;
		}
	pc->ptes[i] = head->ptes[last];
	head->ptes[last] = NULL;
	if (last == 0) {
		page->pte_chain = (unsigned long)head->next;
		block_free(vm, head);
		count_events(vm, STAT_rmap_bytes, -sizeof(struct pte_chain));
		head = (struct pte_chain *)page->pte_chain;
	}
	/* One block holding one pte: back to direct. */
	if (head && !head->next) {
		unsigned int n = 0, k = 0;

		for (i = 0; i < NRPTE; i++)
			if (head->ptes[i]) {
				n++;
				k = i;
			}
		if (n == 1) {
			page->pte_chain = (unsigned long)head->ptes[k] |
					  PTE_DIRECT;
			block_free(vm, head);
			count_events(vm, STAT_rmap_bytes,
				     sizeof(pte_t *) -
					     sizeof(struct pte_chain));
		}
	}
	chain_unlock(page);
}

static void ptechain_move(struct objvm *vm, struct page *page, pte_t *from,
			  pte_t *to)
{
	struct pte_chain *pc;
	unsigned int i;

	if (PageReserved(page))
		return;
	count_event(vm, chain_op);
	chain_lock(page);
	if (page->pte_chain & PTE_DIRECT) {
		VM_BUG_ON_PAGE((pte_t *)(page->pte_chain & ~PTE_DIRECT) != from,
			       page);
		page->pte_chain = (unsigned long)to | PTE_DIRECT;
		chain_unlock(page);
		return;
	}
	for (pc = (struct pte_chain *)page->pte_chain; pc; pc = pc->next)
		for (i = 0; i < NRPTE; i++) {
			count_event(vm, rmap_step);
			if (pc->ptes[i] == from) {
				pc->ptes[i] = to;
				chain_unlock(page);
				return;
			}
		}
	VM_BUG_ON_PAGE(1, page);
	chain_unlock(page);
}

/* Calls @fn for every pte of @page's chain until it returns true.
 * Context: the chain lock held. */
static void chain_for_each(struct objvm *vm, struct page *page,
			   bool (*fn)(struct objvm *vm, struct page *page,
				      pte_t *ptep, void *arg),
			   void *arg)
{
	struct pte_chain *pc, *next;
	unsigned int i;

	if (page->pte_chain & PTE_DIRECT) {
		count_event(vm, rmap_step);
		fn(vm, page, (pte_t *)(page->pte_chain & ~PTE_DIRECT), arg);
		return;
	}
	for (pc = (struct pte_chain *)page->pte_chain; pc; pc = next) {
		next = pc->next;
		for (i = 0; i < NRPTE; i++) {
			if (!pc->ptes[i])
				continue;
			count_event(vm, rmap_step);
			if (fn(vm, page, pc->ptes[i], arg))
				return;
		}
	}
}

struct chain_walk {
	int referenced;
	int ret;
	/* the pte chosen to unmap, with its mm's locks held */
	pte_t *target;
	struct vma *vma;
	uint64_t addr;
};

static bool chain_referenced(struct objvm *vm, struct page *page, pte_t *ptep,
			     void *arg)
{
	struct chain_walk *w = arg;
	struct mm *mm;
	uint64_t addr;

	ptep_to_where(vm, ptep, &mm, &addr);
	if (!vm_trylock(&mm->page_table_lock)) {
		w->referenced++; /* busy: count it as used, as 2.5 did */
		return false;
	}
	w->referenced += referenced_one_pte(page, mm, addr, ptep);
	vm_unlock(&mm->page_table_lock);
	return false;
}

static int ptechain_page_referenced(struct objvm *vm, struct page *page)
{
	struct chain_walk w = {0};

	if (PageReserved(page))
		return 0;
	chain_lock(page);
	chain_for_each(vm, page, chain_referenced, &w);
	chain_unlock(page);
	return w.referenced;
}

/*
 * Picks the first pte of the chain that may go, returning with its
 * page_table_lock and mmap_lock (for the VMA's flags) held; both are only
 * tried, since the chain lock ranks below them.  A locked VMA or a young
 * pte (whose bit is cleared) ends the walk with SWAP_FAIL, as 2.5's
 * try_to_unmap_one did.
 */
static bool chain_pick(struct objvm *vm, struct page *page, pte_t *ptep,
		       void *arg)
{
	struct chain_walk *w = arg;
	struct vma *vma;
	struct mm *mm;
	uint64_t addr;
	pte_t pte;

	ptep_to_where(vm, ptep, &mm, &addr);
	if (!vm_trylock(&mm->page_table_lock)) {
		w->ret = SWAP_AGAIN;
		return false;
	}
	if (!vm_read_trylock(&mm->mmap_lock)) {
		vm_unlock(&mm->page_table_lock);
		w->ret = SWAP_AGAIN;
		return false;
	}
	vma = mm_find_vma(mm, addr);
	pte = pte_read(ptep);
	VM_BUG_ON_PAGE(!vma || vma->start > addr || !pte_present(pte) ||
			       pte_pfn(pte) != page_to_pfn(vm, page),
		       page);
	if (__atomic_load_n(&vma->flags, __ATOMIC_RELAXED) & VM_LOCKED) {
		w->ret = SWAP_FAIL;
	} else if (pte_young(pte)) {
		pte_write_entry(ptep, pte & ~_PAGE_ACCESSED);
		tlb_flush_page(vm, mm->tlb, addr);
		w->ret = SWAP_FAIL;
	} else {
		w->target = ptep;
		w->vma = vma;
		w->addr = addr;
		return true; /* locks kept for the caller */
	}
	vm_rw_unlock(&mm->mmap_lock);
	vm_unlock(&mm->page_table_lock);
	return true;
}

/* One pte at a time, the walk starting over after each (the chain
 * changes under the removal): quadratic in the sharing, as 2.5 was. */
static int ptechain_try_to_unmap(struct objvm *vm, struct page *page)
{
	int ret = SWAP_SUCCESS;

	chain_lock(page);
	while (page->pte_chain) {
		struct chain_walk w = {.ret = SWAP_SUCCESS};
		struct mm *mm;

		chain_for_each(vm, page, chain_pick, &w);
		if (w.ret != SWAP_SUCCESS)
			ret = w.ret;
		if (!w.target)
			break;
		mm = w.vma->mm;
		chain_held = page;
		unmap_one_pte(page, w.vma, w.addr, w.target);
		chain_held = NULL;
		vm_rw_unlock(&mm->mmap_lock);
		vm_unlock(&mm->page_table_lock);
		if (ret == SWAP_FAIL)
			break;
	}
	chain_unlock(page);
	if (!page_is_mapped(page))
		return SWAP_SUCCESS;
	return ret == SWAP_SUCCESS ? SWAP_AGAIN : ret;
}

/* --- checking ---------------------------------------------------------------- */

bool ptechain_has(struct objvm *vm, struct page *page, pte_t *ptep)
{
	struct pte_chain *pc;
	unsigned int i;

	if (page->pte_chain & PTE_DIRECT)
		return (pte_t *)(page->pte_chain & ~PTE_DIRECT) == ptep;
	for (pc = (struct pte_chain *)page->pte_chain; pc; pc = pc->next)
		for (i = 0; i < NRPTE; i++)
			if (pc->ptes[i] == ptep)
				return true;
	return false;
}

bool ptechain_check_page(struct objvm *vm, struct page *page,
			 unsigned long ptes, char *msg, size_t len)
{
	unsigned long n = 0;
	struct pte_chain *pc;
	unsigned int i;

	if (page->pte_chain & PTE_DIRECT) {
		n = 1;
	} else {
		for (pc = (struct pte_chain *)page->pte_chain; pc;
		     pc = pc->next)
			for (i = 0; i < NRPTE; i++)
				if (pc->ptes[i])
					n++;
	}
	if (n != ptes) {
		snprintf(msg, len,
			 "R1 frame %lu: pte chain holds %lu ptes but %lu map "
			 "it",
			 page_to_pfn(vm, page), n, ptes);
		return false;
	}
	return true;
}

const struct rmap_policy rmap_ptechain = {
	.name = "ptechain",
	/* A file's linear VMAs on 2.5's plain i_mmap list (truncate walks
	 * it); pages never look at it. */
	.vma_insert = objrmap_list_insert,
	.vma_remove = objrmap_list_remove,
	.vma_walk = objrmap_list_walk,
	.vma_count = objrmap_list_count,
	.vma_linked = objrmap_list_linked,
	.vma_index_ok = objrmap_list_index_ok,
	.vma_bytes = sizeof(struct list_head),
	.pte_add = ptechain_add,
	.pte_remove = ptechain_remove,
	.pte_move = ptechain_move,
	.prepare = ptechain_prepare,
	.page_referenced = ptechain_page_referenced,
	.try_to_unmap = ptechain_try_to_unmap,
};
