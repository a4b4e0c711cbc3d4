/*
 * debug/check.c - the invariant checker: every rule of ARCHITECTURE.md §6
 * that applies to what objvm has, over the whole machine.
 *
 * It rebuilds from the page tables what the pages' counts must be, then
 * compares: each present pte is counted against its frame, each file VMA
 * looked up in its mapping's i_mmap, each TLB entry compared with its pte.
 * A failure names the rule (the numbers used in the headers: P* in
 * page/page.h, M* in vma/vma.h, A* in fs/fs.h, and I3..I7 for §6 rules
 * 3, 4, 5 and 7) and the object.  C1 is its own:
 *
 *  C1  Every pair of counters that counts objects made and unmade
 *      balances against what exists: page_alloc - page_free is the
 *      number of frames in use, pgtable_alloc - pgtable_free the number
 *      of page-table frames, pagecache_add - pagecache_remove the number
 *      of pages in page caches.
 *
 * Context: the world is stopped (api.c: vm->call_lock held for writing,
 * so no call runs in another thread, and kswapd holds it for reading
 * while it works); the checker reads without locks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "pgtable/tlb.h"
#include "fault/fault.h"
#include "fs/fs.h"
#include "pgtable/pgtable.h"
#include "reclaim/reclaim.h"
#include "rmap/rmap.h"
#include "swap/swap.h"
#include "task/task.h"
#include "vma/vma.h"

struct checker {
	struct objvm *vm;
	int *ptes;               /* per frame: present ptes that map it */
	unsigned int *swap_ptes; /* per swap slot: swap ptes naming it */
	char *buf;
	size_t len;
	bool failed;
	/* The linear file VMAs seen, to compare with the i_mmap trees. */
	struct address_space **linear;
	size_t nr_linear, cap_linear;
};

static bool fail(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return false;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(c->buf, c->len, fmt, ap);
	va_end(ap);
	return false;
}

struct pte_check {
	struct checker *c;
	struct task *t;
	struct vma *vma;
};

static const char *vma_name(const struct vma *vma)
{
	return vma->file && vma->file->inode->path ? vma->file->inode->path
						   : "[anon]";
}

/* I3, I4: what a pte may hold in its VMA. */
static void check_one_pte(struct mm *mm, uint64_t addr, pte_t *ptep, void *arg)
{
	struct pte_check *pc = arg;
	struct checker *c = pc->c;
	struct vma *vma = find_vma(mm, addr);
	pte_t pte = pte_read(ptep);
	struct page *page;
	unsigned long pfn;

	if (!vma || vma->start > addr) {
		fail(c, "I4 task %d: pte %#llx at 0x%llx outside any VMA",
		     pc->t->pid, (unsigned long long)pte,
		     (unsigned long long)addr);
		return;
	}
	if (!pte_present(pte)) {
		if (pte_file(pte) && !vma_is_nonlinear(vma))
			fail(c,
			     "I4 task %d: file pte at 0x%llx in linear VMA "
			     "%s",
			     pc->t->pid, (unsigned long long)addr,
			     vma_name(vma));
		else if (pte_swap(pte) &&
			 (!c->swap_ptes || !vma->anon_vma ||
			  pte_to_swp_slot(pte) >= c->vm->swap->nr_slots))
			fail(c, "I4 task %d: swap pte at 0x%llx %s", pc->t->pid,
			     (unsigned long long)addr,
			     !c->swap_ptes    ? "without swap"
			     : !vma->anon_vma ? "outside anonymous memory"
					      : "past the swap area");
		else if (pte_swap(pte))
			c->swap_ptes[pte_to_swp_slot(pte)]++;
		return;
	}
	pfn = pte_pfn(pte);
	if (pfn >= c->vm->nr_frames) {
		fail(c, "I3 task %d: pte at 0x%llx maps frame %lu of %lu",
		     pc->t->pid, (unsigned long long)addr, pfn,
		     c->vm->nr_frames);
		return;
	}
	page = pfn_to_page(c->vm, pfn);
	if (PageReserved(page))
		return;
	c->ptes[pfn]++;
	if (c->vm->rmap == &rmap_ptechain && !ptechain_has(c->vm, page, ptep))
		fail(c,
		     "R1 task %d: pte at 0x%llx maps frame %lu but is not on "
		     "its pte chain",
		     pc->t->pid, (unsigned long long)addr, pfn);
	if (page_count(page) <= 0)
		fail(c, "P1 task %d: pte at 0x%llx maps free frame %lu",
		     pc->t->pid, (unsigned long long)addr, pfn);
	else if (vma->file && !vma_is_nonlinear(vma) && !page_is_anon(page) &&
		 (page_file_mapping(page) != &vma->file->inode->mapping ||
		  page->index != linear_page_index(vma, addr)))
		fail(c,
		     "I3 task %d: pte at 0x%llx in %s maps page index %llu,"
		     " not the file page %llu",
		     pc->t->pid, (unsigned long long)addr, vma_name(vma),
		     (unsigned long long)page->index,
		     (unsigned long long)linear_page_index(vma, addr));
	else if (!vma->file && !page_is_anon(page))
		fail(c,
		     "I3 task %d: anonymous VMA maps non-anonymous frame "
		     "%lu at 0x%llx",
		     pc->t->pid, pfn, (unsigned long long)addr);
}

/*
 * M2: two neighbours without anonymous pages that a flags change would
 * merge must have been merged.  Linux only merges when a VMA changes, so
 * pairs with an anon_vma may stay apart (one took a neighbour's anon_vma
 * at a later fault), and so may pairs fork copied as they were and the
 * halves of a split that a failing mprotect or munmap kept (kept_apart).
 */
static bool vma_left_apart(const struct vma *prev, const struct vma *vma)
{
	return !prev->anon_vma && !vma->anon_vma && !prev->kept_apart &&
	       !vma->kept_apart && vma_can_merge(prev, vma);
}

/* M5 (the maxima): the largest rb_gap below @vma, checked on the way. */
static uint64_t check_subtree_gap(struct checker *c, struct task *t,
				  const struct vma *vma)
{
	uint64_t max, l, r;

	if (!vma)
		return 0;
	l = check_subtree_gap(c, t, RB_LEFT(vma, rb));
	r = check_subtree_gap(c, t, RB_RIGHT(vma, rb));
	max = MAX(vma->rb_gap, MAX(l, r));
	if (vma->rb_subtree_gap != max)
		fail(c,
		     "M5 task %d: VMA 0x%llx has subtree gap %#llx, its "
		     "subtree's largest is %#llx",
		     t->pid, (unsigned long long)vma->start,
		     (unsigned long long)vma->rb_subtree_gap,
		     (unsigned long long)max);
	return max;
}

/* M1, M2, M4, M5 for one mm, and the file VMAs for M3. */
static void check_vmas(struct checker *c, struct task *t)
{
	struct mm *mm = t->mm;
	struct vma *vma, *prev = NULL;
	unsigned long total = 0, locked = 0;
	int n = 0;

	vma_for_each(vma, mm) {
		n++;
		total += vma_pages(vma);
		if (vma->flags & VM_LOCKED)
			locked += vma_pages(vma);
		if ((vma->start | vma->end) & ~PAGE_MASK ||
		    vma->start >= vma->end || vma->end > TASK_SIZE)
			fail(c, "M1 task %d: VMA 0x%llx-0x%llx malformed",
			     t->pid, (unsigned long long)vma->start,
			     (unsigned long long)vma->end);
		if (prev && prev->end > vma->start)
			fail(c, "M1 task %d: VMAs overlap at 0x%llx", t->pid,
			     (unsigned long long)vma->start);
		if (prev && vma_left_apart(prev, vma))
			fail(c,
			     "M2 task %d: VMAs at 0x%llx and 0x%llx should "
			     "be merged",
			     t->pid, (unsigned long long)prev->start,
			     (unsigned long long)vma->start);
		if (vma->mm != mm)
			fail(c, "M1 task %d: VMA 0x%llx has a foreign mm",
			     t->pid, (unsigned long long)vma->start);
		if (vma->vm_ops != vm_ops_for(vma->file))
			fail(c, "M1 task %d: VMA 0x%llx has the %s operations",
			     t->pid, (unsigned long long)vma->start,
			     vma->vm_ops ? vma->vm_ops->name : "no");
		if (vma->rb_gap != vma->start - (prev ? prev->end : 0))
			fail(c,
			     "M5 task %d: VMA 0x%llx has gap %#llx below it, "
			     "rb_gap says %#llx",
			     t->pid, (unsigned long long)vma->start,
			     (unsigned long long)(vma->start -
						  (prev ? prev->end : 0)),
			     (unsigned long long)vma->rb_gap);
		prev = vma;
	}
	check_subtree_gap(c, t, RB_ROOT(&mm->vmas));
	/* The limit binds new VMAs only: it may have been lowered since. */
	if (n != mm->map_count)
		fail(c, "M1 task %d: %d VMAs, map_count %d", t->pid, n,
		     mm->map_count);
	if (total != mm->total_vm || locked != mm->locked_vm)
		fail(c,
		     "M1 task %d: VMAs span %lu pages (%lu locked), mm "
		     "counts %lu (%lu)",
		     t->pid, total, locked, mm->total_vm, mm->locked_vm);
}

static bool vma_in_i_mmap(struct objvm *vm, struct vma *vma)
{
	struct address_space *mapping = &vma->file->inode->mapping;
	struct list_head *pos;

	if (vma_is_nonlinear(vma)) {
		list_for_each(pos, &mapping->i_mmap_nonlinear)
			if (pos == &vma->shared.nonlinear)
				return true;
		return false;
	}
	return vm->rmap->vma_linked(mapping, vma);
}

static void note_linear(struct checker *c, struct address_space *mapping)
{
	if (c->nr_linear == c->cap_linear) {
		c->cap_linear = c->cap_linear ? 2 * c->cap_linear : 64;
		c->linear =
			realloc(c->linear, c->cap_linear * sizeof(*c->linear));
		if (!c->linear) {
			fprintf(stderr, "objvm: check: out of host memory\n");
			abort();
		}
	}
	c->linear[c->nr_linear++] = mapping;
}

/* M3, M4 and the anon_vma lists. */
static void check_links(struct checker *c, struct task *t)
{
	struct vma *vma;
	struct list_head *pos;
	bool found;

	vma_for_each(vma, t->mm) {
		if (vma->file && !vma_in_i_mmap(c->vm, vma))
			fail(c,
			     "M3 task %d: VMA 0x%llx of %s is not in its "
			     "i_mmap",
			     t->pid, (unsigned long long)vma->start,
			     vma_name(vma));
		if (vma->file && !vma_is_nonlinear(vma))
			note_linear(c, &vma->file->inode->mapping);
		if (!vma->anon_vma)
			continue;
		found = false;
		list_for_each(pos, &vma->anon_vma->head)
			found |= pos == &vma->anon_vma_node;
		if (!found)
			fail(c, "M4 task %d: VMA 0x%llx is not on its anon_vma",
			     t->pid, (unsigned long long)vma->start);
	}
}

/* I7: every valid TLB entry agrees with its pte. */
static void check_tlb(struct checker *c, struct task *t)
{
	struct mm *mm = t->mm;
	unsigned int i;

	for (i = 0; i < TLB_ENTRIES; i++) {
		uint64_t tag = atomic_load(&t->tlb.e[i].tag);
		uint64_t addr = (tag >> 2) << PAGE_SHIFT;
		unsigned char *frame = atomic_load(&t->tlb.e[i].frame);
		pte_t *ptep, pte = 0;

		if (!(tag & TLB_VALID))
			continue;
		ptep = pte_offset(mm, addr);
		if (ptep)
			pte = pte_read(ptep);
		if (!pte_present(pte) ||
		    frame != c->vm->mem + (pte & PTE_PFN_MASK) ||
		    ((tag & TLB_WRITE) && !(pte_write(pte) && pte_dirty(pte))))
			fail(c,
			     "I7 task %d: TLB entry for 0x%llx is stale (pte "
			     "%#llx)",
			     t->pid, (unsigned long long)addr,
			     (unsigned long long)pte);
	}
}

static void check_task(struct checker *c, struct task *t)
{
	struct pte_check pc = {.c = c, .t = t};

	if (!atomic_load(&t->alive) || !t->mm)
		return;
	check_vmas(c, t);
	check_links(c, t);
	walk_pte_range(t->mm, 0, TASK_SIZE + PAGE_SIZE, check_one_pte, &pc);
	check_tlb(c, t);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* A3 (tree side) and A4 for every mapping some VMA maps linearly. */
static void check_mappings(struct checker *c)
{
	size_t i, j;

	if (c->nr_linear)
		qsort(c->linear, c->nr_linear, sizeof(*c->linear), cmp_ptr);
	for (i = 0; i < c->nr_linear; i = j) {
		struct address_space *m = c->linear[i];

		for (j = i; j < c->nr_linear && c->linear[j] == m; j++)
			;
		if (c->vm->rmap->vma_count(m) != j - i ||
		    !c->vm->rmap->vma_index_ok(m))
			fail(c,
			     "A3 mapping %s: i_mmap holds %lu VMAs, %zu map "
			     "it linearly",
			     m->host->path ? m->host->path : "[shmem]",
			     c->vm->rmap->vma_count(m), j - i);
	}
}

static void check_inode(struct checker *c, struct inode *inode)
{
	struct address_space *m = &inode->mapping;
	pgoff_t eof = ((uint64_t)i_size_read(inode) + PAGE_SIZE - 1) >>
		      PAGE_SHIFT;
	void *page;
	uint64_t index;

	if (c->failed || atomic_load(&inode->i_state))
		return; /* being freed by a last iput() */
	if (!check_mapping(m, c->buf, c->len)) {
		c->failed = true;
		return;
	}
	if (radix_tree_gang_lookup(&m->page_tree, &page, &index, eof, 1))
		fail(c, "I5 mapping %s: page %llu cached past EOF (%llu pages)",
		     inode->path ? inode->path : "[shmem]",
		     (unsigned long long)index, (unsigned long long)eof);
	if (c->vm->rmap->vma_count(m) == 0 && !c->vm->rmap->vma_index_ok(m))
		fail(c, "A3 mapping %s: i_mmap index malformed",
		     inode->path ? inode->path : "[shmem]");
}

/* C1: a counter pair against the number of objects that exist. */
static void check_pair(struct checker *c, enum vm_stat_item made,
		       enum vm_stat_item unmade, const char *what,
		       unsigned long exist)
{
	uint64_t m = vm_stat_sum(c->vm, made), u = vm_stat_sum(c->vm, unmade);

	if (m - u != exist)
		fail(c, "C1 counters: %s %llu - %llu = %lld, but %lu exist",
		     what, (unsigned long long)m, (unsigned long long)u,
		     (long long)(m - u), exist);
}

/* P1, P2, P5, P6, R1: counts against what the page tables, the caches,
 * the LRU lists and the pte chains hold; and C1. */
static void check_pages(struct checker *c)
{
	struct objvm *vm = c->vm;
	unsigned long pfn, on_lru = 0, tables = 0, cache = 0, lo, hi;

	/* Frames never handed out: free, their struct pages unwritten. */
	zone_untouched(vm, &lo, &hi);
	for (pfn = 0; pfn < vm->nr_frames && !c->failed; pfn++) {
		struct page *page;
		int refs, maps, cached;
		char msg[160];

		if (pfn == lo && hi > lo)
			pfn = hi;
		if (pfn >= vm->nr_frames)
			break;
		page = pfn_to_page(vm, pfn);
		refs = page_count(page);
		maps = page_mapcount(page);
		cached = page_file_mapping(page) != NULL ||
			 page_test_flag(page, PG_swapcache);

		if (PageLRU(page))
			on_lru++;
		if (PageReserved(page) || refs == 0) {
			if (PageLRU(page) && !PageReserved(page))
				fail(c, "P5 frame %lu: free but on an LRU list",
				     pfn);
			continue;
		}
		if (page_test_flag(page, PG_pgtable) ||
		    page_test_flag(page, PG_slab)) {
			tables += page_test_flag(page, PG_pgtable);
			if (refs != 1 || maps || PageLRU(page))
				fail(c,
				     "P2 %s frame %lu: refcount %d "
				     "mapcount %d%s",
				     page_test_flag(page, PG_slab) ? "pte-chain"
								   : "page-"
								     "table",
				     pfn, refs, maps,
				     PageLRU(page) ? " on an LRU list" : "");
			continue;
		}
		/* (A pte table's ->mapping names its mm, not a file.) */
		cache += page_file_mapping(page) != NULL;
		if (maps != c->ptes[pfn])
			fail(c, "P6 frame %lu: mapcount %d but %d ptes map it",
			     pfn, maps, c->ptes[pfn]);
		else if (refs != maps + cached)
			fail(c,
			     "P2 frame %lu: refcount %d, expected %d (%d "
			     "ptes%s)",
			     pfn, refs, maps + cached, maps,
			     cached ? " + page cache" : "");
		else if (!PageLRU(page))
			fail(c,
			     "P5 frame %lu: in use (%d ptes%s) but on no "
			     "LRU list",
			     pfn, maps, cached ? ", cached" : "");
		else if (vm->rmap == &rmap_ptechain &&
			 !ptechain_check_page(vm, page, (unsigned long)maps,
					      msg, sizeof(msg)))
			fail(c, "%s", msg);
	}
	if (!c->failed && on_lru != vm->nr_active + vm->nr_inactive)
		fail(c, "P5 %lu pages have PG_lru, the lists count %lu + %lu",
		     on_lru, vm->nr_active, vm->nr_inactive);
	if (c->failed)
		return;
	/* Frame 0, the zero page, is never allocated. */
	check_pair(c, STAT_page_alloc, STAT_page_free, "frames",
		   vm->nr_frames - 1 - nr_free_pages(vm));
	check_pair(c, STAT_pgtable_alloc, STAT_pgtable_free,
		   "page-table frames", tables);
	check_pair(c, STAT_pagecache_add, STAT_pagecache_remove,
		   "page-cache pages", cache);
}

/* P5: each list holds pages flagged for it, as many as it counts. */
static void check_lru(struct checker *c)
{
	struct objvm *vm = c->vm;
	const struct {
		struct list_head *head;
		unsigned long count;
		bool active;
	} lists[] = {{&vm->lru_active, vm->nr_active, true},
		     {&vm->lru_inactive, vm->nr_inactive, false}};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lists) && !c->failed; i++) {
		struct list_head *pos;
		unsigned long n = 0;

		list_for_each(pos, lists[i].head) {
			struct page *page = list_entry(pos, struct page, lru);

			n++;
			if (!PageLRU(page) || page_test_flag(page, PG_active) !=
						      lists[i].active) {
				fail(c,
				     "P5 frame %lu on the %s list has "
				     "flags %#lx",
				     page_to_pfn(vm, page),
				     lists[i].active ? "active" : "inactive",
				     (unsigned long)atomic_load(&page->flags));
				return;
			}
			if (n > vm->nr_frames)
				break;
		}
		if (n != lists[i].count)
			fail(c, "P5 the %s list holds %lu pages but counts %lu",
			     lists[i].active ? "active" : "inactive", n,
			     lists[i].count);
	}
}

/* The slots shmem files hold for their pages that are out. */
static void count_shmem_slots(struct checker *c)
{
	struct list_head *pos;

	list_for_each(pos, &c->vm->inodes) {
		struct inode *inode = list_entry(pos, struct inode, link);
		void *entries[16];
		uint64_t idx[16], first = 0;
		unsigned int i, n;

		if (inode->backing != BACKING_SHMEM ||
		    atomic_load(&inode->i_state))
			continue;
		while ((n = radix_tree_gang_lookup(&inode->blocks, entries, idx,
						   first, 16))) {
			for (i = 0; i < n; i++) {
				unsigned long slot =
					(unsigned long)entries[i] - 1;

				if (slot < c->vm->swap->nr_slots)
					c->swap_ptes[slot]++;
			}
			first = idx[n - 1] + 1;
		}
	}
}

/* S1: each slot's count is its swap ptes (and shmem pages that are out)
 * plus one for a cached page. */
static void check_swap(struct checker *c)
{
	struct swap_info *si = c->vm->swap;
	unsigned long slot, used = 0;

	if (!si)
		return;
	count_shmem_slots(c);
	for (slot = 0; slot < si->nr_slots && !c->failed; slot++) {
		struct page *page = radix_tree_lookup(&si->cache, slot);
		unsigned int want = c->swap_ptes[slot] + (page != NULL);

		if (si->swap_map[slot])
			used++;
		if (si->swap_map[slot] != want)
			fail(c,
			     "S1 swap slot %lu: count %u but %u swap ptes or "
			     "shmem pages%s",
			     slot, si->swap_map[slot], c->swap_ptes[slot],
			     page ? " + the swap cache" : "");
		else if (page && (!page_test_flag(page, PG_swapcache) ||
				  page->private != slot || !page_is_anon(page)))
			fail(c, "S1 swap slot %lu: cached frame %lu is not its",
			     slot, page_to_pfn(c->vm, page));
	}
	if (!c->failed && used != si->nr_used)
		fail(c, "S1 %lu swap slots in use, counted %lu", used,
		     si->nr_used);
}

int check_machine(struct objvm *vm, char *buf, size_t len)
{
	struct checker c = {.vm = vm, .buf = buf, .len = len};
	struct list_head *pos;

	if (len)
		buf[0] = '\0';
	c.ptes = calloc(vm->nr_frames, sizeof(*c.ptes));
	if (vm->swap)
		c.swap_ptes = calloc(vm->swap->nr_slots, sizeof(*c.swap_ptes));
	if (!c.ptes || (vm->swap && !c.swap_ptes)) {
		free(c.ptes);
		return fail(&c, "check: out of host memory"), -1;
	}
	list_for_each(pos, &vm->tasks)
		check_task(&c, list_entry(pos, struct task, link));
	check_mappings(&c);
	list_for_each(pos, &vm->inodes)
		check_inode(&c, list_entry(pos, struct inode, link));
	check_pages(&c);
	check_lru(&c);
	check_swap(&c);
	if (!c.failed && !check_zone(vm, buf, len))
		c.failed = true;
	free(c.ptes);
	free(c.swap_ptes);
	free(c.linear);
	return c.failed ? -1 : 0;
}
