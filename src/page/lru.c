/*
 * page/lru.c - the active and inactive lists (2.6's two-list LRU).
 *
 * User pages (page cache, anonymous, swap cache) join a list when they
 * come into use and leave it when their last reference goes (put_page) or
 * when reclaim isolates them.  PG_lru says a page is on a list, PG_active
 * which one; both change only under vm->lru_lock, and a page isolated by
 * reclaim has neither list nor PG_lru until it is put back.
 *
 * mark_page_accessed() is the software half of aging (read/write and the
 * access path call it): inactive,unreferenced → inactive,referenced →
 * active.  The hardware half is the young bit of the ptes, which
 * page_referenced() reads through the reverse map.
 *
 * Models: mm/swap.c lru_cache_add(), lru_cache_add_active(),
 * mark_page_accessed(), activate_page() (2.6.11).
 */
#include "machine.h"
#include "page/page.h"

/* Context: lru_lock held. */
static void lru_add_locked(struct objvm *vm, struct page *page, bool active)
{
	VM_BUG_ON_PAGE(PageLRU(page), page);
	page_set_flag(page, PG_lru);
	if (active) {
		page_set_flag(page, PG_active);
		list_add(&page->lru, &vm->lru_active);
		vm->nr_active++;
	} else {
		list_add(&page->lru, &vm->lru_inactive);
		vm->nr_inactive++;
	}
}

static void lru_add(struct objvm *vm, struct page *page, bool active)
{
	vm_lock(&vm->lru_lock);
	lru_add_locked(vm, page, active);
	vm_unlock(&vm->lru_lock);
}

/*
 * lru_pagevec_putback - puts @pvec's pages (isolated: off every list) back on
 * the lists under one taking of lru_lock, in order, then drops the
 * reference each one's isolation held.  2.6's shrink_cache and
 * refill_inactive_zone put pages back the same way, a pagevec at a time.
 */
void lru_pagevec_putback(struct objvm *vm, struct lru_pagevec *pvec)
{
	unsigned int i;

	if (!pvec->nr)
		return;
	vm_lock(&vm->lru_lock);
	for (i = 0; i < pvec->nr; i++)
		lru_add_locked(vm, pvec->pages[i], pvec->active & (1u << i));
	vm_unlock(&vm->lru_lock);
	for (i = 0; i < pvec->nr; i++)
		put_page(vm, pvec->pages[i]);
	pvec->nr = 0;
	pvec->active = 0;
}

void lru_cache_add(struct objvm *vm, struct page *page)
{
	lru_add(vm, page, false);
}

void lru_cache_add_active(struct objvm *vm, struct page *page)
{
	lru_add(vm, page, true);
}

/* Context: lru_lock held; @page on a list. */
void lru_del_locked(struct objvm *vm, struct page *page)
{
	VM_BUG_ON_PAGE(!PageLRU(page), page);
	list_del(&page->lru);
	page_clear_flag(page, PG_lru);
	if (page_test_clear_flag(page, PG_active))
		vm->nr_active--;
	else
		vm->nr_inactive--;
}

static void activate_page(struct objvm *vm, struct page *page)
{
	vm_lock(&vm->lru_lock);
	if (PageLRU(page) && !page_test_flag(page, PG_active)) {
		list_del(&page->lru);
		vm->nr_inactive--;
		page_set_flag(page, PG_active);
		list_add(&page->lru, &vm->lru_active);
		vm->nr_active++;
		vm_unlock(&vm->lru_lock);
		count_event(vm, pgactivate);
		return;
	}
	vm_unlock(&vm->lru_lock);
}

void mark_page_accessed(struct objvm *vm, struct page *page)
{
	if (!page_test_flag(page, PG_active) &&
	    page_test_flag(page, PG_referenced) && PageLRU(page)) {
		activate_page(vm, page);
		page_clear_flag(page, PG_referenced);
	} else if (!page_test_flag(page, PG_referenced)) {
		page_set_flag(page, PG_referenced);
	}
}

bool get_page_unless_zero(struct page *page)
{
	int c = atomic_load(&page->_refcount);

	while (c > 0)
		if (atomic_compare_exchange_weak(&page->_refcount, &c, c + 1))
			return true;
	return false;
}
