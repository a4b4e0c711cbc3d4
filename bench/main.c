/*
 * bench/main.c - objvm-bench: every figure, objvm against the live kernel.
 *
 * usage: objvm-bench [-o FILE.json] [-r REPS] [NAME...]
 *
 * For each figure (or each NAME given) prints one line
 *
 *   bench NAME objvm=VALUE kernel=VALUE ratio=VALUE UNITS=N COUNTER=N ...
 *
 * (a figure whose baseline is objvm under another policy names its two
 * sides instead: objrmap=VALUE ptechain=VALUE),
 *
 * where VALUE is the median over REPS repetitions (default 11, or
 * BENCH_REPS), ratio is kernel / objvm (above 1: objvm is cheaper), UNITS
 * says what one repetition covered, and the counters are objvm's event
 * counts over the timed part of one repetition (of one unit, for the
 * truncate figures), followed by the host minor faults of each side in
 * that part: host_minflt for objvm, kernel_minflt for the kernel.  With -o, writes the same figures, the
 * samples of every repetition, and a description of the machine as JSON.
 *
 * Timing never decides the exit status: 0 when every figure ran, 1 when a
 * side failed to set up or run (its error is printed), 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_REPS     31
#define DEFAULT_REPS 11

#define RMAP_COUNTS {"pgsteal", "rmap_step", "chain_op", "pgscan"}
#define RMAP_FIGURE(base, suffix, scale_, arg_, unit, side, label, bside,   \
		    blabel)                                                 \
	{.name = base "_" label suffix,                                     \
	 .scale = scale_,                                                   \
	 .arg = arg_,                                                       \
	 .unit_key = unit,                                                  \
	 .objvm = &side,                                                    \
	 .kernel = &bside,                                                  \
	 .counts = RMAP_COUNTS,                                             \
	 .labels = {label, blabel},                                         \
	 .per = {"rmap_step", "pgsteal"},                                   \
	 .gauge = "rmap_bytes_peak"}
/* objrmap and objrmap-list against ptechain, and ptechain against
 * objrmap (so that ptechain's own counts are printed too). */
#define RMAP_FIGURES(base, suffix, scale, arg, unit, sides)                 \
	RMAP_FIGURE(base, suffix, scale, arg, unit, sides##_objrmap,        \
		    "objrmap", sides##_ptechain, "ptechain"),               \
	RMAP_FIGURE(base, suffix, scale, arg, unit, sides##_list, "list",   \
		    sides##_ptechain, "ptechain"),                          \
	RMAP_FIGURE(base, suffix, scale, arg, unit, sides##_ptechain,       \
		    "ptechain", sides##_objrmap, "objrmap")

#define NL_COUNTS {"remap_pages", "pte_set", "vma_alloc", "vma_merge"}
#define NL_FIGURE(name_, scale_, arg_, unit, side, kside, ...)              \
	{.name = name_,                                                     \
	 .scale = scale_,                                                   \
	 .arg = arg_,                                                       \
	 .unit_key = unit,                                                  \
	 .objvm = &side,                                                    \
	 .kernel = &kside,                                                  \
	 .counts = __VA_ARGS__}
/* One policy against the kernel's remap_file_pages (the 4.0+ emulation). */
#define NL_FIGURES_KERNEL(p)                                                \
	NL_FIGURE("remap_w1k_" #p "_ns", 1, 1024, "remaps", remap_##p,      \
		  remap_kernel, NL_COUNTS),                                 \
	NL_FIGURE("remap_w16k_" #p "_ns", 1, 16384, "remaps", remap_##p,    \
		  remap_kernel, NL_COUNTS),                                 \
	NL_FIGURE("remap_w60k_" #p "_ns", 1, 61440, "remaps", remap_##p,    \
		  remap_kernel, NL_COUNTS),                                 \
	NL_FIGURE("remap_w1k_" #p "_nb_ns", 1, 1024, "remaps",              \
		  remap_nb_##p, remap_nb_kernel, NL_COUNTS),                \
	NL_FIGURE("remap_w16k_" #p "_nb_ns", 1, 16384, "remaps",            \
		  remap_nb_##p, remap_nb_kernel, NL_COUNTS),                \
	NL_FIGURE("remap_w60k_" #p "_nb_ns", 1, 61440, "remaps",            \
		  remap_nb_##p, remap_nb_kernel, NL_COUNTS),                \
	NL_FIGURE("truncate_nl_w1k_" #p "_us", 1e3, 1024, "shrinks",        \
		  truncate_nl_##p, truncate_nl_kernel,                      \
		  {"pte_zap", "pagecache_remove", "rmap_vma_visit",         \
		   "nonlinear_scan"}),                                      \
	NL_FIGURE("truncate_nl_w10k_" #p "_us", 1e3, 10240, "shrinks",      \
		  truncate_nl_##p, truncate_nl_kernel,                      \
		  {"pte_zap", "pagecache_remove", "rmap_vma_visit",         \
		   "nonlinear_scan"}),                                      \
	NL_FIGURE("truncate_nl_w60k_" #p "_us", 1e3, 61440, "shrinks",      \
		  truncate_nl_##p, truncate_nl_kernel,                      \
		  {"pte_zap", "pagecache_remove", "rmap_vma_visit",         \
		   "nonlinear_scan"}),                                      \
	NL_FIGURE("remap_reverse_" #p "_ms", 1e6, 0, "passes",              \
		  remap_reverse_##p, remap_reverse_kernel, NL_COUNTS),      \
	NL_FIGURE("nl_db_" #p "_us", 1e3, 0, "txns", nl_db_##p,             \
		  nl_db_kernel,                                             \
		  {"remap_pages", "fault_file_minor", "fault_file_major",   \
		   "rmap_step", "pgsteal"})
/* Under memory pressure and reclaim: one policy against another. */
#define NL_FIGURES_POLICY(p, base)                                          \
	{.name = "nl_db_" #p "_pressure_us",                                \
	 .scale = 1e3,                                                      \
	 .unit_key = "txns",                                                \
	 .objvm = &nl_db_pressure_##p,                                      \
	 .kernel = &nl_db_pressure_##base,                                  \
	 .counts = {"remap_pages", "fault_file_major", "rmap_step",         \
		    "nonlinear_scan", "pgsteal", "writeback"},              \
	 .labels = {#p, #base}},                                            \
	{.name = "reclaim_nl_" #p "_ns",                                    \
	 .scale = 1,                                                        \
	 .unit_key = "pages",                                               \
	 .objvm = &reclaim_nl_##p,                                          \
	 .kernel = &reclaim_nl_##base,                                      \
	 .counts = {"pgsteal", "pgscan", "rmap_step", "nonlinear_scan",     \
		    "pte_zap"},                                             \
	 .labels = {#p, #base}}

static const struct figure figures[] = {
	{.name = "tlb_hit_load_ns",
	 .scale = 1,
	 .arg = 5000000,
	 .unit_key = "loads",
	 .counts_per_unit = false,
	 .objvm = &tlb_objvm,
	 .kernel = &tlb_kernel,
	 .counts = {"tlb_hit", "tlb_miss"}},
	{.name = "fault_shared_ns",
	 .scale = 1,
	 .arg = 16384,
	 .unit_key = "pages",
	 .counts_per_unit = false,
	 .objvm = &fault_shared_objvm,
	 .kernel = &fault_shared_kernel,
	 .counts = {"fault_file_minor", "fault_file_major"}},
	{.name = "fault_anon_ns",
	 .scale = 1,
	 .arg = 16384,
	 .unit_key = "pages",
	 .counts_per_unit = false,
	 .objvm = &fault_anon_objvm,
	 .kernel = &fault_anon_kernel,
	 .counts = {"fault_anon", "fault_zero", "page_alloc"}},
	{.name = "fault_cow_ns",
	 .scale = 1,
	 .arg = 16384,
	 .unit_key = "pages",
	 .counts_per_unit = false,
	 .objvm = &fault_cow_objvm,
	 .kernel = &fault_cow_kernel,
	 .counts = {"fault_cow", "fault_wp", "page_alloc"}},
	{.name = "munmap_page_ns",
	 .scale = 1,
	 .arg = 16384,
	 .unit_key = "pages",
	 .counts_per_unit = false,
	 .objvm = &munmap_objvm,
	 .kernel = &munmap_kernel,
	 .counts = {"pte_zap", "page_free", "pgtable_free"}},
	{.name = "truncate_k1_us",
	 .scale = 1e3,
	 .arg = 1,
	 .unit_key = "shrinks",
	 .counts_per_unit = true,
	 .objvm = &truncate_objvm,
	 .kernel = &truncate_kernel,
	 .counts = {"rmap_vma_visit", "truncate_unmap", "pagecache_remove"}},
	{.name = "truncate_k100_us",
	 .scale = 1e3,
	 .arg = 100,
	 .unit_key = "shrinks",
	 .counts_per_unit = true,
	 .objvm = &truncate_objvm,
	 .kernel = &truncate_kernel,
	 .counts = {"rmap_vma_visit", "truncate_unmap", "pagecache_remove"}},
	{.name = "truncate_k1000_us",
	 .scale = 1e3,
	 .arg = 1000,
	 .unit_key = "shrinks",
	 .counts_per_unit = true,
	 .objvm = &truncate_objvm,
	 .kernel = &truncate_kernel,
	 .counts = {"rmap_vma_visit", "truncate_unmap", "pagecache_remove"}},
	{.name = "truncate_k10000_us",
	 .scale = 1e3,
	 .arg = 10000,
	 .unit_key = "shrinks",
	 .counts_per_unit = true,
	 .objvm = &truncate_objvm,
	 .kernel = &truncate_kernel,
	 .counts = {"rmap_vma_visit", "truncate_unmap", "pagecache_remove"}},
	{.name = "fork_256m_ms",
	 .scale = 1e6,
	 .arg = 65536,
	 .unit_key = "forks",
	 .counts_per_unit = false,
	 .objvm = &fork_objvm,
	 .kernel = &fork_kernel,
	 .counts = {"fork_pte_copy", "pgtable_alloc", "vma_alloc"}},
	{.name = "mmap_v1000_ns",
	 .scale = 1,
	 .arg = 1000,
	 .unit_key = "mmaps",
	 .counts_per_unit = true,
	 .objvm = &mmap_objvm,
	 .kernel = &mmap_kernel,
	 .counts = {"vma_alloc", "vma_merge"}},
	{.name = "mmap_v10000_ns",
	 .scale = 1,
	 .arg = 10000,
	 .unit_key = "mmaps",
	 .counts_per_unit = true,
	 .objvm = &mmap_objvm,
	 .kernel = &mmap_kernel,
	 .counts = {"vma_alloc", "vma_merge"}},
	{.name = "mmap_v60000_ns",
	 .scale = 1,
	 .arg = 60000,
	 .unit_key = "mmaps",
	 .counts_per_unit = true,
	 .objvm = &mmap_objvm,
	 .kernel = &mmap_kernel,
	 .counts = {"vma_alloc", "vma_merge"}},
	{.name = "reclaim_clean_ns",
	 .scale = 1,
	 .arg = 65536,
	 .unit_key = "pages",
	 .counts_per_unit = false,
	 .objvm = &reclaim_clean_objvm,
	 .kernel = &reclaim_clean_kernel,
	 .counts = {"pgsteal", "pgscan", "rmap_step"}},
	/* remap_file_pages under each vm.nonlinear policy. */
	NL_FIGURES_KERNEL(pageable),
	/* The reverse-map schemes, each against a baseline scheme: both sides
	 * are objvm (the baseline runs in the second process). */
	RMAP_FIGURES("rmap_test_lin", "_us", 1e3, 0, "touches", rmap_test_lin),
	RMAP_FIGURES("rmap_test_rnd", "_us", 1e3, 0, "touches", rmap_test_rnd),
	RMAP_FIGURES("rmap_fork", "_us", 1e3, 0, "forks", rmap_fork),
	RMAP_FIGURES("rmap_share", "_ns", 1, 4096, "pages", rmap_share),
};

#define NR_FIGURES (sizeof(figures) / sizeof(figures[0]))

struct fig_result {
	bool ran;
	int err;              /* 0, or the failing side's errno */
	const char *err_side; /* "objvm" or "kernel" */
	unsigned int reps;
	double ov[MAX_REPS], kv[MAX_REPS]; /* per-unit values, scaled */
	double ov_med, k_med, ratio;
	uint64_t units;                    /* of the last repetition */
	uint64_t counts[BENCH_MAX_COUNTS]; /* totals of the last repetition */
	bool counts_stable;           /* every repetition had the same counts */
	uint64_t ov_minflt, k_minflt; /* of the last repetition */
	uint64_t ov_gauge, k_gauge;   /* the largest of the repetitions */
};

static struct fig_result results[NR_FIGURES];

/* --- the kernel server ---------------------------------------------------- */

enum kop { KOP_SETUP, KOP_REP, KOP_TEARDOWN };

struct kreq {
	int fig;
	int op;
};

struct kresp {
	int err;
	struct rep_result r;
};

static int kreq_fd = -1, kresp_fd = -1;
static pid_t kserver_pid;

static bool read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static void kserver_loop(int in, int out)
{
	static void *state[NR_FIGURES];
	const struct side *s;
	struct kresp resp;
	struct kreq req;

	while (read_full(in, &req, sizeof(req))) {
		memset(&resp, 0, sizeof(resp));
		if (req.fig < 0 || (size_t)req.fig >= NR_FIGURES)
			_exit(3);
		s = figures[req.fig].kernel;
		switch (req.op) {
		case KOP_SETUP:
			resp.err =
				s->setup(&state[req.fig], figures[req.fig].arg);
			break;
		case KOP_REP:
			resp.err = s->rep(state[req.fig], figures[req.fig].arg,
					  &resp.r);
			break;
		case KOP_TEARDOWN:
			s->teardown(state[req.fig]);
			state[req.fig] = NULL;
			break;
		}
		if (!write_full(out, &resp, sizeof(resp)))
			_exit(3);
	}
	_exit(0);
}

/* Forks the kernel server; called before any objvm machine exists. */
static int kserver_start(void)
{
	int req[2], resp[2];

	if (pipe(req) || pipe(resp))
		return -errno;
	fflush(NULL);
	kserver_pid = fork();
	if (kserver_pid < 0)
		return -errno;
	if (kserver_pid == 0) {
		close(req[1]);
		close(resp[0]);
		kserver_loop(req[0], resp[1]);
	}
	close(req[0]);
	close(resp[1]);
	kreq_fd = req[1];
	kresp_fd = resp[0];
	return 0;
}

static void kserver_stop(void)
{
	close(kreq_fd);
	close(kresp_fd);
	waitpid(kserver_pid, NULL, 0);
}

static int kcall(size_t fig, enum kop op, struct rep_result *r)
{
	struct kreq req = {.fig = (int)fig, .op = op};
	struct kresp resp;

	if (!write_full(kreq_fd, &req, sizeof(req)) ||
	    !read_full(kresp_fd, &resp, sizeof(resp))) {
		fprintf(stderr, "bench: the kernel server died\n");
		exit(1);
	}
	if (r)
		*r = resp.r;
	return resp.err;
}

/* --- running a figure ------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, unsigned int n)
{
	double s[MAX_REPS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double per_unit(const struct figure *f, const struct rep_result *r)
{
	return (double)r->ns / (double)(r->units ? r->units : 1) / f->scale;
}

static void run_figure(size_t i, unsigned int reps)
{
	const struct figure *f = &figures[i];
	struct fig_result *res = &results[i];
	struct rep_result ro, rk;
	uint64_t counts[BENCH_MAX_COUNTS];
	void *ostate = NULL;
	unsigned int rep, c;
	int err;

	res->ran = true;
	res->reps = reps;
	res->counts_stable = true;
	err = f->objvm->setup(&ostate, f->arg);
	if (err) {
		res->err = err;
		res->err_side = "objvm";
		return;
	}
	err = kcall(i, KOP_SETUP, NULL);
	if (err) {
		res->err = err;
		res->err_side = "kernel";
		kcall(i, KOP_TEARDOWN, NULL);
		goto out_objvm;
	}
	/* Repetition 0 is the warm-up: run, not recorded. */
	for (rep = 0; rep <= reps; rep++) {
		ov_window_reset();
		err = f->objvm->rep(ostate, f->arg, &ro);
		if (err) {
			res->err_side = "objvm";
			break;
		}
		err = kcall(i, KOP_REP, &rk);
		if (err) {
			res->err_side = "kernel";
			break;
		}
		if (rep == 0)
			continue;
		res->ov[rep - 1] = per_unit(f, &ro);
		res->kv[rep - 1] = per_unit(f, &rk);
		for (c = 0; c < BENCH_MAX_COUNTS && f->counts[c]; c++)
			counts[c] = ov_window_get(f->counts[c]);
		if (rep > 1 &&
		    (memcmp(counts, res->counts, c * sizeof(*counts)) ||
		     ro.units != res->units))
			res->counts_stable = false;
		memcpy(res->counts, counts, c * sizeof(*counts));
		res->units = ro.units;
		res->ov_minflt = ro.minflt;
		res->k_minflt = rk.minflt;
		if (ro.gauge > res->ov_gauge)
			res->ov_gauge = ro.gauge;
		if (rk.gauge > res->k_gauge)
			res->k_gauge = rk.gauge;
	}
	res->err = err;
	kcall(i, KOP_TEARDOWN, NULL);
out_objvm:
	f->objvm->teardown(ostate);
	if (res->err)
		return;
	res->ov_med = median(res->ov, reps);
	res->k_med = median(res->kv, reps);
	res->ratio = res->ov_med > 0 ? res->k_med / res->ov_med : 0;
}

/* Three significant digits or so, without exponents. */
static void fmt_value(char *buf, size_t len, double v)
{
	if (v < 10)
		snprintf(buf, len, "%.2f", v);
	else if (v < 100)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

/* A counter, divided by the units when the figure says so. */
static void print_count(FILE *out, const struct figure *f,
			const struct fig_result *res, unsigned int c)
{
	uint64_t div = f->counts_per_unit && res->units ? res->units : 1;

	if (res->counts[c] % div)
		fprintf(out, "%.2f", (double)res->counts[c] / (double)div);
	else
		fprintf(out, "%llu",
			(unsigned long long)(res->counts[c] / div));
}

static const char *side_label(const struct figure *f, int side)
{
	if (f->labels[side])
		return f->labels[side];
	return side ? "kernel" : "objvm";
}

/* The index in f->counts of the counter @name, or -1. */
static int count_index(const struct figure *f, const char *name)
{
	int c;

	for (c = 0; c < BENCH_MAX_COUNTS && f->counts[c]; c++)
		if (strcmp(f->counts[c], name) == 0)
			return c;
	return -1;
}

/* The quotient f->per[0] / f->per[1] of the last repetition's counts. */
static bool per_value(const struct figure *f, const struct fig_result *res,
		      double *v)
{
	int a, b;

	if (!f->per[0])
		return false;
	a = count_index(f, f->per[0]);
	b = count_index(f, f->per[1]);
	if (a < 0 || b < 0 || !res->counts[b])
		return false;
	*v = (double)res->counts[a] / (double)res->counts[b];
	return true;
}

static void print_figure(size_t i)
{
	const struct figure *f = &figures[i];
	const struct fig_result *res = &results[i];
	char ov[32], kv[32], ratio[32];
	unsigned int c;
	double per;

	if (res->err) {
		printf("bench %s failed: %s side: %s\n", f->name,
		       side_label(f, strcmp(res->err_side, "objvm") != 0),
		       objvm_errname(res->err));
		fflush(stdout);
		return;
	}
	fmt_value(ov, sizeof(ov), res->ov_med);
	fmt_value(kv, sizeof(kv), res->k_med);
	if (res->ratio < 1)
		snprintf(ratio, sizeof(ratio), "%.3g", res->ratio);
	else
		fmt_value(ratio, sizeof(ratio), res->ratio);
	printf("bench %s %s=%s %s=%s ratio=%s %s=%llu", f->name,
	       side_label(f, 0), ov, side_label(f, 1), kv, ratio, f->unit_key,
	       (unsigned long long)res->units);
	for (c = 0; c < BENCH_MAX_COUNTS && f->counts[c]; c++) {
		printf(" %s=", f->counts[c]);
		print_count(stdout, f, res, c);
	}
	if (per_value(f, res, &per))
		printf(" %s/%s=%.2f", f->per[0], f->per[1], per);
	if (f->gauge)
		printf(" %s=%llu %s_%s=%llu", f->gauge,
		       (unsigned long long)res->ov_gauge, side_label(f, 1),
		       f->gauge, (unsigned long long)res->k_gauge);
	printf(" host_minflt=%llu kernel_minflt=%llu",
	       (unsigned long long)res->ov_minflt,
	       (unsigned long long)res->k_minflt);
	if (!res->counts_stable)
		printf(" counts_stable=no");
	printf("\n");
	fflush(stdout);
}

/* --- JSON ------------------------------------------------------------------ */

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void json_samples(FILE *out, const double *v, unsigned int n)
{
	unsigned int i;

	fputc('[', out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%.6g", i ? ", " : "", v[i]);
	fputc(']', out);
}

/* The first line of @path that starts with @key, after its ": ". */
static void read_field(const char *path, const char *key, char *buf, size_t len)
{
	char line[512], *p;
	FILE *f = fopen(path, "r");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (key && strncmp(line, key, strlen(key)))
			continue;
		p = key ? strchr(line, ':') : line;
		if (!p)
			continue;
		p += key ? 1 : 0;
		p += strspn(p, " \t");
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, len, "%s", p);
		break;
	}
	fclose(f);
}

static const char *fs_name(const char *dir)
{
	static char buf[32];
	struct statfs st;

	if (statfs(dir, &st))
		return "unknown";
	switch ((unsigned long)st.f_type) {
	case 0x01021994:
		return "tmpfs";
	case 0xef53:
		return "ext4";
	case 0x9123683e:
		return "btrfs";
	case 0x58465342:
		return "xfs";
	case 0x794c7630:
		return "overlayfs";
	}
	snprintf(buf, sizeof(buf), "0x%lx", (unsigned long)st.f_type);
	return buf;
}

static void json_machine(FILE *out, unsigned int reps)
{
	char cpu[256], thp[128], date[64];
	unsigned int v = objvm_version();
	struct utsname u;
	time_t now = time(NULL);

	uname(&u);
	read_field("/proc/cpuinfo", "model name", cpu, sizeof(cpu));
	read_field("/sys/kernel/mm/transparent_hugepage/enabled", NULL, thp,
		   sizeof(thp));
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));

	fprintf(out, "  \"machine\": {\n    \"kernel\": ");
	json_string(out, u.release);
	fprintf(out, ",\n    \"arch\": ");
	json_string(out, u.machine);
	fprintf(out, ",\n    \"cpu\": ");
	json_string(out, cpu);
	fprintf(out, ",\n    \"ncpu\": %ld,\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(out, "    \"mem_mib\": %llu,\n",
		(unsigned long long)sysconf(_SC_PHYS_PAGES) *
				(unsigned long long)sysconf(_SC_PAGESIZE) >>
			20);
	fprintf(out, "    \"thp\": ");
	json_string(out, thp);
	fprintf(out, ",\n    \"tmpdir\": ");
	json_string(out, bench_tmpdir());
	fprintf(out, ",\n    \"tmpdir_fs\": ");
	json_string(out, fs_name(bench_tmpdir()));
	fprintf(out, "\n  },\n  \"date\": ");
	json_string(out, date);
	fprintf(out, ",\n  \"objvm_version\": \"%u.%u.%u\",\n", v >> 16,
		(v >> 8) & 0xff, v & 0xff);
	fprintf(out, "  \"objvm_git\": ");
	json_string(out, getenv("BENCH_GIT") ? getenv("BENCH_GIT") : "");
	fprintf(out, ",\n  \"reps\": %u,\n", reps);
	fprintf(out, "  \"timer_overhead_ns\": %llu,\n",
		(unsigned long long)bench_timer_overhead);
}

/* One figure per line, so that line tools can compare two files. */
static void json_figure(FILE *out, size_t i, bool last)
{
	const struct figure *f = &figures[i];
	const struct fig_result *res = &results[i];
	unsigned int c;
	double per;

	fprintf(out, "    {\"name\": \"%s\", ", f->name);
	if (res->err) {
		fprintf(out, "\"error\": \"%s side: %s\"}%s\n", res->err_side,
			objvm_errname(res->err), last ? "" : ",");
		return;
	}
	fprintf(out, "\"objvm\": %.6g, \"kernel\": %.6g, \"ratio\": %.4g, ",
		res->ov_med, res->k_med, res->ratio);
	if (f->labels[0])
		fprintf(out, "\"labels\": [\"%s\", \"%s\"], ", f->labels[0],
			f->labels[1]);
	fprintf(out, "\"%s\": %llu, \"counts_per\": \"%s\", \"counts\": {",
		f->unit_key, (unsigned long long)res->units,
		f->counts_per_unit ? "unit" : "repetition");
	for (c = 0; c < BENCH_MAX_COUNTS && f->counts[c]; c++) {
		fprintf(out, "%s\"%s\": ", c ? ", " : "", f->counts[c]);
		print_count(out, f, res, c);
	}
	fprintf(out, "}, ");
	if (per_value(f, res, &per))
		fprintf(out, "\"%s_per_%s\": %.4g, ", f->per[0], f->per[1], per);
	if (f->gauge)
		fprintf(out, "\"%s\": [%llu, %llu], ", f->gauge,
			(unsigned long long)res->ov_gauge,
			(unsigned long long)res->k_gauge);
	fprintf(out, "\"counts_stable\": %s, ",
		res->counts_stable ? "true" : "false");
	fprintf(out, "\"host_minflt\": %llu, \"kernel_minflt\": %llu, ",
		(unsigned long long)res->ov_minflt,
		(unsigned long long)res->k_minflt);
	fprintf(out, "\"objvm_samples\": ");
	json_samples(out, res->ov, res->reps);
	fprintf(out, ", \"kernel_samples\": ");
	json_samples(out, res->kv, res->reps);
	fprintf(out, "}%s\n", last ? "" : ",");
}

static int write_json(const char *path, unsigned int reps)
{
	size_t i, n = 0, done = 0;
	FILE *out = fopen(path, "w");

	if (!out) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < NR_FIGURES; i++)
		n += results[i].ran;
	fprintf(out, "{\n");
	json_machine(out, reps);
	fprintf(out, "  \"figures\": [\n");
	for (i = 0; i < NR_FIGURES; i++)
		if (results[i].ran)
			json_figure(out, i, ++done == n);
	fprintf(out, "  ]\n}\n");
	return fclose(out) ? -1 : 0;
}

/* --- main ------------------------------------------------------------------ */

static void usage(void)
{
	size_t i;

	fprintf(stderr, "usage: objvm-bench [-o FILE.json] [-r REPS] "
			"[NAME...]\nfigures:");
	for (i = 0; i < NR_FIGURES; i++)
		fprintf(stderr, " %s", figures[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

static bool wanted(const char *name, int argc, char **argv)
{
	int i;

	if (argc == 0)
		return true;
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *json = NULL, *env = getenv("BENCH_REPS");
	unsigned int reps = DEFAULT_REPS;
	int opt, failed = 0, i;
	uint64_t t0 = bench_now_ns();
	size_t f;

	if (env && *env)
		reps = (unsigned int)atoi(env);
	while ((opt = getopt(argc, argv, "o:r:h")) != -1) {
		switch (opt) {
		case 'o':
			json = optarg;
			break;
		case 'r':
			reps = (unsigned int)atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "bench: REPS must be 1..%d\n", MAX_REPS);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		for (f = 0; f < NR_FIGURES; f++)
			if (strcmp(argv[i], figures[f].name) == 0)
				break;
		if (f == NR_FIGURES)
			usage();
	}
	signal(SIGPIPE, SIG_IGN);
	bench_timer_calibrate();
	if (kserver_start()) {
		fprintf(stderr, "bench: cannot start the kernel server\n");
		return 1;
	}
	printf("# objvm %s vs Linux: median of %u repetitions; "
	       "ratio = kernel / objvm (above 1: objvm is cheaper)\n",
	       OBJVM_VERSION_STRING, reps);
	fflush(stdout);
	for (f = 0; f < NR_FIGURES; f++) {
		if (!wanted(figures[f].name, argc - optind, argv + optind))
			continue;
		run_figure(f, reps);
		print_figure(f);
		failed |= results[f].err != 0;
	}
	kserver_stop();
	if (json && write_json(json, reps))
		failed = 1;
	printf("# %.1f s%s%s\n", (double)(bench_now_ns() - t0) / 1e9,
	       json ? "; figures written to " : "", json ? json : "");
	return failed;
}
