/*
 * tools/objvm/commands.c - the scenario command table: one handler per verb.
 *
 * commands[] is built from SCN_VERB_LIST (scenario.h): for each verb its
 * name, its handler cmd_<verb>(), its usage and its help, so `objvm help`
 * and the executor read the same table and no verb can lack a handler.
 * A handler turns the parsed arguments into one libobjvm call, with the
 * spec's words mapped to the API's constants, and writes the result text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define BUF_MAX    (1ULL << 30) /* largest buffer a command may need */
#define REPORT_MAX 4096         /* objvm_check() report */

struct flag_map {
	unsigned int scn;
	int api;
};

static const struct flag_map mmap_flag_map[] = {
	{SCN_MAP_SHARED, OBJVM_MAP_SHARED},
	{SCN_MAP_PRIVATE, OBJVM_MAP_PRIVATE},
	{SCN_MAP_ANON, OBJVM_MAP_ANONYMOUS},
	{SCN_MAP_FIXED, OBJVM_MAP_FIXED},
	{SCN_MAP_FIXED_NOREPLACE, OBJVM_MAP_FIXED_NOREPLACE},
	{SCN_MAP_POPULATE, OBJVM_MAP_POPULATE},
	{SCN_MAP_NONBLOCK, OBJVM_MAP_NONBLOCK},
	{SCN_MAP_LOCKED, OBJVM_MAP_LOCKED},
	{SCN_MAP_NORESERVE, OBJVM_MAP_NORESERVE},
	{SCN_MAP_HUGETLB, OBJVM_MAP_HUGETLB},
	{SCN_MAP_NONLINEAR, OBJVM_MAP_NONLINEAR},
	{0, 0},
};

static const struct flag_map prot_map[] = {
	{SCN_PROT_READ, OBJVM_PROT_READ},
	{SCN_PROT_WRITE, OBJVM_PROT_WRITE},
	{SCN_PROT_EXEC, OBJVM_PROT_EXEC},
	{0, 0},
};

static const struct flag_map open_flag_map[] = {
	{SCN_O_CREAT, OBJVM_O_CREAT},
	{SCN_O_TRUNC, OBJVM_O_TRUNC},
	{SCN_O_EXCL, OBJVM_O_EXCL},
	{0, 0},
};

static const struct flag_map msync_flag_map[] = {
	{SCN_MS_SYNC, OBJVM_MS_SYNC},
	{SCN_MS_ASYNC, OBJVM_MS_ASYNC},
	{SCN_MS_INVALIDATE, OBJVM_MS_INVALIDATE},
	{0, 0},
};

static const int access_map[] = {
	[SCN_RDONLY] = OBJVM_O_RDONLY,
	[SCN_WRONLY] = OBJVM_O_WRONLY,
	[SCN_RDWR] = OBJVM_O_RDWR,
};

static const int advice_map[] = {
	[SCN_ADV_NORMAL] = OBJVM_MADV_NORMAL,
	[SCN_ADV_RANDOM] = OBJVM_MADV_RANDOM,
	[SCN_ADV_SEQUENTIAL] = OBJVM_MADV_SEQUENTIAL,
	[SCN_ADV_WILLNEED] = OBJVM_MADV_WILLNEED,
	[SCN_ADV_DONTNEED] = OBJVM_MADV_DONTNEED,
};

/* --- helpers ------------------------------------------------------------ */

static int map_flags(const struct flag_map *map, unsigned int bits)
{
	int api = 0;

	for (; map->scn; map++)
		if (bits & map->scn)
			api |= map->api;
	return api;
}

void put_errno(struct result *res, long err)
{
	const char *name = objvm_errname((int)err);

	/* The library's names, then the C library's (the oracle meets
	 * errors objvm never gives: ELOOP), then the number. */
	if (name && name[0] == 'E' && name[1] >= '0' && name[1] <= '9')
		name = NULL;
	if (name && name[0] == '-' && name[1] == 'E')
		result_printf(res, "%s", name);
	else if (name && name[0] == 'E')
		result_printf(res, "-%s", name);
	else if ((name = strerrorname_np((int)-err)))
		result_printf(res, "-%s", name);
	else
		result_printf(res, "-E%ld", -err);
}

/* `ok` for rc >= 0, else the errno. */
static void put_rc(struct result *res, long rc)
{
	if (rc < 0)
		put_errno(res, rc);
	else
		result_printf(res, "ok");
}

/* The result of objvm_load/store/touch other than OK; false if not OK. */
static bool put_access(struct result *res, int rc)
{
	switch (rc) {
	case OBJVM_ACCESS_OK:
		return true;
	case OBJVM_SIGSEGV:
		result_printf(res, "SIGSEGV");
		break;
	case OBJVM_SIGBUS:
		result_printf(res, "SIGBUS");
		break;
	case OBJVM_OOM:
		result_printf(res, "OOM");
		break;
	default:
		put_errno(res, rc);
		break;
	}
	return false;
}

/* A buffer of @len bytes (at least one), or an error result. */
static unsigned char *buf_alloc(uint64_t len, struct result *res)
{
	unsigned char *buf = NULL;

	if (len <= BUF_MAX)
		buf = malloc(len ? len : 1);
	if (!buf)
		result_error(res, "length %" PRIu64 " out of range", len);
	return buf;
}

static bool range_resolve(const struct run_task *t, const struct scn_range *r,
			  uint64_t *addr, struct result *res)
{
	return addr_resolve(t, &r->addr, addr, res);
}

/* --- machine-wide commands ---------------------------------------------- */

/*
 * OBJVM_SYSCTL="NAME=VALUE[,NAME=VALUE...]" sets sysctls on every machine
 * the command line creates, before the scenario's first command: the
 * conformance run uses it to run every scenario under each vm.rmap
 * scheme, unchanged.  A scenario's own sysctl lines still win.
 */
static int apply_env_sysctls(struct objvm *vm, struct result *res)
{
	const char *env = getenv("OBJVM_SYSCTL");
	char buf[512], *save = NULL, *item;
	int rc;

	if (!env || !*env)
		return 0;
	if (strlen(env) >= sizeof(buf)) {
		result_error(res, "OBJVM_SYSCTL is too long");
		return -1;
	}
	strcpy(buf, env);
	for (item = strtok_r(buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');

		if (!eq) {
			result_error(res,
				     "OBJVM_SYSCTL: '%s' is not NAME=VALUE",
				     item);
			return -1;
		}
		*eq = '\0';
		rc = objvm_sysctl_set(vm, item, eq + 1);
		if (rc) {
			result_error(res, "OBJVM_SYSCTL: %s=%s: %s", item,
				     eq + 1, objvm_errname(rc));
			return -1;
		}
	}
	return 0;
}

void machine_create(struct run_ctx *ctx, const struct scn_machine *m,
		    struct result *res)
{
	struct objvm_config config = {
		.mem_bytes = m->mem,
		.swap_bytes = m->swap,
		.nr_hugepages = (unsigned int)m->hugepages,
		.backing_dir = m->backing_dir,
		.seed = m->seed,
		.check = ctx->check,
		.kswapd = m->kswapd,
		.swapfile = m->swapfile,
	};
	int rc;

	if (m->hugepages > UINT_MAX) {
		ctx->create_err = -EINVAL;
		result_error(res, "hugepages=%" PRIu64 " out of range",
			     m->hugepages);
		return;
	}
	rc = objvm_create(&config, &ctx->vm);
	if (rc < 0) {
		ctx->vm = NULL;
		ctx->create_err = rc;
	} else {
		if (ctx->mmap_min_addr)
			objvm_sysctl_set(ctx->vm, "vm.mmap_min_addr",
					 ctx->mmap_min_addr);
		rc = apply_env_sysctls(ctx->vm, res);
		if (rc)
			return;
	}
	put_rc(res, rc);
}

static void cmd_machine(struct run_ctx *ctx, struct run_task *t,
			const struct scn_cmd *cmd, struct result *res)
{
	machine_create(ctx, &cmd->u.machine, res);
}

static void cmd_sysctl(struct run_ctx *ctx, struct run_task *t,
		       const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_sysctl *a = &cmd->u.sysctl;
	char value[256] = "";
	int rc;

	if (a->value) {
		put_rc(res, objvm_sysctl_set(ctx->vm, a->name, a->value));
		return;
	}
	rc = objvm_sysctl_get(ctx->vm, a->name, value, sizeof(value));
	value[sizeof(value) - 1] = '\0';
	if (rc < 0)
		put_errno(res, rc);
	else
		result_printf(res, "%s", value);
}

static void cmd_spawn(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_spawn *a = &cmd->u.spawn;
	struct objvm_cred cred = {.uid = a->uid};
	struct objvm_task *task;
	int rc;

	if (task_find(ctx, a->task)) {
		result_error(res, "task %s already exists", a->task);
		return;
	}
	if (a->caps & SCN_CAP_IPC_LOCK)
		cred.caps |= OBJVM_CAP_IPC_LOCK;
	rc = objvm_spawn(ctx->vm, &cred, &task);
	if (rc == 0)
		task_add(ctx, a->task, task);
	put_rc(res, rc);
}

/* Append the check report @text on one line: newlines become "; ". */
static void put_report(struct result *res, const char *text)
{
	const char *nl;

	while (*text == '\n')
		text++;
	while ((nl = strchr(text, '\n'))) {
		result_printf(res, "%.*s", (int)(nl - text), text);
		while (*nl == '\n')
			nl++;
		if (*nl)
			result_printf(res, "; ");
		text = nl;
	}
	result_printf(res, "%s", text);
}

bool machine_check(struct run_ctx *ctx, struct result *res)
{
	char report[REPORT_MAX] = "";
	int rc = objvm_check(ctx->vm, report, sizeof(report));

	report[sizeof(report) - 1] = '\0';
	if (rc == 0) {
		result_printf(res, "ok");
		return true;
	}
	if (rc != -1) {
		put_errno(res, rc);
		return false;
	}
	result_printf(res, "FAIL ");
	put_report(res, report[0] ? report : "(no report)");
	res->failed = true;
	return false;
}

static void cmd_check(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	machine_check(ctx, res);
}

static void cmd_reclaim(struct run_ctx *ctx, struct run_task *t,
			const struct scn_cmd *cmd, struct result *res)
{
	long n = objvm_reclaim(ctx->vm, (unsigned long)cmd->u.reclaim);

	if (n < 0)
		put_errno(res, n);
	else
		result_printf(res, "%ld", n);
}

static void cmd_drop_caches(struct run_ctx *ctx, struct run_task *t,
			    const struct scn_cmd *cmd, struct result *res)
{
	put_rc(res, objvm_drop_caches(ctx->vm));
}

static void cmd_stats(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_stats *a = &cmd->u.stats;
	uint64_t v;
	size_t i;

	if (a->nr == 0) {
		for (i = 0; i < objvm_stat_count(); i++)
			result_printf(res, "%s%s=%" PRIu64, i ? " " : "",
				      objvm_stat_name(i),
				      objvm_stat_read(ctx->vm, i));
		return;
	}
	for (i = 0; i < a->nr; i++) {
		if (objvm_stat_get(ctx->vm, a->names[i], &v) < 0) {
			result_error(res, "no counter named %s", a->names[i]);
			return;
		}
		result_printf(res, "%s%s=%" PRIu64, i ? " " : "", a->names[i],
			      v);
	}
}

/* --- files -------------------------------------------------------------- */

static void cmd_open(struct run_ctx *ctx, struct run_task *t,
		     const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_open *a = &cmd->u.open;
	int flags = access_map[a->access] | map_flags(open_flag_map, a->flags);
	int fd = objvm_open(t->task, a->path, flags);

	if (fd >= 0)
		fd_bind(t, a->fd, fd);
	put_rc(res, fd);
}

static void cmd_close(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	int fd;

	if (fd_resolve(t, cmd->u.fd, &fd, res))
		put_rc(res, objvm_close(t->task, fd));
}

static void cmd_unlink(struct run_ctx *ctx, struct run_task *t,
		       const struct scn_cmd *cmd, struct result *res)
{
	put_rc(res, objvm_unlink(t->task, cmd->u.path));
}

static void cmd_ftruncate(struct run_ctx *ctx, struct run_task *t,
			  const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_ftruncate *a = &cmd->u.ftruncate;
	int fd;

	if (fd_resolve(t, a->fd, &fd, res))
		put_rc(res, objvm_ftruncate(t->task, fd, (int64_t)a->size));
}

static void cmd_write(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_write *a = &cmd->u.write;
	unsigned char *buf;
	ssize_t n;
	int fd;

	if (!fd_resolve(t, a->fd, &fd, res))
		return;
	buf = buf_alloc(a->data.len, res);
	if (!buf)
		return;
	scn_data_fill(&a->data, a->off, buf);
	n = objvm_pwrite(t->task, fd, buf, a->data.len, (int64_t)a->off);
	if (n < 0)
		put_errno(res, n);
	else
		result_printf(res, "%zd", n);
	free(buf);
}

static void cmd_read(struct run_ctx *ctx, struct run_task *t,
		     const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_read *a = &cmd->u.read;
	unsigned char *buf;
	ssize_t n;
	int fd;

	if (!fd_resolve(t, a->fd, &fd, res))
		return;
	buf = buf_alloc(a->len, res);
	if (!buf)
		return;
	n = objvm_pread(t->task, fd, buf, a->len, (int64_t)a->off);
	if (n < 0)
		put_errno(res, n);
	else
		result_bytes(res, buf, (size_t)n, a->as);
	free(buf);
}

static void cmd_fsync(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	int fd;

	if (fd_resolve(t, cmd->u.fd, &fd, res))
		put_rc(res, objvm_fsync(t->task, fd));
}

static void cmd_fstat(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	struct objvm_stat st;
	int fd, rc;

	if (!fd_resolve(t, cmd->u.fd, &fd, res))
		return;
	rc = objvm_fstat(t->task, fd, &st);
	if (rc < 0)
		put_errno(res, rc);
	else
		result_printf(res, "size=%" PRIu64, st.size);
}

/* --- memory ------------------------------------------------------------- */

static void cmd_mmap(struct run_ctx *ctx, struct run_task *t,
		     const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_mmap *a = &cmd->u.mmap;
	uint64_t hint = 0, start = 0;
	int fd = -1, rc;

	if (a->fd && !fd_resolve(t, a->fd, &fd, res))
		return;
	if (a->has_at && !addr_resolve(t, &a->at, &hint, res))
		return;
	rc = objvm_mmap(t->task, hint, a->len, map_flags(prot_map, a->prot),
			map_flags(mmap_flag_map, a->flags), fd, (int64_t)a->off,
			&start);
	if (rc == 0)
		map_bind(ctx, t, a->map, start, a->len);
	put_rc(res, rc);
}

static void cmd_munmap(struct run_ctx *ctx, struct run_task *t,
		       const struct scn_cmd *cmd, struct result *res)
{
	uint64_t addr;

	if (range_resolve(t, &cmd->u.range, &addr, res))
		put_rc(res, objvm_munmap(t->task, addr, cmd->u.range.len));
}

static void cmd_mprotect(struct run_ctx *ctx, struct run_task *t,
			 const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_mprotect *a = &cmd->u.mprotect;
	uint64_t addr;

	if (range_resolve(t, &a->range, &addr, res))
		put_rc(res, objvm_mprotect(t->task, addr, a->range.len,
					   map_flags(prot_map, a->prot)));
}

static void cmd_mremap(struct run_ctx *ctx, struct run_task *t,
		       const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_mremap *a = &cmd->u.mremap;
	const struct run_map *m = map_find(t, a->map);
	uint64_t new_addr = 0, out = 0;
	int flags = 0, rc;

	if (!m) {
		result_error(res, "mapping %s is not bound in task %s", a->map,
			     t->name);
		return;
	}
	if (a->has_fixed && !addr_resolve(t, &a->fixed, &new_addr, res))
		return;
	if (a->maymove)
		flags |= OBJVM_MREMAP_MAYMOVE;
	if (a->has_fixed)
		flags |= OBJVM_MREMAP_FIXED;
	rc = objvm_mremap(t->task, m->start, m->len, a->new_len, flags,
			  new_addr, &out);
	if (rc == 0)
		map_bind(ctx, t, a->map, out, a->new_len);
	put_rc(res, rc);
}

static void cmd_msync(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_msync *a = &cmd->u.msync;
	uint64_t addr;

	if (range_resolve(t, &a->range, &addr, res))
		put_rc(res, objvm_msync(t->task, addr, a->range.len,
					map_flags(msync_flag_map, a->flags)));
}

static void cmd_madvise(struct run_ctx *ctx, struct run_task *t,
			const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_madvise *a = &cmd->u.madvise;
	uint64_t addr;

	if (range_resolve(t, &a->range, &addr, res))
		put_rc(res, objvm_madvise(t->task, addr, a->range.len,
					  advice_map[a->advice]));
}

static void cmd_mlock(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	uint64_t addr;

	if (range_resolve(t, &cmd->u.range, &addr, res))
		put_rc(res, objvm_mlock(t->task, addr, cmd->u.range.len));
}

static void cmd_munlock(struct run_ctx *ctx, struct run_task *t,
			const struct scn_cmd *cmd, struct result *res)
{
	uint64_t addr;

	if (range_resolve(t, &cmd->u.range, &addr, res))
		put_rc(res, objvm_munlock(t->task, addr, cmd->u.range.len));
}

/*
 * mincore in bounded chunks, as the kernel walks (mm/mincore.c): the
 * vector never holds more than MINCORE_CHUNK pages, whatever LEN says.
 * Every error the call can give (EINVAL for the start, ENOMEM past the
 * user address space or at a hole) ends the walk wherever it comes, so
 * the result is that of one call over the whole range.  A walk that
 * succeeds over more than BUF_MAX pages is refused as too long to print.
 */
#define MINCORE_CHUNK 65536

static void cmd_mincore(struct run_ctx *ctx, struct run_task *t,
			const struct scn_cmd *cmd, struct result *res)
{
	uint64_t addr, len = cmd->u.range.len, done = 0, step, pages, i;
	unsigned char *vec;
	int rc;

	if (!range_resolve(t, &cmd->u.range, &addr, res))
		return;
	vec = buf_alloc(MINCORE_CHUNK + 1, res);
	if (!vec)
		return;
	do {
		step = len - done;
		if (step > (uint64_t)MINCORE_CHUNK * OBJVM_PAGE_SIZE)
			step = (uint64_t)MINCORE_CHUNK * OBJVM_PAGE_SIZE;
		rc = objvm_mincore(t->task, addr + done, step, vec);
		if (rc < 0) {
			result_reset(res);
			put_errno(res, rc);
			break;
		}
		if (done / OBJVM_PAGE_SIZE > BUF_MAX) {
			result_reset(res);
			result_error(res, "length %" PRIu64 " out of range",
				     len);
			break;
		}
		/* the start is aligned, or the first call said EINVAL */
		pages = (step + OBJVM_PAGE_SIZE - 1) / OBJVM_PAGE_SIZE;
		for (i = 0; i < pages; i++)
			vec[i] = vec[i] & 1 ? '1' : '0';
		vec[pages] = '\0';
		result_printf(res, "%s", (char *)vec);
		done += step;
	} while (done < len);
	free(vec);
}

static void cmd_remap(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_remap *a = &cmd->u.remap;
	int fd = -1, flags = a->nonblock ? OBJVM_MAP_NONBLOCK_REMAP : 0;
	uint64_t addr;

	if (!addr_resolve(t, &a->addr, &addr, res))
		return;
	if (a->fd && !fd_resolve(t, a->fd, &fd, res))
		return;
	put_rc(res, objvm_remap_file_pages(t->task, addr, a->len, (int)a->prot,
					   a->pgoff, flags, fd));
}

/*
 * A load longer than one TLB's reach, done as loads of that size in turn
 * and formatted as the pieces come (hashed, or quoted), so that the bytes
 * are never held whole.  Each piece faults its pages in order before it
 * copies, as one load does for its range, so the faults, their order and
 * the first one that fails are the same; a failing piece fails the load.
 */
#define LOAD_PIECE (256 * OBJVM_PAGE_SIZE)
/* The top of a task's address space (x86-64, the last page excluded): a
 * load that reaches past it raises SIGSEGV before it faults any page, so
 * it is left whole. */
#define LOAD_TOP   0x7ffffffff000ULL

static void load_in_pieces(struct run_task *t, uint64_t addr, uint64_t len,
			   enum scn_as as, struct result *res)
{
	unsigned char *buf = malloc(LOAD_PIECE);
	struct result_stream s;
	uint64_t done, n;
	int rc = 0;

	if (!buf) {
		result_error(res, "length %" PRIu64 " out of range", len);
		return;
	}
	result_bytes_begin(&s, res, len, as);
	for (done = 0; done < len && !rc; done += n) {
		n = len - done < LOAD_PIECE ? len - done : LOAD_PIECE;
		rc = objvm_load(t->task, addr + done, buf, n, NULL);
		if (!rc)
			result_bytes_add(&s, buf, n);
	}
	if (rc) {
		result_bytes_abort(&s);
		put_access(res, rc);
	} else {
		result_bytes_end(&s);
	}
	free(buf);
}

static void cmd_load(struct run_ctx *ctx, struct run_task *t,
		     const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_load *a = &cmd->u.load;
	unsigned char *buf;
	uint64_t addr;

	if (!addr_resolve(t, &a->addr, &addr, res))
		return;
	if (a->len > LOAD_PIECE && a->len <= BUF_MAX && a->as != SCN_AS_U64 &&
	    addr <= LOAD_TOP && a->len <= LOAD_TOP - addr) {
		load_in_pieces(t, addr, a->len, a->as, res);
		return;
	}
	buf = buf_alloc(a->len, res);
	if (!buf)
		return;
	if (put_access(res, objvm_load(t->task, addr, buf, a->len, NULL)))
		result_bytes(res, buf, a->len, a->as);
	free(buf);
}

static void cmd_store(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_store *a = &cmd->u.store;
	unsigned char *buf;
	uint64_t addr;

	if (!addr_resolve(t, &a->addr, &addr, res))
		return;
	buf = buf_alloc(a->data.len, res);
	if (!buf)
		return;
	scn_data_fill(&a->data, 0, buf);
	if (put_access(res, objvm_store(t->task, addr, buf, a->data.len, NULL)))
		result_printf(res, "ok");
	free(buf);
}

/* touch reports the page that faulted, named after a mapping if one is. */
static void cmd_touch(struct run_ctx *ctx, struct run_task *t,
		      const struct scn_cmd *cmd, struct result *res)
{
	const struct scn_touch *a = &cmd->u.touch;
	uint64_t addr, fault = 0;
	int rc;

	if (!range_resolve(t, &a->range, &addr, res))
		return;
	rc = objvm_touch(t->task, addr, a->range.len, a->write, &fault);
	if (put_access(res, rc)) {
		result_printf(res, "ok");
	} else if (rc == OBJVM_SIGSEGV || rc == OBJVM_SIGBUS) {
		result_printf(res, " at ");
		addr_print(t, fault & ~(OBJVM_PAGE_SIZE - 1), false, res);
	}
}

static void cmd_fork(struct run_ctx *ctx, struct run_task *t,
		     const struct scn_cmd *cmd, struct result *res)
{
	struct objvm_task *child;
	struct run_task *c;
	int rc;

	if (task_find(ctx, cmd->u.child)) {
		result_error(res, "task %s already exists", cmd->u.child);
		return;
	}
	rc = objvm_fork(t->task, &child);
	if (rc == 0) {
		c = task_add(ctx, cmd->u.child, child);
		task_copy_names(c, t);
	}
	put_rc(res, rc);
}

static void cmd_exit(struct run_ctx *ctx, struct run_task *t,
		     const struct scn_cmd *cmd, struct result *res)
{
	int rc = objvm_exit(t->task);

	if (rc == 0)
		t->exited = true;
	put_rc(res, rc);
}

struct maps_walk {
	const struct run_task *t;
	struct result *res;
	unsigned int nr;
};

static int maps_one(void *arg, const struct objvm_map_info *mi)
{
	struct maps_walk *w = arg;

	maps_put(w->t, mi, w->nr++, w->res);
	return 0;
}

static void cmd_maps(struct run_ctx *ctx, struct run_task *t,
		     const struct scn_cmd *cmd, struct result *res)
{
	struct maps_walk w = {t, res, 0};
	int rc = objvm_maps(t->task, maps_one, &w);

	if (rc < 0) {
		result_reset(res);
		put_errno(res, rc);
	}
}

const struct command commands[SCN_NR_VERBS] = {
#define COMMAND(id, word, scope, usage, help) \
	[SCN_##id] = {#word, cmd_##word, usage, help},
	SCN_VERB_LIST(COMMAND)
#undef COMMAND
};
