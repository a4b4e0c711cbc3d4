/*
 * tools/objvm/oracle.c - `objvm oracle`: run scenarios on the live kernel.
 *
 * The controller walks the script in order.  Machine-wide commands it
 * answers itself (spec section 4: `skip` for check, reclaim, stats and
 * sysctl, for `machine` arguments and `spawn` options it cannot honour).
 * A `T: ...` command goes to T's process (oracle_task.c) unless it must be
 * skipped: after a sysctl that changes what programs observe or a command
 * refused for the host's safety (every later line), for the
 * nonlinear flag, remap's fd=, hugetlbfs without a pool, paths that would
 * leave the private directory, and for any command that names something a
 * skipped command would have bound (a descriptor, a mapping, a task).
 *
 * A skipped line never fails an expectation: the command did not run.
 * Everything else is checked against `=> EXPECTED` as `objvm run` does,
 * and the exit statuses are the same.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "beneath.h"
#include "cli.h"
#include "hostdir.h"
#include "oracle.h"
#include "run.h"

#define REPLY_TIMEOUT_MS (300 * 1000)
#define UNPRIV_MEMLOCK   (8ULL << 20) /* as objvm's MLOCK_LIMIT_PAGES */

enum otask_state {
	OT_LIVE,
	OT_EXITED,  /* `T: exit` succeeded */
	OT_GONE,    /* killed (OOM) or died */
	OT_SKIPPED, /* its spawn or fork was skipped: all it does is skip */
};

/* A name a skipped command would have bound: 'f'd or 'm'apping. */
struct taint {
	char kind;
	const char *name;
};

struct otask {
	const char *name;
	enum otask_state state;
	pid_t pid;
	int chan;
	struct taint *taints;
	size_t nr_taints;
};

struct octx {
	const struct scn_script *script;
	struct oracle_result *res;
	FILE *out;
	struct otask **tasks;
	size_t nr_tasks;
	bool poisoned; /* a sysctl changed what programs observe */
	bool refused;  /* a command was refused for the host's safety */
	bool stopped;  /* the host limits stopped the run */
	/* The host limits: at most max_mem bytes of memory held by the
	 * tasks, max_locked of them locked.  used_*: an upper bound of what
	 * they hold (measured, plus every charge since), unless !use_known. */
	uint64_t max_mem, max_locked, used_mem, used_locked;
	bool use_known;
	bool hugetlb;  /* a pool, and hugetlbfs mounted below dir */
	bool file_thp; /* dir's filesystem places file mappings for THP */
	int files_fd;  /* DIR/files; -1 before make_dir() */
	int lock_fd;   /* DIR, flock()ed while the run lasts */
	char hugedir[4200];
};

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		fputs("objvm: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

/* --- policy ------------------------------------------------------------- */

bool oracle_sysctl_observable(const char *name, const char *value)
{
	if (strcmp(name, "vm.nonlinear") == 0)
		return strcmp(value, "pageable") != 0;
	return strcmp(name, "vm.rmap") != 0 &&
	       strcmp(name, "vm.swappiness") != 0;
}

bool oracle_path_safe(const char *path)
{
	const char *p = path;

	if (path[0] != '/')
		return false;
	while (*p) {
		const char *c = p + 1, *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);

		if ((n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!e)
			break;
		p = e;
	}
	return true;
}

static bool is_huge_path(const char *path)
{
	return strncmp(path, "/hugetlbfs/", 11) == 0;
}

bool oracle_have_hugetlb(void)
{
	char buf[64] = "";
	int fd = open("/proc/sys/vm/nr_hugepages", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strtoul(buf, NULL, 10) > 0;
}

/* --- the private directory ---------------------------------------------- */

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

int oracle_remove_dir(const char *dir)
{
	char huge[4400];

	if (!dir[0])
		return 0;
	snprintf(huge, sizeof(huge), "%s/" ORACLE_FILES "/hugetlbfs", dir);
	umount2(huge, MNT_DETACH | UMOUNT_NOFOLLOW); /* harmless if none */
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

int oracle_files_open(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/" ORACLE_FILES, dir);
	return open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static const char *tmp_parent(const struct oracle_opts *opts)
{
	const char *p = opts ? opts->tmp_parent : NULL;

	if (!p || !p[0])
		p = getenv("OBJVM_ORACLE_TMPDIR");
	if (!p || !p[0])
		p = "/var/tmp";
	return p;
}

/*
 * Does the filesystem of @dir place file mappings for THP, as objvm's files
 * (like ext4 with large folios) are placed?  Two mappings whose offsets
 * hold an aligned 2 MiB must land at addresses agreeing with their offsets
 * modulo 2 MiB; by chance both would in one case of 2^18.
 */
static bool probe_file_thp(int dirfd)
{
	const uint64_t huge = 2ULL << 20;
	const uint64_t offs[2] = {0, huge - 4096};
	bool aligned = true;
	int fd, i;

	fd = openat(dirfd, ".thp-probe",
		    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	unlinkat(dirfd, ".thp-probe", 0);
	if (ftruncate(fd, (off_t)(4 * huge)) != 0)
		aligned = false;
	for (i = 0; i < 2 && aligned; i++) {
		void *p = mmap(NULL, 2 * huge, PROT_READ, MAP_SHARED, fd,
			       (off_t)offs[i]);

		if (p == MAP_FAILED) {
			aligned = false;
			break;
		}
		aligned = (((uintptr_t)p - offs[i]) & (huge - 1)) == 0;
		munmap(p, 2 * huge);
	}
	close(fd);
	return aligned;
}

/* probe_file_thp() once per parent directory: a diff over thousands of
 * seeds makes as many private directories in the same place. */
static bool file_thp_of(const char *parent, int dirfd)
{
	static char last[4096];
	static bool known, aligned;

	if (!known || strcmp(last, parent) != 0) {
		snprintf(last, sizeof(last), "%s", parent);
		aligned = probe_file_thp(dirfd);
		known = true;
	}
	return aligned;
}

/*
 * Remove the private directories under @parent that oracles killed
 * before their end left behind: ours (owned by this user, not a link),
 * marked ORACLE_RUNNING, and not locked by a live run.  Once per process.
 */
static void remove_stale(const char *parent)
{
	static char done[4096];
	char path[4200];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd;

	if (strcmp(done, parent) == 0)
		return;
	snprintf(done, sizeof(done), "%s", parent);
	d = opendir(parent);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "objvm-oracle.", 13) != 0 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		fd = openat(dirfd(d), e->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (faccessat(fd, ORACLE_RUNNING, F_OK, AT_SYMLINK_NOFOLLOW) ==
			    0 &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0) {
			snprintf(path, sizeof(path), "%s/%s", parent,
				 e->d_name);
			oracle_remove_dir(path);
		}
		close(fd);
	}
	closedir(d);
}

/*
 * The private directory: DIR mode 0700, locked, marked running, and
 * DIR/files for the scenario's files (oracle.h).  A fresh mkdtemp name
 * that no one else can enter: nothing below it is anyone else's doing.
 */
static bool make_dir(struct octx *c, const struct oracle_opts *opts)
{
	char *dir = c->res->dir;
	struct stat st;
	int fd, files = -1, mark;

	remove_stale(tmp_parent(opts));
	snprintf(dir, sizeof(c->res->dir), "%s/objvm-oracle.XXXXXX",
		 tmp_parent(opts));
	if (!mkdtemp(dir)) {
		fprintf(stderr, "objvm oracle: mkdtemp %s: %s\n", dir,
			strerror(errno));
		dir[0] = '\0';
		return false;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		goto fail;
	errno = EPERM;
	if (st.st_uid != geteuid() || fchmod(fd, 0700) < 0 ||
	    flock(fd, LOCK_EX | LOCK_NB) < 0)
		goto fail;
	mark = openat(fd, ORACLE_RUNNING,
		      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	if (mark < 0)
		goto fail;
	close(mark);
	/* Tasks with another uid create files in DIR/files too; no one
	 * else can reach it, for want of search permission on DIR. */
	if (mkdirat(fd, ORACLE_FILES, 0700) < 0)
		goto fail;
	files = openat(fd, ORACLE_FILES,
		       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (files < 0 || fchmod(files, 0777) < 0)
		goto fail;
	c->lock_fd = fd;
	c->files_fd = files;
	c->file_thp = file_thp_of(tmp_parent(opts), files);
	if (oracle_have_hugetlb() && geteuid() == 0) {
		snprintf(c->hugedir, sizeof(c->hugedir),
			 "%s/" ORACLE_FILES "/hugetlbfs", dir);
		if (mkdirat(files, "hugetlbfs", 0700) == 0 &&
		    mount("objvm-oracle", c->hugedir, "hugetlbfs",
			  MS_NOSUID | MS_NODEV, "mode=0777") == 0)
			c->hugetlb = true;
	}
	return true;
fail:
	fprintf(stderr, "objvm oracle: private directory %s: %s\n", dir,
		strerror(errno));
	if (files >= 0)
		close(files);
	if (fd >= 0)
		close(fd);
	oracle_remove_dir(dir);
	dir[0] = '\0';
	return false;
}

/* The run is over: its directory stays only if asked to (--keep). */
static void end_dir(struct octx *c)
{
	if (c->files_fd >= 0)
		close(c->files_fd);
	if (c->lock_fd >= 0) {
		unlinkat(c->lock_fd, ORACLE_RUNNING, 0);
		close(c->lock_fd);
	}
	c->files_fd = c->lock_fd = -1;
}

/* --- tasks -------------------------------------------------------------- */

static struct otask *task_get(struct octx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nr_tasks; i++)
		if (strcmp(c->tasks[i]->name, name) == 0)
			return c->tasks[i];
	return NULL;
}

static struct otask *task_new(struct octx *c, const char *name,
			      enum otask_state state)
{
	struct otask *t = xrealloc(NULL, sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->name = name;
	t->state = state;
	t->chan = -1;
	c->tasks = xrealloc(c->tasks, (c->nr_tasks + 1) * sizeof(*c->tasks));
	c->tasks[c->nr_tasks++] = t;
	return t;
}

static bool tainted(const struct otask *t, char kind, const char *name)
{
	size_t i;

	for (i = 0; name && i < t->nr_taints; i++)
		if (t->taints[i].kind == kind &&
		    strcmp(t->taints[i].name, name) == 0)
			return true;
	return false;
}

static void taint_set(struct otask *t, char kind, const char *name, bool on)
{
	size_t i;

	if (!name || tainted(t, kind, name) == on)
		return;
	if (on) {
		t->taints = xrealloc(t->taints,
				     (t->nr_taints + 1) * sizeof(*t->taints));
		t->taints[t->nr_taints++] = (struct taint){kind, name};
		return;
	}
	for (i = 0; i < t->nr_taints; i++) {
		if (t->taints[i].kind == kind &&
		    strcmp(t->taints[i].name, name) == 0) {
			t->taints[i] = t->taints[--t->nr_taints];
			return;
		}
	}
}

/* The descriptor and mapping names @cmd reads; false if any is tainted. */
static bool names_clean(const struct otask *t, const struct scn_cmd *cmd)
{
	const struct scn_addr *a = NULL, *b = NULL;
	const char *fd = NULL, *map = NULL;

	switch (cmd->verb) {
	case SCN_CLOSE:
	case SCN_FSYNC:
	case SCN_FSTAT:
		fd = cmd->u.fd;
		break;
	case SCN_FTRUNCATE:
		fd = cmd->u.ftruncate.fd;
		break;
	case SCN_WRITE:
		fd = cmd->u.write.fd;
		break;
	case SCN_READ:
		fd = cmd->u.read.fd;
		break;
	case SCN_MMAP:
		fd = cmd->u.mmap.fd;
		if (cmd->u.mmap.has_at)
			a = &cmd->u.mmap.at;
		break;
	case SCN_MUNMAP:
	case SCN_MLOCK:
	case SCN_MUNLOCK:
	case SCN_MINCORE:
		a = &cmd->u.range.addr;
		break;
	case SCN_MPROTECT:
		a = &cmd->u.mprotect.range.addr;
		break;
	case SCN_MSYNC:
		a = &cmd->u.msync.range.addr;
		break;
	case SCN_MADVISE:
		a = &cmd->u.madvise.range.addr;
		break;
	case SCN_MREMAP:
		map = cmd->u.mremap.map;
		if (cmd->u.mremap.has_fixed)
			b = &cmd->u.mremap.fixed;
		break;
	case SCN_REMAP:
		a = &cmd->u.remap.addr;
		fd = cmd->u.remap.fd;
		break;
	case SCN_LOAD:
		a = &cmd->u.load.addr;
		break;
	case SCN_STORE:
		a = &cmd->u.store.addr;
		break;
	case SCN_TOUCH:
		a = &cmd->u.touch.range.addr;
		break;
	default:
		break;
	}
	return !tainted(t, 'f', fd) && !tainted(t, 'm', map) &&
	       !(a && tainted(t, 'm', a->name)) &&
	       !(b && tainted(t, 'm', b->name));
}

/* The name @cmd binds when it succeeds, if any. */
static const char *binds(const struct scn_cmd *cmd, char *kind)
{
	*kind = 'm';
	if (cmd->verb == SCN_MMAP)
		return cmd->u.mmap.map;
	if (cmd->verb == SCN_MREMAP)
		return cmd->u.mremap.map;
	*kind = 'f';
	if (cmd->verb == SCN_OPEN)
		return cmd->u.open.fd;
	return NULL;
}

/* Would objvm place this file mapping for THP (its offsets hold an
 * aligned 2 MiB)?  Where the host's filesystem would not, it is skipped. */
static bool thp_placed(const struct scn_mmap *m)
{
	const uint64_t huge = 2ULL << 20;
	uint64_t align = (m->off + huge - 1) & ~(huge - 1);

	if (m->flags & (SCN_MAP_FIXED | SCN_MAP_FIXED_NOREPLACE))
		return false;
	return m->off + m->len > align && m->off + m->len - align >= huge;
}

/* Must the controller skip this `T: ...` command?  *@refused: for safety. */
static bool must_skip(const struct octx *c, const struct otask *t,
		      const struct scn_cmd *cmd, bool *refused)
{
	const char *path = NULL;

	*refused = false;
	if (t->state == OT_SKIPPED || !names_clean(t, cmd))
		return true;
	switch (cmd->verb) {
	case SCN_PTES:
		return true;
	case SCN_MMAP:
		if (cmd->u.mmap.flags & SCN_MAP_NONLINEAR)
			return true;
		if ((cmd->u.mmap.flags & SCN_MAP_HUGETLB) && !c->hugetlb)
			return true;
		if (!c->file_thp && cmd->u.mmap.fd && thp_placed(&cmd->u.mmap))
			return true;
		break;
	case SCN_MREMAP:
		/* It may move a file mapping: placed for THP in objvm. */
		return !c->file_thp && cmd->u.mremap.maymove &&
		       !cmd->u.mremap.has_fixed &&
		       cmd->u.mremap.new_len >= (2ULL << 20);
	case SCN_REMAP:
		return cmd->u.remap.fd != NULL;
	case SCN_OPEN:
		path = cmd->u.open.path;
		break;
	case SCN_UNLINK:
		path = cmd->u.path;
		break;
	default:
		break;
	}
	if (path && !oracle_path_safe(path)) {
		*refused = true;
		return true;
	}
	return path && is_huge_path(path) && !c->hugetlb;
}

/* --- talking to task processes ------------------------------------------ */

static bool io_full(int fd, void *buf, size_t len, bool out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? send(fd, p, len, MSG_NOSIGNAL)
				: read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* SIGINT, SIGTERM or SIGHUP came: stop, remove the directory, then die. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static bool wait_readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n;

	do
		n = poll(&p, 1, REPLY_TIMEOUT_MS);
	while (n < 0 && errno == EINTR && !stop_signal);
	return n > 0;
}

/* Receive a reply header and the descriptor that may come with it. */
static bool recv_header(int chan, struct oracle_reply *r, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {r, sizeof(*r)};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	if (!wait_readable(chan))
		return false;
	do
		n = recvmsg(chan, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return false;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	if ((size_t)n < sizeof(*r))
		return io_full(chan, (char *)r + n, sizeof(*r) - (size_t)n,
			       false);
	return true;
}

/*
 * The wait status of a zombie that is not our child: the 52nd field of
 * /proc/PID/stat (Linux 3.5+).  False if @pid is not a zombie (yet).
 */
static bool zombie_status(pid_t pid, int *status)
{
	char path[64], buf[1024], *p;
	int fd, field;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold anything */
	if (!p || p[1] != ' ' || p[2] != 'Z')
		return false;
	for (field = 2; field < 52 && (p = strchr(p + 1, ' ')); field++)
		;
	if (!p)
		return false;
	*status = atoi(p + 1);
	return true;
}

/*
 * Wait until task @t's process has ended (its address space is gone) and
 * get its status: by waitpid if it is our child (a spawned task, or one
 * whose parent has ended: the controller is the subreaper), else from its
 * zombie, which its parent task never reaps.
 */
static void task_reap(struct otask *t, int *status)
{
	int i;

	*status = 0;
	for (i = 0; i < 100000; i++) {
		pid_t r = waitpid(t->pid, status, WNOHANG);

		if (r == t->pid)
			return;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && zombie_status(t->pid, status))
			return;
		usleep(100);
	}
}

/* The task process went away without answering: how, as a result. */
static void task_died(struct otask *t, struct result *res)
{
	int status = 0;

	kill(t->pid, SIGKILL); /* if it only stopped answering */
	task_reap(t, &status);
	close(t->chan);
	t->chan = -1;
	t->state = OT_GONE;
	result_reset(res);
	if (stop_signal) {
		/* We were stopped (the task may have had the signal too, from
		 * the terminal): it did not die of the scenario. */
		result_printf(res, "interrupted");
		res->failed = true;
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		result_printf(res, "OOM");
	else if (WIFSIGNALED(status))
		result_error(res, "task %s died of signal %d", t->name,
			     WTERMSIG(status));
	else
		result_error(res, "task %s ended with status %d", t->name,
			     WEXITSTATUS(status));
}

/* --- the host limits ---------------------------------------------------- */

/* Add the "VmRSS:" and "VmLck:" of process @pid to *@mem, *@locked. */
static void task_use(pid_t pid, uint64_t *mem, uint64_t *locked)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nVmRSS:")))
		*mem += strtoull(p + 7, NULL, 10) << 10;
	if ((p = strstr(buf, "\nVmLck:")))
		*locked += strtoull(p + 7, NULL, 10) << 10;
}

/* What the live tasks hold now: each process counted whole (a page two
 * forked tasks share counts twice, erring on the safe side). */
static void measure_use(struct octx *c)
{
	size_t i;

	c->used_mem = c->used_locked = 0;
	for (i = 0; i < c->nr_tasks; i++)
		if (c->tasks[i]->state == OT_LIVE && c->tasks[i]->chan >= 0)
			task_use(c->tasks[i]->pid, &c->used_mem,
				 &c->used_locked);
	c->use_known = true;
}

static uint64_t room(uint64_t max, uint64_t used)
{
	return used < max ? max - used : 0;
}

/* The limits stopped the run at this command: say so, once. */
static void limit_error(struct octx *c, const char *which, struct result *res)
{
	bool lock = strcmp(which, "lock") == 0;

	result_reset(res);
	result_error(res,
		     "host limit: the scenario would %s more than %" PRIu64
		     " MiB of the host's memory (--max-host-%s=SIZE)",
		     lock ? "lock" : "hold",
		     (lock ? c->max_locked : c->max_mem) >> 20,
		     lock ? "locked" : "mem");
	c->stopped = true;
}

/* Send request @q to @t and read the reply: header, descriptor, text. */
static bool task_ask(struct otask *t, const struct oracle_request *q,
		     struct oracle_reply *r, int *fd, char **text)
{
	*text = NULL;
	if (!io_full(t->chan, (void *)q, sizeof(*q), true) ||
	    !recv_header(t->chan, r, fd))
		return false;
	*text = xrealloc(NULL, (size_t)r->len + 1);
	if (!io_full(t->chan, *text, r->len, false)) {
		free(*text);
		*text = NULL;
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return false;
	}
	(*text)[r->len] = '\0';
	return true;
}

/* Send command @idx to @t and collect its result in @res. */
static unsigned int task_call(struct octx *c, struct otask *t, uint32_t idx,
			      struct result *res)
{
	const struct scn_cmd *cmd = &c->script->cmds[idx];
	struct oracle_request q = {.idx = idx};
	struct oracle_reply r;
	struct otask *child;
	bool measured;
	int fd = -1;
	char *text;

	/*
	 * The task says ORACLE_LIMIT, having run nothing, when the command
	 * could take more than the room left; the room comes from an upper
	 * bound, so it is measured and asked again before the run stops.
	 */
	for (;;) {
		measured = !c->use_known;
		if (measured)
			measure_use(c);
		q.mem_left = room(c->max_mem, c->used_mem);
		q.lock_left = room(c->max_locked, c->used_locked);
		if (!task_ask(t, &q, &r, &fd, &text)) {
			task_died(t, res);
			return res->failed ? ORACLE_FAILED : 0;
		}
		if (!(r.flags & ORACLE_LIMIT))
			break;
		if (measured) {
			limit_error(c, text, res);
			free(text);
			return ORACLE_FAILED | ORACLE_LIMIT;
		}
		free(text);
		c->use_known = false;
	}
	result_reset(res);
	result_printf(res, "%s", text);
	res->failed = r.flags & ORACLE_FAILED;
	free(text);
	c->used_mem += r.mem_charge;
	c->used_locked += r.lock_charge;
	if (r.flags & ORACLE_FORKED) {
		child = task_new(c, cmd->u.child, OT_LIVE);
		child->pid = r.pid;
		child->chan = fd;
		child->nr_taints = t->nr_taints;
		if (t->nr_taints) {
			child->taints = xrealloc(
				NULL, t->nr_taints * sizeof(*t->taints));
			memcpy(child->taints, t->taints,
			       t->nr_taints * sizeof(*t->taints));
		}
		c->use_known = false; /* the child holds as much again */
	} else if (fd >= 0) {
		close(fd);
	}
	if (r.flags & ORACLE_EXITED) {
		int status;

		close(t->chan);
		t->chan = -1;
		task_reap(t, &status);
		t->state = OT_EXITED;
		c->use_known = false;
	}
	return r.flags;
}

/* Drop to @uid, keeping CAP_IPC_LOCK if @caps asks for it. */
static int become(unsigned int uid, unsigned int caps)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	struct rlimit rl = {UNPRIV_MEMLOCK, UNPRIV_MEMLOCK};

	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0 || setgroups(0, NULL) < 0 ||
	    setgid(uid) < 0)
		return -1;
	if (caps && prctl(PR_SET_KEEPCAPS, 1) < 0)
		return -1;
	if (setuid(uid) < 0)
		return -1;
	memset(data, 0, sizeof(data));
	if (caps & SCN_CAP_IPC_LOCK) {
		data[0].permitted = data[0].effective = 1u << CAP_IPC_LOCK;
		if (syscall(SYS_capset, &hdr, data) < 0)
			return -1;
	}
	return prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/*
 * Not run as root, a task spawned as uid 0 is an unprivileged process,
 * and objvm diff models it as one: give it the RLIMIT_MEMLOCK objvm
 * gives such tasks, if the host's is higher.
 */
static void unprivileged_limits(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
	    (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > UNPRIV_MEMLOCK)) {
		rl.rlim_cur = UNPRIV_MEMLOCK;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
			rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_MEMLOCK, &rl);
	}
}

static void spawn_task(struct octx *c, const struct scn_spawn *a,
		       struct result *res)
{
	bool root = geteuid() == 0;
	struct otask *t;
	int sv[2];
	pid_t pid;

	if (task_get(c, a->task)) {
		result_error(res, "task %s already exists", a->task);
		return;
	}
	if ((a->uid != 0 || a->caps) && !root) {
		task_new(c, a->task, OT_SKIPPED);
		result_printf(res, "skip");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		result_error(res, "socketpair: %s", strerror(errno));
		return;
	}
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
		dup2(c->files_fd, ORACLE_DIR_FD);
		close_range(3, ORACLE_CHAN_FD - 1, 0);
		close_range(ORACLE_DIR_FD + 1, ~0U, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (a->uid != 0 && become(a->uid, a->caps) < 0)
			_exit(127);
		if (!root)
			unprivileged_limits();
		oracle_task_serve(c->script, a->task);
	}
	close(sv[1]);
	t = task_new(c, a->task, OT_LIVE);
	t->pid = pid;
	t->chan = sv[0];
	result_printf(res, "ok");
	c->use_known = false;
}

/* --- machine-wide commands ---------------------------------------------- */

static unsigned int global_cmd(struct octx *c, const struct scn_cmd *cmd,
			       struct result *res)
{
	int fd;

	switch (cmd->verb) {
	case SCN_MACHINE:
		/* mem=, swap=, hugepages=, backing= and seed= configure
		 * objvm's machine; the kernel's is what it is. */
		if (cmd->u.machine.given)
			break;
		result_printf(res, "ok");
		return 0;
	case SCN_SYSCTL:
		if (cmd->u.sysctl.value &&
		    oracle_sysctl_observable(cmd->u.sysctl.name,
					     cmd->u.sysctl.value))
			c->poisoned = true;
		break;
	case SCN_SPAWN:
		spawn_task(c, &cmd->u.spawn, res);
		if (res->failed)
			return ORACLE_FAILED;
		/* a task that cannot run here: objvm diff leaves it out */
		return strcmp(res->buf, "skip") == 0
			       ? ORACLE_SKIP | ORACLE_UNRUN
			       : 0;
	case SCN_DROP_CACHES:
		fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
		if (fd >= 0 && write(fd, "1", 1) == 1) {
			close(fd);
			result_printf(res, "ok");
			return 0;
		}
		if (fd >= 0)
			close(fd);
		break;
	default: /* check, reclaim, stats */
		break;
	}
	result_printf(res, "skip");
	return ORACLE_SKIP;
}

/* --- the run ------------------------------------------------------------ */

static unsigned int run_cmd(struct octx *c, size_t idx, struct result *res)
{
	const struct scn_cmd *cmd = &c->script->cmds[idx];
	struct otask *t;
	unsigned int flags;
	bool refused;
	const char *name;
	char kind;

	result_reset(res);
	/* After either, the kernel's state is not what objvm's would be
	 * (a refused call might have been partly applied): spec 4.  After
	 * the host limits stopped it, nothing more runs. */
	if (c->poisoned || c->refused || c->stopped) {
		result_printf(res, "skip");
		return ORACLE_SKIP;
	}
	if (!cmd->task)
		return global_cmd(c, cmd, res);
	t = task_get(c, cmd->task);
	if (!t) {
		result_error(res, "no task %s", cmd->task);
		return ORACLE_FAILED;
	}
	if (t->state == OT_EXITED) {
		result_error(res, "task %s has exited", cmd->task);
		return ORACLE_FAILED;
	}
	if (t->state == OT_GONE) {
		result_error(res, "task %s no longer exists", cmd->task);
		return ORACLE_FAILED;
	}
	if (cmd->verb == SCN_FORK && task_get(c, cmd->u.child)) {
		result_error(res, "task %s already exists", cmd->u.child);
		return ORACLE_FAILED;
	}
	name = binds(cmd, &kind);
	if (must_skip(c, t, cmd, &refused)) {
		result_printf(res, "skip");
		flags = ORACLE_SKIP | (refused ? ORACLE_REFUSED : 0);
		/* everything a task that cannot run does (spawned with a uid
		 * or capability the oracle cannot give), and its children */
		if (t->state == OT_SKIPPED)
			flags |= ORACLE_UNRUN;
	} else {
		flags = task_call(c, t, (uint32_t)idx, res);
	}
	if (flags & ORACLE_REFUSED)
		c->refused = true;
	if (flags & ORACLE_SKIP) {
		taint_set(t, kind, name, true);
		if (cmd->verb == SCN_FORK)
			task_new(c, cmd->u.child, OT_SKIPPED);
	} else if (strcmp(res->buf, "ok") == 0) {
		taint_set(t, kind, name, false);
	}
	return flags;
}

static void end_tasks(struct octx *c)
{
	size_t i;

	/* Every task process ends when its channel closes; as they end,
	 * their children come to the controller, the subreaper, until no
	 * process of the run is left. */
	for (i = 0; i < c->nr_tasks; i++) {
		struct otask *t = c->tasks[i];

		if (t->chan >= 0)
			close(t->chan);
		free(t->taints);
		free(t);
	}
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	free(c->tasks);
	c->tasks = NULL;
	c->nr_tasks = 0;
}

/* Without SA_RESTART: a wait for a task is cut short. */
static void catch_stop(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int oracle_run_script(const struct scn_script *script, FILE *out,
		      const struct oracle_opts *opts, struct oracle_result *res)
{
	struct octx c = {.script = script,
			 .res = res,
			 .out = out,
			 .files_fd = -1,
			 .lock_fd = -1,
			 .max_mem = opts && opts->max_mem ? opts->max_mem
							  : ORACLE_MAX_MEM,
			 .max_locked = opts && opts->max_locked
					       ? opts->max_locked
					       : ORACLE_MAX_LOCKED};
	struct result r = {0};
	int subreaper = 0;
	size_t i;

	memset(res, 0, sizeof(*res));
	res->lines = xrealloc(NULL, script->nr_cmds * sizeof(*res->lines));
	memset(res->lines, 0, script->nr_cmds * sizeof(*res->lines));
	res->nr_lines = script->nr_cmds;
	if (script->nr_cmds == 0)
		return 0;
	if (!make_dir(&c, opts)) {
		res->setup_failed = true;
		res->mismatch = true;
		return 1;
	}
	prctl(PR_GET_CHILD_SUBREAPER, &subreaper);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	catch_stop();
	result_reset(&r);
	for (i = 0; i < script->nr_cmds && !stop_signal; i++) {
		const struct scn_cmd *cmd = &script->cmds[i];
		unsigned int flags = run_cmd(&c, i, &r);
		bool skip = flags & ORACLE_SKIP;

		if (r.failed)
			flags |= ORACLE_FAILED;
		res->lines[i].text = strdup(r.buf);
		res->lines[i].flags =
			flags & (ORACLE_SKIP | ORACLE_REFUSED | ORACLE_FAILED |
				 ORACLE_LIMIT | ORACLE_UNRUN);
		if (out && !transcript_line(out, cmd->line, r.buf,
					    skip ? NULL : cmd->expect))
			res->mismatch = true;
		if (!out && !skip && cmd->expect &&
		    !result_matches(r.buf, cmd->expect))
			res->mismatch = true;
		if (flags & ORACLE_FAILED)
			res->mismatch = true;
	}
	end_tasks(&c);
	end_dir(&c);
	prctl(PR_SET_CHILD_SUBREAPER, subreaper);
	if (stop_signal) {
		oracle_remove_dir(res->dir);
		signal(stop_signal, SIG_DFL);
		raise(stop_signal);
	}
	if (!opts || !opts->keep_dir) {
		oracle_remove_dir(res->dir);
		res->dir[0] = '\0';
	}
	result_free(&r);
	return res->mismatch ? 1 : 0;
}

void oracle_result_free(struct oracle_result *res)
{
	size_t i;

	for (i = 0; i < res->nr_lines; i++)
		free(res->lines[i].text);
	free(res->lines);
	memset(res, 0, sizeof(*res));
}

/* --- `objvm oracle` ----------------------------------------------------- */

static const char oracle_usage[] = "usage: objvm oracle [--keep] "
				   "[--tmpdir=DIR] [--host-dir DIR] "
				   "[--format=text|json]\n"
				   "                    [--max-host-mem=SIZE] "
				   "[--max-host-locked=SIZE] "
				   "FILE...\n";

/* SIZE: an integer with an optional k, m or g (x 1024...). */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	uint64_t v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || errno || s[0] == '-')
		return false;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

int oracle_limit_option(const char *prog, const char *arg,
			struct oracle_opts *opts)
{
	uint64_t *to;
	const char *v;

	if (strncmp(arg, "--max-host-mem=", 15) == 0) {
		to = &opts->max_mem;
		v = arg + 15;
	} else if (strncmp(arg, "--max-host-locked=", 18) == 0) {
		to = &opts->max_locked;
		v = arg + 18;
	} else {
		return 0;
	}
	if (!parse_size(v, to)) {
		fprintf(stderr, "objvm %s: bad size in '%s'\n", prog, arg);
		return -1;
	}
	return 1;
}

/* --format=json: a JSON object per line of @res, then the totals. */
static void oracle_json(const struct scn_script *script,
			const struct oracle_result *res)
{
	struct json_out j = {stdout, 0, 0, 0};
	size_t i;

	for (i = 0; i < res->nr_lines && i < script->nr_cmds; i++) {
		const struct scn_cmd *cmd = &script->cmds[i];
		const struct oracle_line *l = &res->lines[i];
		bool ok = (l->flags & ORACLE_SKIP) ||
			  (!(l->flags & ORACLE_FAILED) &&
			   (!cmd->expect ||
			    result_matches(l->text, cmd->expect)));

		json_command(&j, cmd->line, cmd->text, l->text, cmd->expect,
			     ok);
	}
	json_summary(&j, script->file, NULL);
}

int oracle_main(int argc, char **argv)
{
	struct oracle_opts opts = {0};
	struct scn_script *scripts;
	bool options = true, ok = true, json = false;
	int i, n = 0, status = 0, taken;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!options || arg[0] != '-' || arg[1] == '\0')
			argv[n++] = argv[i];
		else if (strcmp(arg, "--") == 0)
			options = false;
		else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(oracle_usage, stdout);
			return 0;
		} else if (strcmp(arg, "--keep") == 0)
			opts.keep_dir = true;
		else if (strcmp(arg, "--format=json") == 0)
			json = true;
		else if (strcmp(arg, "--format=text") == 0)
			json = false;
		else if (strncmp(arg, "--tmpdir=", 9) == 0)
			opts.tmp_parent = arg + 9;
		else if ((taken = host_dir_option("oracle", argc, argv, &i)))
			status = taken < 0 ? 2 : status;
		else if ((taken = oracle_limit_option("oracle", arg, &opts)))
			status = taken < 0 ? 2 : status;
		else {
			fprintf(stderr, "objvm oracle: unknown option '%s'\n",
				arg);
			fputs(oracle_usage, stderr);
			return 2;
		}
	}
	if (status)
		return status;
	if (n == 0) {
		fputs("objvm oracle: no scenario file\n", stderr);
		fputs(oracle_usage, stderr);
		return 2;
	}
	scripts = xrealloc(NULL, (size_t)n * sizeof(*scripts));
	memset(scripts, 0, (size_t)n * sizeof(*scripts));
	for (i = 0; i < n; i++) {
		if (scn_parse_file(&scripts[i], argv[i]) != 0) {
			scn_print_errors(&scripts[i], stderr);
			ok = false;
		}
	}
	for (i = 0; i < n && ok; i++) {
		struct oracle_result res;

		if (n > 1 && !json)
			printf("== %s\n", scripts[i].file);
		if (oracle_run_script(&scripts[i], json ? NULL : stdout, &opts,
				      &res) != 0)
			status = 1;
		if (json)
			oracle_json(&scripts[i], &res);
		if (res.dir[0])
			fprintf(stderr, "objvm oracle: %s: files kept in %s\n",
				scripts[i].file, res.dir);
		oracle_result_free(&res);
	}
	for (i = 0; i < n; i++)
		scn_free(&scripts[i]);
	free(scripts);
	return ok ? status : 2;
}
