/*
 * task/task.c - task life cycle and descriptor tables.
 *
 * Models: kernel/fork.c copy_process(), dup_fd(); kernel/exit.c
 * do_exit(), exit_files(); fs/file.c fd_install(), fget() (2.6.11).
 */
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "task/task.h"
#include "vma/vma.h"

static struct task *task_alloc(struct objvm *vm, const struct objvm_cred *c)
{
	struct task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->vm = vm;
	t->cred = *c;
	vm_lock_init(&t->fd_lock, LOCK_FDTABLE);
	t->mm = mm_alloc(vm);
	if (!t->mm) {
		vm_lock_destroy(&t->fd_lock);
		free(t);
		return NULL;
	}
	t->mm->tlb = &t->tlb;
	return t;
}

static void task_publish(struct task *t)
{
	struct objvm *vm = t->vm;

	atomic_store(&t->alive, true);
	atomic_fetch_add(&vm->nr_live_tasks, 1);
	vm_lock(&vm->tasks_lock);
	t->pid = ++vm->next_pid;
	list_add_tail(&t->link, &vm->tasks);
	vm_unlock(&vm->tasks_lock);
}

int task_spawn(struct objvm *vm, const struct objvm_cred *cred,
	       struct task **out)
{
	struct task *t = task_alloc(vm, cred);

	if (!t)
		return -ENOMEM;
	task_publish(t);
	*out = t;
	return 0;
}

int task_fork(struct task *parent, struct task **out)
{
	struct task *t = task_alloc(parent->vm, &parent->cred);
	int err, fd;

	if (!t)
		return -ENOMEM;
	err = dup_mmap(t->mm, parent->mm);
	if (err) {
		mm_release(t->mm);
		vm_lock_destroy(&t->fd_lock);
		free(t);
		return err;
	}
	vm_lock(&parent->fd_lock);
	for (fd = 0; fd < TASK_MAX_FDS; fd++) {
		t->fds[fd] = parent->fds[fd];
		if (t->fds[fd])
			get_file(t->fds[fd]);
	}
	vm_unlock(&parent->fd_lock);
	task_publish(t);
	*out = t;
	return 0;
}

void task_exit(struct task *t)
{
	struct file *files[TASK_MAX_FDS];
	struct mm *mm;
	int fd;

	if (!atomic_exchange(&t->alive, false))
		return;
	mm = t->mm;
	t->mm = NULL;
	mm_release(mm);
	vm_lock(&t->fd_lock);
	memcpy(files, t->fds, sizeof(files));
	memset(t->fds, 0, sizeof(t->fds));
	vm_unlock(&t->fd_lock);
	for (fd = 0; fd < TASK_MAX_FDS; fd++)
		if (files[fd])
			fput(files[fd]);
	atomic_fetch_sub(&t->vm->nr_live_tasks, 1);
}

void task_free(struct task *t)
{
	struct objvm *vm = t->vm;

	task_exit(t);
	vm_lock(&vm->tasks_lock);
	list_del(&t->link);
	vm_unlock(&vm->tasks_lock);
	vm_lock_destroy(&t->fd_lock);
	free(t);
}

int fd_install(struct task *t, struct file *file)
{
	int fd;

	vm_lock(&t->fd_lock);
	for (fd = 0; fd < TASK_MAX_FDS; fd++) {
		if (!t->fds[fd]) {
			t->fds[fd] = file;
			vm_unlock(&t->fd_lock);
			return fd;
		}
	}
	vm_unlock(&t->fd_lock);
	return -EMFILE;
}

struct file *fget(struct task *t, int fd)
{
	struct file *file = NULL;

	if (fd < 0 || fd >= TASK_MAX_FDS)
		return NULL;
	vm_lock(&t->fd_lock);
	file = t->fds[fd];
	if (file)
		get_file(file);
	vm_unlock(&t->fd_lock);
	return file;
}

int fd_close(struct task *t, int fd)
{
	struct file *file;

	if (fd < 0 || fd >= TASK_MAX_FDS)
		return -EBADF;
	vm_lock(&t->fd_lock);
	file = t->fds[fd];
	t->fds[fd] = NULL;
	vm_unlock(&t->fd_lock);
	if (!file)
		return -EBADF;
	fput(file);
	return 0;
}
