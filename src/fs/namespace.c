/*
 * fs/namespace.c - names, inodes and open files: open, unlink, the last
 * iput, unnamed shmem inodes, and the file system of a machine as a whole.
 *
 * The namespace is a hash table of normalised absolute paths.  An entry
 * names a file (its inode) or a directory; directories are implicit: they
 * exist while some file lies below them, and count those files.  So
 * "/a/b" cannot be created while "/a" is a file (-ENOTDIR), nor "/a"
 * while "/a/b" exists (-EISDIR), exactly as on a host directory tree.
 *
 * Inode lifetime (i_count = namespace link + struct files):
 *
 *   filp_open(O_CREAT) --> linked, i_count >= 1
 *        |  fs_unlink: the name goes, i_count - 1
 *        v
 *   unlinked, open --[last fput -> iput]--> I_FREEING: pages removed,
 *                                           store released
 *        --> I_CLEAR --[under ns_lock]--> freed
 *
 * The last iput() may run under mmap_lock (munmap drops a VMA's file), so
 * it must not wait for ns_lock, which ranks below it: it frees the inode
 * at once when a trylock of ns_lock succeeds, and otherwise leaves it
 * I_CLEAR on vm->inodes for the next taker of ns_lock to free.
 *
 * With a host backing directory, a name unknown to the namespace is
 * looked up on the host before it is declared missing, so a machine over
 * the same directory sees the files an earlier one left.
 *
 * Models: fs/namei.c open_namei(), fs/open.c filp_open(), fs/namei.c
 * vfs_unlink(), fs/inode.c iput(), mm/shmem.c shmem_file_setup() (2.6.11).
 */
#define _GNU_SOURCE /* O_PATH */
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine.h"
#include "fs/fs.h"
#include "fs/internal.h"

struct ns_entry {
	struct ns_entry *next;     /* hash chain */
	struct inode *inode;       /* the file; NULL for a directory */
	unsigned long nr_children; /* directory: files anywhere below it */
	size_t len;
	char path[];
};

#define NS_MIN_BUCKETS 64

/* --- the hash table ------------------------------------------------------- */

static uint64_t ns_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static struct ns_entry **ns_bucket(struct namespace *ns, const char *s,
				   size_t len)
{
	return &ns->buckets[ns_hash(s, len) & (ns->nr_buckets - 1)];
}

static struct ns_entry *ns_find(struct namespace *ns, const char *s, size_t len)
{
	struct ns_entry *e;

	for (e = *ns_bucket(ns, s, len); e; e = e->next)
		if (e->len == len && memcmp(e->path, s, len) == 0)
			return e;
	return NULL;
}

/* Doubles the table; a failed allocation only leaves chains longer. */
static void ns_grow(struct namespace *ns)
{
	size_t i, nr = ns->nr_buckets * 2;
	struct ns_entry **old = ns->buckets, *e, *next;

	ns->buckets = calloc(nr, sizeof(*ns->buckets));
	if (!ns->buckets) {
		ns->buckets = old;
		return;
	}
	ns->nr_buckets = nr;
	for (i = 0; i < nr / 2; i++) {
		for (e = old[i]; e; e = next) {
			struct ns_entry **b = ns_bucket(ns, e->path, e->len);

			next = e->next;
			e->next = *b;
			*b = e;
		}
	}
	free(old);
}

static struct ns_entry *ns_insert(struct namespace *ns, const char *s,
				  size_t len, struct inode *inode)
{
	struct ns_entry *e = malloc(sizeof(*e) + len + 1), **b;

	if (!e)
		return NULL;
	memcpy(e->path, s, len);
	e->path[len] = '\0';
	e->len = len;
	e->inode = inode;
	e->nr_children = 0;
	if (ns->nr_entries >= ns->nr_buckets)
		ns_grow(ns);
	b = ns_bucket(ns, s, len);
	e->next = *b;
	*b = e;
	ns->nr_entries++;
	return e;
}

static void ns_remove(struct namespace *ns, struct ns_entry *e)
{
	struct ns_entry **p = ns_bucket(ns, e->path, e->len);

	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
	ns->nr_entries--;
	free(e);
}

/* --- host files by identity ---------------------------------------------- */

static size_t host_bucket(const struct namespace *ns, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)ino;

	return (size_t)((h * 0xff51afd7ed558ccdULL) >> 32) &
	       (ns->nr_host_buckets - 1);
}

/* The linked inode of the host file (@dev, @ino), or NULL. */
static struct inode *host_find(struct namespace *ns, dev_t dev, ino_t ino)
{
	struct inode *inode;

	if (!ns->nr_host_buckets)
		return NULL;
	for (inode = ns->host_buckets[host_bucket(ns, dev, ino)]; inode;
	     inode = inode->host.hash_next)
		if (inode->host.dev == dev && inode->host.ino == ino)
			return inode;
	return NULL;
}

/* Doubles (or makes) the table; -ENOMEM leaves it as it was. */
static int host_grow(struct namespace *ns)
{
	size_t i, nr = ns->nr_host_buckets ? ns->nr_host_buckets * 2 : 64;
	struct inode **old = ns->host_buckets, *inode, *next;
	size_t old_nr = ns->nr_host_buckets;

	ns->host_buckets = calloc(nr, sizeof(*ns->host_buckets));
	if (!ns->host_buckets) {
		ns->host_buckets = old;
		return -ENOMEM;
	}
	ns->nr_host_buckets = nr;
	for (i = 0; i < old_nr; i++) {
		for (inode = old[i]; inode; inode = next) {
			size_t b = host_bucket(ns, inode->host.dev,
					       inode->host.ino);

			next = inode->host.hash_next;
			inode->host.hash_next = ns->host_buckets[b];
			ns->host_buckets[b] = inode;
		}
	}
	free(old);
	return 0;
}

static int host_hash_add(struct namespace *ns, struct inode *inode)
{
	size_t b;

	if (ns->nr_host >= ns->nr_host_buckets && host_grow(ns) &&
	    !ns->nr_host_buckets)
		return -ENOMEM;
	b = host_bucket(ns, inode->host.dev, inode->host.ino);
	inode->host.hash_next = ns->host_buckets[b];
	ns->host_buckets[b] = inode;
	ns->nr_host++;
	return 0;
}

static void host_hash_remove(struct namespace *ns, struct inode *inode)
{
	struct inode **p;

	p = &ns->host_buckets[host_bucket(ns, inode->host.dev, inode->host.ino)];
	while (*p != inode)
		p = &(*p)->host.hash_next;
	*p = inode->host.hash_next;
	inode->host.hash_next = NULL;
	ns->nr_host--;
}

/* --- names and the directories above them -------------------------------- */

/* Lets go of the directories above @name whose paths are shorter than
 * @end; a directory that no file lies below any more goes. */
static void ns_put_parents(struct namespace *ns, const char *name, size_t end)
{
	struct ns_entry *d;
	size_t i;

	for (i = 1; i < end; i++) {
		if (name[i] != '/')
			continue;
		d = ns_find(ns, name, i);
		VM_BUG_ON(!d || d->inode || d->nr_children == 0);
		if (--d->nr_children == 0)
			ns_remove(ns, d);
	}
}

/* -ENOTDIR if a file stands where @name needs a directory. */
static int ns_check_parents(struct namespace *ns, const char *name)
{
	struct ns_entry *d;
	size_t i;

	for (i = 1; name[i]; i++) {
		if (name[i] != '/')
			continue;
		d = ns_find(ns, name, i);
		if (d && d->inode)
			return -ENOTDIR;
	}
	return 0;
}

/* Names @inode @name, with the directories above it.  ns_lock held. */
static int ns_link(struct namespace *ns, const char *name, struct inode *inode)
{
	size_t i, len = strlen(name);
	struct ns_entry *d;

	for (i = 1; i < len; i++) {
		if (name[i] != '/')
			continue;
		d = ns_find(ns, name, i);
		if (!d)
			d = ns_insert(ns, name, i, NULL);
		if (!d)
			goto fail;
		d->nr_children++;
	}
	if (ns_insert(ns, name, len, inode))
		return 0;
fail:
	ns_put_parents(ns, name, i);
	return -ENOMEM;
}

static void ns_unlink(struct namespace *ns, struct ns_entry *e)
{
	size_t len = e->len;
	char *name = e->path;

	ns_put_parents(ns, name, len);
	ns_remove(ns, e);
}

/*
 * Normalises absolute @path into *@out: no empty, "." or ".." components
 * (resolved lexically, ".." stops at the root), no trailing '/'.  *@dir
 * tells whether @path names a directory by its form ("/", "/a/", "/a/.").
 */
static int path_normalise(const char *path, char **out, bool *dir)
{
	const char *p = path, *c;
	size_t len, n = 0, clen;
	char *name;

	if (!path)
		return -EFAULT;
	len = strnlen(path, FS_PATH_MAX + 1);
	if (len > FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (path[0] != '/')
		return -ENOENT;
	name = malloc(len + 1);
	if (!name)
		return -ENOMEM;
	*dir = true;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		for (c = p; *c && *c != '/'; c++)
			;
		clen = (size_t)(c - p);
		if (clen > FS_NAME_MAX) {
			free(name);
			return -ENAMETOOLONG;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && name[--n] != '/')
				;
			*dir = true;
		} else if (clen == 1 && p[0] == '.') {
			*dir = true;
		} else {
			name[n++] = '/';
			memcpy(name + n, p, clen);
			n += clen;
			*dir = *c == '/';
		}
		p = c;
	}
	if (n == 0)
		name[n++] = '/';
	name[n] = '\0';
	*out = name;
	return 0;
}

/* hugetlbfs is mounted at /hugetlbfs; it comes later. */
static bool path_is_hugetlbfs(const char *name)
{
	return strcmp(name, "/hugetlbfs") == 0 ||
	       strncmp(name, "/hugetlbfs/", 11) == 0;
}

/* --- inodes --------------------------------------------------------------- */

/* A new inode with i_count 0, on vm->inodes.  ns_lock held. */
static struct inode *inode_alloc(struct objvm *vm, enum backing_kind backing)
{
	struct inode *inode = calloc(1, sizeof(*inode));
	struct address_space *mapping;

	if (!inode)
		return NULL;
	inode->vm = vm;
	inode->backing = backing;
	inode->b_ops = backing_ops_of(backing);
	inode->host.fd = -1;
	vm_lock_init(&inode->i_sem, LOCK_I_SEM);
	vm_lock_init(&inode->blocks_lock, LOCK_BACKING);
	radix_tree_init(&inode->blocks);

	mapping = &inode->mapping;
	mapping->host = inode;
	vm_lock_init(&mapping->tree_lock, LOCK_PAGECACHE);
	radix_tree_init(&mapping->page_tree);
	radix_tree_init(&mapping->shadows);
	vm_lock_init(&mapping->i_mmap_lock, LOCK_I_MMAP);
	itree_init(&mapping->i_mmap);
	list_init(&mapping->i_mmap_list);
	list_init(&mapping->i_mmap_nonlinear);

	list_add_tail(&inode->link, &vm->inodes);
	return inode;
}

/* Frees an inode with an empty cache and a released store.  ns_lock held;
 * the inode is off vm->inodes. */
static void inode_free(struct inode *inode)
{
	VM_BUG_ON(inode->mapping.nrpages != 0);
	radix_tree_destroy(&inode->mapping.page_tree);
	radix_tree_destroy(&inode->mapping.shadows);
	vm_lock_destroy(&inode->mapping.tree_lock);
	vm_lock_destroy(&inode->mapping.i_mmap_lock);
	vm_lock_destroy(&inode->blocks_lock);
	vm_lock_destroy(&inode->i_sem);
	free(inode->path);
	free(inode);
}

/* Frees the inodes a last iput() left I_CLEAR.  ns_lock held. */
static void reap_clear_inodes(struct objvm *vm)
{
	struct list_head *pos, *n;

	if (atomic_load(&vm->ns->nr_clear) == 0)
		return;
	list_for_each_safe(pos, n, &vm->inodes) {
		struct inode *inode = list_entry(pos, struct inode, link);

		if (atomic_load(&inode->i_state) != I_CLEAR)
			continue;
		list_del(&inode->link);
		inode_free(inode);
		atomic_fetch_sub(&vm->ns->nr_clear, 1);
	}
}

/*
 * Names @inode @name: one more link, and a reference for it.  ns_lock
 * held.
 */
static int inode_add_name(struct objvm *vm, struct inode *inode,
			  const char *name)
{
	int err = ns_link(vm->ns, name, inode);

	if (err)
		return err;
	inode->i_nlink++;
	inode->linked = true;
	atomic_fetch_add(&inode->i_count, 1);
	return 0;
}

/*
 * Makes an inode named @name, with one reference for the name.  For the
 * host backing @create says whether to create the host file or to find
 * one an earlier machine left (-ENOENT when there is none); a host file
 * that an inode already has under another name (a hard link) gets that
 * inode, with @name as one more name.  ns_lock held.
 */
static int inode_link_new(struct objvm *vm, const char *name, bool create,
			  int accmode, struct inode **out)
{
	enum backing_kind backing = vm->backing_dir ? BACKING_HOST
						    : BACKING_MEMORY;
	struct inode *inode;
	struct stat st;
	int fd = -1, err;

	if (backing == BACKING_HOST) {
		err = backing_host_open(vm, name, create, accmode, &fd, &st);
		if (err)
			return err;
		inode = host_find(vm->ns, st.st_dev, st.st_ino);
		if (inode) {
			err = inode_add_name(vm, inode, name);
			if (err)
				goto fail;
			host_inode_adopt(inode, fd, accmode);
			*out = inode;
			return 0;
		}
	}
	err = -ENOMEM;
	inode = inode_alloc(vm, backing);
	if (!inode)
		goto fail;
	inode->path = strdup(name);
	if (!inode->path)
		goto fail_inode;
	if (backing == BACKING_HOST) {
		host_inode_init(inode, fd, accmode, &st);
		fd = -1; /* the inode's now */
		i_size_write(inode, st.st_size);
		if (host_inode_set_name(inode, name) ||
		    host_hash_add(vm->ns, inode))
			goto fail_inode;
	}
	err = inode_add_name(vm, inode, name);
	if (err) {
		if (backing == BACKING_HOST)
			host_hash_remove(vm->ns, inode);
		goto fail_inode;
	}
	*out = inode;
	return 0;

fail_inode:
	list_del(&inode->link);
	backing_release(inode);
	inode_free(inode);
fail:
	if (fd >= 0)
		close(fd);
	if (create && backing == BACKING_HOST)
		backing_host_unlink(vm, name);
	return err;
}

/*
 * The lookup half of filp_open(): finds or creates @name and takes a
 * reference to its inode.  ns_lock held.
 */
static int open_inode_locked(struct objvm *vm, const char *name, bool dir,
			     int flags, struct inode **out, bool *created)
{
	struct ns_entry *e = ns_find(vm->ns, name, strlen(name));
	struct inode *inode = NULL;
	int err;

	*created = false;
	if ((e && !e->inode) || strcmp(name, "/") == 0)
		return -EISDIR;
	if (!e) {
		err = ns_check_parents(vm->ns, name);
		if (err)
			return err;
	}
	if (dir && e)
		return -ENOTDIR;
	if (dir) /* "/a/" names a directory, which objvm cannot create */
		return flags & OBJVM_O_CREAT ? -EISDIR : -ENOENT;
	if (e) {
		inode = e->inode;
	} else if (vm->backing_dir) {
		err = inode_link_new(vm, name, false, flags, &inode);
		if (err && err != -ENOENT)
			return err;
	}
	if (inode) {
		if ((flags & OBJVM_O_CREAT) && (flags & OBJVM_O_EXCL))
			return -EEXIST;
	} else {
		if (!(flags & OBJVM_O_CREAT))
			return -ENOENT;
		err = inode_link_new(vm, name, true, flags, &inode);
		if (err)
			return err;
		*created = true;
	}
	atomic_fetch_add(&inode->i_count, 1);
	*out = inode;
	return 0;
}

/*
 * filp_open - open(2): find or create @path, return a new struct file.
 *
 * @flags: an access mode (OBJVM_O_RDONLY/WRONLY/RDWR; 3 opens for neither
 * reading nor writing, as on Linux) with OBJVM_O_CREAT, OBJVM_O_EXCL,
 * OBJVM_O_TRUNC; other bits are ignored.  O_TRUNC is the caller's to
 * apply (objvm_open truncates through do_truncate(), which is above fs/).
 *
 * Context: no lock held; takes ns_lock.
 * Return: 0 and *@out (f_count 1); -ENOENT (missing without O_CREAT, or
 * @path not absolute), -EEXIST (O_CREAT|O_EXCL on an existing file),
 * -ENAMETOOLONG (path over 4095 bytes or a component over 255),
 * -EISDIR (a directory: "/", one that holds files, or a path ending in
 * '/' with O_CREAT), -ENOTDIR (a file used as a directory), -ENOSYS
 * (under /hugetlbfs for now), -ENOMEM, or the host's errno.
 * Models: fs/open.c filp_open() and fs/namei.c open_namei() (2.6.11).
 */
int filp_open(struct objvm *vm, const char *path, int flags, struct file **out)
{
	struct inode *inode = NULL;
	struct file *file;
	bool dir, created;
	char *name;
	int err;

	err = path_normalise(path, &name, &dir);
	if (err)
		return err;
	file = calloc(1, sizeof(*file));
	if (!file || path_is_hugetlbfs(name)) {
		err = file ? -ENOSYS : -ENOMEM;
		goto out;
	}
	vm_lock(&vm->ns_lock);
	reap_clear_inodes(vm);
	err = open_inode_locked(vm, name, dir, flags, &inode, &created);
	vm_unlock(&vm->ns_lock);
	if (err)
		goto out;

	err = backing_open(inode, flags & OBJVM_O_ACCMODE);
	if (err) {
		iput(inode);
		goto out;
	}
	file->inode = inode;
	file->flags = flags & OBJVM_O_ACCMODE;
	atomic_store(&file->f_count, 1);
	*out = file;
	file = NULL;
out:
	free(file);
	free(name);
	return err;
}

/*
 * shmem_file_setup - an unnamed shmem inode of @size bytes, open O_RDWR.
 *
 * Context: no lock held; takes ns_lock (vm->inodes).
 * Return: 0 and *@out; -EINVAL for a negative @size or one past
 * MAX_LFS_FILESIZE; -ENOMEM.
 * Models: mm/shmem.c shmem_file_setup() (2.6.11).
 */
int shmem_file_setup(struct objvm *vm, int64_t size, struct file **out)
{
	struct inode *inode;
	struct file *file;

	if (size < 0 || size > MAX_LFS_FILESIZE)
		return -EINVAL;
	file = calloc(1, sizeof(*file));
	if (!file)
		return -ENOMEM;
	vm_lock(&vm->ns_lock);
	reap_clear_inodes(vm);
	inode = inode_alloc(vm, BACKING_SHMEM);
	vm_unlock(&vm->ns_lock);
	if (!inode) {
		free(file);
		return -ENOMEM;
	}
	i_size_write(inode, size);
	atomic_store(&inode->i_count, 1);
	file->inode = inode;
	file->flags = OBJVM_O_RDWR;
	atomic_store(&file->f_count, 1);
	*out = file;
	return 0;
}

/* Some name of @inode in the namespace, or NULL.  ns_lock held. */
static const char *ns_name_of(struct namespace *ns, const struct inode *inode)
{
	struct ns_entry *e;
	size_t i;

	for (i = 0; i < ns->nr_buckets; i++)
		for (e = ns->buckets[i]; e; e = e->next)
			if (e->inode == inode)
				return e->path;
	return NULL;
}

/*
 * The name @name of @inode is gone from the namespace.  The last one
 * takes the inode out of the host table (its (dev, ino) may name another
 * file once it dies); another leaves the host file a name to be reopened
 * by (a hard link: a scan, the one place that needs one).  The caller
 * drops the name's reference.  ns_lock held.
 */
static void inode_drop_name(struct objvm *vm, struct inode *inode,
			    const char *name)
{
	VM_BUG_ON(inode->i_nlink == 0);
	if (--inode->i_nlink == 0) {
		inode->linked = false;
		if (inode->backing == BACKING_HOST) {
			host_hash_remove(vm->ns, inode);
			host_inode_set_name(inode, NULL);
		}
		return;
	}
	if (inode->backing == BACKING_HOST && inode->host.name &&
	    strcmp(inode->host.name, name) == 0)
		host_inode_set_name(inode, ns_name_of(vm->ns, inode));
}

/*
 * fs_unlink - unlink(2): remove the name @path.
 *
 * The inode lives on while files refer to it; with a host backing the
 * host file goes too (its open descriptor keeps the bytes reachable), and
 * so do the host directories that are left empty.
 *
 * Context: no lock held; takes ns_lock; the last iput() may follow.
 * Return: 0; -ENOENT, -EISDIR (a directory), -ENOTDIR, -ENAMETOOLONG,
 * -ENOSYS (hugetlbfs), -ENOMEM, or the host's errno (the name stays).
 * Models: fs/namei.c sys_unlink() and vfs_unlink() (2.6.11).
 */
int fs_unlink(struct objvm *vm, const char *path)
{
	struct inode *inode = NULL;
	struct ns_entry *e;
	bool dir;
	char *name;
	int err;

	err = path_normalise(path, &name, &dir);
	if (err)
		return err;
	if (path_is_hugetlbfs(name)) {
		free(name);
		return -ENOSYS;
	}
	vm_lock(&vm->ns_lock);
	reap_clear_inodes(vm);
	e = ns_find(vm->ns, name, strlen(name));
	if ((e && !e->inode) || strcmp(name, "/") == 0)
		err = -EISDIR;
	else if (e && dir)
		err = -ENOTDIR;
	else if (!e)
		err = ns_check_parents(vm->ns, name);
	if (!err && !e) {
		/* Perhaps a host file an earlier machine left. */
		err = vm->backing_dir ? backing_host_unlink(vm, name) : -ENOENT;
	} else if (!err && vm->backing_dir) {
		err = backing_host_unlink(vm, name);
		if (err == -ENOENT)
			err = 0; /* removed behind our back: the name goes */
	}
	if (!err && e) {
		inode = e->inode;
		ns_unlink(vm->ns, e);
		inode_drop_name(vm, inode, name);
	}
	vm_unlock(&vm->ns_lock);
	free(name);
	if (inode)
		iput(inode);
	return err;
}

/* The last reference went: empty the cache, release the store, free. */
static void iput_final(struct inode *inode)
{
	struct objvm *vm = inode->vm;

	/* Only the namespace link could make writing back worth it. */
	VM_BUG_ON(inode->linked);
	atomic_store(&inode->i_state, I_FREEING);
	evict_inode_pages(&inode->mapping);
	backing_release(inode);
	if (vm_trylock(&vm->ns_lock)) {
		list_del(&inode->link);
		inode_free(inode);
		vm_unlock(&vm->ns_lock);
		return;
	}
	/* Count first: whoever sees I_CLEAR may free it at once. */
	atomic_fetch_add(&vm->ns->nr_clear, 1);
	atomic_store(&inode->i_state, I_CLEAR);
}

/*
 * iput - drop a reference to @inode.  The last one (the name is gone and
 * no file is open) removes every cached page without writing it back, as
 * 2.6 did for a deleted inode, releases the store and frees the inode.
 *
 * Context: no page lock held; may hold mmap_lock (see the file header);
 * takes page locks, tree_lock, and tries ns_lock.
 * Models: fs/inode.c iput() and generic_delete_inode() (2.6.11).
 */
void iput(struct inode *inode)
{
	int old = atomic_fetch_sub(&inode->i_count, 1);

	VM_BUG_ON(old <= 0);
	if (old == 1)
		iput_final(inode);
}

/*
 * fput - drop a reference to @file; the last one drops its inode.
 *
 * Context: as iput().
 * Models: fs/file_table.c fput() (2.6.11).
 */
void fput(struct file *file)
{
	int old = atomic_fetch_sub(&file->f_count, 1);

	VM_BUG_ON(old <= 0);
	if (old != 1)
		return;
	backing_close(file->inode);
	iput(file->inode);
	free(file);
}

/*
 * fs_init - an empty namespace; with @backing_dir, files live in that
 * host directory (which must exist) and those already there are found.
 *
 * Context: machine creation, after vm->ns_lock and vm->inodes are
 * initialised (machine.c owns them); no lock held.
 * Return: 0, -ENOMEM, or the host's errno for @backing_dir (-ENOTDIR if
 * it is not a directory).
 */
int fs_init(struct objvm *vm, const char *backing_dir)
{
	struct namespace *ns;
	char *dir = NULL;
	struct stat st;

	if (backing_dir) {
		dir = realpath(backing_dir, NULL);
		if (!dir)
			return -errno;
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(dir);
			return -ENOTDIR;
		}
		if (strcmp(dir, "/") == 0)
			dir[0] = '\0'; /* paths already start with '/' */
	}
	ns = calloc(1, sizeof(*ns));
	if (ns)
		ns->buckets = calloc(NS_MIN_BUCKETS, sizeof(*ns->buckets));
	if (!ns || !ns->buckets) {
		free(ns);
		free(dir);
		return -ENOMEM;
	}
	ns->nr_buckets = NS_MIN_BUCKETS;
	ns->host_dirfd = -1;
	if (dir) {
		ns->host_dirfd = open(dir[0] ? dir : "/",
				      O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (ns->host_dirfd < 0) {
			int err = -errno;

			free(ns->buckets);
			free(ns);
			free(dir);
			return err;
		}
	}
	vm->ns = ns;
	vm->backing_dir = dir;
	return 0;
}

static void ns_free(struct namespace *ns)
{
	struct ns_entry *e, *next;
	size_t i;

	for (i = 0; i < ns->nr_buckets; i++) {
		for (e = ns->buckets[i]; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(ns->buckets);
	free(ns->host_buckets);
	if (ns->host_dirfd >= 0)
		close(ns->host_dirfd);
	free(ns);
}

/*
 * fs_destroy - write back the dirty pages of every named file, then drop
 * every cached page and free every inode, name and the namespace.
 *
 * Nothing may be mapped any more, and no struct file be used after: files
 * still open are not freed (they are not tracked) but their inodes are.
 * Dirty pages that cannot be written are dropped with the rest: this is
 * the last chance, so the caller is told which file lost data.
 *
 * Context: machine destruction, no other thread running; takes ns_lock,
 * page locks, tree_lock.
 * Return: 0, or the negative errno of the first write-back that failed,
 * with that file's path in @path (@len bytes; @path may be NULL).
 * Models: fs/super.c generic_shutdown_super() (sync, then evict).
 */
int fs_destroy(struct objvm *vm, char *path, size_t len)
{
	struct list_head *pos, *n;
	int err, ret = 0;

	if (!vm->ns)
		return 0;
	vm_lock(&vm->ns_lock);
	list_for_each_safe(pos, n, &vm->inodes) {
		struct inode *inode = list_entry(pos, struct inode, link);

		if (atomic_load(&inode->i_state) == 0) {
			err = inode->linked
				      ? filemap_write_range(&inode->mapping, 0,
							    UINT64_MAX)
				      : 0;
			if (err && !ret) {
				ret = err;
				if (path && len)
					snprintf(path, len, "%s", inode->path);
			}
			evict_inode_pages(&inode->mapping);
			backing_release(inode);
		}
		list_del(&inode->link);
		inode_free(inode);
	}
	vm_unlock(&vm->ns_lock);
	ns_free(vm->ns);
	vm->ns = NULL;
	free(vm->backing_dir);
	vm->backing_dir = NULL;
	return ret;
}
