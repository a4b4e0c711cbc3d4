/*
 * tests/unit/test_buddy.c - the buddy frame allocator (src/page/page_alloc.c).
 *
 * Each test builds a small machine by hand: a struct objvm with a pages
 * array and frame memory, nothing else.  A random run of mixed-order
 * allocations and frees is compared against a frame-by-frame model: an
 * allocation must succeed exactly when some aligned run of free frames is
 * large enough, must take the smallest free block that fits, and must
 * never hand out a frame that is in use.  Block contents are checked for
 * zeroing, for being left alone while allocated, and for poisoning once
 * freed.  Freeing everything must restore the initial free lists.
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/page/page_alloc.c"

#include "harness.h"

/* ck_assert() costs a write(2) per pass; hot loops only report failures. */
#define expect(cond)                                       \
	do {                                               \
		if (!(cond))                               \
			ck_abort_msg("failed: %s", #cond); \
	} while (0)
#define expect_eq(a, b)                                                     \
	do {                                                                \
		unsigned long long a_ = (a), b_ = (b);                      \
		if (a_ != b_)                                               \
			ck_abort_msg("failed: %s == %s (%llu != %llu)", #a, \
				     #b, a_, b_);                           \
	} while (0)

#define NR_FRAMES (2048 + 37)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct objvm *make_vm(unsigned long nr_frames, unsigned long first)
{
	struct objvm *vm = calloc(1, sizeof(*vm));

	ck_assert_ptr_nonnull(vm);
	vm->id = 0xb0dd1e5;
	vm->nr_frames = nr_frames;
	vm->pages = calloc(nr_frames + 1, sizeof(struct page));
	vm->mem = malloc((nr_frames + 1) * PAGE_SIZE);
	ck_assert(vm->pages && vm->mem);
	zone_init(vm, first);
	return vm;
}

static void free_vm(struct objvm *vm)
{
	zone_destroy(vm);
	free(vm->pages);
	free(vm->mem);
	free(vm);
}

static void assert_zone_ok(struct objvm *vm)
{
	char msg[256] = "";

	if (!check_zone(vm, msg, sizeof(msg)))
		ck_abort_msg("check_zone: %s", msg);
}

/* All @n bytes at @p equal @c (each byte equals the next, and the first). */
static bool bytes_are(const unsigned char *p, size_t n, unsigned char c)
{
	return n == 0 || (p[0] == c && memcmp(p, p + 1, n - 1) == 0);
}

/* What alloc_pages() promises about every frame of a new block. */
static void expect_fresh_block(struct objvm *vm, struct page *page,
			       unsigned int order)
{
	unsigned long i, pfn = page_to_pfn(vm, page);

	expect_eq(pfn & ((1UL << order) - 1), 0);
	expect(pfn + (1UL << order) <= vm->nr_frames);
	for (i = 0; i < 1UL << order; i++) {
		expect_eq(page_count(page + i), i == 0);
		expect_eq(page_mapcount(page + i), 0);
		expect_eq(atomic_load(&page[i].flags), 0);
		expect(page[i].mapping == NULL);
		expect_eq(page[i].index, 0);
		expect_eq(page[i].private, 0);
	}
}

/* Drop the allocation reference, as put_page() does, and free. */
static void release(struct objvm *vm, struct page *page, unsigned int order)
{
	atomic_store(&page->_refcount, 0);
	free_pages(vm, page, order);
}

/* --- the layout zone_init() builds --------------------------------------- */

START_TEST(init_layout)
{
	/* 1..511 as orders 0..8, three 2 MiB blocks, 2048..2084 as 5, 2, 0. */
	static const unsigned long want[MAX_ORDER + 1] = {2, 1, 2, 1, 1,
							  2, 1, 1, 1, 3};
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	unsigned int order;

	for (order = 0; order <= MAX_ORDER; order++)
		ck_assert_uint_eq(vm->zone.nr_free[order], want[order]);
	ck_assert_uint_eq(nr_free_pages(vm), NR_FRAMES - 1);
	ck_assert(page_is_buddy(pfn_to_page(vm, 512), 9));
	ck_assert(page_is_buddy(pfn_to_page(vm, 2080), 2));
	ck_assert(!page_test_flag(pfn_to_page(vm, 0), PG_buddy));
	ck_assert_int_eq(page_mapcount(pfn_to_page(vm, 513)), 0);
	assert_zone_ok(vm);
	free_vm(vm);
}
END_TEST

START_TEST(init_small_zones)
{
	struct objvm *vm;

	vm = make_vm(0, 0); /* no frames at all */
	ck_assert_uint_eq(nr_free_pages(vm), 0);
	ck_assert_ptr_null(alloc_pages(vm, 0, false));
	assert_zone_ok(vm);
	free_vm(vm);

	vm = make_vm(1, 0);
	ck_assert_uint_eq(vm->zone.nr_free[0], 1);
	ck_assert_ptr_null(alloc_pages(vm, 1, false));
	ck_assert_ptr_eq(alloc_pages(vm, 0, true), pfn_to_page(vm, 0));
	ck_assert_ptr_null(alloc_pages(vm, 0, false));
	release(vm, pfn_to_page(vm, 0), 0);
	assert_zone_ok(vm);
	free_vm(vm);

	vm = make_vm(4096, 4096); /* everything reserved */
	ck_assert_uint_eq(nr_free_pages(vm), 0);
	assert_zone_ok(vm);
	free_vm(vm);

	vm = make_vm(2048, 0); /* exactly four 2 MiB blocks */
	ck_assert_uint_eq(vm->zone.nr_free[MAX_ORDER], 4);
	ck_assert_uint_eq(nr_free_pages(vm), 2048);
	assert_zone_ok(vm);
	free_vm(vm);
}
END_TEST

START_TEST(max_block_orders)
{
	ck_assert_uint_eq(max_block_order(0, 1 << 20), MAX_ORDER);
	ck_assert_uint_eq(max_block_order(1, 1 << 20), 0);
	ck_assert_uint_eq(max_block_order(96, 1 << 20), 5);
	ck_assert_uint_eq(max_block_order(512, 600), 6);
	ck_assert_uint_eq(max_block_order(512, 513), 0);
	ck_assert_uint_eq(max_block_order(1024, 1024 + 512), MAX_ORDER);
}
END_TEST

/* --- exhaustion and coalescing ------------------------------------------- */

static void snapshot(struct objvm *vm, unsigned long *nr_free)
{
	memcpy(nr_free, vm->zone.nr_free, sizeof(vm->zone.nr_free));
}

static void expect_same_lists(struct objvm *vm, const unsigned long *nr_free)
{
	unsigned int order;

	for (order = 0; order <= MAX_ORDER; order++)
		expect_eq(vm->zone.nr_free[order], nr_free[order]);
}

/* Allocate order @order until it fails; free in a shuffled order. */
static void exhaust_and_refill(unsigned int order)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	unsigned long initial[MAX_ORDER + 1], n = 0, i, j;
	struct page **got = calloc(NR_FRAMES, sizeof(*got)), *tmp;

	snapshot(vm, initial);
	while ((got[n] = alloc_pages(vm, order, false)) != NULL)
		expect_fresh_block(vm, got[n++], order);
	/* Every aligned block of this order that fits was handed out. */
	for (i = order; i <= MAX_ORDER; i++)
		expect_eq(vm->zone.nr_free[i], 0);
	expect_eq(nr_free_pages(vm) + (n << order), NR_FRAMES - 1);
	assert_zone_ok(vm);
	rng_state = order;
	for (i = n; i > 1; i--) {
		j = rnd() % i;
		tmp = got[i - 1];
		got[i - 1] = got[j];
		got[j] = tmp;
	}
	for (i = 0; i < n; i++)
		release(vm, got[i], order);
	expect_same_lists(vm, initial);
	ck_assert_uint_eq(nr_free_pages(vm), NR_FRAMES - 1);
	assert_zone_ok(vm);
	free(got);
	free_vm(vm);
}

START_TEST(exhaustion_per_order)
{
	exhaust_and_refill((unsigned int)_i);
}
END_TEST

START_TEST(exhaustion_returns_null)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	unsigned int order;
	unsigned long n = 0;

	while (alloc_pages(vm, 0, false))
		n++;
	ck_assert_uint_eq(n, NR_FRAMES - 1);
	ck_assert_uint_eq(nr_free_pages(vm), 0);
	for (order = 0; order <= MAX_ORDER; order++)
		ck_assert_ptr_null(alloc_pages(vm, order, true));
	assert_zone_ok(vm);
	free_vm(vm);
}
END_TEST

/* Order-0 requests use the fragments before breaking a 2 MiB block. */
START_TEST(small_requests_keep_huge_blocks)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	unsigned long fragments = NR_FRAMES - 1 - 3 * 512, i;

	for (i = 0; i < fragments; i++) {
		ck_assert_ptr_nonnull(alloc_pages(vm, 0, false));
		ck_assert_uint_eq(vm->zone.nr_free[MAX_ORDER], 3);
	}
	ck_assert_ptr_nonnull(alloc_pages(vm, 0, false));
	ck_assert_uint_eq(vm->zone.nr_free[MAX_ORDER], 2);
	assert_zone_ok(vm);
	free_vm(vm);
}
END_TEST

/* Splitting hands out the low half and keeps the high halves free. */
START_TEST(split_and_merge)
{
	struct objvm *vm = make_vm(1024, 0);
	struct page *a, *b;

	a = alloc_pages(vm, 0, false);
	ck_assert_uint_eq(page_to_pfn(vm, a) % 512, 0);
	ck_assert_uint_eq(vm->zone.nr_free[MAX_ORDER], 1);
	for (unsigned int k = 0; k < MAX_ORDER; k++)
		ck_assert_uint_eq(vm->zone.nr_free[k], 1);
	b = alloc_pages(vm, 0, false);
	ck_assert_uint_eq(page_to_pfn(vm, b), page_to_pfn(vm, a) + 1);
	release(vm, a, 0);
	ck_assert_uint_eq(vm->zone.nr_free[0], 1); /* a waits for b */
	release(vm, b, 0);
	ck_assert_uint_eq(vm->zone.nr_free[MAX_ORDER], 2);
	ck_assert_uint_eq(vm->zone.nr_free[0], 0);
	assert_zone_ok(vm);
	free_vm(vm);
}
END_TEST

/* --- contents ------------------------------------------------------------ */

START_TEST(zeroing_and_poison)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	unsigned int order;
	struct page *page;
	size_t size;

	for (order = 0; order <= MAX_ORDER; order++) {
		size = PAGE_SIZE << order;
		page = alloc_pages(vm, order, false);
		memset(page_address(vm, page), 0xab, size);
		release(vm, page, order);
#if OBJVM_DEBUG
		ck_assert(bytes_are(page_address(vm, page), size, PAGE_POISON));
#endif
		page = alloc_pages(vm, order, true);
		ck_assert(bytes_are(page_address(vm, page), size, 0));
		release(vm, page, order);
	}
	assert_zone_ok(vm);
	free_vm(vm);
}
END_TEST

/* --- the random run against a frame-by-frame model ----------------------- */

struct block {
	struct page *page;
	unsigned int order;
	unsigned char fill;
};

struct run {
	struct objvm *vm;
	unsigned long first;
	bool *used;           /* the model: frame allocated */
	struct block *blocks; /* blocks allocated, in no order */
	unsigned long nr_blocks, nr_used;
};

/* Mostly small orders, as a kernel sees them; now and then a huge one. */
static unsigned int random_order(void)
{
	unsigned int r = rnd() % 100;

	if (r < 50)
		return 0;
	if (r < 80)
		return 1 + rnd() % 3;
	if (r < 95)
		return 4 + rnd() % 5;
	return MAX_ORDER;
}

/* Does the model have an aligned, wholly free run of 2^@order frames? */
static bool model_fits(const struct run *r, unsigned int order)
{
	unsigned long n = 1UL << order, p, i;

	for (p = (r->first + n - 1) & ~(n - 1); p + n <= r->vm->nr_frames;
	     p += n) {
		for (i = 0; i < n && !r->used[p + i]; i++)
			;
		if (i == n)
			return true;
	}
	return false;
}

/* The smallest order >= @order with a free block, or MAX_ORDER + 1. */
static unsigned int smallest_fit(const unsigned long *nr_free,
				 unsigned int order)
{
	while (order <= MAX_ORDER && !nr_free[order])
		order++;
	return order;
}

/* The lists after taking a block of @order out of one of order @from. */
static void expect_split(struct objvm *vm, const unsigned long *before,
			 unsigned int order, unsigned int from)
{
	unsigned int k;

	for (k = 0; k <= MAX_ORDER; k++)
		expect_eq(vm->zone.nr_free[k],
			  before[k] + (k >= order && k < from) - (k == from));
}

static void run_alloc(struct run *r)
{
	unsigned int order = random_order(), from;
	unsigned long before[MAX_ORDER + 1], pfn, i;
	bool zero = rnd() & 1;
	struct block *b = &r->blocks[r->nr_blocks];
	struct page *page;

	snapshot(r->vm, before);
	from = smallest_fit(before, order);
	page = alloc_pages(r->vm, order, zero);
	expect((page != NULL) == model_fits(r, order));
	expect((page != NULL) == (from <= MAX_ORDER));
	if (!page)
		return;
	expect_split(r->vm, before, order, from);
	expect_fresh_block(r->vm, page, order);
	pfn = page_to_pfn(r->vm, page);
	for (i = 0; i < 1UL << order; i++) {
		expect(!r->used[pfn + i]);
		r->used[pfn + i] = true;
	}
	if (zero)
		expect(bytes_are(page_address(r->vm, page), PAGE_SIZE << order,
				 0));
	b->page = page;
	b->order = order;
	b->fill = (unsigned char)(1 + rnd() % 250);
	memset(page_address(r->vm, page), b->fill, PAGE_SIZE << order);
	r->nr_blocks++;
	r->nr_used += 1UL << order;
}

static void run_free(struct run *r)
{
	unsigned long k = rnd() % r->nr_blocks, i, pfn;
	struct block b = r->blocks[k];
	size_t size = PAGE_SIZE << b.order;

	expect(bytes_are(page_address(r->vm, b.page), size, b.fill));
	release(r->vm, b.page, b.order);
#if OBJVM_DEBUG
	expect(bytes_are(page_address(r->vm, b.page), size, PAGE_POISON));
#endif
	pfn = page_to_pfn(r->vm, b.page);
	for (i = 0; i < 1UL << b.order; i++)
		r->used[pfn + i] = false;
	r->blocks[k] = r->blocks[--r->nr_blocks];
	r->nr_used -= 1UL << b.order;
}

static void random_run(uint64_t seed, unsigned long nr_frames,
		       unsigned long first, long ops, long check_every)
{
	struct run r = {.first = first};
	unsigned long initial[MAX_ORDER + 1];
	long i;

	rng_state = seed;
	r.vm = make_vm(nr_frames, first);
	r.used = calloc(nr_frames + 1, sizeof(*r.used));
	r.blocks = calloc(nr_frames + 1, sizeof(*r.blocks));
	ck_assert(r.used && r.blocks);
	snapshot(r.vm, initial);
	for (i = 0; i < ops; i++) {
		/* Lean towards allocating in even thousands, freeing in odd. */
		if (r.nr_blocks && rnd() % 100 < ((i / 1000) % 2 ? 70 : 35))
			run_free(&r);
		else
			run_alloc(&r);
		expect_eq(nr_free_pages(r.vm), nr_frames - first - r.nr_used);
		if (i % check_every == 0)
			assert_zone_ok(r.vm);
	}
	while (r.nr_blocks)
		run_free(&r);
	expect_same_lists(r.vm, initial);
	assert_zone_ok(r.vm);
	free(r.used);
	free(r.blocks);
	free_vm(r.vm);
}

/* Zone shapes: frames, first free frame. */
static const unsigned long shapes[][2] = {
	{NR_FRAMES, 1},
	{2048, 0},
	{1000, 3},
	{3 * 512 + 511, 300},
};

START_TEST(random_checked_each_step)
{
	random_run(0xb0dd0000 + _i, shapes[_i][0], shapes[_i][1], 5000, 1);
}
END_TEST

START_TEST(random_long)
{
	random_run(0xb0dd1000 + _i, shapes[_i][0], shapes[_i][1], 100000, 500);
}
END_TEST

/* --- threads ------------------------------------------------------------- */

struct thread_arg {
	struct objvm *vm;
	uint64_t seed;
};

static void *thread_body(void *p)
{
	struct thread_arg *a = p;
	struct page *held[16] = {NULL};
	unsigned int orders[16] = {0};
	uint64_t s = a->seed;
	int i, k;

	for (i = 0; i < 20000; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (s >> 33) % 16;
		if (held[k]) {
			release(a->vm, held[k], orders[k]);
			held[k] = NULL;
		} else {
			orders[k] = (s >> 40) % 4;
			held[k] = alloc_pages(a->vm, orders[k], false);
		}
	}
	for (k = 0; k < 16; k++)
		if (held[k])
			release(a->vm, held[k], orders[k]);
	return NULL;
}

START_TEST(threads_share_the_zone)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	struct thread_arg args[4];
	pthread_t tid[4];
	unsigned long initial[MAX_ORDER + 1];
	int i;

	snapshot(vm, initial);
	for (i = 0; i < 4; i++) {
		args[i].vm = vm;
		args[i].seed = 1000 + i;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, thread_body,
						&args[i]),
				 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);
	ck_assert_uint_eq(nr_free_pages(vm), NR_FRAMES - 1);
	expect_same_lists(vm, initial);
	assert_zone_ok(vm);
	free_vm(vm);
}
END_TEST

/* --- check_zone() notices damage ----------------------------------------- */

static void expect_zone_error(struct objvm *vm, const char *prefix)
{
	char msg[256] = "";

	ck_assert(!check_zone(vm, msg, sizeof(msg)));
	ck_assert_msg(strncmp(msg, prefix, strlen(prefix)) == 0,
		      "want \"%s...\", got \"%s\"", prefix, msg);
}

START_TEST(check_finds_damage)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	struct page *head = pfn_to_page(vm, 512);

	page_clear_flag(head, PG_buddy);
	expect_zone_error(vm, "Z2 zone: free block at pfn 512 on free_area[9]");
	page_set_flag(head, PG_buddy);
	page_set_flag(head + 7, PG_buddy);
	expect_zone_error(vm, "Z2 zone: pfn 519 inside free block at pfn 512");
	page_clear_flag(head + 7, PG_buddy);
	atomic_store(&head[3]._refcount, 1);
	expect_zone_error(vm, "Z4 zone: pfn 515");
	atomic_store(&head[3]._refcount, 0);
	vm->zone.nr_free[3]++;
	expect_zone_error(vm, "Z6 zone: free_area[3] holds 1 blocks");
	vm->zone.nr_free[3]--;
	vm->zone.nr_free_pages++;
	expect_zone_error(vm, "Z6 zone: nr_free_pages");
	vm->zone.nr_free_pages--;
	assert_zone_ok(vm);
	free_vm(vm);
}
END_TEST

START_TEST(check_finds_bad_blocks)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	struct zone *zone = &vm->zone;
	struct page *head = pfn_to_page(vm, 1024), *page;

	/* A block inside another: Z3. */
	add_free_block(zone, head + 1, 0);
	zone->nr_free_pages++;
	expect_zone_error(vm, "Z3 zone: free block at pfn 1024 order 9 "
			      "overlaps another free block at frame 1025");
	del_free_block(zone, head + 1, 0);
	zone->nr_free_pages--;
	/* Two free halves of order 8 instead of one order 9 block: Z5. */
	del_free_block(zone, head, 9);
	add_free_block(zone, head, 8);
	add_free_block(zone, head + 256, 8);
	expect_zone_error(vm, "Z5 zone: free buddies at pfn");
	del_free_block(zone, head + 256, 8);
	/* A misaligned block: Z1. */
	del_free_block(zone, head, 8);
	add_free_block(zone, head + 2, 8);
	expect_zone_error(vm, "Z1 zone: free block at pfn 1026 order 8");
	del_free_block(zone, head + 2, 8);
	add_free_block(zone, head, 9);
	/* A frame with PG_buddy outside every free block: Z2. */
	page = alloc_pages(vm, 0, false);
	ck_assert_uint_eq(page_to_pfn(vm, page), 2084);
	page_set_flag(page, PG_buddy);
	expect_zone_error(vm, "Z2 zone: pfn 2084 has PG_buddy");
	page_clear_flag(page, PG_buddy);
	release(vm, page, 0);
	assert_zone_ok(vm);
	/* No message buffer: still false. */
	zone->nr_free_pages++;
	ck_assert(!check_zone(vm, NULL, 0));
	zone->nr_free_pages--;
	free_vm(vm);
}
END_TEST

/* --- bugs that free_pages() must stop ------------------------------------ */

#if OBJVM_DEBUG
START_TEST(double_free)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	struct page *page = alloc_pages(vm, 2, false);

	release(vm, page, 2);
	free_pages(vm, page, 2);
}
END_TEST

START_TEST(free_inside_free_block)
{
	struct objvm *vm = make_vm(1024, 0);
	struct page *page = alloc_pages(vm, 1, false);

	release(vm, page, 1); /* merges back into a 2 MiB block */
	free_pages(vm, page + 1, 0);
}
END_TEST

START_TEST(free_referenced)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);

	free_pages(vm, alloc_pages(vm, 0, false), 0);
}
END_TEST

START_TEST(free_mapped)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	struct page *page = alloc_pages(vm, 3, false);

	atomic_store(&page[5]._mapcount, 0);
	release(vm, page, 3);
}
END_TEST

START_TEST(free_on_lru)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	struct page *page = alloc_pages(vm, 0, false);

	page_set_flag(page, PG_lru);
	release(vm, page, 0);
}
END_TEST

START_TEST(free_misaligned)
{
	struct objvm *vm = make_vm(NR_FRAMES, 1);
	struct page *page = alloc_pages(vm, 2, false);

	release(vm, page + 1, 1);
}
END_TEST
#endif

static Suite *buddy_suite(void)
{
	Suite *s = suite_create("buddy");
	TCase *tc = tcase_create("edges");
	TCase *rnd_tc = tcase_create("random");
	TCase *bug_tc = tcase_create("bugs");

	tcase_add_test(tc, init_layout);
	tcase_add_test(tc, init_small_zones);
	tcase_add_test(tc, max_block_orders);
	tcase_add_loop_test(tc, exhaustion_per_order, 0, MAX_ORDER + 1);
	tcase_add_test(tc, exhaustion_returns_null);
	tcase_add_test(tc, small_requests_keep_huge_blocks);
	tcase_add_test(tc, split_and_merge);
	tcase_add_test(tc, zeroing_and_poison);
	tcase_add_test(tc, threads_share_the_zone);
	tcase_add_test(tc, check_finds_damage);
	tcase_add_test(tc, check_finds_bad_blocks);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tcase_set_timeout(rnd_tc, 120);
	tcase_add_loop_test(rnd_tc, random_checked_each_step, 0,
			    ARRAY_SIZE(shapes));
	tcase_add_loop_test(rnd_tc, random_long, 0, ARRAY_SIZE(shapes));
	suite_add_tcase(s, rnd_tc);

#if OBJVM_DEBUG
	tcase_add_test_raise_signal(bug_tc, double_free, SIGABRT);
	tcase_add_test_raise_signal(bug_tc, free_inside_free_block, SIGABRT);
	tcase_add_test_raise_signal(bug_tc, free_referenced, SIGABRT);
	tcase_add_test_raise_signal(bug_tc, free_mapped, SIGABRT);
	tcase_add_test_raise_signal(bug_tc, free_on_lru, SIGABRT);
	tcase_add_test_raise_signal(bug_tc, free_misaligned, SIGABRT);
#endif
	suite_add_tcase(s, bug_tc);
	return s;
}

int main(void)
{
	return run_suite(buddy_suite());
}
