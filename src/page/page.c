/*
 * page/page.c - page references and the page lock.
 *
 * put_page() frees a frame when its last reference goes.  The page lock is
 * the PG_locked bit; a thread that finds it set sleeps on one of the
 * machine's hashed wait queues (2.6: page_waitqueue()), so a struct page
 * carries no lock of its own.
 *
 * Models: mm/swap.c put_page(), mm/filemap.c lock_page()/unlock_page()
 * (2.6.11).
 */
#include "machine.h"
#include "page/page.h"

static struct page_waitq *page_waitqueue(struct objvm *vm, struct page *page)
{
	unsigned long pfn = page_to_pfn(vm, page);

	return &vm->page_waitq[(pfn * 0x9e3779b9u >> 7) %
			       ARRAY_SIZE(vm->page_waitq)];
}

/*
 * lock_page - take the page lock, sleeping while another thread holds it.
 *
 * Context: no lock of rank LOCK_PAGE or above held (lockdep checks).
 */
void lock_page(struct objvm *vm, struct page *page)
{
	struct page_waitq *wq;

	lockdep_acquire(LOCK_PAGE, page, false);
	if (!page_test_set_flag(page, PG_locked))
		return;
	wq = page_waitqueue(vm, page);
	pthread_mutex_lock(&wq->mutex);
	for (;;) {
		/* PG_waiters before the test: an unlock that clears PG_locked
		 * after the test sees it and wakes us (both are atomic
		 * read-modify-writes of one word, so one comes first). */
		page_set_flag(page, PG_waiters);
		if (!page_test_set_flag(page, PG_locked))
			break;
		pthread_cond_wait(&wq->cond, &wq->mutex);
	}
	pthread_mutex_unlock(&wq->mutex);
}

bool trylock_page(struct objvm *vm, struct page *page)
{
	(void)vm;
	if (page_test_set_flag(page, PG_locked))
		return false;
	lockdep_acquire_try(LOCK_PAGE, page);
	return true;
}

/*
 * unlock_page - release the page lock.  The wait queue is touched only
 * when PG_waiters says a thread may sleep on this page (Linux 4.10+ keeps
 * the same bit; 2.6 looked at the queue every time).  Every sleeper sets
 * PG_waiters again before it sleeps again, so clearing it here under the
 * queue's mutex loses no one.
 */
void unlock_page(struct objvm *vm, struct page *page)
{
	struct page_waitq *wq;
	unsigned long old;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	lockdep_release(LOCK_PAGE, page);
	old = atomic_fetch_and(&page->flags, ~(1UL << PG_locked));
	if (!(old & (1UL << PG_waiters)))
		return;
	wq = page_waitqueue(vm, page);
	pthread_mutex_lock(&wq->mutex);
	page_clear_flag(page, PG_waiters);
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->mutex);
}

/*
 * put_page - drop a reference; the last one returns the frame.
 *
 * The last reference can only go when nothing maps the page and it is in
 * no page cache (both hold references), so only the anonymous tag and
 * the LRU link are left to undo.
 */
void put_page(struct objvm *vm, struct page *page)
{
	int old;

	if (PageReserved(page))
		return;
	old = atomic_fetch_sub(&page->_refcount, 1);
	VM_BUG_ON_PAGE(old <= 0, page);
	if (old != 1)
		return;
	VM_BUG_ON_PAGE(page_is_mapped(page), page);
	VM_BUG_ON_PAGE(page_file_mapping(page) != NULL, page);
	if (PageLRU(page)) {
		vm_lock(&vm->lru_lock);
		if (PageLRU(page))
			lru_del_locked(vm, page);
		vm_unlock(&vm->lru_lock);
	}
	page->mapping = NULL;
	atomic_store(&page->flags, 0);
	count_event(vm, page_free);
	free_pages(vm, page, 0);
}

struct page *alloc_user_page(struct objvm *vm, bool zero)
{
	struct page *page;
	unsigned long freed;
	int tries;

	for (tries = 0;; tries++) {
		page = alloc_pages(vm, 0, zero);
		freed = vm->memory_pressure ? vm->memory_pressure(vm, !page)
					    : 0;
		if (page || tries == 3 || (!freed && tries))
			return page;
	}
}
