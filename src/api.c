/*
 * api.c - the public entry points: check the arguments that belong to the
 * system-call layer (descriptors, tasks, access modes), then call inward.
 *
 * Every entry point answers -ESRCH for a task that has exited.  Each one
 * that reads or changes the machine runs between api_enter() and
 * api_end() (or api_leave()), holding vm->call_lock for reading; the
 * invariant checker takes it for writing, which stops the world: it waits
 * for the calls in progress to end and holds back new ones (TLB hits
 * excepted, see machine.h).  With OBJVM_CHECK_EACH_CALL, each call that
 * changes state ends by running the checker that way, and a broken
 * invariant aborts with its report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "reclaim/reclaim.h"
#include "nonlinear/nonlinear.h"
#include "pgtable/pgtable.h"
#include "fs/fs.h"
#include "task/access.h"
#include "task/task.h"
#include "truncate/truncate.h"
#include "vma/vma.h"

#define T(x) ((struct task *)(x))

#define TASK_ALIVE(t)                                   \
	do {                                            \
		if (!(t) || !atomic_load(&T(t)->alive)) \
			return -ESRCH;                  \
	} while (0)

/* Runs the checker with every other call held off (LOCK_CALL). */
static int check_stopped(struct objvm *vm, char *buf, size_t len)
{
	int ret;

	vm_write_lock(&vm->call_lock);
	ret = check_machine(vm, buf, len);
	vm_rw_unlock(&vm->call_lock);
	return ret;
}

/* Begins a call: no checker runs until it ends. */
static void api_enter(struct objvm *vm)
{
	vm_read_lock(&vm->call_lock);
}

/* Ends a call that changed nothing. */
static int api_leave(struct objvm *vm, int ret)
{
	vm_rw_unlock(&vm->call_lock);
	return ret;
}

/* Ends a state-changing call: runs the checker when asked to. */
static int api_end(struct objvm *vm, int ret)
{
	char report[512];

	vm_rw_unlock(&vm->call_lock);
	if (vm->check == OBJVM_CHECK_EACH_CALL &&
	    check_stopped(vm, report, sizeof(report))) {
		fprintf(stderr, "objvm: invariant broken: %s\n", report);
		abort();
	}
	return ret;
}

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{EPERM, "EPERM"},
	{ENOENT, "ENOENT"},
	{ESRCH, "ESRCH"},
	{EINTR, "EINTR"},
	{EIO, "EIO"},
	{EBADF, "EBADF"},
	{EAGAIN, "EAGAIN"},
	{ENOMEM, "ENOMEM"},
	{EACCES, "EACCES"},
	{EFAULT, "EFAULT"},
	{EBUSY, "EBUSY"},
	{EEXIST, "EEXIST"},
	{ENODEV, "ENODEV"},
	{EINVAL, "EINVAL"},
	{EMFILE, "EMFILE"},
	{ETXTBSY, "ETXTBSY"},
	{EFBIG, "EFBIG"},
	{ENOSPC, "ENOSPC"},
	{ERANGE, "ERANGE"},
	{ENAMETOOLONG, "ENAMETOOLONG"},
	{ELOOP, "ELOOP"},
	{EROFS, "EROFS"},
	{ESTALE, "ESTALE"},
	{EDQUOT, "EDQUOT"},
	{ENOSYS, "ENOSYS"},
	{EOVERFLOW, "EOVERFLOW"},
	{EOPNOTSUPP, "EOPNOTSUPP"},
};

const char *objvm_errname(int err)
{
	static _Thread_local char unknown[24];
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(unknown, sizeof(unknown), "E%d", err);
	return unknown;
}

unsigned int objvm_version(void)
{
	return OBJVM_VERSION_HEX;
}

int objvm_create(const struct objvm_config *config, struct objvm **out)
{
	static const struct objvm_config defaults;

	if (!out)
		return -EFAULT;
	return vm_create(config ? config : &defaults, out);
}

int objvm_destroy_report(struct objvm *vm, int *wb_err, char *path, size_t len)
{
	char report[512];
	int ret = 0, err;

	if (path && len)
		path[0] = '\0';
	if (!vm) {
		if (wb_err)
			*wb_err = 0;
		return 0;
	}
	if (vm->check >= OBJVM_CHECK_AT_END &&
	    check_stopped(vm, report, sizeof(report))) {
		fprintf(stderr, "objvm: invariant broken: %s\n", report);
		ret = -1;
	}
	err = vm_destroy(vm, path, len);
	if (wb_err)
		*wb_err = err;
	return ret;
}

int objvm_destroy(struct objvm *vm)
{
	char path[4096];
	int ret, err;

	ret = objvm_destroy_report(vm, &err, path, sizeof(path));
	if (err) {
		fprintf(stderr,
			"objvm: data of %s could not be written back: %s\n",
			path, objvm_errname(err));
		ret = -1;
	}
	return ret;
}

int objvm_check(struct objvm *vm, char *buf, size_t len)
{
	return check_stopped(vm, buf, len);
}

int objvm_sysctl_set(struct objvm *vm, const char *name, const char *value)
{
	if (!name || !value)
		return -EFAULT;
	api_enter(vm);
	return api_end(vm, sysctl_set(vm, name, value));
}

int objvm_sysctl_get(struct objvm *vm, const char *name, char *buf, size_t len)
{
	if (!name || !buf)
		return -EFAULT;
	api_enter(vm);
	return api_leave(vm, sysctl_get(vm, name, buf, len));
}

long objvm_reclaim(struct objvm *vm, unsigned long nr)
{
	long n;

	if (!vm)
		return -EFAULT;
	api_enter(vm);
	n = (long)try_to_free_pages(vm, nr);
	return api_end(vm, n);
}

int objvm_set_kswapd(struct objvm *vm, bool on)
{
	if (!vm)
		return -EFAULT;
	return kswapd_set(vm, on);
}

int objvm_drop_caches(struct objvm *vm)
{
	api_enter(vm);
	drop_pagecache(vm);
	return api_end(vm, 0);
}

static const char *const stat_names[] = {
#define VM_STAT_NAME(name, help) #name,
	VM_STAT_LIST(VM_STAT_NAME)
#undef VM_STAT_NAME
};

static const char *const stat_helps[] = {
#define VM_STAT_HELP(name, help) help,
	VM_STAT_LIST(VM_STAT_HELP)
#undef VM_STAT_HELP
};

const char *objvm_stat_help(size_t i)
{
	return i < NR_VM_STATS ? stat_helps[i] : NULL;
}

size_t objvm_stat_count(void)
{
	return NR_VM_STATS;
}

const char *objvm_stat_name(size_t i)
{
	return i < NR_VM_STATS ? stat_names[i] : NULL;
}

uint64_t objvm_stat_read(struct objvm *vm, size_t i)
{
	return i < NR_VM_STATS ? vm_stat_sum(vm, i) : 0;
}

int objvm_stat_get(struct objvm *vm, const char *name, uint64_t *value)
{
	size_t i;

	if (!name || !value)
		return -EFAULT;
	for (i = 0; i < NR_VM_STATS; i++) {
		if (strcmp(stat_names[i], name) == 0) {
			*value = vm_stat_sum(vm, i);
			return 0;
		}
	}
	return -ENOENT;
}

/* --- tasks ---------------------------------------------------------------- */

int objvm_spawn(struct objvm *vm, const struct objvm_cred *cred,
		struct objvm_task **out)
{
	static const struct objvm_cred root;

	api_enter(vm);
	return api_end(vm, task_spawn(vm, cred ? cred : &root,
				      (struct task **)out));
}

int objvm_fork(struct objvm_task *parent, struct objvm_task **child)
{
	TASK_ALIVE(parent);
	if (!child)
		return -EFAULT;
	api_enter(T(parent)->vm);
	return api_end(T(parent)->vm,
		       task_fork(T(parent), (struct task **)child));
}

int objvm_exit(struct objvm_task *task)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	task_exit(T(task));
	return api_end(T(task)->vm, 0);
}

void objvm_task_release(struct objvm_task *task)
{
	struct objvm *vm;

	if (!task)
		return;
	vm = T(task)->vm;
	api_enter(vm);
	task_free(T(task));
	api_end(vm, 0);
}

bool objvm_task_alive(const struct objvm_task *task)
{
	return task && atomic_load(&((const struct task *)task)->alive);
}

/* --- files ---------------------------------------------------------------- */

int objvm_open(struct objvm_task *task, const char *path, int flags)
{
	struct file *file;
	int err, fd;

	TASK_ALIVE(task);
	if (!path)
		return -EFAULT;
	if ((flags & OBJVM_O_ACCMODE) == OBJVM_O_ACCMODE)
		return -EINVAL;
	api_enter(T(task)->vm);
	err = filp_open(T(task)->vm, path, flags, &file);
	if (err)
		return api_end(T(task)->vm, err);
	/* O_TRUNC cuts an existing file to 0, whatever the access mode, as
	 * Linux does (a file just made is empty already). */
	if (flags & OBJVM_O_TRUNC) {
		err = do_truncate(file->inode, 0);
		if (err) {
			fput(file);
			return api_end(T(task)->vm, err);
		}
	}
	fd = fd_install(T(task), file);
	if (fd < 0)
		fput(file);
	return api_end(T(task)->vm, fd);
}

int objvm_close(struct objvm_task *task, int fd)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	return api_end(T(task)->vm, fd_close(T(task), fd));
}

int objvm_unlink(struct objvm_task *task, const char *path)
{
	TASK_ALIVE(task);
	if (!path)
		return -EFAULT;
	api_enter(T(task)->vm);
	return api_end(T(task)->vm, fs_unlink(T(task)->vm, path));
}

int objvm_ftruncate(struct objvm_task *task, int fd, int64_t size)
{
	struct file *file;
	int err;

	TASK_ALIVE(task);
	if (size < 0)
		return -EINVAL; /* before the descriptor, as do_sys_ftruncate */
	api_enter(T(task)->vm);
	file = fget(T(task), fd);
	if (!file)
		return api_leave(T(task)->vm, -EBADF);
	if ((file->flags & OBJVM_O_ACCMODE) == OBJVM_O_RDONLY)
		err = -EINVAL;
	else
		err = do_truncate(file->inode, size);
	fput(file);
	return api_end(T(task)->vm, err);
}

/*
 * The offset checks of pread/pwrite: a negative offset is EINVAL before
 * the descriptor is looked at (ksys_pread64); once the access mode has
 * passed (EBADF, vfs_read), an end past the largest offset is EINVAL
 * too, whatever the file's size (rw_verify_area: pos + count < 0).
 */
static bool rw_end_overflows(const struct file *file, bool write, size_t len,
			     int64_t off)
{
	int mode = file->flags & OBJVM_O_ACCMODE;
	bool allowed = mode == OBJVM_O_RDWR ||
		       mode == (write ? OBJVM_O_WRONLY : OBJVM_O_RDONLY);

	return allowed && len > (uint64_t)INT64_MAX - (uint64_t)off;
}

ssize_t objvm_pwrite(struct objvm_task *task, int fd, const void *buf,
		     size_t len, int64_t off)
{
	struct file *file;
	ssize_t ret;

	TASK_ALIVE(task);
	if (!buf && len)
		return -EFAULT;
	if (off < 0)
		return -EINVAL;
	api_enter(T(task)->vm);
	file = fget(T(task), fd);
	if (!file)
		return api_leave(T(task)->vm, -EBADF);
	if (rw_end_overflows(file, true, len, off))
		ret = -EINVAL;
	else
		ret = file_pwrite(file, buf, len, off);
	fput(file);
	api_end(T(task)->vm, 0);
	return ret;
}

ssize_t objvm_pread(struct objvm_task *task, int fd, void *buf, size_t len,
		    int64_t off)
{
	struct file *file;
	ssize_t ret;

	TASK_ALIVE(task);
	if (!buf && len)
		return -EFAULT;
	if (off < 0)
		return -EINVAL;
	api_enter(T(task)->vm);
	file = fget(T(task), fd);
	if (!file)
		return api_leave(T(task)->vm, -EBADF);
	if (rw_end_overflows(file, false, len, off))
		ret = -EINVAL;
	else
		ret = file_pread(file, buf, len, off);
	fput(file);
	api_leave(T(task)->vm, 0);
	return ret;
}

int objvm_fsync(struct objvm_task *task, int fd)
{
	struct file *file;
	int err;

	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	file = fget(T(task), fd);
	if (!file)
		return api_leave(T(task)->vm, -EBADF);
	err = file_fsync(file);
	fput(file);
	return api_end(T(task)->vm, err);
}

int objvm_fstat(struct objvm_task *task, int fd, struct objvm_stat *st)
{
	struct file *file;

	TASK_ALIVE(task);
	if (!st)
		return -EFAULT;
	api_enter(T(task)->vm);
	file = fget(T(task), fd);
	if (!file)
		return api_leave(T(task)->vm, -EBADF);
	st->size = (uint64_t)i_size_read(file->inode);
	fput(file);
	return api_leave(T(task)->vm, 0);
}

/* --- memory --------------------------------------------------------------- */

int objvm_mmap(struct objvm_task *task, uint64_t addr, uint64_t len, int prot,
	       int flags, int fd, int64_t off, uint64_t *out_addr)
{
	struct file *file = NULL;
	int err;

	TASK_ALIVE(task);
	if (!out_addr)
		return -EFAULT;
	if ((uint64_t)off & ~PAGE_MASK)
		return -EINVAL;
	api_enter(T(task)->vm);
	if (!(flags & OBJVM_MAP_ANONYMOUS)) {
		file = fget(T(task), fd);
		if (!file)
			return api_leave(T(task)->vm, -EBADF);
		if (flags & OBJVM_MAP_HUGETLB) {
			err = -EINVAL;
			goto out;
		}
	} else if (flags & OBJVM_MAP_HUGETLB) {
		/* hugetlbfs is not built yet */
		return api_leave(T(task)->vm, -ENOSYS);
	}
	err = -EINVAL;
	if (flags & OBJVM_MAP_NONLINEAR)
		goto out; /* only vm.nonlinear=pinned knows this flag */
	if (prot & ~(OBJVM_PROT_READ | OBJVM_PROT_WRITE | OBJVM_PROT_EXEC))
		goto out;
	err = do_mmap(T(task)->mm, addr, len, prot, flags, file,
		      (uint64_t)off >> PAGE_SHIFT, task_caps(T(task)),
		      out_addr);
out:
	if (file)
		fput(file);
	return api_end(T(task)->vm, err);
}

int objvm_munmap(struct objvm_task *task, uint64_t addr, uint64_t len)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	return api_end(T(task)->vm, do_munmap(T(task)->mm, addr, len));
}

int objvm_mprotect(struct objvm_task *task, uint64_t addr, uint64_t len,
		   int prot)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	return api_end(T(task)->vm, do_mprotect(T(task)->mm, addr, len, prot));
}

int objvm_mremap(struct objvm_task *task, uint64_t old_addr, uint64_t old_len,
		 uint64_t new_len, int flags, uint64_t new_addr,
		 uint64_t *out_addr)
{
	TASK_ALIVE(task);
	if (!out_addr)
		return -EFAULT;
	api_enter(T(task)->vm);
	return api_end(T(task)->vm,
		       do_mremap(T(task)->mm, old_addr, old_len, new_len, flags,
				 new_addr, task_caps(T(task)), out_addr));
}

int objvm_msync(struct objvm_task *task, uint64_t addr, uint64_t len, int flags)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	return api_end(T(task)->vm, do_msync(T(task)->mm, addr, len, flags));
}

int objvm_madvise(struct objvm_task *task, uint64_t addr, uint64_t len,
		  int advice)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	return api_end(T(task)->vm, do_madvise(T(task)->mm, addr, len, advice));
}

int objvm_mlock(struct objvm_task *task, uint64_t addr, uint64_t len)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	return api_end(T(task)->vm, do_mlock(T(task)->mm, addr, len, true,
					     task_caps(T(task))));
}

int objvm_munlock(struct objvm_task *task, uint64_t addr, uint64_t len)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	return api_end(T(task)->vm, do_mlock(T(task)->mm, addr, len, false,
					     task_caps(T(task))));
}

int objvm_mincore(struct objvm_task *task, uint64_t addr, uint64_t len,
		  unsigned char *vec)
{
	TASK_ALIVE(task);
	if (!vec && len)
		return -EFAULT;
	api_enter(T(task)->vm);
	return api_leave(T(task)->vm, do_mincore(T(task)->mm, addr, len, vec));
}

int objvm_remap_file_pages(struct objvm_task *task, uint64_t addr, uint64_t len,
			   int prot, uint64_t pgoff, int flags, int fd)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	return api_end(T(task)->vm,
		       do_remap_file_pages(T(task)->mm, addr, len, prot, pgoff,
					   flags, fd, task_caps(T(task))));
}

static unsigned char pte_state(struct objvm *vm, pte_t pte)
{
	if (pte_none(pte))
		return OBJVM_PTE_NONE;
	if (pte_file(pte))
		return OBJVM_PTE_FILE;
	if (!pte_present(pte))
		return OBJVM_PTE_SWAP;
	if (pte_pfn(pte) == page_to_pfn(vm, vm->zero_page))
		return OBJVM_PTE_ZERO;
	if (pte_write(pte))
		return OBJVM_PTE_WRITE;
	if (pte & PTE_PROT_MASK)
		return OBJVM_PTE_READ;
	return OBJVM_PTE_NOACCESS;
}

int objvm_ptes(struct objvm_task *task, uint64_t addr, uint64_t len,
	       unsigned char *vec)
{
	struct mm *mm;
	uint64_t pages, i;
	pte_t *ptep;

	TASK_ALIVE(task);
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (addr > TASK_SIZE || len > TASK_SIZE - addr)
		return -ENOMEM;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (!vec && pages)
		return -EFAULT;
	api_enter(T(task)->vm);
	mm = T(task)->mm;
	vm_read_lock(&mm->mmap_lock);
	vm_lock(&mm->page_table_lock);
	for (i = 0; i < pages; i++) {
		ptep = pte_offset(mm, addr + (i << PAGE_SHIFT));
		vec[i] = pte_state(mm->vm, ptep ? pte_read(ptep) : 0);
	}
	vm_unlock(&mm->page_table_lock);
	vm_rw_unlock(&mm->mmap_lock);
	return api_leave(T(task)->vm, 0);
}

static int report_vma(struct vma *vma,
		      int (*fn)(void *arg, const struct objvm_map_info *),
		      void *arg)
{
	struct objvm_map_info info = {
		.start = vma->start,
		.end = vma->end,
		.prot = (int)(vma->flags & VM_ACCESS_FLAGS),
		.shared = vma->flags & VM_SHARED,
		.mayshare = vma->flags & VM_MAYSHARE,
		.locked = vma->flags & VM_LOCKED,
		.nonlinear = vma->flags & VM_NONLINEAR,
		.hugetlb = vma->flags & VM_HUGETLB,
		.pgoff = vma->file ? vma->pgoff : 0,
		.path = vma->file ? vma->file->inode->path : NULL,
	};

	return fn(arg, &info);
}

int objvm_maps(struct objvm_task *task,
	       int (*fn)(void *arg, const struct objvm_map_info *), void *arg)
{
	struct mm *mm;
	struct vma *vma;
	int ret = 0;

	TASK_ALIVE(task);
	if (!fn)
		return -EFAULT;
	mm = T(task)->mm;
	api_enter(T(task)->vm);
	vm_read_lock(&mm->mmap_lock);
	vma_for_each(vma, mm) {
		ret = report_vma(vma, fn, arg);
		if (ret)
			break;
	}
	vm_rw_unlock(&mm->mmap_lock);
	return api_leave(T(task)->vm, ret);
}

/* --- access --------------------------------------------------------------- */

/* After a TLB hit: the checker, when asked for, still runs. */
static inline int access_hit_end(struct task *t, int ret)
{
	if (t->vm->check == OBJVM_CHECK_EACH_CALL) {
		api_enter(t->vm);
		return api_end(t->vm, ret);
	}
	return ret;
}

/* Ends a slow access.  The OOM killer: a task whose access found no
 * memory is killed. */
static inline int access_end(struct task *t, int ret)
{
	if (ret == OBJVM_OOM) {
		count_event(t->vm, oom_kill);
		task_exit(t);
	}
	return api_end(t->vm, ret);
}

int objvm_load(struct objvm_task *task, uint64_t addr, void *buf, size_t len,
	       uint64_t *fault_addr)
{
	TASK_ALIVE(task);
	if (!buf && len)
		return -EFAULT;
	if (access_one_page(addr, len) &&
	    access_hit(T(task), addr, buf, len, false))
		return access_hit_end(T(task), 0);
	api_enter(T(task)->vm);
	return access_end(T(task), task_access(T(task), addr, buf, len, false,
					       fault_addr));
}

int objvm_store(struct objvm_task *task, uint64_t addr, const void *buf,
		size_t len, uint64_t *fault_addr)
{
	TASK_ALIVE(task);
	if (!buf && len)
		return -EFAULT;
	if (access_one_page(addr, len) &&
	    access_hit(T(task), addr, (void *)buf, len, true))
		return access_hit_end(T(task), 0);
	api_enter(T(task)->vm);
	return access_end(T(task), task_access(T(task), addr, (void *)buf, len,
					       true, fault_addr));
}

int objvm_touch(struct objvm_task *task, uint64_t addr, uint64_t len,
		bool write, uint64_t *fault_addr)
{
	TASK_ALIVE(task);
	api_enter(T(task)->vm);
	return access_end(T(task),
			  task_touch(T(task), addr, len, write, fault_addr));
}
