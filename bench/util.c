/*
 * bench/util.c - helpers shared by the figures: host fault counts, the
 * kernel side's temporary files, and the objvm counter window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

uint64_t bench_timer_overhead;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The median gap between two back-to-back clock reads. */
void bench_timer_calibrate(void)
{
	uint64_t gap[1001], t;
	size_t i;

	for (i = 0; i < 1001; i++) {
		t = bench_now_ns();
		gap[i] = bench_now_ns() - t;
	}
	qsort(gap, 1001, sizeof(*gap), cmp_u64);
	bench_timer_overhead = gap[500];
}

uint64_t bench_minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)ru.ru_minflt;
}

static bool dir_usable(const char *dir)
{
	struct stat st;

	return dir && *dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	       access(dir, W_OK | X_OK) == 0;
}

/*
 * objvm keeps its files in memory, so the kernel side's files should live
 * in memory too: /dev/shm (tmpfs) unless BENCH_TMPDIR says otherwise.
 */
const char *bench_tmpdir(void)
{
	static const char *dir;
	const char *env = getenv("BENCH_TMPDIR");

	if (dir)
		return dir;
	if (dir_usable(env))
		dir = env;
	else if (dir_usable("/dev/shm"))
		dir = "/dev/shm";
	else if (dir_usable(getenv("TMPDIR")))
		dir = getenv("TMPDIR");
	else
		dir = "/tmp";
	return dir;
}

int bench_tmpfile(unsigned long pages)
{
	char path[4096], buf[BENCH_PAGE];
	unsigned long i;
	int fd, err;

	snprintf(path, sizeof(path), "%s/objvm-bench-XXXXXX", bench_tmpdir());
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	unlink(path);
	for (i = 0; i < pages; i++) {
		memset(buf, (int)(i & 0xff), sizeof(buf));
		if (pwrite(fd, buf, sizeof(buf), (off_t)(i * BENCH_PAGE)) !=
		    (ssize_t)sizeof(buf))
			goto fail;
	}
	/* Read it back: every page is now in the page cache. */
	for (i = 0; i < pages; i++)
		if (pread(fd, buf, sizeof(buf), (off_t)(i * BENCH_PAGE)) !=
		    (ssize_t)sizeof(buf))
			goto fail;
	return fd;
fail:
	err = errno ? -errno : -EIO;
	close(fd);
	return err;
}

void bench_no_thp(void *p, unsigned long len)
{
#ifdef MADV_NOHUGEPAGE
	madvise(p, len, MADV_NOHUGEPAGE);
#endif
}

/* --- the objvm counter window ------------------------------------------- */

static uint64_t *win_start, *win_sum;
static size_t win_n;

void ov_window_reset(void)
{
	if (!win_sum) {
		win_n = objvm_stat_count();
		win_start = calloc(win_n, sizeof(*win_start));
		win_sum = calloc(win_n, sizeof(*win_sum));
		if (!win_start || !win_sum) {
			fprintf(stderr, "bench: out of memory\n");
			exit(2);
		}
	}
	memset(win_sum, 0, win_n * sizeof(*win_sum));
}

void ov_window_open(struct objvm *vm)
{
	size_t i;

	for (i = 0; i < win_n; i++)
		win_start[i] = objvm_stat_read(vm, i);
}

void ov_window_close(struct objvm *vm)
{
	size_t i;

	for (i = 0; i < win_n; i++)
		win_sum[i] += objvm_stat_read(vm, i) - win_start[i];
}

uint64_t ov_window_get(const char *name)
{
	size_t i;

	for (i = 0; i < win_n; i++)
		if (strcmp(objvm_stat_name(i), name) == 0)
			return win_sum[i];
	return 0;
}

/* --- objvm set-up helpers ------------------------------------------------ */

int ov_machine(uint64_t mem_bytes, struct objvm **vm, struct objvm_task **t)
{
	struct objvm_config cfg = {
		.mem_bytes = mem_bytes,
		.seed = 1,
		.check = OBJVM_CHECK_OFF,
	};
	int err;

	err = objvm_create(&cfg, vm);
	if (err)
		return err;
	err = objvm_spawn(*vm, NULL, t);
	if (err) {
		objvm_destroy(*vm);
		*vm = NULL;
	}
	return err;
}

int ov_fill_file(struct objvm_task *t, int fd, unsigned long pages)
{
	unsigned char buf[BENCH_PAGE];
	unsigned long i;
	ssize_t n;

	for (i = 0; i < pages; i++) {
		memset(buf, (int)(i & 0xff), sizeof(buf));
		n = objvm_pwrite(t, fd, buf, sizeof(buf),
				 (int64_t)(i * BENCH_PAGE));
		if (n != (ssize_t)sizeof(buf))
			return n < 0 ? (int)n : -EIO;
	}
	return 0;
}

int ov_populate(struct objvm_task *t, uint64_t addr, unsigned long pages)
{
	uint64_t word = 0x0b1ec75;
	unsigned long i;
	int ret;

	for (i = 0; i < pages; i++) {
		ret = objvm_store(t, addr + i * BENCH_PAGE, &word, sizeof(word),
				  NULL);
		if (ret) {
			fprintf(stderr,
				"bench: objvm_store to fresh anonymous memory "
				"at 0x%llx: %s\n",
				(unsigned long long)(addr + i * BENCH_PAGE),
				ret == OBJVM_SIGSEGV  ? "SIGSEGV"
				: ret == OBJVM_SIGBUS ? "SIGBUS"
				: ret == OBJVM_OOM    ? "OOM"
						      : objvm_errname(ret));
			return ret > 0 ? -EFAULT : ret;
		}
	}
	return 0;
}
