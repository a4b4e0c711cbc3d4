/*
 * fault/fault.h - page faults and the access path that raises them.
 *
 * Models: mm/memory.c handle_mm_fault() and its do_* handlers (2.6.11).
 */
#ifndef OBJVM_FAULT_H
#define OBJVM_FAULT_H

#include "vm.h"

struct file;

enum fault_result {
	VM_FAULT_MINOR,   /* served from memory */
	VM_FAULT_MAJOR,   /* read the backing store */
	VM_FAULT_SIGBUS,  /* no page there (past EOF) */
	VM_FAULT_SIGSEGV, /* no VMA, or the VMA forbids the access */
	VM_FAULT_OOM,     /* no frame could be had */
};

/*
 * struct vm_operations - what a kind of VMA does on a fault that finds no
 * page (2.6's vm_operations_struct ->nopage; anonymous VMAs, which had
 * none in 2.6, get an entry of their own).  nopage is called with
 * page_table_lock held, drops it, and installs the page at @addr (whose
 * pte is @ptep while the lock is held) if the pte still holds @orig (none, or the file pte of a nonlinear position
 * whose file page is @pgoff).
 */
struct vm_operations {
	const char *name;
	enum fault_result (*nopage)(struct mm *mm, struct vma *vma,
				    uint64_t addr, pte_t *ptep, pte_t orig,
				    pgoff_t pgoff, bool write);
};

extern const struct vm_operations anon_vm_ops, file_vm_ops, shmem_vm_ops;

/* The operations of a new VMA of @file (NULL: private anonymous). */
const struct vm_operations *vm_ops_for(const struct file *file);

/*
 * handle_mm_fault - make the pte for @addr allow the access.
 *
 * Context: mmap_lock held for reading; takes page_table_lock and drops it
 * around reading a page.  On success the pte is present and allows the
 * access, and the TLB has been filled with it.
 */
enum fault_result handle_mm_fault(struct mm *mm, struct vma *vma, uint64_t addr,
				  bool write);

/* Looks up the VMA and checks the access before faulting (the arch fault
 * handler).  Context: mmap_lock held for reading. */
enum fault_result do_page_fault(struct mm *mm, uint64_t addr, bool write);

#endif /* OBJVM_FAULT_H */
