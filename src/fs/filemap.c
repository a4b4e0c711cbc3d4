/*
 * fs/filemap.c - the page cache of a file: find, add, read, write back,
 * remove and drop its pages; pread/pwrite/fsync on top of it.
 *
 * A page enters the cache locked and not uptodate (add_to_page_cache),
 * is read from the store with the lock held, and becomes visible as
 * uptodate when unlocked.  A reader that finds it locked waits on the page
 * lock; a read that fails takes the page out again, so an unlocked page in
 * the cache is always uptodate (A5).
 *
 *   (absent) --[add_to_page_cache]--> locked, !uptodate
 *        ^                                 |  backing_readpage (or a
 *        |                                 v  whole-page write)
 *        +--[remove_from_page_cache]-- uptodate <--> uptodate + dirty
 *                                             [write] / [writeback]
 *
 * Every page in the cache holds one reference for the cache; lookups hand
 * out one more.  i_size is not looked at here except by the read and
 * write paths, which own the EOF rules.
 *
 * Models: mm/filemap.c (find_get_page, add_to_page_cache,
 * remove_from_page_cache, read_cache_page, do_generic_mapping_read,
 * generic_file_buffered_write, filemap_fdatawrite_range), mm/truncate.c
 * invalidate_mapping_pages and fs/drop_caches.c (2.6.11 / 2.6.16).
 */
#include <string.h>

#include "machine.h"
#include "fs/fs.h"
#include "page/page.h"

/* Linux MAX_RW_COUNT: one read or write moves at most this much. */
#define MAX_RW_COUNT ((size_t)(0x7fffffff & PAGE_MASK))
#define PAGEVEC_SIZE 16U

/* A batch of cache pages, each with a reference (2.6 struct pagevec). */
struct pagevec {
	unsigned int nr;
	struct page *pages[PAGEVEC_SIZE];
	pgoff_t next; /* where the next batch starts */
	bool done;    /* nothing can follow this batch */
};

static struct objvm *mapping_vm(const struct address_space *mapping)
{
	return mapping->host->vm;
}

/* Pages of [@start, @end], in index order, with a reference each. */
static unsigned int pagevec_lookup(struct pagevec *pv,
				   struct address_space *mapping, pgoff_t start,
				   pgoff_t end)
{
	void *items[PAGEVEC_SIZE];
	uint64_t idx[PAGEVEC_SIZE];
	unsigned int i, n;

	pv->nr = 0;
	vm_lock(&mapping->tree_lock);
	n = radix_tree_gang_lookup(&mapping->page_tree, items, idx, start,
				   PAGEVEC_SIZE);
	for (i = 0; i < n && idx[i] <= end; i++) {
		get_page(items[i]);
		pv->pages[pv->nr++] = items[i];
	}
	vm_unlock(&mapping->tree_lock);
	pv->done = i < PAGEVEC_SIZE || idx[i - 1] >= end;
	pv->next = i ? idx[i - 1] + 1 : start;
	return pv->nr;
}

static void pagevec_release(struct objvm *vm, struct pagevec *pv)
{
	unsigned int i;

	for (i = 0; i < pv->nr; i++)
		put_page(vm, pv->pages[i]);
	pv->nr = 0;
}

/*
 * find_get_page - the page at @index, with a reference, or NULL.
 *
 * Context: takes tree_lock.
 * Return: the page (possibly locked, possibly not yet uptodate) or NULL.
 * Models: mm/filemap.c find_get_page() (2.6.11).
 */
struct page *find_get_page(struct address_space *mapping, pgoff_t index)
{
	struct page *page;

	vm_lock(&mapping->tree_lock);
	page = radix_tree_lookup(&mapping->page_tree, index);
	if (page)
		get_page(page);
	vm_unlock(&mapping->tree_lock);
	return page;
}

/*
 * add_to_page_cache - insert @page at @index of @mapping.
 *
 * The page gets ->mapping and ->index, and one reference held by the
 * cache.  2.6 sets PG_locked here; objvm's caller locks first, so the
 * lock checker sees the page lock taken before tree_lock.
 *
 * Context: @page locked and not visible to anyone else; takes tree_lock.
 * Return: 0; -EEXIST if @index is taken; -ENOMEM (no index node).
 * Models: mm/filemap.c add_to_page_cache() (2.6.11).
 */
int add_to_page_cache(struct page *page, struct address_space *mapping,
		      pgoff_t index)
{
	bool refault = false;
	int err;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	VM_BUG_ON_PAGE(page->mapping != NULL, page);

	vm_lock(&mapping->tree_lock);
	err = radix_tree_insert(&mapping->page_tree, index, page);
	if (!err) {
		get_page(page);
		page->mapping = mapping;
		page->index = index;
		mapping->nrpages++;
		refault = radix_tree_delete(&mapping->shadows, index) != NULL;
	}
	vm_unlock(&mapping->tree_lock);
	if (!err) {
		count_event(mapping_vm(mapping), pagecache_add);
		if (refault)
			count_event(mapping_vm(mapping), refault);
		lru_cache_add(mapping_vm(mapping), page);
	}
	return err;
}

/*
 * remove_mapping_page - reclaim's removal of a clean page: only if nobody
 * but the cache and the caller holds it, checked under tree_lock, where
 * find_get_page takes its references.
 * Context: @page locked, one reference held.
 * Models: mm/vmscan.c remove_mapping() (2.6.11 shrink_list).
 */
bool remove_mapping_page(struct address_space *mapping, struct page *page)
{
	struct objvm *vm = mapping_vm(mapping);
	void *old;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	vm_lock(&mapping->tree_lock);
	if (page->mapping != mapping || page_count(page) != 2 ||
	    PageDirty(page) || page_is_mapped(page)) {
		vm_unlock(&mapping->tree_lock);
		return false;
	}
	old = radix_tree_delete(&mapping->page_tree, page->index);
	VM_BUG_ON_PAGE(old != page, page);
	/* A shadow that cannot be had (no memory) only loses a count. */
	(void)radix_tree_insert(&mapping->shadows, page->index, (void *)1);
	page->mapping = NULL;
	mapping->nrpages--;
	vm_unlock(&mapping->tree_lock);
	count_event(vm, pagecache_remove);
	put_page(vm, page);
	return true;
}

/*
 * remove_from_page_cache - take @page out of its mapping.
 *
 * Clears ->mapping, deletes the index entry and drops the cache's
 * reference; the caller's own reference keeps the frame.  Flags are left
 * alone (truncate clears PG_dirty itself, as 2.6 did).
 *
 * Context: @page locked, a reference held by the caller; takes tree_lock.
 * Models: mm/filemap.c remove_from_page_cache() (2.6.11).
 */
void remove_from_page_cache(struct page *page)
{
	struct address_space *mapping = page_file_mapping(page);
	struct objvm *vm = mapping_vm(mapping);
	void *old;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	VM_BUG_ON_PAGE(page_count(page) < 2, page);
	vm_lock(&mapping->tree_lock);
	old = radix_tree_delete(&mapping->page_tree, page->index);
	VM_BUG_ON_PAGE(old != page, page);
	page->mapping = NULL;
	mapping->nrpages--;
	vm_unlock(&mapping->tree_lock);
	count_event(vm, pagecache_remove);
	put_page(vm, page);
}

/*
 * Fills the locked @page from the store.  On failure the page leaves the
 * cache, so nobody finds it unlocked and not uptodate (A5).
 * Context: @page locked and in the cache, a reference held.
 */
static int readpage_locked(struct address_space *mapping, struct page *page)
{
	struct objvm *vm = mapping_vm(mapping);
	int err;

	err = backing_readpage(mapping->host, page->index,
			       page_address(vm, page));
	if (err) {
		remove_from_page_cache(page);
		return err;
	}
	SetPageUptodate(page);
	count_event(vm, readpage);
	return 0;
}

/* A new locked page at @index, or NULL with *@err (-EEXIST: retry). */
static struct page *add_new_page(struct address_space *mapping, pgoff_t index,
				 int *err)
{
	struct objvm *vm = mapping_vm(mapping);
	struct page *page = alloc_user_page(vm, false);

	if (!page) {
		*err = -ENOMEM;
		return NULL;
	}
	count_event(vm, page_alloc);
	lock_page(vm, page);
	*err = add_to_page_cache(page, mapping, index);
	if (*err) {
		unlock_page(vm, page);
		put_page(vm, page);
		return NULL;
	}
	return page;
}

/*
 * read_cache_page - the uptodate page at @index, with a reference.
 *
 * Context: no page lock and no lock of rank >= LOCK_PAGE held (mmap_lock
 * or i_sem may be); takes the page lock, tree_lock, the zone lock and the
 * store's lock.
 * Return: the unlocked, uptodate page; NULL with *@err = -ENOMEM or the
 * store's error.  *@major is set when the store was read.
 * Models: mm/filemap.c read_cache_page() and the page-cache half of
 * filemap_nopage() (2.6.11).
 */
struct page *read_cache_page(struct address_space *mapping, pgoff_t index,
			     bool *major, int *err)
{
	struct objvm *vm = mapping_vm(mapping);
	bool read = false;
	struct page *page;
	int ret = 0;

	if (major)
		*major = false;
repeat:
	ret = 0; /* a lost insert race left -EEXIST here */
	page = find_get_page(mapping, index);
	if (page && PageUptodate(page))
		return page;
	if (page) {
		/* Being read by someone else: wait for the outcome. */
		lock_page(vm, page);
		if (page->mapping != mapping) {
			unlock_page(vm, page);
			put_page(vm, page);
			goto repeat;
		}
	} else {
		page = add_new_page(mapping, index, &ret);
		if (!page && ret == -EEXIST)
			goto repeat;
		if (!page) {
			*err = ret;
			return NULL;
		}
	}
	if (!PageUptodate(page)) {
		ret = readpage_locked(mapping, page);
		read = true;
	}
	unlock_page(vm, page);
	if (ret) {
		put_page(vm, page);
		*err = ret;
		return NULL;
	}
	if (major)
		*major = read;
	return page;
}

/*
 * mapping_set_error - keep a write-back failure for the next fsync/msync.
 *
 * Context: any; lock-free.
 * Models: include/linux/pagemap.h mapping_set_error() (2.6.20).
 */
void mapping_set_error(struct address_space *mapping, int err)
{
	if (!err)
		return;
	atomic_fetch_or(&mapping->flags,
			err == -ENOSPC || err == -EDQUOT ? AS_ENOSPC : AS_EIO);
}

/*
 * filemap_check_errors - take the failures kept on @mapping.
 *
 * Each kept failure is returned once, to the first caller that looks;
 * -EIO wins over -ENOSPC when both were kept, as in Linux.
 *
 * Context: any; lock-free.
 * Return: 0, -ENOSPC or -EIO.
 * Models: mm/filemap.c the AS_EIO/AS_ENOSPC test in
 * wait_on_page_writeback_range() (2.6.20); filemap_check_errors() (4.x).
 */
int filemap_check_errors(struct address_space *mapping)
{
	unsigned int old;

	if (!atomic_load(&mapping->flags))
		return 0;
	old = atomic_fetch_and(&mapping->flags, ~(AS_EIO | AS_ENOSPC));
	if (old & AS_EIO)
		return -EIO;
	if (old & AS_ENOSPC)
		return -ENOSPC;
	return 0;
}

/*
 * writepage_locked - write back the locked page @page if it is dirty.
 *
 * PG_dirty is cleared before the store is written, so a store into the
 * page after that dirties it again.  A failed write leaves the page dirty
 * (objvm never drops data it could not write: the next write-back tries
 * again) and keeps the error on the mapping for the next fsync or msync.
 * A page of a store without write-back (shmem) stays dirty, untouched.
 *
 * Context: @page locked, a reference held; takes the store's lock.
 * Return: 0 (written, or nothing to write) or the store's error.
 * Models: mm/vmscan.c pageout() and mm/page-writeback.c
 * write_one_page() with a synchronous ->writepage (2.6.20).
 */
int writepage_locked(struct page *page)
{
	struct address_space *mapping = page_file_mapping(page);
	struct inode *inode;
	int err;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	if (!mapping)
		return 0; /* truncated meanwhile */
	inode = mapping->host;
	if (inode->b_ops->caps & BACKING_CAP_NO_WRITEBACK)
		return 0;
	if (!page_test_clear_flag(page, PG_dirty))
		return 0;
	err = backing_writepage(inode, page->index,
				page_address(inode->vm, page));
	if (err) {
		SetPageDirty(page);
		mapping_set_error(mapping, err);
		return err;
	}
	count_event(inode->vm, writeback);
	return 0;
}

/*
 * filemap_write_range - write back the dirty pages of [@first, @last].
 *
 * Each dirty page is locked and written by writepage_locked(); failures
 * are kept on the mapping (for the next fsync or msync) and the pages
 * stay dirty.  Shmem has no store: its pages stay dirty and nothing is
 * written.
 *
 * Context: no page lock held; takes page locks, tree_lock, the store's
 * lock.  Does not take i_sem (fsync does).
 * Return: 0, or the first error of the store in this pass.  What was kept
 * on the mapping stays there: filemap_write_and_check_range() takes it.
 * Models: mm/filemap.c filemap_fdatawrite_range() with a synchronous
 * writepage (2.6.16).
 */
int filemap_write_range(struct address_space *mapping, pgoff_t first,
			pgoff_t last)
{
	struct objvm *vm = mapping_vm(mapping);
	struct inode *inode = mapping->host;
	struct pagevec pv;
	unsigned int i;
	int err, ret = 0;

	if ((inode->b_ops->caps & BACKING_CAP_NO_WRITEBACK) || first > last)
		return 0;
	while (pagevec_lookup(&pv, mapping, first, last)) {
		for (i = 0; i < pv.nr; i++) {
			struct page *page = pv.pages[i];

			if (!PageDirty(page))
				continue;
			lock_page(vm, page);
			err = page->mapping == mapping ? writepage_locked(page)
						       : 0;
			if (err && !ret)
				ret = err;
			unlock_page(vm, page);
		}
		pagevec_release(vm, &pv);
		if (pv.done)
			break;
		first = pv.next;
	}
	return ret;
}

/*
 * filemap_write_and_check_range - what fsync and msync do with the cache:
 * write back [@first, @last], then take the failures kept on the mapping,
 * this pass's and those of earlier write-backs (munmap, exit, reclaim)
 * that nobody was told of yet.
 *
 * Context: as filemap_write_range().
 * Return: 0; the first error of this pass as the store gave it (which is
 * also taken off the mapping); else -EIO or -ENOSPC kept from before.
 * Models: mm/filemap.c filemap_write_and_wait_range() (2.6.20).
 */
int filemap_write_and_check_range(struct address_space *mapping, pgoff_t first,
				  pgoff_t last)
{
	int err = filemap_write_range(mapping, first, last);
	int kept = filemap_check_errors(mapping);

	return err ? err : kept;
}

/*
 * evict_inode_pages - remove every page of a dying inode, writing nothing.
 *
 * Context: the inode is unreachable (last iput, machine destruction);
 * takes page locks and tree_lock.
 * Models: mm/truncate.c truncate_inode_pages(mapping, 0) as called by
 * fs/inode.c generic_delete_inode() (2.6.11).
 */
void evict_inode_pages(struct address_space *mapping)
{
	struct objvm *vm = mapping_vm(mapping);
	pgoff_t start = 0;
	struct pagevec pv;
	unsigned int i;

	while (pagevec_lookup(&pv, mapping, start, UINT64_MAX)) {
		for (i = 0; i < pv.nr; i++) {
			struct page *page = pv.pages[i];

			lock_page(vm, page);
			if (page->mapping == mapping) {
				ClearPageDirty(page);
				remove_from_page_cache(page);
			}
			unlock_page(vm, page);
		}
		pagevec_release(vm, &pv);
		if (pv.done)
			break;
		start = pv.next;
	}
}

/*
 * Removes the clean, unmapped, unlocked pages of @mapping that only the
 * cache holds.  Locked pages are skipped, never waited for.
 */
static unsigned long invalidate_mapping_pages(struct address_space *mapping)
{
	struct objvm *vm = mapping_vm(mapping);
	unsigned long nr = 0;
	pgoff_t start = 0;
	struct pagevec pv;
	unsigned int i;

	while (pagevec_lookup(&pv, mapping, start, UINT64_MAX)) {
		for (i = 0; i < pv.nr; i++) {
			struct page *page = pv.pages[i];

			if (!trylock_page(vm, page))
				continue;
			/* 2: the cache's reference and ours. */
			if (page->mapping == mapping && !PageDirty(page) &&
			    !page_is_mapped(page) && page_count(page) == 2 &&
			    !page_test_flag(page, PG_pinned)) {
				remove_from_page_cache(page);
				nr++;
			}
			unlock_page(vm, page);
		}
		pagevec_release(vm, &pv);
		if (pv.done)
			break;
		start = pv.next;
	}
	return nr;
}

/*
 * drop_pagecache - what `echo 1 > /proc/sys/vm/drop_caches` does.
 *
 * Removes every clean, unmapped, unlocked page that nobody but the cache
 * holds, from every inode but shmem ones (their cache is the file).
 * Dirty pages stay: sync first to drop everything.
 *
 * Context: no lock held; takes ns_lock, page locks (trylock), tree_lock.
 * Return: the number of pages removed.
 * Models: fs/drop_caches.c drop_pagecache() and mm/truncate.c
 * invalidate_mapping_pages() (2.6.16).
 */
unsigned long drop_pagecache(struct objvm *vm)
{
	unsigned long nr = 0;
	struct list_head *pos;

	/*
	 * ns_lock keeps every inode on the list allocated: an inode whose
	 * last iput() runs meanwhile is only freed under ns_lock.
	 */
	vm_lock(&vm->ns_lock);
	list_for_each(pos, &vm->inodes) {
		struct inode *inode = list_entry(pos, struct inode, link);

		if ((inode->b_ops->caps & BACKING_CAP_NO_WRITEBACK) ||
		    atomic_load(&inode->i_state) != 0)
			continue;
		nr += invalidate_mapping_pages(&inode->mapping);
	}
	vm_unlock(&vm->ns_lock);
	return nr;
}

/* --- read(2) and write(2) ------------------------------------------------- */

static bool file_readable(const struct file *file)
{
	int mode = file->flags & OBJVM_O_ACCMODE;

	return mode == OBJVM_O_RDONLY || mode == OBJVM_O_RDWR;
}

static bool file_writable(const struct file *file)
{
	int mode = file->flags & OBJVM_O_ACCMODE;

	return mode == OBJVM_O_WRONLY || mode == OBJVM_O_RDWR;
}

static pgoff_t size_in_pages(int64_t size)
{
	return ((uint64_t)size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/*
 * Drops the reader's reference to @page, which a truncate may have left
 * behind: one that ran between our i_size check and our insertion missed
 * the page, so it goes now (unless mapped: then it is truncate's).
 */
static void put_page_past_eof(struct address_space *mapping, struct page *page)
{
	struct objvm *vm = mapping_vm(mapping);

	if (page->index < size_in_pages(i_size_read(mapping->host))) {
		put_page(vm, page);
		return;
	}
	lock_page(vm, page);
	if (page->mapping == mapping && !page_is_mapped(page) &&
	    page->index >= size_in_pages(i_size_read(mapping->host)))
		remove_from_page_cache(page);
	unlock_page(vm, page);
	put_page(vm, page);
}

/*
 * file_pread - pread(2): copy up to @len bytes at @off into @buf.
 *
 * Context: no lock held; takes page locks through read_cache_page().
 * Return: the bytes copied (short at EOF, 0 at or past it); -EBADF if
 * @file is not open for reading; -EINVAL for a negative @off; -ENOMEM or
 * the store's error if nothing could be copied.
 * Models: mm/filemap.c do_generic_mapping_read() (2.6.11).
 */
ssize_t file_pread(struct file *file, void *buf, size_t len, int64_t off)
{
	struct address_space *mapping = &file->inode->mapping;
	struct objvm *vm = mapping_vm(mapping);
	size_t done = 0;
	int err = 0;

	if (!file_readable(file))
		return -EBADF;
	if (off < 0)
		return -EINVAL;
	len = MIN(len, MAX_RW_COUNT);
	while (done < len) {
		int64_t size = i_size_read(file->inode);
		size_t offset = (uint64_t)off & (PAGE_SIZE - 1);
		size_t nr = MIN(PAGE_SIZE - offset, len - done);
		struct page *page;

		if (off >= size)
			break;
		page = read_cache_page(mapping, (uint64_t)off >> PAGE_SHIFT,
				       NULL, &err);
		if (!page)
			break;
		mark_page_accessed(vm, page);
		/* A truncate may have run meanwhile: size it again. */
		size = i_size_read(file->inode);
		if (off >= size) {
			put_page_past_eof(mapping, page);
			break;
		}
		nr = MIN(nr, (uint64_t)(size - off));
		memcpy((char *)buf + done,
		       (char *)page_address(vm, page) + offset, nr);
		put_page(vm, page);
		done += nr;
		off += (int64_t)nr;
	}
	return done ? (ssize_t)done : err;
}

/*
 * Makes the page at @index ready for a write of @nr bytes at @offset:
 * in the cache, locked, with a reference, and uptodate unless the write
 * covers it whole.  A partly written page is read from the store first,
 * or zeroed when it lies wholly past @size (the store holds nothing
 * there).
 */
static struct page *write_begin(struct address_space *mapping, pgoff_t index,
				size_t offset, size_t nr, int64_t size,
				int *err)
{
	struct objvm *vm = mapping_vm(mapping);
	struct page *page;

repeat:
	page = find_get_page(mapping, index);
	if (page) {
		lock_page(vm, page);
		if (page->mapping != mapping) {
			unlock_page(vm, page);
			put_page(vm, page);
			goto repeat;
		}
	} else {
		page = add_new_page(mapping, index, err);
		if (!page && *err == -EEXIST)
			goto repeat;
		if (!page)
			return NULL;
	}
	if (PageUptodate(page) || (offset == 0 && nr == PAGE_SIZE))
		return page;
	if (index >= size_in_pages(size)) {
		memset(page_address(vm, page), 0, PAGE_SIZE);
		SetPageUptodate(page);
		return page;
	}
	*err = readpage_locked(mapping, page);
	if (*err) {
		unlock_page(vm, page);
		put_page(vm, page);
		return NULL;
	}
	return page;
}

/* The write loop of file_pwrite(); i_sem held, [off, off + len) fits. */
static ssize_t buffered_write(struct inode *inode, const char *buf, size_t len,
			      int64_t off)
{
	struct address_space *mapping = &inode->mapping;
	struct objvm *vm = inode->vm;
	size_t done = 0;
	int err = 0;

	while (done < len) {
		size_t offset = (uint64_t)off & (PAGE_SIZE - 1);
		size_t nr = MIN(PAGE_SIZE - offset, len - done);
		struct page *page;

		page = write_begin(mapping, (uint64_t)off >> PAGE_SHIFT, offset,
				   nr, i_size_read(inode), &err);
		if (!page)
			break;
		memcpy((char *)page_address(vm, page) + offset, buf + done, nr);
		SetPageUptodate(page);
		/*
		 * Grow i_size before PG_dirty, both under the page lock:
		 * writeback locks the page, so it never writes this page
		 * clean with the old size and loses the new bytes.
		 */
		if (off + (int64_t)nr > i_size_read(inode))
			i_size_write(inode, off + (int64_t)nr);
		SetPageDirty(page);
		mark_page_accessed(vm, page);
		unlock_page(vm, page);
		put_page(vm, page);
		done += nr;
		off += (int64_t)nr;
	}
	return done ? (ssize_t)done : err;
}

/*
 * file_pwrite - pwrite(2): copy @len bytes from @buf to @off.
 *
 * Pages become dirty and i_size grows; nothing reaches the store before
 * writeback.  A write that ends past EOF first zeroes the cached bytes
 * past the old EOF in the old last page, so the gap reads as zeros.
 *
 * Context: no lock held; takes i_sem, then page locks.
 * Return: the bytes written (short when the store has room for only
 * part, when memory ran out, or at MAX_LFS_FILESIZE); -EBADF if @file is
 * not open for writing; -EINVAL for a negative @off; -EFBIG when @off is
 * at or past MAX_LFS_FILESIZE; -ENOSPC when the store has room for none
 * of it; -ENOMEM or the store's error if nothing was written.
 * Models: mm/filemap.c generic_file_buffered_write() and
 * generic_write_checks() (2.6.11).
 */
ssize_t file_pwrite(struct file *file, const void *buf, size_t len, int64_t off)
{
	struct inode *inode = file->inode;
	int64_t size;
	ssize_t ret;

	if (!file_writable(file))
		return -EBADF;
	if (off < 0)
		return -EINVAL;
	if (off >= MAX_LFS_FILESIZE && (len || off > MAX_LFS_FILESIZE))
		return -EFBIG;
	len = MIN(len, MAX_RW_COUNT);
	len = MIN(len, (uint64_t)(MAX_LFS_FILESIZE - off));
	if (!len)
		return 0;

	vm_lock(&inode->i_sem);
	/* Only what the store can hold goes in: a short write now, not a
	 * lost one at write-back. */
	ret = backing_reserve(inode, off, len);
	if (ret <= 0)
		goto out_unlock;
	len = (size_t)ret;
	size = i_size_read(inode);
	if (off + (int64_t)len > size)
		pagecache_isize_extended(inode, size, off + (int64_t)len);
	ret = buffered_write(inode, buf, len, off);
out_unlock:
	vm_unlock(&inode->i_sem);
	return ret;
}

/*
 * pagecache_isize_extended - zero what lies past the old EOF in the
 * cached old last page, before i_size grows from @from to @to.
 *
 * Context: i_sem held; takes the page lock of that page.
 * Models: mm/truncate.c pagecache_isize_extended() (4.x; 2.6 left these
 * bytes as they were, which is tmpfs behaviour).
 */
void pagecache_isize_extended(struct inode *inode, int64_t from, int64_t to)
{
	size_t offset = (uint64_t)from & (PAGE_SIZE - 1);
	struct objvm *vm = inode->vm;
	struct page *page;

	if (to <= from || offset == 0)
		return;
	page = find_get_page(&inode->mapping, (uint64_t)from >> PAGE_SHIFT);
	if (!page)
		return; /* the store holds zeros there */
	lock_page(vm, page);
	if (page->mapping == &inode->mapping && PageUptodate(page))
		memset((char *)page_address(vm, page) + offset, 0,
		       PAGE_SIZE - offset);
	unlock_page(vm, page);
	put_page(vm, page);
}

/*
 * file_fsync - fsync(2): write back every dirty page of the file, and
 * report what failed since the last fsync or msync, once.
 *
 * The host file is not fsync'ed: objvm models what the store holds, not
 * whether the host's disk has it.
 *
 * Context: no lock held; takes i_sem, then page locks.
 * Return: 0, or the store's error (-ENOSPC, -EIO...), from this write-back
 * or kept from an earlier one.
 * Models: fs/buffer.c file_fsync() / mm/filemap.c do_fsync() (2.6.11).
 */
int file_fsync(struct file *file)
{
	struct inode *inode = file->inode;
	int err;

	vm_lock(&inode->i_sem);
	err = filemap_write_and_check_range(&inode->mapping, 0, UINT64_MAX);
	vm_unlock(&inode->i_sem);
	return err;
}
