/*
 * task/access.c - loads and stores of a task, as its CPU would do them.
 *
 * The data path: look the page up in the task's TLB and copy.  A miss
 * takes the slow path, the arch fault handler: mmap_lock for reading,
 * do_page_fault(), which fills the TLB.  A range is first walked page by
 * page until every page translates (so a signal means nothing moved),
 * then copied; a page whose entry was shot down in between is simply
 * faulted again.
 */
#include <string.h>

#include "machine.h"
#include "fault/fault.h"
#include "task/access.h"
#include "pgtable/tlb.h"
#include "task/task.h"
#include "vma/vma.h"

static int fault_to_result(enum fault_result r)
{
	switch (r) {
	case VM_FAULT_MINOR:
	case VM_FAULT_MAJOR:
		return OBJVM_ACCESS_OK;
	case VM_FAULT_SIGBUS:
		return OBJVM_SIGBUS;
	case VM_FAULT_SIGSEGV:
		return OBJVM_SIGSEGV;
	case VM_FAULT_OOM:
		break;
	}
	return OBJVM_OOM;
}

/* The slow path for one page: fault it in for @write. */
static int access_fault(struct task *t, uint64_t addr, bool write)
{
	struct mm *mm = t->mm;
	enum fault_result r;

	count_event(t->vm, tlb_miss);
	if (addr >= TASK_SIZE) {
		count_event(t->vm, fault_sigsegv);
		return OBJVM_SIGSEGV;
	}
	vm_read_lock(&mm->mmap_lock);
	r = do_page_fault(mm, addr, write);
	vm_rw_unlock(&mm->mmap_lock);
	return fault_to_result(r);
}

/* Makes sure every page of [addr, addr + len) translates for @write. */
static int access_prepare(struct task *t, uint64_t addr, uint64_t len,
			  bool write, uint64_t *fault_addr)
{
	uint64_t page, last = (addr + len - 1) & PAGE_MASK;
	int ret;

	for (page = addr & PAGE_MASK;; page += PAGE_SIZE) {
		if (!tlb_lookup(&t->tlb, page >> PAGE_SHIFT, write)) {
			ret = access_fault(t, page, write);
			if (ret) {
				if (fault_addr)
					*fault_addr = MAX(page, addr);
				return ret;
			}
		}
		if (page == last)
			return 0;
	}
}

/* Copies one piece that lies within one page. */
static int access_copy(struct task *t, uint64_t addr, void *buf, size_t n,
		       bool write)
{
	int ret;

	while (!access_hit(t, addr, buf, n, write)) {
		ret = access_fault(t, addr, write);
		if (ret)
			return ret;
	}
	return 0;
}

int task_access(struct task *t, uint64_t addr, void *buf, size_t len,
		bool write, uint64_t *fault_addr)
{
	unsigned char *p = buf;
	size_t n;
	int ret;

	if (!len)
		return 0;
	if (addr + len < addr || addr + len > TASK_SIZE) {
		if (fault_addr)
			*fault_addr = addr;
		count_event(t->vm, fault_sigsegv);
		return OBJVM_SIGSEGV;
	}
	/* The data path: one page, already in the TLB. */
	if (((addr ^ (addr + len - 1)) & PAGE_MASK) == 0 &&
	    access_hit(t, addr, buf, len, write))
		return 0;
	ret = access_prepare(t, addr, len, write, fault_addr);
	if (ret)
		return ret;
	while (len) {
		n = MIN(len, PAGE_SIZE - (addr & ~PAGE_MASK));
		ret = access_copy(t, addr, p, n, write);
		if (ret) {
			if (fault_addr)
				*fault_addr = addr;
			return ret;
		}
		addr += n;
		p += n;
		len -= n;
	}
	return 0;
}

int task_touch(struct task *t, uint64_t addr, uint64_t len, bool write,
	       uint64_t *fault_addr)
{
	uint64_t page, end;
	unsigned char byte;
	int ret;

	if (!len)
		return 0;
	if (addr + len < addr)
		len = UINT64_MAX - addr;
	end = addr + len;
	for (page = addr; page < end; page = (page & PAGE_MASK) + PAGE_SIZE) {
		ret = task_access(t, page, &byte, 1, false, fault_addr);
		if (!ret && write)
			ret = task_access(t, page, &byte, 1, true, fault_addr);
		if (ret)
			return ret;
		if ((page & PAGE_MASK) + PAGE_SIZE < page)
			break;
	}
	return 0;
}
