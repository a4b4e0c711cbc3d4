/*
 * tests/unit/test_itree.c - the interval tree (src/lib/itree.c).
 *
 * Random insert/remove/query sequences with fixed seeds, compared against
 * a brute-force list of the intervals in the tree: itree_iter_first() must
 * return the overlapping node with the lowest (start, address), and
 * itree_for_each() exactly the overlapping nodes in that order.  A shorter
 * run calls itree_check() after every step; the long one every 1000 steps.
 * Edge cases: the empty tree, a single node, equal starts, point
 * intervals, the ends of the uint64_t range, and damage itree_check()
 * must notice.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/itree.c"

#include "harness.h"

/*
 * ck_assert() reports every passing assertion to the parent process (one
 * write(2) each), which dominates the random runs; their hot paths use
 * these instead, which only report failures.
 */
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
#define expect_ptr_eq(a, b) expect_eq((uintptr_t)(a), (uintptr_t)(b))

/* An owner embedding the node, as a VMA does. */
struct owner {
	int id;
	bool in_tree;
	struct itree_node it;
};

#define POOL 4096

static struct owner *pool;
static struct owner *live[POOL]; /* the brute-force list */
static size_t nr_live;

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static void pool_setup(void)
{
	int i;

	pool = calloc(POOL, sizeof(*pool));
	ck_assert_ptr_nonnull(pool);
	for (i = 0; i < POOL; i++)
		pool[i].id = i;
	nr_live = 0;
}

static void pool_teardown(void)
{
	free(pool);
	pool = NULL;
}

/* --- the brute-force reference ------------------------------------------- */

static bool overlaps(const struct itree_node *n, uint64_t start, uint64_t last)
{
	return n->start <= last && start <= n->last;
}

static bool node_before(const struct itree_node *a, const struct itree_node *b)
{
	if (a->start != b->start)
		return a->start < b->start;
	return (uintptr_t)a < (uintptr_t)b;
}

static int node_order(const void *pa, const void *pb)
{
	const struct itree_node *a = *(const struct itree_node *const *)pa;
	const struct itree_node *b = *(const struct itree_node *const *)pb;

	if (a == b)
		return 0;
	return node_before(a, b) ? -1 : 1;
}

/* The overlapping nodes in (start, address) order; returns how many. */
static size_t brute_query(uint64_t start, uint64_t last,
			  struct itree_node **out)
{
	size_t i, n = 0;

	for (i = 0; i < nr_live; i++)
		if (overlaps(&live[i]->it, start, last))
			out[n++] = &live[i]->it;
	qsort(out, n, sizeof(*out), node_order);
	return n;
}

static void check_query(struct itree_root *root, uint64_t start, uint64_t last)
{
	static struct itree_node *want[POOL];
	struct itree_node *node;
	size_t n = brute_query(start, last, want), i = 0;

	node = itree_iter_first(root, start, last);
	expect_ptr_eq(node, n ? want[0] : NULL);
	itree_for_each(node, root, start, last) {
		expect(i < n);
		expect_ptr_eq(node, want[i]);
		expect(container_of(node, struct owner, it)->in_tree);
		i++;
	}
	expect_eq(i, n);
}

/* --- random intervals ---------------------------------------------------- */

enum shape { SHAPE_SMALL, SHAPE_POINTS, SHAPE_WIDE, SHAPE_MIXED };

/* A few starts only, so that equal starts are common. */
static void interval_small(uint64_t *start, uint64_t *last)
{
	*start = rnd_below(64) * 8;
	*last = *start + rnd_below(40);
}

static void interval_point(uint64_t *start, uint64_t *last)
{
	*start = rnd_below(300);
	*last = *start;
}

/* Long and short intervals over a large range, reaching UINT64_MAX. */
static void interval_wide(uint64_t *start, uint64_t *last)
{
	uint64_t len = rnd_below(2) ? rnd_below(1000) : rnd() >> rnd_below(64);

	*start = rnd_below(4) ? rnd_below(1 << 20) : rnd();
	*last = *start + len < *start ? UINT64_MAX : *start + len;
}

static void random_interval(enum shape shape, uint64_t *start, uint64_t *last)
{
	if (shape == SHAPE_MIXED)
		shape = (enum shape)rnd_below(SHAPE_MIXED);
	if (shape == SHAPE_SMALL)
		interval_small(start, last);
	else if (shape == SHAPE_POINTS)
		interval_point(start, last);
	else
		interval_wide(start, last);
}

/* A query: usually a stab, sometimes a range, sometimes everything. */
static void random_query(enum shape shape, uint64_t *start, uint64_t *last)
{
	switch (rnd_below(8)) {
	case 0:
		*start = 0;
		*last = UINT64_MAX;
		return;
	case 1:
	case 2:
		random_interval(shape, start, last);
		return;
	default:
		random_interval(shape, start, last);
		*last = *start;
	}
}

/* --- the random run ------------------------------------------------------ */

static void do_insert(struct itree_root *root, enum shape shape)
{
	struct owner *o = &pool[rnd_below(POOL)];

	if (o->in_tree)
		return;
	random_interval(shape, &o->it.start, &o->it.last);
	itree_insert(root, &o->it);
	o->in_tree = true;
	live[nr_live++] = o;
}

static void do_remove(struct itree_root *root)
{
	size_t i;

	if (!nr_live)
		return;
	i = rnd_below(nr_live);
	itree_remove(root, &live[i]->it);
	live[i]->in_tree = false;
	live[i] = live[--nr_live];
}

static void random_run(uint64_t seed, enum shape shape, long ops,
		       long check_every)
{
	struct itree_root root;
	uint64_t start, last;
	long i;
	unsigned int op;
	bool grow;

	rng_state = seed;
	pool_setup();
	itree_init(&root);
	for (i = 0; i < ops; i++) {
		/* Eight phases: grow towards the pool size, shrink to 0. */
		grow = (i / (ops / 8)) % 2 == 0;
		op = rnd_below(100);
		if (op < (grow ? 60U : 15U))
			do_insert(&root, shape);
		else if (op < 75)
			do_remove(&root);
		else {
			random_query(shape, &start, &last);
			check_query(&root, start, last);
		}
		if (i % check_every == 0) {
			expect(itree_check(&root));
			expect_eq(root.count, nr_live);
		}
	}
	while (nr_live)
		do_remove(&root);
	expect(itree_check(&root));
	expect(RB_EMPTY(&root.head));
	pool_teardown();
}

START_TEST(random_checked_each_step)
{
	random_run(0x17ee0000 + _i, (enum shape)_i, 20000, 1);
}
END_TEST

START_TEST(random_200k)
{
	random_run(0x17ee1000 + _i, (enum shape)_i, 200000, 1000);
}
END_TEST

/* --- edge cases ---------------------------------------------------------- */

static struct owner *add(struct itree_root *root, int i, uint64_t start,
			 uint64_t last)
{
	struct owner *o = &pool[i];

	o->it.start = start;
	o->it.last = last;
	itree_insert(root, &o->it);
	o->in_tree = true;
	live[nr_live++] = o;
	return o;
}

START_TEST(empty_and_single)
{
	struct itree_root root;
	struct owner *o;

	pool_setup();
	itree_init(&root);
	ck_assert(itree_check(&root));
	ck_assert_ptr_null(itree_iter_first(&root, 0, UINT64_MAX));
	o = add(&root, 0, 10, 20);
	ck_assert_uint_eq(o->it.subtree_last, 20);
	ck_assert(itree_check(&root));
	ck_assert_ptr_eq(itree_iter_first(&root, 20, 30), &o->it);
	ck_assert_ptr_eq(itree_iter_first(&root, 0, 10), &o->it);
	ck_assert_ptr_eq(itree_iter_first(&root, 15, 15), &o->it);
	ck_assert_ptr_null(itree_iter_first(&root, 21, 100));
	ck_assert_ptr_null(itree_iter_first(&root, 0, 9));
	ck_assert_ptr_null(itree_iter_next(&o->it, 0, UINT64_MAX));
	itree_remove(&root, &o->it);
	ck_assert_uint_eq(root.count, 0);
	ck_assert(itree_check(&root));
	ck_assert_ptr_null(itree_iter_first(&root, 0, UINT64_MAX));
	/* Reinsert into the emptied tree with a different interval. */
	o->it.start = 5;
	o->it.last = 6;
	itree_insert(&root, &o->it);
	ck_assert_uint_eq(o->it.subtree_last, 6);
	ck_assert(itree_check(&root));
	pool_teardown();
}
END_TEST

/* 300 nodes with one start: ordered by address, removable in any order. */
START_TEST(equal_starts)
{
	struct itree_root root;
	int i;

	rng_state = 42;
	pool_setup();
	itree_init(&root);
	for (i = 0; i < 300; i++)
		add(&root, (i * 7) % POOL, 1000, 1000 + rnd_below(500));
	ck_assert(itree_check(&root));
	check_query(&root, 1000, 1000);
	check_query(&root, 1400, 1400);
	check_query(&root, 0, 999);
	check_query(&root, 1499, UINT64_MAX);
	while (nr_live) {
		do_remove(&root);
		ck_assert(itree_check(&root));
		check_query(&root, 1200, 1300);
	}
	pool_teardown();
}
END_TEST

START_TEST(point_intervals)
{
	struct itree_root root;
	uint64_t p;

	pool_setup();
	itree_init(&root);
	for (p = 0; p < 100; p++)
		add(&root, (int)p, p * 2, p * 2);
	ck_assert(itree_check(&root));
	for (p = 0; p < 200; p++) {
		check_query(&root, p, p);
		ck_assert_int_eq(itree_iter_first(&root, p, p) != NULL,
				 p % 2 == 0);
	}
	check_query(&root, 3, 9);
	pool_teardown();
}
END_TEST

START_TEST(range_ends)
{
	struct itree_root root;

	pool_setup();
	itree_init(&root);
	add(&root, 0, 0, 0);
	add(&root, 1, UINT64_MAX, UINT64_MAX);
	add(&root, 2, 0, UINT64_MAX);
	add(&root, 3, UINT64_MAX - 1, UINT64_MAX);
	ck_assert(itree_check(&root));
	ck_assert_uint_eq(RB_ROOT(&root.head)->subtree_last, UINT64_MAX);
	check_query(&root, 0, 0);
	check_query(&root, UINT64_MAX, UINT64_MAX);
	check_query(&root, 1, UINT64_MAX - 2);
	check_query(&root, 0, UINT64_MAX);
	pool_teardown();
}
END_TEST

/*
 * Removing nodes with two children, where the successor is and is not the
 * right child, changes subtree_last far from the removed node.
 */
START_TEST(remove_inner_nodes)
{
	struct itree_root root;
	int i;

	pool_setup();
	itree_init(&root);
	for (i = 0; i < 64; i++) /* the largest lasts at the far left */
		add(&root, i, (uint64_t)i * 10, 10000 - (uint64_t)i * 100);
	while (nr_live) {
		struct itree_node *top = RB_ROOT(&root.head);
		size_t j;

		for (j = 0; live[j] != container_of(top, struct owner, it); j++)
			;
		itree_remove(&root, top);
		live[j]->in_tree = false;
		live[j] = live[--nr_live];
		ck_assert(itree_check(&root));
		check_query(&root, 5000, 5000);
	}
	pool_teardown();
}
END_TEST

START_TEST(check_detects_damage)
{
	struct itree_root root;
	struct itree_node *top;
	int i;

	pool_setup();
	itree_init(&root);
	for (i = 0; i < 20; i++)
		add(&root, i, (uint64_t)i, (uint64_t)i + 5);
	ck_assert(itree_check(&root));
	top = RB_ROOT(&root.head);
	top->subtree_last++; /* I2 */
	ck_assert(!itree_check(&root));
	top->subtree_last--;
	root.count++; /* I5 */
	ck_assert(!itree_check(&root));
	root.count--;
	top->start = 0; /* I3: before its left subtree */
	ck_assert(!itree_check(&root));
	top->start = top->last + 1; /* I1 */
	ck_assert(!itree_check(&root));
	top->start = top->last - 5;
	ck_assert(itree_check(&root));
	RB_COLOR(top, rb) = RB_RED; /* I4: a red root */
	ck_assert(!itree_check(&root));
	RB_COLOR(top, rb) = RB_BLACK;
	RB_COLOR(RB_LEFT(top, rb), rb) ^= 1; /* I4: black heights differ */
	ck_assert(!itree_check(&root));
	pool_teardown();
}
END_TEST

#if OBJVM_DEBUG
START_TEST(inverted_interval_is_a_bug)
{
	struct itree_root root;
	struct itree_node n = {.start = 5, .last = 4};

	itree_init(&root);
	itree_insert(&root, &n);
}
END_TEST
#endif

static Suite *itree_suite(void)
{
	Suite *s = suite_create("itree");
	TCase *tc = tcase_create("edges");
	TCase *rnd_tc = tcase_create("random");

	tcase_add_test(tc, empty_and_single);
	tcase_add_test(tc, equal_starts);
	tcase_add_test(tc, point_intervals);
	tcase_add_test(tc, range_ends);
	tcase_add_test(tc, remove_inner_nodes);
	tcase_add_test(tc, check_detects_damage);
#if OBJVM_DEBUG
	tcase_add_test_raise_signal(tc, inverted_interval_is_a_bug, SIGABRT);
#endif
	suite_add_tcase(s, tc);

	tcase_set_timeout(rnd_tc, 120);
	tcase_add_loop_test(rnd_tc, random_checked_each_step, SHAPE_SMALL,
			    SHAPE_MIXED + 1);
	tcase_add_loop_test(rnd_tc, random_200k, SHAPE_SMALL, SHAPE_MIXED + 1);
	suite_add_tcase(s, rnd_tc);
	return s;
}

int main(void)
{
	return run_suite(itree_suite());
}
