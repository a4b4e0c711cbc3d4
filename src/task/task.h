/*
 * task/task.h - a task: credentials, a descriptor table and an address
 * space, and the software TLB its accesses go through.
 *
 * Life cycle:  spawn/fork --> ALIVE --[exit, OOM kill]--> ZOMBIE
 *                                         --[objvm_task_release]--> freed
 * A zombie keeps only its handle; every call on it answers -ESRCH.
 *
 * Models: include/linux/sched.h task_struct, kernel/fork.c, kernel/exit.c.
 */
#ifndef OBJVM_TASK_H
#define OBJVM_TASK_H

#include "vm.h"
#include "pgtable/tlb.h"
#include "vma/vma.h"

#define TASK_MAX_FDS 1024

struct task {
	struct objvm *vm;
	struct list_head link; /* vm->tasks, under tasks_lock */
	int pid;
	struct objvm_cred cred;
	atomic_bool alive;

	struct vm_lock fd_lock; /* LOCK_FDTABLE: fds */
	struct file *fds[TASK_MAX_FDS];

	struct mm *mm;  /* NULL once exited */
	struct tlb tlb; /* the TLB of the CPU this task runs on */
};

/* The VM_CAP_* rights of @t: root holds all, others what cap= gave. */
static inline unsigned int task_caps(const struct task *t)
{
	if (t->cred.uid == 0)
		return VM_CAP_SYS_RAWIO | VM_CAP_IPC_LOCK;
	return (t->cred.caps & OBJVM_CAP_IPC_LOCK) ? VM_CAP_IPC_LOCK : 0;
}

int task_spawn(struct objvm *vm, const struct objvm_cred *cred,
	       struct task **out);
int task_fork(struct task *parent, struct task **out);
/* Releases the mm and descriptors; the task becomes a zombie. */
void task_exit(struct task *t);
void task_free(struct task *t);

/* Descriptor table.  fd_install returns the new fd or -EMFILE. */
int fd_install(struct task *t, struct file *file);
/* The file of @fd with a reference, or NULL. */
struct file *fget(struct task *t, int fd);
int fd_close(struct task *t, int fd);

/* Loads, stores and touches through the TLB (fault/access.c). */
int task_access(struct task *t, uint64_t addr, void *buf, size_t len,
		bool write, uint64_t *fault_addr);
int task_touch(struct task *t, uint64_t addr, uint64_t len, bool write,
	       uint64_t *fault_addr);

#endif /* OBJVM_TASK_H */
