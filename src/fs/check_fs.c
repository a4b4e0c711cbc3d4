/*
 * fs/check_fs.c - check_mapping(): the page-cache invariants of fs.h.
 *
 * Walks page_tree under tree_lock and checks each page against A1 (its
 * ->mapping and ->index, a reference for the cache), A5 (unlocked means
 * uptodate), then A2 (nrpages, and the index itself).  A3 and A4 need
 * the VMAs and i_size rules of other parts and are checked there.
 *
 * Models: mm/mmap.c validate_mm() in spirit: a debug walk that names the
 * first broken rule.
 */
#include <stdarg.h>
#include <stdio.h>

#include "machine.h"
#include "fs/fs.h"

#define CHECK_BATCH 32U

static bool fail(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (msg && len) {
		va_start(ap, fmt);
		vsnprintf(msg, len, fmt, ap);
		va_end(ap);
	}
	return false;
}

static const char *mapping_name(const struct address_space *mapping)
{
	const struct inode *inode = mapping->host;

	return inode && inode->path ? inode->path : "(shmem)";
}

/* A1 and A5 for the page stored at @index. */
static bool check_cached_page(struct address_space *mapping,
			      const struct page *page, uint64_t index,
			      char *msg, size_t len)
{
	const struct objvm *vm = mapping->host->vm;
	const char *name = mapping_name(mapping);
	unsigned long pfn;

	if (page < vm->pages || page >= vm->pages + vm->nr_frames)
		return fail(msg, len,
			    "A1 mapping %s: index %llu holds %p, not a frame",
			    name, (unsigned long long)index, (void *)page);
	pfn = page_to_pfn(vm, page);
	if (page->mapping != mapping)
		return fail(msg, len,
			    "A1 mapping %s: page pfn %lu at index %llu has "
			    "mapping %p, not %p",
			    name, pfn, (unsigned long long)index, page->mapping,
			    (void *)mapping);
	if (page->index != index)
		return fail(msg, len,
			    "A1 mapping %s: page pfn %lu at index %llu has "
			    "index %llu",
			    name, pfn, (unsigned long long)index,
			    (unsigned long long)page->index);
	if (page_count(page) < 1)
		return fail(msg, len,
			    "A1 mapping %s: page pfn %lu at index %llu has "
			    "refcount %d, none for the cache",
			    name, pfn, (unsigned long long)index,
			    page_count(page));
	if (!PageLocked(page) && !PageUptodate(page))
		return fail(msg, len,
			    "A5 mapping %s: page pfn %lu at index %llu is "
			    "unlocked and not uptodate",
			    name, pfn, (unsigned long long)index);
	return true;
}

/* Every page of the tree, then A2.  tree_lock held. */
static bool check_mapping_locked(struct address_space *mapping, char *msg,
				 size_t len)
{
	void *items[CHECK_BATCH];
	uint64_t idx[CHECK_BATCH], start = 0;
	unsigned long nr = 0;
	unsigned int i, n;

	if (!radix_tree_check(&mapping->page_tree))
		return fail(msg, len, "A2 mapping %s: page_tree breaks R1..R4",
			    mapping_name(mapping));
	do {
		n = radix_tree_gang_lookup(&mapping->page_tree, items, idx,
					   start, CHECK_BATCH);
		for (i = 0; i < n; i++)
			if (!check_cached_page(mapping, items[i], idx[i], msg,
					       len))
				return false;
		nr += n;
		if (n && idx[n - 1] == UINT64_MAX)
			break;
		start = n ? idx[n - 1] + 1 : start;
	} while (n == CHECK_BATCH);
	if (nr != mapping->nrpages || nr != mapping->page_tree.nr_items)
		return fail(msg, len,
			    "A2 mapping %s: nrpages %lu, %lu pages in "
			    "page_tree (nr_items %lu)",
			    mapping_name(mapping), mapping->nrpages, nr,
			    mapping->page_tree.nr_items);
	return true;
}

/*
 * check_mapping - check A1, A2 and A5 of @mapping (see fs.h).
 *
 * Context: takes tree_lock; no lock of rank >= LOCK_PAGECACHE held.
 * Return: true when they hold; false with one line in @msg (if @len)
 * naming the rule, the file and the page.
 */
bool check_mapping(struct address_space *mapping, char *msg, size_t len)
{
	bool ok;

	vm_lock(&mapping->tree_lock);
	ok = check_mapping_locked(mapping, msg, len);
	vm_unlock(&mapping->tree_lock);
	return ok;
}
