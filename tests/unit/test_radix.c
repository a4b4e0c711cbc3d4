/*
 * tests/unit/test_radix.c - the page-cache radix tree (src/lib/radix.c).
 *
 * Includes radix.c so that node allocation can be failed on demand and
 * every node can be counted: calloc() and free() inside radix.c are routed
 * through counting wrappers.  Random operation sequences with fixed seeds
 * are compared against a sorted array; after each step (or every few
 * steps in the long runs) the test checks R1..R4 with radix_tree_check(),
 * that the height is the minimal one for the largest index, and that the
 * number of live nodes is exactly the number of distinct index prefixes.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"
#include "lib/radix.h"

static long live_nodes;          /* nodes allocated and not yet freed */
static long fail_countdown = -1; /* 0: fail the next allocation */

static void *counting_calloc(size_t n, size_t size)
{
	void *p;

	if (fail_countdown == 0)
		return NULL;
	if (fail_countdown > 0)
		fail_countdown--;
	p = calloc(n, size);
	if (p)
		live_nodes++;
	return p;
}

static void counting_free(void *p)
{
	if (p)
		live_nodes--;
	free(p);
}

#define calloc(n, size) counting_calloc(n, size)
#define free(p)         counting_free(p)
#include "../../src/lib/radix.c"

#include "harness.h"
#undef calloc
#undef free

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

/* --- a brute-force model: a sorted array of (index, item) ---------------- */

struct model {
	uint64_t *idx;
	void **item;
	size_t nr, cap;
};

static void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

static void model_free(struct model *m)
{
	free(m->idx);
	free(m->item);
}

/* First position whose index is >= @index. */
static size_t model_lower(const struct model *m, uint64_t index)
{
	size_t lo = 0, hi = m->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->idx[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void *model_find(const struct model *m, uint64_t index)
{
	size_t i = model_lower(m, index);

	return i < m->nr && m->idx[i] == index ? m->item[i] : NULL;
}

static void model_insert(struct model *m, uint64_t index, void *item)
{
	size_t i = model_lower(m, index);

	if (m->nr == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->idx = realloc(m->idx, m->cap * sizeof(*m->idx));
		m->item = realloc(m->item, m->cap * sizeof(*m->item));
		expect(m->idx && m->item);
	}
	memmove(m->idx + i + 1, m->idx + i, (m->nr - i) * sizeof(*m->idx));
	memmove(m->item + i + 1, m->item + i, (m->nr - i) * sizeof(*m->item));
	m->idx[i] = index;
	m->item[i] = item;
	m->nr++;
}

static void model_delete(struct model *m, uint64_t index)
{
	size_t i = model_lower(m, index);

	expect(i < m->nr && m->idx[i] == index);
	memmove(m->idx + i, m->idx + i + 1, (m->nr - i - 1) * sizeof(*m->idx));
	memmove(m->item + i, m->item + i + 1,
		(m->nr - i - 1) * sizeof(*m->item));
	m->nr--;
}

/* The minimal height for the model's largest index. */
static unsigned int model_height(const struct model *m)
{
	unsigned int h = 1;

	if (!m->nr)
		return 0;
	while (h < RADIX_TREE_MAX_HEIGHT &&
	       (m->idx[m->nr - 1] >> (h * RADIX_TREE_MAP_SHIFT)) != 0)
		h++;
	return h;
}

/* Nodes a minimal tree needs: one per distinct prefix at each level. */
static long model_nodes(const struct model *m)
{
	unsigned int h, height = model_height(m), shift;
	long nodes = 0;
	size_t i;

	if (!height)
		return 0;
	/* Below the root: h * 6 <= 60, so the shifts are defined. */
	for (h = 1; h < height; h++) {
		shift = h * RADIX_TREE_MAP_SHIFT;
		for (i = 0; i < m->nr; i++)
			if (i == 0 ||
			    m->idx[i] >> shift != m->idx[i - 1] >> shift)
				nodes++;
	}
	return nodes + 1;
}

/* --- random numbers and keys --------------------------------------------- */

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

/* A key near a level boundary: 2^(6k) plus or minus a little. */
static uint64_t key_boundary(void)
{
	unsigned int k = rnd_below(RADIX_TREE_MAX_HEIGHT + 1);
	uint64_t base = k * 6 >= 64 ? 0 : UINT64_C(1) << (k * 6);

	return base + rnd_below(7) - 3;
}

enum keyspace { KEYS_DENSE, KEYS_MEDIUM, KEYS_SPARSE, KEYS_MIXED };

/* KEYS_MIXED draws from the three spaces, boundaries and the very top. */
static uint64_t random_key(enum keyspace ks)
{
	switch (ks == KEYS_MIXED ? rnd_below(5) : (uint64_t)ks) {
	case KEYS_DENSE:
		return rnd_below(700);
	case KEYS_MEDIUM:
		return rnd_below(300000);
	case KEYS_SPARSE:
		return rnd();
	case 3:
		return key_boundary();
	default:
		return UINT64_MAX - rnd_below(300);
	}
}

/* --- checks -------------------------------------------------------------- */

static void check_against(const struct radix_tree_root *root,
			  const struct model *m)
{
	expect(radix_tree_check(root));
	expect_eq(root->nr_items, m->nr);
	expect_eq(root->height, model_height(m));
	expect_eq(live_nodes, model_nodes(m));
}

static void check_gang(const struct radix_tree_root *root,
		       const struct model *m, uint64_t first, unsigned int max)
{
	void *res[80];
	uint64_t idx[80];
	size_t pos = model_lower(m, first);
	unsigned int n, i, want = MIN(max, m->nr - pos);

	expect(max <= 80);
	n = radix_tree_gang_lookup(root, res, rnd() & 1 ? idx : NULL, first,
				   max);
	expect_eq(n, want);
	for (i = 0; i < n; i++)
		expect_ptr_eq(res[i], m->item[pos + i]);
	n = radix_tree_gang_lookup(root, res, idx, first, max);
	for (i = 0; i < n; i++)
		expect_eq(idx[i], m->idx[pos + i]);
}

/* Every item, collected through gang lookups of @chunk at a time. */
static void check_full_scan(const struct radix_tree_root *root,
			    const struct model *m, unsigned int chunk)
{
	void *res[80];
	uint64_t idx[80], next = 0;
	size_t seen = 0;
	unsigned int n, i;

	for (;;) {
		n = radix_tree_gang_lookup(root, res, idx, next, chunk);
		for (i = 0; i < n; i++, seen++) {
			expect_eq(idx[i], m->idx[seen]);
			expect_ptr_eq(res[i], m->item[seen]);
		}
		if (n < chunk || idx[n - 1] == UINT64_MAX)
			break;
		next = idx[n - 1] + 1;
	}
	expect_eq(seen, m->nr);
}

/* --- the random run ------------------------------------------------------ */

static uint64_t pick_key(const struct model *m, enum keyspace ks)
{
	if (m->nr && rnd_below(2))
		return m->idx[rnd_below(m->nr)];
	return random_key(ks);
}

static void *next_item(void)
{
	static uintptr_t seq;

	return (void *)(++seq << 4);
}

static void step_insert(struct radix_tree_root *root, struct model *m,
			enum keyspace ks)
{
	uint64_t key = random_key(ks);
	void *item = next_item();
	int ret = radix_tree_insert(root, key, item);

	if (model_find(m, key)) {
		expect(ret == -EEXIST);
	} else {
		expect(ret == 0);
		model_insert(m, key, item);
	}
}

static void step_delete(struct radix_tree_root *root, struct model *m,
			enum keyspace ks)
{
	uint64_t key = pick_key(m, ks);
	void *want = model_find(m, key);

	expect_ptr_eq(radix_tree_delete(root, key), want);
	if (want)
		model_delete(m, key);
	expect(NULL == radix_tree_lookup(root, key));
}

static void step_lookup(struct radix_tree_root *root, struct model *m,
			enum keyspace ks)
{
	uint64_t key = pick_key(m, ks);
	void *want = model_find(m, key);
	void **slot = radix_tree_lookup_slot(root, key);

	expect_ptr_eq(radix_tree_lookup(root, key), want);
	if (!want) {
		expect(NULL == slot);
		return;
	}
	expect(NULL != slot);
	expect_ptr_eq(*slot, want);
	if (rnd_below(4) == 0) { /* replace through the slot */
		*slot = next_item();
		m->item[model_lower(m, key)] = *slot;
	}
}

static void random_run(uint64_t seed, enum keyspace ks, long ops,
		       long check_every)
{
	struct radix_tree_root root;
	struct model m;
	long i;
	unsigned int op;

	rng_state = seed;
	live_nodes = 0;
	radix_tree_init(&root);
	model_init(&m);
	for (i = 0; i < ops; i++) {
		op = rnd_below(100);
		/* Twelve phases: grow for a while, then shrink, then mixed. */
		if ((i / (ops / 12)) % 3 == 1)
			op = op < 70 ? 50 : op;
		if (op < 45)
			step_insert(&root, &m, ks);
		else if (op < 75)
			step_delete(&root, &m, ks);
		else if (op < 92)
			step_lookup(&root, &m, ks);
		else
			check_gang(&root, &m, pick_key(&m, ks) - rnd_below(3),
				   rnd_below(70));
		if (i % check_every == 0)
			check_against(&root, &m);
	}
	check_against(&root, &m);
	check_full_scan(&root, &m, 1 + rnd_below(70));
	radix_tree_destroy(&root);
	expect_eq(live_nodes, 0);
	expect(radix_tree_check(&root));
	model_free(&m);
}

START_TEST(random_checked_each_step)
{
	/* _i is the loop variable of tcase_add_loop_test(). */
	random_run(0x5eed0000 + _i, (enum keyspace)_i, 10000, 1);
}
END_TEST

START_TEST(random_long)
{
	random_run(0xfeed0000 + _i, (enum keyspace)_i, 200000, 997);
}
END_TEST

/* --- edge cases ---------------------------------------------------------- */

#define ITEM(n) ((void *)(uintptr_t)(0x1000 + 16 * (n)))

START_TEST(empty_tree)
{
	struct radix_tree_root root;
	void *res[4];

	live_nodes = 0;
	radix_tree_init(&root);
	ck_assert(radix_tree_check(&root));
	ck_assert_ptr_null(radix_tree_lookup(&root, 0));
	ck_assert_ptr_null(radix_tree_lookup(&root, UINT64_MAX));
	ck_assert_ptr_null(radix_tree_lookup_slot(&root, 5));
	ck_assert_ptr_null(radix_tree_delete(&root, 0));
	ck_assert_uint_eq(radix_tree_gang_lookup(&root, res, NULL, 0, 4), 0);
	radix_tree_destroy(&root);
	ck_assert_int_eq(live_nodes, 0);
}
END_TEST

/* Each index gives the minimal height, and deleting it empties the tree. */
START_TEST(height_per_index)
{
	static const struct {
		uint64_t index;
		unsigned int height;
	} cases[] = {
		{0, 1},
		{63, 1},
		{64, 2},
		{4095, 2},
		{4096, 3},
		{(UINT64_C(1) << 36) - 1, 6},
		{UINT64_C(1) << 36, 7},
		{(UINT64_C(1) << 60) - 1, 10},
		{UINT64_C(1) << 60, 11},
		{UINT64_MAX, 11},
	};
	struct radix_tree_root root;
	unsigned int i;

	live_nodes = 0;
	radix_tree_init(&root);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(
			radix_tree_insert(&root, cases[i].index, ITEM(i)), 0);
		ck_assert_uint_eq(root.height, cases[i].height);
		ck_assert_int_eq(live_nodes, (long)cases[i].height);
		ck_assert_ptr_eq(radix_tree_lookup(&root, cases[i].index),
				 ITEM(i));
		ck_assert(radix_tree_check(&root));
		ck_assert_ptr_eq(radix_tree_delete(&root, cases[i].index),
				 ITEM(i));
		ck_assert_ptr_null(root.rnode);
		ck_assert_uint_eq(root.height, 0);
		ck_assert_int_eq(live_nodes, 0);
	}
}
END_TEST

/* Growing to height 11 and back keeps the low items in place. */
START_TEST(grow_and_shrink)
{
	struct radix_tree_root root;

	live_nodes = 0;
	radix_tree_init(&root);
	ck_assert_int_eq(radix_tree_insert(&root, 5, ITEM(1)), 0);
	ck_assert_int_eq(radix_tree_insert(&root, 70, ITEM(2)), 0);
	ck_assert_uint_eq(root.height, 2);
	ck_assert_int_eq(radix_tree_insert(&root, UINT64_MAX, ITEM(3)), 0);
	ck_assert_uint_eq(root.height, 11);
	ck_assert(radix_tree_check(&root));
	ck_assert_ptr_eq(radix_tree_lookup(&root, 5), ITEM(1));
	ck_assert_ptr_eq(radix_tree_lookup(&root, 70), ITEM(2));
	ck_assert_ptr_null(radix_tree_lookup(&root, UINT64_MAX - 1));
	ck_assert_ptr_eq(radix_tree_delete(&root, UINT64_MAX), ITEM(3));
	ck_assert_uint_eq(root.height, 2);
	ck_assert_int_eq(live_nodes, 3); /* root, and leaves for 5 and 70 */
	ck_assert_ptr_eq(radix_tree_delete(&root, 70), ITEM(2));
	ck_assert_uint_eq(root.height, 1);
	ck_assert_int_eq(live_nodes, 1);
	ck_assert_ptr_eq(radix_tree_lookup(&root, 5), ITEM(1));
	ck_assert(radix_tree_check(&root));
	radix_tree_destroy(&root);
	ck_assert_int_eq(live_nodes, 0);
}
END_TEST

/* The root keeps its height while a slot other than 0 is in use. */
START_TEST(no_shrink_when_high_slot_used)
{
	struct radix_tree_root root;

	live_nodes = 0;
	radix_tree_init(&root);
	ck_assert_int_eq(radix_tree_insert(&root, 64, ITEM(1)), 0);
	ck_assert_int_eq(radix_tree_insert(&root, 1, ITEM(2)), 0);
	ck_assert_ptr_eq(radix_tree_delete(&root, 1), ITEM(2));
	ck_assert_uint_eq(root.height, 2); /* 64 still needs two levels */
	ck_assert_int_eq(live_nodes, 2);
	ck_assert(radix_tree_check(&root));
	radix_tree_destroy(&root);
}
END_TEST

START_TEST(insert_existing)
{
	struct radix_tree_root root;

	live_nodes = 0;
	radix_tree_init(&root);
	ck_assert_int_eq(radix_tree_insert(&root, 1000, ITEM(1)), 0);
	ck_assert_int_eq(radix_tree_insert(&root, 1000, ITEM(2)), -EEXIST);
	ck_assert_ptr_eq(radix_tree_lookup(&root, 1000), ITEM(1));
	ck_assert_uint_eq(root.nr_items, 1);
	ck_assert_int_eq(live_nodes, 2);
	ck_assert(radix_tree_check(&root));
	ck_assert_ptr_null(radix_tree_delete(&root, 1001));
	ck_assert_ptr_null(radix_tree_delete(&root, 100000));
	ck_assert_uint_eq(root.nr_items, 1);
	radix_tree_destroy(&root);
	ck_assert_int_eq(live_nodes, 0);
}
END_TEST

/*
 * Fail the 1st, 2nd, ... allocation of an insert until it succeeds; each
 * failure must leave the tree exactly as it was.
 */
static void insert_with_faults(struct radix_tree_root *root, struct model *m,
			       uint64_t key)
{
	long nodes = live_nodes, n;
	int ret;

	for (n = 0;; n++) {
		fail_countdown = n;
		ret = radix_tree_insert(root, key, ITEM(key & 0xffff));
		fail_countdown = -1;
		if (ret == 0)
			break;
		ck_assert_int_eq(ret, -ENOMEM);
		ck_assert_int_eq(live_nodes, nodes);
		check_against(root, m);
		ck_assert_ptr_null(radix_tree_lookup(root, key));
	}
	model_insert(m, key, ITEM(key & 0xffff));
	check_against(root, m);
}

START_TEST(insert_enomem_unwinds)
{
	/* Small keys first, so that later ones must raise the height. */
	static const uint64_t keys[] = {
		0,
		7,
		99,
		1 << 20,
		12345678,
		UINT64_C(1) << 40,
		(UINT64_C(1) << 40) + 64,
		UINT64_MAX,
		UINT64_MAX - 64,
	};
	struct radix_tree_root root;
	struct model m;
	unsigned int i;

	live_nodes = 0;
	radix_tree_init(&root);
	model_init(&m);
	insert_with_faults(&root, &m, 3); /* into an empty tree */
	radix_tree_destroy(&root);
	model_free(&m);
	model_init(&m);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		insert_with_faults(&root, &m, keys[i]);
	check_full_scan(&root, &m, 3);
	radix_tree_destroy(&root);
	ck_assert_int_eq(live_nodes, 0);
	model_free(&m);
}
END_TEST

START_TEST(gang_edges)
{
	struct radix_tree_root root;
	void *res[8];
	uint64_t idx[8];

	radix_tree_init(&root);
	ck_assert_int_eq(radix_tree_insert(&root, 63, ITEM(1)), 0);
	ck_assert_int_eq(radix_tree_insert(&root, 64, ITEM(2)), 0);
	ck_assert_int_eq(radix_tree_insert(&root, 1 << 20, ITEM(3)), 0);
	ck_assert_int_eq(radix_tree_insert(&root, UINT64_MAX, ITEM(4)), 0);
	/* max_items 0 stores nothing. */
	ck_assert_uint_eq(radix_tree_gang_lookup(&root, res, idx, 0, 0), 0);
	/* Across a leaf boundary and across empty subtrees. */
	ck_assert_uint_eq(radix_tree_gang_lookup(&root, res, idx, 0, 8), 4);
	ck_assert_uint_eq(idx[0], 63);
	ck_assert_uint_eq(idx[1], 64);
	ck_assert_uint_eq(idx[2], 1 << 20);
	ck_assert_uint_eq(idx[3], UINT64_MAX);
	ck_assert_ptr_eq(res[3], ITEM(4));
	/* Starting inside a gap, and at the very last index. */
	ck_assert_uint_eq(radix_tree_gang_lookup(&root, res, idx, 65, 1), 1);
	ck_assert_uint_eq(idx[0], 1 << 20);
	ck_assert_uint_eq(
		radix_tree_gang_lookup(&root, res, NULL, UINT64_MAX, 8), 1);
	ck_assert_ptr_eq(res[0], ITEM(4));
	ck_assert_ptr_eq(radix_tree_delete(&root, UINT64_MAX), ITEM(4));
	ck_assert_uint_eq(root.height, 4);
	ck_assert_uint_eq(
		radix_tree_gang_lookup(&root, res, idx, (1 << 20) + 1, 8), 0);
	/* first_index above what the height covers. */
	ck_assert_uint_eq(
		radix_tree_gang_lookup(&root, res, idx, UINT64_MAX - 5, 8), 0);
	radix_tree_destroy(&root);
}
END_TEST

/* A full leaf, a full second level: the counts reach 64 exactly. */
START_TEST(full_nodes)
{
	struct radix_tree_root root;
	struct model m;
	uint64_t i;

	live_nodes = 0;
	radix_tree_init(&root);
	model_init(&m);
	for (i = 0; i < 64 * 64; i++) {
		ck_assert_int_eq(radix_tree_insert(&root, i, ITEM(i)), 0);
		model_insert(&m, i, ITEM(i));
	}
	check_against(&root, &m);
	ck_assert_int_eq(live_nodes, 65);
	check_full_scan(&root, &m, 64);
	for (i = 0; i < 64 * 64; i += 2) {
		ck_assert_ptr_eq(radix_tree_delete(&root, i), ITEM(i));
		model_delete(&m, i);
	}
	check_against(&root, &m);
	for (i = 1; i < 64 * 64; i += 2)
		ck_assert_ptr_eq(radix_tree_delete(&root, i), ITEM(i));
	ck_assert_int_eq(live_nodes, 0);
	ck_assert_uint_eq(root.height, 0);
	model_free(&m);
}
END_TEST

START_TEST(check_detects_damage)
{
	struct radix_tree_root root;

	radix_tree_init(&root);
	ck_assert_int_eq(radix_tree_insert(&root, 100, ITEM(1)), 0);
	root.nr_items++;
	ck_assert(!radix_tree_check(&root)); /* R4 */
	root.nr_items--;
	root.rnode->count++;
	ck_assert(!radix_tree_check(&root)); /* R2 */
	root.rnode->count--;
	ck_assert(radix_tree_check(&root));
	radix_tree_destroy(&root);
	root.nr_items = 1;
	ck_assert(!radix_tree_check(&root)); /* R1 */
	/* R3: a top-level slot that no 64-bit index reaches. */
	radix_tree_init(&root);
	ck_assert_int_eq(radix_tree_insert(&root, 0, ITEM(1)), 0);
	ck_assert_int_eq(radix_tree_insert(&root, UINT64_MAX, ITEM(2)), 0);
	ck_assert(radix_tree_check(&root));
	root.rnode->slots[16] = root.rnode->slots[15];
	root.rnode->slots[15] = NULL;
	ck_assert(!radix_tree_check(&root));
	root.rnode->slots[15] = root.rnode->slots[16];
	root.rnode->slots[16] = NULL;
	radix_tree_destroy(&root);
}
END_TEST

#if OBJVM_DEBUG
START_TEST(insert_null_is_a_bug)
{
	struct radix_tree_root root;

	radix_tree_init(&root);
	radix_tree_insert(&root, 1, NULL);
}
END_TEST
#endif

static Suite *radix_suite(void)
{
	Suite *s = suite_create("radix");
	TCase *tc = tcase_create("edges");
	TCase *rnd_tc = tcase_create("random");

	tcase_add_test(tc, empty_tree);
	tcase_add_test(tc, height_per_index);
	tcase_add_test(tc, grow_and_shrink);
	tcase_add_test(tc, no_shrink_when_high_slot_used);
	tcase_add_test(tc, insert_existing);
	tcase_add_test(tc, insert_enomem_unwinds);
	tcase_add_test(tc, gang_edges);
	tcase_add_test(tc, full_nodes);
	tcase_add_test(tc, check_detects_damage);
#if OBJVM_DEBUG
	tcase_add_test_raise_signal(tc, insert_null_is_a_bug, SIGABRT);
#endif
	suite_add_tcase(s, tc);

	tcase_set_timeout(rnd_tc, 120);
	tcase_add_loop_test(rnd_tc, random_checked_each_step, KEYS_DENSE,
			    KEYS_MIXED + 1);
	tcase_add_loop_test(rnd_tc, random_long, KEYS_DENSE, KEYS_MIXED + 1);
	suite_add_tcase(s, rnd_tc);
	return s;
}

int main(void)
{
	return run_suite(radix_suite());
}
