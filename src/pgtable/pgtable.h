/*
 * pgtable/pgtable.h - four-level software page tables and the pte word.
 *
 * Each level is one frame of 512 64-bit entries (pgd → pud → pmd → pte),
 * so a table costs what it costs Linux, and the tables of a 48-bit space
 * are found by shifting the address by 39, 30, 21 and 12.  An upper-level
 * entry is 0 or (frame number << 12 | _PAGE_PRESENT).
 *
 * A pte is in exactly one of four states (2.6: §6.1 of the reference):
 *
 *   none     all zero: nothing recorded; a fault works from the VMA
 *   present  _PAGE_PRESENT: maps frame (bits 12..51) with the access
 *            bits below; PROT_NONE pages are present with no access bit
 *   file     not present, _PAGE_FILE: remembers a file page offset for a
 *            nonlinear position (bits 12..63); maps nothing
 *   swap     not present, not file, not zero: a swap entry
 *
 * Present ptes count in their page's _mapcount and hold a reference;
 * file and swap ptes do not map anything.
 *
 * Models: include/asm-x86_64/pgtable.h, mm/memory.c (2.6.11).
 */
#ifndef OBJVM_PGTABLE_H
#define OBJVM_PGTABLE_H

#include "vm.h"

#define _PAGE_PRESENT  0x001ULL
#define _PAGE_READ     0x002ULL /* readable (x86: implied by present) */
#define _PAGE_RW       0x004ULL /* writable */
#define _PAGE_EXEC     0x008ULL
#define _PAGE_ACCESSED 0x020ULL /* young */
#define _PAGE_DIRTY    0x040ULL
#define _PAGE_FILE     0x080ULL /* not present: a file pte */
#define _PAGE_PSE      0x100ULL /* pmd entry maps a 2 MiB page */
#define _PAGE_SWP      0x200ULL /* not present: a swap entry (slot << 12) */
#define PTE_PFN_MASK   0x000ffffffffff000ULL
#define PTE_PROT_MASK  (_PAGE_READ | _PAGE_RW | _PAGE_EXEC)

#define PTRS_PER_TABLE 512
#define PTE_SHIFT      12
#define PMD_SHIFT      21
#define PUD_SHIFT      30
#define PGD_SHIFT      39
#define PMD_SIZE       (1ULL << PMD_SHIFT)
#define PUD_SIZE       (1ULL << PUD_SHIFT)
#define PGD_SIZE       (1ULL << PGD_SHIFT)

/* The largest file offset (in pages) a file pte can hold. */
#define PTE_FILE_MAX_BITS 52

static inline unsigned int pt_index(uint64_t addr, unsigned int shift)
{
	return (addr >> shift) & (PTRS_PER_TABLE - 1);
}

static inline bool pte_none(pte_t pte)
{
	return pte == 0;
}

static inline bool pte_present(pte_t pte)
{
	return (pte & _PAGE_PRESENT) != 0;
}

static inline bool pte_file(pte_t pte)
{
	return !pte_present(pte) && (pte & _PAGE_FILE);
}

static inline bool pte_swap(pte_t pte)
{
	return pte && !pte_present(pte) && !(pte & _PAGE_FILE);
}

static inline unsigned long pte_pfn(pte_t pte)
{
	return (pte & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline bool pte_write(pte_t pte)
{
	return (pte & _PAGE_RW) != 0;
}

static inline bool pte_dirty(pte_t pte)
{
	return (pte & _PAGE_DIRTY) != 0;
}

static inline bool pte_young(pte_t pte)
{
	return (pte & _PAGE_ACCESSED) != 0;
}

static inline pte_t pfn_pte(unsigned long pfn, pte_t prot)
{
	return ((pte_t)pfn << PAGE_SHIFT) | prot | _PAGE_PRESENT;
}

static inline pte_t pgoff_to_pte(pgoff_t pgoff)
{
	return (pgoff << PAGE_SHIFT) | _PAGE_FILE;
}

static inline pgoff_t pte_to_pgoff(pte_t pte)
{
	return pte >> PAGE_SHIFT;
}

/* A swap entry names a slot of the machine's swap area. */
static inline pte_t swp_entry_to_pte(unsigned long slot)
{
	return ((pte_t)slot << PAGE_SHIFT) | _PAGE_SWP;
}

static inline unsigned long pte_to_swp_slot(pte_t pte)
{
	return pte >> PAGE_SHIFT;
}

/* The pte protection bits for VM_* access flags (2.6 protection_map). */
static inline pte_t vm_page_prot(unsigned long vm_flags)
{
	pte_t prot = 0;

	if (vm_flags & 0x1) /* VM_READ */
		prot |= _PAGE_READ;
	if (vm_flags & 0x2)                      /* VM_WRITE */
		prot |= _PAGE_RW | _PAGE_READ;   /* x86: writable is readable */
	if (vm_flags & 0x4)                      /* VM_EXEC */
		prot |= _PAGE_EXEC | _PAGE_READ; /* x86: no execute-only */
	return prot;
}

/* Reading and writing entries: tables are frames, and other threads read
 * them under the same page_table_lock, so plain accesses suffice; the
 * atomic forms keep ThreadSanitizer's view exact for lockless readers. */
static inline pte_t pte_read(const pte_t *ptep)
{
	return __atomic_load_n(ptep, __ATOMIC_RELAXED);
}

static inline void pte_write_entry(pte_t *ptep, pte_t pte)
{
	__atomic_store_n(ptep, pte, __ATOMIC_RELAXED);
}

/*
 * pte_offset - the pte slot for @addr in @mm, or NULL when a table on the
 * way is missing.  pte_alloc also allocates missing tables (NULL: no
 * memory).
 *
 * Context: mm->page_table_lock held.
 */
pte_t *pte_offset(struct mm *mm, uint64_t addr);
pte_t *pte_alloc(struct mm *mm, uint64_t addr);

int pgd_alloc(struct mm *mm);
/* Frees every table of @mm; every pte must already be none. */
void pgd_free(struct mm *mm);
/* Frees the tables that lie wholly in [floor, ceiling) and meet
 * [start, end) (2.6.12 free_pgd_range). Context: page_table_lock held. */
void free_pgd_range(struct mm *mm, uint64_t start, uint64_t end, uint64_t floor,
		    uint64_t ceiling);

/* Calls @fn for every non-none pte in [start, end), pte table by pte table;
 * @fn may change the pte through the pointer. */
typedef void (*pte_fn_t)(struct mm *mm, uint64_t addr, pte_t *ptep, void *arg);
void walk_pte_range(struct mm *mm, uint64_t start, uint64_t end, pte_fn_t fn,
		    void *arg);

#endif /* OBJVM_PGTABLE_H */
