/*
 * fs/fs.h - files: inodes, their address_space, open files, the namespace
 * and the backing stores under them.
 *
 * An inode is a file's identity and size; its address_space holds the
 * page cache and the reverse map of the VMAs that map it.  A struct file
 * is one open (an access mode), shared by dup'ed descriptors, forked
 * descriptor tables and the VMAs that map it.  The namespace maps paths
 * to inodes; an unlinked inode lives while any file refers to it.
 *
 * Backing stores are where the bytes of a file live below the page cache:
 *   memory  - inside objvm, a sparse array of blocks (the default); it
 *             behaves like a disk: clean pages can be dropped and read back
 *   host    - one real file per objvm file under a host directory, read
 *             and written with pread/pwrite; one inode per host file,
 *             found by (st_dev, st_ino), whatever names reach it
 *   shmem   - no store at all: the page cache is the file (shared
 *             anonymous memory); its pages cannot be dropped
 * Each is a const struct backing_operations (fs/backing.c).
 *
 * Lifetimes: inode->i_count counts the namespace links (i_nlink of them:
 * a host file may have several names), every struct file and nothing
 * else (VMAs hold their file).  The last iput() drops the page cache and
 * frees the inode.  (It comes only after the last unlink, so there is
 * nothing to write back: like 2.6 for a deleted inode, it drops dirty
 * pages unwritten.  fs_destroy() writes back named files.)
 *
 * Write-back errors: a page whose write-back fails stays dirty and the
 * error is kept on its address_space (AS_EIO, AS_ENOSPC) until the next
 * fsync or msync returns it, once; what still cannot be written when the
 * machine ends is reported by fs_destroy() (objvm_destroy_report()).
 *
 * Models: fs/inode.c, fs/open.c, include/linux/fs.h (2.6.11).
 */
#ifndef OBJVM_FS_H
#define OBJVM_FS_H

#include <sys/types.h>

#include "vm.h"
#include "lib/itree.h"
#include "lib/radix.h"

/*
 * struct address_space - a file's page cache and reverse map.
 *
 * Invariants (checked by check_mapping()):
 *  A1  Every page in page_tree has ->mapping == this and ->index == its key.
 *  A2  nrpages equals the number of pages in page_tree.
 *  A3  i_mmap holds exactly the linear VMAs that map this file;
 *      i_mmap_nonlinear exactly the VM_NONLINEAR ones.
 *  A4  No page at an index >= ceil(i_size / PAGE_SIZE) is in the cache
 *      once a truncate has returned (shmem excepted while mapped).
 *  A5  Every unlocked page in page_tree is uptodate: a read that fails
 *      takes its page out of the cache again (fs/filemap.c).
 */
struct address_space {
	struct inode *host;

	/* LOCK_PAGECACHE (tree_lock): */
	struct vm_lock tree_lock;
	struct radix_tree_root page_tree; /* index -> struct page */
	unsigned long nrpages;
	/* Indices whose page reclaim evicted: a page read in again there
	 * is a refault (Linux keeps shadow entries in the page tree). */
	struct radix_tree_root shadows;

	/* LOCK_I_MMAP (i_mmap_lock): */
	struct vm_lock i_mmap_lock;
	struct itree_root i_mmap;     /* linear VMAs, by pgoff range */
	struct list_head i_mmap_list; /* linear VMAs, list schemes */
	unsigned long i_mmap_list_count;
	struct list_head i_mmap_nonlinear; /* VM_NONLINEAR VMAs */
	unsigned long i_mmap_writable;     /* VM_SHARED VMAs */
	/*
	 * Bumped under i_mmap_lock by every unmap_mapping_range(); read
	 * without it by do_no_page() (the 2.6.11 truncate race protocol,
	 * see truncate/truncate.c).
	 */
	atomic_ulong truncate_count;

	/*
	 * AS_EIO, AS_ENOSPC: a write-back failed since the last fsync or
	 * msync collected it (set by any writer, taken by
	 * filemap_check_errors()).  The page itself stays dirty, so a
	 * later write-back tries again.
	 */
	atomic_uint flags;
};

#define AS_EIO    0x1U /* a write-back failed with an I/O error */
#define AS_ENOSPC 0x2U /* a write-back failed: the store was full */

enum backing_kind { BACKING_MEMORY, BACKING_HOST, BACKING_SHMEM };

/*
 * struct backing_operations - what one kind of store does (2.6's
 * address_space_operations).  Every method is present; a store with
 * nothing to do has a real function that does nothing.  The bytes a
 * method sees are only those below i_size (@valid of PAGE_SIZE): the
 * EOF rule is kept once, in fs/backing.c.
 */
struct backing_operations {
	const char *name;
	unsigned int caps; /* BACKING_CAP_* */

	/* A struct file of @accmode (OBJVM_O_*) opens on the inode, or its
	 * last reference goes.  Context: no page lock held. */
	int (*open)(struct inode *inode, int accmode);
	void (*close)(struct inode *inode);

	/* Fills @dst with the store's first @valid bytes of page @index
	 * and zeros after them.  Context: that page locked. */
	int (*readpage)(struct inode *inode, pgoff_t index, void *dst,
			size_t valid);
	/* Stores the first @valid bytes of @src as page @index (nothing
	 * when @valid is 0).  Context: that page locked. */
	int (*writepage)(struct inode *inode, pgoff_t index, const void *src,
			 size_t valid);
	/* How many of the @len bytes at @off the store can take (a write
	 * of them then cannot fail for want of space), or a negative errno
	 * (-ENOSPC) when not one.  Context: i_sem held. */
	ssize_t (*reserve)(struct inode *inode, int64_t off, size_t len);
	/* Drops what lies at or past @size.  Context: i_sem held. */
	int (*truncate)(struct inode *inode, int64_t size);
	/* The inode is dying: let go of the store (not the host file). */
	void (*release)(struct inode *inode);
};

/* The page cache is the file: nothing is written back or dropped (2.6's
 * BDI_CAP_NO_WRITEBACK, as for ramfs and shmem). */
#define BACKING_CAP_NO_WRITEBACK 0x1U

extern const struct backing_operations memory_backing_ops;
extern const struct backing_operations host_backing_ops;

/* The operations of @kind (fs/backing.c holds the table). */
const struct backing_operations *backing_ops_of(enum backing_kind kind);

/*
 * The host side of a BACKING_HOST inode (fs/store_host.c).  dev and ino
 * are fixed; the rest is under blocks_lock.
 */
struct host_file {
	int fd;                 /* -1 while nothing holds it */
	int mode;               /* O_RDONLY or O_RDWR: what fd allows */
	unsigned long nr_files; /* struct files open on the inode */
	unsigned long nr_io;    /* I/Os in flight on fd */
	char *name;             /* a name the file has now (to reopen) */
	dev_t dev;              /* the host's identity of the file */
	ino_t ino;
	struct inode *hash_next; /* ns host table (ns_lock) */
};

struct inode {
	struct objvm *vm;
	struct list_head link; /* on vm->inodes, under ns_lock */
	atomic_int i_count;    /* namespace link + struct files */

	/* LOCK_I_SEM: size changes, write(), fsync, truncate. */
	struct vm_lock i_sem;
	_Atomic int64_t i_size; /* written under i_sem; read anywhere */

	char *path;           /* the name it was created under (kept after
				unlink, for maps); NULL for shmem */
	bool linked;          /* has a name (ns_lock) */
	unsigned int i_nlink; /* names in the namespace (ns_lock) */
	enum backing_kind backing;
	const struct backing_operations *b_ops; /* of ->backing; fixed */
	struct host_file host;                  /* BACKING_HOST */
	struct radix_tree_root blocks; /* BACKING_MEMORY: index -> 4 KiB
					  block (under i_sem or the page
					  lock of that index) */
	struct vm_lock blocks_lock;    /* LOCK_BACKING: ->blocks */

	/*
	 * I_FREEING from the last iput() until the cache is empty and the
	 * store released, then I_CLEAR until the inode is taken off
	 * vm->inodes and freed under ns_lock (fs/namespace.c).  Written by
	 * the last iput() only; read under ns_lock.
	 */
	atomic_int i_state;

	struct address_space mapping;
};

#define I_FREEING 1
#define I_CLEAR   2

struct file {
	struct inode *inode;
	int flags;          /* OBJVM_O_* access mode */
	atomic_int f_count; /* descriptors + VMAs */
};

static inline int64_t i_size_read(const struct inode *inode)
{
	return atomic_load_explicit(&((struct inode *)inode)->i_size,
				    memory_order_acquire);
}

static inline void i_size_write(struct inode *inode, int64_t size)
{
	atomic_store_explicit(&inode->i_size, size, memory_order_release);
}

/* The most bytes a file may hold (ext4-like s_maxbytes, 16 TiB). */
#define MAX_LFS_FILESIZE (16LL << 40)

/* --- namespace and files (fs/namei.c) ------------------------------------ */

int fs_init(struct objvm *vm, const char *backing_dir);
/*
 * Writes back and frees every inode; called at machine destruction.
 * Returns 0, or the negative errno of the first file whose dirty data
 * could not be written back, with its path in @path (@len bytes, may be
 * NULL).
 */
int fs_destroy(struct objvm *vm, char *path, size_t len);

/* Returns a new struct file (f_count 1) or a negative errno. */
int filp_open(struct objvm *vm, const char *path, int flags, struct file **out);
/* An unnamed shmem inode of @size bytes for MAP_SHARED|MAP_ANONYMOUS. */
int shmem_file_setup(struct objvm *vm, int64_t size, struct file **out);
int fs_unlink(struct objvm *vm, const char *path);

static inline void get_file(struct file *file)
{
	atomic_fetch_add(&file->f_count, 1);
}

void fput(struct file *file);
void iput(struct inode *inode);

/* --- read/write through the page cache (mm/filemap.c) --------------------- */

ssize_t file_pread(struct file *file, void *buf, size_t len, int64_t off);
ssize_t file_pwrite(struct file *file, const void *buf, size_t len,
		    int64_t off);
int file_fsync(struct file *file);

/*
 * Returns the page at @index with a reference, reading it from the backing
 * store if needed; NULL and *err = -ENOMEM when no frame could be had.
 * @major is set when the backing store was read.  The page is uptodate and
 * unlocked.  Does not look at i_size: callers do.
 */
struct page *read_cache_page(struct address_space *mapping, pgoff_t index,
			     bool *major, int *err);

/* The page at @index with a reference, or NULL; never reads. */
struct page *find_get_page(struct address_space *mapping, pgoff_t index);

/*
 * Writes back the dirty pages of [first, last] (page indices); a failure
 * is kept on the mapping (AS_*) and the page stays dirty.  Returns the
 * first error of this pass and leaves what it kept for the next fsync or
 * msync: munmap, exit and reclaim call it.
 * Context: no page lock held (it takes them).
 */
int filemap_write_range(struct address_space *mapping, pgoff_t first,
			pgoff_t last);

/* Reclaim: removes locked, clean @page if only the cache and the caller
 * hold it, leaving a shadow so a later read counts as a refault; whether
 * it did. */
bool remove_mapping_page(struct address_space *mapping, struct page *page);

/*
 * filemap_write_range(), then filemap_check_errors(): what fsync and
 * msync return.  Context: as filemap_write_range().
 */
int filemap_write_and_check_range(struct address_space *mapping, pgoff_t first,
				  pgoff_t last);

/*
 * Writes back one locked page if it is dirty: PG_dirty is cleared, the
 * store written; on failure the page is dirty again and the error kept
 * on its mapping (AS_*).  This is what reclaim calls for one page.
 * Context: @page locked, in a cache, a reference held; takes the store's
 * lock.  Return: 0 (also for a clean page) or the store's error.
 */
int writepage_locked(struct page *page);

/* Keeps a write-back failure on @mapping: AS_ENOSPC for -ENOSPC (and
 * -EDQUOT), AS_EIO for any other error. */
void mapping_set_error(struct address_space *mapping, int err);

/* Takes what mapping_set_error() kept: -EIO, -ENOSPC or 0, once. */
int filemap_check_errors(struct address_space *mapping);

/* Removes a locked page from the cache (truncate, invalidate, drop). */
void remove_from_page_cache(struct page *page);

/* Counts and frees clean, unmapped cache pages of every inode. */
unsigned long drop_pagecache(struct objvm *vm);

/* --- the backing store of an inode (fs/backing.c) ------------------------- */

int backing_open(struct inode *inode, int accmode);
void backing_close(struct inode *inode);
int backing_readpage(struct inode *inode, pgoff_t index, void *dst);
int backing_writepage(struct inode *inode, pgoff_t index, const void *src);
/* Drops whatever the store holds at or past @size. */
int backing_truncate(struct inode *inode, int64_t size);
/* Makes room for a write of @len bytes at @off: the bytes that fit, or a
 * negative errno (-ENOSPC) when none does. */
ssize_t backing_reserve(struct inode *inode, int64_t off, size_t len);
void backing_release(struct inode *inode);

/* --- additions (fs/filemap.c, fs/check_fs.c) ----------------------------- */

/*
 * Inserts the locked, not yet visible @page at @index, taking a reference
 * for the cache; 0, -EEXIST (someone was first) or -ENOMEM.
 * Context: @page locked; takes tree_lock.
 */
int add_to_page_cache(struct page *page, struct address_space *mapping,
		      pgoff_t index);

/*
 * Zeroes the cached bytes from @from to the end of its page, if that page
 * is cached, before i_size grows from @from to @to: bytes past EOF (stored
 * through a mapping) then read back as zeros, as on ext4.  The store
 * itself never holds bytes at or past i_size.
 * Context: i_sem held; takes the page lock.
 */
void pagecache_isize_extended(struct inode *inode, int64_t from, int64_t to);

/*
 * Removes every page of a dying inode's cache, dirty or not, without
 * writing anything back.  Context: nobody else can reach the inode; takes
 * page locks and tree_lock.
 */
void evict_inode_pages(struct address_space *mapping);

/*
 * Checks A1, A2 and A5 (plus: every cached page holds a reference for the
 * cache).  On failure writes one line naming the rule and the objects to
 * @msg ("A1 mapping /db/t: page pfn 12 at index 3 has index 4").
 * Context: takes tree_lock; no lock of rank >= LOCK_PAGECACHE held.
 */
bool check_mapping(struct address_space *mapping, char *msg, size_t len);

#endif /* OBJVM_FS_H */
