/*
 * machine.c - create and destroy a machine; its sysctls and counters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "machine.h"
#include "reclaim/reclaim.h"
#include "rmap/rmap.h"
#include "swap/swap.h"
#include "pgtable/tlb.h"
#include "fs/fs.h"
#include "task/task.h"

_Thread_local struct vm_stats_tls vm_stats_tls[VM_STATS_CACHED];

static atomic_uint_fast64_t next_vm_id = 1;
static atomic_uint_fast64_t next_thread_id = 1;

/* A number for this host thread, never reused (owners of counter blocks). */
static uint64_t vm_thread_id(void)
{
	static _Thread_local uint64_t id;

	if (!id)
		id = atomic_fetch_add(&next_thread_id, 1);
	return id;
}

#define DEFAULT_MEM (64ULL << 20)
#define MAX_MEM     (64ULL << 30)

static size_t frame_table_bytes(const struct objvm *vm)
{
	return vm->nr_frames * sizeof(struct page);
}

static int machine_memory(struct objvm *vm, uint64_t bytes)
{
	if (!bytes)
		bytes = DEFAULT_MEM;
	if (bytes < 16 * PAGE_SIZE || bytes > MAX_MEM || bytes % PAGE_SIZE)
		return -EINVAL;
	vm->nr_frames = bytes >> PAGE_SHIFT;
	vm->mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return -ENOMEM;
	}
	/* Backed lazily, like the frames: the allocator writes a struct
	 * page only when its frame is first handed out (page/page.h), so
	 * a big idle machine costs little host memory. */
	vm->pages = mmap(NULL, frame_table_bytes(vm), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->pages == MAP_FAILED) {
		vm->pages = NULL;
		return -ENOMEM;
	}
	/* Frame 0 is the shared zero page, never freed. */
	vm->zero_page = &vm->pages[0];
	atomic_init(&vm->zero_page->_mapcount, -1);
	list_init(&vm->zero_page->lru);
	page_set_flag(vm->zero_page, PG_reserved);
	atomic_store(&vm->zero_page->_refcount, 1);
	zone_init(vm, 1);
	return 0;
}

static void machine_free(struct objvm *vm)
{
	unsigned int i;

	reclaim_destroy(vm);
	swap_destroy(vm);
	if (vm->pages)
		zone_destroy(vm);
	if (vm->mem)
		munmap(vm->mem, vm->nr_frames << PAGE_SHIFT);
	if (vm->pages)
		munmap(vm->pages, frame_table_bytes(vm));
	for (i = 0; i < ARRAY_SIZE(vm->page_waitq); i++) {
		pthread_mutex_destroy(&vm->page_waitq[i].mutex);
		pthread_cond_destroy(&vm->page_waitq[i].cond);
	}
	while (!list_empty(&vm->stats_blocks)) {
		struct list_head *p = vm->stats_blocks.next;

		list_del(p);
		free(list_entry(p, struct vm_stats, link));
	}
	vm_lock_destroy(&vm->ns_lock);
	vm_lock_destroy(&vm->tasks_lock);
	vm_lock_destroy(&vm->lru_lock);
	vm_lock_destroy(&vm->stats_lock);
	vm_lock_destroy(&vm->chain_slab.lock);
	vm_rwlock_destroy(&vm->anon_vma_free_lock);
	vm_rwlock_destroy(&vm->call_lock);
	free(vm);
}

int vm_create(const struct objvm_config *config, struct objvm **out)
{
	struct objvm *vm = calloc(1, sizeof(*vm));
	unsigned int i;
	int err;

	if (!vm)
		return -ENOMEM;
	vm->id = atomic_fetch_add(&next_vm_id, 1);
	tlb_protocol_init();
	vm->check = config->check;
	vm->seed = config->seed;
	vm_rwlock_init_writer_first(&vm->call_lock, LOCK_CALL);
	vm_lock_init(&vm->ns_lock, LOCK_NAMESPACE);
	vm_lock_init(&vm->tasks_lock, LOCK_TASKS);
	vm_lock_init(&vm->lru_lock, LOCK_LRU);
	vm_lock_init(&vm->stats_lock, LOCK_STATS);
	vm_lock_init(&vm->chain_slab.lock, LOCK_SLAB);
	list_init(&vm->chain_slab.partial);
	vm_rwlock_init(&vm->anon_vma_free_lock, LOCK_ANON_FREE);
	vm->rmap = &rmap_objrmap;
	list_init(&vm->inodes);
	list_init(&vm->tasks);
	list_init(&vm->lru_active);
	list_init(&vm->lru_inactive);
	list_init(&vm->stats_blocks);
	for (i = 0; i < ARRAY_SIZE(vm->page_waitq); i++) {
		pthread_mutex_init(&vm->page_waitq[i].mutex, NULL);
		pthread_cond_init(&vm->page_waitq[i].cond, NULL);
	}
	vm->sysctl.max_map_count = 65530;
	vm->sysctl.swappiness = 60;
	vm->sysctl.mmap_min_addr = MMAP_MIN_ADDR;
	vm->sysctl.nr_hugepages = config->nr_hugepages;

	err = machine_memory(vm, config->mem_bytes);
	if (!err)
		err = fs_init(vm, config->backing_dir);
	if (!err)
		err = swap_init(vm, config->swap_bytes, config->swapfile);
	if (!err)
		err = reclaim_init(vm, config->kswapd);
	if (err) {
		machine_free(vm);
		return err;
	}
	*out = vm;
	return 0;
}

int vm_destroy(struct objvm *vm, char *path, size_t len)
{
	int err;

	kswapd_set(vm, false);
	while (!list_empty(&vm->tasks))
		task_free(list_entry(vm->tasks.next, struct task, link));
	err = fs_destroy(vm, path, len);
	ptechain_destroy(vm);
	machine_free(vm);
	return err;
}

/* This thread's block on @vm's list, or NULL. */
static struct vm_stats *stats_block_find(struct objvm *vm, uint64_t owner)
{
	struct list_head *pos;

	list_for_each(pos, &vm->stats_blocks) {
		struct vm_stats *s = list_entry(pos, struct vm_stats, link);

		if (s->owner == owner)
			return s;
	}
	return NULL;
}

/* Makes @s, of machine @id, the first entry of the cache; the others
 * move down, the last falls out (it stays on its machine's list). */
static struct vm_stats *stats_cache_front(uint64_t id, struct vm_stats *s,
					  unsigned int from)
{
	for (; from > 0; from--)
		vm_stats_tls[from] = vm_stats_tls[from - 1];
	vm_stats_tls[0].vm_id = id;
	vm_stats_tls[0].block = s;
	return s;
}

struct vm_stats *vm_stats_block_slow(struct objvm *vm)
{
	uint64_t owner = vm_thread_id();
	struct vm_stats *s, *fresh;
	unsigned int i;

	for (i = 1; i < VM_STATS_CACHED; i++)
		if (vm_stats_tls[i].vm_id == vm->id)
			return stats_cache_front(vm->id, vm_stats_tls[i].block,
						 i);
	vm_lock(&vm->stats_lock);
	s = stats_block_find(vm, owner);
	vm_unlock(&vm->stats_lock);
	if (s)
		return stats_cache_front(vm->id, s, VM_STATS_CACHED - 1);

	fresh = calloc(1, sizeof(*fresh));
	if (!fresh) {
		fprintf(stderr, "objvm: out of host memory for counters\n");
		abort();
	}
	fresh->owner = owner;
	vm_lock(&vm->stats_lock);
	list_add_tail(&fresh->link, &vm->stats_blocks);
	vm_unlock(&vm->stats_lock);
	/* Registered once, before this thread's first access (pgtable/tlb.h). */
	tlb_register_thread(vm);
	return stats_cache_front(vm->id, fresh, VM_STATS_CACHED - 1);
}

uint64_t vm_stat_sum(struct objvm *vm, enum vm_stat_item item)
{
	struct list_head *pos;
	uint64_t sum = 0;

	vm_lock(&vm->stats_lock);
	list_for_each(pos, &vm->stats_blocks) {
		struct vm_stats *s = list_entry(pos, struct vm_stats, link);

		sum += atomic_load_explicit(&s->v[item], memory_order_relaxed);
	}
	vm_unlock(&vm->stats_lock);
	return sum;
}
