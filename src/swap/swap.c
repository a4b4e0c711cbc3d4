/*
 * swap/swap.c - swap slots, their counts, and the swap cache (see
 * swap/swap.h for the model).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "machine.h"
#include "page/page.h"
#include "swap/swap.h"

#define SWAP_MAP_MAX 0xfffe

int swap_init(struct objvm *vm, uint64_t bytes, const char *path)
{
	struct swap_info *si;

	if (!bytes)
		return 0;
	if (bytes % PAGE_SIZE || bytes > (1ULL << 40))
		return -EINVAL;
	si = calloc(1, sizeof(*si));
	if (!si)
		return -ENOMEM;
	si->nr_slots = bytes >> PAGE_SHIFT;
	si->fd = -1;
	si->swap_map = calloc(si->nr_slots, sizeof(*si->swap_map));
	if (!si->swap_map)
		goto nomem;
	if (path) {
		si->fd = open(path,
			      O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC |
				      O_NOFOLLOW,
			      0600);
		if (si->fd < 0) {
			int err = -errno;

			free(si->swap_map);
			free(si);
			return err;
		}
	} else {
		si->area = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
				0);
		if (si->area == MAP_FAILED)
			goto nomem;
	}
	vm_lock_init(&si->lock, LOCK_SWAP);
	radix_tree_init(&si->cache);
	vm->swap = si;
	return 0;
nomem:
	free(si->swap_map);
	free(si);
	return -ENOMEM;
}

void swap_destroy(struct objvm *vm)
{
	struct swap_info *si = vm->swap;

	if (!si)
		return;
	if (si->area)
		munmap(si->area, si->nr_slots << PAGE_SHIFT);
	if (si->fd >= 0)
		close(si->fd);
	radix_tree_destroy(&si->cache);
	vm_lock_destroy(&si->lock);
	free(si->swap_map);
	free(si);
	vm->swap = NULL;
}

/* --- slots ------------------------------------------------------------------ */

/* A free slot with count 1 (the swap cache's), or -1. */
static long get_swap_page(struct swap_info *si)
{
	unsigned long i, slot;

	vm_lock(&si->lock);
	for (i = 0; i < si->nr_slots; i++) {
		slot = (si->next + i) % si->nr_slots;
		if (!si->swap_map[slot]) {
			si->swap_map[slot] = 1;
			si->nr_used++;
			si->next = slot + 1;
			vm_unlock(&si->lock);
			return (long)slot;
		}
	}
	vm_unlock(&si->lock);
	return -1;
}

void swap_duplicate(struct objvm *vm, unsigned long slot)
{
	struct swap_info *si = vm->swap;

	vm_lock(&si->lock);
	VM_BUG_ON(slot >= si->nr_slots || !si->swap_map[slot]);
	VM_BUG_ON(si->swap_map[slot] >= SWAP_MAP_MAX);
	si->swap_map[slot]++;
	vm_unlock(&si->lock);
}

/* Context: si->lock held. */
static void swap_free_locked(struct swap_info *si, unsigned long slot)
{
	VM_BUG_ON(slot >= si->nr_slots || !si->swap_map[slot]);
	if (--si->swap_map[slot] == 0)
		si->nr_used--;
}

void swap_free(struct objvm *vm, unsigned long slot)
{
	struct swap_info *si = vm->swap;

	vm_lock(&si->lock);
	swap_free_locked(si, slot);
	vm_unlock(&si->lock);
}

unsigned int swap_count(struct objvm *vm, unsigned long slot)
{
	struct swap_info *si = vm->swap;
	unsigned int n;

	vm_lock(&si->lock);
	n = slot < si->nr_slots ? si->swap_map[slot] : 0;
	vm_unlock(&si->lock);
	return n;
}

bool vm_swap_full(struct objvm *vm)
{
	struct swap_info *si = vm->swap;

	return si && si->nr_used * 2 > si->nr_slots;
}

/* --- the area ---------------------------------------------------------------- */

static int swap_io(struct swap_info *si, unsigned long slot, void *buf,
		   bool write)
{
	off_t off = (off_t)slot << PAGE_SHIFT;
	ssize_t n;

	if (si->area) {
		if (write)
			memcpy(si->area + off, buf, PAGE_SIZE);
		else
			memcpy(buf, si->area + off, PAGE_SIZE);
		return 0;
	}
	n = write ? pwrite(si->fd, buf, PAGE_SIZE, off)
		  : pread(si->fd, buf, PAGE_SIZE, off);
	if (n < 0)
		return -errno;
	if (!write && n < (ssize_t)PAGE_SIZE) /* never written: a hole */
		memset((char *)buf + n, 0, PAGE_SIZE - n);
	else if (write && n != (ssize_t)PAGE_SIZE)
		return -ENOSPC;
	return 0;
}

long swap_alloc_slot(struct objvm *vm)
{
	return vm->swap ? get_swap_page(vm->swap) : -1;
}

int swap_write_slot(struct objvm *vm, unsigned long slot, const void *src)
{
	int err = swap_io(vm->swap, slot, (void *)src, true);

	if (!err)
		count_event(vm, pswpout);
	return err;
}

int swap_read_slot(struct objvm *vm, unsigned long slot, void *dst)
{
	int err = swap_io(vm->swap, slot, dst, false);

	if (!err) {
		count_event(vm, pswpin);
		count_event(vm, refault);
	}
	return err;
}

int swap_writepage(struct objvm *vm, struct page *page)
{
	int err;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	VM_BUG_ON_PAGE(!page_test_flag(page, PG_swapcache), page);
	err = swap_io(vm->swap, page->private, page_address(vm, page), true);
	if (!err)
		count_event(vm, pswpout);
	return err;
}

/* --- the swap cache -------------------------------------------------------------- */

int add_to_swap(struct objvm *vm, struct page *page)
{
	struct swap_info *si = vm->swap;
	long slot;
	int err;

	VM_BUG_ON_PAGE(!PageLocked(page) || !page_is_anon(page), page);
	if (!si)
		return -ENOSPC;
	slot = get_swap_page(si);
	if (slot < 0)
		return -ENOSPC;
	vm_lock(&si->lock);
	err = radix_tree_insert(&si->cache, (uint64_t)slot, page);
	if (!err) {
		get_page(page);
		page->private = (unsigned long)slot;
		page_set_flag(page, PG_swapcache);
		si->cache_pages++;
	} else {
		swap_free_locked(si, (unsigned long)slot);
	}
	vm_unlock(&si->lock);
	if (!err)
		SetPageDirty(page); /* nothing is in the slot yet */
	return err;
}

void delete_from_swap_cache(struct objvm *vm, struct page *page)
{
	struct swap_info *si = vm->swap;
	unsigned long slot = page->private;
	void *old;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	VM_BUG_ON_PAGE(!page_test_flag(page, PG_swapcache), page);
	VM_BUG_ON_PAGE(page_count(page) < 2, page);
	vm_lock(&si->lock);
	old = radix_tree_delete(&si->cache, slot);
	VM_BUG_ON_PAGE(old != page, page);
	si->cache_pages--;
	page_clear_flag(page, PG_swapcache);
	page->private = 0;
	swap_free_locked(si, slot);
	vm_unlock(&si->lock);
	put_page(vm, page);
}

struct page *swap_cache_page(struct objvm *vm, unsigned long slot)
{
	struct page *page;

	if (!vm->swap)
		return NULL;
	vm_lock(&vm->swap->lock);
	page = radix_tree_lookup(&vm->swap->cache, slot);
	vm_unlock(&vm->swap->lock);
	return page;
}

static struct page *lookup_swap_cache(struct swap_info *si, unsigned long slot)
{
	struct page *page;

	vm_lock(&si->lock);
	page = radix_tree_lookup(&si->cache, slot);
	if (page && !get_page_unless_zero(page))
		page = NULL;
	vm_unlock(&si->lock);
	return page;
}

struct page *read_swap_cache(struct objvm *vm, unsigned long slot, bool *major)
{
	struct swap_info *si = vm->swap;
	struct page *page, *fresh;
	int err;

	for (;;) {
		page = lookup_swap_cache(si, slot);
		if (page) {
			/* Someone may still be reading it in. */
			lock_page(vm, page);
			unlock_page(vm, page);
			return page;
		}
		fresh = alloc_user_page(vm, false);
		if (!fresh)
			return NULL;
		count_event(vm, page_alloc);
		lock_page(vm, fresh);
		vm_lock(&si->lock);
		if (!si->swap_map[slot]) {
			/* The last swap pte went while we allocated. */
			vm_unlock(&si->lock);
			unlock_page(vm, fresh);
			put_page(vm, fresh);
			return NULL;
		}
		err = radix_tree_insert(&si->cache, slot, fresh);
		if (!err) {
			si->swap_map[slot]++;
			si->cache_pages++;
			get_page(fresh);
			fresh->private = slot;
			page_set_flag(fresh, PG_swapcache);
		}
		vm_unlock(&si->lock);
		if (err) {
			unlock_page(vm, fresh);
			put_page(vm, fresh);
			if (err == -EEXIST)
				continue;
			return NULL;
		}
		/* Anonymous from now on; its anon_vma comes with the pte. */
		fresh->mapping = (void *)PAGE_MAPPING_ANON;
		swap_io(si, slot, page_address(vm, fresh), false);
		SetPageUptodate(fresh);
		count_event(vm, pswpin);
		count_event(vm, refault);
		*major = true;
		lru_cache_add_active(vm, fresh);
		unlock_page(vm, fresh);
		return fresh;
	}
}

void free_swap_and_cache(struct objvm *vm, unsigned long slot)
{
	struct swap_info *si = vm->swap;
	struct page *page = NULL;

	vm_lock(&si->lock);
	swap_free_locked(si, slot);
	if (si->swap_map[slot] == 1) {
		page = radix_tree_lookup(&si->cache, slot);
		if (page && !get_page_unless_zero(page))
			page = NULL;
	}
	vm_unlock(&si->lock);
	if (!page)
		return;
	/* Only the cache wants the slot: drop the page too, if we can. */
	if (trylock_page(vm, page)) {
		if (page_test_flag(page, PG_swapcache) &&
		    page->private == slot && !page_is_mapped(page) &&
		    swap_count(vm, slot) == 1 && page_count(page) == 2) {
			ClearPageDirty(page);
			delete_from_swap_cache(vm, page);
		}
		unlock_page(vm, page);
	}
	put_page(vm, page);
}

bool remove_exclusive_swap_page(struct objvm *vm, struct page *page, int maps,
				int extra)
{
	VM_BUG_ON_PAGE(!PageLocked(page), page);
	/* No pte maps it but the caller's @maps, no swap pte names its slot
	 * (only the cache's count is left), and no reference is held but
	 * the cache's, those ptes' and the caller's @extra. */
	if (!page_test_flag(page, PG_swapcache) || page_mapcount(page) != maps)
		return false;
	if (swap_count(vm, page->private) != 1 ||
	    page_count(page) != 1 + maps + extra)
		return false;
	delete_from_swap_cache(vm, page);
	SetPageDirty(page); /* its slot is gone: the bytes live here only */
	return true;
}
