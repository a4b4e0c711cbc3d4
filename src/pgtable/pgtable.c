/*
 * pgtable/pgtable.c - walk, allocate and free the levels of a page table.
 *
 * Tables are frames taken from the machine's allocator (PG_pgtable set),
 * so page tables cost simulated memory as they do on Linux.  The walk
 * goes pgd → pud → pmd → pte; an upper entry holds the next table's frame
 * number.
 *
 * Models: mm/memory.c pte_alloc_map(), free_pgd_range() (2.6.12).
 */
#include "machine.h"
#include "pgtable/pgtable.h"
#include "mm_types.h"

static pte_t *table_of(struct objvm *vm, pte_t entry)
{
	return (pte_t *)(vm->mem + (entry & PTE_PFN_MASK));
}

static struct page *table_alloc(struct mm *mm)
{
	struct page *page = alloc_page(mm->vm, true);

	if (!page)
		return NULL;
	page_set_flag(page, PG_pgtable);
	mm->nr_ptes++;
	/* Both: put_page() counts the frame as freed (C1 in check.c). */
	count_event(mm->vm, page_alloc);
	count_event(mm->vm, pgtable_alloc);
	return page;
}

static void table_free(struct mm *mm, pte_t entry)
{
	struct page *page = pfn_to_page(mm->vm, pte_pfn(entry));

	page_clear_flag(page, PG_pgtable);
	page->mapping = NULL;
	page->index = 0;
	mm->nr_ptes--;
	count_event(mm->vm, pgtable_free);
	put_page(mm->vm, page);
}

/* The next level's table for @addr, allocating it when @alloc. */
static pte_t *next_table(struct mm *mm, pte_t *table, uint64_t addr,
			 unsigned int shift, bool alloc)
{
	pte_t *slot = &table[pt_index(addr, shift)];
	pte_t entry = pte_read(slot);
	struct page *page;

	if (entry)
		return table_of(mm->vm, entry);
	if (!alloc)
		return NULL;
	page = table_alloc(mm);
	if (!page)
		return NULL;
	if (shift == PMD_SHIFT) {
		/* A pte table says where it is (rmap's ptep_to_where). */
		page->mapping = mm;
		page->index = addr & ~(PMD_SIZE - 1);
	}
	entry = pfn_pte(page_to_pfn(mm->vm, page), 0);
	pte_write_entry(slot, entry);
	return table_of(mm->vm, entry);
}

static pte_t *walk(struct mm *mm, uint64_t addr, bool alloc)
{
	pte_t *t = page_address(mm->vm, mm->pgd);

	t = next_table(mm, t, addr, PGD_SHIFT, alloc);
	if (t)
		t = next_table(mm, t, addr, PUD_SHIFT, alloc);
	if (t)
		t = next_table(mm, t, addr, PMD_SHIFT, alloc);
	if (!t)
		return NULL;
	return &t[pt_index(addr, PTE_SHIFT)];
}

pte_t *pte_offset(struct mm *mm, uint64_t addr)
{
	return walk(mm, addr, false);
}

pte_t *pte_alloc(struct mm *mm, uint64_t addr)
{
	return walk(mm, addr, true);
}

int pgd_alloc(struct mm *mm)
{
	mm->pgd = table_alloc(mm);
	if (!mm->pgd)
		return -ENOMEM;
	mm->nr_ptes--; /* the pgd is not counted below itself */
	return 0;
}

static bool pte_table_empty(const pte_t *table)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_TABLE; i++)
		if (pte_read(&table[i]))
			return false;
	return true;
}

/*
 * Frees the tables below @table (a table at level @shift covering
 * [base, base + 512 << shift)) that lie wholly in [floor, ceiling) and
 * meet [start, end).  Returns true when @table itself is now empty.
 * Every pte in [floor, ceiling) must already be none: that range holds
 * no VMA.
 */
static bool free_range(struct mm *mm, pte_t *table, unsigned int shift,
		       uint64_t base, uint64_t start, uint64_t end,
		       uint64_t floor, uint64_t ceiling)
{
	uint64_t span = 1ULL << shift;
	bool empty = true;
	unsigned int i;

	for (i = 0; i < PTRS_PER_TABLE; i++) {
		uint64_t lo = base + i * span, hi = lo + span;
		pte_t entry = pte_read(&table[i]);
		pte_t *child;
		bool child_empty;

		if (!entry)
			continue;
		if (hi <= start || lo >= end) {
			empty = false;
			continue;
		}
		child = table_of(mm->vm, entry);
		if (shift > PMD_SHIFT)
			child_empty = free_range(mm, child, shift - 9, lo,
						 start, end, floor, ceiling);
		else
			child_empty = pte_table_empty(child);
		if (!child_empty || lo < floor || hi > ceiling) {
			empty = false;
			continue;
		}
		pte_write_entry(&table[i], 0);
		table_free(mm, entry);
	}
	return empty;
}

void free_pgd_range(struct mm *mm, uint64_t start, uint64_t end, uint64_t floor,
		    uint64_t ceiling)
{
	assert_held(&mm->page_table_lock);
	free_range(mm, page_address(mm->vm, mm->pgd), PGD_SHIFT, 0, start, end,
		   floor, ceiling);
}

void pgd_free(struct mm *mm)
{
	free_range(mm, page_address(mm->vm, mm->pgd), PGD_SHIFT, 0, 0,
		   1ULL << 48, 0, 1ULL << 48);
	VM_BUG_ON(mm->nr_ptes != 0);
	mm->nr_ptes++;
	table_free(mm, pfn_pte(page_to_pfn(mm->vm, mm->pgd), 0));
	mm->pgd = NULL;
}

static void walk_level(struct mm *mm, pte_t *table, unsigned int shift,
		       uint64_t base, uint64_t start, uint64_t end, pte_fn_t fn,
		       void *arg)
{
	uint64_t span = 1ULL << shift;
	unsigned int i = pt_index(MAX(start, base), shift);

	for (; i < PTRS_PER_TABLE; i++) {
		uint64_t lo = base + i * span;
		pte_t *slot = &table[i];

		if (lo >= end)
			break;
		if (!pte_read(slot))
			continue;
		if (shift == PTE_SHIFT)
			fn(mm, lo, slot, arg);
		else
			walk_level(mm, table_of(mm->vm, pte_read(slot)),
				   shift - 9, lo, start, end, fn, arg);
	}
}

void walk_pte_range(struct mm *mm, uint64_t start, uint64_t end, pte_fn_t fn,
		    void *arg)
{
	if (start >= end)
		return;
	walk_level(mm, page_address(mm->vm, mm->pgd), PGD_SHIFT, 0, start, end,
		   fn, arg);
}
