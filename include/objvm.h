/*
 * objvm.h - the public interface of libobjvm.
 *
 * libobjvm simulates a machine with physical frames that hold real bytes, a
 * page cache over files, and tasks whose address spaces are made of VMAs
 * and four-level software page tables.  The calls below are shaped like the
 * Linux system calls they model: the same arguments, the same checks and
 * the same errno values (returned negated).  Memory of a task is read and
 * written with objvm_load() / objvm_store(), which fault like a CPU would.
 *
 * Every call may be made from any host thread; one host thread per task
 * at a time is the expected use.  All handles are opaque.
 *
 * The invariant checker (objvm_check(), and the checks that
 * OBJVM_CHECK_AT_END and OBJVM_CHECK_EACH_CALL run) stops the world: it
 * waits until no call is in progress on the machine, holds back new calls
 * while it looks, and so may be called while other threads drive other
 * tasks.  Loads and stores that hit the software TLB go on meanwhile (they
 * change nothing it reads).  A callback given to objvm_maps() runs inside
 * a call and must not call objvm again.
 *
 * Errors: calls return 0 (or a count) on success and a negative errno on
 * failure; objvm_errname() turns one into its symbolic name.  A NULL
 * where a buffer, path or result pointer is needed answers -EFAULT, as a
 * bad user pointer does in a system call.  A task that
 * has exited, or was killed by the OOM killer, answers -ESRCH to every
 * call until its handle is released with objvm_task_release().
 */
#ifndef OBJVM_H
#define OBJVM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#include "objvm/version.h"

#if defined(__GNUC__)
#define OBJVM_API __attribute__((visibility("default")))
#else
#define OBJVM_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct objvm;      /* one simulated machine */
struct objvm_task; /* a task: credentials, descriptors, an address space */

/* Sizes of the simulated machine (x86-64). */
#define OBJVM_PAGE_SIZE  4096ULL
#define OBJVM_HPAGE_SIZE (2ULL << 20)

/* mmap/mprotect protections: the Linux values. */
#define OBJVM_PROT_NONE  0x0
#define OBJVM_PROT_READ  0x1
#define OBJVM_PROT_WRITE 0x2
#define OBJVM_PROT_EXEC  0x4

/* mmap flags: the Linux x86-64 values, plus OBJVM_MAP_NONLINEAR. */
#define OBJVM_MAP_SHARED          0x01
#define OBJVM_MAP_PRIVATE         0x02
#define OBJVM_MAP_FIXED           0x10
#define OBJVM_MAP_ANONYMOUS       0x20
#define OBJVM_MAP_LOCKED          0x2000
#define OBJVM_MAP_NORESERVE       0x4000
#define OBJVM_MAP_POPULATE        0x8000
#define OBJVM_MAP_NONBLOCK        0x10000
#define OBJVM_MAP_HUGETLB         0x40000
#define OBJVM_MAP_FIXED_NOREPLACE 0x100000
#define OBJVM_MAP_NONLINEAR       0x10000000 /* vm.nonlinear=pinned windows */

/* mremap flags. */
#define OBJVM_MREMAP_MAYMOVE 1
#define OBJVM_MREMAP_FIXED   2

/* msync flags. */
#define OBJVM_MS_ASYNC      1
#define OBJVM_MS_INVALIDATE 2
#define OBJVM_MS_SYNC       4

/* madvise advice. */
#define OBJVM_MADV_NORMAL     0
#define OBJVM_MADV_RANDOM     1
#define OBJVM_MADV_SEQUENTIAL 2
#define OBJVM_MADV_WILLNEED   3
#define OBJVM_MADV_DONTNEED   4

/* remap_file_pages flags. */
#define OBJVM_MAP_NONBLOCK_REMAP OBJVM_MAP_NONBLOCK

/* open flags: the Linux values. */
#define OBJVM_O_RDONLY  00
#define OBJVM_O_WRONLY  01
#define OBJVM_O_RDWR    02
#define OBJVM_O_ACCMODE 03
#define OBJVM_O_CREAT   0100
#define OBJVM_O_EXCL    0200
#define OBJVM_O_TRUNC   01000

/* Capabilities a non-root task may be given (root holds all). */
#define OBJVM_CAP_IPC_LOCK (1u << 0)

/* How often the whole-machine invariant checker runs by itself. */
enum objvm_check_level {
	OBJVM_CHECK_OFF = 0,  /* only when objvm_check() is called */
	OBJVM_CHECK_AT_END,   /* also when the machine is destroyed */
	OBJVM_CHECK_EACH_CALL /* also at the end of every public call */
};

struct objvm_config {
	uint64_t mem_bytes;        /* simulated RAM; 0 means 64 MiB */
	uint64_t swap_bytes;       /* swap area; 0 means none */
	unsigned int nr_hugepages; /* initial huge page pool */
	const char *backing_dir;   /* NULL: files live inside objvm; else a
				    host directory holding one real file
				    per objvm file */
	uint64_t seed; /* for every random choice the machine makes */
	enum objvm_check_level check;
	const char *swapfile; /* NULL: swap lives in host memory; else a host
				 file (created, 0600) that holds it */
	bool kswapd;          /* start the background reclaimer; off, reclaim
				 happens only when an allocation finds no
				 free frame and at objvm_reclaim() */
};

/* Results of objvm_load(), objvm_store() and objvm_touch(), besides 0. */
enum objvm_access_result {
	OBJVM_ACCESS_OK = 0,
	OBJVM_SIGBUS = 7,   /* the task got SIGBUS; nothing was transferred */
	OBJVM_SIGSEGV = 11, /* the task got SIGSEGV; nothing was transferred */
	OBJVM_OOM = 1000,   /* memory could not be had: the task was killed */
};

struct objvm_cred {
	unsigned int uid;  /* 0: root, holds every capability */
	unsigned int caps; /* OBJVM_CAP_* for a non-root task */
};

struct objvm_stat {
	uint64_t size; /* file size in bytes */
};

/* One VMA as objvm_maps() reports it. */
struct objvm_map_info {
	uint64_t start, end; /* [start, end) */
	int prot;            /* OBJVM_PROT_* */
	bool shared;         /* VM_SHARED (MAP_SHARED of a writable file) */
	bool mayshare;       /* VM_MAYSHARE: any MAP_SHARED mapping */
	bool locked;         /* VM_LOCKED */
	bool nonlinear;      /* VM_NONLINEAR */
	bool hugetlb;        /* VM_HUGETLB */
	uint64_t pgoff;      /* file offset of start, in pages */
	const char *path;    /* the file's path; NULL for anonymous memory.
				Valid only during the callback. */
};

/* --- the machine -------------------------------------------------------- */

OBJVM_API unsigned int objvm_version(void);
OBJVM_API const char *objvm_errname(int err);

OBJVM_API int objvm_create(const struct objvm_config *config,
			   struct objvm **out);
/* Releases every task and file; with OBJVM_CHECK_AT_END or above, runs the
 * checker first and returns -1 (after printing the report to stderr) when
 * it fails.  The dirty data of every file that still has a name is written
 * back to its store first; when some could not be (the host's disk is
 * full), a line naming the file and the error goes to stderr and the
 * result is -1 too.  Else 0. */
OBJVM_API int objvm_destroy(struct objvm *vm);
/* objvm_destroy(), telling the caller instead of stderr whether every
 * file's data reached its store: *@wb_err is 0, or the negative errno of
 * the first write-back that failed, and then @path (@len bytes) holds that
 * file's path.  Returns -1 when the check failed, else 0. */
OBJVM_API int objvm_destroy_report(struct objvm *vm, int *wb_err, char *path,
				   size_t len);

/* Runs every invariant checker over the whole machine.  Returns 0, or -1
 * with a report naming the broken rule and the object written to @buf. */
OBJVM_API int objvm_check(struct objvm *vm, char *buf, size_t len);

OBJVM_API int objvm_sysctl_set(struct objvm *vm, const char *name,
			       const char *value);
OBJVM_API int objvm_sysctl_get(struct objvm *vm, const char *name, char *buf,
			       size_t len);

/* Reclaims up to @nr pages (writing dirty ones back, swapping anonymous
 * ones out, as the machine's reverse-map scheme finds their ptes);
 * returns how many were freed. */
OBJVM_API long objvm_reclaim(struct objvm *vm, unsigned long nr);
/* Starts (@on) or stops the background reclaimer; 0 or -errno. */
OBJVM_API int objvm_set_kswapd(struct objvm *vm, bool on);
OBJVM_API int objvm_drop_caches(struct objvm *vm);

/* Statistics: a fixed list of named counters, summed on read. */
OBJVM_API size_t objvm_stat_count(void);
OBJVM_API const char *objvm_stat_name(size_t i);
/* One sentence saying what counter @i counts; NULL past the last. */
OBJVM_API const char *objvm_stat_help(size_t i);
OBJVM_API uint64_t objvm_stat_read(struct objvm *vm, size_t i);
/* Returns 0 and the value, or -ENOENT for an unknown name. */
OBJVM_API int objvm_stat_get(struct objvm *vm, const char *name,
			     uint64_t *value);

/* --- tasks -------------------------------------------------------------- */

OBJVM_API int objvm_spawn(struct objvm *vm, const struct objvm_cred *cred,
			  struct objvm_task **out);
OBJVM_API int objvm_fork(struct objvm_task *parent, struct objvm_task **child);
/* Releases the address space and descriptors; the handle stays valid
 * (answering -ESRCH) until objvm_task_release(). */
OBJVM_API int objvm_exit(struct objvm_task *task);
OBJVM_API void objvm_task_release(struct objvm_task *task);
OBJVM_API bool objvm_task_alive(const struct objvm_task *task);

/* --- files -------------------------------------------------------------- */

/* Returns a descriptor (>= 0) or a negative errno. */
OBJVM_API int objvm_open(struct objvm_task *task, const char *path, int flags);
OBJVM_API int objvm_close(struct objvm_task *task, int fd);
OBJVM_API int objvm_unlink(struct objvm_task *task, const char *path);
OBJVM_API int objvm_ftruncate(struct objvm_task *task, int fd, int64_t size);
/* Returns the bytes written: short when the file's store (a host disk) has
 * room for only part of them, -ENOSPC when it has room for none. */
OBJVM_API ssize_t objvm_pwrite(struct objvm_task *task, int fd, const void *buf,
			       size_t len, int64_t off);
OBJVM_API ssize_t objvm_pread(struct objvm_task *task, int fd, void *buf,
			      size_t len, int64_t off);
/* Writes back the file's dirty pages.  A write-back that failed since the
 * last fsync or msync of the file (this one, or one done by munmap, exit or
 * reclaim) is returned once (-ENOSPC, -EIO); the pages stay dirty, so the
 * next write-back tries them again. */
OBJVM_API int objvm_fsync(struct objvm_task *task, int fd);
OBJVM_API int objvm_fstat(struct objvm_task *task, int fd,
			  struct objvm_stat *st);

/* --- memory ------------------------------------------------------------- */

OBJVM_API int objvm_mmap(struct objvm_task *task, uint64_t addr, uint64_t len,
			 int prot, int flags, int fd, int64_t off,
			 uint64_t *out_addr);
OBJVM_API int objvm_munmap(struct objvm_task *task, uint64_t addr,
			   uint64_t len);
OBJVM_API int objvm_mprotect(struct objvm_task *task, uint64_t addr,
			     uint64_t len, int prot);
OBJVM_API int objvm_mremap(struct objvm_task *task, uint64_t old_addr,
			   uint64_t old_len, uint64_t new_len, int flags,
			   uint64_t new_addr, uint64_t *out_addr);
OBJVM_API int objvm_msync(struct objvm_task *task, uint64_t addr, uint64_t len,
			  int flags);
OBJVM_API int objvm_madvise(struct objvm_task *task, uint64_t addr,
			    uint64_t len, int advice);
OBJVM_API int objvm_mlock(struct objvm_task *task, uint64_t addr, uint64_t len);
OBJVM_API int objvm_munlock(struct objvm_task *task, uint64_t addr,
			    uint64_t len);
/* @vec gets one byte per page, bit 0 set when resident. */
OBJVM_API int objvm_mincore(struct objvm_task *task, uint64_t addr,
			    uint64_t len, unsigned char *vec);
/* @fd is -1 unless the pinned policy maps several files in one area. */
OBJVM_API int objvm_remap_file_pages(struct objvm_task *task, uint64_t addr,
				     uint64_t len, int prot, uint64_t pgoff,
				     int flags, int fd);

/* Page states objvm_ptes() reports, one per page. */
enum objvm_pte_state {
	OBJVM_PTE_NONE = 0, /* nothing recorded (no pte, or no VMA) */
	OBJVM_PTE_READ,     /* present, readable, not writable */
	OBJVM_PTE_WRITE,    /* present and writable */
	OBJVM_PTE_ZERO,     /* present: maps the shared zero page */
	OBJVM_PTE_FILE,     /* a file pte: a nonlinear file offset */
	OBJVM_PTE_SWAP,     /* a swap entry */
	OBJVM_PTE_NOACCESS, /* present without access (PROT_NONE) */
};

/* Writes one OBJVM_PTE_* per page of [addr, addr + len) (len rounded up
 * to whole pages) to @vec, as the task's page tables hold them now.
 * -EINVAL for a misaligned @addr, -ENOMEM past the user address space. */
OBJVM_API int objvm_ptes(struct objvm_task *task, uint64_t addr, uint64_t len,
			 unsigned char *vec);

/* Calls @fn for each VMA in address order; stops early if it returns
 * non-zero and returns that value. */
OBJVM_API int objvm_maps(struct objvm_task *task,
			 int (*fn)(void *arg, const struct objvm_map_info *),
			 void *arg);

/* --- access: what a CPU does ---------------------------------------------
 *
 * Each returns OBJVM_ACCESS_OK, OBJVM_SIGSEGV, OBJVM_SIGBUS, OBJVM_OOM, or
 * -ESRCH for a task that no longer exists.  Every page of the range is
 * faulted in before any byte moves, so a signal means nothing moved.
 * @fault_addr, when not NULL, receives the address that faulted.
 */
OBJVM_API int objvm_load(struct objvm_task *task, uint64_t addr, void *buf,
			 size_t len, uint64_t *fault_addr);
OBJVM_API int objvm_store(struct objvm_task *task, uint64_t addr,
			  const void *buf, size_t len, uint64_t *fault_addr);
/* Reads (or, with @write, rewrites in place) one byte of every page of
 * [addr, addr + len), page by page; stops at the first page that faults. */
OBJVM_API int objvm_touch(struct objvm_task *task, uint64_t addr, uint64_t len,
			  bool write, uint64_t *fault_addr);

#ifdef __cplusplus
}
#endif

#endif /* OBJVM_H */
