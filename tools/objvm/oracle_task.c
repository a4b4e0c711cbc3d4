/*
 * tools/objvm/oracle_task.c - a task process of the oracle: it carries out
 * `T: ...` commands with the real system calls and real memory accesses.
 *
 * The controller (oracle.c) sends the index of a command in the script;
 * this process, a fork of the controller, holds the same script, runs the
 * command and answers with a struct oracle_reply and the result text.
 * The text is made with the same functions `objvm run` uses (result.c,
 * tasks.c, commands.c's put_errno), so the two transcripts compare
 * byte for byte.
 *
 * Names: descriptor names stand for real descriptors and mapping names
 * for real addresses, in this process's struct run_task; fork copies them
 * with the rest of the process.
 *
 * Before each command that names memory, oracle_mem_check() applies the
 * safety rule; a refusal answers `skip` with ORACLE_REFUSED.  A call the
 * kernel rejects before it looks at memory (a misaligned start, a length
 * that rounds to nothing or wraps) runs as it is: it cannot touch
 * anything, and its errno is worth comparing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <limits.h>
#include <unistd.h>

#include "beneath.h"
#include "oracle.h"
#include "run.h"

#define PAGE         4096ULL
#define USER_TOP     ((1ULL << 47) - PAGE) /* x86-64 TASK_SIZE */
#define BUF_MAX      (1ULL << 30)          /* as commands.c: largest buffer */
#define POPULATE_MAX (1ULL << 30) /* most memory one command may fill */

static const struct scn_script *script;
static struct run_ctx ctx;
static struct run_task self;
static bool new_child; /* this process was just forked: no reply */

/* The host limits (oracle.h): what this command may still take, and what
 * it took (an upper bound), for the reply. */
static uint64_t mem_left, lock_left, mem_charge, lock_charge;
static bool locked_any; /* a mapping of this process may be locked */

/* --- helpers ------------------------------------------------------------ */

static void put_sys(struct result *res, long rc)
{
	if (rc < 0)
		put_errno(res, -errno);
	else
		result_printf(res, "ok");
}

static void refuse(struct result *res, unsigned int *flags)
{
	result_reset(res);
	result_printf(res, "skip");
	*flags |= ORACLE_SKIP | ORACLE_REFUSED;
}

/*
 * May this command populate @mem more bytes of memory, @lock of them
 * locked?  If not, the reply says ORACLE_LIMIT, and the controller (which
 * knows every task's share) decides; nothing has run.
 */
static bool charge(uint64_t mem, uint64_t lock, struct result *res,
		   unsigned int *flags)
{
	if (mem > mem_left || lock > lock_left) {
		result_reset(res);
		result_printf(res, "%s", lock > lock_left ? "lock" : "mem");
		*flags |= ORACLE_LIMIT;
		return false;
	}
	mem_charge = mem;
	lock_charge = lock;
	return true;
}

/* As commands.c buf_alloc(): a buffer of @len bytes, or an error. */
static unsigned char *buf_alloc(uint64_t len, struct result *res)
{
	unsigned char *buf = NULL;

	if (len <= BUF_MAX)
		buf = malloc(len ? len : 1);
	if (!buf)
		result_error(res, "length %" PRIu64 " out of range", len);
	return buf;
}

static uint64_t page_align(uint64_t len)
{
	return (len + PAGE - 1) & ~(PAGE - 1); /* 0 when it wraps */
}

/*
 * The pages a call on (@addr, @len) acts on, as [*s, *e).  False when the
 * kernel returns before it looks at any memory: a misaligned start (unless
 * @align_down, as mlock does), a length that rounds to 0 or wraps.
 */
static bool call_range(uint64_t addr, uint64_t len, bool align_down,
		       uint64_t *s, uint64_t *e)
{
	uint64_t aligned;

	if (align_down) {
		len += addr & (PAGE - 1);
		addr &= ~(PAGE - 1);
		if (len < (addr & (PAGE - 1)))
			return false;
	} else if (addr & (PAGE - 1)) {
		return false;
	}
	aligned = page_align(len);
	if (!aligned || addr + aligned < addr)
		return false;
	*s = addr;
	*e = addr + aligned;
	return true;
}

/* [addr, addr + len) with the end clamped at the top of 64 bits. */
static uint64_t end_of(uint64_t addr, uint64_t len)
{
	return addr + len < addr ? UINT64_MAX : addr + len;
}

/* --- files -------------------------------------------------------------- */

static int open_flags(const struct scn_open *a)
{
	static const int access[] = {
		[SCN_RDONLY] = O_RDONLY,
		[SCN_WRONLY] = O_WRONLY,
		[SCN_RDWR] = O_RDWR,
	};
	int flags = access[a->access];

	if (a->flags & SCN_O_CREAT)
		flags |= O_CREAT;
	if (a->flags & SCN_O_TRUNC)
		flags |= O_TRUNC;
	if (a->flags & SCN_O_EXCL)
		flags |= O_EXCL;
	return flags;
}

static void t_open(const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_open *a = &cmd->u.open;
	int fd;

	/* Below the files directory, through no symbolic link (beneath.h);
	 * `creat` makes the directories above the file first. */
	if (a->flags & SCN_O_CREAT)
		beneath_mkdirs(ORACLE_DIR_FD, a->path, 0777);
	fd = beneath_open(ORACLE_DIR_FD, a->path, open_flags(a), 0666);
	if (fd >= 0)
		fd_bind(&self, a->fd, fd);
	put_sys(res, fd);
}

static void t_close(const struct scn_cmd *cmd, struct result *res)
{
	int fd;

	if (fd_resolve(&self, cmd->u.fd, &fd, res))
		put_sys(res, close(fd));
}

static void t_unlink(const struct scn_cmd *cmd, struct result *res)
{
	put_sys(res, beneath_unlink(ORACLE_DIR_FD, cmd->u.path));
}

static void t_ftruncate(const struct scn_cmd *cmd, struct result *res)
{
	int fd;

	if (fd_resolve(&self, cmd->u.ftruncate.fd, &fd, res))
		put_sys(res, ftruncate(fd, (off_t)cmd->u.ftruncate.size));
}

static void t_write(const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_write *a = &cmd->u.write;
	unsigned char *buf;
	ssize_t n;
	int fd;

	if (!fd_resolve(&self, a->fd, &fd, res))
		return;
	buf = buf_alloc(a->data.len, res);
	if (!buf)
		return;
	scn_data_fill(&a->data, a->off, buf);
	n = pwrite(fd, buf, a->data.len, (off_t)a->off);
	if (n < 0)
		put_errno(res, -errno);
	else
		result_printf(res, "%zd", n);
	free(buf);
}

static void t_read(const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_read *a = &cmd->u.read;
	unsigned char *buf;
	ssize_t n;
	int fd;

	if (!fd_resolve(&self, a->fd, &fd, res))
		return;
	buf = buf_alloc(a->len, res);
	if (!buf)
		return;
	n = pread(fd, buf, a->len, (off_t)a->off);
	if (n < 0)
		put_errno(res, -errno);
	else
		result_bytes(res, buf, (size_t)n, a->as);
	free(buf);
}

static void t_fsync(const struct scn_cmd *cmd, struct result *res)
{
	int fd;

	if (fd_resolve(&self, cmd->u.fd, &fd, res))
		put_sys(res, fsync(fd));
}

static void t_fstat(const struct scn_cmd *cmd, struct result *res)
{
	struct stat st;
	int fd;

	if (!fd_resolve(&self, cmd->u.fd, &fd, res))
		return;
	if (fstat(fd, &st) < 0)
		put_errno(res, -errno);
	else
		result_printf(res, "size=%" PRIu64, (uint64_t)st.st_size);
}

/* --- memory ------------------------------------------------------------- */

static int mmap_flags(unsigned int f)
{
	int flags = 0;

	flags |= f & SCN_MAP_SHARED ? MAP_SHARED : 0;
	flags |= f & SCN_MAP_PRIVATE ? MAP_PRIVATE : 0;
	flags |= f & SCN_MAP_ANON ? MAP_ANONYMOUS : 0;
	flags |= f & SCN_MAP_FIXED ? MAP_FIXED : 0;
	flags |= f & SCN_MAP_FIXED_NOREPLACE ? MAP_FIXED_NOREPLACE : 0;
	flags |= f & SCN_MAP_POPULATE ? MAP_POPULATE : 0;
	flags |= f & SCN_MAP_NONBLOCK ? MAP_NONBLOCK : 0;
	flags |= f & SCN_MAP_LOCKED ? MAP_LOCKED : 0;
	flags |= f & SCN_MAP_NORESERVE ? MAP_NORESERVE : 0;
	flags |= f & SCN_MAP_HUGETLB ? MAP_HUGETLB : 0;
	return flags;
}

static int prot_bits(unsigned int p)
{
	return (p & SCN_PROT_READ ? PROT_READ : 0) |
	       (p & SCN_PROT_WRITE ? PROT_WRITE : 0) |
	       (p & SCN_PROT_EXEC ? PROT_EXEC : 0);
}

static void t_mmap(const struct scn_cmd *cmd, struct result *res,
		   unsigned int *flags)
{
	const struct scn_mmap *a = &cmd->u.mmap;
	bool fixed = a->flags & (SCN_MAP_FIXED | SCN_MAP_FIXED_NOREPLACE);
	uint64_t hint = 0, len = page_align(a->len), s;
	int fd = -1;
	long rc;

	if (a->fd && !fd_resolve(&self, a->fd, &fd, res))
		return;
	if (a->has_at && !addr_resolve(&self, &a->at, &hint, res))
		return;
	/* Where it would go if the kernel takes the address as given. */
	s = fixed ? hint : page_align(hint);
	if (len && len <= USER_TOP && s <= USER_TOP - len && (fixed || hint) &&
	    (!fixed || !(hint & (PAGE - 1))) &&
	    !oracle_mem_check(s, s + len, ORACLE_CREATE)) {
		refuse(res, flags);
		return;
	}
	if ((a->flags & (SCN_MAP_POPULATE | SCN_MAP_LOCKED)) &&
	    len > POPULATE_MAX) {
		refuse(res, flags);
		return;
	}
	if ((a->flags & (SCN_MAP_POPULATE | SCN_MAP_LOCKED)) &&
	    !charge(len, a->flags & SCN_MAP_LOCKED ? len : 0, res, flags))
		return;
	rc = syscall(SYS_mmap, hint, a->len, prot_bits(a->prot),
		     mmap_flags(a->flags), fd, a->off);
	if (rc == -1) {
		mem_charge = lock_charge = 0;
		put_errno(res, -errno);
		return;
	}
	if (a->flags & SCN_MAP_LOCKED)
		locked_any = true;
	oracle_mem_own((uint64_t)rc, (uint64_t)rc + len);
	map_bind(&ctx, &self, a->map, (uint64_t)rc, a->len);
	result_printf(res, "ok");
}

/* Resolve @r and apply the safety rule for @use; false if answered. */
static bool range_ok(const struct scn_range *r, bool align_down,
		     enum oracle_use use, uint64_t *addr, struct result *res,
		     unsigned int *flags)
{
	uint64_t s, e;

	if (!addr_resolve(&self, &r->addr, addr, res))
		return false;
	if (call_range(*addr, r->len, align_down, &s, &e) &&
	    !oracle_mem_check(s, e, use)) {
		refuse(res, flags);
		return false;
	}
	return true;
}

static void t_munmap(const struct scn_cmd *cmd, struct result *res,
		     unsigned int *flags)
{
	uint64_t addr, len = cmd->u.range.len;

	if (!range_ok(&cmd->u.range, false, ORACLE_CHANGE, &addr, res, flags))
		return;
	if (syscall(SYS_munmap, addr, len) < 0) {
		put_errno(res, -errno);
		return;
	}
	oracle_mem_disown(addr, addr + page_align(len));
	result_printf(res, "ok");
}

static void t_mprotect(const struct scn_cmd *cmd, struct result *res,
		       unsigned int *flags)
{
	const struct scn_mprotect *a = &cmd->u.mprotect;
	uint64_t addr;

	if (range_ok(&a->range, false, ORACLE_CHANGE, &addr, res, flags))
		put_sys(res, syscall(SYS_mprotect, addr, a->range.len,
				     prot_bits(a->prot)));
}

static void t_mremap(const struct scn_cmd *cmd, struct result *res,
		     unsigned int *flags)
{
	const struct scn_mremap *a = &cmd->u.mremap;
	const struct run_map *m = map_find(&self, a->map);
	uint64_t new_addr = 0, s, e, old, old_len;
	int mflags = 0;
	long rc;

	if (!m) {
		result_error(res, "mapping %s is not bound in task %s", a->map,
			     self.name);
		return;
	}
	if (a->has_fixed && !addr_resolve(&self, &a->fixed, &new_addr, res))
		return;
	old = m->start;
	old_len = m->len;
	/* The source: shrunk, moved or grown in place. */
	if (call_range(old, old_len, false, &s, &e) &&
	    !oracle_mem_check(s, e, ORACLE_CHANGE))
		goto refused;
	/* Growing in place takes the room above it (never past the top). */
	if (call_range(old, a->new_len, false, &s, &e) && e <= USER_TOP &&
	    e > old + old_len &&
	    !oracle_mem_check(old + page_align(old_len), e, ORACLE_EXPAND))
		goto refused;
	if (a->has_fixed && call_range(new_addr, a->new_len, false, &s, &e) &&
	    !oracle_mem_check(s, e, ORACLE_CREATE))
		goto refused;
	/* A locked mapping that grows is populated (mremap of VM_LOCKED). */
	if (locked_any && page_align(a->new_len) > page_align(old_len) &&
	    !charge(page_align(a->new_len) - page_align(old_len),
		    page_align(a->new_len) - page_align(old_len), res, flags))
		return;
	if (a->maymove)
		mflags |= MREMAP_MAYMOVE;
	if (a->has_fixed)
		mflags |= MREMAP_FIXED;
	rc = syscall(SYS_mremap, old, old_len, a->new_len, mflags, new_addr);
	if (rc == -1) {
		put_errno(res, -errno);
		return;
	}
	oracle_mem_disown(old, old + page_align(old_len));
	oracle_mem_own((uint64_t)rc, (uint64_t)rc + page_align(a->new_len));
	map_bind(&ctx, &self, a->map, (uint64_t)rc, a->new_len);
	result_printf(res, "ok");
	return;
refused:
	refuse(res, flags);
}

static void t_msync(const struct scn_cmd *cmd, struct result *res,
		    unsigned int *flags)
{
	const struct scn_msync *a = &cmd->u.msync;
	int ms = 0;
	uint64_t addr;

	if (!range_ok(&a->range, false, ORACLE_CHANGE, &addr, res, flags))
		return;
	ms |= a->flags & SCN_MS_SYNC ? MS_SYNC : 0;
	ms |= a->flags & SCN_MS_ASYNC ? MS_ASYNC : 0;
	ms |= a->flags & SCN_MS_INVALIDATE ? MS_INVALIDATE : 0;
	put_sys(res, syscall(SYS_msync, addr, a->range.len, ms));
}

static void t_madvise(const struct scn_cmd *cmd, struct result *res,
		      unsigned int *flags)
{
	static const int advice[] = {
		[SCN_ADV_NORMAL] = MADV_NORMAL,
		[SCN_ADV_RANDOM] = MADV_RANDOM,
		[SCN_ADV_SEQUENTIAL] = MADV_SEQUENTIAL,
		[SCN_ADV_WILLNEED] = MADV_WILLNEED,
		[SCN_ADV_DONTNEED] = MADV_DONTNEED,
	};
	const struct scn_madvise *a = &cmd->u.madvise;
	uint64_t addr;

	if (range_ok(&a->range, false, ORACLE_CHANGE, &addr, res, flags))
		put_sys(res, syscall(SYS_madvise, addr, a->range.len,
				     advice[a->advice]));
}

static void t_mlock(const struct scn_cmd *cmd, struct result *res,
		    unsigned int *flags)
{
	uint64_t addr;

	if (!range_ok(&cmd->u.range, true, ORACLE_CHANGE, &addr, res, flags))
		return;
	if (cmd->verb == SCN_MLOCK && cmd->u.range.len > POPULATE_MAX &&
	    addr + cmd->u.range.len > addr) {
		refuse(res, flags);
		return;
	}
	if (cmd->verb == SCN_MLOCK) {
		uint64_t s, e, mine = 0;

		/* what it can lock: the scenario's memory in the range */
		if (call_range(addr, cmd->u.range.len, true, &s, &e))
			mine = oracle_mem_owned_in(s, e);
		if (!charge(mine, mine, res, flags))
			return;
		locked_any = true;
	}
	put_sys(res, syscall(cmd->verb == SCN_MLOCK ? SYS_mlock : SYS_munlock,
			     addr, cmd->u.range.len));
}

/*
 * As objvm's command does (commands.c): in chunks of at most
 * MINCORE_CHUNK pages, so the vector stays small and the kernel never
 * writes past it, each chunk checked by the safety rule before it runs.
 * The result is that of one call: the kernel's errors (EINVAL for the
 * start, ENOMEM past the top or at a hole) end the walk where they come.
 * A range that wraps or ends past any user address space is rejected
 * before the kernel looks at memory: that one call runs as it is.
 */
#define MINCORE_CHUNK 65536

static void t_mincore(const struct scn_cmd *cmd, struct result *res,
		      unsigned int *flags)
{
	uint64_t addr, len = cmd->u.range.len, done = 0, step, pages, i;
	static unsigned char vec[MINCORE_CHUNK + 1];

	if (!addr_resolve(&self, &cmd->u.range.addr, &addr, res))
		return;
	if (addr + len < addr || addr + len > (1ULL << 56)) {
		put_sys(res, syscall(SYS_mincore, addr, len, vec));
		return;
	}
	do {
		uint64_t s, e;

		step = len - done;
		if (step > MINCORE_CHUNK * PAGE)
			step = MINCORE_CHUNK * PAGE;
		/* Changes nothing, but over the oracle's memory it would
		 * answer for memory objvm does not have: refused like a
		 * change. */
		if (call_range(addr + done, step, false, &s, &e) &&
		    !oracle_mem_check(s, e, ORACLE_CHANGE)) {
			refuse(res, flags);
			return;
		}
		if (syscall(SYS_mincore, addr + done, step, vec) < 0) {
			int err = errno;

			result_reset(res);
			put_errno(res, -err);
			return;
		}
		if (done / PAGE > BUF_MAX) {
			result_reset(res);
			result_error(res, "length %" PRIu64 " out of range",
				     len);
			return;
		}
		pages = (step + PAGE - 1) / PAGE;
		for (i = 0; i < pages; i++)
			vec[i] = vec[i] & 1 ? '1' : '0';
		vec[pages] = '\0';
		result_printf(res, "%s", (char *)vec);
		done += step;
	} while (done < len);
}

static void t_remap(const struct scn_cmd *cmd, struct result *res,
		    unsigned int *flags)
{
	const struct scn_remap *a = &cmd->u.remap;
	uint64_t addr, s, e;

	if (!addr_resolve(&self, &a->addr, &addr, res))
		return;
	/* remap_file_pages rounds both down to pages. */
	s = addr & ~(PAGE - 1);
	e = s + (a->len & ~(PAGE - 1));
	if (e > s && !oracle_mem_check(s, e, ORACLE_CHANGE)) {
		refuse(res, flags);
		return;
	}
	put_sys(res, syscall(SYS_remap_file_pages, addr, a->len, a->prot,
			     a->pgoff, a->nonblock ? MAP_NONBLOCK : 0));
}

/*
 * Check every page of [addr, addr + len) before anything moves, as objvm
 * does: the first byte of each page (of the range) is accessed as @how
 * says.  Returns 0 or the signal; *@fault is set.
 */
static int probe_range(uint64_t addr, uint64_t len, enum oracle_probe how,
		       uint64_t *fault)
{
	uint64_t p, end = end_of(addr, len);
	int sig;

	for (p = addr; p < end; p = (p & ~(PAGE - 1)) + PAGE) {
		sig = oracle_probe(p, how, fault);
		if (sig)
			return sig;
		if ((p & ~(PAGE - 1)) + PAGE < p)
			break;
	}
	return 0;
}

static void put_signal(struct result *res, int sig)
{
	result_printf(res, "%s", sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
}

static void t_load(const struct scn_cmd *cmd, struct result *res,
		   unsigned int *flags)
{
	const struct scn_load *a = &cmd->u.load;
	uint64_t addr, fault;
	int sig;

	if (!addr_resolve(&self, &a->addr, &addr, res))
		return;
	if (a->len > BUF_MAX) { /* as objvm: its buffer has this limit */
		result_error(res, "length %" PRIu64 " out of range", a->len);
		return;
	}
	if (!oracle_mem_check(addr, end_of(addr, a->len), ORACLE_READ)) {
		refuse(res, flags);
		return;
	}
	if (!charge(oracle_mem_owned_in(addr, end_of(addr, a->len)), 0, res,
		    flags))
		return;
	sig = probe_range(addr, a->len, ORACLE_PROBE_READ, &fault);
	if (sig)
		put_signal(res, sig);
	else
		result_bytes(res, (const unsigned char *)(uintptr_t)addr,
			     a->len, a->as);
}

static void t_store(const struct scn_cmd *cmd, struct result *res,
		    unsigned int *flags)
{
	const struct scn_store *a = &cmd->u.store;
	uint64_t addr, fault;
	unsigned char *buf;
	int sig;

	if (!addr_resolve(&self, &a->addr, &addr, res))
		return;
	buf = buf_alloc(a->data.len, res);
	if (!buf)
		return;
	scn_data_fill(&a->data, 0, buf);
	if (!oracle_mem_check(addr, end_of(addr, a->data.len), ORACLE_WRITE)) {
		refuse(res, flags);
	} else if (!charge(oracle_mem_owned_in(addr, end_of(addr, a->data.len)),
			   0, res, flags)) {
		/* answered */
	} else if ((sig = probe_range(addr, a->data.len, ORACLE_PROBE_WRITE,
				      &fault))) {
		put_signal(res, sig);
	} else {
		memcpy((void *)(uintptr_t)addr, buf, a->data.len);
		result_printf(res, "ok");
	}
	free(buf);
}

static void t_touch(const struct scn_cmd *cmd, struct result *res,
		    unsigned int *flags)
{
	const struct scn_touch *a = &cmd->u.touch;
	uint64_t addr, fault = 0;
	int sig;

	if (!addr_resolve(&self, &a->range.addr, &addr, res))
		return;
	if (!oracle_mem_check(addr, end_of(addr, a->range.len),
			      a->write ? ORACLE_WRITE : ORACLE_READ) ||
	    a->range.len > POPULATE_MAX) {
		refuse(res, flags);
		return;
	}
	if (!charge(oracle_mem_owned_in(addr, end_of(addr, a->range.len)), 0,
		    res, flags))
		return;
	sig = probe_range(
		addr, a->range.len,
		a->write ? ORACLE_PROBE_READ_WRITE : ORACLE_PROBE_READ, &fault);
	if (!sig) {
		result_printf(res, "ok");
		return;
	}
	put_signal(res, sig);
	result_printf(res, " at ");
	addr_print(&self, fault & ~(PAGE - 1), false, res);
}

/* --- fork and exit ------------------------------------------------------ */

static int send_reply(const struct oracle_reply *r, const char *text,
		      int pass_fd);

static void t_fork(const struct scn_cmd *cmd, struct result *res,
		   unsigned int *flags, int *pass_fd, pid_t *child)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		result_error(res, "socketpair: %s", strerror(errno));
		return;
	}
	/* A real fork.  The child's parent is this process, which never
	 * waits for it: the controller reads how it died from its zombie,
	 * and reaps it once this process is gone (it is the subreaper). */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		put_errno(res, -errno);
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0) {
		dup2(sv[1], ORACLE_CHAN_FD);
		close(sv[0]);
		close(sv[1]);
		self.name = cmd->u.child;
		new_child = true;
		locked_any = false; /* fork does not pass VM_LOCKED on */
		return;
	}
	close(sv[1]);
	*pass_fd = sv[0];
	*child = pid;
	*flags |= ORACLE_FORKED;
	result_printf(res, "ok");
}

/*
 * The absolute path of the files directory, as /proc/self/maps names the
 * files mapped from it: what `maps` strips to give scenario paths.  Read
 * from ORACLE_DIR_FD, the directory every scenario path lies below.
 */
static const char *files_root(void)
{
	static char root[PATH_MAX];
	char link[64];
	ssize_t n;

	if (root[0])
		return root;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", ORACLE_DIR_FD);
	n = readlink(link, root, sizeof(root) - 1);
	root[n > 0 ? n : 0] = '\0';
	return root;
}

/* --- the loop ----------------------------------------------------------- */

static void run_cmd(const struct scn_cmd *cmd, struct result *res,
		    unsigned int *flags, int *pass_fd, pid_t *child)
{
	switch (cmd->verb) {
	case SCN_OPEN:
		t_open(cmd, res);
		break;
	case SCN_CLOSE:
		t_close(cmd, res);
		break;
	case SCN_UNLINK:
		t_unlink(cmd, res);
		break;
	case SCN_FTRUNCATE:
		t_ftruncate(cmd, res);
		break;
	case SCN_WRITE:
		t_write(cmd, res);
		break;
	case SCN_READ:
		t_read(cmd, res);
		break;
	case SCN_FSYNC:
		t_fsync(cmd, res);
		break;
	case SCN_FSTAT:
		t_fstat(cmd, res);
		break;
	case SCN_MMAP:
		t_mmap(cmd, res, flags);
		break;
	case SCN_MUNMAP:
		t_munmap(cmd, res, flags);
		break;
	case SCN_MPROTECT:
		t_mprotect(cmd, res, flags);
		break;
	case SCN_MREMAP:
		t_mremap(cmd, res, flags);
		break;
	case SCN_MSYNC:
		t_msync(cmd, res, flags);
		break;
	case SCN_MADVISE:
		t_madvise(cmd, res, flags);
		break;
	case SCN_MLOCK:
	case SCN_MUNLOCK:
		t_mlock(cmd, res, flags);
		break;
	case SCN_MINCORE:
		t_mincore(cmd, res, flags);
		break;
	case SCN_REMAP:
		t_remap(cmd, res, flags);
		break;
	case SCN_LOAD:
		t_load(cmd, res, flags);
		break;
	case SCN_STORE:
		t_store(cmd, res, flags);
		break;
	case SCN_TOUCH:
		t_touch(cmd, res, flags);
		break;
	case SCN_FORK:
		t_fork(cmd, res, flags, pass_fd, child);
		break;
	case SCN_MAPS:
		oracle_maps(&self, files_root(), res);
		break;
	case SCN_EXIT:
		*flags |= ORACLE_EXITED;
		result_printf(res, "ok");
		break;
	default:
		/* The controller answers everything else itself. */
		refuse(res, flags);
		break;
	}
	if (res->failed)
		*flags |= ORACLE_FAILED;
}

static bool io_full(int fd, void *buf, size_t len, bool out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The header (with @pass_fd attached, if >= 0), then the text. */
static int send_reply(const struct oracle_reply *r, const char *text,
		      int pass_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {(void *)r, sizeof(*r)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	if (pass_fd >= 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	do
		n = sendmsg(ORACLE_CHAN_FD, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*r))
		return -1;
	return io_full(ORACLE_CHAN_FD, (void *)text, r->len, true) ? 0 : -1;
}

void oracle_task_serve(const struct scn_script *s, const char *name)
{
	struct result res = {0};

	script = s;
	self.name = name;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_DFL); /* the controller's handlers are not ours */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	umask(0);
	/* Keep malloc off mmap: the oracle's own mappings would land among
	 * the scenario's (largest threshold glibc takes). */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, -1);
	result_reset(&res);
	oracle_mem_init();
	for (;;) {
		struct oracle_reply r = {0};
		unsigned int flags = 0;
		int pass_fd = -1;
		pid_t child = 0;
		struct oracle_request q;

		if (!io_full(ORACLE_CHAN_FD, &q, sizeof(q), false) ||
		    q.idx >= script->nr_cmds)
			_exit(0);
		result_reset(&res);
		mem_left = q.mem_left;
		lock_left = q.lock_left;
		mem_charge = lock_charge = 0;
		run_cmd(&script->cmds[q.idx], &res, &flags, &pass_fd, &child);
		if (new_child) {
			new_child = false;
			continue;
		}
		r.flags = flags;
		r.len = (uint32_t)res.len;
		r.pid = child;
		r.mem_charge = mem_charge;
		r.lock_charge = lock_charge;
		if (send_reply(&r, res.buf, pass_fd) < 0)
			_exit(0);
		if (pass_fd >= 0)
			close(pass_fd);
		if (flags & ORACLE_EXITED)
			_exit(0);
	}
}
