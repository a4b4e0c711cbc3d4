/*
 * tests/unit/test_fs.c - files: the namespace, the page cache and the
 * backing stores (src/fs/).
 *
 * Each test builds a machine with objvm_create() and drives the internal
 * calls (filp_open, file_pwrite, file_pread, fs_unlink, file_fsync,
 * drop_pagecache...), under both the memory store and a host directory
 * made with mkdtemp() and removed afterwards.  check_mapping() runs over
 * every live inode after every step.
 */
#define _GNU_SOURCE /* nftw's FTW_DEPTH */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "objvm.h"
#include "machine.h"
#include "fs/fs.h"
#include "truncate/truncate.h"
#include "fs/internal.h"
#include "page/page.h"

#include "harness.h"

#define PS ((int64_t)PAGE_SIZE)

enum store { MEMORY, HOST };

static char host_dir[64];

/* --- fixture -------------------------------------------------------------- */

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void host_dir_make(void)
{
	strcpy(host_dir, "/tmp/objvm-test-fs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(host_dir));
}

static void host_dir_remove(void)
{
	if (host_dir[0])
		nftw(host_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	host_dir[0] = '\0';
}

static struct objvm *machine_over(const char *dir)
{
	struct objvm_config cfg = {.mem_bytes = 8 << 20, .backing_dir = dir};
	struct objvm *vm = NULL;

	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	ck_assert_ptr_nonnull(vm);
	return vm;
}

static struct objvm *machine_new(enum store store)
{
	if (store == HOST)
		host_dir_make();
	return machine_over(store == HOST ? host_dir : NULL);
}

static void machine_end(struct objvm *vm)
{
	ck_assert_int_eq(objvm_destroy(vm), 0);
	host_dir_remove();
}

/* check_mapping() over every live inode. */
static void check_fs(struct objvm *vm)
{
	struct list_head *pos;
	char msg[256];

	vm_lock(&vm->ns_lock);
	list_for_each(pos, &vm->inodes) {
		struct inode *inode = list_entry(pos, struct inode, link);

		if (atomic_load(&inode->i_state))
			continue;
		if (!check_mapping(&inode->mapping, msg, sizeof(msg))) {
			vm_unlock(&vm->ns_lock);
			ck_abort_msg("%s", msg);
		}
	}
	vm_unlock(&vm->ns_lock);
}

/* check_fs(), then every invariant of the machine (P2 counts the page
 * references: call it only when the test holds none). */
static void check_all(struct objvm *vm)
{
	char msg[256];

	check_fs(vm);
	ck_assert_msg(objvm_check(vm, msg, sizeof(msg)) == 0, "%s", msg);
}

static unsigned long nr_inodes(struct objvm *vm)
{
	unsigned long n = 0;
	struct list_head *pos;

	vm_lock(&vm->ns_lock);
	list_for_each(pos, &vm->inodes)
		n++;
	vm_unlock(&vm->ns_lock);
	return n;
}

static uint64_t stat_of(struct objvm *vm, enum vm_stat_item item)
{
	return objvm_stat_read(vm, item);
}

static struct file *open_ok(struct objvm *vm, const char *path, int flags)
{
	struct file *file = NULL;
	int err = filp_open(vm, path, flags, &file);

	ck_assert_msg(err == 0, "open %s: %d", path, err);
	check_all(vm);
	return file;
}

static int open_err(struct objvm *vm, const char *path, int flags)
{
	struct file *file = NULL;
	int err = filp_open(vm, path, flags, &file);

	if (!err)
		fput(file);
	check_all(vm);
	return err;
}

static void fill(char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)('a' + (i * 7 + seed) % 26);
}

static void write_ok(struct file *file, const void *buf, size_t len,
		     int64_t off)
{
	ck_assert_int_eq(file_pwrite(file, buf, len, off), (ssize_t)len);
	check_all(file->inode->vm);
}

static void expect_bytes(struct file *file, int64_t off, const void *want,
			 size_t len)
{
	char *got = malloc(len + 1);

	ck_assert_int_eq(file_pread(file, got, len, off), (ssize_t)len);
	ck_assert_msg(memcmp(got, want, len) == 0, "bytes at %lld differ",
		      (long long)off);
	free(got);
	check_all(file->inode->vm);
}

static void expect_zeros(struct file *file, int64_t off, size_t len)
{
	char *zero = calloc(1, len);

	expect_bytes(file, off, zero, len);
	free(zero);
}

/* The refcount of the cached page at @index, not counting our lookup. */
static int cache_refs(struct file *file, pgoff_t index)
{
	struct page *page = find_get_page(&file->inode->mapping, index);
	int n;

	if (!page)
		return 0;
	n = page_count(page) - 1;
	put_page(file->inode->vm, page);
	return n;
}

static bool page_dirty_at(struct file *file, pgoff_t index)
{
	struct page *page = find_get_page(&file->inode->mapping, index);
	bool dirty;

	ck_assert_ptr_nonnull(page);
	dirty = PageDirty(page);
	put_page(file->inode->vm, page);
	return dirty;
}

/* Stores @c into the cached page at byte @off, as a mapping would. */
static void poke_cache(struct file *file, int64_t off, char c, size_t len)
{
	struct page *page = find_get_page(&file->inode->mapping, off / PS);

	ck_assert_ptr_nonnull(page);
	memset((char *)page_address(file->inode->vm, page) + off % PS, c, len);
	put_page(file->inode->vm, page);
}

/* --- the namespace -------------------------------------------------------- */

START_TEST(open_errors)
{
	struct objvm *vm = machine_new(_i);
	char *path = malloc(FS_PATH_MAX + 2);
	struct file *file;
	size_t i;

	ck_assert_int_eq(open_err(vm, "/none", OBJVM_O_RDONLY), -ENOENT);
	ck_assert_int_eq(open_err(vm, "rel", OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ENOENT);
	ck_assert_int_eq(open_err(vm, "", OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ENOENT);
	ck_assert_int_eq(open_err(vm, "/hugetlbfs/x",
				  OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ENOSYS);
	ck_assert_int_eq(open_err(vm, "/", OBJVM_O_RDONLY), -EISDIR);

	/* A 256-byte component is too long, a 255-byte one is fine. */
	path[0] = '/';
	memset(path + 1, 'n', 256);
	path[257] = '\0';
	ck_assert_int_eq(open_err(vm, path, OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ENAMETOOLONG);
	path[256] = '\0';
	ck_assert_int_eq(open_err(vm, path, OBJVM_O_RDWR | OBJVM_O_CREAT), 0);

	/* 4095 bytes is a path, 4096 is not (components of 200). */
	for (i = 0; i < FS_PATH_MAX + 1; i++)
		path[i] = i % 201 == 0 ? '/' : 'p';
	path[FS_PATH_MAX + 1] = '\0';
	ck_assert_int_eq(open_err(vm, path, OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ENAMETOOLONG);
	path[FS_PATH_MAX] = '\0';
	/* The host resolves it beneath its directory, whose own name does
	 * not count against PATH_MAX. */
	ck_assert_int_eq(open_err(vm, path, OBJVM_O_RDWR | OBJVM_O_CREAT), 0);

	file = open_ok(vm, "/f", OBJVM_O_RDWR | OBJVM_O_CREAT);
	ck_assert_int_eq(open_err(vm, "/f",
				  OBJVM_O_RDWR | OBJVM_O_CREAT | OBJVM_O_EXCL),
			 -EEXIST);
	/* O_EXCL without O_CREAT is ignored, as on Linux. */
	ck_assert_int_eq(open_err(vm, "/f", OBJVM_O_RDWR | OBJVM_O_EXCL), 0);
	ck_assert_int_eq(open_err(vm, "/f/g", OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ENOTDIR);
	ck_assert_int_eq(open_err(vm, "/f/", OBJVM_O_RDONLY), -ENOTDIR);
	ck_assert_int_eq(open_err(vm, "/new/", OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -EISDIR);
	ck_assert_int_eq(open_err(vm, "/new/", OBJVM_O_RDWR), -ENOENT);

	/* /d exists as a directory once /d/e does. */
	fput(open_ok(vm, "/d/e", OBJVM_O_RDWR | OBJVM_O_CREAT));
	ck_assert_int_eq(open_err(vm, "/d", OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -EISDIR);
	ck_assert_int_eq(fs_unlink(vm, "/d"), -EISDIR);
	ck_assert_int_eq(fs_unlink(vm, "/f/x"), -ENOTDIR);
	ck_assert_int_eq(fs_unlink(vm, "/nothing"), -ENOENT);
	ck_assert_int_eq(fs_unlink(vm, "/hugetlbfs/x"), -ENOSYS);
	ck_assert_int_eq(fs_unlink(vm, "/d/e"), 0);
	/* ...and is gone with it. */
	fput(open_ok(vm, "/d", OBJVM_O_RDWR | OBJVM_O_CREAT));

	fput(file);
	free(path);
	machine_end(vm);
}
END_TEST

START_TEST(paths_normalise)
{
	struct objvm *vm = machine_new(_i);
	struct file *a, *b;

	a = open_ok(vm, "//x/./y/../z", OBJVM_O_RDWR | OBJVM_O_CREAT);
	b = open_ok(vm, "/x/z", OBJVM_O_RDWR);
	ck_assert_ptr_eq(a->inode, b->inode);
	ck_assert_str_eq(a->inode->path, "/x/z");
	/* ".." stops at the root: nothing escapes a backing directory. */
	fput(open_ok(vm, "/../../x/z", OBJVM_O_RDONLY));
	fput(a);
	fput(b);
	machine_end(vm);
}
END_TEST

START_TEST(access_modes)
{
	struct objvm *vm = machine_new(_i);
	struct file *rw, *ro, *wo, *none;
	char buf[8];

	rw = open_ok(vm, "/m", OBJVM_O_RDWR | OBJVM_O_CREAT);
	write_ok(rw, "abc", 3, 0);
	ro = open_ok(vm, "/m", OBJVM_O_RDONLY);
	wo = open_ok(vm, "/m", OBJVM_O_WRONLY);
	none = open_ok(vm, "/m", OBJVM_O_ACCMODE);
	ck_assert_int_eq(file_pwrite(ro, "x", 1, 0), -EBADF);
	ck_assert_int_eq(file_pread(wo, buf, 1, 0), -EBADF);
	ck_assert_int_eq(file_pread(none, buf, 1, 0), -EBADF);
	ck_assert_int_eq(file_pwrite(none, "x", 1, 0), -EBADF);
	ck_assert_int_eq(file_pread(ro, buf, 3, 0), 3);
	ck_assert_int_eq(file_pwrite(wo, "x", 1, 0), 1);
	ck_assert_int_eq(file_pread(ro, buf, 1, -1), -EINVAL);
	ck_assert_int_eq(file_pwrite(wo, "x", 1, -1), -EINVAL);
	ck_assert_int_eq(atomic_load(&rw->inode->i_count), 5);
	fput(rw);
	fput(ro);
	fput(wo);
	fput(none);
	machine_end(vm);
}
END_TEST

/* --- read and write ------------------------------------------------------- */

START_TEST(write_read_eof)
{
	struct objvm *vm = machine_new(_i);
	struct file *f = open_ok(vm, "/w", OBJVM_O_RDWR | OBJVM_O_CREAT);
	char buf[64];

	write_ok(f, "hello", 5, 0);
	ck_assert_int_eq(i_size_read(f->inode), 5);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 1);
	ck_assert_int_eq(cache_refs(f, 0), 1); /* the cache's only */
	ck_assert(page_dirty_at(f, 0));
	expect_bytes(f, 0, "hello", 5);
	ck_assert_int_eq(file_pread(f, buf, sizeof(buf), 2), 3); /* short */
	ck_assert_int_eq(memcmp(buf, "llo", 3), 0);
	ck_assert_int_eq(file_pread(f, buf, sizeof(buf), 5), 0); /* at EOF */
	ck_assert_int_eq(file_pread(f, buf, sizeof(buf), 1 << 20), 0);
	ck_assert_int_eq(file_pread(f, buf, 0, 0), 0);
	ck_assert_int_eq(file_pwrite(f, buf, 0, 1 << 20), 0);
	ck_assert_int_eq(i_size_read(f->inode), 5);
	/* Reading past EOF never filled the cache. */
	ck_assert_uint_eq(f->inode->mapping.nrpages, 1);
	check_all(vm);
	fput(f);
	machine_end(vm);
}
END_TEST

/* A write across three pages, not page aligned at either end. */
START_TEST(partial_pages)
{
	struct objvm *vm = machine_new(_i);
	struct file *f = open_ok(vm, "/p", OBJVM_O_RDWR | OBJVM_O_CREAT);
	char *big = malloc(3 * PS), *mid = malloc(100);

	fill(big, 3 * PS, 1);
	write_ok(f, big, 3 * PS, 0);
	ck_assert_int_eq(file_fsync(f), 0);
	ck_assert_uint_eq(drop_pagecache(vm), 3);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 0);
	check_all(vm);

	/* Overwrite 100 bytes across the page 0/1 boundary: both pages are
	 * read first, and keep their other bytes. */
	fill(mid, 100, 9);
	write_ok(f, mid, 100, PS - 50);
	memcpy(big + PS - 50, mid, 100);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 2);
	expect_bytes(f, 0, big, 3 * PS);
	ck_assert_int_eq(i_size_read(f->inode), 3 * PS);

	ck_assert_int_eq(file_fsync(f), 0);
	ck_assert_uint_eq(drop_pagecache(vm), 3);
	expect_bytes(f, 0, big, 3 * PS);
	fput(f);
	free(big);
	free(mid);
	machine_end(vm);
}
END_TEST

START_TEST(holes_read_zeros)
{
	struct objvm *vm = machine_new(_i);
	struct file *f = open_ok(vm, "/h", OBJVM_O_RDWR | OBJVM_O_CREAT);
	uint64_t reads;

	reads = stat_of(vm, STAT_readpage);
	write_ok(f, "end", 3, 5 * PS + 10);
	ck_assert_int_eq(i_size_read(f->inode), 5 * PS + 13);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 1);
	/* The new page was zeroed, not read: nothing lies past EOF. */
	ck_assert_uint_eq(stat_of(vm, STAT_readpage), reads);
	expect_zeros(f, 5 * PS, 10);
	expect_zeros(f, 0, 5 * PS);
	expect_bytes(f, 5 * PS + 10, "end", 3);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 6);

	ck_assert_int_eq(file_fsync(f), 0);
	ck_assert_uint_eq(drop_pagecache(vm), 6);
	if (f->inode->backing == BACKING_MEMORY) /* a block for page 5 only */
		ck_assert_uint_eq(f->inode->blocks.nr_items, 1);
	reads = stat_of(vm, STAT_readpage);
	expect_zeros(f, 2 * PS, PS);
	expect_bytes(f, 5 * PS + 10, "end", 3);
	ck_assert_uint_eq(stat_of(vm, STAT_readpage), reads + 2);
	fput(f);
	machine_end(vm);
}
END_TEST

/*
 * Bytes past EOF in the last page (stored through a mapping) must never
 * reach the store, and must read as zeros once the file grows past them.
 */
START_TEST(zero_tail_on_extension)
{
	struct objvm *vm = machine_new(_i);
	struct file *f = open_ok(vm, "/z", OBJVM_O_RDWR | OBJVM_O_CREAT);

	/* Cached: pwrite past EOF zeroes the old last page's tail. */
	write_ok(f, "0123456789", 10, 0);
	poke_cache(f, 10, 'J', 100);
	write_ok(f, "X", 1, 200);
	expect_zeros(f, 10, 190);
	expect_bytes(f, 200, "X", 1);

	/* Written back and dropped: the junk never reached the store. */
	poke_cache(f, 201, 'J', 50);
	ck_assert_int_eq(file_fsync(f), 0);
	ck_assert_uint_eq(drop_pagecache(vm), 1);
	write_ok(f, "Y", 1, 2 * PS);
	expect_zeros(f, 201, PS - 201);
	expect_zeros(f, PS, PS);

	/* A write that starts exactly at EOF zeroes the tail too. */
	poke_cache(f, 2 * PS + 1, 'J', 10);
	write_ok(f, "ab", 2, 2 * PS + 1);
	ck_assert_int_eq(i_size_read(f->inode), 2 * PS + 3);
	write_ok(f, "c", 1, 2 * PS + 20);
	expect_bytes(f, 2 * PS, "Yab", 3);
	expect_zeros(f, 2 * PS + 3, 17);
	fput(f);
	machine_end(vm);
}
END_TEST

START_TEST(efbig)
{
	struct objvm *vm = machine_new(MEMORY);
	struct file *f = open_ok(vm, "/big", OBJVM_O_RDWR | OBJVM_O_CREAT);
	char buf[100] = "tail";

	ck_assert_int_eq(file_pwrite(f, buf, 1, MAX_LFS_FILESIZE), -EFBIG);
	ck_assert_int_eq(file_pwrite(f, buf, 0, MAX_LFS_FILESIZE), 0);
	ck_assert_int_eq(file_pwrite(f, buf, 0, MAX_LFS_FILESIZE + 1), -EFBIG);
	/* Short up to the limit. */
	ck_assert_int_eq(file_pwrite(f, buf, 100, MAX_LFS_FILESIZE - 10), 10);
	ck_assert_int_eq(i_size_read(f->inode), MAX_LFS_FILESIZE);
	expect_bytes(f, MAX_LFS_FILESIZE - 10, "tail", 4);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 1);
	ck_assert_int_eq(file_fsync(f), 0);
	fput(f);
	machine_end(vm);
}
END_TEST

/* --- the cache: counts, writeback, drop ----------------------------------- */

START_TEST(fsync_and_drop)
{
	struct objvm *vm = machine_new(_i);
	struct file *f = open_ok(vm, "/s", OBJVM_O_RDWR | OBJVM_O_CREAT);
	char *data = malloc(4 * PS);
	uint64_t wb = stat_of(vm, STAT_writeback);
	uint64_t adds = stat_of(vm, STAT_pagecache_add);
	struct page *page, *other;
	bool major;
	int err;

	fill(data, 4 * PS, 3);
	write_ok(f, data, 4 * PS, 0);
	ck_assert_uint_eq(stat_of(vm, STAT_pagecache_add), adds + 4);
	/* Dirty pages stay. */
	ck_assert_uint_eq(drop_pagecache(vm), 0);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 4);
	ck_assert_int_eq(file_fsync(f), 0);
	ck_assert_uint_eq(stat_of(vm, STAT_writeback), wb + 4);
	ck_assert(!page_dirty_at(f, 2));
	ck_assert_int_eq(file_fsync(f), 0); /* nothing dirty: no writes */
	ck_assert_uint_eq(stat_of(vm, STAT_writeback), wb + 4);

	/*
	 * A page someone else holds stays; so does a locked one (locked as
	 * by another thread: PG_locked set behind the lock checker's back,
	 * since this thread may not hold a page lock into ns_lock).
	 */
	page = find_get_page(&f->inode->mapping, 1);
	ck_assert_ptr_nonnull(page);
	other = find_get_page(&f->inode->mapping, 2);
	put_page(vm, other);
	page_set_flag(other, PG_locked);
	ck_assert_uint_eq(drop_pagecache(vm), 2);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 2);
	check_fs(vm);
	ck_assert_int_eq(page_count(page), 2);
	put_page(vm, page);
	page_clear_flag(other, PG_locked);
	ck_assert_uint_eq(drop_pagecache(vm), 2);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 0);
	check_all(vm);

	/* read_cache_page: major once, then minor. */
	page = read_cache_page(&f->inode->mapping, 3, &major, &err);
	ck_assert_ptr_nonnull(page);
	ck_assert(major);
	ck_assert(PageUptodate(page) && !PageLocked(page));
	ck_assert_int_eq(memcmp(page_address(vm, page), data + 3 * PS, PS), 0);
	put_page(vm, page);
	page = read_cache_page(&f->inode->mapping, 3, &major, &err);
	ck_assert(!major);
	ck_assert_int_eq(page_count(page), 2);
	put_page(vm, page);
	expect_bytes(f, 0, data, 4 * PS);
	fput(f);
	free(data);
	machine_end(vm);
}
END_TEST

START_TEST(o_trunc)
{
	struct objvm *vm = machine_new(_i);
	struct file *f = open_ok(vm, "/t", OBJVM_O_RDWR | OBJVM_O_CREAT);
	struct file *g;
	char buf[8];

	write_ok(f, "abcdef", 6, PS);
	/* filp_open leaves O_TRUNC to its caller: objvm_open truncates. */
	g = open_ok(vm, "/t", OBJVM_O_RDWR | OBJVM_O_TRUNC);
	ck_assert_int_eq(i_size_read(f->inode), PS + 6);
	ck_assert_int_eq(do_truncate(g->inode, 0), 0);
	ck_assert_int_eq(i_size_read(f->inode), 0);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 0);
	ck_assert_int_eq(file_pread(f, buf, sizeof(buf), 0), 0);
	/* Growing again shows zeros, not the old bytes. */
	write_ok(g, "z", 1, 2 * PS);
	expect_zeros(f, PS, 6);
	fput(f);
	fput(g);
	machine_end(vm);
}
END_TEST

START_TEST(unlink_while_open)
{
	struct objvm *vm = machine_new(_i);
	unsigned long inodes = nr_inodes(vm);
	unsigned long free0 = nr_free_pages(vm);
	struct file *f = open_ok(vm, "/u", OBJVM_O_RDWR | OBJVM_O_CREAT);
	struct file *g;
	char *data = malloc(3 * PS);

	fill(data, 3 * PS, 5);
	write_ok(f, data, 3 * PS, 0);
	ck_assert_int_eq(atomic_load(&f->inode->i_count), 2);
	ck_assert_int_eq(fs_unlink(vm, "/u"), 0);
	ck_assert(!f->inode->linked);
	ck_assert_int_eq(atomic_load(&f->inode->i_count), 1);
	ck_assert_int_eq(open_err(vm, "/u", OBJVM_O_RDWR), -ENOENT);
	ck_assert_int_eq(fs_unlink(vm, "/u"), -ENOENT);

	/* Still readable and writable through the open file. */
	expect_bytes(f, 0, data, 3 * PS);
	write_ok(f, "more", 4, 3 * PS);
	ck_assert_int_eq(file_fsync(f), 0);
	ck_assert_uint_eq(drop_pagecache(vm), 4);
	expect_bytes(f, 0, data, 3 * PS);

	/* A new file of that name is another inode. */
	g = open_ok(vm, "/u", OBJVM_O_RDWR | OBJVM_O_CREAT);
	ck_assert_ptr_ne(g->inode, f->inode);
	ck_assert_int_eq(i_size_read(g->inode), 0);
	ck_assert_uint_eq(nr_inodes(vm), inodes + 2);

	/* The last fput frees the inode and its pages. */
	fput(f);
	ck_assert_uint_eq(nr_inodes(vm), inodes + 1);
	fput(g);
	ck_assert_int_eq(fs_unlink(vm, "/u"), 0);
	ck_assert_uint_eq(nr_inodes(vm), inodes);
	ck_assert_uint_eq(nr_free_pages(vm), free0);
	check_all(vm);
	free(data);
	machine_end(vm);
}
END_TEST

/*
 * The last iput() cannot wait for ns_lock (it may run under mmap_lock):
 * when ns_lock is busy it leaves the emptied inode I_CLEAR, and the next
 * taker of ns_lock frees it.
 */
START_TEST(iput_deferred)
{
	struct objvm *vm = machine_new(_i);
	unsigned long inodes = nr_inodes(vm);
	unsigned long free0 = nr_free_pages(vm);
	struct file *f = open_ok(vm, "/late", OBJVM_O_RDWR | OBJVM_O_CREAT);
	struct inode *inode = f->inode;

	write_ok(f, "data", 4, 2 * PS);
	ck_assert_int_eq(fs_unlink(vm, "/late"), 0);
	vm_lock(&vm->ns_lock); /* busy: the trylock in iput fails */
	fput(f);
	ck_assert_int_eq(atomic_load(&inode->i_state), I_CLEAR);
	ck_assert_uint_eq(inode->mapping.nrpages, 0);
	vm_unlock(&vm->ns_lock);
	ck_assert_uint_eq(nr_free_pages(vm), free0);
	ck_assert_uint_eq(nr_inodes(vm), inodes + 1);
	check_all(vm);
	ck_assert_int_eq(open_err(vm, "/late", OBJVM_O_RDONLY), -ENOENT);
	ck_assert_uint_eq(nr_inodes(vm), inodes);
	machine_end(vm);
}
END_TEST

START_TEST(shmem)
{
	struct objvm *vm = machine_new(MEMORY);
	uint64_t wb = stat_of(vm, STAT_writeback);
	unsigned long free0 = nr_free_pages(vm);
	struct file *f = NULL;

	ck_assert_int_eq(shmem_file_setup(vm, -1, &f), -EINVAL);
	ck_assert_int_eq(shmem_file_setup(vm, MAX_LFS_FILESIZE + 1, &f),
			 -EINVAL);
	ck_assert_int_eq(shmem_file_setup(vm, 3 * PS, &f), 0);
	ck_assert_int_eq(f->inode->backing, BACKING_SHMEM);
	ck_assert_ptr_null(f->inode->path);
	ck_assert_int_eq(i_size_read(f->inode), 3 * PS);
	expect_zeros(f, 0, 3 * PS);
	write_ok(f, "shared", 6, PS);
	ck_assert_int_eq(file_fsync(f), 0);
	ck_assert_uint_eq(stat_of(vm, STAT_writeback), wb);
	/* The cache is the file: nothing is dropped. */
	ck_assert_uint_eq(drop_pagecache(vm), 0);
	ck_assert_uint_eq(f->inode->mapping.nrpages, 3);
	expect_bytes(f, PS, "shared", 6);
	fput(f);
	ck_assert_uint_eq(nr_free_pages(vm), free0);
	machine_end(vm);
}
END_TEST

START_TEST(check_detects_damage)
{
	struct objvm *vm = machine_new(MEMORY);
	struct file *f = open_ok(vm, "/db/t", OBJVM_O_RDWR | OBJVM_O_CREAT);
	struct address_space *mapping = &f->inode->mapping;
	struct page *page;
	char msg[200], want[200];

	write_ok(f, "x", 1, 3 * PS);
	page = find_get_page(mapping, 3);
	page->index = 4;
	ck_assert(!check_mapping(mapping, msg, sizeof(msg)));
	snprintf(want, sizeof(want),
		 "A1 mapping /db/t: page pfn %lu at index 3 has index 4",
		 page_to_pfn(vm, page));
	ck_assert_str_eq(msg, want);
	page->index = 3;

	mapping->nrpages++;
	ck_assert(!check_mapping(mapping, msg, sizeof(msg)));
	ck_assert_msg(strncmp(msg, "A2 mapping /db/t: nrpages 2", 27) == 0,
		      "%s", msg);
	mapping->nrpages--;

	page_clear_flag(page, PG_uptodate);
	ck_assert(!check_mapping(mapping, msg, sizeof(msg)));
	ck_assert_msg(strncmp(msg, "A5 ", 3) == 0, "%s", msg);
	SetPageUptodate(page);

	ck_assert(check_mapping(mapping, NULL, 0));
	put_page(vm, page);
	fput(f);
	machine_end(vm);
}
END_TEST

/* --- the host store -------------------------------------------------------- */

static void host_expect(const char *name, const void *want, size_t len)
{
	char path[256], *got = malloc(len + 1);
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s%s", host_dir, name);
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "host file %s missing", path);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)len);
	ck_assert_int_eq(pread(fd, got, len, 0), (ssize_t)len);
	ck_assert_int_eq(memcmp(got, want, len), 0);
	close(fd);
	free(got);
}

static bool host_exists(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", host_dir, name);
	return stat(path, &st) == 0;
}

START_TEST(host_files)
{
	struct objvm *vm = machine_new(HOST);
	struct file *f = open_ok(vm, "/d1/d2/f", OBJVM_O_RDWR | OBJVM_O_CREAT);
	char data[300];

	ck_assert(host_exists("/d1/d2/f"));
	fill(data, sizeof(data), 7);
	write_ok(f, data, sizeof(data), 0);
	host_expect("/d1/d2/f", "", 0); /* not written back yet */
	poke_cache(f, 300, 'J', 10);    /* past EOF: never written */
	ck_assert_int_eq(file_fsync(f), 0);
	host_expect("/d1/d2/f", data, sizeof(data));

	ck_assert_int_eq(fs_unlink(vm, "/d1/d2/f"), 0);
	ck_assert(!host_exists("/d1/d2/f"));
	ck_assert(!host_exists("/d1")); /* empty directories go too */
	/* The open file still reaches its bytes. */
	ck_assert_uint_eq(drop_pagecache(vm), 1);
	expect_bytes(f, 0, data, sizeof(data));
	fput(f);
	machine_end(vm);
}
END_TEST

/* A machine over the same directory finds what an earlier one left. */
START_TEST(host_persists)
{
	struct objvm *vm = machine_new(HOST);
	struct file *f = open_ok(vm, "/keep/me", OBJVM_O_RDWR | OBJVM_O_CREAT);
	char *data = malloc(2 * PS + 5);

	fill(data, 2 * PS + 5, 11);
	write_ok(f, data, 2 * PS + 5, 0);
	fput(f);
	fput(open_ok(vm, "/gone", OBJVM_O_RDWR | OBJVM_O_CREAT));
	/* Still dirty: fs_destroy writes it back. */
	ck_assert_int_eq(objvm_destroy(vm), 0);
	host_expect("/keep/me", data, 2 * PS + 5);

	vm = machine_over(host_dir);
	ck_assert_int_eq(open_err(vm, "/keep/me",
				  OBJVM_O_RDWR | OBJVM_O_CREAT | OBJVM_O_EXCL),
			 -EEXIST);
	f = open_ok(vm, "/keep/me", OBJVM_O_RDONLY);
	ck_assert_int_eq(i_size_read(f->inode), 2 * PS + 5);
	expect_bytes(f, 0, data, 2 * PS + 5);
	/* A host file never opened here can still be unlinked. */
	ck_assert_int_eq(fs_unlink(vm, "/gone"), 0);
	ck_assert(!host_exists("/gone"));
	/* The host's directories count although no name was looked up. */
	ck_assert_int_eq(open_err(vm, "/keep", OBJVM_O_RDONLY), -EISDIR);
	ck_assert_int_eq(open_err(vm, "/keep", OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -EISDIR);
	ck_assert_int_eq(open_err(vm, "/keep/me/x",
				  OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ENOTDIR);
	/* Unlinking one of two files leaves their directory. */
	fput(open_ok(vm, "/keep/other", OBJVM_O_RDWR | OBJVM_O_CREAT));
	ck_assert_int_eq(fs_unlink(vm, "/keep/other"), 0);
	ck_assert(host_exists("/keep/me"));
	fput(f);
	free(data);
	machine_end(vm);
}
END_TEST

/* Writes @len bytes of @data to the host file @name under host_dir. */
static void host_put_file(const char *name, const char *data, size_t len,
			  mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s%s", host_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static int open_fds(void)
{
	char path[64];
	int fd, n = 0;

	for (fd = 0; fd < 4096; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (access(path, F_OK) == 0)
			n++;
	}
	return n;
}

/*
 * A symlink planted inside the host directory never leads outside it, in
 * any component: -ELOOP, as openat2's RESOLVE_NO_SYMLINKS, and nothing is
 * created, read or removed out there.  _i 1 resolves without openat2.
 */
START_TEST(host_symlinks_refused)
{
	char outside[64], link[256], target[256];
	struct objvm *vm;
	struct stat st;

	atomic_store(&host_no_openat2, _i == 1);
	strcpy(outside, "/tmp/objvm-test-outside-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(outside));
	snprintf(target, sizeof(target), "%s/secret", outside);
	ck_assert_int_eq(close(open(target, O_WRONLY | O_CREAT, 0600)), 0);

	vm = machine_new(HOST);
	snprintf(link, sizeof(link), "%s/db", host_dir);
	ck_assert_int_eq(symlink(outside, link), 0);
	snprintf(link, sizeof(link), "%s/f", host_dir);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(mkdir(strcat(strcpy(link, host_dir), "/a"), 0755), 0);
	ck_assert_int_eq(symlink(outside, strcat(link, "/b")), 0);

	ck_assert_int_eq(open_err(vm, "/db/x", OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ELOOP);
	ck_assert_int_eq(open_err(vm, "/db/secret", OBJVM_O_RDONLY), -ELOOP);
	ck_assert_int_eq(open_err(vm, "/f", OBJVM_O_RDONLY), -ELOOP);
	ck_assert_int_eq(open_err(vm, "/f", OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ELOOP);
	ck_assert_int_eq(open_err(vm, "/a/b/c/d", OBJVM_O_RDWR | OBJVM_O_CREAT),
			 -ELOOP);
	ck_assert_int_eq(fs_unlink(vm, "/db/secret"), -ELOOP);
	ck_assert_int_eq(fs_unlink(vm, "/a/b/secret"), -ELOOP);

	snprintf(link, sizeof(link), "%s/x", outside);
	ck_assert_int_ne(stat(link, &st), 0);
	snprintf(link, sizeof(link), "%s/c", outside);
	ck_assert_int_ne(stat(link, &st), 0);
	ck_assert_int_eq(stat(target, &st), 0);
	/* Real directories still work. */
	fput(open_ok(vm, "/a/real", OBJVM_O_RDWR | OBJVM_O_CREAT));
	ck_assert(host_exists("/a/real"));
	machine_end(vm);
	unlink(target);
	rmdir(outside);
	atomic_store(&host_no_openat2, false);
}
END_TEST

/*
 * rdonly opens a read-only host file (the descriptor asks for what the
 * open asks for); rdwr is refused by the host.  Run as an unprivileged
 * user: as root, in a child that drops to uid/gid 65534.
 */
START_TEST(host_rdonly_file)
{
	bool forked = geteuid() == 0;
	struct objvm *vm;
	int status, code;
	pid_t pid;

	host_dir_make();
	ck_assert_int_eq(chmod(host_dir, 0755), 0);
	host_put_file("/ro", "read me", 7, 0444);
	pid = forked ? fork() : 0;
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct objvm_config cfg = {.mem_bytes = 8 << 20,
					   .backing_dir = host_dir};
		struct file *f = NULL;
		char buf[8] = "";

		if (forked && (setresgid(65534, 65534, 65534) ||
			       setresuid(65534, 65534, 65534)))
			_exit(10);
		code = 0;
		if (objvm_create(&cfg, &vm))
			_exit(11);
		if (filp_open(vm, "/ro", OBJVM_O_RDONLY, &f))
			code = 12;
		else if (file_pread(f, buf, 7, 0) != 7 ||
			 memcmp(buf, "read me", 7))
			code = 13;
		if (f)
			fput(f);
		f = NULL;
		if (!code && filp_open(vm, "/ro", OBJVM_O_RDWR, &f) != -EACCES)
			code = 14;
		if (!code &&
		    filp_open(vm, "/ro", OBJVM_O_WRONLY, &f) != -EACCES)
			code = 15;
		if (objvm_destroy(vm))
			code = 16;
		if (forked)
			_exit(code);
		ck_assert_msg(code == 0, "code %d", code);
	} else {
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFEXITED(status));
		ck_assert_msg(WEXITSTATUS(status) == 0, "child: code %d",
			      WEXITSTATUS(status));
	}
	host_dir_remove();
}
END_TEST

/*
 * Host descriptors are held only while a file is open: many files each
 * written and closed (dirty pages left behind) stay within a small
 * RLIMIT_NOFILE, and their data still reaches the host at the end,
 * written through a descriptor opened again for the write-back.
 */
START_TEST(host_descriptors_released)
{
	struct rlimit lim;
	struct objvm *vm = machine_new(HOST);
	char name[32], data[64];
	int i, before = open_fds();

	lim.rlim_cur = lim.rlim_max = (rlim_t)before + 16;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
	for (i = 0; i < 200; i++) {
		struct file *f;

		snprintf(name, sizeof(name), "/d%d/f%d", i % 7, i);
		f = open_ok(vm, name, OBJVM_O_RDWR | OBJVM_O_CREAT);
		snprintf(data, sizeof(data), "file %d", i);
		write_ok(f, data, strlen(data) + 1, 100);
		fput(f);
	}
	ck_assert_int_eq(open_fds(), before);
	ck_assert_int_eq(objvm_destroy(vm), 0);
	/* ... and the backing directory's own descriptor went with it. */
	ck_assert_int_eq(open_fds(), before - 1);
	for (i = 0; i < 200; i += 37) {
		char want[64 + 100] = {0};

		snprintf(name, sizeof(name), "/d%d/f%d", i % 7, i);
		snprintf(want + 100, 64, "file %d", i);
		host_expect(name, want, 100 + strlen(want + 100) + 1);
	}
	host_dir_remove();
}
END_TEST

/*
 * Two objvm names of one host file (a hard link made on the host) are one
 * inode with one page cache: a write through one is read through the
 * other, and the file keeps its data when the first name goes.
 */
START_TEST(host_hard_links_share)
{
	struct objvm *vm;
	struct file *a, *b;
	char pa[256], pb[256];

	host_dir_make();
	host_put_file("/a", "hello", 5, 0644);
	snprintf(pa, sizeof(pa), "%s/a", host_dir);
	snprintf(pb, sizeof(pb), "%s/b", host_dir);
	ck_assert_int_eq(link(pa, pb), 0);
	vm = machine_over(host_dir);

	a = open_ok(vm, "/a", OBJVM_O_RDWR);
	b = open_ok(vm, "/b", OBJVM_O_RDONLY);
	ck_assert_ptr_eq(a->inode, b->inode);
	ck_assert_int_eq(nr_inodes(vm), 1);
	write_ok(a, "HELLO", 5, 0);
	expect_bytes(b, 0, "HELLO", 5);
	fput(a);
	ck_assert_int_eq(fs_unlink(vm, "/a"), 0);
	ck_assert(b->inode->linked);
	fput(b);
	/* Written back at the end by the name that is left. */
	ck_assert_int_eq(objvm_destroy(vm), 0);
	host_expect("/b", "HELLO", 5);
	host_dir_remove();
}
END_TEST

/*
 * A file opened rdonly first holds a read-only descriptor; a later rdwr
 * open reopens it read-write under the same number, and a write through
 * it reaches the host.
 */
START_TEST(host_rdonly_then_rdwr)
{
	struct objvm *vm;
	struct file *r, *w;
	int fd;

	host_dir_make();
	host_put_file("/x", "old", 3, 0644);
	vm = machine_over(host_dir);
	r = open_ok(vm, "/x", OBJVM_O_RDONLY);
	fd = r->inode->host.fd;
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	w = open_ok(vm, "/x", OBJVM_O_RDWR);
	ck_assert_int_eq(r->inode->host.fd, fd);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	write_ok(w, "new", 3, 0);
	ck_assert_int_eq(file_fsync(w), 0);
	host_expect("/x", "new", 3);
	expect_bytes(r, 0, "new", 3);
	fput(w);
	fput(r);
	ck_assert_int_eq(r == w, 0);
	machine_end(vm);
}
END_TEST

/* --- threads ---------------------------------------------------------------- */

#define NR_THREADS 4
#define NR_ROUNDS  200

struct worker {
	struct objvm *vm;
	struct file *file;
	int id;
	int bad;
};

/* Each thread owns page @id of a shared file and checks it stays its own
 * while others write theirs and drop the cache. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	char mine[PAGE_SIZE], got[PAGE_SIZE];
	int r;

	for (r = 0; r < NR_ROUNDS; r++) {
		fill(mine, sizeof(mine), (unsigned int)(w->id * 1000 + r));
		if (file_pwrite(w->file, mine, PAGE_SIZE,
				(int64_t)w->id * PS) != (ssize_t)PAGE_SIZE)
			w->bad++;
		if (r % 3 == 0 && file_fsync(w->file))
			w->bad++;
		if (r % 5 == 0)
			drop_pagecache(w->vm);
		if (file_pread(w->file, got, PAGE_SIZE, (int64_t)w->id * PS) !=
			    (ssize_t)PAGE_SIZE ||
		    memcmp(got, mine, PAGE_SIZE) != 0)
			w->bad++;
	}
	return NULL;
}

START_TEST(threads_share_a_file)
{
	struct objvm *vm = machine_new(_i);
	struct file *f = open_ok(vm, "/shared", OBJVM_O_RDWR | OBJVM_O_CREAT);
	struct worker w[NR_THREADS];
	pthread_t t[NR_THREADS];
	int i;

	for (i = 0; i < NR_THREADS; i++) {
		w[i] = (struct worker){.vm = vm, .file = f, .id = i};
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker_run, &w[i]),
				 0);
	}
	for (i = 0; i < NR_THREADS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(w[i].bad, 0);
	}
	ck_assert_int_eq(i_size_read(f->inode), NR_THREADS * PS);
	check_all(vm);
	fput(f);
	machine_end(vm);
}
END_TEST

/* Many readers fault the same missing page at once: one frame, one read. */
static void *reader_run(void *arg)
{
	struct worker *w = arg;
	char got[16];

	if (file_pread(w->file, got, sizeof(got), 0) != (ssize_t)sizeof(got) ||
	    memcmp(got, "0123456789abcdef", 16) != 0)
		w->bad++;
	return NULL;
}

START_TEST(racing_readers)
{
	struct objvm *vm = machine_new(_i);
	struct file *f = open_ok(vm, "/r", OBJVM_O_RDWR | OBJVM_O_CREAT);
	struct worker w[NR_THREADS];
	pthread_t t[NR_THREADS];
	uint64_t reads;
	int i, round;

	write_ok(f, "0123456789abcdef", 16, 0);
	for (round = 0; round < 50; round++) {
		ck_assert_int_eq(file_fsync(f), 0);
		drop_pagecache(vm);
		reads = stat_of(vm, STAT_readpage);
		for (i = 0; i < NR_THREADS; i++) {
			w[i] = (struct worker){.vm = vm, .file = f, .id = i};
			pthread_create(&t[i], NULL, reader_run, &w[i]);
		}
		for (i = 0; i < NR_THREADS; i++) {
			pthread_join(t[i], NULL);
			ck_assert_int_eq(w[i].bad, 0);
		}
		ck_assert_uint_eq(stat_of(vm, STAT_readpage), reads + 1);
		ck_assert_uint_eq(f->inode->mapping.nrpages, 1);
		ck_assert_int_eq(cache_refs(f, 0), 1);
		check_all(vm);
	}
	fput(f);
	machine_end(vm);
}
END_TEST

/* Files come and go on every thread while the cache is dropped: inodes
 * freed by their last iput() or left I_CLEAR must never be touched after
 * they are freed. */
static void *churn_run(void *arg)
{
	struct worker *w = arg;
	char path[32], got[8];
	struct file *f;
	int r;

	snprintf(path, sizeof(path), "/churn/%d", w->id);
	for (r = 0; r < NR_ROUNDS; r++) {
		if (w->id == 0) {
			drop_pagecache(w->vm);
			continue;
		}
		if (filp_open(w->vm, path, OBJVM_O_RDWR | OBJVM_O_CREAT, &f)) {
			w->bad++;
			continue;
		}
		if (file_pwrite(f, "churn", 5, r % 3 * PS) != 5 ||
		    fs_unlink(w->vm, path) != 0)
			w->bad++;
		if (r % 2 && file_fsync(f))
			w->bad++;
		if (file_pread(f, got, 5, r % 3 * PS) != 5 ||
		    memcmp(got, "churn", 5) != 0)
			w->bad++;
		fput(f);
	}
	return NULL;
}

START_TEST(threads_churn_files)
{
	struct objvm *vm = machine_new(_i);
	unsigned long inodes = nr_inodes(vm);
	unsigned long free0 = nr_free_pages(vm);
	struct worker w[NR_THREADS];
	pthread_t t[NR_THREADS];
	int i;

	for (i = 0; i < NR_THREADS; i++) {
		w[i] = (struct worker){.vm = vm, .id = i};
		ck_assert_int_eq(pthread_create(&t[i], NULL, churn_run, &w[i]),
				 0);
	}
	for (i = 0; i < NR_THREADS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(w[i].bad, 0);
	}
	/* Whatever was left I_CLEAR goes with the next open. */
	ck_assert_int_eq(open_err(vm, "/churn/1", OBJVM_O_RDONLY), -ENOENT);
	ck_assert_uint_eq(nr_inodes(vm), inodes);
	ck_assert_uint_eq(nr_free_pages(vm), free0);
	check_all(vm);
	machine_end(vm);
}
END_TEST

static Suite *fs_suite(void)
{
	Suite *s = suite_create("fs");
	TCase *ns = tcase_create("namespace");
	TCase *rw = tcase_create("readwrite");
	TCase *cache = tcase_create("cache");
	TCase *host = tcase_create("host");
	TCase *mt = tcase_create("threads");

	/* Loop tests run once per store: _i is MEMORY, then HOST. */
	tcase_add_loop_test(ns, open_errors, MEMORY, HOST + 1);
	tcase_add_loop_test(ns, paths_normalise, MEMORY, HOST + 1);
	tcase_add_loop_test(ns, access_modes, MEMORY, HOST + 1);
	tcase_add_loop_test(ns, unlink_while_open, MEMORY, HOST + 1);
	suite_add_tcase(s, ns);

	tcase_add_loop_test(rw, write_read_eof, MEMORY, HOST + 1);
	tcase_add_loop_test(rw, partial_pages, MEMORY, HOST + 1);
	tcase_add_loop_test(rw, holes_read_zeros, MEMORY, HOST + 1);
	tcase_add_loop_test(rw, zero_tail_on_extension, MEMORY, HOST + 1);
	tcase_add_loop_test(rw, o_trunc, MEMORY, HOST + 1);
	tcase_add_test(rw, efbig);
	suite_add_tcase(s, rw);

	tcase_add_loop_test(cache, fsync_and_drop, MEMORY, HOST + 1);
	tcase_add_loop_test(cache, iput_deferred, MEMORY, HOST + 1);
	tcase_add_test(cache, shmem);
	tcase_add_test(cache, check_detects_damage);
	suite_add_tcase(s, cache);

	tcase_add_test(host, host_files);
	tcase_add_test(host, host_persists);
	tcase_add_loop_test(host, host_symlinks_refused, 0, 2);
	tcase_add_test(host, host_rdonly_file);
	tcase_add_test(host, host_descriptors_released);
	tcase_add_test(host, host_hard_links_share);
	tcase_add_test(host, host_rdonly_then_rdwr);
	suite_add_tcase(s, host);

	tcase_set_timeout(mt, 60);
	tcase_add_loop_test(mt, threads_share_a_file, MEMORY, HOST + 1);
	tcase_add_loop_test(mt, racing_readers, MEMORY, HOST + 1);
	tcase_add_loop_test(mt, threads_churn_files, MEMORY, HOST + 1);
	suite_add_tcase(s, mt);
	return s;
}

int main(void)
{
	return run_suite(fs_suite());
}
